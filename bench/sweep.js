/**
 * bench:sweep — what `radtop sweep` costs on a big radacct, on real PostgreSQL: after a BNG rebooted without
 * Accounting-Stops, list its ghost sessions and close them, while FreeRADIUS keeps writing interim updates for
 * the other NAS.
 *
 * Builds a radacct of BENCH_ROWS rows (default 1,000,000; 30 days, 6 NAS) with BENCH_OPEN open sessions (default
 * 100,000), BENCH_GHOSTS of them (default 20,000, all on bng-1) silent for two hours, the rest updated within
 * their 300 s interval; stock schema and indexes. Then, through radtop's own connectDatabase pool: the stale
 * listing of every NAS and of bng-1 alone (median of BENCH_ITERATIONS), and the close of all the ghosts in one
 * transaction, timed, while a second connection sends FreeRADIUS's interim-update query for open sessions of
 * the other NAS back to back: their latency during the close says whether the sweep holds FreeRADIUS up.
 *
 * PostgreSQL: DATABASE_URL if set (a throwaway database: empty, or set up by an earlier bench), else a temporary
 * cluster of the newest /usr/lib/postgresql/<version>.
 * Exit status: 0 when it measured, 1 on an error, 2 when DATABASE_URL is not a database it may wipe.
 */
import {performance} from 'node:perf_hooks';
import pg from 'pg';
import {connectDatabase} from '../dist/db/connect.js';
import {probeRadacctColumns} from '../dist/db/radacct-columns.js';
import {closeStale, listStale} from '../dist/sweep/sweep.js';
import {buildStaleListQuery} from '../dist/sweep/sweep-sql.js';
import {claimBenchDatabase} from './lib/bench-database.js';
import {intEnv} from './lib/env.js';
import {startCluster} from './lib/pg-cluster.js';

const ROWS = intEnv('BENCH_ROWS', 1_000_000);
const OPEN = Math.min(intEnv('BENCH_OPEN', 100_000), Math.floor(ROWS / 2));
const GHOSTS = Math.min(intEnv('BENCH_GHOSTS', 20_000), Math.floor(OPEN / 2));
const ITERATIONS = intEnv('BENCH_ITERATIONS', 10);
const LIMIT = 1_000_000;

/** @param {string} message */
const log = (message) => process.stdout.write(`${message}\n`);
/** @param {number} value */
const ms = (value) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
/** @param {number | string} value */
const n = (value) => Number(value).toLocaleString('en-US');

/**
 * @param {readonly number[]} values
 * @returns {number} undefined for no values
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
	// Closed sessions over 30 days, then open ones: the ghosts on bng-1 silent for 2 h, the others fresh.
	await pool.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctstoptime,
			acctinterval, acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid, framedipaddress, acctterminatecause)
		SELECT to_hex(i), 'c' || i, 'user' || (i % 60000), ('10.20.0.' || (1 + i % 6))::inet, s, s + interval '1 hour', s + interval '2 hours',
			300, 7200, i * 7, i * 11, 'AA:BB:CC:00:00:01', ('100.64.0.0'::inet + (i % 4000000)), 'User-Request'
		FROM generate_series(1, $1::bigint) AS i, LATERAL (SELECT now() - interval '30 days' + (i::float8 / $1) * interval '29 days' AS s) AS t`,
		[ROWS - OPEN],
	);
	await pool.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctinterval,
			acctinputoctets, acctoutputoctets, callingstationid, framedipaddress)
		SELECT to_hex(i), 'o' || i, 'user' || (i % 60000),
			CASE WHEN i <= $2 THEN '10.20.0.1'::inet ELSE ('10.20.0.' || (2 + i % 5))::inet END,
			now() - interval '1 day' + (i % 3600) * interval '1 second',
			CASE WHEN i <= $2 THEN now() - interval '2 hours' ELSE now() - (i % 290) * interval '1 second' END,
			300, i * 7, i * 11, 'AA:BB:CC:00:00:02', ('100.64.0.0'::inet + i)
		FROM generate_series(1, $1::bigint) AS i`,
		[OPEN, GHOSTS],
	);
	await pool.query('VACUUM ANALYZE radacct');
}

/** @typedef {{'Node Type': string, 'Index Name'?: string, Plans?: PlanNode[]}} PlanNode A node of EXPLAIN (FORMAT JSON). */

/**
 * FreeRADIUS's interim-update query, back to back on open sessions of the other NAS until stopped.
 * @param {pg.Pool} pool
 */
