/**
 * The search grammar against a real radacct (PostgreSQL with DATABASE_URL, else PGlite): exact addresses,
 * CIDRs, IPv6 prefixes, MACs only when MAC-like, negation, and `at:` at the edges of a session's interval.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {SessionFilter} from '../../source/sessions/session.js';
import {runCli} from '../helpers/cli.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let source: SessionSource;
let closedStart: Date;
let closedStop: Date;

beforeAll(async () => {
	database = await createTestDatabase();
	await insertSessions(database.pool, [
		{username: 'two', framedipaddress: '100.99.0.2', callingstationid: 'DC:2C:6E:10:22:02', nasipaddress: '10.20.0.1', startedAgo: 600},
		{username: 'twenty', framedipaddress: '100.99.0.20', callingstationid: 'dc2c.6e10.2220', nasipaddress: '10.20.0.2'},
		{username: 'twentyone', framedipaddress: '100.99.0.21', callingstationid: 'dc-2c-6e-10-22-21', nasipaddress: '10.20.0.2'},
		{username: 'outside', framedipaddress: '198.51.100.7', callingstationid: 'AA:BB:CC:00:00:07'},
		{username: 'abe', framedipaddress: '100.64.9.9', callingstationid: '00:AB:E0:00:00:01'},
		{username: 'v6', framedipaddress: null, callingstationid: '02:00:00:00:00:06'},
		{username: 'gone', framedipaddress: '100.99.0.2', startedAgo: 7200, stoppedAgo: 3600, acctterminatecause: 'Admin-Reset'},
	]);
	await database.pool.query(
		"UPDATE radacct SET framedipv6prefix = '2001:db8:1::/64', delegatedipv6prefix = '2001:db8:ff00::/56' WHERE username = 'v6'",
	);
	// Whole seconds, so the interval's edges are instants a Date can name exactly.
	await database.pool.query(
		"UPDATE radacct SET acctstarttime = date_trunc('second', acctstarttime), acctstoptime = date_trunc('second', acctstoptime) WHERE username = 'gone'",
	);
	const {rows} = await database.pool.query("SELECT acctstarttime, acctstoptime FROM radacct WHERE username = 'gone'");
	closedStart = rows[0].acctstarttime as Date;
	closedStop = rows[0].acctstoptime as Date;
	source = await SessionSource.open(database.pool, {nasOverrides: [{ip: '10.20.0.2', name: 'bng-2'}]});
});

afterAll(async () => {
	await database?.close();
});

async function users(search: string, status: SessionFilter['status'] = 'active'): Promise<string[]> {
	const page = await source.list({status, search}, {key: 'user', direction: 'asc'}, {limit: 50});
	return page.rows.map((session) => session.username ?? '');
}

describe('searching a real radacct', () => {
	it('an exact IPv4 finds that address alone, not .20 and .21', async () => {
		expect(await users('100.99.0.2')).toEqual(['two']);
		expect(await users('ip:100.99.0.2')).toEqual(['two']);
		expect(await users('100.99.0.')).toEqual(['twenty', 'twentyone', 'two']);
	});

	it('a CIDR finds what it contains', async () => {
		expect(await users('100.64.0.0/10')).toEqual(['abe', 'twenty', 'twentyone', 'two']);
		expect(await users('ip:100.99.0.16/28')).toEqual(['twenty', 'twentyone']);
	});

	it('an IPv6 address is found inside the framed or the delegated prefix', async () => {
		expect(await users('2001:db8:1::42')).toEqual(['v6']);
		expect(await users('2001:DB8:FF00:12::1')).toEqual(['v6']);
		expect(await users('2001:db8::/32')).toEqual(['v6']);
		expect(await users('2001:db8:2::1')).toEqual([]);
	});

	it('MAC digits match only a MAC-like term; a hex-looking word is a username', async () => {
		expect(await users('dc:2c:6e:10:22:2')).toEqual(['twenty', 'twentyone']);
		expect(await users('DC2C6E102202')).toEqual(['two']);
		// "abe" is in 00:AB:E0:..'s digits, but it is a word: the username abe only.
		expect(await users('abe')).toEqual(['abe']);
		expect(await users('mac:abe0')).toEqual(['abe']);
	});

	it('negates a term, a NAS by name included', async () => {
		expect(await users('100.99.0. -nas:bng-2')).toEqual(['two']);
		expect(await users('!user:=two 100.99.0.')).toEqual(['twenty', 'twentyone']);
	});

	it('a search of nas: terms alone gives the same sessions in the same order, newest first and paged', async () => {
		expect(await users('-nas:bng-2')).toEqual(['abe', 'outside', 'two', 'v6']);
		expect(await users('nas:bng-2')).toEqual(['twenty', 'twentyone']);
		const newest = {key: 'start', direction: 'desc'} as const;
		const first = await source.list({status: 'active', search: '-nas:bng-2'}, newest, {limit: 3});
		const rest = await source.list({status: 'active', search: '-nas:bng-2'}, newest, {limit: 3, after: first.next!});
		const all = await source.list({status: 'active', search: 'nas:10.20.0.1'}, newest, {limit: 50});
		expect([...first.rows, ...rest.rows].map((session) => session.radacctid)).toEqual(all.rows.map((session) => session.radacctid));
		expect(all.rows[0]!.username).toBe('two');
	});

	it('at: finds who was online at an instant, open and closed, at the edges of the interval', async () => {
		const iso = (date: Date) => date.toISOString();
		// 100.99.0.2 was gone's from its start until its stop an hour ago, and has been two's for ten minutes.
		expect(await users(`100.99.0.2 at:${iso(closedStart)}`)).toEqual(['gone']);
		expect(await users(`100.99.0.2 at:${iso(new Date(closedStop.getTime() - 1))}`)).toEqual(['gone']);
		// Stopped at the instant: no longer online then.
		expect(await users(`100.99.0.2 at:${iso(closedStop)}`)).toEqual([]);
		expect(await users(`100.99.0.2 at:${iso(new Date(closedStart.getTime() - 1000))}`)).toEqual([]);
		expect(await users('100.99.0.2 at:5m')).toEqual(['two']);
		expect(await users('cause:=admin-reset', 'all')).toEqual(['gone']);
	});

	// The CLI in a child process needs a second connection, which the embedded database (one socket) cannot give.
	it.runIf(Boolean(process.env['DATABASE_URL']))(
		'sessions --search "ip:X at:T" answers with the whole interval, and says when T is before the oldest row',
		async () => {
			const at = new Date(closedStart.getTime() + 1000).toISOString();
			const run = await runCli(['sessions', '--db', database.url, '--search', `ip:100.99.0.2 at:${at}`, '--utc']);
			expect(run.code).toBe(0);
			const [head, row, footer] = run.stdout.trim().split('\n');
			expect(head).toMatch(/USER +NAS +FRAMED IP +MAC +SESSION ID +START +STOP +DURATION/);
			expect(row).toMatch(/^gone +10\.20\.0\.1 +100\.99\.0\.2 /);
			expect(row).toContain(closedStop.toISOString().slice(0, 19).replace('T', ' '));
			expect(footer).toMatch(/^1 of 1 session open at /);
			const json = await runCli(['sessions', '--db', database.url, '--search', `ip:100.99.0.2 at:${at}`, '--json']);
			const sessions = (JSON.parse(json.stdout) as {sessions: Array<{username: string; acctstoptime: string}>}).sessions;
			expect(sessions.map((session) => [session.username, session.acctstoptime])).toEqual([['gone', closedStop.toISOString()]]);
			const history = await runCli(['sessions', '--db', database.url, '--user', 'gone', '--status', 'all']);
			expect(history.stdout.split('\n')[0]).toMatch(/ STOP .* STATUS +CAUSE$/);
			expect(history.stdout).toMatch(/^gone .* offline +Admin-Reset$/m);
			// Exactly that user: "two" and "twenty" share no more than a prefix with it, and a quote cannot break out.
			expect((await runCli(['sessions', '--db', database.url, '--user', 'tw', '--status', 'all'])).stdout).toMatch(
				/^no sessions match/,
			);
			expect((await runCli(['sessions', '--db', database.url, '--user', 'x" -user:"', '--status', 'all'])).stdout).toMatch(
				/^no sessions match/,
			);
			const early = await runCli(['sessions', '--db', database.url, '--at', '2001-01-01T00:00Z']);
			expect(early.stderr).toContain('is before the oldest session in radacct');
		},
	);
});
