/**
 * `radtop sessions --status stale` (the built CLI in a child process) lists exactly the open sessions the
 * console's stale view shows: the console's view read the way the console reads it (openContext with the same
 * profile and flags, then its SessionSource with the view's filter), with the threshold from the profile's
 * stale-after, or from --stale-after on both.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openContext} from '../../source/commands/context.js';
import {viewFilter} from '../../source/ui/state.js';
import {assertBuilt, cliEnv, runCli} from '../helpers/cli.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const PROFILE = 'noc';

let database: TestDatabase;
let dir: string;
let configDir: string;
let ids: Record<string, string>;

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	dir = mkdtempSync(join(tmpdir(), 'radtop-sessions-stale-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	// The profile's stale-after: 20 minutes for a NAS that reports no interim interval.
	writeFileSync(join(configDir, 'config.json'), `${JSON.stringify({profiles: {[PROFILE]: {staleAfter: 1200}}}, null, '\t')}\n`, {
		mode: 0o600,
	});
	const sessions = [
		// 2 x the 300 s interval is the rule when the NAS reports one.
		{username: 'interval-stale', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 700, acctinterval: 300},
		{username: 'interval-fresh', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 500, acctinterval: 300},
		// No interval: the profile's 20 minutes (stale), not the default 30.
		{username: 'quiet-25m', nasipaddress: '10.20.0.2', startedAgo: 9000, updatedAgo: 1500},
		{username: 'quiet-15m', nasipaddress: '10.20.0.2', startedAgo: 9000, updatedAgo: 900},
		{username: 'never-updated', nasipaddress: '10.20.0.2', startedAgo: 4000, updatedAgo: null},
		{username: 'fresh', nasipaddress: '10.20.0.1', startedAgo: 600, updatedAgo: 30},
		{username: 'closed-long-ago', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 8000, stoppedAgo: 8000},
	];
	// With the embedded database, PGlite serves one socket connection, the CLI's (and then the console's): this
	// process writes to the PGlite instance directly.
	const inserted = await insertSessions((database.pglite ?? database.pool) as unknown as pg.Pool, sessions);
	ids = Object.fromEntries(sessions.map((session, index) => [session.username, inserted[index]!]));
});

afterAll(async () => {
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

const env = () => ({RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')});

/** The radacctids of `radtop sessions --status stale --json` with `flags`. */
async function cliStale(flags: readonly string[]): Promise<string[]> {
	const run = await runCli(['sessions', '--status', 'stale', '--json', '--db', database.url, '--profile', PROFILE, ...flags], {
		env: env(),
	});
	expect(run.stderr).toBe('');
	expect(run.code).toBe(0);
	const output = JSON.parse(run.stdout) as {total: number; sessions: Array<{radacctid: string; state: string}>};
	expect(output.total).toBe(output.sessions.length);
	for (const session of output.sessions) expect(session.state).toBe('stale');
	return output.sessions.map((session) => session.radacctid);
}

/** The radacctids of the console's stale view, opened as the console opens it (with --stale-after when given). */
async function consoleStale(staleAfterSeconds?: number): Promise<string[]> {
	const context = await openContext({db: database.url, profile: PROFILE}, {env: cliEnv(env()), staleAfterSeconds});
	try {
		const query = {status: 'stale' as const, search: '', nas: null, sort: {key: 'start' as const, direction: 'desc' as const}};
		const page = await context.source.list(viewFilter(query), query.sort, {limit: 100, offset: 0});
		return page.rows.map((session) => session.radacctid);
	} finally {
		await context.close();
	}
}

describe('radtop sessions --status stale', () => {
	it("lists exactly the console's stale view, by the profile's stale-after", async () => {
		const cli = await cliStale([]);
		expect(cli.sort()).toEqual([ids['interval-stale'], ids['quiet-25m'], ids['never-updated']].sort());
		expect(cli).toEqual((await consoleStale()).sort());
	});

	it('with --stale-after, as the console given the same flag', async () => {
		const cli = await cliStale(['--stale-after', '10m']);
		expect(cli.sort()).toEqual([ids['interval-stale'], ids['quiet-25m'], ids['quiet-15m'], ids['never-updated']].sort());
		expect(cli).toEqual((await consoleStale(600)).sort());
	});

	it('as a table: the stale marker, no STOP column, and the footer says stale', async () => {
		const run = await runCli(['sessions', '--status', 'stale', '--db', database.url, '--profile', PROFILE], {env: env()});
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('interval-stale');
		expect(run.stdout).not.toContain('interval-fresh');
		expect(run.stdout).not.toContain('closed-long-ago');
		expect(run.stdout).not.toMatch(/\bSTOP\b/);
		expect(run.stdout.trim().split('\n').at(-1)).toBe('3 of 3 stale sessions');
	});
});