function interimWriter(pool) {
	let running = true;
	/** @type {number[]} */
	const latencies = [];
	const done = (async () => {
		let i = GHOSTS + 1;
		while (running) {
			const started = performance.now();
			await pool.query(
				'UPDATE radacct SET acctupdatetime = now(), acctinputoctets = acctinputoctets + 1000 WHERE acctuniqueid = $1 AND acctstoptime IS NULL',
				[`o${i}`],
			);
			latencies.push(performance.now() - started);
			i = i >= OPEN ? GHOSTS + 1 : i + 1;
		}
	})();
	return {
		latencies,
		async stop() {
			running = false;
			await done;
		},
	};
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
		log(`generating ${n(ROWS)} rows, ${n(OPEN)} open, ${n(GHOSTS)} of them ghosts on bng-1`);
		const generating = performance.now();
		await prepare(pool, external);
		log(`generated in ${ms(performance.now() - generating)}`);
		radtop = await connectDatabase({kind: 'url', url, from: 'flag'});
		const available = (await probeRadacctColumns(radtop.pool)).readable;
		const nameOf = () => null;

		/** @type {{every: number[], one: number[]}} */
		const listing = {every: [], one: []};
		/** @type {Awaited<ReturnType<typeof listStale>> | undefined} */
		let listed;
		for (let iteration = 0; iteration < ITERATIONS; iteration++) {
			let started = performance.now();
			const every = await listStale(radtop.pool, {staleAfterSeconds: 1800, limit: LIMIT}, available, nameOf);
			listing.every.push(performance.now() - started);
			started = performance.now();
			listed = await listStale(radtop.pool, {staleAfterSeconds: 1800, nasIps: ['10.20.0.1'], limit: LIMIT}, available, nameOf);
			listing.one.push(performance.now() - started);
			if (every.stale.length !== GHOSTS || listed.stale.length !== GHOSTS)
				throw new Error(`listed ${every.stale.length} and ${listed.stale.length}, expected ${GHOSTS}`);
		}
		log(`stale listing, every NAS: median ${ms(median(listing.every))} for ${n(GHOSTS)} sessions (of ${n(OPEN)} open)`);
		log(`stale listing, --nas bng-1: median ${ms(median(listing.one))}`);
		for (const nasIps of [undefined, ['10.20.0.1']]) {
			const query = buildStaleListQuery({staleAfterSeconds: 1800, nasIps, limit: LIMIT}, available);
			const {rows} = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`, /** @type {unknown[]} */ (query.values));
			const plan = rows[0]['QUERY PLAN'][0];
			/** @type {string[]} */
			const scans = [];
			/** @param {PlanNode} node */
			const walk = (node) => {
				if (/Scan/.test(node['Node Type']))
					scans.push(`${node['Node Type']}${node['Index Name'] ? ` on ${node['Index Name']}` : ''}`);
				for (const child of node.Plans ?? []) walk(child);
			};
			walk(plan.Plan);
			log(
				`  server execution ${nasIps ? '--nas bng-1' : 'every NAS'}: ${ms(plan['Execution Time'])} (${scans.join(', ')}); the rest is transfer and parsing`,
			);
		}

		const writer = interimWriter(pool);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const before = writer.latencies.length;
		const started = performance.now();
		const outcome = await closeStale(radtop.pool, /** @type {NonNullable<typeof listed>} */ (listed).stale, 'NAS-Reboot');
		const closeMs = performance.now() - started;
		const during = writer.latencies.slice(before);
		await new Promise((resolve) => setTimeout(resolve, 500));
		await writer.stop();
		const baseline = writer.latencies.slice(0, before);
		if (outcome.closed.size !== GHOSTS) throw new Error(`closed ${outcome.closed.size}, expected ${GHOSTS}`);
		log(`close of ${n(GHOSTS)} ghosts in one transaction: ${ms(closeMs)} (${n(Math.round(GHOSTS / (closeMs / 1000)))} sessions/s)`);
		log(
			`interim updates of other NAS: median ${ms(median(baseline))}, max ${ms(Math.max(...baseline))} before; ` +
				`during the close ${during.length} of them, median ${ms(median(during) ?? 0)}, max ${ms(during.length ? Math.max(...during) : 0)}`,
		);
		return 0;
	} catch (caught) {
		const error = /** @type {Error & {refused?: boolean}} */ (caught);
		process.stderr.write(`bench:sweep: ${error.message}\n`);
		return error.refused ? 2 : 1;
	} finally {
		await radtop?.close();
		await pool?.end();
		await cluster?.stop();
	}
}

process.exitCode = await main();
