/**
 * bench:poll's cases for the online count over time (source/sessions/online-history-sql.ts): the history of
 * 6 hours at one minute through SessionSource.onlineHistory, with the stock indexes and with the index of closed
 * sessions by stop time that `radtop doctor` suggests, and what that index costs FreeRADIUS's Accounting-Stop.
 */
import {performance} from 'node:perf_hooks';
import {buildOnlineHistoryQuery, historyWindow} from '../../dist/sessions/online-history-sql.js';

/** @typedef {import('../../dist/sessions/session-source.js').SessionSource} Source */

export const HISTORY_CASE_IDS = ['history-6h', 'history-1h'];

/** The history the console's view reads: 6 hours at one minute (361 points per NAS). */
const SIX_HOURS = historyWindow(6, 60);
const ONE_HOUR = historyWindow(1, 60);

/**
 * @param {{target: number}} options
 */
export function defineHistoryCases({target}) {
	/**
	 * @param {string} id
	 * @param {string} label
	 * @param {{stepSeconds: number, steps: number}} window
	 */
	const historyCase = (id, label, window) => ({
		id,
		label,
		target,
		/** @param {Source} source */
		parts: (source) => [{run: () => source.onlineHistory(window), queries: [buildOnlineHistoryQuery(window)]}],
	});
	return [
		historyCase('history-6h', 'history: open sessions per NAS, 6 hours at one minute (361 points)', SIX_HOURS),
		historyCase('history-1h', 'history: open sessions per NAS, 1 hour at one minute (61 points)', ONE_HOUR),
	];
}

/** The index doctor suggests (source/doctor/index-advice.ts), in bench:poll's Remedy shape. */
export const HISTORY_REMEDIES = [
	{
		id: 'closed-stop',
		title: 'b-tree on acctstoptime, closed sessions only, covering the NAS and the start',
		statements: [
			'CREATE INDEX radtop_bench_closed_stop ON radacct (acctstoptime) INCLUDE (nasipaddress, acctstarttime) WHERE acctstoptime IS NOT NULL',
		],
		drop: ['DROP INDEX radtop_bench_closed_stop'],
		cases: HISTORY_CASE_IDS,
		stopCost: true,
		cost: 'Accounting-Start inserts an open row, which this index leaves out; interim updates change none of its columns; each Accounting-Stop adds one entry (that update is never HOT anyway: it changes acctstoptime, which radacct_bulk_close and radacct_active_session_idx depend on)',
	},
];

/**
 * Time of an Accounting-Stop of `ids` (open sessions) as FreeRADIUS's queries.conf writes it: median of three
 * after a warm-up, each rolled back; then VACUUM so the dead row versions do not leak into later measurements.
 * @param {import('pg').Pool} pool
 * @param {string[]} ids
 */
export async function stopUpdateCost(pool, ids) {
	const client = await pool.connect();
	/** @type {number[]} */
	const times = [];
	try {
		for (let i = 0; i < 4; i++) {
			await client.query('BEGIN');
			const started = performance.now();
			await client.query(
				`UPDATE radacct SET acctstoptime = now(), acctupdatetime = now(),
					acctsessiontime = extract(epoch FROM now() - acctstarttime)::bigint, acctterminatecause = 'User-Request',
					connectinfo_stop = '1000000000'
				WHERE radacctid = ANY($1::bigint[])`,
				[ids],
			);
			const ms = performance.now() - started;
			await client.query('ROLLBACK');
			if (i > 0) times.push(ms);
		}
	} finally {
		client.release();
	}
	await pool.query('VACUUM radacct');
	return times.sort((a, b) => a - b)[1];
}

/**
 * The scans of the 6-hour history's plan, e.g. `Index Only Scan using radacct_bulk_close; Seq Scan on radacct`.
 * @param {import('pg').Pool} pool
 */
export async function historyScans(pool) {
	const query = buildOnlineHistoryQuery(SIX_HOURS);
	const {rows} = await pool.query(`EXPLAIN (FORMAT JSON) ${query.text}`, [...query.values]);
	const raw = rows[0]['QUERY PLAN'];
	/** @type {string[]} */
	const scans = [];
	/** @param {Record<string, unknown>} node */
	const walk = (node) => {
		const type = String(node['Node Type']);
		if (/Scan/.test(type) && node['Relation Name'] === 'radacct') {
			const parallel = node['Parallel Aware'] === true ? 'Parallel ' : '';
			scans.push(`${parallel}${type}${node['Index Name'] ? ` using ${node['Index Name']}` : ' on radacct'}`);
		}
		for (const child of /** @type {Record<string, unknown>[]} */ (node['Plans'] ?? [])) walk(child);
	};
	walk((typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan);
	return scans.join('; ');
}
