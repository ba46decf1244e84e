/**
 * Several sites read as one, against two real databases (PostgreSQL when DATABASE_URL is set, else PGlite):
 * their radacctids overlap, one NAS IP is at both; rows merge in the sort's order across sites, counts sum, and a
 * site that is down or does not answer keeps its last rows, marked stale, while the other goes on.
 */
import {createServer} from 'node:net';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Queryable} from '../../source/db/queryable.js';
import {MergedSessionReader, UnknownSiteError} from '../../source/sessions/merged-source.js';
import {sessionKey} from '../../source/sessions/session-key.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {SessionSort} from '../../source/sessions/session.js';
import {RateTracker} from '../../source/sessions/session-math.js';
import {fetchSnapshot} from '../../source/sessions/snapshot.js';
import {startSilentDatabase, type SilentDatabase} from '../helpers/silent-database.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let east: TestDatabase;
let west: TestDatabase;
let eastSource: SessionSource;
let westSource: SessionSource;
let silent: SilentDatabase;
let closedUrl: string;
const eastIds: string[] = [];
const westIds: string[] = [];

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise((resolve) => server.close(resolve));
	if (address === null || typeof address === 'string') throw new Error('no port');
	return address.port;
}

/** A connection that can be made to fail (down) or to hang (slow) between polls. */
function switchable(db: Queryable): Queryable & {mode: 'up' | 'down' | 'slow'} {
	const wrapper = {
		mode: 'up' as 'up' | 'down' | 'slow',
		query(text: string, values?: unknown[]) {
			if (wrapper.mode === 'down') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
			if (wrapper.mode === 'slow') return new Promise<never>(() => undefined);
			return db.query(text, values);
		},
	};
	return wrapper;
}

/** What a source on a server that cannot be asked is opened with: the probes' answers given. */
const offlineOpen = () => ({
	columns: {all: eastSource.columns, readable: eastSource.columns},
	nasRows: {present: false, rows: [], readable: 'none' as const, warnings: []},
	nasReload: {readable: false, skipped: 'not read here'},
});

const byStartDesc: SessionSort = {key: 'start', direction: 'desc'};

beforeAll(async () => {
	[east, west] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	// The same NAS IP at both sites, another NAS each; the nas tables name them differently.
	await east.pool.query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('10.9.9.9', 'east-bng', 'other', 'east-secret')`);
	await west.pool.query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('10.9.9.9', 'west-bng', 'other', 'west-secret')`);
	eastIds.push(
		...(await insertSessions(east.pool, [
			{username: 'alice', nasipaddress: '10.9.9.9', startedAgo: 100, acctoutputoctets: 500},
			{username: 'carol', nasipaddress: '10.9.9.9', startedAgo: 300, acctoutputoctets: 100},
			{username: 'erin', nasipaddress: '10.1.0.1', startedAgo: 500, acctoutputoctets: 300, stoppedAgo: 50},
		])),
	);
	westIds.push(
		...(await insertSessions(west.pool, [
			{username: 'bob', nasipaddress: '10.9.9.9', startedAgo: 200, acctoutputoctets: 400},
			{username: 'dave', nasipaddress: '10.2.0.1', startedAgo: 400, acctoutputoctets: 200},
		])),
	);
	eastSource = await SessionSource.open(east.pool);
	westSource = await SessionSource.open(west.pool);
	silent = await startSilentDatabase();
	closedUrl = `postgres://radtop@127.0.0.1:${await closedPort()}/radius`;
});

afterAll(async () => {
	await Promise.all([east?.close(), west?.close(), silent?.close()]);
});

