/**
 * bench:poll — what one poll of radtop costs on a big radacct, on real PostgreSQL.
 *
 * Builds a FreeRADIUS radacct of 5,000,000 rows (30 days, 6 NAS, ~60,000 users) with 100,000 open sessions
 * interleaved with the closed ones, server-side with generate_series, using radtop's copy of the stock schema
 * (stock indexes only). Then times the queries one poll sends, through the real SessionSource, and runs the
 * same SQL with the same parameters through psql's EXPLAIN ANALYZE as the floor (server execution time only).
 * For each case over its target it tries the candidate index (or the cheaper setting) and prints what it buys.
 *
 * PostgreSQL: DATABASE_URL if set (a throwaway database: empty, or set up by an earlier run of this bench),
 * else a temporary cluster of the newest /usr/lib/postgresql/<version>.
 * Knobs (env): BENCH_ROWS, BENCH_OPEN, BENCH_ITERATIONS, BENCH_WARMUP, BENCH_CASE_BUDGET_MS,
 * BENCH_ALL_REMEDIES=1 (try every candidate, not only those for a missed target).
 *
 * Exit status: 0 when it measured (a missed target is a result, not a failure), 1 on an error,
 * 2 when DATABASE_URL is not a database it may wipe.
 */
import {spawn} from 'node:child_process';
import os from 'node:os';
import {performance} from 'node:perf_hooks';
import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import {buildCountQuery, buildListQuery, buildStatsQuery, SESSION_COLUMNS} from '../dist/sessions/radacct-sql.js';
import {FREERADIUS_SCHEMA_SQL} from '../dist/sessions/schema.js';
import {SessionSource} from '../dist/sessions/session-source.js';
import {findPsql, startCluster} from './lib/pg-cluster.js';

function intEnv(name, fallback) {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw.replace(/_/g, ''));
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${raw}`);
	return value;
}

const ROWS = intEnv('BENCH_ROWS', 5_000_000);
const OPEN = Math.min(intEnv('BENCH_OPEN', 100_000), Math.floor(ROWS / 4));
const USERS = 60_000;
const DAYS = 30;
const ITERATIONS = intEnv('BENCH_ITERATIONS', 30);
const WARMUP = intEnv('BENCH_WARMUP', 5);
/** A slow case gets fewer iterations (never fewer than MIN_ITERATIONS) so the whole run stays short. */
const CASE_BUDGET_MS = intEnv('BENCH_CASE_BUDGET_MS', 6_000);
const MIN_ITERATIONS = 10;
const FLOOR_RUNS = 3;
const WINDOW = 50;
const POLL_INTERVAL_MS = 5_000;
const ALL_REMEDIES = process.env.BENCH_ALL_REMEDIES === '1';
const INTERIM_SAMPLE = Math.min(10_000, OPEN);

const COLUMNS = new Set(SESSION_COLUMNS);
const NAS = [1, 2, 3, 4, 5, 6].map((k) => ({ip: `10.20.0.${k}`, name: `bng-${k}`}));

/**
 * Where the open sessions sit, by age of their start: most started recently, a long tail of PPPoE sessions
 * that have been up for days or weeks.
 */
const OPEN_TIERS = [
	{fromDay: 0, toDay: 1, share: 0.55},
	{fromDay: 1, toDay: 3, share: 0.25},
	{fromDay: 3, toDay: 10, share: 0.15},
	{fromDay: 10, toDay: 30, share: 0.05},
];

class RefusedError extends Error {}

const log = (...parts) => console.log(...parts);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function fmt(ms) {
	if (ms === undefined || ms === null || Number.isNaN(ms)) return 'n/a';
	if (ms < 10) return ms.toFixed(2);
	if (ms < 100) return ms.toFixed(1);
	return ms.toFixed(0);
}

function percentile(sorted, p) {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function median(values) {
	return percentile([...values].sort((a, b) => a - b), 0.5);
}

function table(headers, rows) {
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => String(row[i]).length)));
	const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join(' | ');
	return [line(headers), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

async function timed(fn) {
	const start = performance.now();
	const value = await fn();
	return {value, ms: performance.now() - start};
}

// ---------------------------------------------------------------------------------------------------------
// The data set

/** Row ids [lo, hi] of the rows started between `fromDay` and `toDay` days before the newest row. */
function idRange(fromDay, toDay) {
	const perDay = ROWS / DAYS;
	return {lo: Math.max(1, ROWS - Math.floor(toDay * perDay) + 1), hi: ROWS - Math.floor(fromDay * perDay)};
}

function openTierValues() {
	let left = OPEN;
	return OPEN_TIERS.map((tier, index) => {
		const {lo, hi} = idRange(tier.fromDay, tier.toDay);
		const count = index === OPEN_TIERS.length - 1 ? left : Math.round(tier.share * OPEN);
		left -= count;
		return `(${lo}, ${hi}, ${Math.min(count, hi - lo + 1)})`;
	});
}

/**
 * The ids of the open rows: each tier's id range is cut into `count` equal slots and one id is drawn from each,
 * so the count is exact and the open rows are spread among the closed ones.
 */
const OPEN_IDS_SQL = () => `
INSERT INTO radtop_bench_open (id)
SELECT t.lo + floor(k * t.step)::bigint + floor(random() * (floor((k + 1) * t.step) - floor(k * t.step)))::bigint
FROM (VALUES ${openTierValues().join(', ')}) AS v(lo, hi, c)
CROSS JOIN LATERAL (SELECT v.lo, (v.hi - v.lo + 1)::float8 / v.c AS step, v.c) AS t
CROSS JOIN LATERAL generate_series(0, t.c - 1) AS k`;

const NAMES = [
	'anna', 'boris', 'chen', 'dmitri', 'elena', 'farid', 'greta', 'hugo', 'ines', 'jonas', 'kasia', 'luca', 'maria',
	'nikos', 'olga', 'pavel', 'quinn', 'rosa', 'sven', 'tomas', 'ulla', 'vera', 'wanda', 'xavier', 'yusuf', 'zofia',
	'amir', 'bea', 'carl', 'dana',
];

/**
 * Rows $2..$3 of radacct. $1 is the data's "now" (the newest start), $4 the seconds between two starts.
 * Row i belongs to user u = i * 35761 mod 60000 (35761 is prime to 60000, so every user appears); a user
 * keeps one NAS (uneven shares: 34/24/16/12/9/5 %), one CPE MAC and a realm or none. Closed sessions last
 * minutes to hours and ended before "now"; open ones had an interim update in the last 5 minutes (1 % are
 * ghosts whose updates stopped hours or days ago).
 */
const INSERT_CHUNK_SQL = `
INSERT INTO radacct (radacctid, acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype,
	acctstarttime, acctupdatetime, acctstoptime, acctinterval, acctsessiontime, acctauthentic, connectinfo_start,
	connectinfo_stop, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause,
	servicetype, framedprotocol, framedipaddress)
