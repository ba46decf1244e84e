/**
 * Concurrent logins against a real radacct (PostgreSQL with DATABASE_URL, else PGlite): the per-poll count of
 * open sessions of the users in view, and the view of users with more than one open session, alone and with a
 * search and a NAS filter, as the poll, the count, an export and a disconnect read it.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readTargets} from '../../source/disconnect/targets.js';
import {buildUserOpenCountsQuery, CONCURRENT_PREDICATE} from '../../source/sessions/concurrent-sql.js';
import {buildExportQuery, exportColumn} from '../../source/sessions/export-sql.js';
import {buildListQuery} from '../../source/sessions/radacct-sql.js';
import {RateTracker} from '../../source/sessions/session-math.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {SessionFilter} from '../../source/sessions/session.js';
import {fetchSnapshot} from '../../source/sessions/snapshot.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let source: SessionSource;

const NAS1 = '10.20.0.1';
const NAS2 = '10.20.0.2';

beforeAll(async () => {
	database = await createTestDatabase();
	await insertSessions(database.pool, [
		{username: 'alice', nasipaddress: NAS1, callingstationid: 'AA:BB:CC:00:00:01', startedAgo: 7200},
		{username: 'alice', nasipaddress: NAS2, callingstationid: 'CC:DD:EE:00:00:02', startedAgo: 600},
		{username: 'bob', nasipaddress: NAS1},
		{username: 'bob', nasipaddress: NAS1, startedAgo: 9000, stoppedAgo: 8000},
		{username: 'carol', nasipaddress: NAS1, startedAgo: 300},
		{username: 'carol', nasipaddress: NAS1, startedAgo: 200},
		{username: 'carol', nasipaddress: NAS1, startedAgo: 100},
		{username: 'dave', nasipaddress: NAS2},
		{username: 'erin', nasipaddress: NAS2, startedAgo: 500},
		{username: 'erin', nasipaddress: NAS2, startedAgo: 400},
		// Two open rows without a username are nobody's concurrent logins.
		{username: null, nasipaddress: NAS1},
		{username: null, nasipaddress: NAS1},
		// A user whose second session is closed is not logged in twice.
		{username: 'frank', nasipaddress: NAS2},
		{username: 'frank', nasipaddress: NAS2, startedAgo: 5000, stoppedAgo: 4000},
	]);
	source = await SessionSource.open(database.pool, {nasOverrides: [{ip: NAS2, name: 'bng-2'}]});
});

afterAll(async () => {
	await database?.close();
});

const byUser = {key: 'user', direction: 'asc'} as const;

async function listed(filter: SessionFilter): Promise<string[]> {
	const page = await source.list(filter, byUser, {limit: 50});
	return page.rows.map((session) => `${session.username}@${session.nasipaddress}`);
}

describe('open sessions per user', () => {
	it('counts the open sessions of the users asked for, closed ones and other users left out', async () => {
		const counts = await source.userOpenCounts(['alice', 'bob', 'carol', 'frank', 'nobody', 'alice']);
		expect(Object.fromEntries(counts)).toEqual({alice: 2, bob: 1, carol: 3, frank: 1});
	});

	it('binds the names as one array parameter: a name with quotes is only a name', async () => {
		const query = buildUserOpenCountsQuery(["o'brien", 'alice']);
		expect(query?.values).toEqual([["o'brien", 'alice']]);
		expect(query?.text).not.toContain('alice');
		expect(Object.fromEntries(await source.userOpenCounts(["o'brien'); DROP TABLE radacct; --", 'carol']))).toEqual({carol: 3});
		expect(buildUserOpenCountsQuery([])).toBeUndefined();
	});

	it("a poll's snapshot carries the counts of its open rows' users", async () => {
		const snapshot = await fetchSnapshot(
			source,
			{key: 'k', filter: {status: 'active'}, sort: byUser, offset: 0, limit: 4},
			new RateTracker(),
		);
		expect(snapshot.rows.map((row) => row.username)).toEqual(['alice', 'alice', 'bob', 'carol']);
		expect(Object.fromEntries(snapshot.userOpenSessions ?? [])).toEqual({alice: 2, bob: 1, carol: 3});
	});

	it('a window of closed rows asks nothing', async () => {
		const snapshot = await fetchSnapshot(
			source,
			{key: 'k', filter: {status: 'closed'}, sort: byUser, offset: 0, limit: 10},
			new RateTracker(),
		);
		expect(snapshot.rows.length).toBe(2);
		expect(snapshot.userOpenSessions).toBeUndefined();
	});
});

describe('the concurrent view', () => {
	it('shows only the open sessions of users with more than one, a user together', async () => {
		expect(await listed({status: 'active', concurrent: true})).toEqual([
			`alice@${NAS1}`,
			`alice@${NAS2}`,
			`carol@${NAS1}`,
			`carol@${NAS1}`,
			`carol@${NAS1}`,
			`erin@${NAS2}`,
			`erin@${NAS2}`,
		]);
		expect(await source.count({status: 'active', concurrent: true})).toEqual({total: 7, capped: false});
	});

	it('combines with a search', async () => {
		expect(await listed({status: 'active', concurrent: true, search: 'ri'})).toEqual([`erin@${NAS2}`, `erin@${NAS2}`]);
		expect(await listed({status: 'active', concurrent: true, search: '-user:alice -user:carol'})).toEqual([
			`erin@${NAS2}`,
			`erin@${NAS2}`,
		]);
		expect(await source.count({status: 'active', concurrent: true, search: 'a'})).toEqual({total: 5, capped: false});
	});

	it('combines with a NAS filter, counting the sessions of each user on every NAS', async () => {
		// alice has one session on bng-2 and one elsewhere: she is logged in twice, so her bng-2 row shows.
		expect(await listed({status: 'active', concurrent: true, nasIps: [NAS2]})).toEqual([
			`alice@${NAS2}`,
			`erin@${NAS2}`,
			`erin@${NAS2}`,
		]);
		expect(await listed({status: 'active', concurrent: true, search: 'nas:bng-2'})).toEqual([
			`alice@${NAS2}`,
			`erin@${NAS2}`,
			`erin@${NAS2}`,
		]);
	});

	it('combines with a search and a NAS filter at once', async () => {
		expect(await listed({status: 'active', concurrent: true, search: 'alice', nasIps: [NAS2]})).toEqual([`alice@${NAS2}`]);
		expect(await source.count({status: 'active', concurrent: true, search: 'alice', nasIps: [NAS2]})).toEqual({
			total: 1,
			capped: false,
		});
		expect(await listed({status: 'active', concurrent: true, search: 'dave', nasIps: [NAS2]})).toEqual([]);
	});

	it('pages by keyset through the sessions of the users', async () => {
		const first = await source.list({status: 'active', concurrent: true}, byUser, {limit: 3});
		expect(first.next).toBeDefined();
		const second = await source.list({status: 'active', concurrent: true}, byUser, {limit: 10, after: first.next!});
		expect([...first.rows, ...second.rows].map((row) => row.username)).toEqual([
			'alice',
			'alice',
			'carol',
			'carol',
			'carol',
			'erin',
			'erin',
		]);
	});

	it('a session that closes takes its user out of the view', async () => {
		const ids = await insertSessions(database.pool, [
			{username: 'gina', nasipaddress: NAS1},
			{username: 'gina', nasipaddress: NAS2},
		]);
		expect(await listed({status: 'active', concurrent: true, search: 'user:=gina'})).toHaveLength(2);
		await database.pool.query('UPDATE radacct SET acctstoptime = now() WHERE radacctid = $1', [ids[1]]);
		expect(await listed({status: 'active', concurrent: true, search: 'user:=gina'})).toEqual([]);
	});

	it('what A would disconnect in the view is the view: the same predicate on the targets', async () => {
		const targets = await readTargets(database.pool, {kind: 'filter', filter: {status: 'active', concurrent: true, nasIps: [NAS2]}});
		expect(targets.sessions.map((session) => session.username).sort()).toEqual(['alice', 'erin', 'erin']);
	});

	it('the export of the view (e) is the view, its NAS names joined in', async () => {
		const query = buildExportQuery({status: 'active', concurrent: true, search: 'nas:bng-2'}, byUser, {
			columns: ['username', 'nas'].map((name) => exportColumn(name)!),
			available: source.columns,
			staleAfterSeconds: 1800,
			nasNames: [{ip: NAS2, name: 'bng-2'}],
			nasIps: (nas) => source.nas.resolve(nas),
		});
		const {rows} = await database.pool.query(query.text, [...query.values]);
		expect(rows.map((row: Record<string, unknown>) => `${row['username']}@${row['nas']}`)).toEqual([
			'alice@bng-2',
			'erin@bng-2',
			'erin@bng-2',
		]);
	});

	it('takes no parameter of its own and reads the outer radacct', () => {
		const query = buildListQuery({status: 'active', concurrent: true, search: 'x'}, byUser, {limit: 5}, source.columns);
		expect(query.text).toContain(CONCURRENT_PREDICATE);
		expect(query.values).toEqual(['%x%', 5]);
	});
});