describe('merging sites', () => {
	it('the two sites number their rows alike: the keys tell them apart', () => {
		expect(eastIds.slice(0, 2)).toEqual(westIds);
		expect(sessionKey({radacctid: eastIds[0]!, site: 'east'})).not.toBe(sessionKey({radacctid: westIds[0]!, site: 'west'}));
	});

	it('merges the windows in the sort order, each row tagged with its site', async () => {
		const reader = new MergedSessionReader([
			{name: 'east', reader: eastSource},
			{name: 'west', reader: westSource},
		]);
		const page = await reader.list({status: 'active'}, byStartDesc, {limit: 10});
		expect(page.rows.map((row) => `${row.site}/${row.username}`)).toEqual(['east/alice', 'west/bob', 'east/carol', 'west/dave']);
		const ascending = await reader.list({status: 'active'}, {key: 'start', direction: 'asc'}, {limit: 10});
		expect(ascending.rows.map((row) => row.username)).toEqual(['dave', 'carol', 'bob', 'alice']);
		const down = await reader.list({status: 'all'}, {key: 'down', direction: 'desc'}, {limit: 10});
		expect(down.rows.map((row) => row.username)).toEqual(['alice', 'bob', 'erin', 'dave', 'carol']);
		const users = await reader.list({status: 'active'}, {key: 'user', direction: 'asc'}, {limit: 10});
		expect(users.rows.map((row) => row.username)).toEqual(['alice', 'bob', 'carol', 'dave']);
		// Each site names the shared IP by its own nas table.
		expect(page.rows.filter((row) => row.nasipaddress === '10.9.9.9').map((row) => `${row.site}:${row.nasname}`)).toEqual([
			'east:east-bng',
			'west:west-bng',
			'east:east-bng',
		]);
	});

	it('a window down the list is the same rows as the head of the whole list', async () => {
		const reader = new MergedSessionReader([
			{name: 'east', reader: eastSource},
			{name: 'west', reader: westSource},
		]);
		const page = await reader.list({status: 'active'}, byStartDesc, {limit: 2, offset: 1});
		expect(page.rows.map((row) => row.username)).toEqual(['bob', 'carol']);
	});

	it('ties between sites fall to the site name, then radacctid', async () => {
		const reader = new MergedSessionReader([
			{name: 'west', reader: westSource},
			{name: 'east', reader: eastSource},
		]);
		// Every open session has a session time of 0: the rate sort ties them all.
		const page = await reader.list({status: 'active'}, {key: 'rate', direction: 'desc'}, {limit: 10});
		expect(page.rows.map(sessionKey)).toEqual([`east:${eastIds[1]}`, `east:${eastIds[0]}`, `west:${westIds[1]}`, `west:${westIds[0]}`]);
	});

	it('counts and stats sum over the sites; per-NAS counts keep the site', async () => {
		const reader = new MergedSessionReader([
			{name: 'east', reader: eastSource},
			{name: 'west', reader: westSource},
		]);
		expect(await reader.count({status: 'all'})).toEqual({total: 5, capped: false});
		expect(await reader.count({status: 'active', site: 'west'})).toEqual({total: 2, capped: false});
		const stats = await reader.stats();
		expect(stats.openSessions).toBe(4);
		expect(stats.uniqueUsers).toBe(4);
		expect(stats.perNas.map((nas) => `${nas.site}:${nas.nasname ?? nas.nasipaddress}=${nas.sessions}`)).toEqual([
			'east:east-bng=2',
			'west:10.2.0.1=1',
			'west:west-bng=1',
		]);
		expect(reader.siteStatus().map((site) => [site.name, site.openSessions, site.stale])).toEqual([
			['east', 2, false],
			['west', 2, false],
		]);
	});

	it('narrows to one site, and refuses a site it does not have', async () => {
		const reader = new MergedSessionReader([
			{name: 'east', reader: eastSource},
			{name: 'west', reader: westSource},
		]);
		const page = await reader.list({status: 'active', site: 'west'}, byStartDesc, {limit: 10});
		expect(page.rows.map((row) => row.username)).toEqual(['bob', 'dave']);
		await expect(reader.list({status: 'active', site: 'north'}, byStartDesc, {limit: 10})).rejects.toThrow(UnknownSiteError);
		await expect(reader.list({status: 'active', site: 'north'}, byStartDesc, {limit: 10})).rejects.toThrow(
			'no site "north" (sites: east, west)',
		);
	});

	it('reads one session by its key, at its own site', async () => {
		const reader = new MergedSessionReader([
			{name: 'east', reader: eastSource},
			{name: 'west', reader: westSource},
		]);
		expect((await reader.session(`west:${westIds[0]}`))?.username).toBe('bob');
		expect((await reader.session(`east:${eastIds[0]}`))?.username).toBe('alice');
		const history = await reader.history('bob');
		expect(history.map((row) => `${row.site}/${row.username}`)).toEqual(['west/bob']);
	});
});

