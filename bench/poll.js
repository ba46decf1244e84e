/**
 * bench:poll — what one poll of radtop costs on a big radacct, on real PostgreSQL.
 *
 * Builds a FreeRADIUS radacct of 5,000,000 rows (30 days, 6 NAS, ~60,000 users) with 100,000 open sessions
 * interleaved with the closed ones, server-side with generate_series, using radtop's copy of the stock schema
 * (stock indexes only). Then times what one poll sends, through the real SessionSource and fetchSnapshot over a
 * pool made by radtop's own connectDatabase (so with its connection settings: jit off, statement_timeout), and
 * runs the same SQL with the same parameters through psql's EXPLAIN ANALYZE as the floor (server execution time
 * only, with `SET jit = off` as on radtop's connections).
 *
 * A poll (fetchSnapshot) is: one window of rows + openCounts() (+ count(filter) when the view is not every open
 * session) + staleAndUsers() when the last one is older than 30 s (SlowCounts). So the whole poll is reported
 * both as the usual poll (SlowCounts warm) and amortised over a 30 s refresh at a 5 s poll interval.
 * For each case over its target it tries the candidate index and prints what it buys and what it costs. Last,
 * the counts and the poll in a live table: after a round of interim updates, after a VACUUM, and (when the counts
 * miss there) with the covering index.
 *
 * PostgreSQL: DATABASE_URL if set (a throwaway database: empty, or set up by an earlier run of this bench),
 * else a temporary cluster of the newest /usr/lib/postgresql/<version>.
 * Knobs (env): BENCH_ROWS, BENCH_OPEN, BENCH_ITERATIONS, BENCH_WARMUP, BENCH_CASE_BUDGET_MS,
 * BENCH_ALL_REMEDIES=1 (try every candidate, not only those for a missed target), BENCH_CASES=search (only the
 * search grammar cases of bench/lib/search-cases.js and their candidate indexes; no live-table rounds),
 * BENCH_CASES=subscribers (only the poll with and without the subscriber context of bench/lib/subscriber-cases.js,
 * over authorisation tables and a billing table filled for every user), BENCH_CASES=history (only the online count
 * over time of bench/lib/history-cases.js, with the stock indexes and with the index doctor suggests, and that
 * index's cost on Accounting-Stop), BENCH_CASES=sites (the merged poll over three databases of BENCH_ROWS rows,
 * 1,000,000 by default, 30,000 of them open, against each site's poll alone: bench/lib/site-cases.js).
 *
 * Exit status: 0 when it measured (a missed target is a result, not a failure), 1 on an error,
 * 2 when DATABASE_URL is not a database it may wipe.
 */
import {spawn} from 'node:child_process';
import os from 'node:os';
import {performance} from 'node:perf_hooks';
import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import {connectDatabase} from '../dist/db/connect.js';
import {
	buildCountQuery,
	buildListQuery,
	buildStaleAndUsersQuery,
	filterPredicates,
	OPEN_COUNTS_QUERY,
	Parameters,
	selectList,
	sortPlan,
} from '../dist/sessions/radacct-sql.js';
import {SESSION_COLUMNS} from '../dist/sessions/session-columns.js';
import {FREERADIUS_SCHEMA_SQL} from '../dist/db/freeradius-schema.js';
import {RateTracker} from '../dist/sessions/session-math.js';
import {SessionSource} from '../dist/sessions/session-source.js';
import {fetchSnapshot, SlowCounts} from '../dist/sessions/snapshot.js';
import {findPsql, startCluster} from './lib/pg-cluster.js';
import {intEnv} from './lib/env.js';
import {defineHistoryCases, HISTORY_REMEDIES, historyScans, stopUpdateCost} from './lib/history-cases.js';
import {defineSearchCases, pickSearchValues, SEARCH_REMEDIES} from './lib/search-cases.js';
import {defineSubscriberCases, seedSubscriberTables} from './lib/subscriber-cases.js';
import {runSitesBench} from './lib/site-cases.js';

const ONLY_SITES = process.env['BENCH_CASES'] === 'sites';
const ROWS = intEnv('BENCH_ROWS', ONLY_SITES ? 1_000_000 : 5_000_000);
const OPEN = Math.min(intEnv('BENCH_OPEN', ONLY_SITES ? 30_000 : 100_000), Math.floor(ROWS / 4));
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
/** SlowCounts' refresh interval in the console: stale and unique users are counted once every this long. */
const SLOW_REFRESH_MS = 30_000;
const POLLS_PER_REFRESH = SLOW_REFRESH_MS / POLL_INTERVAL_MS;
/** What radtop's connections set (connectDatabase: options '-c jit=off'); the psql floor runs with the same. */
const FLOOR_SETTINGS = ['jit = off'];
/** Search terms that are rare but that the planner, going by LIKE's default selectivity, expects to be common. */
const RARE_TERMS = ['xyz', 'zz.99'];
const ALL_REMEDIES = process.env['BENCH_ALL_REMEDIES'] === '1';
const INTERIM_SAMPLE = Math.min(10_000, OPEN);
const ONLY_SEARCH = process.env['BENCH_CASES'] === 'search';
const ONLY_SUBSCRIBERS = process.env['BENCH_CASES'] === 'subscribers';
const ONLY_HISTORY = process.env['BENCH_CASES'] === 'history';
/** The history's target: it is read when the view opens and once a minute while it is open. */
const HISTORY_TARGET_MS = 500;

const COLUMNS = new Set(SESSION_COLUMNS);
const SITES_LABEL = `3 sites of ${ROWS.toLocaleString('en-US')} rows, ${OPEN.toLocaleString('en-US')} open each`;
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

/** @typedef {import('../dist/sessions/session-source.js').SessionSource} Source */
/** @typedef {import('../dist/sessions/session.js').SessionFilter} Filter */
/** @typedef {import('../dist/sessions/session.js').SessionSort} Sort */
/** @typedef {{readonly text: string, readonly values: readonly unknown[]}} Query */
/** @typedef {{run: () => Promise<unknown>, queries: Query[]}} Part One statement or call of a case. */
/**
 * @typedef {object} Result
 * @property {number | string} n
 * @property {number | undefined} p50
 * @property {number | undefined} p95
 * @property {number | undefined} floor
 * @property {boolean | undefined} [ok]
 */
