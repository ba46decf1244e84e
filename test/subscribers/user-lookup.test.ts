/**
 * One user read as `radtop user` reads it, against a real database (PostgreSQL when DATABASE_URL is set, else
 * the embedded PGlite): the check items with password attributes never fetched, radpostauth's pass never
 * named, groups and the reply by precedence, open and closed sessions, the verdicts; missing tables, an
 * older radpostauth without the newer columns, and a user with no trace.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL, FREERADIUS_POSTAUTH_SQL} from '../../source/db/freeradius-schema.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {lookUpUser} from '../../source/subscribers/user-lookup.js';
import {findingsOf, hasNoTrace} from '../../source/subscribers/user-verdict.js';
import {userLines, userRecord} from '../../source/subscribers/user-view.js';
import {recording} from '../helpers/recording-db.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const SECRETS = ['radcheck-pw-91c2', 'nt-hash-7d41aa', 'header-pw-33e0', 'ssha-pw-5b5b', 'crypt-pw-aa01', 'postauth-pass-6c6c'];

let db: TestDatabase;
let bare: TestDatabase;

function expectNoSecret(text: string): void {
	for (const secret of SECRETS) expect(text).not.toContain(secret);
}

beforeAll(async () => {
	db = await createTestDatabase();
	await db.pool.query(FREERADIUS_AUTHORISATION_SQL);
	await db.pool.query(FREERADIUS_POSTAUTH_SQL);
	await db.pool.query(`
		INSERT INTO radcheck (username, attribute, op, value) VALUES
			('alice', 'Cleartext-Password', ':=', '${SECRETS[0]}'),
			('alice', 'NT-Password', ':=', '${SECRETS[1]}'),
			('alice', 'Password-With-Header', ':=', '${SECRETS[2]}'),
			('alice', 'SSHA2-512-Password', ':=', '${SECRETS[3]}'),
			('alice', 'crypt-password', ':=', '${SECRETS[4]}'),
			('alice', 'Auth-Type', ':=', 'Reject'),
			('alice', 'Simultaneous-Use', ':=', '1'),
			('erin', 'Cleartext-Password', ':=', '${SECRETS[0]}'),
			('erin', 'Expiration', ':=', '01 Nov 2026'),
			('bob', 'Cleartext-Password', ':=', '${SECRETS[0]}');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'fiber-100', 5), ('alice', 'business', 1), ('bob', 'fiber-100', 1);
		INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES ('fiber-100', 'Simultaneous-Use', ':=', '2'), ('business', 'Login-Time', ':=', 'Wk0800-1800');
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
			('business', 'Mikrotik-Rate-Limit', '=', '500M/500M'),
			('fiber-100', 'Mikrotik-Rate-Limit', '=', '100M/100M'),
			('fiber-100', 'Session-Timeout', '=', '86400');
		INSERT INTO radreply (username, attribute, op, value) VALUES ('alice', 'Framed-IP-Address', '=', '100.64.9.9');
		INSERT INTO radpostauth (username, pass, reply, calledstationid, callingstationid, authdate) VALUES
			('alice', '${SECRETS[5]}', 'Access-Accept', 'bng-1', 'AA:BB:CC:00:00:01', now() - interval '2 hours'),
			('alice', '${SECRETS[5]}', 'Access-Reject', 'bng-1', 'AA:BB:CC:00:00:01', now() - interval '10 minutes'),
			('alice', '${SECRETS[5]}', 'Access-Reject', 'bng-1', 'AA:BB:CC:00:00:01', now() - interval '5 minutes'),
			('alice', '${SECRETS[5]}', 'Access-Reject', 'bng-1', 'AA:BB:CC:00:00:01', now() - interval '3 minutes'),
			('bob', '${SECRETS[5]}', 'Access-Reject', 'bng-2', 'AA:BB:CC:00:00:02', now() - interval '20 minutes'),
			('bob', NULL, 'Access-Accept', 'bng-2', 'AA:BB:CC:00:00:02', now() - interval '19 minutes');
	`);
	await insertSessions(db.pool, [
		{username: 'bob', startedAgo: 1100, nasipaddress: '10.20.0.2', framedipaddress: '100.64.0.2'},
		{username: 'bob', startedAgo: 90_000, stoppedAgo: 80_000, acctterminatecause: 'Lost-Carrier'},
		{username: 'alice', startedAgo: 200_000, stoppedAgo: 190_000, acctterminatecause: 'User-Request'},
	]);
	bare = await createTestDatabase();
	await bare.pool.query(`
		CREATE TABLE radpostauth (id bigserial PRIMARY KEY, username text NOT NULL, pass text, reply text,
			authdate timestamp with time zone NOT NULL DEFAULT now());
		INSERT INTO radpostauth (username, pass, reply, authdate) VALUES ('carol', '${SECRETS[5]}', 'Access-Reject', now() - interval '1 minute');
	`);
});

afterAll(async () => {
	await db?.close();
	await bare?.close();
});

describe('radtop user: one user from the FreeRADIUS tables', () => {
	it('reads the check items without ever fetching a password value, and explains the reject', async () => {
		const spy = recording(db.pool);
		const source = await SessionSource.open(spy.db);
		const report = await lookUpUser(spy.db, source, 'alice', {attempts: 10});
		// No statement names radpostauth's pass column, and no row any statement returned holds a secret.
		for (const statement of spy.statements) expect(statement).not.toMatch(/\bpass\b/i);
		expectNoSecret(JSON.stringify(spy.seen));
		expect(report.attributes.checks.map((pair) => [pair.attribute, pair.secret, pair.value])).toEqual([
			['Cleartext-Password', true, ''],
			['NT-Password', true, ''],
			['Password-With-Header', true, ''],
			['SSHA2-512-Password', true, ''],
			['crypt-password', true, ''],
			['Auth-Type', false, 'Reject'],
			['Simultaneous-Use', false, '1'],
		]);
		const text = userLines(report).map((line) => line.text);
		expect(text[0]).toBe('rejected: Auth-Type := Reject in radcheck');
		expect(text).toContain('  Cleartext-Password (set)');
		expect(text).toContain('  NT-Password (set)');
		expect(text).toContain('  Auth-Type := Reject');
		expectNoSecret(text.join('\n'));
		const record = JSON.stringify(userRecord(report));
		expectNoSecret(record);
		expect(record).toContain('{"attribute":"NT-Password","op":":=","value":null,"set":true}');
		expect(record).not.toMatch(/"pass"/);
		// The groups by priority; the business group's rate limit is set first, fiber-100's `=` keeps it.
		expect(report.attributes.groups).toEqual([
			{name: 'business', priority: 1},
			{name: 'fiber-100', priority: 5},
		]);
		expect(report.attributes.replies.map((pair) => `${pair.attribute} ${pair.op} ${pair.value} <${pair.from}>`)).toEqual([
			'Framed-IP-Address = 100.64.9.9 <radreply>',
			'Mikrotik-Rate-Limit = 500M/500M <business>',
			'Session-Timeout = 86400 <fiber-100>',
		]);
		expect(report.attributes.groupChecks.map((pair) => `${pair.from}: ${pair.attribute}`)).toEqual([
			'business: Login-Time',
			'fiber-100: Simultaneous-Use',
		]);
		// Newest attempt first; three rejects in a row since the last accept.
		expect(report.attempts!.map((attempt) => attempt.reply)).toEqual([
			'Access-Reject',
			'Access-Reject',
			'Access-Reject',
			'Access-Accept',
		]);
		expect(report.attempts![0]!.nas).toBe('bng-1');
		const kinds = findingsOf(report).map((finding) => finding.kind);
		expect(kinds).toEqual(['reject-rule', 'rejects', 'login-time']);
		expect(findingsOf(report)[1]!.text).toMatch(/^last 3 attempts rejected \(last 3m ago\)$/);
		expect(report.history.map((session) => session.acctterminatecause)).toEqual(['User-Request']);
	});

	it('says an online user is online, with the session, and the expiry of another', async () => {
		const source = await SessionSource.open(db.pool);
		const bob = await lookUpUser(db.pool, source, 'bob');
		expect(bob.openCount).toBe(1);
		expect(bob.open[0]!.framedipaddress).toBe('100.64.0.2');
		expect(findingsOf(bob)[0]!.text).toMatch(/^online on 10\.20\.0\.2 since \d\d:\d\d$/);
		expect(bob.history.map((session) => session.acctterminatecause)).toEqual(['Lost-Carrier']);
		const erin = await lookUpUser(db.pool, source, 'erin');
		expect(findingsOf(erin)[0]!.text).toBe('expired 2026-11-01 (Expiration in radcheck)');
		expect(hasNoTrace(erin)).toBe(false);
	});

	it('finds no trace of an unknown user, and says so without an error', async () => {
		const source = await SessionSource.open(db.pool);
		const report = await lookUpUser(db.pool, source, "o'brien\u001b[31m");
		expect(hasNoTrace(report)).toBe(true);
		expect(findingsOf(report)[0]!.kind).toBe('no-radcheck');
		expect(userRecord(report)['trace']).toBe(false);
	});

	it('skips missing tables with a note and reads an older radpostauth without its newer columns', async () => {
		const spy = recording(bare.pool);
		const source = await SessionSource.open(spy.db);
		const report = await lookUpUser(spy.db, source, 'carol');
		expect(report.tables.size).toBe(0);
		expect(report.notes).toContain('there is no radcheck table');
		expect(report.attempts).toEqual([
			{
				at: expect.any(Date),
				reply: 'Access-Reject',
				message: null,
				nas: null,
				calledStationId: null,
				callingStationId: null,
				class: null,
			},
		]);
		expectNoSecret(JSON.stringify(spy.seen));
		for (const statement of spy.statements) expect(statement).not.toMatch(/\bpass\b/i);
		const text = userLines(report).map((line) => line.text);
		expect(text[0]).toMatch(/^last attempt rejected \(last 1m ago\)$/);
		expect(text).toContain('check items: radcheck not read');
		expectNoSecret(text.join('\n'));
		await bare.pool.query('ALTER TABLE radpostauth RENAME TO radpostauth_old');
		try {
			const without = await lookUpUser(bare.pool, source, 'carol');
			expect(without.attempts).toBeNull();
			expect(without.notes).toContain('there is no radpostauth table: no authentication attempts');
		} finally {
			await bare.pool.query('ALTER TABLE radpostauth_old RENAME TO radpostauth');
		}
	});

	it('reads radpostauth with a grant on its columns but pass, and skips it when the role may not read it', async () => {
		const role = `radtop_user_ro_${process.pid}`;
		await db.pool.query(`CREATE ROLE ${role}`);
		await db.pool.query(`GRANT SELECT ON radacct, nas, radcheck, radreply, radusergroup, radgroupcheck, radgroupreply TO ${role}`);
		await db.pool.query(`GRANT SELECT (id, username, reply, authdate, calledstationid, callingstationid) ON radpostauth TO ${role}`);
		const client = await db.pool.connect();
		try {
			await client.query(`SET ROLE ${role}`);
			const source = await SessionSource.open(client);
			// Were pass (or class) named, PostgreSQL would refuse the statement.
			const report = await lookUpUser(client, source, 'alice');
			expect(report.attempts!.map((attempt) => attempt.reply)).toEqual([
				'Access-Reject',
				'Access-Reject',
				'Access-Reject',
				'Access-Accept',
			]);
			expect(report.attempts![0]!.class).toBeNull();
			expect(report.notes).toEqual([]);
			await client.query('RESET ROLE');
			await client.query(`REVOKE ALL ON radpostauth FROM ${role}`);
			await client.query(`SET ROLE ${role}`);
			const without = await lookUpUser(client, source, 'alice');
			expect(without.attempts).toBeNull();
			expect(without.notes).toEqual(['radpostauth may not be read by this database role: no authentication attempts']);
			expect(findingsOf(without)[0]!.kind).toBe('reject-rule');
		} finally {
			await client.query('RESET ROLE');
			client.release();
			await db.pool.query(
				`REVOKE ALL ON radacct, nas, radcheck, radreply, radusergroup, radgroupcheck, radgroupreply, radpostauth FROM ${role}; DROP ROLE ${role}`,
			);
		}
	});
});
