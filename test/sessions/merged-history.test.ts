/**
 * The online count over time across two sites, against two real databases (PostgreSQL when DATABASE_URL is set,
 * else PGlite): sessions opened and closed at known times at the same NAS IP on both sites, counted per site and
 * NAS exactly (the IP stays two series); a site that is down or too slow is left out and named; the console's
 * poll samples keyed by site and IP the same way.
 */
import type pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openSites} from '../../source/commands/sites-context.js';
import type {Queryable} from '../../source/db/queryable.js';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {historySeries, mergedSeries, PollSamples, siteNasKeys, type OnlineHistory} from '../../source/sessions/online-history.js';
import {nasCountKey} from '../../source/sessions/session-key.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let north: TestDatabase;
let south: TestDatabase;
let northSource: SessionSource;
let southSource: SessionSource;
let southLink: Queryable & {mode: 'up' | 'down' | 'slow'};

const SHARED = '10.9.9.9';
const NORTH_ONLY = '10.1.0.1';
/** Six one-minute steps: points at 360, 300, 240, 180, 120, 60 and 0 seconds ago; every time below is 10 s or more off a point. */
const WINDOW = {stepSeconds: 60, steps: 6};

/** A connection that can be made to fail (down) or to hang (slow). */
function switchable(db: Queryable): Queryable & {mode: 'up' | 'down' | 'slow'} {
	const wrapper = {
		mode: 'up' as 'up' | 'down' | 'slow',
		query(text: string, values?: unknown[]) {
			if (wrapper.mode === 'down') return Promise.reject(new Error('connect ECONNREFUSED 192.0.2.7:5432'));
			if (wrapper.mode === 'slow') return new Promise<never>(() => undefined);
			return db.query(text, values);
		},
	};
	return wrapper;
}

const byKey = (history: OnlineHistory) => Object.fromEntries(history.perNas.map((nas) => [nasCountKey(nas), nas.online]));

beforeAll(async () => {
	[north, south] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	await north.pool.query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('${SHARED}', 'bng-1', 'other', 'x')`);
	await south.pool.query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('${SHARED}', 'edge-7', 'other', 'y')`);
	await insertSessions(north.pool, [
		{username: 'n-closed', nasipaddress: SHARED, startedAgo: 480, stoppedAgo: 150}, // [1,1,1,1,0,0,0]
		{username: 'n-open', nasipaddress: SHARED, startedAgo: 200}, // [0,0,0,1,1,1,1]
		{username: 'n-long', nasipaddress: NORTH_ONLY, startedAgo: 1000}, // [1,1,1,1,1,1,1]
		{username: 'n-before', nasipaddress: NORTH_ONLY, startedAgo: 900, stoppedAgo: 500}, // before the window
	]);
	await insertSessions(south.pool, [
		{username: 's-closed', nasipaddress: SHARED, startedAgo: 330, stoppedAgo: 30}, // [0,1,1,1,1,1,0]
		{username: 's-new', nasipaddress: SHARED, startedAgo: 30}, // [0,0,0,0,0,0,1]
		{username: 's-long', nasipaddress: SHARED, startedAgo: 1000}, // [1,1,1,1,1,1,1]
	]);
	northSource = await SessionSource.open(north.pool);
	southLink = switchable(south.pool);
	southSource = await SessionSource.open(southLink);
}, 120_000);

afterAll(async () => {
	await Promise.all([north?.close(), south?.close()]);
});

const merged = (historyDeadlineMs = 12_000) =>
	new MergedSessionReader(
		[
			{name: 'north', reader: northSource},
			{name: 'south', reader: southSource},
		],
		{deadlineMs: 3000, historyDeadlineMs},
	);