/** @typedef {Map<string, Result>} Results */
/**
 * @typedef {object} Case
 * @property {string} id
 * @property {string} label
 * @property {number} [target]
 * @property {number} [ratioTarget] at most this many times its psql floor (p50)
 * @property {(source: Source) => Part[]} [parts]
 * @property {(results: Results) => Result} [derive]
 */
/** @typedef {{'Node Type': string, 'Scan Direction'?: string, 'Index Name'?: string, Plans?: PlanNode[]}} PlanNode */

/** @param {...unknown} parts */
const log = (...parts) => console.log(...parts);
/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** @param {number | undefined | null} ms */
function fmt(ms) {
	if (ms === undefined || ms === null || Number.isNaN(ms)) return 'n/a';
	if (ms < 10) return ms.toFixed(2);
	if (ms < 100) return ms.toFixed(1);
	return ms.toFixed(0);
}

/**
 * @param {readonly number[]} sorted
 * @param {number} p
 * @returns {number}
 */
function percentile(sorted, p) {
	return /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]);
}

/** @param {readonly number[]} values */
function median(values) {
	return percentile(
		[...values].sort((a, b) => a - b),
		0.5,
	);
}

/**
 * @param {string[]} headers
 * @param {unknown[][]} rows
 */
function table(headers, rows) {
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => String(row[i]).length)));
	/** @param {unknown[]} cells */
	const line = (cells) =>
		cells
			.map((cell, i) =>
				i === 0 ? String(cell).padEnd(/** @type {number} */ (widths[i])) : String(cell).padStart(/** @type {number} */ (widths[i])),
			)
			.join(' | ');
	return [line(headers), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/**
 * @template T
 * @param {() => Promise<T>} fn
 */
async function timed(fn) {
	const start = performance.now();
	const value = await fn();
	return {value, ms: performance.now() - start};
}

// ---------------------------------------------------------------------------------------------------------
// The data set

/** Row ids [lo, hi] of the rows started between `fromDay` and `toDay` days before the newest row. */
/**
 * @param {number} fromDay
 * @param {number} toDay
 */
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
	'anna',
	'boris',
	'chen',
	'dmitri',
	'elena',
	'farid',
	'greta',
	'hugo',
	'ines',
	'jonas',
	'kasia',
	'luca',
	'maria',
	'nikos',
	'olga',
	'pavel',
	'quinn',
	'rosa',
	'sven',
	'tomas',
	'ulla',
	'vera',
	'wanda',
	'xavier',
	'yusuf',
	'zofia',
	'amir',
	'bea',
	'carl',
	'dana',
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
/**
 * @param {number} limit
 * @param {(() => Promise<void>)[]} tasks
 */
async function inParallel(limit, tasks) {
	let next = 0;
	const worker = async () => {
		while (next < tasks.length) {
			const task = /** @type {() => Promise<void>} */ (tasks[next++]);
			await task();
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, tasks.length)}, worker));
}

/**
 * Refuses a DATABASE_URL database unless it is empty or carries our marker table, then (re)creates the
 * stock schema there.
 * @param {pg.Pool} pool
 * @param {boolean} external
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
/** @param {pg.Pool} pool */
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

/** @param {pg.Pool} pool */
async function generateData(pool) {
	const parallel = Math.max(1, Math.min(2, os.availableParallelism()));
	const base = new Date();
	const step = (DAYS * 86_400) / ROWS;
	const phases = {};

	const indexes = await radacctIndexes(pool);
	for (const statement of indexes.drop) await pool.query(statement);
	await pool.query(
		'INSERT INTO nas (nasname, shortname, type, secret, description) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])',
		[
			NAS.map((n) => n.ip),
			NAS.map((n) => n.name),
			NAS.map(() => 'other'),
			NAS.map((n) => `secret-${n.name}`),
			NAS.map(() => 'bench:poll'),
		],
	);
	await pool.query('CREATE UNLOGGED TABLE radtop_bench_open (id bigint PRIMARY KEY)');
	await pool.query('SELECT setseed(0.1)');
	const openIds = await pool.query(OPEN_IDS_SQL());
	if (openIds.rowCount !== OPEN) throw new Error(`expected ${OPEN} open ids, generated ${openIds.rowCount}`);
	await pool.query('ANALYZE radtop_bench_open');

	const chunkCount = Math.ceil(Math.ceil(ROWS / 1_000_000) / parallel) * parallel;
	const chunkSize = Math.ceil(ROWS / chunkCount);
	/** @type {{from: number, to: number, index: number}[]} */
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
						inserted += /** @type {number} */ (result.rowCount);
						log(
							`  rows ${chunk.from.toLocaleString('en-US')}..${chunk.to.toLocaleString('en-US')} inserted (${inserted.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')})`,
						);
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
			const [constraints, plain] = [
				indexes.create.filter((s) => s.startsWith('ALTER')),
				indexes.create.filter((s) => !s.startsWith('ALTER')),
			];
			/** @param {string} statement */
			const build = (statement) => () => runMaintenance(pool, statement);
			await inParallel(1, constraints.map(build));
			await inParallel(parallel, plain.map(build));
		})
	).ms;
	await pool.query(`SELECT setval(pg_get_serial_sequence('radacct', 'radacctid'), $1)`, [ROWS]);
	phases.vacuum = (await timed(() => pool.query('VACUUM ANALYZE radacct, nas'))).ms;
	return {phases, base, parallel, chunks: chunks.length};
}

