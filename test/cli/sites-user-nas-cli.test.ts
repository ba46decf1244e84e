/**
 * `radtop user NAME` and `radtop nas list` over a profile that lists sites: the built CLI in a child process, two
 * real databases (PostgreSQL when DATABASE_URL is set, else PGlite) and a third site whose database cannot be
 * reached. 10.20.0.1 is bng-1 at north and hotspot-2 at south; alice is online at both, and only north has the
 * authorisation tables. The user view shows each site's own sessions and tables under its site; nas list has a
 * SITE column and lists the shared IP twice, by each site's name; a site that is down is one line, the others
 * shown, and its config's NAS are listed with a note.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {writer} from '../helpers/site-nas.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const SHARED_IP = '10.20.0.1';
const BNG_5 = '10.40.0.1';
/** A database nothing listens for. */
const DOWN = 'postgres://radtop@127.0.0.1:1/radius';

let north: TestDatabase;
let south: TestDatabase;
let dir: string;
let configDir: string;

beforeAll(async () => {
	assertBuilt();
	[north, south] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	const nas = (db: TestDatabase, ip: string, name: string) =>
		writer(db).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, $2, 'other', 'nas-Secret')`, [ip, name]);
	await nas(north, SHARED_IP, 'bng-1');
	await nas(south, SHARED_IP, 'hotspot-2');
	await nas(south, BNG_5, 'bng-5');
	await insertSessions(writer(north), [
		{username: 'alice', nasipaddress: SHARED_IP, framedipaddress: '100.64.1.1'},
		{username: 'carol', nasipaddress: SHARED_IP},
	]);
	await insertSessions(writer(south), [
		{username: 'alice', nasipaddress: SHARED_IP, framedipaddress: '100.66.2.2'},
		{username: 'alice', nasipaddress: BNG_5, startedAgo: 90_000, stoppedAgo: 80_000, acctterminatecause: 'Lost-Carrier'},
	]);
	const authorisation = writer(north);
	await authorisation.query(FREERADIUS_AUTHORISATION_SQL);
	await authorisation.query(`INSERT INTO radcheck (username, attribute, op, value) VALUES ('alice', 'Simultaneous-Use', ':=', '2')`);
	dir = mkdtempSync(join(tmpdir(), 'radtop-sites-user-nas-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	const two = [
		{name: 'north', database: north.url},
		{name: 'south', database: south.url},
	];
	const east = {name: 'east', database: DOWN, nas: {'10.50.0.1': {ip: '10.50.0.1', name: 'east-bng', coaPort: 1700}}};
	const profiles = {two: {sites: two}, three: {sites: [...two, east]}, down: {sites: [east]}};
	writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles}), {mode: 0o600});
}, 60_000);

afterAll(async () => {
	await Promise.all([north?.close(), south?.close()]);
	if (dir) rmSync(dir, {recursive: true, force: true});
});

const radtop = (profile: string, args: readonly string[]) =>
	runCli([...args, '--profile', profile], {env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')}, timeoutMs: 25_000});

/** The lines of one site's part of the user view: from its `site NAME` heading to the next blank line. */
function part(stdout: string, site: string): string[] {
	const lines = stdout.split('\n');
	const start = lines.indexOf(`site ${site}`);
	if (start < 0) return [];
	const end = lines.indexOf('', start);
	return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('radtop user over sites', () => {
	it("shows the user at each site, each part headed by its site, from that site's own tables", async () => {
		const run = await radtop('two', ['user', 'alice']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toBe('');
		expect(run.stdout.split('\n').slice(0, 3)).toEqual(['user alice', '', 'site north']);
		const northPart = part(run.stdout, 'north').join('\n');
		const southPart = part(run.stdout, 'south').join('\n');
		expect(northPart).toContain('online: 1 open session');
		expect(northPart).toMatch(/bng-1 +100\.64\.1\.1/);
		expect(northPart).toContain('Simultaneous-Use := 2');
		expect(southPart).toContain('online: 1 open session');
		expect(southPart).toMatch(/hotspot-2 +100\.66\.2\.2/);
		// South's closed session and south's missing radcheck are south's alone.
		expect(southPart).toContain('Lost-Carrier');
		expect(southPart).not.toContain('Simultaneous-Use');
		expect(northPart).not.toContain('Lost-Carrier');
	});

	it('--json gives each site its record with a site field; --site reads one site', async () => {
		const run = await radtop('two', ['user', 'alice', '--json']);
		expect(run.code, run.stderr).toBe(0);
		const record = JSON.parse(run.stdout) as {
			username: string;
			sites: Array<{site: string; online: {count: number; sessions: Array<{nas: string; framedipaddress: string}>}}>;
			unreachable: unknown[];
		};
		expect(record.username).toBe('alice');
		expect(
			record.sites.map((entry) => `${entry.site} ${entry.online.count} ${entry.online.sessions.map((s) => s.nas).join()}`),
		).toEqual(['north 1 bng-1', 'south 1 hotspot-2']);
		expect(record.unreachable).toEqual([]);
		const one = JSON.parse((await radtop('two', ['user', 'alice', '--json', '--site', 'south'])).stdout) as {
			sites: Array<{site: string}>;
		};
		expect(one.sites.map((entry) => entry.site)).toEqual(['south']);
	});

	it('a site that is down is one line on stderr, the others shown, exit 0; none answering is a failure', async () => {
		const run = await radtop('three', ['user', 'alice']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^radtop: site east unreachable \(.*\): .*: not shown$/)]);
		expect(part(run.stdout, 'north').join('\n')).toContain('online: 1 open session');
		expect(part(run.stdout, 'south').join('\n')).toContain('online: 1 open session');
		expect(run.stdout).not.toContain('site east');
		const none = await radtop('down', ['user', 'alice']);
		expect(none.code).toBe(1);
		expect(none.stderr).toMatch(/^radtop: no site could be reached \(east: /);
	});
});

describe('radtop nas list over sites', () => {
	it("lists every site's NAS under a SITE column: the shared IP twice, by each site's name", async () => {
		const run = await radtop('two', ['nas', 'list']);
		expect(run.code, run.stderr).toBe(0);
		const rows = run.stdout.trim().split('\n');
		expect(rows[0]).toMatch(/^SITE +NAME +IP +COA/);
		expect(rows.slice(1).map((row) => row.split(/\s+/).slice(0, 3).join(' '))).toEqual([
			'north bng-1 10.20.0.1',
			'south bng-5 10.40.0.1',
			'south hotspot-2 10.20.0.1',
		]);
		// Open sessions are each site's own: north's bng-1 has two, south's hotspot-2 one.
		expect(rows[1]).toMatch(/ 2$/);
		expect(rows[3]).toMatch(/ 1$/);
	});

	it('--json gives each NAS its site; --site lists one site', async () => {
		const run = await radtop('two', ['nas', 'list', '--json']);
		expect(run.code, run.stderr).toBe(0);
		const listed = JSON.parse(run.stdout) as {complete: boolean; nas: Array<{site: string; name: string; ip: string}>};
		expect(listed.complete).toBe(true);
		expect(listed.nas.filter((nas) => nas.ip === SHARED_IP).map((nas) => `${nas.site}/${nas.name}`)).toEqual([
			'north/bng-1',
			'south/hotspot-2',
		]);
		const one = await radtop('two', ['nas', 'list', '--site', 'south']);
		expect(one.code, one.stderr).toBe(0);
		expect(
			one.stdout
				.trim()
				.split('\n')
				.slice(1)
				.map((row) => row.split(/\s+/)[0]),
		).toEqual(['south', 'south']);
	});

	it("a site that is down: its config's NAS listed with a note, the others read, exit 3", async () => {
		const run = await radtop('three', ['nas', 'list']);
		expect(run.code).toBe(3);
		expect(run.stderr).toMatch(
			/^radtop: site east unreachable \(.*\): .*; showing its config's NAS only \(no nas table, no session counts\)\n$/,
		);
		const rows = run.stdout.trim().split('\n');
		expect(rows.map((row) => row.split(/\s+/).slice(0, 2).join(' '))).toEqual([
			'SITE NAME',
			'north bng-1',
			'south bng-5',
			'south hotspot-2',
			'east east-bng',
		]);
		expect(rows.at(-1)).toMatch(/^east +east-bng +10\.50\.0\.1 +10\.50\.0\.1:1700 .* -$/);
		const none = await radtop('down', ['nas', 'list', '--json']);
		expect(none.code).toBe(3);
		const listed = JSON.parse(none.stdout) as {complete: boolean; nas: Array<{site: string; name: string; openSessions: null}>};
		expect(listed.complete).toBe(false);
		expect(listed.nas.map((nas) => `${nas.site}/${nas.name} ${nas.openSessions}`)).toEqual(['east/east-bng null']);
	});
});
