/**
 * The C and S marks' counts over several sites (two real databases: PostgreSQL with DATABASE_URL, else PGlite):
 * each poll has each site count the open sessions of its own rows' users in the merged window, keyed by site
 * (the same name at two sites is two subscribers), fresh at every poll.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {RateTracker} from '../../source/sessions/session-math.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {fetchSnapshot, SlowCounts} from '../../source/sessions/snapshot.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let north: TestDatabase;
let south: TestDatabase;
let merged: MergedSessionReader;

const NEWEST = {key: 'start', direction: 'desc'} as const;
const request = {key: 'k', filter: {status: 'active'} as const, sort: NEWEST, offset: 0, limit: 10};

beforeAll(async () => {
	[north, south] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	await insertSessions(north.pool, [
		{username: 'alice', nasipaddress: '10.20.0.1', startedAgo: 7200},
		{username: 'alice', nasipaddress: '10.20.0.2', startedAgo: 600},
		{username: 'dave', nasipaddress: '10.20.0.1', startedAgo: 50},
	]);
	await insertSessions(south.pool, [
		{username: 'dave', nasipaddress: '10.20.0.1', startedAgo: 40},
		{username: 'erin', nasipaddress: '10.20.0.1', startedAgo: 30},
		{username: 'erin', nasipaddress: '10.20.0.1', startedAgo: 9000, stoppedAgo: 8000},
	]);
	merged = new MergedSessionReader([
		{name: 'north', reader: await SessionSource.open(north.pool)},
		{name: 'south', reader: await SessionSource.open(south.pool)},
	]);
}, 60_000);

afterAll(async () => {
	await Promise.all([north?.close(), south?.close()]);
});

describe("the window's users' open sessions over sites", () => {
	it('counts each site’s users at that site alone', async () => {
		const snapshot = await fetchSnapshot(merged, request, new RateTracker());
		expect(Object.fromEntries(snapshot.userOpenSessions ?? [])).toEqual({
			'north:alice': 2,
			'north:dave': 1,
			'south:dave': 1,
			'south:erin': 1,
		});
	});

	it('a second login shows at the next poll, the slow counts however old', async () => {
		const slow = new SlowCounts(Number.MAX_SAFE_INTEGER);
		const window = {...request, limit: 1};
		const before = await fetchSnapshot(merged, window, new RateTracker(), slow);
		expect(before.rows.map((row) => `${row.site}:${row.username}`)).toEqual(['south:erin']);
		expect(Object.fromEntries(before.userOpenSessions ?? [])).toEqual({'south:erin': 1});
		await insertSessions(south.pool, [{username: 'dave', nasipaddress: '10.20.0.1', startedAgo: 0}]);
		const after = await fetchSnapshot(merged, window, new RateTracker(), slow);
		expect(after.rows.map((row) => `${row.site}:${row.username}`)).toEqual(['south:dave']);
		expect(Object.fromEntries(after.userOpenSessions ?? [])).toEqual({'south:dave': 2});
	});
});
