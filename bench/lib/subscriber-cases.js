/**
 * bench:poll's subscriber cases: the poll with the subscriber columns, as the console runs it (the window's
 * rows, then one enrichment of those rows: the statement over FreeRADIUS's authorisation tables and the
 * profile's billing query), over authorisation tables and a billing table the size of the generated network's
 * user base. What is timed is radtop's own code (SubscriberEnricher, BillingLookup with no cache, so every poll
 * asks); what psql runs for the floor is the SQL it sends.
 */
import {FREERADIUS_AUTHORISATION_SQL} from '../../dist/db/freeradius-schema.js';
import {buildListQuery, OPEN_COUNTS_QUERY} from '../../dist/sessions/radacct-sql.js';
import {RateTracker} from '../../dist/sessions/session-math.js';
import {fetchSnapshot, SlowCounts} from '../../dist/sessions/snapshot.js';
import {BillingLookup} from '../../dist/subscribers/billing.js';
import {SubscriberEnricher} from '../../dist/subscribers/enricher.js';
import {buildSubscriberQuery} from '../../dist/subscribers/subscriber-sql.js';
import {probeSubscriberTables, timeoutTablesOf} from '../../dist/subscribers/subscriber-tables.js';

/** @typedef {import('../../dist/sessions/session-source.js').SessionSource} Source */
/** @typedef {{readonly text: string, readonly values: readonly unknown[]}} Query */
/** @typedef {{run: () => Promise<unknown>, queries: Query[]}} Part */
/** @typedef {{id: string, label: string, target?: number, parts?: (source: Source) => Part[], derive?: (results: Map<string, any>) => any}} SubscriberCase */

/** The billing query of the cases: a subscribers table in the same database, as the README's first example. */
export const BENCH_BILLING_QUERY = 'SELECT username, full_name, service, location FROM subscribers WHERE username = ANY ($1::text[])';

/** The ids of the subscriber cases, for BENCH_CASES=subscribers. */
export const SUBSCRIBER_CASE_IDS = ['poll', 'enrich', 'poll-subscribers', 'subscriber-overhead', 'remaining-sort'];

/**
 * Fills the authorisation tables for every user radacct knows (once: a later run finds them filled), the way an
 * ISP's would look: each user in one plan group (radusergroup), a password and for half of them
 * Simultaneous-Use in radcheck, a rate limit of their own for a third and a Session-Timeout for a quarter in
 * radreply, the plans' timeouts and rates in radgroupreply; and a billing table with a row per user.
 * @param {import('pg').Pool} pool
 * @returns {Promise<{users: number, rows: Record<string, number>, ms: number}>}
 */
export async function seedSubscriberTables(pool) {
	const started = Date.now();
	await pool.query(FREERADIUS_AUTHORISATION_SQL);
	await pool.query('CREATE TABLE IF NOT EXISTS subscribers (username text PRIMARY KEY, full_name text, service text, location text)');
	const {
		rows: [{users}],
	} = await pool.query('SELECT count(DISTINCT username)::int AS users FROM radacct');
	const {
		rows: [{seeded}],
	} = await pool.query('SELECT count(*)::int AS seeded FROM radusergroup');
	if (seeded < users) {
		await pool.query('TRUNCATE radcheck, radgroupcheck, radreply, radgroupreply, radusergroup, subscribers');
		await pool.query(`
			CREATE TEMP TABLE bench_users AS
				SELECT username, row_number() OVER (ORDER BY username) AS n FROM (SELECT DISTINCT username FROM radacct) AS u;
			INSERT INTO radusergroup (username, groupname, priority)
				SELECT username, (ARRAY['fiber-100', 'fiber-500', 'dsl-20', 'hotspot-1h'])[1 + n % 4], 1 FROM bench_users;
			INSERT INTO radcheck (username, attribute, op, value)
				SELECT username, 'Cleartext-Password', ':=', md5(username) FROM bench_users;
			INSERT INTO radcheck (username, attribute, op, value)
				SELECT username, 'Simultaneous-Use', ':=', '1' FROM bench_users WHERE n % 2 = 0;
			INSERT INTO radreply (username, attribute, op, value)
				SELECT username, 'Mikrotik-Rate-Limit', ':=', (10 + n % 90) || 'M/' || (5 + n % 45) || 'M' FROM bench_users WHERE n % 3 = 0;
			INSERT INTO radreply (username, attribute, op, value)
				SELECT username, 'Session-Timeout', ':=', (3600 * (1 + n % 24))::text FROM bench_users WHERE n % 4 = 1;
			INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
				('fiber-100', 'Mikrotik-Rate-Limit', '=', '100M/100M'), ('fiber-100', 'Session-Timeout', '=', '86400'),
				('fiber-500', 'Mikrotik-Rate-Limit', '=', '500M/500M'), ('fiber-500', 'Session-Timeout', '=', '86400'),
				('dsl-20', 'Mikrotik-Rate-Limit', '=', '20M/2M'), ('dsl-20', 'Session-Timeout', '=', '14400'),
				('hotspot-1h', 'Mikrotik-Rate-Limit', '=', '5M/1M'), ('hotspot-1h', 'Session-Timeout', ':=', '3600'),
				('hotspot-1h', 'Fall-Through', '=', 'No');
			INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES ('fiber-500', 'Simultaneous-Use', ':=', '2');
			INSERT INTO subscribers (username, full_name, service, location)
				SELECT username, 'Subscriber ' || n, (ARRAY['Fiber 100', 'Fiber 500', 'DSL 20', 'Hotspot'])[1 + n % 4],
					(ARRAY['Amsterdam', 'Berlin', 'Lisbon', 'Warsaw', 'Vienna'])[1 + n % 5] || ' ' || (n % 400)
				FROM bench_users;
			DROP TABLE bench_users;
			ANALYZE radcheck, radgroupcheck, radreply, radgroupreply, radusergroup, subscribers;
		`);
	}
	/** @type {Record<string, number>} */
	const rows = {};
	for (const table of ['radusergroup', 'radcheck', 'radreply', 'radgroupreply', 'subscribers']) {
		const {
			rows: [{count}],
		} = await pool.query(`SELECT count(*)::int AS count FROM ${table}`);
		rows[table] = count;
	}
	return {users, rows, ms: Date.now() - started};
}