SELECT i, upper(lpad(to_hex(i), 8, '0')), md5('radtop-bench-' || i),
	(ARRAY[${NAMES.map((name) => `'${name}'`).join(',')}])[1 + u % ${NAMES.length}] || '.' || u || coalesce('@' || realm, ''),
	realm, '10.20.0.0'::inet + nas, 'ge-0/0/' || (nas - 1) || '.' || (100 + u % 400), 'Virtual',
	start, coalesce(stop, updated), stop, CASE WHEN stop IS NULL OR duration >= 300 THEN 300 END, duration, 'RADIUS',
	'1000000000', CASE WHEN stop IS NOT NULL THEN '1000000000' END,
	(duration * rate * (0.05 + r2 * 0.2))::bigint, (duration * rate)::bigint, 'bng-' || nas,
	(ARRAY['AA:BB:CC','D4:CA:6D','E4:8D:8C'])[1 + u % 3] || ':' || substr(mac, 1, 2) || ':' || substr(mac, 3, 2) || ':' || substr(mac, 5, 2),
	CASE WHEN stop IS NULL THEN NULL
		WHEN r2 < 0.50 THEN 'User-Request' WHEN r2 < 0.70 THEN 'Lost-Carrier' WHEN r2 < 0.80 THEN 'Idle-Timeout'
		WHEN r2 < 0.88 THEN 'Session-Timeout' WHEN r2 < 0.93 THEN 'Admin-Reset' WHEN r2 < 0.97 THEN 'NAS-Reboot'
		ELSE 'Port-Error' END,
	'Framed-User', 'PPP', '100.64.0.0'::inet + (i * 2654435761) % 4194304
FROM (
	SELECT *, extract(epoch FROM coalesce(stop, updated) - start)::bigint AS duration
	FROM (
		SELECT i, u, nas, realm, mac, r2, rate, start,
			CASE WHEN NOT open THEN
				start + least(60 + -ln(1 - r1) * 14400, extract(epoch FROM $1::timestamptz - start) * r1) * interval '1 second'
			END AS stop,
			CASE WHEN open THEN
				greatest(start, $1::timestamptz - CASE WHEN r3 < 0.01 THEN 3600 + r2 * 259200 ELSE r2 * 300 END * interval '1 second')
			END AS updated
		FROM (
			SELECT g.i, u, o.id IS NOT NULL AS open,
				CASE WHEN (u * 7) % 100 < 34 THEN 1 WHEN (u * 7) % 100 < 58 THEN 2 WHEN (u * 7) % 100 < 74 THEN 3
					WHEN (u * 7) % 100 < 86 THEN 4 WHEN (u * 7) % 100 < 95 THEN 5 ELSE 6 END AS nas,
				CASE WHEN u % 4 = 0 THEN 'isp.example' WHEN u % 10 = 1 THEN 'biz.example' END AS realm,
				lpad(upper(to_hex((u * 2654435761) % 16777216)), 6, '0') AS mac,
				$1::timestamptz - interval '${DAYS} days' + (g.i + random() * 0.8) * $4::float8 * interval '1 second' AS start,
				random() AS r1, random() AS r2, random() AS r3, 1000 + random() * 400000 AS rate
			FROM generate_series($2::bigint, $3::bigint) AS g(i)
			CROSS JOIN LATERAL (SELECT (g.i * 35761) % ${USERS} AS u) AS user_number
			LEFT JOIN radtop_bench_open AS o ON o.id = g.i
		) AS drawn
	) AS timed
) AS sized`;

/** Runs tasks with at most `limit` in flight; resolves when all are done, rejects on the first failure. */
async function inParallel(limit, tasks) {
	let next = 0;
	const worker = async () => {
		while (next < tasks.length) {
			const task = tasks[next++];
			await task();
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, tasks.length)}, worker));
}

/**
 * Refuses a DATABASE_URL database unless it is empty or carries our marker table, then (re)creates the
 * stock schema there.
 */
async function prepareDatabase(pool, external) {
	if (external) {
		const {rows} = await pool.query(`
			SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
				AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
			ORDER BY 1`);
		const names = rows.map((row) => row.name);
		if (names.length > 0 && !names.some((name) => name.endsWith('.radtop_bench_marker'))) {
			const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, ... (${names.length} in all)` : '');
			throw new RefusedError(
				`refusing to use DATABASE_URL: that database has tables (${shown}) and no radtop_bench_marker table.\n` +
					'bench:poll drops and recreates radacct and nas, so it only runs on an empty throwaway database ' +
					'(e.g. `createdb radtop_bench`) or one it set up itself; or unset DATABASE_URL and it starts its own cluster.',
			);
		}
	}
	await pool.query('CREATE TABLE IF NOT EXISTS radtop_bench_marker (created_at timestamptz NOT NULL DEFAULT now())');
	await pool.query('DROP TABLE IF EXISTS radacct, nas, radtop_bench_open CASCADE');
	await pool.query(FREERADIUS_SCHEMA_SQL);
}

