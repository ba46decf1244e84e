/**
 * `radtop sessions`, `export` and `sweep` over a profile that lists two sites (the built CLI in a child process,
 * two real databases: PostgreSQL when DATABASE_URL is set, else PGlite): without --site sessions merges both in
 * the order asked for, with a SITE column (and `site` in JSON); --site reads one site; an unknown site is a usage
 * error naming the sites; export writes the sites one after the other; sweep goes through each site in turn.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let east: TestDatabase;
let west: TestDatabase;
let dir: string;
let configDir: string;

/** With PGlite the child process takes each database's one connection: this process writes to PGlite itself. */
const writer = (db: TestDatabase) => (db.pglite ?? db.pool) as unknown as pg.Pool;

beforeAll(async () => {
	assertBuilt();
	[east, west] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	await insertSessions(writer(east), [
		{username: 'alice', nasipaddress: '10.9.9.9', startedAgo: 100},
		{username: 'carol', nasipaddress: '10.9.9.9', startedAgo: 300},
	]);
	await insertSessions(writer(west), [{username: 'bob', nasipaddress: '10.9.9.9', startedAgo: 200}]);
	dir = mkdtempSync(join(tmpdir(), 'radtop-sites-cli-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	const sites = [
		{name: 'east', database: east.url},
		{name: 'west', database: west.url},
	];
	writeFileSync(join(configDir, 'config.json'), `${JSON.stringify({profiles: {two: {sites}}}, null, '\t')}\n`, {mode: 0o600});
});

afterAll(async () => {
	await Promise.all([east?.close(), west?.close()]);
	if (dir) rmSync(dir, {recursive: true, force: true});
});

const run = (args: readonly string[]) =>
	runCli([...args, '--profile', 'two'], {env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')}});

describe('commands over a profile with two sites', () => {
	it('sessions merges both sites in the order asked for, with a SITE column', async () => {
		const result = await run(['sessions']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const lines = result.stdout.trim().split('\n');
		expect(lines[0]).toMatch(/^SITE +USER +NAS/);
		expect(lines.slice(1, -1).map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual(['east alice', 'west bob', 'east carol']);
		expect(lines.at(-1)).toBe('3 of 3 active sessions');
	});

	it('sessions --json gives each session its site; --site reads one site alone', async () => {
		const all = JSON.parse((await run(['sessions', '--json'])).stdout) as {
			total: number;
			sessions: Array<{site: string; username: string}>;
		};
		expect(all.total).toBe(3);
		expect(all.sessions.map((session) => `${session.site}/${session.username}`)).toEqual(['east/alice', 'west/bob', 'east/carol']);
		const one = JSON.parse((await run(['sessions', '--json', '--site', 'west'])).stdout) as {
			total: number;
			sessions: Array<{username: string}>;
		};
		expect(one.total).toBe(1);
		expect(one.sessions.map((session) => session.username)).toEqual(['bob']);
	});

	it('an unknown --site is a usage error naming the sites', async () => {
		const result = await run(['sessions', '--site', 'north']);
		expect(result.code).toBe(2);
		expect(result.stderr).toBe('radtop: --site: no site "north" (sites: east, west)\n');
	});

	it('export writes every site, site by site, with a site column first; --site exports that site', async () => {
		const all = await run(['export', '--columns', 'username']);
		expect(all.stderr).toBe('');
		expect(all.code).toBe(0);
		expect(all.stdout.trim().split('\r\n')).toEqual(['site,username', 'east,alice', 'east,carol', 'west,bob']);
		const exported = await run(['export', '--site', 'east', '--columns', 'username']);
		expect(exported.code).toBe(0);
		expect(exported.stdout.trim().split('\r\n')).toEqual(['site,username', 'east,alice', 'east,carol']);
	});

	it('sweep goes through each site in turn', async () => {
		const result = await run(['sweep']);
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/radtop: site east\n[\s\S]*radtop: site west\n/);
	});
});
