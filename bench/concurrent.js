/**
 * bench:concurrent — what concurrent logins cost on a big radacct, on real PostgreSQL: the per-poll count of
 * open sessions for the users in view, and the concurrent view (`C`: only the open sessions of users with more
 * than one) alone and combined with a search and a NAS filter.
 *
 * Builds a radacct of BENCH_ROWS rows (default 1,000,000; 30 days, 6 NAS) with BENCH_OPEN open sessions (default
 * 100,000) over BENCH_OPEN - BENCH_DOUBLE users, so BENCH_DOUBLE users (default 2,000) have two open sessions;
 * stock schema and indexes, then again with an index on the open sessions' usernames. Each statement is timed through radtop's own connectDatabase pool (median of
 * BENCH_ITERATIONS) and run once more under EXPLAIN (ANALYZE, FORMAT JSON) for the server's execution time and
 * the indexes the plan used.
 *
 * PostgreSQL: DATABASE_URL if set (a throwaway database: empty, or set up by an earlier bench), else a temporary
 * cluster of the newest /usr/lib/postgresql/<version>.
 * Exit status: 0 when it measured, 1 on an error, 2 when DATABASE_URL is not a database it may wipe.
 */
import {performance} from 'node:perf_hooks';
import pg from 'pg';
import {connectDatabase} from '../dist/db/connect.js';
import {buildUserOpenCountsQuery} from '../dist/sessions/concurrent-sql.js';
import {buildCountQuery, buildListQuery} from '../dist/sessions/radacct-sql.js';
import {SESSION_COLUMNS} from '../dist/sessions/session-columns.js';
import {claimBenchDatabase} from './lib/bench-database.js';
import {intEnv} from './lib/env.js';
import {startCluster} from './lib/pg-cluster.js';

const ROWS = intEnv('BENCH_ROWS', 1_000_000);
const OPEN = Math.min(intEnv('BENCH_OPEN', 100_000), Math.floor(ROWS / 2));
const DOUBLE = Math.min(intEnv('BENCH_DOUBLE', 2_000), Math.floor(OPEN / 2));
const ITERATIONS = intEnv('BENCH_ITERATIONS', 10);
const WINDOW = 20;
/** The index that serves both: open sessions by username. */
const USER_INDEX = 'CREATE INDEX radacct_open_user_idx ON radacct (username) WHERE acctstoptime IS NULL';

/** @param {string} message */
const log = (message) => process.stdout.write(`${message}\n`);
/** @param {number} value */
const ms = (value) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
/** @param {number | string} value */
const n = (value) => Number(value).toLocaleString('en-US');

/**
 * @param {readonly number[]} values
 * @returns {number}
 */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return /** @type {number} */ (sorted[Math.floor(sorted.length / 2)]);
}

/**
 * @param {pg.Pool} pool
 * @param {boolean} external
 */
async function prepare(pool, external) {
	await claimBenchDatabase(pool, external);
	const users = OPEN - DOUBLE;
	await pool.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctstoptime,
			acctinterval, acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid, framedipaddress, acctterminatecause)
		SELECT to_hex(i), 'c' || i, 'user' || (i % $2), ('10.20.0.' || (1 + i % 6))::inet, s, s + interval '1 hour', s + interval '2 hours',
			300, 7200, i * 7, i * 11, 'AA:BB:CC:00:00:01', ('100.64.0.0'::inet + (i % 4000000)), 'User-Request'
		FROM generate_series(1, $1::bigint) AS i, LATERAL (SELECT now() - interval '30 days' + (i::float8 / $1) * interval '29 days' AS s) AS t`,
		[ROWS - OPEN, users],
	);
	// Open sessions: user0 .. user(users - 1) once each, and the first DOUBLE of them a second time on another NAS.
	await pool.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctinterval,
			acctinputoctets, acctoutputoctets, callingstationid, framedipaddress)
		SELECT to_hex(i), 'o' || i, 'user' || (i % $2), ('10.20.0.' || (1 + i % 6))::inet,
			now() - interval '1 day' + (i % 3600) * interval '1 second', now() - (i % 290) * interval '1 second',
			300, i * 7, i * 11, 'AA:BB:CC:' || lpad(to_hex(i % 256), 2, '0') || ':00:02', ('100.64.0.0'::inet + i)
		FROM generate_series(0, $1::bigint - 1) AS i`,
		[OPEN, users],
	);
	await pool.query('VACUUM ANALYZE radacct');
}

/** @typedef {{'Node Type': string, 'Index Name'?: string, Plans?: PlanNode[]}} PlanNode A node of EXPLAIN (FORMAT JSON). */

/**
 * @param {PlanNode} node
 * @returns {string[]}
 */
function indexesOf(node) {
	return [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).flatMap(indexesOf)];
}

/**
 * @param {PlanNode} node
 * @returns {string[]}
 */