/**
 * The cases. `poll` is the plain poll (the same as the poll cases' `poll`, repeated here so the difference is
 * measured in one run); `enrich` the enrichment alone; `poll-subscribers` both, one after the other on one
 * connection as the console sends them; `subscriber-overhead` their difference, held to +10 ms at p50.
 * @param {object} options
 * @param {import('../../dist/db/queryable.js').Queryable} options.pool radtop's pool (the one SessionSource reads through)
 * @param {number} options.window
 * @param {ReadonlySet<string>} options.columns
 * @returns {Promise<SubscriberCase[]>}
 */
export async function defineSubscriberCases({pool, window, columns}) {
	const tables = await probeSubscriberTables(pool);
	const open = {status: /** @type {const} */ ('active')};
	const startDesc = {key: /** @type {const} */ ('start'), direction: /** @type {const} */ ('desc')};
	const byRemaining = {key: /** @type {const} */ ('remaining'), direction: /** @type {const} */ ('asc')};
	const listQuery = buildListQuery(open, startDesc, {limit: window, offset: 0}, columns);
	/** @param {Source} source */
	const plainPoll = (source) => {
		const rates = new RateTracker();
		const slow = new SlowCounts(Number.MAX_SAFE_INTEGER);
		const request = {key: 'bench', filter: open, sort: startDesc, offset: 0, limit: window};
		return () => fetchSnapshot(source, request, rates, slow);
	};
	/** A billing lookup that never answers from its cache: every poll asks, the worst case. */
	const enricher = () =>
		new SubscriberEnricher(pool, tables, new BillingLookup(pool, {query: BENCH_BILLING_QUERY, timeoutMs: 5000, cacheMs: 0}), {
			budgetMs: 60_000,
		});
	/**
	 * The statements one enrichment sends for these rows, for the floor.
	 * @param {ReadonlyArray<{username: string | null}>} rows
	 * @returns {Query[]}
	 */
	const enrichmentQueries = (rows) => {
		const usernames = [...new Set(rows.map((row) => row.username).filter((name) => name !== null))];
		const subscriberQuery = buildSubscriberQuery(usernames, tables.readable);
		return [...(subscriberQuery ? [subscriberQuery] : []), {text: BENCH_BILLING_QUERY, values: [usernames]}];
	};
	return [
		{
			id: 'poll',
			label: 'whole poll: fetchSnapshot, default view, SlowCounts warm',
			parts: (source) => [{run: plainPoll(source), queries: [listQuery, OPEN_COUNTS_QUERY]}],
		},
		{
			id: 'enrich',
			label: `  enrichment of the window's ${window} rows: authorisation tables + billing query (no cache)`,
			parts: (source) => {
				const part = {queries: /** @type {Query[]} */ ([]), run: async () => undefined};
				const enrich = enricher();
				/** @type {ReadonlyArray<import('../../dist/sessions/session.js').Session> | undefined} */
				let window_;
				part.run = async () => {
					const rows = (window_ ??= (await source.list(open, startDesc, {limit: window, offset: 0})).rows);
					if (part.queries.length === 0) part.queries.push(...enrichmentQueries(rows));
					await enrich.enrich(rows, new Date());
				};
				return [part];
			},
		},
		{
			id: 'poll-subscribers',
			label: 'poll with subscriber context: the poll, then the enrichment of its rows',
			parts: (source) => {
				const poll = plainPoll(source);
				const enrich = enricher();
				const part = {queries: /** @type {Query[]} */ ([listQuery, OPEN_COUNTS_QUERY]), run: async () => undefined};
				part.run = async () => {
					const snapshot = await poll();
					if (part.queries.length === 2) part.queries.push(...enrichmentQueries(snapshot.rows));
					await enrich.enrich(snapshot.rows, new Date());
				};
				return [part];
			},
		},
		{
			id: 'subscriber-overhead',
			label: '  what the subscriber context adds to a poll (p50: poll-subscribers - poll)',
			target: 10,
			derive: (results) => {
				const withContext = results.get('poll-subscribers');
				const plain = results.get('poll');
				/** @param {number | undefined} a @param {number | undefined} b */
				const minus = (a, b) => (a === undefined || b === undefined ? undefined : a - b);
				return {
					n: `${withContext.n}/${plain.n}`,
					p50: minus(withContext.p50, plain.p50),
					p95: minus(withContext.p95, plain.p95),
					floor: minus(withContext.floor, plain.floor),
				};
			},
		},
		{
			id: 'remaining-sort',
			label: `window: sorted by time left (expected end over radreply/radgroupreply, every open row)`,
			parts: (source) => {
				source.readTimeoutsFrom(timeoutTablesOf(tables.readable));
				return [
					{
						run: () => source.list(open, byRemaining, {limit: window, offset: 0}),
						queries: [
							buildListQuery(open, byRemaining, {limit: window, offset: 0}, columns, {
								timeoutTables: timeoutTablesOf(tables.readable),
							}),
						],
					},
				];
			},
		},
	];
}
