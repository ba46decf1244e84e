/**
 * The C and S marks' counts against a real radacct (PostgreSQL with DATABASE_URL, else PGlite): with the stock
 * indexes they come from the slow pass over every open row (staleAndUsers), as old as that pass; with an index
 * on the open sessions' usernames each poll counts its window's users itself.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {RateTracker} from '../../source/sessions/session-math.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {Session} from '../../source/sessions/session.js';
import {fetchSnapshot, SlowCounts, windowUserCounts} from '../../source/sessions/snapshot.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;

const NAS = '10.20.0.1';
const NEWEST = {key: 'start', direction: 'desc'} as const;

beforeAll(async () => {
	database = await createTestDatabase();
	await insertSessions(database.pool, [
		{username: 'alice', nasipaddress: NAS, startedAgo: 7200},
		{username: 'alice', nasipaddress: NAS, startedAgo: 600},
		{username: 'carol', nasipaddress: NAS, startedAgo: 300},
		{username: 'carol', nasipaddress: NAS, startedAgo: 200},
		{username: 'carol', nasipaddress: NAS, startedAgo: 100},
		{username: 'dave', nasipaddress: NAS, startedAgo: 50},
		// Two open rows without a username, and a user whose second session is closed: nobody shares.
		{username: null, nasipaddress: NAS},
		{username: null, nasipaddress: NAS},
		{username: 'frank', nasipaddress: NAS, startedAgo: 40},
		{username: 'frank', nasipaddress: NAS, startedAgo: 5000, stoppedAgo: 4000},
	]);
});

afterAll(async () => {
	await database?.close();
});

describe('the slow pass counts the users with more than one open session', () => {
	it('names each with its count, in the same statement as the stale and user counts', async () => {
		const source = await SessionSource.open(database.pool);
		const slow = await source.staleAndUsers();
		expect(Object.fromEntries(slow.sharingUsers ?? [])).toEqual({alice: 2, carol: 3});
		expect(slow.uniqueUsers).toBe(5);
		expect(source.userCountsEachPoll).toBe(false);
	});

	it("a poll's marks are as old as the slow pass, and a new second login shows once it is read again", async () => {
		const source = await SessionSource.open(database.pool);
		const slow = new SlowCounts(Number.MAX_SAFE_INTEGER);
		const request = {key: 'k', filter: {status: 'active'} as const, sort: NEWEST, offset: 0, limit: 3};
		const before = await fetchSnapshot(source, request, new RateTracker(), slow);
		expect(before.rows.map((row) => row.username)).toEqual(['frank', 'dave', 'carol']);
		expect(Object.fromEntries(before.userOpenSessions ?? [])).toEqual({frank: 1, dave: 1, carol: 3});
		// frank logs in again: the newest window shows the new session alone.
		await insertSessions(database.pool, [{username: 'frank', nasipaddress: NAS, startedAgo: 0}]);
		const cached = await fetchSnapshot(source, {...request, limit: 1}, new RateTracker(), slow);
		expect(cached.rows.map((row) => row.username)).toEqual(['frank']);
		expect(Object.fromEntries(cached.userOpenSessions ?? [])).toEqual({frank: 1});
		slow.expire();
		const read = await fetchSnapshot(source, {...request, limit: 1}, new RateTracker(), slow);
		expect(Object.fromEntries(read.userOpenSessions ?? [])).toEqual({frank: 2});
	});

	it('with an index on the open sessions of each username, each poll counts its users itself', async () => {
		await database.pool.query('CREATE INDEX radacct_open_user_idx ON radacct (username) WHERE acctstoptime IS NULL');
		try {
			const source = await SessionSource.open(database.pool);
			expect(source.userCountsEachPoll).toBe(true);
			const slow = new SlowCounts(Number.MAX_SAFE_INTEGER);
			const request = {key: 'k', filter: {status: 'active'} as const, sort: NEWEST, offset: 0, limit: 1};
			await fetchSnapshot(source, request, new RateTracker(), slow);
			await insertSessions(database.pool, [{username: 'frank', nasipaddress: NAS, startedAgo: 0}]);
			const next = await fetchSnapshot(source, request, new RateTracker(), slow);
			expect(Object.fromEntries(next.userOpenSessions ?? [])).toEqual({frank: 3});
		} finally {
			await database.pool.query('DROP INDEX radacct_open_user_idx');
		}
	});

	it('an index led by username over every row is not one on the open sessions', async () => {
		await database.pool.query('CREATE INDEX radacct_user_idx ON radacct (username)');
		try {
			expect((await SessionSource.open(database.pool)).userCountsEachPoll).toBe(false);
		} finally {
			await database.pool.query('DROP INDEX radacct_user_idx');
		}
	});
});

describe('over several sites', () => {
	it("counts a user's open sessions at each site on its own, keyed by site and name", async () => {
		const [north, south] = [await SessionSource.open(database.pool), await SessionSource.open(database.pool)];
		const merged = new MergedSessionReader([
			{name: 'north', reader: north},
			{name: 'south', reader: south},
		]);
		const sharing = (await merged.staleAndUsers()).sharingUsers;
		const users = await north.userOpenCounts(['alice', 'carol', 'dave']);
		expect(sharing?.get('north:alice')).toBe(users.get('alice'));
		expect(sharing?.get('south:carol')).toBe(users.get('carol'));
		expect(sharing?.has('alice')).toBe(false);
		// dave has one open session at each site: two subscribers of the same name, neither logged in twice.
		expect(sharing?.has('north:dave')).toBe(false);
		const page = await merged.list({status: 'active', search: 'dave'}, NEWEST, {limit: 10});
		expect(page.rows.map((row) => row.site)).toEqual(['north', 'south']);
		expect(Object.fromEntries(windowUserCounts(page.rows, sharing) ?? [])).toEqual({'north:dave': 1, 'south:dave': 1});
	});
});

describe('windowUserCounts', () => {
	const row = (username: string | null, open = true) => ({username, acctstoptime: open ? null : new Date(0)}) as unknown as Session;

	it("takes the slow pass's count, or the window's own rows where they show more", () => {
		const counts = windowUserCounts([row('a'), row('b'), row('b'), row('c'), row('d', false), row(null)], new Map([['a', 3]]));
		expect(Object.fromEntries(counts ?? [])).toEqual({a: 3, b: 2, c: 1});
	});

	it('is undefined without a pass that counts them, or without an open row', () => {
		expect(windowUserCounts([row('a')], undefined)).toBeUndefined();
		expect(windowUserCounts([row('a', false)], new Map())).toBeUndefined();
	});
});