describe('the online history over several sites', () => {
	it('counts each site’s NAS exactly, the IP at both sites two series, named by each site’s nas table', async () => {
		southLink.mode = 'up';
		const history = await merged().onlineHistory(WINDOW);
		expect(byKey(history)).toEqual({
			[`north:${SHARED}`]: [1, 1, 1, 2, 1, 1, 1],
			[`north:${NORTH_ONLY}`]: [1, 1, 1, 1, 1, 1, 1],
			[`south:${SHARED}`]: [1, 2, 2, 2, 2, 2, 2],
		});
		expect(history.perNas.map((nas) => [nas.site, nas.nasipaddress, nas.nasname])).toEqual([
			['south', SHARED, 'edge-7'],
			['north', NORTH_ONLY, null],
			['north', SHARED, 'bng-1'],
		]);
		expect(history.missingSites).toBeUndefined();
		expect(history.stepSeconds).toBe(60);
		const network = historySeries(history);
		expect(network.map((sample) => sample.online)).toEqual([3, 4, 4, 5, 4, 4, 4]);
		expect(network[6]!.at - network[0]!.at).toBe(360_000);
		expect(historySeries(history, [`south:${SHARED}`]).map((sample) => sample.online)).toEqual([1, 2, 2, 2, 2, 2, 2]);
		// A plain IP is not a NAS of several sites: nothing answers to it.
		expect(historySeries(history, [SHARED]).map((sample) => sample.online)).toEqual([0, 0, 0, 0, 0, 0, 0]);
		const samples = new PollSamples();
		expect(historySeries(history, siteNasKeys(history, samples, 'north')).map((sample) => sample.online)).toEqual([
			2, 2, 2, 3, 2, 2, 2,
		]);
	});

	it('ends at each site’s open counts, as the merged poll gives them', async () => {
		southLink.mode = 'up';
		const reader = merged();
		const [history, counts] = await Promise.all([reader.onlineHistory(WINDOW), reader.openCounts()]);
		const last = Object.fromEntries(history.perNas.map((nas) => [nasCountKey(nas), nas.online.at(-1)]));
		expect(Object.fromEntries(counts.perNas.map((nas) => [nasCountKey(nas), nas.sessions]))).toEqual(last);
	});

	it('a site that is down is left out and named; the other site’s part is whole', async () => {
		southLink.mode = 'down';
		try {
			const history = await merged().onlineHistory(WINDOW);
			expect(byKey(history)).toEqual({
				[`north:${SHARED}`]: [1, 1, 1, 2, 1, 1, 1],
				[`north:${NORTH_ONLY}`]: [1, 1, 1, 1, 1, 1, 1],
			});
			expect(history.missingSites).toEqual([{site: 'south', error: expect.stringContaining('ECONNREFUSED 192.0.2.7:5432')}]);
			// A NAS of the missing site has no known history: its polled counts alone, not hours of zeros.
			const samples = new PollSamples();
			samples.add(history.end.getTime() - 1000, [{nasipaddress: SHARED, sessions: 2, site: 'south'}]);
			expect(mergedSeries(history, samples, [`south:${SHARED}`])).toEqual([{at: history.end.getTime() - 1000, online: 2}]);
			expect(mergedSeries(history, samples, [`north:${SHARED}`]).map((sample) => sample.online)).toEqual([1, 1, 1, 2, 1, 1, 1]);
		} finally {
			southLink.mode = 'up';
		}
	});

	it('a site whose history does not answer within its deadline is left out and not asked again until it settles, its poll going on', async () => {
		southLink.mode = 'slow';
		const reader = merged(300);
		try {
			const first = await reader.onlineHistory(WINDOW);
			expect(first.missingSites).toEqual([{site: 'south', error: 'no answer in 0.3 s'}]);
			expect(Object.keys(byKey(first)).sort()).toEqual([`north:${NORTH_ONLY}`, `north:${SHARED}`]);
			southLink.mode = 'up';
			// Still waiting on the hung call: named again at once, without waiting out another deadline.
			const started = Date.now();
			const second = await reader.onlineHistory(WINDOW);
			expect(second.missingSites).toEqual([{site: 'south', error: 'its last history read has not answered yet'}]);
			expect(Date.now() - started).toBeLessThan(300);
			// The slow history marks nothing: south's poll is asked and answers, and south is not stale.
			const counts = await reader.openCounts();
			expect(counts.perNas.some((nas) => nas.site === 'south')).toBe(true);
			expect(reader.siteStatus().map((site) => [site.name, site.stale])).toEqual([
				['north', false],
				['south', false],
			]);
		} finally {
			southLink.mode = 'up';
		}
	});

	it('when no site answers, the error names each', async () => {
		const down = switchable(north.pool);
		down.mode = 'down';
		southLink.mode = 'down';
		try {
			const reader = new MergedSessionReader([
				{
					name: 'north',
					reader: await SessionSource.open(down, {
						columns: {all: northSource.columns, readable: northSource.columns},
						nasRows: {present: false, rows: [], readable: 'none', warnings: []},
						nasReload: {readable: false, skipped: 'not read here'},
					}),
				},
				{name: 'south', reader: southSource},
			]);
			await expect(reader.onlineHistory(WINDOW)).rejects.toThrow(
				/^no site answered \(north: .*ECONNREFUSED.*; south: .*ECONNREFUSED.*\)$/,
			);
		} finally {
			southLink.mode = 'up';
		}
	});
});