/** The stock schema's indexes on radacct, as statements that recreate them exactly. */
async function radacctIndexes(pool) {
	const constraints = await pool.query(`
		SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
		WHERE conrelid = 'radacct'::regclass AND contype IN ('p', 'u') ORDER BY contype, conname`);
	const indexes = await pool.query(`
		SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
		WHERE i.indrelid = 'radacct'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY 1`);
	const quote = pgUtils.escapeIdentifier;
	return {
		drop: [
			...indexes.rows.map((row) => `DROP INDEX ${row.name}`),
			...constraints.rows.map((row) => `ALTER TABLE radacct DROP CONSTRAINT ${quote(row.conname)}`),
		],
		create: [
			...constraints.rows.map((row) => `ALTER TABLE radacct ADD CONSTRAINT ${quote(row.conname)} ${row.definition}`),
			...indexes.rows.map((row) => row.definition),
		],
	};
}

async function generateData(pool) {
	const parallel = Math.max(1, Math.min(2, os.availableParallelism()));
	const base = new Date();
	const step = (DAYS * 86_400) / ROWS;
	const phases = {};

	const indexes = await radacctIndexes(pool);
	for (const statement of indexes.drop) await pool.query(statement);
	await pool.query(
		'INSERT INTO nas (nasname, shortname, type, secret, description) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])',
		[NAS.map((n) => n.ip), NAS.map((n) => n.name), NAS.map(() => 'other'), NAS.map((n) => `secret-${n.name}`), NAS.map(() => 'bench:poll')],
	);
	await pool.query('CREATE UNLOGGED TABLE radtop_bench_open (id bigint PRIMARY KEY)');
	await pool.query('SELECT setseed(0.1)');
	const openIds = await pool.query(OPEN_IDS_SQL());
	if (openIds.rowCount !== OPEN) throw new Error(`expected ${OPEN} open ids, generated ${openIds.rowCount}`);
	await pool.query('ANALYZE radtop_bench_open');

	const chunkCount = Math.ceil(Math.ceil(ROWS / 1_000_000) / parallel) * parallel;
	const chunkSize = Math.ceil(ROWS / chunkCount);
	const chunks = [];
	for (let from = 1, index = 0; from <= ROWS; from += chunkSize, index++) {
		chunks.push({from, to: Math.min(ROWS, from + chunkSize - 1), index});
	}
	let inserted = 0;
	phases.insert = (
		await timed(() =>
			inParallel(
				parallel,
				chunks.map((chunk) => async () => {
					const client = await pool.connect();
					try {
						await client.query("SET work_mem = '64MB'");
						await client.query('SELECT setseed($1)', [(chunk.index + 1) / (chunks.length + 1)]);
						const result = await client.query(INSERT_CHUNK_SQL, [base, chunk.from, chunk.to, step]);
						inserted += result.rowCount;
						log(`  rows ${chunk.from.toLocaleString('en-US')}..${chunk.to.toLocaleString('en-US')} inserted (${inserted.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')})`);
					} finally {
						client.release();
					}
				}),
			),
		)
	).ms;
	await pool.query('DROP TABLE radtop_bench_open');

	phases.index = (
		await timed(async () => {
			// The primary key and the unique constraint first (they are ALTER TABLEs), then the plain indexes two at a time.
			const [constraints, plain] = [indexes.create.filter((s) => s.startsWith('ALTER')), indexes.create.filter((s) => !s.startsWith('ALTER'))];
			const build = (statement) => async () => {
				const client = await pool.connect();
				try {
					await client.query("SET maintenance_work_mem = '512MB'");
					await client.query(statement);
				} finally {
					client.release();
				}
			};
			await inParallel(1, constraints.map(build));
			await inParallel(parallel, plain.map(build));
		})
	).ms;
	await pool.query(`SELECT setval(pg_get_serial_sequence('radacct', 'radacctid'), $1)`, [ROWS]);
	phases.vacuum = (await timed(() => pool.query('VACUUM ANALYZE radacct, nas'))).ms;
	return {phases, base, parallel, chunks: chunks.length};
}