function scansOf(node) {
	return [...(node['Node Type'].includes('Scan') ? [node['Node Type']] : []), ...(node.Plans ?? []).flatMap(scansOf)];
}

/**
 * @param {import('../dist/db/queryable.js').Queryable} radtop
 * @param {pg.Pool} pool
 * @param {string} label
 * @param {{text: string, values: readonly unknown[]}} query
 */
async function measure(radtop, pool, label, query) {
	/** @type {number[]} */
	const times = [];
	let rows = 0;
	for (let iteration = 0; iteration < ITERATIONS + 2; iteration++) {
		const started = performance.now();
		const result = await radtop.query(query.text, [...query.values]);
		if (iteration >= 2) times.push(performance.now() - started);
		rows = result.rows.length;
	}
	const client = await pool.connect();
	try {
		await client.query('SET jit = off');
		const {rows: plan} = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`, [...query.values]);
		const top = plan[0]['QUERY PLAN'][0];
		const indexes = [...new Set(indexesOf(top.Plan))];
		const scans = [...new Set(scansOf(top.Plan))];
		log(
			`${label.padEnd(58)} ${ms(median(times)).padStart(8)} (server ${ms(top['Execution Time'])}) ${n(rows)} rows · ` +
				`${scans.join(', ')}${indexes.length > 0 ? ` on ${indexes.join(', ')}` : ''}`,
		);
	} finally {
		client.release();
	}
}

async function main() {
	const external = Boolean(process.env['DATABASE_URL']);
	/** @type {Awaited<ReturnType<typeof startCluster>> | undefined} */
	let cluster;
	/** @type {pg.Pool | undefined} */
	let pool;
	/** @type {Awaited<ReturnType<typeof connectDatabase>> | undefined} */
	let radtop;
	try {
		if (!external) cluster = await startCluster({log: (message) => log(`PostgreSQL: ${message}`)});
		const url = /** @type {string} */ (external ? process.env['DATABASE_URL'] : cluster?.url);
		pool = new pg.Pool({connectionString: url, max: 2});
		pool.on('error', () => {});
		log(`generating ${n(ROWS)} rows, ${n(OPEN)} open, ${n(DOUBLE)} users with two open sessions`);
		const generating = performance.now();
		await prepare(pool, external);
		log(`generated in ${ms(performance.now() - generating)}; median of ${ITERATIONS} through radtop's pool, then EXPLAIN ANALYZE`);
		radtop = await connectDatabase({kind: 'url', url, from: 'flag'});
		const available = new Set(SESSION_COLUMNS);
		const byStart = /** @type {const} */ ({key: 'start', direction: 'desc'});
		const byUser = /** @type {const} */ ({key: 'user', direction: 'asc'});
		const window = {limit: WINDOW};
		const {rows: inView} = await pool.query(
			'SELECT username FROM radacct WHERE acctstoptime IS NULL ORDER BY acctstarttime DESC, radacctid DESC LIMIT $1',
			[WINDOW],
		);
		const names = inView.map((row) => String(row['username']));
		const counts = buildUserOpenCountsQuery(names);
		if (!counts) throw new Error('no open sessions were generated');
		const db = radtop.pool;
		await measure(
			db,
			pool,
			'the usual window (open, newest first): for comparison',
			buildListQuery({status: 'active'}, byStart, window, available),
		);
		/** @type {Array<[string, import('../dist/sessions/session.js').SessionFilter]>} */
		const views = [
			['C', {status: 'active', concurrent: true}],
			['C + search user1', {status: 'active', concurrent: true, search: 'user1'}],
			['C + NAS 10.20.0.2', {status: 'active', concurrent: true, nasIps: ['10.20.0.2']}],
			['C + search user1 + NAS 10.20.0.2', {status: 'active', concurrent: true, search: 'user1', nasIps: ['10.20.0.2']}],
		];
		const admin = pool;
		const all = async () => {
			await measure(db, admin, `open sessions of the window's ${names.length} users (every poll)`, counts);
			for (const [label, filter] of views) {
				await measure(db, admin, `${label}: window by user`, buildListQuery(filter, byUser, window, available));
				await measure(db, admin, `${label}: count`, buildCountQuery(filter, undefined, {available}));
			}
		};
		await all();
		log(`\nwith ${USER_INDEX}`);
		const building = performance.now();
		await pool.query(USER_INDEX);
		await pool.query('VACUUM ANALYZE radacct');
		const {rows: size} = await pool.query("SELECT pg_size_pretty(pg_relation_size('radacct_open_user_idx')) AS size");
		log(`built in ${ms(performance.now() - building)}, ${size[0]?.['size']}`);
		await all();
	} finally {
		await radtop?.close();
		await pool?.end();
		await cluster?.stop();
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = error && typeof error === 'object' && 'refused' in error ? 2 : 1;
});