describe('a site that is down or slow', () => {
	it('a site at a closed port: the other site is read, the down one says why', async () => {
		const down = new pg.Pool({connectionString: closedUrl, connectionTimeoutMillis: 2000});
		down.on('error', () => undefined);
		const downSource = await SessionSource.open(down, offlineOpen());
		const reader = new MergedSessionReader([
			{name: 'east', reader: eastSource},
			{name: 'gone', reader: downSource},
		]);
		const snapshot = await fetchSnapshot(
			reader,
			{key: 'k', filter: {status: 'active'}, sort: byStartDesc, offset: 0, limit: 10},
			new RateTracker(),
		);
		expect(snapshot.rows.map((row) => `${row.site}/${row.username}`)).toEqual(['east/alice', 'east/carol']);
		expect(snapshot.stats.openSessions).toBe(2);
		const [eastStatus, goneStatus] = reader.siteStatus();
		expect(eastStatus).toMatchObject({name: 'east', stale: false, error: null});
		expect(goneStatus).toMatchObject({name: 'gone', stale: true, dataAt: null});
		expect(goneStatus!.error).toMatch(/connection refused/);
		await down.end();
	});

	it('a site that goes down keeps its last rows, marked stale, while the other is polled on', async () => {
		const link = switchable(west.pool);
		const westAgain = await SessionSource.open(link);
		const reader = new MergedSessionReader([
			{name: 'east', reader: eastSource},
			{name: 'west', reader: westAgain},
		]);
		const request = {key: 'k', filter: {status: 'active' as const}, sort: byStartDesc, offset: 0, limit: 10};
		const first = await fetchSnapshot(reader, request, new RateTracker());
		expect(first.rows).toHaveLength(4);
		link.mode = 'down';
		const [newId] = await insertSessions(east.pool, [{username: 'frank', nasipaddress: '10.9.9.9', startedAgo: 10}]);
		const second = await fetchSnapshot(reader, request, new RateTracker());
		expect(second.rows.map((row) => `${row.site}/${row.username}`)).toEqual([
			'east/frank',
			'east/alice',
			'west/bob',
			'east/carol',
			'west/dave',
		]);
		expect(second.stats.openSessions).toBe(5);
		const west2 = reader.siteStatus()[1]!;
		expect(west2.stale).toBe(true);
		expect(west2.error).toMatch(/ECONNREFUSED/);
		expect(west2.dataAt).not.toBeNull();
		link.mode = 'up';
		await fetchSnapshot(reader, request, new RateTracker());
		expect(reader.siteStatus()[1]).toMatchObject({stale: false, error: null});
		await east.pool.query('DELETE FROM radacct WHERE radacctid = $1', [newId]);
	});

	it('a site that does not answer is waited for only until its deadline, and not asked again meanwhile', async () => {
		const link = switchable(west.pool);
		const westAgain = await SessionSource.open(link);
		const reader = new MergedSessionReader(
			[
				{name: 'east', reader: eastSource},
				{name: 'west', reader: westAgain},
			],
			{deadlineMs: 200},
		);
		const request = {key: 'k', filter: {status: 'active' as const}, sort: byStartDesc, offset: 0, limit: 10};
		await fetchSnapshot(reader, request, new RateTracker());
		link.mode = 'slow';
		const started = Date.now();
		const snapshot = await fetchSnapshot(reader, request, new RateTracker());
		const elapsed = Date.now() - started;
		expect(snapshot.rows.map((row) => row.site)).toEqual(['east', 'west', 'east', 'west']);
		expect(reader.siteStatus()[1]).toMatchObject({stale: true, error: 'no answer in 0.2 s'});
		// One deadline for the whole poll, not one per statement: the later statements did not wait for it again.
		expect(elapsed).toBeLessThan(6 * 200);
	});

	it('a site on a server that accepts and never answers: the other site is shown', async () => {
		const pool = new pg.Pool({connectionString: silent.url, connectionTimeoutMillis: 1000});
		pool.on('error', () => undefined);
		const silentSource = await SessionSource.open(pool, offlineOpen());
		const reader = new MergedSessionReader(
			[
				{name: 'east', reader: eastSource},
				{name: 'frozen', reader: silentSource},
			],
			{deadlineMs: 300},
		);
		const page = await reader.list({status: 'active'}, byStartDesc, {limit: 10});
		expect(page.rows.map((row) => row.username)).toEqual(['alice', 'carol']);
		expect(reader.siteStatus()[1]).toMatchObject({name: 'frozen', stale: true, dataAt: null});
		await pool.end().catch(() => undefined);
	});

	it('no site answering is a poll error naming each', async () => {
		const link = switchable(west.pool);
		const westAgain = await SessionSource.open(link);
		link.mode = 'down';
		const reader = new MergedSessionReader([{name: 'west', reader: westAgain}]);
		await expect(reader.list({status: 'active'}, byStartDesc, {limit: 10})).rejects.toThrow(/west: .*ECONNREFUSED/);
	});
});