async function describeData(pool) {
	const {rows: [summary]} = await pool.query(`
		SELECT count(*) AS total, count(*) FILTER (WHERE acctstoptime IS NULL) AS open,
			count(DISTINCT username) AS users,
			count(*) FILTER (WHERE acctstoptime IS NOT NULL AND acctstarttime >= now() - interval '1 day') AS closed_last_day,
			min(acctstarttime) AS first_start, max(acctstarttime) AS last_start,
			pg_size_pretty(pg_relation_size('radacct')) AS heap, pg_size_pretty(pg_indexes_size('radacct')) AS indexes
		FROM radacct`);
	const {rows: perNas} = await pool.query(`
		SELECT n.shortname, host(r.nasipaddress) AS ip, count(*) AS open, count(DISTINCT r.username) AS users
		FROM radacct r LEFT JOIN nas n ON n.nasname = host(r.nasipaddress)
		WHERE r.acctstoptime IS NULL GROUP BY 1, 2 ORDER BY 2`);
	const {rows: ages} = await pool.query(`
		SELECT count(*) FILTER (WHERE acctstarttime >= now() - interval '1 day') AS d1,
			count(*) FILTER (WHERE acctstarttime < now() - interval '1 day' AND acctstarttime >= now() - interval '3 days') AS d3,
			count(*) FILTER (WHERE acctstarttime < now() - interval '3 days' AND acctstarttime >= now() - interval '10 days') AS d10,
			count(*) FILTER (WHERE acctstarttime < now() - interval '10 days') AS older,
			count(DISTINCT username) AS users,
			count(DISTINCT (ctid::text::point)[0]) AS pages
		FROM radacct WHERE acctstoptime IS NULL`);
	return {summary, perNas, ages: ages[0]};
}

// ---------------------------------------------------------------------------------------------------------
// Measuring

/** Runs `fn` WARMUP times unmeasured, then up to ITERATIONS times (fewer when slow), and returns p50/p95. */
async function measure(fn) {
	let warmTotal = 0;
	let last = 0;
	for (let i = 0; i < WARMUP; i++) {
		last = (await timed(fn)).ms;
		warmTotal += last;
		if (i >= 1 && warmTotal > CASE_BUDGET_MS / 3) break;
	}
	const iterations = Math.max(MIN_ITERATIONS, Math.min(ITERATIONS, Math.floor(CASE_BUDGET_MS / Math.max(last, 0.01))));
	const samples = [];
	for (let i = 0; i < iterations; i++) samples.push((await timed(fn)).ms);
	const sorted = samples.sort((a, b) => a - b);
	return {n: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95)};
}

/** A value as pg sends it, written as an SQL literal for psql. */
function literal(value) {
	const prepared = pgUtils.prepareValue(value);
	return prepared === null || prepared === undefined ? 'NULL' : pgUtils.escapeLiteral(String(prepared));
}

function runPsql(url, script) {
	return new Promise((resolve, reject) => {
		const child = spawn(findPsql(), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', '-'], {
			stdio: ['pipe', 'pipe', 'pipe'],
			env: {...process.env, PGAPPNAME: 'radtop-bench-floor'},
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`psql failed (exit ${code}): ${stderr.trim()}`))));
		child.stdin.end(script);
	});
}

/**
 * The floor: psql's EXPLAIN ANALYZE "Execution Time" of the same statement with the same parameters
 * (PREPAREd, custom plans as node-postgres's unnamed statements get), median of FLOOR_RUNS after one warm-up.
 */
class Floors {
	#cache = new Map();
	#url;
	available = true;

	constructor(url) {
		this.#url = url;
	}

	/** Forgets the cached floors: call it whenever indexes or data change. */
	reset() {
		this.#cache.clear();
	}

