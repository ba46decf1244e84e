/**
 * `radtop user NAME` run as a user runs it, against a real database (PostgreSQL when DATABASE_URL is set, else
 * the embedded PGlite): the text view and --json, a password in radcheck and a pass in radpostauth that reach
 * neither, a hostile reply message sanitised, a user with no trace (exit 0, the view printed), usage errors.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type pg from 'pg';
import {FREERADIUS_AUTHORISATION_SQL, FREERADIUS_POSTAUTH_SQL} from '../../source/db/freeradius-schema.js';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const PASSWORD = 'radcheck-cli-pw-4e4e';
const PASS = 'postauth-cli-pass-9f9f';
let db: TestDatabase;

function exec(sql: string): Promise<unknown> {
	return db.pglite ? db.pglite.exec(sql) : db.pool.query(sql);
}

const user = (...args: string[]) => runCli(['user', ...args, '--db', db.url], {timeoutMs: 60_000});

beforeAll(async () => {
	assertBuilt();
	db = await createTestDatabase();
	await exec(FREERADIUS_AUTHORISATION_SQL);
	await exec(FREERADIUS_POSTAUTH_SQL);
	await exec(`
		ALTER TABLE radpostauth ADD COLUMN replymessage text;
		INSERT INTO radcheck (username, attribute, op, value) VALUES
			('dave', 'Cleartext-Password', ':=', '${PASSWORD}'), ('dave', 'MD5-Password', ':=', '${PASSWORD}'),
			('dave', 'Expiration', ':=', '01 Nov 2026'), ('eve', 'User-Password', '==', '${PASSWORD}');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('dave', 'dsl-20', 1);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES ('dsl-20', 'Session-Timeout', '=', '3600');
		INSERT INTO radpostauth (username, pass, reply, replymessage, calledstationid, callingstationid, authdate) VALUES
			('dave', '${PASS}', 'Access-Reject', 'Password Has Expired', 'bng-3', 'AA:BB:CC:00:00:04', now() - interval '4 minutes'),
			('dave', '${PASS}', 'Access-Reject', E'evil\\u001b]0;owned\\u0007', 'bng-3', 'AA:BB:CC:00:00:04', now() - interval '2 minutes');
	`);
	await insertSessions((db.pglite ?? db.pool) as unknown as pg.Pool, [
		{username: 'eve', startedAgo: 600, framedipaddress: '100.64.7.7'},
		{username: 'dave', startedAgo: 90_000, stoppedAgo: 80_000, acctterminatecause: 'Session-Timeout'},
	]);
}, 120_000);

afterAll(async () => {
	await db?.close();
});

describe('radtop user', () => {
	it('prints the verdict, attempts, check items and sessions; no password, no pass', async () => {
		const run = await user('dave');
		expect(run.code, run.stderr).toBe(0);
		const lines = run.stdout.split('\n');
		expect(lines[0]).toBe('user dave');
		expect(lines[1]).toBe('expired 2026-11-01 (Expiration in radcheck)');
		expect(run.stdout).toContain('  Cleartext-Password (set)');
		expect(run.stdout).toContain('  MD5-Password (set)');
		expect(run.stdout).toContain('  Expiration := 01 Nov 2026');
		expect(run.stdout).toMatch(/Access-Reject {2}bng-3 {2}AA:BB:CC:00:00:04 {2}Password Has Expired/);
		// The escape sequence in a reply message is shown, not sent to the terminal.
		expect(run.stdout).toContain('evil\\x1b]0;owned\\x07');
		expect(run.stdout).not.toContain('\u001b');
		expect(run.stdout).toMatch(/Session-Timeout = 3600 +dsl-20/);
		expect(run.stdout).toContain('Session-Timeout');
		expect(run.stdout + run.stderr).not.toContain(PASSWORD);
		expect(run.stdout + run.stderr).not.toContain(PASS);
	});

	it('--json: the same facts, a password as set with no value', async () => {
		const run = await user('dave', '--json', '--attempts', '1');
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).not.toContain(PASSWORD);
		expect(run.stdout).not.toContain(PASS);
		const record = JSON.parse(run.stdout) as Record<string, unknown>;
		expect(record['verdict']).toBe('expired 2026-11-01 (Expiration in radcheck)');
		expect(record['checks']).toEqual([
			{attribute: 'Cleartext-Password', op: ':=', value: null, set: true},
			{attribute: 'MD5-Password', op: ':=', value: null, set: true},
			{attribute: 'Expiration', op: ':=', value: '01 Nov 2026'},
		]);
		expect(record['attempts']).toEqual([
			{
				at: expect.any(String),
				reply: 'Access-Reject',
				message: 'evil\u001b]0;owned\u0007',
				nas: 'bng-3',
				calledStationId: 'bng-3',
				callingStationId: 'AA:BB:CC:00:00:04',
				class: null,
			},
		]);
		expect(record['sessions']).toMatchObject([{cause: 'Session-Timeout', nas: '10.20.0.1'}]);
	});

	it('an online user: the verdict says where and since when', async () => {
		const run = await user('eve');
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout.split('\n')[1]).toMatch(/^online on 10\.20\.0\.1 since (\d\d-\d\d )?\d\d:\d\d$/);
		expect(run.stdout).toMatch(/10\.20\.0\.1 {2}100\.64\.7\.7 {2}AA:BB:CC:00:00:01/);
		expect(run.stdout).toContain('  User-Password (set)');
		expect(run.stdout).not.toContain(PASSWORD);
	});

	it('a user with no trace: exit 0, the view says so', async () => {
		const run = await user('nobody');
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain("no radcheck entry: unknown to FreeRADIUS's SQL (another module may know the user)");
		expect(run.stdout).toContain('no trace: no session, no authentication attempt, no row in the authorisation tables');
		const json = await user('nobody', '--json');
		expect(json.code).toBe(0);
		expect(JSON.parse(json.stdout)).toMatchObject({trace: false, online: {count: 0}, attempts: [], checks: []});
	});

	it('usage errors: exit 2, one line, nothing opened', async () => {
		const bad = await runCli(['user', 'dave', '--attempts', '0']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/attempts/);
		const none = await runCli(['user']);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain('radtop user needs a username');
		const two = await runCli(['user', 'a', 'b']);
		expect(two.code).toBe(2);
		const unknown = await runCli(['user', 'dave', '--attempt', '3']);
		expect(unknown.code).toBe(2);
		const help = await runCli(['help', 'user']);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('radtop user NAME');
	});

	it('the demo: a disabled user, an expired one, rejects with their reply messages, no password', async () => {
		// The first demo start on a machine builds the embedded network (tens of seconds); later ones copy it.
		const disabled = await runCli(['user', '--demo', 'disabled.user'], {timeoutMs: 170_000});
		expect(disabled.code, disabled.stderr).toBe(0);
		expect(disabled.stdout.split('\n')[1]).toBe('rejected: Auth-Type := Reject in radcheck');
		expect(disabled.stdout).toMatch(/Access-Reject +pppoe-bng-\d +5C:E2:8C:00:0D:15 +Account disabled: unpaid invoice/);
		expect(disabled.stdout).toContain('  Cleartext-Password (set)');
		expect(disabled.stdout).not.toContain('disabled-users-password');
		const expired = await runCli(['user', '--demo', 'expired.user', '--json'], {timeoutMs: 170_000});
		expect(expired.code, expired.stderr).toBe(0);
		expect(expired.stdout).not.toContain('expired-users-password');
		const record = JSON.parse(expired.stdout) as {verdict: string; attempts: Array<{message: string; at: string}>};
		// The attempts move with the demo's sessions: minutes old whenever the demo starts.
		expect(Date.now() - Date.parse(record.attempts[0]!.at)).toBeLessThan(3_600_000);
		expect(record.verdict).toMatch(/^expired \d{4}-\d{2}-\d{2} \(Expiration in radcheck\)$/);
		expect(record.attempts[0]!.message).toBe('Password Has Expired');
	}, 200_000);
});