/** @param {pg.Pool} pool */
async function describeData(pool) {
	const {
		rows: [summary],
	} = await pool.query(`
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
/** @param {() => Promise<unknown>} fn */
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
/** @param {unknown} value */
function literal(value) {
	const prepared = pgUtils.prepareValue(value);
	return prepared === null || prepared === undefined ? 'NULL' : pgUtils.escapeLiteral(String(prepared));
}

/**
 * @param {string} url
 * @param {string} script
 * @returns {Promise<string>} psql's output
 */
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
 * (PREPAREd, custom plans as node-postgres's unnamed statements get), on a connection with radtop's settings
 * (FLOOR_SETTINGS), median of FLOOR_RUNS after one warm-up.
 */
class Floors {
	#cache = new Map();
	#url;
	available = true;

	/** @param {string} url */
	constructor(url) {
		this.#url = url;
	}

	/** Forgets the cached floors: call it whenever indexes or data change. */
	reset() {
		this.#cache.clear();
	}

	/**
	 * @param {Query} query
	 * @returns {Promise<number | undefined>}
	 */
	async of(query, runs = FLOOR_RUNS) {
		if (!this.available) return undefined;
		const key = JSON.stringify([query.text, query.values, runs]);
		if (!this.#cache.has(key)) {
			const args = query.values.length > 0 ? `(${query.values.map(literal).join(', ')})` : '';
			const script = [
				'SET plan_cache_mode = force_custom_plan;',
				...FLOOR_SETTINGS.map((setting) => `SET ${setting};`),
				`PREPARE radtop_floor AS ${query.text};`,
				...Array.from({length: runs + 1}, () => `EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE radtop_floor${args};`),
			].join('\n');
			let output;
			try {
				output = await runPsql(this.#url, script);
			} catch (error) {
				if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') {
					this.available = false;
					log('  (psql not found: no floors)');
					return undefined;
				}
				throw error;
			}
			const times = [...output.matchAll(/Execution Time: ([\d.]+) ms/g)].map((match) => Number(match[1]));
			if (times.length !== runs + 1) throw new Error(`psql gave ${times.length} execution times, expected ${runs + 1}`);
			this.#cache.set(key, median(times.slice(1)));
		}
		return this.#cache.get(key);
	}

	/** @param {Query[]} queries */
	async sum(queries) {
		let total = 0;
		for (const query of queries) {
			const floor = await this.of(query);
			if (floor === undefined) return undefined;
			total += floor;
		}
		return total;
	}
}

/**
 * The cases. A measured case has parts (one statement or call each, run one after another, as one poll on one
 * connection would); `parts(source)` returns [{run, queries}], queries being what SessionSource sends, built by
 * the same builders, for the psql floor. A derived case (`derive`) is computed from measured ones.
 * @param {object} data
 * @param {{term: string, matches: number}} data.searchHit
 * @param {{term: string}} data.searchMiss
 * @param {{term: string, matches: number}} data.searchRare
 * @param {string[]} data.nasIps
 * @param {string} data.nasName
 * @param {Date} data.closedFrom
 * @param {number} data.staleAfter
 * @returns {Case[]}
 */
function defineCases({searchHit, searchMiss, searchRare, nasIps, nasName, closedFrom, staleAfter}) {
	/** @type {Sort} */
	const startDesc = {key: 'start', direction: 'desc'};
	/** @type {Filter} */
	const open = {status: 'active'};
	const nasView = {...open, nasIps};
	/**
	 * @param {Filter} filter
	 * @param {Sort} sort
	 */
	const listQuery = (filter, sort) => buildListQuery(filter, sort, {limit: WINDOW, offset: 0}, COLUMNS);
	/**
	 * @param {string} id
	 * @param {string} label
	 * @param {Filter} filter
	 * @param {Sort} sort
	 * @returns {Case}
	 */
	const windowCase = (id, label, filter, sort) => ({
		id,
		label,
		target: 10,
		parts: (source) => [{run: () => source.list(filter, sort, {limit: WINDOW, offset: 0}), queries: [listQuery(filter, sort)]}],
	});
	/** @type {(source: Source) => Part} */
	const openCounts = (source) => ({run: () => source.openCounts(), queries: [OPEN_COUNTS_QUERY]});
	/** @type {(filter: Filter) => (source: Source) => Part} */
	const countOf = (filter) => (source) => ({run: () => source.count(filter), queries: [buildCountQuery(filter)]});
	const staleQuery = buildStaleAndUsersQuery(staleAfter, COLUMNS);
	/** @type {(source: Source) => Part} */
	const staleAndUsers = (source) => ({run: () => source.staleAndUsers(), queries: [staleQuery]});
	/** fetchSnapshot of the default view (whole network: no count query), as the console's poller calls it. */
	/** @type {(slowMaxAgeMs: number) => (source: Source) => Part} */
	const poll = (slowMaxAgeMs) => (source) => {
		const rates = new RateTracker();
		// Warm: the first (warm-up) call fills it and it never expires. Refreshing: maxAge 0, every call recounts.
		const slow = new SlowCounts(slowMaxAgeMs);
		const request = {key: 'bench', filter: open, sort: startDesc, offset: 0, limit: WINDOW};
		return {
			run: () => fetchSnapshot(source, request, rates, slow),
			queries: [listQuery(open, startDesc), OPEN_COUNTS_QUERY, ...(slowMaxAgeMs === 0 ? [staleQuery] : [])],
		};
	};
	/**
	 * @param {Result} result
	 * @param {number} factor
	 * @returns {Result}
	 */
	const scaled = (result, factor) => ({
		n: result.n,
		p50: /** @type {number} */ (result.p50) * factor,
		p95: /** @type {number} */ (result.p95) * factor,
		floor: result.floor === undefined ? undefined : result.floor * factor,
	});
	return [
		windowCase('default', 'window: default (open, start desc)', open, startDesc),
		windowCase('down', 'window: sort by output octets (down desc)', open, {key: 'down', direction: 'desc'}),
		windowCase(
			'search',
			`window: search '${searchHit.term}' (${searchHit.matches} open rows)`,
			{...open, search: searchHit.term},
			startDesc,
		),
		windowCase(
			'search-miss',
			`window: search '${searchMiss.term}' (0 rows: user offline)`,
			{...open, search: searchMiss.term},
			startDesc,
		),
		windowCase(
			'search-rare',
			`window: search '${searchRare.term}' (rare term, ${searchRare.matches} open rows)`,
			{...open, search: searchRare.term},
			startDesc,
		),
		windowCase('nas', `window: NAS filter ${nasName} (${nasIps.join(', ')})`, nasView, startDesc),
		windowCase('closed', 'window: closed, started in the last day', {status: 'closed', startedFrom: closedFrom}, startDesc),
		{id: 'counts-default', label: 'counts per poll, default view: openCounts()', target: 100, parts: (source) => [openCounts(source)]},
		{
			id: 'counts-nas',
			label: `counts per poll, NAS view: openCounts() + count(NAS ${nasName})`,
			target: 100,
			parts: (source) => [openCounts(source), countOf(nasView)(source)],
		},
		{id: 'count-nas', label: `  of which count(NAS ${nasName})`, parts: (source) => [countOf(nasView)(source)]},
		{id: 'stale', label: 'stale + unique users (every 30 s): staleAndUsers()', parts: (source) => [staleAndUsers(source)]},
		{
			id: 'stale-amortised',
			label: `  amortised per poll (/${POLLS_PER_REFRESH}: every ${SLOW_REFRESH_MS / 1000} s at a ${POLL_INTERVAL_MS / 1000} s poll)`,
			derive: (results) => scaled(/** @type {Result} */ (results.get('stale')), 1 / POLLS_PER_REFRESH),
		},
		{
			id: 'poll',
			label: 'whole poll: fetchSnapshot, default view, SlowCounts warm',
			target: POLL_INTERVAL_MS * 0.05,
			parts: (source) => [poll(Number.MAX_SAFE_INTEGER)(source)],
		},
		{
			id: 'poll-refresh',
			label: `  the poll that refreshes stale + users (1 in ${POLLS_PER_REFRESH})`,
			parts: (source) => [poll(0)(source)],
		},
		{
			id: 'poll-amortised',
			label: `whole poll amortised: (${POLLS_PER_REFRESH - 1} warm + 1 refreshing) / ${POLLS_PER_REFRESH}`,
			target: POLL_INTERVAL_MS * 0.05,
			derive: (results) => {
				const warm = /** @type {Result} */ (results.get('poll'));
				const refresh = /** @type {Result} */ (results.get('poll-refresh'));
				/**
				 * @param {number | undefined} a
				 * @param {number | undefined} b
				 */
				const mix = (a, b) =>
					a === undefined || b === undefined ? undefined : ((POLLS_PER_REFRESH - 1) * a + b) / POLLS_PER_REFRESH;
				return {
					n: `${warm.n}+${refresh.n}`,
					p50: mix(warm.p50, refresh.p50),
					p95: mix(warm.p95, refresh.p95),
					floor: mix(warm.floor, refresh.floor),
				};
			},
		},
	];
}

/**
 * Times one measured case through `source`: p50/p95 of the calls, and the sum of its statements' floors.
 * @param {Case} testCase
 * @param {Source} source
 * @param {Floors} floors
 * @returns {Promise<Result>}
 */
async function runCase(testCase, source, floors) {
	const parts = /** @type {NonNullable<Case['parts']>} */ (testCase.parts)(source);
	const timing = await measure(async () => {
		for (const part of parts) await part.run();
	});
	const floor = await floors.sum(parts.flatMap((part) => part.queries));
	return {...timing, floor, ok: testCase.target === undefined ? undefined : timing.p50 <= testCase.target};
}

/**
 * Measures (or derives) `cases` in order into a new map; derived cases read the map built so far.
 * @param {Case[]} cases
 * @param {Source} source
 * @param {Floors} floors
 */
async function runCases(cases, source, floors) {
	/** @type {Results} */
	const results = new Map();
	for (const testCase of cases) {
		if (testCase.derive) {
			const derived = testCase.derive(results);
			results.set(testCase.id, {
				...derived,
				ok: testCase.target === undefined ? undefined : /** @type {number} */ (derived.p50) <= testCase.target,
			});
		} else {
			results.set(testCase.id, await runCase(testCase, source, floors));
		}
	}
	return results;
}

/** @param {Case} testCase */
function targetText(testCase) {
	if (testCase.target === undefined) return '';
	return testCase.id.startsWith('poll') ? `<= ${testCase.target} (5% of 5 s)` : `<= ${testCase.target}`;
}

/** @param {Result} result */
function verdict(result) {
	return result.ok === undefined ? '' : result.ok ? 'ok' : 'MISS';
}

/**
 * @param {Case[]} cases
 * @param {Results} results
 * @param {Results} [baseline]
 */
function resultsTable(cases, results, baseline, baselineTitle = 'was p50 ms') {
	const headers = ['case', 'n', 'p50 ms', 'p95 ms', 'psql floor ms', 'target ms', 'ok/MISS'];
	return table(
		baseline ? [...headers.slice(0, 2), baselineTitle, ...headers.slice(2)] : headers,
		cases.map((c) => {
			const r = /** @type {Result} */ (results.get(c.id));
			const row = [c.label, r.n, fmt(r.p50), fmt(r.p95), fmt(r.floor), targetText(c), verdict(r)];
			return baseline ? [...row.slice(0, 2), fmt(baseline.get(c.id)?.p50), ...row.slice(2)] : row;
		}),
	);
}

/**
 * Picks a username fragment that matches about five open sessions (a name and the first four digits of the
 * customer number, so usually a few customers), and a username with no open session.
 * @param {pg.Pool} pool
 */
async function pickSearchTerms(pool) {
	const {rows} = await pool.query('SELECT lower(username) AS username FROM radacct WHERE acctstoptime IS NULL');
	/** @type {string[]} */
	const open = rows.map((row) => row['username']);
	/** @type {Map<string, number>} */
	const prefixCounts = new Map();
	for (const name of open) {
		const local = /** @type {string} */ (name.split('@')[0]);
		const length = local.indexOf('.') + 5;
		if (local.length < length) continue;
		const prefix = local.slice(0, length);
		prefixCounts.set(prefix, (prefixCounts.get(prefix) ?? 0) + 1);
	}
	const candidates = [...prefixCounts.entries()].sort(([a, x], [b, y]) => Math.abs(x - 5) - Math.abs(y - 5) || a.localeCompare(b));
	// A prefix count is a lower bound of the substring matches; the caller checks the real count.
	const hit = /** @type {[string, number]} */ (candidates[0])[0];
	const {rows: closed} = await pool.query(
		'SELECT DISTINCT lower(username) AS username FROM radacct WHERE radacctid BETWEEN $1 AND $2 ORDER BY 1',
		[Math.floor(ROWS / 2), Math.floor(ROWS / 2) + 2000],
	);
	/** @type {string[]} */
	const closedLocals = closed.map((row) => row['username'].split('@')[0]);
	const miss = closedLocals.find((local) => !open.some((name) => name.includes(local)));
	if (!miss) throw new Error('found no user without an open session for the no-match search');
	return {hit, miss};
}

/**
 * The window statement for an open-session search as buildListQuery wrote it before the fence: the same select
 * list, predicates and order, with no OFFSET 0 subquery, so the planner is free to walk the start-time index.
 * @param {Filter} filter
 * @param {Sort} sort
 */
function unfencedListQuery(filter, sort) {
	const parameters = new Parameters();
	const plan = sortPlan(sort, filter.status, 'now()');
	const predicates = filterPredicates(filter, parameters);
	const columns = `${selectList(COLUMNS)}, (${plan.expression})::text AS sort_value, now() AS db_now, (now())::text AS as_of`;
	const text =
		`SELECT ${columns} FROM radacct WHERE ${predicates.join(' AND ')} ` +
		`ORDER BY ${plan.expression} ${plan.direction}, radacct.radacctid ${plan.direction} LIMIT ${parameters.add(WINDOW)}`;
	return {text, values: parameters.values};
}

/**
 * A plan as one line: node types (and index names), children in brackets.
 * @param {PlanNode} node
 * @returns {string}
 */
function planShape(node) {
	const name =
		node['Node Type'] +
		(node['Scan Direction'] === 'Backward' ? ' Backward' : '') +
		(node['Index Name'] ? ` on ${node['Index Name']}` : '');
	const children = node.Plans ?? [];
	if (children.length === 0) return name;
	if (children.length === 1) return `${name} > ${planShape(/** @type {PlanNode} */ (children[0]))}`;
	return `${name} > [${children.map(planShape).join('; ')}]`;
}

/**
 * @param {pg.Pool} db
 * @param {Query} query
 */
async function explainShape(db, query) {
	const {rows} = await db.query(`EXPLAIN (FORMAT JSON) ${query.text}`, [...query.values]);
	const plan = rows[0]['QUERY PLAN'];
	return planShape((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan);
}

/**
 * The rare term: the first of RARE_TERMS for which the unfenced statement walks an index backwards (the plan
 * that cost seconds), else the first of them. Returns the term and both plans.
 * @param {pg.Pool} db
 */
async function pickRareTerm(db) {
	/** @type {Sort} */
	const startDesc = {key: 'start', direction: 'desc'};
	/** @type {{term: string, filter: Filter, unfenced: string}[]} */
	const shapes = [];
	for (const term of RARE_TERMS) {
		/** @type {Filter} */
		const filter = {status: 'active', search: term};
		const unfenced = await explainShape(db, unfencedListQuery(filter, startDesc));
		shapes.push({term, filter, unfenced});
		if (/Backward/.test(unfenced)) break;
	}
	const picked = /** @type {(typeof shapes)[number]} */ (shapes.find((shape) => /Backward/.test(shape.unfenced)) ?? shapes[0]);
	const fenced = await explainShape(db, buildListQuery(picked.filter, startDesc, {limit: WINDOW, offset: 0}, COLUMNS));
	return {...picked, fenced, walksIndex: /Backward/.test(picked.unfenced)};
}

// ---------------------------------------------------------------------------------------------------------
// Candidate fixes for missed targets

/**
 * Time of an Interim-Update of INTERIM_SAMPLE open sessions as FreeRADIUS's queries.conf writes it (median of
 * three after a warm-up, each rolled back), then VACUUM so the dead row versions and the cleared visibility
 * map bits do not leak into later measurements.
 */
/**
 * @param {pg.Pool} pool
 * @param {string[]} ids
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
 * One round of Interim-Updates: every open session updated once, committed. Returns its time and how many of the
 * updates were HOT (no new index entries).
 */
/** @param {pg.Pool} pool */
async function interimRound(pool) {
	const client = await pool.connect();
	try {
		const counters = "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'radacct'";
		const flush = () => client.query('SELECT pg_stat_force_next_flush()').catch(() => {});
		await flush();
		const before = (await client.query(counters)).rows[0];
		const {ms} = await timed(() =>
			client.query(
				`UPDATE radacct SET acctupdatetime = now(), acctsessiontime = extract(epoch FROM now() - acctstarttime)::bigint,
					acctinputoctets = acctinputoctets + 150000, acctoutputoctets = acctoutputoctets + 1500000
				WHERE acctstoptime IS NULL`,
			),
		);
		await flush();
		await client.query('SELECT pg_stat_clear_snapshot()');
		const after = (await client.query(counters)).rows[0];
		return {ms, updates: after.n_tup_upd - before.n_tup_upd, hot: after.n_tup_hot_upd - before.n_tup_hot_upd};
	} finally {
		client.release();
	}
}

/**
 * A candidate fix: what it builds and drops, the cases it is for (and those to re-measure), and its price.
 * @typedef {object} Remedy
 * @property {string} id
 * @property {string} title
 * @property {string} [extension]
 * @property {string[]} statements
 * @property {string[]} drop
 * @property {string[]} cases
 * @property {string[]} [measure]
 * @property {boolean} [interimCost]
 * @property {boolean} [stopCost] measure Accounting-Stop's cost without and with it
 * @property {string} cost
 */

/** @type {Remedy[]} */
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
		cases: ['search', 'search-miss', 'search-rare'],
		cost: 'columns interim updates do not touch; written on Accounting-Start and -Stop only. A MAC-looking search adds a regexp_replace() branch no index serves',
	},
	{
		id: 'counts-index',
		title: 'covering partial index for the counts and stale + users (index-only scans)',
		statements: [
			'CREATE INDEX radtop_bench_open_counts ON radacct (nasipaddress, username) INCLUDE (acctstarttime, acctupdatetime, acctinterval, acctstoptime) WHERE acctstoptime IS NULL',
		],
		drop: ['DROP INDEX radtop_bench_open_counts'],
		/** Tried when one of these misses; measured on all of `measure`. */
		cases: ['counts-default', 'counts-nas', 'poll', 'poll-amortised'],
		measure: ['counts-default', 'counts-nas', 'stale', 'stale-amortised', 'poll', 'poll-refresh', 'poll-amortised'],
		interimCost: true,
		cost: 'includes acctupdatetime, so every interim update writes it; and index-only scans only skip the heap for pages VACUUM has marked all-visible, which interim updates undo',
	},
];

/**
 * @param {pg.Pool} pool
 * @param {string} name
 * @param {string[]} created
 */
async function extensionReady(pool, name, created) {
	const {rows} = await pool.query('SELECT installed_version FROM pg_available_extensions WHERE name = $1', [name]);
	if (rows.length === 0) return false;
	if (!rows[0].installed_version) {
		try {
			await pool.query(`CREATE EXTENSION ${pgUtils.escapeIdentifier(name)}`);
		} catch (error) {
			log(`  (CREATE EXTENSION ${name} failed: ${/** @type {Error} */ (error).message})`);
			return false;
		}
		created.push(name);
	}
	return true;
}

/**
 * Runs an index build (or the like) on its own connection with room to sort in memory.
 * @param {pg.Pool} pool
 * @param {string} statement
 */
async function runMaintenance(pool, statement) {
	const client = await pool.connect();
	try {
		await client.query("SET maintenance_work_mem = '512MB'");
		await client.query(statement);
	} finally {
		client.release();
	}
}

/**
 * @param {pg.Pool} pool
 * @param {Remedy} remedy
 */
async function applyRemedy(pool, remedy) {
	const {ms} = await timed(async () => {
		for (const statement of remedy.statements ?? []) await runMaintenance(pool, statement);
		if (remedy.statements) await pool.query('ANALYZE radacct');
	});
	return ms;
}

/**
 * @param {pg.Pool} pool
 * @param {Remedy} remedy
 */
async function indexSizes(pool, remedy) {
	if (!remedy.statements) return '';
	const names = remedy.statements.map((statement) => /** @type {RegExpExecArray} */ (/CREATE INDEX (\S+)/.exec(statement))[1]);
	const {rows} = await pool.query(
		'SELECT pg_size_pretty(sum(pg_relation_size(c.oid))) AS size FROM pg_class c WHERE c.relname = ANY($1)',
		[names],
	);
	return rows[0].size;
}

/**
 * The fence on record: the same search as the statement was before it, planned and run by the same server.
 * @param {Awaited<ReturnType<typeof pickRareTerm>>} rare
 * @param {Results} results
 * @param {Floors} floors
 */
async function showFence(rare, results, floors) {
	const unfenced = unfencedListQuery(rare.filter, {key: 'start', direction: 'desc'});
	const unfencedFloor = await floors.of(unfenced, 1);
	log(`\nsearch '${rare.term}' over open sessions, the fence (OFFSET 0 subquery) against the statement before it:`);
	log(`  without the fence: ${rare.unfenced}${rare.walksIndex ? '' : ' (this term does not get the index walk here)'}`);
	log(`    psql floor ${fmt(unfencedFloor)} ms (1 run after a warm-up)`);
	log(`  with the fence (radtop now): ${rare.fenced}`);
	log(`    p50 ${fmt(results.get('search-rare')?.p50)} ms, psql floor ${fmt(results.get('search-rare')?.floor)} ms`);
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
	const started = performance.now();
	const external = Boolean(process.env['DATABASE_URL']);
	/** @type {Awaited<ReturnType<typeof startCluster>> | undefined} */
	let cluster;
	/** @type {pg.Pool | undefined} */
	let pool;
	/** @type {Awaited<ReturnType<typeof connectDatabase>> | undefined} */
	let radtop;
	/** @type {string[]} */
	const createdExtensions = [];
	try {
		if (external) {
			log('PostgreSQL: DATABASE_URL');
		} else {
			// The sites case's one server stands for three, each with its own cache: its buffers hold the three
			// sites' open rows (each site's own server would hold its own), so they do not evict each other.
			cluster = await startCluster({
				log: (message) => log(`PostgreSQL: ${message}`),
				...(ONLY_SITES ? {sharedBuffers: '768MB'} : {}),
			});
		}
		const url = /** @type {string} */ (external ? process.env['DATABASE_URL'] : cluster?.url);
		// The bench's own connections (data, indexes, interim updates, plans): server defaults.
		pool = new pg.Pool({connectionString: url, max: 4});
		pool.on('error', () => {});
		// radtop's connections, made exactly as radtop makes them.
		radtop = await connectDatabase({kind: 'url', url, from: 'flag'});
		const {
			rows: [server],
		} = await pool.query(
			"SELECT version() AS version, current_setting('shared_buffers') AS shared_buffers, current_setting('work_mem') AS work_mem, " +
				"current_setting('jit') AS jit, current_setting('max_parallel_workers_per_gather') AS parallel",
		);
		const {
			rows: [session],
		} = await radtop.pool.query("SELECT current_setting('jit') AS jit, current_setting('statement_timeout') AS timeout");
		log(
			`${server.version.split(' on ')[0]}; shared_buffers ${server.shared_buffers}, work_mem ${server.work_mem}, jit ${server.jit}, parallel workers per gather ${server.parallel}`,
		);
		log(
			`radtop's pool (connectDatabase): jit ${session.jit}, statement_timeout ${session.timeout}; psql floors run with ${FLOOR_SETTINGS.map((setting) => `SET ${setting}`).join(', ')}`,
		);
		log(
			`machine: ${os.availableParallelism()} cores, load average ${os
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}\n`,
		);

		if (ONLY_SITES) {
			log(`generating ${SITES_LABEL}`);
			const sites = await runSitesBench({
				url,
				window: WINDOW,
				prepare: (sitePool) => prepareDatabase(sitePool, external),
				generate: generateData,
				measure,
				log,
			});
			log(`\n${table(['case', 'n', 'p50 ms', 'p95 ms', 'target', 'ok/MISS'], sites.rows)}\n`);
			log(sites.ok ? 'every target met' : 'a target missed');
			return;
		}
		await prepareDatabase(pool, external);
		log(
			`generating ${ROWS.toLocaleString('en-US')} rows, ${OPEN.toLocaleString('en-US')} open, over ${DAYS} days (server-side generate_series)`,
		);
		const generated = await timed(() => generateData(/** @type {pg.Pool} */ (pool)));
		const {phases, parallel, chunks} = generated.value;
		log(
			`generated in ${seconds(generated.ms)}: insert ${seconds(phases.insert)} (${chunks} INSERT ... SELECT, ${parallel} at a time), ` +
				`stock indexes ${seconds(phases.index)}, VACUUM ANALYZE ${seconds(phases.vacuum)}`,
		);
		const data = await describeData(pool);
		const s = data.summary;
		/** @param {unknown} value */
		const n = (value) => Number(value).toLocaleString('en-US');
		log(
			`radacct: ${n(s.total)} rows (${n(s.open)} open, ${n(Number(s.total) - Number(s.open))} closed), ${n(s.users)} distinct users, heap ${s.heap}, indexes ${s.indexes}`,
		);
		log(
			`  starts from ${s.first_start.toISOString()} to ${s.last_start.toISOString()}; ${n(s.closed_last_day)} closed sessions started in the last day`,
		);
		log(
			`  open sessions by start: ${n(data.ages.d1)} < 1 day, ${n(data.ages.d3)} 1-3 days, ${n(data.ages.d10)} 3-10 days, ${n(data.ages.older)} older; ${n(data.ages.users)} distinct users; spread over ${n(data.ages.pages)} heap pages`,
		);
		log(`  open per NAS: ${data.perNas.map((row) => `${row.shortname ?? row.ip} ${n(row.open)}`).join(', ')}`);

		const source = await SessionSource.open(radtop.pool);
		const terms = await pickSearchTerms(pool);
		const hitCount = await source.count({status: 'active', search: terms.hit});
		const missCount = await source.count({status: 'active', search: terms.miss});
		if (missCount.total !== 0) throw new Error(`the no-match search '${terms.miss}' matches ${missCount.total} rows`);
		const rare = await pickRareTerm(pool);
		const rareCount = await source.count(rare.filter);
		const smallest = [...data.perNas].sort((a, b) => Number(a.open) - Number(b.open))[0];
		const nasName = smallest.shortname ?? smallest.ip;
		const searchValues = await pickSearchValues(pool, OPEN, ROWS);
		const searchCases = defineSearchCases(searchValues, {window: WINDOW, columns: COLUMNS, nasName});
		const pollCases = defineCases({
			searchHit: {term: terms.hit, matches: hitCount.total},
			searchMiss: {term: terms.miss},
			searchRare: {term: rare.term, matches: rareCount.total},
			nasIps: source.resolveNas([nasName]),
			nasName,
			closedFrom: new Date(Date.now() - 86_400_000),
			staleAfter: source.staleAfterSeconds,
		});
		const seeded = await seedSubscriberTables(pool);
		log(
			`subscriber tables for ${n(seeded.users)} users: ${Object.entries(seeded.rows)
				.map(([table, count]) => `${table} ${n(count)}`)
				.join(', ')} (${seconds(seeded.ms)})`,
		);
		const subscriberCases = await defineSubscriberCases({pool: radtop.pool, window: WINDOW, columns: COLUMNS});
		/** @type {Case[]} */
		const historyCases = /** @type {Case[]} */ (defineHistoryCases({target: HISTORY_TARGET_MS}));
		const cases = ONLY_SEARCH
			? searchCases
			: ONLY_SUBSCRIBERS
				? /** @type {Case[]} */ (subscriberCases)
				: ONLY_HISTORY
					? historyCases
					: [
							...pollCases,
							.../** @type {Case[]} */ (subscriberCases.filter((c) => c.id !== 'poll')),
							...searchCases,
							...historyCases,
						];
		const floors = new Floors(url);
		/** @param {string[]} ids */
		const measured = (ids) => cases.filter((c) => ids.includes(c.id));

		log(
			`\nmeasuring: ${WARMUP} warm-up + up to ${ITERATIONS} timed calls per case through SessionSource / fetchSnapshot on radtop's pool; ` +
				`floor = median of ${FLOOR_RUNS} psql EXPLAIN ANALYZE runs (sum over the statements of the case)`,
		);
		const results = await runCases(cases, source, floors);
		log(`\n${resultsTable(cases, results)}\n`);
		const missed = cases.filter((c) => results.get(c.id)?.ok === false);
		log(missed.length === 0 ? 'every target met' : `missed: ${missed.map((c) => c.id).join(', ')}`);
		for (const c of cases.filter((c) => c.ratioTarget !== undefined)) {
			const r = /** @type {Result} */ (results.get(c.id));
			const ratio = r.p50 !== undefined && r.floor ? r.p50 / r.floor : undefined;
			log(
				`${c.id}: p50 ${fmt(r.p50)} ms is ${ratio === undefined ? 'n/a' : ratio.toFixed(2)}x its psql floor (${fmt(r.floor)} ms); at most ${c.ratioTarget}x: ${ratio !== undefined && ratio <= /** @type {number} */ (c.ratioTarget) ? 'ok' : 'MISS'}`,
			);
		}

		// The fence on record: the same search as the statement was before it, planned and run by the same server.
		if (!ONLY_SEARCH && !ONLY_SUBSCRIBERS && !ONLY_HISTORY) await showFence(rare, results, floors);
		if (ONLY_HISTORY) log(`history plan, stock indexes: ${await historyScans(pool)}`);

		// Candidate fixes, each alone on top of the stock indexes, then all together.
		// BENCH_CASES=history always shows the history with and without its index.
		const wanted = [...REMEDIES, .../** @type {Remedy[]} */ (SEARCH_REMEDIES), .../** @type {Remedy[]} */ (HISTORY_REMEDIES)].filter(
			(remedy) =>
				(ALL_REMEDIES || ONLY_HISTORY || remedy.cases.some((id) => missed.some((c) => c.id === id))) &&
				remedy.cases.some((id) => cases.some((c) => c.id === id)),
		);
		let interimIds = [];
		let interimBase;
		let stopBase;
		if (wanted.some((remedy) => remedy.interimCost || remedy.stopCost)) {
			const {rows} = await pool.query('SELECT radacctid FROM radacct WHERE acctstoptime IS NULL ORDER BY random() LIMIT $1', [
				INTERIM_SAMPLE,
			]);
			interimIds = rows.map((row) => row.radacctid);
			if (wanted.some((remedy) => remedy.interimCost)) interimBase = await interimUpdateCost(pool, interimIds);
			if (wanted.some((remedy) => remedy.stopCost)) stopBase = await stopUpdateCost(pool, interimIds);
		}
		const applied = [];
		for (const remedy of wanted) {
			if (remedy.extension && !(await extensionReady(pool, remedy.extension, createdExtensions))) {
				log(`\n${remedy.title}: skipped, extension ${remedy.extension} is not available (postgresql-contrib)`);
				continue;
			}
			log(`\nwith ${remedy.title}:`);
			for (const statement of remedy.statements) log(`  ${statement}`);
			const built = await applyRemedy(pool, remedy);
			floors.reset();
			log(`  built in ${seconds(built)}, ${await indexSizes(pool, remedy)}`);
			if (remedy.stopCost) log(`  history plan: ${await historyScans(pool)}`);
			const after = await runCases(measured(remedy.measure ?? remedy.cases), source, floors);
			for (const [id, result] of after) {
				const testCase = /** @type {Case} */ (cases.find((c) => c.id === id));
				const before = /** @type {Result} */ (results.get(id));
				const mark = result.ok === undefined ? '' : result.ok ? ' -> ok' : ' -> still MISS';
				log(
					`  ${testCase.label.trim()}: p50 ${fmt(result.p50)} ms (was ${fmt(before.p50)} ms), p95 ${fmt(result.p95)} ms, floor ${fmt(result.floor)} ms (was ${fmt(before.floor)})${mark}`,
				);
			}
			if (remedy.interimCost) {
				const withIndex = await interimUpdateCost(pool, interimIds);
				log(
					`  cost: interim update of ${n(INTERIM_SAMPLE)} open sessions ${fmt(withIndex)} ms (was ${fmt(interimBase)} ms); ${remedy.cost}`,
				);
			} else if (remedy.stopCost) {
				const withIndex = await stopUpdateCost(pool, interimIds);
				log(
					`  cost: Accounting-Stop of ${n(INTERIM_SAMPLE)} open sessions ${fmt(withIndex)} ms (was ${fmt(stopBase)} ms); ${remedy.cost}`,
				);
			} else {
				log(`  cost: ${remedy.cost}`);
			}
			for (const statement of remedy.drop) await pool.query(statement);
			floors.reset();
			applied.push(remedy);
		}

		if (applied.length > 1) {
			log(`\nwith all of the above together (${applied.map((remedy) => remedy.id).join(', ')}):`);
			for (const remedy of applied) await applyRemedy(pool, remedy);
			floors.reset();
			const together = await runCases(cases, source, floors);
			log(`\n${resultsTable(cases, together)}`);
			for (const remedy of applied) for (const statement of remedy.drop) await pool.query(statement);
			floors.reset();
		}

		if (!ONLY_SEARCH && !ONLY_SUBSCRIBERS && !ONLY_HISTORY) {
			// What the counts cost in a live table: interim updates keep clearing the visibility map between VACUUMs,
			// and autovacuum's default threshold (20 % of radacct's rows changed) lets many rounds pass before one runs.
			const liveCases = measured([
				'default',
				'counts-default',
				'counts-nas',
				'count-nas',
				'stale',
				'stale-amortised',
				'poll',
				'poll-refresh',
				'poll-amortised',
			]);
			const countsPlan = async () => `  openCounts plan: ${await explainShape(/** @type {pg.Pool} */ (pool), OPEN_COUNTS_QUERY)}`;
			log(
				`\nafter one round of interim updates (all ${n(OPEN)} open sessions updated once, as every 5 minutes; no VACUUM since), stock indexes:`,
			);
			const round = await interimRound(pool);
			floors.reset();
			log(
				`  (the round took ${seconds(round.ms)}; ${n(round.hot)} of its ${n(round.updates)} updates were HOT: a freshly loaded table has no free space in its pages)`,
			);
			log(await countsPlan());
			const live = await runCases(liveCases, source, floors);
			log(`\n${resultsTable(liveCases, live)}`);

			// The same table once VACUUM has run (what a per-table autovacuum setting that vacuums after each round buys).
			const vacuum = await timed(() => /** @type {pg.Pool} */ (pool).query('VACUUM radacct'));
			floors.reset();
			log(`\nthe same after VACUUM radacct (took ${seconds(vacuum.ms)}), stock indexes:`);
			log(await countsPlan());
			const vacuumed = await runCases(liveCases, source, floors);
			log(`\n${resultsTable(liveCases, vacuumed, live, 'p50 before VACUUM')}`);

			// The covering index where the counts miss: in a live table, one round of interim updates after a VACUUM.
			const countsRemedy = /** @type {Remedy} */ (REMEDIES.find((remedy) => remedy.id === 'counts-index'));
			const liveMissed = liveCases.filter((c) => live.get(c.id)?.ok === false).map((c) => c.id);
			if (ALL_REMEDIES || countsRemedy.cases.some((id) => liveMissed.includes(id))) {
				log(`\nwith the ${countsRemedy.title}, after one round of interim updates (built, VACUUM, one round, no VACUUM since):`);
				const built = await applyRemedy(pool, countsRemedy);
				await pool.query('VACUUM radacct');
				const second = await interimRound(pool);
				floors.reset();
				log(
					`  built in ${seconds(built)}, ${await indexSizes(pool, countsRemedy)}; the round took ${seconds(second.ms)}, ${n(second.hot)} of its ${n(second.updates)} updates HOT (the index holds acctupdatetime)`,
				);
				log(await countsPlan());
				const covered = await runCases(liveCases, source, floors);
				log(`\n${resultsTable(liveCases, covered, live, 'p50 stock, 1 round')}`);
				for (const statement of countsRemedy.drop) await pool.query(statement);
				floors.reset();
			}
		}

		if (external) {
			await pool.query('DROP TABLE IF EXISTS radacct, nas CASCADE');
			for (const name of createdExtensions) await pool.query(`DROP EXTENSION IF EXISTS ${pgUtils.escapeIdentifier(name)}`);
		}
		log(
			`\ntotal ${seconds(performance.now() - started)} (data ${seconds(generated.ms)}); load average now ${os
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}`,
		);
	} finally {
		if (radtop) await radtop.close();
		if (pool) await pool.end().catch(() => {});
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