	async of(query, settings = []) {
		if (!this.available) return undefined;
		const key = JSON.stringify([query.text, query.values, settings]);
		if (!this.#cache.has(key)) {
			const args = query.values.length > 0 ? `(${query.values.map(literal).join(', ')})` : '';
			const script = [
				'SET plan_cache_mode = force_custom_plan;',
				...settings.map((setting) => `SET ${setting};`),
				`PREPARE radtop_floor AS ${query.text};`,
				...Array.from({length: FLOOR_RUNS + 1}, () => `EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE radtop_floor${args};`),
			].join('\n');
			let output;
			try {
				output = await runPsql(this.#url, script);
			} catch (error) {
				if (error.code === 'ENOENT') {
					this.available = false;
					log('  (psql not found: no floors)');
					return undefined;
				}
				throw error;
			}
			const times = [...output.matchAll(/Execution Time: ([\d.]+) ms/g)].map((match) => Number(match[1]));
			if (times.length !== FLOOR_RUNS + 1) throw new Error(`psql gave ${times.length} execution times, expected ${FLOOR_RUNS + 1}`);
			this.#cache.set(key, median(times.slice(1)));
		}
		return this.#cache.get(key);
	}

	async sum(queries, settings) {
		let total = 0;
		for (const query of queries) {
			const floor = await this.of(query, settings);
			if (floor === undefined) return undefined;
			total += floor;
		}
		return total;
	}
}

/**
 * The cases. Each has parts (one statement each, run one after another, as one poll on one connection would);
 * `parts(source)` returns {run, query}, query being what SessionSource sends, from the same builders.
 */
function defineCases({searchHit, searchMiss, nasIps, nasName, closedFrom, staleAfter}) {
	const startDesc = {key: 'start', direction: 'desc'};
	const open = {status: 'active'};
	const windowCase = (id, label, filter, sort) => ({
		id,
		label,
		target: 10,
		parts: (source) => [{run: () => source.list(filter, sort, {limit: WINDOW}), query: buildListQuery(filter, sort, {limit: WINDOW}, COLUMNS)}],
	});
	const count = (source) => ({run: () => source.count(open), query: buildCountQuery(open)});
	const stats = (source, {statsSql, db} = {}) => {
		if (!statsSql) return {run: () => source.stats(), query: buildStatsQuery(staleAfter, COLUMNS)};
		const query = statsSql(staleAfter);
		return {run: () => db.query(query.text, [...query.values]), query};
	};
	const list = (source) => windowCase('', '', open, startDesc).parts(source)[0];
	return [
		windowCase('default', 'window: default (open, start desc)', open, startDesc),
		windowCase('down', 'window: sort by output octets (down desc)', open, {key: 'down', direction: 'desc'}),
		windowCase('search', `window: search '${searchHit.term}' (${searchHit.matches} open rows)`, {...open, search: searchHit.term}, startDesc),
		windowCase('search-miss', `window: search '${searchMiss.term}' (0 rows: user offline)`, {...open, search: searchMiss.term}, startDesc),
		windowCase('nas', `window: NAS filter ${nasName} (${nasIps.join(', ')})`, {...open, nasIps}, startDesc),
		windowCase('closed', 'window: closed, started in the last day', {status: 'closed', startedFrom: closedFrom}, startDesc),
		{id: 'count', label: '  count(open)', parts: (source) => [count(source)]},
		{id: 'stats', label: '  stats(): per NAS, unique users, stale', parts: (source, variant) => [stats(source, variant)]},
		{id: 'counts', label: 'counts: count + stats', target: 100, parts: (source, variant) => [count(source), stats(source, variant)]},
		{
			id: 'poll',
			label: 'whole poll: window + count + stats',
			target: POLL_INTERVAL_MS * 0.05,
			parts: (source, variant) => [list(source), count(source), stats(source, variant)],
		},
	];
}

/**
 * Times one case. `variant` describes a candidate fix: {source, db, settings, statsSql}; settings are the
 * connection's `SET`s (also applied to the psql floor), statsSql a replacement for buildStatsQuery.
 */
async function runCase(testCase, source, floors, variant = {}) {
	const settings = variant.settings ?? [];
	const parts = testCase.parts(source, variant);
	const timing = await measure(async () => {
		for (const part of parts) await part.run();
	});
	const floor = await floors.sum(parts.map((part) => part.query), settings);
	const ok = testCase.target === undefined ? undefined : timing.p50 <= testCase.target;
	return {...timing, floor, ok};
}

function targetText(testCase) {
	if (testCase.target === undefined) return '';
	return testCase.id === 'poll' ? `<= ${testCase.target} (5% of 5 s)` : `<= ${testCase.target}`;
}

function verdict(result) {
	return result.ok === undefined ? '' : result.ok ? 'ok' : 'MISS';
}

function resultsTable(cases, results) {
	return table(
		['case', 'n', 'p50 ms', 'p95 ms', 'psql floor ms', 'target ms', 'ok/MISS'],
		cases.map((c) => {
			const r = results.get(c.id);
			return [c.label, r.n, fmt(r.p50), fmt(r.p95), fmt(r.floor), targetText(c), verdict(r)];
		}),
	);
}

/**
 * Picks a username fragment that matches about five open sessions (a name and the first four digits of the
 * customer number, so usually a few customers), and a username with no open session.
 */
async function pickSearchTerms(pool) {
	const {rows} = await pool.query('SELECT lower(username) AS username FROM radacct WHERE acctstoptime IS NULL');
	const open = rows.map((row) => row.username);
	const prefixCounts = new Map();
	for (const name of open) {
		const local = name.split('@')[0];
		const length = local.indexOf('.') + 5;
		if (local.length < length) continue;
		const prefix = local.slice(0, length);
		prefixCounts.set(prefix, (prefixCounts.get(prefix) ?? 0) + 1);
	}
	const candidates = [...prefixCounts.entries()].sort(([a, x], [b, y]) => Math.abs(x - 5) - Math.abs(y - 5) || a.localeCompare(b));
	// A prefix count is a lower bound of the substring matches; the caller checks the real count.
	const hit = candidates[0][0];
	const {rows: closed} = await pool.query(
		'SELECT DISTINCT lower(username) AS username FROM radacct WHERE radacctid BETWEEN $1 AND $2 ORDER BY 1',
		[Math.floor(ROWS / 2), Math.floor(ROWS / 2) + 2000],
	);
	const miss = closed
		.map((row) => row.username.split('@')[0])
		.find((local) => !open.some((name) => name.includes(local)));
	if (!miss) throw new Error('found no user without an open session for the no-match search');
	return {hit, miss};
}

// ---------------------------------------------------------------------------------------------------------
// Candidate fixes for missed targets

/**
 * Time of an Interim-Update of INTERIM_SAMPLE open sessions as FreeRADIUS's queries.conf writes it (median of
 * three after a warm-up, each rolled back), then VACUUM so the dead row versions and the cleared visibility
 * map bits do not leak into later measurements.
 */
async function interimUpdateCost(pool, ids) {
	const client = await pool.connect();
	const times = [];
	try {
		for (let i = 0; i < 4; i++) {
			await client.query('BEGIN');
			const {ms} = await timed(() =>
				client.query(
					`UPDATE radacct SET acctupdatetime = now(), acctinterval = 300,
						acctsessiontime = extract(epoch FROM now() - acctstarttime)::bigint,
						acctinputoctets = acctinputoctets + 150000, acctoutputoctets = acctoutputoctets + 1500000
					WHERE radacctid = ANY($1::bigint[])`,
					[ids],
				),
			);
			await client.query('ROLLBACK');
			if (i > 0) times.push(ms);
		}
	} finally {
		client.release();
	}
	await pool.query('VACUUM radacct');
	return median(times);
}

/**
 * buildStatsQuery with the same result, cheaper to aggregate: count(DISTINCT username) under GROUPING SETS
 * sorts the usernames once per NAS and once more for the network, with strcoll() on every comparison unless
 * the collation is C (distinctness is byte equality for any deterministic collation, so COLLATE "C" counts
 * the same); the mean age as float8 (date_part) instead of numeric (EXTRACT); and no acctstoptime test in the
 * stale filter, which the WHERE clause already implies (it also kept an index-only scan from serving it).
 */
function cheaperStatsQuery(staleAfterSeconds) {
	return {
		text:
			'SELECT host(nasipaddress) AS nasipaddress, GROUPING(nasipaddress) AS nas_group, ' +
			'count(*)::bigint AS sessions, count(DISTINCT username COLLATE "C")::bigint AS users, ' +
			"avg(date_part('epoch', now() - acctstarttime))::float8 AS average_age, " +
			'count(*) FILTER (WHERE COALESCE(acctupdatetime, acctstarttime) < now() - ' +
			"(CASE WHEN acctinterval > 0 THEN 2 * acctinterval ELSE $1::bigint END) * interval '1 second')::bigint AS stale, " +
			'now() AS db_now FROM radacct WHERE acctstoptime IS NULL GROUP BY GROUPING SETS ((nasipaddress), ())',
		values: [Math.round(staleAfterSeconds)],
	};
}

const REMEDIES = [
	{
		id: 'down-index',
		title: 'partial index for the sort by download',
		statements: ['CREATE INDEX radtop_bench_open_down ON radacct (acctoutputoctets, radacctid) WHERE acctstoptime IS NULL'],
		drop: ['DROP INDEX radtop_bench_open_down'],
		cases: ['down'],
		interimCost: true,
		cost: 'acctoutputoctets changes on every Interim-Update, so every interim update also writes this index (and can no longer be a HOT update)',
	},
	{
		id: 'trgm',
		title: 'pg_trgm GIN indexes on the searched columns, open sessions only',
		extension: 'pg_trgm',
		statements: [
			'CREATE INDEX radtop_bench_open_user_trgm ON radacct USING gin (username gin_trgm_ops) WHERE acctstoptime IS NULL',
			'CREATE INDEX radtop_bench_open_ip_trgm ON radacct USING gin (host(framedipaddress) gin_trgm_ops) WHERE acctstoptime IS NULL',
			'CREATE INDEX radtop_bench_open_mac_trgm ON radacct USING gin (callingstationid gin_trgm_ops) WHERE acctstoptime IS NULL',
		],
		drop: ['DROP INDEX radtop_bench_open_user_trgm, radtop_bench_open_ip_trgm, radtop_bench_open_mac_trgm'],
		cases: ['search', 'search-miss'],
		cost: 'columns interim updates do not touch; written on Accounting-Start and -Stop only. A MAC-looking search adds a regexp_replace() branch no index serves',
	},
	{
		id: 'stats-index',
		title: 'covering partial index for the counts (index-only scan)',
		statements: [
			'CREATE INDEX radtop_bench_open_stats ON radacct (nasipaddress, username) INCLUDE (acctstarttime, acctupdatetime, acctinterval, acctstoptime) WHERE acctstoptime IS NULL',
		],
		drop: ['DROP INDEX radtop_bench_open_stats'],
		cases: ['counts', 'poll'],
		interimCost: true,
		cost: 'includes acctupdatetime, so every interim update writes it; and index-only scans only skip the heap for pages VACUUM has marked all-visible, which interim updates undo',
	},
	{
		id: 'stats-query',
		title: 'a cheaper stats query, same numbers: DISTINCT username COLLATE "C", float8 mean age',
		sql: (staleAfter) => cheaperStatsQuery(staleAfter),
		cases: ['counts'],
		cost: 'none: the same rows and numbers as buildStatsQuery',
	},
	{
		id: 'jit-off',
		title: "jit = off on radtop's connections (e.g. pg Pool option options: '-c jit=off')",
		settings: ['jit = off'],
		cases: ['down', 'search-miss', 'counts'],
		cost: 'none for these short queries: JIT only pays off for long analytical ones',
	},
];

async function extensionReady(pool, name, created) {
	const {rows} = await pool.query('SELECT installed_version FROM pg_available_extensions WHERE name = $1', [name]);
	if (rows.length === 0) return false;
	if (!rows[0].installed_version) {
		try {
			await pool.query(`CREATE EXTENSION ${pgUtils.escapeIdentifier(name)}`);
		} catch (error) {
			log(`  (CREATE EXTENSION ${name} failed: ${error.message})`);
			return false;
		}
		created.push(name);
	}
	return true;
}

async function applyRemedy(pool, remedy) {
	const {ms} = await timed(async () => {
		for (const statement of remedy.statements ?? []) {
			const client = await pool.connect();
			try {
				await client.query("SET maintenance_work_mem = '512MB'");
				await client.query(statement);
			} finally {
				client.release();
			}
		}
		if (remedy.statements) await pool.query('ANALYZE radacct');
	});
	return ms;
}

async function indexSizes(pool, remedy) {
	if (!remedy.statements) return '';
	const names = remedy.statements.map((statement) => /CREATE INDEX (\S+)/.exec(statement)[1]);
	const {rows} = await pool.query('SELECT pg_size_pretty(sum(pg_relation_size(c.oid))) AS size FROM pg_class c WHERE c.relname = ANY($1)', [names]);
	return rows[0].size;
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
	const started = performance.now();
	const external = Boolean(process.env.DATABASE_URL);
	let cluster;
	let pool;
	const pools = [];
	const createdExtensions = [];
	try {
		if (external) {
			log('PostgreSQL: DATABASE_URL');
		} else {
			cluster = await startCluster({log: (message) => log(`PostgreSQL: ${message}`)});
		}
		const url = external ? process.env.DATABASE_URL : cluster.url;
		const newPool = (options = '') => {
			const created = new pg.Pool({connectionString: url, max: 4, ...(options ? {options} : {})});
			created.on('error', () => {});
			pools.push(created);
			return created;
		};
		pool = newPool();
		const {rows: [server]} = await pool.query(
			"SELECT version() AS version, current_setting('shared_buffers') AS shared_buffers, current_setting('work_mem') AS work_mem, " +
				"current_setting('jit') AS jit, current_setting('max_parallel_workers_per_gather') AS parallel",
		);
		log(`${server.version.split(' on ')[0]}; shared_buffers ${server.shared_buffers}, work_mem ${server.work_mem}, jit ${server.jit}, parallel workers per gather ${server.parallel}`);
		log(`machine: ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

		await prepareDatabase(pool, external);
		log(`generating ${ROWS.toLocaleString('en-US')} rows, ${OPEN.toLocaleString('en-US')} open, over ${DAYS} days (server-side generate_series)`);
		const generated = await timed(() => generateData(pool));
		const {phases, parallel, chunks} = generated.value;
		log(
			`generated in ${seconds(generated.ms)}: insert ${seconds(phases.insert)} (${chunks} INSERT ... SELECT, ${parallel} at a time), ` +
				`stock indexes ${seconds(phases.index)}, VACUUM ANALYZE ${seconds(phases.vacuum)}`,
		);
		const data = await describeData(pool);
		const s = data.summary;
		const n = (value) => Number(value).toLocaleString('en-US');
		log(`radacct: ${n(s.total)} rows (${n(s.open)} open, ${n(Number(s.total) - Number(s.open))} closed), ${n(s.users)} distinct users, heap ${s.heap}, indexes ${s.indexes}`);
		log(`  starts from ${s.first_start.toISOString()} to ${s.last_start.toISOString()}; ${n(s.closed_last_day)} closed sessions started in the last day`);
		log(`  open sessions by start: ${n(data.ages.d1)} < 1 day, ${n(data.ages.d3)} 1-3 days, ${n(data.ages.d10)} 3-10 days, ${n(data.ages.older)} older; ${n(data.ages.users)} distinct users; spread over ${n(data.ages.pages)} heap pages`);
		log(`  open per NAS: ${data.perNas.map((row) => `${row.shortname ?? row.ip} ${n(row.open)}`).join(', ')}`);

		const source = await SessionSource.open(pool);
		const terms = await pickSearchTerms(pool);
		const hitCount = await source.count({status: 'active', search: terms.hit});
		const missCount = await source.count({status: 'active', search: terms.miss});
		if (missCount.total !== 0) throw new Error(`the no-match search '${terms.miss}' matches ${missCount.total} rows`);
		const smallest = [...data.perNas].sort((a, b) => Number(a.open) - Number(b.open))[0];
		const nasName = smallest.shortname ?? smallest.ip;
		const cases = defineCases({
			searchHit: {term: terms.hit, matches: hitCount.total},
			searchMiss: {term: terms.miss},
			nasIps: source.resolveNas([nasName]),
			nasName,
			closedFrom: new Date(Date.now() - 86_400_000),
			staleAfter: source.staleAfterSeconds,
			db: pool,
		});
		const floors = new Floors(url);
		/** The connection and statements radtop would use with these fixes in place. */
		const variantOf = async (remedies) => {
			const settings = remedies.flatMap((remedy) => remedy.settings ?? []);
			const statsSql = remedies.find((remedy) => remedy.sql)?.sql;
			if (settings.length === 0) return {source, db: pool, settings, statsSql};
			const db = newPool(settings.map((setting) => `-c ${setting.replace(/\s*=\s*/, '=')}`).join(' '));
			return {source: await SessionSource.open(db), db, settings, statsSql};
		};

		log(`\nmeasuring: ${WARMUP} warm-up + up to ${ITERATIONS} timed calls per case through SessionSource (node-postgres Pool); floor = median of ${FLOOR_RUNS} psql EXPLAIN ANALYZE runs`);
		const results = new Map();
		for (const testCase of cases) {
			results.set(testCase.id, await runCase(testCase, source, floors));
		}
		log(`\n${resultsTable(cases, results)}\n`);
		const missed = cases.filter((c) => results.get(c.id).ok === false);
		log(missed.length === 0 ? 'every target met' : `missed: ${missed.map((c) => c.id).join(', ')}`);

		// Candidate fixes, each alone on top of the stock indexes, then all together.
		const wanted = REMEDIES.filter((remedy) => ALL_REMEDIES || remedy.cases.some((id) => missed.some((c) => c.id === id)));
		let interimIds = [];
		let interimBase;
		if (wanted.some((remedy) => remedy.interimCost)) {
			const {rows} = await pool.query('SELECT radacctid FROM radacct WHERE acctstoptime IS NULL ORDER BY random() LIMIT $1', [INTERIM_SAMPLE]);
			interimIds = rows.map((row) => row.radacctid);
			interimBase = await interimUpdateCost(pool, interimIds);
		}
		const applied = [];
		for (const remedy of wanted) {
			if (remedy.extension && !(await extensionReady(pool, remedy.extension, createdExtensions))) {
				log(`\n${remedy.title}: skipped, extension ${remedy.extension} is not available (postgresql-contrib)`);
				continue;
			}
			log(`\nwith ${remedy.title}:`);
			for (const statement of remedy.statements ?? []) log(`  ${statement}`);
			const built = await applyRemedy(pool, remedy);
			floors.reset();
			const variant = await variantOf([remedy]);
			if (remedy.statements) log(`  built in ${seconds(built)}, ${await indexSizes(pool, remedy)}`);
			for (const id of remedy.cases) {
				const testCase = cases.find((c) => c.id === id);
				const before = results.get(id);
				const after = await runCase(testCase, variant.source, floors, variant);
				const mark = after.ok === undefined ? '' : after.ok ? ' -> ok' : ' -> still MISS';
				log(`  ${testCase.label.trim()}: p50 ${fmt(after.p50)} ms (was ${fmt(before.p50)} ms), p95 ${fmt(after.p95)} ms, floor ${fmt(after.floor)} ms (was ${fmt(before.floor)})${mark}`);
			}
			if (remedy.interimCost) {
				const withIndex = await interimUpdateCost(pool, interimIds);
				log(`  cost: interim update of ${n(INTERIM_SAMPLE)} open sessions ${fmt(withIndex)} ms (was ${fmt(interimBase)} ms); ${remedy.cost}`);
			} else {
				log(`  cost: ${remedy.cost}`);
			}
			for (const statement of remedy.drop ?? []) await pool.query(statement);
			floors.reset();
			applied.push(remedy);
		}

		if (applied.length > 1) {
			log(`\nwith all of the above together (${applied.map((remedy) => remedy.id).join(', ')}):`);
			for (const remedy of applied) await applyRemedy(pool, remedy);
			floors.reset();
			const variant = await variantOf(applied);
			const together = new Map();
			for (const testCase of cases) together.set(testCase.id, await runCase(testCase, variant.source, floors, variant));
			log(`\n${resultsTable(cases, together)}`);
			for (const remedy of applied) for (const statement of remedy.drop ?? []) await pool.query(statement);
			floors.reset();
		}

		// What the counts cost in a live table: interim updates keep clearing the visibility map between VACUUMs.
		log(`\nafter one round of interim updates (all ${n(OPEN)} open sessions updated once, as every 5 minutes; no VACUUM since), stock indexes:`);
		const client = await pool.connect();
		let round;
		let hot;
		try {
			const counters = "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'radacct'";
			const flush = () => client.query('SELECT pg_stat_force_next_flush()').catch(() => {});
			await flush();
			const before = (await client.query(counters)).rows[0];
			round = await timed(() =>
				client.query(
					`UPDATE radacct SET acctupdatetime = now(), acctsessiontime = extract(epoch FROM now() - acctstarttime)::bigint,
						acctinputoctets = acctinputoctets + 150000, acctoutputoctets = acctoutputoctets + 1500000
					WHERE acctstoptime IS NULL`,
				),
			);
			await flush();
			await client.query('SELECT pg_stat_clear_snapshot()');
			const after = (await client.query(counters)).rows[0];
			hot = {updates: after.n_tup_upd - before.n_tup_upd, hot: after.n_tup_hot_upd - before.n_tup_hot_upd};
		} finally {
			client.release();
		}
		floors.reset();
		log(`  (the round took ${seconds(round.ms)}; ${n(hot.hot)} of its ${n(hot.updates)} updates were HOT: a freshly loaded table has no free space in its pages)`);
		const live = new Map();
		const liveCases = cases.filter((c) => ['default', 'count', 'stats', 'counts', 'poll'].includes(c.id));
		for (const testCase of liveCases) live.set(testCase.id, await runCase(testCase, source, floors));
		log(`\n${resultsTable(liveCases, live)}`);

		if (external) {
			await pool.query('DROP TABLE IF EXISTS radacct, nas CASCADE');
			for (const name of createdExtensions) await pool.query(`DROP EXTENSION IF EXISTS ${pgUtils.escapeIdentifier(name)}`);
		}
		log(`\ntotal ${seconds(performance.now() - started)} (data ${seconds(generated.ms)}); load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	} finally {
		await Promise.all(pools.map((p) => p.end().catch(() => {})));
		if (cluster) await cluster.stop();
	}
}

main().catch((error) => {
	if (error instanceof RefusedError) {
		console.error(error.message);
		process.exitCode = 2;
		return;
	}
	console.error(`bench:poll failed: ${error.stack ?? error}`);
	process.exitCode = 1;
});
