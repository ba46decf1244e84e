/**
 * `radtop sessions --concurrent`, run as a script runs it, against a real database (PostgreSQL when
 * DATABASE_URL is set, else the embedded PGlite): the open sessions of users logged in more than once, as text
 * and as JSON with each user's open count and Simultaneous-Use, with the search and NAS filters, and the exit
 * code and line when nobody is.
 *
 * `npm test` builds dist/ first; run `npm run build` when running vitest on its own.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type pg from 'pg';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let dir: string;

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	const db = (database.pglite ?? database.pool) as unknown as pg.Pool;
	// On the embedded PGlite through its own instance: its socket serves one connection, the child's.
	const authorisation = `${FREERADIUS_AUTHORISATION_SQL};
		INSERT INTO radcheck (username, attribute, op, value) VALUES ('alice', 'Simultaneous-Use', ':=', '1')`;
	await (database.pglite ? database.pglite.exec(authorisation) : database.pool.query(authorisation));
	await insertSessions(db, [
		{username: 'alice', nasipaddress: '10.20.0.1', callingstationid: 'AA:BB:CC:00:00:01', startedAgo: 7200},
		{username: 'alice', nasipaddress: '10.20.0.2', callingstationid: 'CC:DD:EE:00:00:02', startedAgo: 600},
		{username: 'bob', nasipaddress: '10.20.0.1'},
		{username: 'bob', nasipaddress: '10.20.0.1', startedAgo: 9000, stoppedAgo: 8000},
		{username: 'carol', nasipaddress: '10.20.0.2', startedAgo: 300},
		{username: 'carol', nasipaddress: '10.20.0.2', startedAgo: 200},
	]);
	dir = mkdtempSync(join(tmpdir(), 'radtop-concurrent-'));
	writeFileSync(
		join(dir, 'config.json'),
		JSON.stringify({
			defaultProfile: 'noc',
			profiles: {noc: {database: database.url, nas: {'bng-2': {ip: '10.20.0.2', name: 'bng-2'}}}},
		}),
		{mode: 0o600},
	);
}, 60_000);

afterAll(async () => {
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

function sessions(args: readonly string[]) {
	return runCli(['sessions', ...args], {env: {RADTOP_CONFIG_DIR: dir}, timeoutMs: 60_000});
}

interface JsonSession {
	readonly username: string;
	readonly nas: string;
	readonly user_open_sessions: number | null;
	readonly simultaneous_use: number | null;
}

describe('radtop sessions --concurrent', () => {
	it('lists the open sessions of users with more than one, by user, and says so', async () => {
		const run = await sessions(['--concurrent']);
		expect(run.code, run.stderr).toBe(0);
		const lines = run.stdout.trimEnd().split('\n');
		const users = lines.slice(1, -1).map((line) => line.split(/\s+/)[0]);
		expect(users).toEqual(['alice', 'alice', 'carol', 'carol']);
		expect(lines.at(-1)).toBe('4 of 4 active sessions of users with more than one open session');
		expect(run.stdout).not.toMatch(/^bob/m);
	});

	it('--json: the same set, each with its user’s open sessions and Simultaneous-Use when known', async () => {
		const run = await sessions(['--concurrent', '--json']);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout) as {total: number; sessions: JsonSession[]};
		expect(result.total).toBe(4);
		expect(result.sessions.map((s) => [s.username, s.user_open_sessions, s.simultaneous_use])).toEqual([
			['alice', 2, 1],
			['alice', 2, 1],
			['carol', 2, null],
			['carol', 2, null],
		]);
	});

	it('every --json session carries the count, 1 for a user logged in once', async () => {
		const run = await sessions(['--json', '--sort', 'user']);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout) as {sessions: JsonSession[]};
		expect(result.sessions.map((s) => [s.username, s.user_open_sessions])).toEqual([
			['alice', 2],
			['alice', 2],
			['bob', 1],
			['carol', 2],
			['carol', 2],
		]);
	});

	it('combines with --nas and --search', async () => {
		const run = await sessions(['--concurrent', '--nas', 'bng-2', '--json']);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout) as {sessions: JsonSession[]};
		expect(result.sessions.map((s) => `${s.username}@${s.nas}`)).toEqual(['alice@bng-2', 'carol@bng-2', 'carol@bng-2']);
		const searched = await sessions(['--concurrent', '--nas', 'bng-2', '--search', 'ali']);
		expect(searched.code, searched.stderr).toBe(0);
		expect(searched.stdout.trimEnd().split('\n').at(-1)).toBe('1 of 1 active session of users with more than one open session');
	});

	it('nothing matched: the line says so and the exit code is 0, as for any listing that matches nothing', async () => {
		const text = await sessions(['--concurrent', '--search', 'bob']);
		expect(text.code, text.stderr).toBe(0);
		expect(text.stdout).toBe('no user has more than one open session among the sessions matching the filters\n');
		const json = await sessions(['--concurrent', '--search', 'bob', '--json']);
		expect(json.code, json.stderr).toBe(0);
		expect(JSON.parse(json.stdout)).toEqual({total: 0, capped: false, sessions: []});
	});

	it('--concurrent with closed sessions is a usage error (exit 2)', async () => {
		const run = await sessions(['--concurrent', '--status', 'closed']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('--concurrent lists open sessions');
	});
});
