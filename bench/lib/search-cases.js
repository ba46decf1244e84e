/**
 * bench:poll's search grammar cases: one window of the console's search, typed as an operator types it and read
 * by radtop's own parser (SessionSource.list → filterPredicates → parseSearch), so what is timed, and what psql
 * runs for the floor, is the SQL radtop sends. The values (an open session's IP, MAC and username, a closed
 * session's IP and an instant it was online) are read from the generated data.
 */
import {buildListQuery} from '../../dist/sessions/radacct-sql.js';
import {parseSearch} from '../../dist/sessions/search.js';

/** @typedef {import('../../dist/sessions/session-source.js').SessionSource} Source */
/** @typedef {import('../../dist/sessions/session.js').SessionFilter} Filter */
/** @typedef {import('../../dist/sessions/session.js').SessionSort} Sort */
/** @typedef {{readonly text: string, readonly values: readonly unknown[]}} Query */
/** @typedef {{run: () => Promise<unknown>, queries: Query[]}} Part */
/** @typedef {{id: string, label: string, target?: number, ratioTarget?: number, parts: (source: Source) => Part[]}} SearchCase */

/** The ids of the search cases, for BENCH_CASES=search and the remedies. */
export const SEARCH_CASE_IDS = ['ip-open', 'cidr-open', 'mac-open', 'user-exact', 'at-ip', 'ip-all', 'not-nas'];

/**
 * The values the cases search for, from the data: an open session in the middle of the open ones, and a
 * closed one in the middle of the table with an instant halfway through it.
 * @param {import('pg').Pool} pool
 * @param {number} open
 * @param {number} rows
 */
export async function pickSearchValues(pool, open, rows) {
	const {
		rows: [live],
	} = await pool.query(
		'SELECT host(framedipaddress) AS ip, callingstationid AS mac, username FROM radacct WHERE acctstoptime IS NULL ORDER BY radacctid OFFSET $1 LIMIT 1',
		[Math.floor(open / 2)],
	);
	const {
		rows: [past],
	} = await pool.query(
		`SELECT host(framedipaddress) AS ip, acctstarttime + (acctstoptime - acctstarttime) / 2 AS at
		FROM radacct WHERE acctstoptime IS NOT NULL AND acctstoptime - acctstarttime > interval '10 minutes' AND radacctid >= $1
		ORDER BY radacctid LIMIT 1`,
		[Math.floor(rows / 2)],
	);
	const at = new Date(past.at);
	at.setUTCMilliseconds(0);
	return {
		ip: String(live.ip),
		network: `${String(live.ip).split('.').slice(0, 3).join('.')}.0/24`,
		mac: String(live.mac),
		username: String(live.username),
		pastIp: String(past.ip),
		at: at.toISOString().replace('.000Z', 'Z'),
	};
}

/**
 * The cases. Each checks that radtop's parser reads its search as the kind of term it is meant to time.
 * @param {Awaited<ReturnType<typeof pickSearchValues>>} values
 * @param {object} options
 * @param {number} options.window
 * @param {ReadonlySet<string>} options.columns
 * @param {string} options.nasName the NAS the negated case leaves out
 * @returns {SearchCase[]}
 */
export function defineSearchCases(values, {window, columns, nasName}) {
	/** @type {Sort} */
	const startDesc = {key: 'start', direction: 'desc'};
	/**
	 * @param {string} id
	 * @param {string} label
	 * @param {Filter} filter
	 * @param {string[]} kinds the term kinds radtop's parser must read
	 * @param {number} [ratioTarget]
	 * @returns {SearchCase}
	 */
	const searchCase = (id, label, filter, kinds, ratioTarget) => {
		const read = parseSearch(filter.search).terms.map((term) => (term.negated ? `-${term.kind}` : term.kind));
		if (read.join(' ') !== kinds.join(' '))
			throw new Error(`search '${filter.search}' reads as ${read.join(' ')}, not ${kinds.join(' ')}`);
		return {
			id,
			label: `search: ${label}`,
			target: 10,
			...(ratioTarget === undefined ? {} : {ratioTarget}),
			parts: (source) => [
				{
					run: () => source.list(filter, startDesc, {limit: window, offset: 0}),
					queries: [
						buildListQuery(filter, startDesc, {limit: window, offset: 0}, columns, {
							nasIps: (nas) => source.resolveNas([nas]),
						}),
					],
				},
			],
		};
	};
	return [
		searchCase('ip-open', `exact IPv4 '${values.ip}', open`, {status: 'active', search: values.ip}, ['ip'], 2),
		searchCase('cidr-open', `CIDR '${values.network}', open`, {status: 'active', search: values.network}, ['network']),
		searchCase('mac-open', `MAC '${values.mac}', open`, {status: 'active', search: values.mac}, ['mac']),
		searchCase('user-exact', `'user:=${values.username}', open`, {status: 'active', search: `user:=${values.username}`}, ['text']),
		searchCase(
			'at-ip',
			`'at:${values.at} ${values.pastIp}', all rows`,
			{status: 'active', search: `at:${values.at} ${values.pastIp}`},
			['time', 'ip'],
		),
		searchCase('ip-all', `exact IPv4 '${values.pastIp}', all statuses`, {status: 'all', search: values.pastIp}, ['ip']),
		searchCase('not-nas', `'-nas:${nasName}', open`, {status: 'active', search: `-nas:${nasName}`}, ['-nas']),
	];
}

/**
 * Candidate indexes for the search cases, in bench:poll's Remedy shape; each is measured alone on top of the
 * stock indexes, with its cost on interim updates.
 */
export const SEARCH_REMEDIES = [
	{
		id: 'ip-start',
		title: 'b-tree on (framedipaddress, acctstarttime), every session',
		statements: ['CREATE INDEX radtop_bench_ip_start ON radacct (framedipaddress, acctstarttime)'],
		drop: ['DROP INDEX radtop_bench_ip_start'],
		cases: ['ip-open', 'cidr-open', 'at-ip', 'ip-all'],
		interimCost: true,
		cost: 'FreeRADIUS rewrites framedipaddress on Interim-Update with the same value, so a HOT update leaves it alone; an update that cannot be HOT (no room in the page, as in this freshly loaded table) adds an entry to it as to every index',
	},
	{
		id: 'mac-digits',
		title: "pg_trgm GIN on the MAC's hex digits (the expression radtop searches), open sessions only",
		extension: 'pg_trgm',
		statements: [
			"CREATE INDEX radtop_bench_open_mac_digits ON radacct USING gin ((regexp_replace(lower(callingstationid), '[^0-9a-f]', '', 'g')) gin_trgm_ops) WHERE acctstoptime IS NULL",
		],
		drop: ['DROP INDEX radtop_bench_open_mac_digits'],
		cases: ['mac-open'],
		interimCost: true,
		cost: 'interim updates do not change callingstationid, so a HOT update leaves it alone; one that cannot be HOT (no room in the page) adds an entry to it as to every index',
	},
	{
		id: 'user-open',
		title: 'b-tree on username, open sessions only',
		statements: ['CREATE INDEX radtop_bench_open_user ON radacct (username) WHERE acctstoptime IS NULL'],
		drop: ['DROP INDEX radtop_bench_open_user'],
		cases: ['user-exact'],
		interimCost: true,
		cost: 'interim updates do not change username, so a HOT update leaves it alone; one that cannot be HOT adds an entry to it as to every index',
	},
];