describe('the sites a profile lists', () => {
	it('read the history through each site opened on its own database', async () => {
		const [east, west] = await Promise.all([createTestDatabase(), createTestDatabase()]);
		// PGlite serves one socket connection, the site's own: the fixtures go to the instance itself.
		const writer = (db: TestDatabase) => (db.pglite ?? db.pool) as unknown as pg.Pool;
		await insertSessions(writer(east), [{username: 'e-open', nasipaddress: SHARED, startedAgo: 200}]); // [0,0,0,1,1,1,1]
		await insertSessions(writer(west), [{username: 'w-closed', nasipaddress: SHARED, startedAgo: 330, stoppedAgo: 30}]); // [0,1,1,1,1,1,0]
		const sites = await openSites([
			{name: 'east', database: east.url},
			{name: 'west', database: west.url},
		]);
		try {
			const history = await sites.merged.onlineHistory(WINDOW);
			expect(byKey(history)).toEqual({[`east:${SHARED}`]: [0, 0, 0, 1, 1, 1, 1], [`west:${SHARED}`]: [0, 1, 1, 1, 1, 1, 0]});
		} finally {
			await sites.close();
			await Promise.all([east.close(), west.close()]);
		}
	}, 60_000);
});

describe('poll samples over several sites', () => {
	it('keeps a NAS IP of two sites as two series, fed from the merged poll’s per-NAS counts, continuing the history', async () => {
		southLink.mode = 'up';
		const reader = merged();
		const history = await reader.onlineHistory(WINDOW);
		const counts = await reader.openCounts();
		const samples = new PollSamples();
		const at = history.end.getTime() + 5000;
		samples.add(at, counts.perNas);
		expect(samples.nasIps.sort()).toEqual([`north:${NORTH_ONLY}`, `north:${SHARED}`, `south:${SHARED}`]);
		expect(samples.of(`south:${SHARED}`)).toEqual([{at, online: 2}]);
		expect(samples.of(`north:${SHARED}`)).toEqual([{at, online: 1}]);
		expect(samples.keysOf('south')).toEqual([`south:${SHARED}`]);
		expect(mergedSeries(history, samples, [`south:${SHARED}`]).map((sample) => sample.online)).toEqual([1, 2, 2, 2, 2, 2, 2, 2]);
		expect(mergedSeries(history, samples).at(-1)).toEqual({at, online: 4});
		expect(mergedSeries(history, samples, siteNasKeys(history, samples, 'north')).at(-1)).toEqual({at, online: 2});
	});

	it('keys one site’s counts by the IP alone, as before', () => {
		const samples = new PollSamples();
		samples.add(1000, [{nasipaddress: SHARED, sessions: 3}]);
		samples.add(2000, []);
		expect(samples.nasIps).toEqual([SHARED]);
		expect(samples.of(SHARED)).toEqual([
			{at: 1000, online: 3},
			{at: 2000, online: 0},
		]);
	});
});
