import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {buildStoppedQuery, buildTargetQuery} from '../../source/disconnect/target-sql.js';
import {readStopped, readTargets, TargetError} from '../../source/disconnect/targets.js';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';
import {insertBulk} from './fixtures.js';

const ALL = new Set<string>(SESSION_COLUMNS);

describe('buildTargetQuery', () => {
	it('passes every value as a parameter and asks for one row more than the cap', () => {
		const query = buildTargetQuery({kind: 'user', username: "o'brien"}, ALL, 500);
		expect(query.text).toContain('acctstoptime IS NULL');
		expect(query.text).toContain('username = $1');
		expect(query.text).toMatch(/ORDER BY radacct\.radacctid LIMIT \$2$/);
		expect(query.text).not.toContain("o'brien");
		expect(query.values).toEqual(["o'brien", 501]);
	});

	it('reads session targets whatever their state, so closed ones can be reported', () => {
		const query = buildTargetQuery({kind: 'sessions', radacctids: ['1', '22']}, ALL, 10);
		expect(query.text).toContain('radacctid = ANY($1::bigint[])');
		expect(query.text).not.toContain('acctstoptime IS NULL');
		expect(query.values).toEqual([['1', '22'], 11]);
	});

	it('rejects a malformed radacctid', () => {
		expect(() => buildTargetQuery({kind: 'session', radacctid: '1; DROP TABLE radacct'}, ALL, 10)).toThrow(RangeError);
	});

	it('reuses the session filter, open sessions only', () => {
		const query = buildTargetQuery({kind: 'filter', filter: {status: 'closed', search: 'alice', nasIps: ['10.0.0.1']}}, ALL, 10);
		expect(query.text).toContain('acctstoptime IS NULL');
		expect(query.text).not.toContain('acctstoptime IS NOT NULL');
		expect(query.text).toContain('nasipaddress = ANY($1::inet[])');
		expect(query.values).toEqual([['10.0.0.1'], '%alice%', 11]);
	});

	it('watches stops by radacctid list', () => {
		expect(buildStoppedQuery(['3', '4']).values).toEqual([['3', '4']]);
	});
});

describe('readTargets', () => {
	let database: TestDatabase;

	beforeAll(async () => {
		database = await createTestDatabase();
	});

	afterAll(async () => {
		await database.close();
	});

	beforeEach(async () => {
		await database.pool.query('TRUNCATE radacct');
	});

	it('reads one session, open or closed, and reports ids radacct lacks', async () => {
		const [open, closed] = await insertSessions(database.pool, [
			{username: 'alice', nasipaddress: '10.20.0.1', acctsessionid: 'a-1', framedipaddress: '100.64.0.7'},
			{username: 'alice', nasipaddress: '10.20.0.1', stoppedAgo: 60, acctterminatecause: 'User-Request'},
		]);
		const {sessions, missing} = await readTargets(
			database.pool,
			{kind: 'sessions', radacctids: [open!, closed!, '999999']},
			{nameOf: (ip) => (ip === '10.20.0.1' ? 'bng-1' : null)},
		);
		expect(sessions.map((session) => [session.radacctid, session.acctstoptime === null])).toEqual([
			[open, true],
			[closed, false],
		]);
		expect(sessions[0]).toMatchObject({username: 'alice', acctsessionid: 'a-1', framedipaddress: '100.64.0.7', nasname: 'bng-1'});
		expect(sessions[0]?.acctstarttime).toBeInstanceOf(Date);
		expect(typeof sessions[0]?.acctinputoctets).toBe('number');
		expect(missing).toEqual(['999999']);
	});

	it('reads the open sessions of a user, of a NAS and of a filter', async () => {
		await insertSessions(database.pool, [
			{username: 'alice', nasipaddress: '10.20.0.1'},
			{username: 'alice', nasipaddress: '10.20.0.2'},
			{username: 'alice', nasipaddress: '10.20.0.2', stoppedAgo: 10},
			{username: 'bob', nasipaddress: '10.20.0.2', callingstationid: 'de:ad:be:ef:00:01'},
		]);
		const users = await readTargets(database.pool, {kind: 'user', username: 'alice'});
		expect(users.sessions.map((session) => session.nasipaddress)).toEqual(['10.20.0.1', '10.20.0.2']);
		const nas = await readTargets(database.pool, {kind: 'nas', nasIps: ['10.20.0.2']});
		expect(nas.sessions.map((session) => session.username)).toEqual(['alice', 'bob']);
		const filtered = await readTargets(database.pool, {kind: 'filter', filter: {status: 'all', search: 'DEAD-BEEF'}});
		expect(filtered.sessions.map((session) => session.username)).toEqual(['bob']);
	});

	it('refuses a target over the cap with a clear error', async () => {
		await insertBulk(database.pool, 12, '10.20.0.9', 'cap');
		await expect(readTargets(database.pool, {kind: 'nas', nasIps: ['10.20.0.9']}, {cap: 11})).rejects.toThrow(
			/more than 11 sessions, the most one action may disconnect/,
		);
		await expect(readTargets(database.pool, {kind: 'nas', nasIps: ['10.20.0.9']}, {cap: 12})).resolves.toMatchObject({
			sessions: {length: 12},
		});
		await expect(readTargets(database.pool, {kind: 'sessions', radacctids: ['1', '2', '3']}, {cap: 2})).rejects.toThrow(TargetError);
		await expect(readTargets(database.pool, {kind: 'session', radacctid: 'x'})).rejects.toThrow(TargetError);
	});

	it('tells which sessions have stopped', async () => {
		const [open, closed] = await insertSessions(database.pool, [
			{username: 'alice'},
			{username: 'bob', stoppedAgo: 5, acctterminatecause: 'Admin-Reset'},
		]);
		const stopped = await readStopped(database.pool, [open!, closed!]);
		expect([...stopped.keys()]).toEqual([closed]);
		expect(stopped.get(closed!)).toMatchObject({cause: 'Admin-Reset'});
		expect(stopped.get(closed!)?.stoppedAt).toBeInstanceOf(Date);
	});
});
