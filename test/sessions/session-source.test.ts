/**
 * The session source against a real database: PostgreSQL when DATABASE_URL is set (CI), else the embedded
 * PGlite. Every statement goes through `pg`, as in production.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {SchemaError} from '../../source/db/errors.js';
import {SORT_KEYS} from '../../source/sessions/session.js';
import type {Session, SessionFilter, SessionSort, SessionStatus} from '../../source/sessions/session.js';
import {isStale, RateTracker} from '../../source/sessions/session-math.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {type Queryable} from '../../source/db/queryable.js';
import {fetchSnapshot, SlowCounts} from '../../source/sessions/snapshot.js';
import {sessionsTable} from '../../source/sessions/session-view.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const ESCAPES = 'evil\x1b]52;c;aGVsbG8=\x07\x1b[2J\x1b]0;owned\x07\rname';

let db: TestDatabase;
let source: SessionSource;
const ids: Record<string, string> = {};

beforeAll(async () => {
	db = await createTestDatabase();
	await db.pool.query(
		`INSERT INTO nas (nasname, shortname, type, secret) VALUES
			('10.20.0.1', 'bng-1', 'other', 'secret-one'),
			('10.20.0.2', 'bng-2', 'other', 'secret-two'),
			('10.99.0.0/16', 'lab-net', 'other', 'secret-lab')`,
	);
	const fixtures = {
		alice: {
			username: 'alice@isp.example',
			framedipaddress: '100.64.0.10',
			callingstationid: 'AA:BB:CC:00:00:01',
			startedAgo: 7200,
			updatedAgo: 100,
			acctinterval: 300,
			acctoutputoctets: 5_000_000,
			acctinputoctets: 400_000,
		},
		aliceOld: {
			username: 'alice@isp.example',
			framedipaddress: '100.64.0.11',
			startedAgo: 90_000,
			stoppedAgo: 80_000,
			acctterminatecause: 'Lost-Carrier',
			acctoutputoctets: 9_000_000,
		},
		aliceOlder: {
			username: 'alice@isp.example',
			framedipaddress: '100.64.0.12',
			startedAgo: 200_000,
			stoppedAgo: 190_000,
			acctterminatecause: 'User-Request',
		},
		bob: {
			username: 'bob',
			nasipaddress: '10.20.0.2',
			framedipaddress: '100.64.3.77',
			callingstationid: 'dc-2c-6e-10-22-01',
			startedAgo: 600,
			updatedAgo: 30,
			acctinterval: 300,
			acctoutputoctets: 80_000_000,
		},
		carol: {
			username: 'carol_k',
			nasipaddress: '10.20.0.2',
			framedipaddress: '100.64.3.78',
			callingstationid: 'dc2c.6e10.2202',
			startedAgo: 600,
			updatedAgo: 30,
			acctinterval: 300,
			acctoutputoctets: 80_000_000,
		},
		percent: {
			username: '100%fiber',
			nasipaddress: '10.20.0.3',
			framedipaddress: '100.64.9.1',
			callingstationid: null,
			startedAgo: 50,
			updatedAgo: null,
		},
		staleByInterval: {
			username: 'ghost-interval',
			framedipaddress: '100.64.0.20',
			startedAgo: 20_000,
			updatedAgo: 1000,
			acctinterval: 300,
		},
		staleByThreshold: {
			username: 'ghost-threshold',
			framedipaddress: '100.64.0.21',
			startedAgo: 20_000,
			updatedAgo: 2000,
			acctinterval: null,
		},
		freshNoInterval: {
			username: 'fresh-no-interval',
			framedipaddress: '100.64.0.22',
			startedAgo: 20_000,
			updatedAgo: 1000,
			acctinterval: null,
		},
		escapes: {username: ESCAPES, framedipaddress: '100.64.0.30', callingstationid: '\x1b[31mAA:BB', startedAgo: 300},
		noIp: {username: 'no-ip', framedipaddress: null, startedAgo: 400},
	};
	for (const [name, fixture] of Object.entries(fixtures)) {
		const [id] = await insertSessions(db.pool, [fixture]);
		ids[name] = id!;
	}
	source = await SessionSource.open(db.pool, {staleAfterSeconds: 1800});
}, 120_000);

afterAll(async () => {
	await db?.close();
});

const DEFAULT_SORT: SessionSort = {key: 'start', direction: 'desc'};

async function names(filter: SessionFilter, sort: SessionSort = DEFAULT_SORT, limit = 100): Promise<string[]> {
	const page = await source.list(filter, sort, {limit});
	return page.rows.map((row) => row.username ?? '');
}

describe('status', () => {
	it('lists open sessions by default, closed or all on request', async () => {
		const active = await names({status: 'active'});
		expect(active).toHaveLength(9);
		expect(active).not.toContain('');
		const closed = await source.list({status: 'closed'}, DEFAULT_SORT, {limit: 100});
		expect(closed.rows.map((row) => row.radacctid).sort()).toEqual([ids['aliceOld'], ids['aliceOlder']].sort());
		expect(closed.rows.every((row) => row.acctstoptime instanceof Date)).toBe(true);
		expect(await names({status: 'all'})).toHaveLength(11);
	});

	it('takes NAS names from the nas table, and leaves unknown NAS unnamed', async () => {
		const page = await source.list({status: 'active'}, {key: 'user', direction: 'asc'}, {limit: 100});
		const byUser = new Map(page.rows.map((row) => [row.username, row]));
		expect(byUser.get('bob')?.nasname).toBe('bng-2');
		expect(byUser.get('alice@isp.example')?.nasname).toBe('bng-1');
		expect(byUser.get('100%fiber')?.nasname).toBeNull();
		expect(byUser.get('100%fiber')?.nasipaddress).toBe('10.20.0.3');
	});
});

describe('search', () => {
	it('matches a username substring, case-insensitively', async () => {
		expect(await names({status: 'active', search: 'ALICE'})).toEqual(['alice@isp.example']);
		expect(await names({status: 'all', search: 'alice'})).toHaveLength(3);
	});

	it('matches a framed IP exactly, and the start of one as a start', async () => {
		expect(await names({status: 'active', search: '100.64.3.77'})).toEqual(['bob']);
		// 100.64.3.7 is no session's address: .77 and .78 are other addresses, not matches.
		expect(await names({status: 'active', search: '100.64.3.7'})).toEqual([]);
		expect((await names({status: 'active', search: '100.64.3.'})).sort()).toEqual(['bob', 'carol_k']);
	});

	it('matches a MAC whatever its separators or case', async () => {
		for (const query of ['dc:2c:6e:10:22:01', 'DC-2C-6E-10-22-01', 'dc2c.6e10.2201', 'DC2C6E102201', '6e:10:22:01']) {
			expect(await names({status: 'active', search: query}), query).toEqual(['bob']);
		}
		expect((await names({status: 'active', search: 'dc:2c:6e'})).sort()).toEqual(['bob', 'carol_k']);
	});

	it('treats % _ ! as literal characters', async () => {
		expect(await names({status: 'active', search: '%'})).toEqual(['100%fiber']);
		expect(await names({status: 'active', search: '_'})).toEqual(['carol_k']);
		expect(await names({status: 'active', search: '"!"'})).toEqual([]);
		expect(await names({status: 'active', search: 'carol%'})).toEqual([]);
	});

	it('survives SQL injection attempts and leaves the table intact', async () => {
		expect(await names({status: 'all', search: "'; drop table radacct; --"})).toEqual([]);
		expect(await names({status: 'all', search: "' OR '1'='1"})).toEqual([]);
		expect(await names({status: 'all'})).toHaveLength(11);
	});

	it('refuses a 10 kB search string before any SQL is sent', async () => {
		await expect(names({status: 'all', search: 'x'.repeat(10_240)})).rejects.toThrow('longer than 1000 characters');
	});

	it('finds a username full of terminal escape sequences, and renders it harmlessly', async () => {
		const page = await source.list({status: 'active', search: 'evil\x1b]52'}, DEFAULT_SORT, {limit: 10});
		expect(page.rows).toHaveLength(1);
		expect(page.rows[0]!.username).toBe(ESCAPES);
		const table = sessionsTable(page.rows, page.dbNow, {staleAfterSeconds: 1800, width: (text) => text.length});
		// eslint-disable-next-line no-control-regex
		expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
		expect(table).toContain('\\x1b]52;c;aGVsbG8=\\x07');
		expect(table).toContain('\\r');
	});
});

describe('NAS filter', () => {
	it('filters by NAS IP and by NAS name', async () => {
		expect((await names({status: 'active', nasIps: ['10.20.0.2']})).sort()).toEqual(['bob', 'carol_k']);
		expect((await names({status: 'active', nasIps: source.resolveNas(['BNG-2'])})).sort()).toEqual(['bob', 'carol_k']);
		expect((await names({status: 'active', nasIps: source.resolveNas(['bng-2', '10.20.0.3'])})).sort()).toEqual([
			'100%fiber',
			'bob',
			'carol_k',
		]);
	});

	it('refuses a NAS it cannot name', () => {
		expect(() => source.resolveNas(['bng-9'])).toThrow(/unknown NAS "bng-9".*bng-1, bng-2/);
	});
});

describe('start time range', () => {
	it('keeps sessions started within [from, to)', async () => {
		const now = (await source.stats()).dbNow.getTime();
		const result = await names({status: 'all', startedFrom: new Date(now - 95_000 * 1000), startedTo: new Date(now - 10_000 * 1000)});
		expect(result).toEqual(['fresh-no-interval', 'ghost-threshold', 'ghost-interval', 'alice@isp.example']);
		expect(
			(
				await source.list(
					{status: 'all', startedFrom: new Date(now - 95_000 * 1000), startedTo: new Date(now - 10_000 * 1000)},
					DEFAULT_SORT,
					{limit: 10},
				)
			).rows.at(-1)!.radacctid,
		).toBe(ids['aliceOld']);
	});
});

describe('sorting and windows', () => {
	const statuses: SessionStatus[] = ['active', 'closed', 'all'];

	it('sorts by output octets, largest first, ties broken by radacctid', async () => {
		const page = await source.list({status: 'active'}, {key: 'down', direction: 'desc'}, {limit: 3});
		expect(page.rows.map((row) => row.username)).toEqual(['carol_k', 'bob', 'alice@isp.example']);
		expect(Number(page.rows[0]!.radacctid)).toBeGreaterThan(Number(page.rows[1]!.radacctid));
	});

	it('orders duration of open sessions as the reverse of start time', async () => {
		const longest = await names({status: 'active'}, {key: 'duration', direction: 'desc'}, 1);
		expect(longest).toEqual(['ghost-interval']);
	});

	it('never returns more rows than the window', async () => {
		for (const limit of [1, 2, 5]) {
			expect((await source.list({status: 'all'}, DEFAULT_SORT, {limit})).rows).toHaveLength(limit);
		}
	});

	for (const status of statuses) {
		for (const key of SORT_KEYS) {
			for (const direction of ['asc', 'desc'] as const) {
				it(`pages by keyset and by offset identically: ${status}, ${key} ${direction}`, async () => {
					const sort: SessionSort = {key, direction};
					const all = (await source.list({status}, sort, {limit: 100})).rows.map((row) => row.radacctid);
					expect(new Set(all).size).toBe(all.length);
					const byKeyset: string[] = [];
					let after;
					for (let guard = 0; guard < 20; guard++) {
						const page = await source.list({status}, sort, {limit: 2, ...(after ? {after} : {})});
						byKeyset.push(...page.rows.map((row) => row.radacctid));
						if (!page.next) break;
						after = page.next;
					}
					expect(byKeyset).toEqual(all);
					const byOffset: string[] = [];
					for (let offset = 0; offset < all.length; offset += 3) {
						const page = await source.list({status}, sort, {limit: 3, offset});
						byOffset.push(...page.rows.map((row) => row.radacctid));
					}
					expect(byOffset).toEqual(all);
				});
			}
		}
	}

	it('sorts usernames in both directions with the same set of rows', async () => {
		const ascending = await names({status: 'active'}, {key: 'user', direction: 'asc'});
		const descending = await names({status: 'active'}, {key: 'user', direction: 'desc'});
		expect(descending).toEqual([...ascending].reverse());
	});
});

describe('counts and stats', () => {
	it('counts the sessions matching a filter', async () => {
		expect(await source.count({status: 'active'})).toEqual({total: 9, capped: false});
		expect(await source.count({status: 'all', search: 'alice'})).toEqual({total: 3, capped: false});
		expect(await source.count({status: 'closed'})).toEqual({total: 2, capped: false});
	});

	it('caps counts of closed sessions', async () => {
		const capped = await SessionSource.open(db.pool, {countCap: 1});
		expect(await capped.count({status: 'all'})).toEqual({total: 1, capped: true});
		expect(await capped.count({status: 'active'})).toEqual({total: 9, capped: false});
	});

	it('reports open sessions per NAS with names, unique users, mean age and stale count', async () => {
		const stats = await source.stats();
		expect(stats.openSessions).toBe(9);
		expect(stats.uniqueUsers).toBe(9);
		expect(stats.perNas).toEqual([
			{nasipaddress: '10.20.0.1', nasname: 'bng-1', sessions: 6, stale: 2},
			{nasipaddress: '10.20.0.2', nasname: 'bng-2', sessions: 2, stale: 0},
			{nasipaddress: '10.20.0.3', nasname: null, sessions: 1, stale: 0},
		]);
		expect(stats.staleSessions).toBe(2);
		const ages = [7200, 600, 600, 50, 20_000, 20_000, 20_000, 300, 400];
		const mean = ages.reduce((a, b) => a + b, 0) / ages.length;
		expect(stats.averageDurationSeconds).toBeGreaterThan(mean - 5);
		expect(stats.averageDurationSeconds).toBeLessThan(mean + 30);
	});

	it('flags the same sessions stale in SQL and in the pure rule', async () => {
		const page = await source.list({status: 'active'}, DEFAULT_SORT, {limit: 100});
		const stale = page.rows
			.filter((row) => isStale(row, page.dbNow, 1800))
			.map((row) => row.username)
			.sort();
		expect(stale).toEqual(['ghost-interval', 'ghost-threshold']);
		expect((await source.stats()).staleSessions).toBe(stale.length);
	});
});

describe('one session and a history', () => {
	it('reads a session by radacctid with every field', async () => {
		const session = (await source.session(ids['alice']!)) as Session;
		expect(session.username).toBe('alice@isp.example');
		expect(session.framedipaddress).toBe('100.64.0.10');
		expect(session.nasipaddress).toBe('10.20.0.1');
		expect(session.acctoutputoctets).toBe(5_000_000);
		expect(session.acctinterval).toBe(300);
		expect(session.acctstoptime).toBeNull();
		expect(await source.session('999999999')).toBeUndefined();
		expect(await source.session('1; drop table radacct')).toBeUndefined();
	});

	it("lists a user's sessions newest first, bounded", async () => {
		const history = await source.history('alice@isp.example', 10);
		expect(history.map((row) => row.radacctid)).toEqual([ids['alice'], ids['aliceOld'], ids['aliceOlder']]);
		expect(history[1]!.acctterminatecause).toBe('Lost-Carrier');
		expect(await source.history('alice@isp.example', 2)).toHaveLength(2);
		const now = (await source.stats()).dbNow.getTime();
		expect(await source.history('alice@isp.example', 10, new Date(now - 100_000 * 1000))).toHaveLength(2);
	});
});

describe('what a poll asks of the database', () => {
	it('asks for exactly the window it shows, and no statement returns more rows', async () => {
		const statements: Array<{text: string; values: unknown[]; rows: number}> = [];
		const recording: Queryable = {
			async query(text, values = []) {
				const result = await db.pool.query(text, values);
				statements.push({text, values, rows: result.rows.length});
				return result;
			},
		};
		const watched = await SessionSource.open(recording);
		statements.length = 0;
		// One poll of the console, as its poller runs it, for a filtered view 4 rows high scrolled down by 2.
		const slow = new SlowCounts();
		const request = {key: 'k', filter: {status: 'all' as const, search: 'i'}, sort: DEFAULT_SORT, offset: 2, limit: 4};
		const snapshot = await fetchSnapshot(watched, request, new RateTracker(), slow);
		const listing = statements.filter((statement) => /\bORDER BY\b/.test(statement.text));
		expect(listing).toHaveLength(1);
		expect(listing[0]!.text).toMatch(/LIMIT \$\d+ OFFSET \$\d+$/);
		expect(listing[0]!.values).toContain(4);
		expect(listing[0]!.rows).toBe(4);
		expect(snapshot.rows).toHaveLength(4);
		// The rest are aggregates: one row each, or one per NAS; never session rows.
		for (const statement of statements.filter((candidate) => !/\bORDER BY\b/.test(candidate.text))) {
			expect(statement.text).not.toMatch(/SELECT radacctid::text/);
			expect(statement.rows).toBeLessThanOrEqual(4);
		}
		// The window, the open counts, the total, the slow counts, the tiny nasreload, the open sessions of the window's users.
		expect(statements).toHaveLength(6);
		expect(statements.filter((statement) => /FROM nasreload/.test(statement.text))).toHaveLength(1);
		expect(statements.filter((statement) => /username = ANY\(\$1::text\[\]\)/.test(statement.text))).toHaveLength(1);
		// The next poll reuses the costlier counts (unique users, stale) taken moments ago.
		statements.length = 0;
		await fetchSnapshot(watched, request, new RateTracker(), slow);
		expect(statements).toHaveLength(5);
		// (The one GROUP BY username left is the count of the window's users' open sessions.)
		expect(statements.some((statement) => /GROUP BY username/.test(statement.text) && !/username = ANY/.test(statement.text))).toBe(
			false,
		);
	});
});

describe('a database that is not FreeRADIUS', () => {
	it('says so when radacct is missing', async () => {
		const empty = await createTestDatabase({schema: false});
		try {
			await expect(SessionSource.open(empty.pool)).rejects.toThrow(SchemaError);
			await expect(SessionSource.open(empty.pool)).rejects.toThrow(/no radacct table/);
		} finally {
			await empty.close();
		}
	});

	it('names the FreeRADIUS columns a radacct lacks, and works on an older schema without the optional ones', async () => {
		const other = await createTestDatabase({schema: false});
		try {
			await other.pool.query('CREATE TABLE radacct (radacctid bigserial PRIMARY KEY, username text)');
			await expect(SessionSource.open(other.pool)).rejects.toThrow(/lacks FreeRADIUS columns acctsessionid, acctuniqueid/);
			await other.pool.query('DROP TABLE radacct');
			await other.pool.query(`CREATE TABLE radacct (radacctid bigserial PRIMARY KEY, acctsessionid text NOT NULL,
				acctuniqueid text NOT NULL UNIQUE, username text, nasipaddress inet NOT NULL, acctstarttime timestamptz,
				acctupdatetime timestamptz, acctstoptime timestamptz, acctinputoctets bigint, acctoutputoctets bigint,
				callingstationid text, framedipaddress inet)`);
			await other.pool.query(`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime)
				VALUES ('a1', 'u1', 'old-schema-user', '10.0.0.9', now())`);
			const old = await SessionSource.open(other.pool);
			const page = await old.list({status: 'active'}, DEFAULT_SORT, {limit: 5});
			expect(page.rows.map((row) => row.username)).toEqual(['old-schema-user']);
			expect(page.rows[0]!.class).toBeNull();
			expect((await old.stats()).openSessions).toBe(1);
		} finally {
			await other.close();
		}
	});
});

describe('the stale status', () => {
	it('lists the open sessions silent for 2 x their interval, or stale-after without one', async () => {
		const stale = await names({status: 'stale'});
		expect(stale).toContain('ghost-interval');
		expect(stale).toContain('ghost-threshold');
		expect(stale).not.toContain('fresh-no-interval');
		expect(stale).not.toContain('carol_k');
		expect((await source.count({status: 'stale'})).total).toBe(stale.length);
		// Its own stale-after wins over the source's: at 3000 s the no-interval ghost is fresh again.
		expect(await names({status: 'stale', staleAfterSeconds: 3000})).not.toContain('ghost-threshold');
	});
});
