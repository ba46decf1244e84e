/**
 * `radtop sessions --json` with the subscriber columns, run as a user runs it, against a real database
 * (PostgreSQL when DATABASE_URL is set, else the embedded PGlite): plan, limits, remaining and the billing
 * columns of a profile's billing query; a billing query that errors or sleeps past its timeout leaves empty
 * cells and one line on stderr; a radcheck password never reaches the output; `doctor` names skipped tables.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {assertBuilt, runCli} from '../helpers/cli.js';
import type pg from 'pg';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const PASSWORD = 'cleartext-never-printed-42';
let db: TestDatabase;
let configDir: string;

/** On the embedded PGlite through its own instance: its socket serves one connection, the child's. */
function exec(sql: string): Promise<unknown> {
	return db.pglite ? db.pglite.exec(sql) : db.pool.query(sql);
}

function profile(settings: Record<string, unknown>): void {
	writeFileSync(
		join(configDir, 'config.json'),
		JSON.stringify({defaultProfile: 'noc', profiles: {noc: {database: db.url, ...settings}}}),
		{mode: 0o600},
	);
}

async function sessionsJson(): Promise<{sessions: Array<{username: string; subscriber: Record<string, string>}>; stderr: string}> {
	const run = await runCli(['sessions', '--json', '--sort', 'user', '--order', 'asc'], {
		env: {RADTOP_CONFIG_DIR: configDir},
		timeoutMs: 60_000,
	});
	expect(run.code, run.stderr).toBe(0);
	expect(run.stdout + run.stderr).not.toContain(PASSWORD);
	return {...(JSON.parse(run.stdout) as {sessions: Array<{username: string; subscriber: Record<string, string>}>}), stderr: run.stderr};
}

beforeAll(async () => {
	assertBuilt();
	configDir = mkdtempSync(join(tmpdir(), 'radtop-subscriber-'));
	db = await createTestDatabase();
	await exec(FREERADIUS_AUTHORISATION_SQL);
	await exec(`
		CREATE TABLE subscribers (username text PRIMARY KEY, full_name text, service text, location text);
		INSERT INTO subscribers VALUES ('alice', 'Alice Liddell', 'Fiber 100', 'Oxford 1');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'fiber-100', 1), ('bob', 'dsl-20', 1);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
			('fiber-100', 'Session-Timeout', '=', '86400'), ('fiber-100', 'Mikrotik-Rate-Limit', '=', '100M/100M'),
			('dsl-20', 'Session-Timeout', '=', '3600');
		INSERT INTO radcheck (username, attribute, op, value) VALUES
			('alice', 'Cleartext-Password', ':=', '${PASSWORD}'), ('bob', 'Cleartext-Password', ':=', '${PASSWORD}');
	`);
	await insertSessions((db.pglite ?? db.pool) as unknown as pg.Pool, [
		{username: 'alice', startedAgo: 3600},
		{username: 'bob', startedAgo: 4320},
	]);
}, 120_000);

afterAll(async () => {
	await db?.close();
	if (configDir) rmSync(configDir, {recursive: true, force: true});
});

describe('radtop sessions --json: the subscriber behind each session', () => {
	it('shows plan, limits, remaining and the billing columns', async () => {
		profile({billingQuery: 'SELECT username, full_name, service, location FROM subscribers WHERE username = ANY ($1::text[])'});
		const {sessions, stderr} = await sessionsJson();
		expect(stderr).toBe('');
		expect(sessions.map((session) => session.username)).toEqual(['alice', 'bob']);
		expect(sessions[0]!.subscriber).toMatchObject({
			plan: 'fiber-100',
			session_timeout: '86400',
			rate_limit: '100M/100M',
			full_name: 'Alice Liddell',
			service: 'Fiber 100',
			location: 'Oxford 1',
			over_time: '',
		});
		expect(sessions[0]!.subscriber['remaining']).toMatch(/^2[23]h\d*m? \(9[56]%\)$/);
		expect(sessions[1]!.subscriber).toMatchObject({plan: 'dsl-20', over_time: 'yes', full_name: ''});
		expect(sessions[1]!.subscriber['remaining']).toMatch(/^over by 12m/);
	});

	it('a billing query that errors: empty billing cells, one line on stderr, the rest shown', async () => {
		profile({billingQuery: 'SELECT username, plan FROM no_such_billing WHERE username = ANY ($1::text[])'});
		const {sessions, stderr} = await sessionsJson();
		expect(stderr.trim().split('\n')).toEqual(['radtop: billing query failed: relation "no_such_billing" does not exist']);
		expect(sessions[0]!.subscriber['plan']).toBe('fiber-100');
		expect(sessions[0]!.subscriber['full_name']).toBeUndefined();
	});

	it('a billing query past its timeout: the sessions come back anyway', async () => {
		profile({
			billingQuery: 'SELECT username, pg_sleep(8)::text AS slept FROM subscribers WHERE username = ANY ($1::text[])',
			billingTimeout: 0.5,
		});
		const started = Date.now();
		const {sessions, stderr} = await sessionsJson();
		expect(stderr).toContain('billing query: no answer within 0.5 s');
		expect(sessions).toHaveLength(2);
		if (db.kind === 'postgresql') expect(Date.now() - started).toBeLessThan(6000);
	});

	it('doctor names a missing subscriber table, and the sessions still show', async () => {
		await exec('ALTER TABLE radgroupreply RENAME TO radgroupreply_gone');
		try {
			profile({});
			const doctor = await runCli(['doctor', '--no-nas'], {env: {RADTOP_CONFIG_DIR: configDir}, timeoutMs: 60_000});
			expect(doctor.stdout).toMatch(
				/warn\s+subscriber tables\s+reading radusergroup, radreply, radcheck, radgroupcheck; skipped: there is no radgroupreply table/,
			);
			const {sessions, stderr} = await sessionsJson();
			expect(stderr).toBe('');
			expect(sessions[0]!.subscriber).toMatchObject({plan: 'fiber-100', session_timeout: '', remaining: ''});
		} finally {
			await exec('ALTER TABLE radgroupreply_gone RENAME TO radgroupreply');
		}
	});
});
