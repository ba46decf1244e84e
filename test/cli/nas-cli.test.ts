/**
 * `radtop nas` as an operator runs it: the built CLI in a child process, editing a config file in a temporary
 * RADTOP_CONFIG_DIR and reading a test database whose nas table and radacct hold a small network. Secrets go
 * in through stdin, as a script pipes them, and must never come out on stdout or stderr.
 *
 * With the embedded database (no DATABASE_URL), PGlite serves one socket connection: the CLI child takes it
 * and this process writes to the PGlite instance directly; the child is spawned asynchronously because that
 * socket is served from this process's event loop.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {NasListEntry} from '../../source/nas/nas-list.js';
import type {StoredConfig} from '../../source/config/profile.js';
import type {Queryable} from '../../source/db/queryable.js';
import {assertBuilt, runCli, runMainInProcess, type CliRun} from '../helpers/cli.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const RUN_TIMEOUT_MS = 25_000;

const TABLE_SECRETS = ['table-secret-bng1', 'table-secret-bng2'];
const CONFIG_SECRET = 'cfg-secret-bng2 with spaces';
const API_PASSWORD = 'api-pw-9f3e';
const NEW_SECRET = 'rotated-secret-bng1';

let database: TestDatabase;
let db: Queryable;
let dir: string;
let configDir: string;
let configFile: string;
const everything: string[] = [];

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	db = database.pglite ?? database.pool;
	await db.query(
		`INSERT INTO nas (nasname, shortname, type, secret, description) VALUES
			('10.20.0.1', 'bng-1', 'cisco', $1, 'core'), ('10.20.0.2', 'bng-2', 'other', $2, 'edge'),
			('bng-9.example', 'bng-9', 'other', 'dns-row-secret', 'by host name')`,
		TABLE_SECRETS,
	);
	await insertSessions(db as pg.Pool, [
		{username: 'alice', nasipaddress: '10.20.0.1'},
		{username: 'bob', nasipaddress: '10.20.0.1'},
		{username: 'carol', nasipaddress: '10.20.0.2'},
		{username: 'dave', nasipaddress: '10.20.0.1', stoppedAgo: 60},
		{username: 'erin', nasipaddress: '10.99.0.1'},
	]);
	dir = mkdtempSync(join(tmpdir(), 'radtop-nas-cli-'));
	configDir = join(dir, 'radtop');
	configFile = join(configDir, 'config.json');
});

afterAll(async () => {
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
	// Nothing any run printed holds a secret.
	for (const secret of [...TABLE_SECRETS, 'dns-row-secret', CONFIG_SECRET, API_PASSWORD, NEW_SECRET]) {
		expect(everything.join('\n'), 'a secret was printed').not.toContain(secret);
	}
});

/** `radtop nas ARGS` with stdin a pipe holding `input` (closed at once when there is none). */
async function radtop(args: readonly string[], input = ''): Promise<CliRun> {
	const run = await runCli(['nas', ...args], {env: {RADTOP_CONFIG_DIR: configDir}, input, timeoutMs: RUN_TIMEOUT_MS});
	everything.push(run.stdout, run.stderr);
	return run;
}

/**
 * `radtop nas ARGS` refused before it reads stdin or writes anything: radtop's main in this process, which writes
 * usage errors to the streams it is given.
 */
async function refused(args: readonly string[]): Promise<CliRun> {
	const run = await runMainInProcess(['nas', ...args], {env: {RADTOP_CONFIG_DIR: configDir}});
	everything.push(run.stdout, run.stderr);
	return run;
}

const withDb = (...args: string[]): string[] => [...args, '--db', database.url];
const stored = (): StoredConfig => JSON.parse(readFileSync(configFile, 'utf8')) as StoredConfig;
const mode = (path: string): number => statSync(path).mode & 0o777;
const lineOf = (text: string, name: string): string => text.split('\n').find((line) => line.startsWith(`${name} `)) ?? '';

function expectOneErrorLine(run: CliRun, code: number, pattern: RegExp): void {
	expect(run.code, run.stderr).toBe(code);
	expect(run.stdout).toBe('');
	expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
	expect(run.stderr.trimEnd()).toMatch(pattern);
	expect(run.stderr).not.toMatch(/^\s+at |node:internal/m);
}

describe('radtop nas on a real nas table', () => {
	it('nas list before any override: the nas table, the NAS radacct alone knows, open sessions per NAS', async () => {
		const run = await radtop(withDb('list'));
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toBe('');
		expect(lineOf(run.stdout, 'bng-1')).toMatch(
			/^bng-1\s+10\.20\.0\.1\s+10\.20\.0\.1:3799\s+cisco \(nas type\)\s+set \(nas table\)\s+none\s+2$/,
		);
		expect(lineOf(run.stdout, 'bng-2')).toMatch(
			/^bng-2\s+10\.20\.0\.2\s+10\.20\.0\.2:3799\s+generic \(default\)\s+set \(nas table\)\s+none\s+1$/,
		);
		expect(lineOf(run.stdout, '10.99.0.1')).toMatch(/generic \(default\)\s+none\s+none\s+1$/);
		expect(run.stdout).not.toContain('bng-9');
		expect(existsSync(configFile)).toBe(false);
	});

	it('nas add takes the secret and the API password from stdin (first and second line), file 0600', async () => {
		const run = await radtop(
			[
				'add',
				'10.20.0.2',
				'--name',
				'bng-2b',
				'--coa-port',
				'1700',
				'--vendor',
				'mikrotik',
				'--secret-stdin',
				'--api-user',
				'radtop',
				'--api-tls',
				'--api-password-stdin',
			],
			`${CONFIG_SECRET}\n${API_PASSWORD}\n`,
		);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toBe(
			'added bng-2b (10.20.0.2) in profile "default": CoA 10.20.0.2:1700, mikrotik, secret set (config), API radtop@10.20.0.2:8729 tls\n',
		);
		expect(run.stderr).toBe(`radtop: created profile "default" in ${configFile}\n`);
		expect(mode(configFile)).toBe(0o600);
		expect(mode(configDir)).toBe(0o700);
		expect(stored().profiles?.['default']?.nas?.['10.20.0.2']).toEqual({
			ip: '10.20.0.2',
			name: 'bng-2b',
			secret: CONFIG_SECRET,
			coaPort: 1700,
			vendor: 'mikrotik',
			api: {user: 'radtop', tls: true, password: API_PASSWORD},
		});
	});

	it('nas list merges the override over the nas table and says where each secret comes from', async () => {
		const run = await radtop(withDb('list'));
		expect(run.code, run.stderr).toBe(0);
		expect(lineOf(run.stdout, 'bng-2b')).toMatch(
			/^bng-2b\s+10\.20\.0\.2\s+10\.20\.0\.2:1700\s+mikrotik \(config\)\s+set \(config\)\s+radtop@10\.20\.0\.2:8729 tls\s+1$/,
		);
		expect(lineOf(run.stdout, 'bng-1')).toMatch(/set \(nas table\)/);

		const json = await radtop(withDb('list', '--json'));
		expect(json.code, json.stderr).toBe(0);
		const listed = JSON.parse(json.stdout) as {complete: boolean; nas: NasListEntry[]};
		expect(listed.complete).toBe(true);
		expect(listed.nas.find((nas) => nas.ip === '10.20.0.2')).toEqual({
			name: 'bng-2b',
			nameSource: 'config',
			ip: '10.20.0.2',
			coa: {host: '10.20.0.2', port: 1700},
			vendor: 'mikrotik',
			vendorSource: 'config',
			messageAuthenticator: true,
			secret: {set: true, source: 'config'},
			api: {user: 'radtop', host: '10.20.0.2', port: 8729, tls: true, hotspot: false},
			openSessions: 1,
			inConfig: true,
			reloaded_at: null,
		});
	});

	it('nas set changes only the fields given; a NAS of the nas table gets an override by its IP', async () => {
		const before = stored().profiles?.['default']?.nas?.['10.20.0.2'];
		const run = await radtop(['set', 'BNG-2B', '--coa-port', '3799', '--unset', 'vendor', '--no-message-authenticator']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toMatch(
			/^updated bng-2b \(10\.20\.0\.2\) in profile "default": CoA 10\.20\.0\.2:3799, vendor from the nas table/,
		);
		const {vendor: _vendor, ...rest} = before!;
		expect(stored().profiles?.['default']?.nas?.['10.20.0.2']).toEqual({...rest, coaPort: 3799, messageAuthenticator: false});
		expect(mode(configFile)).toBe(0o600);

		const rotated = await radtop(['set', '10.20.0.1', '--secret-stdin'], `${NEW_SECRET}\n`);
		expect(rotated.code, rotated.stderr).toBe(0);
		expect(rotated.stdout).toMatch(/^added 10\.20\.0\.1 in profile "default": .*secret set \(config\)/);
		expect(stored().profiles?.['default']?.nas?.['10.20.0.1']).toEqual({ip: '10.20.0.1', secret: NEW_SECRET});
		expect(mode(configFile)).toBe(0o600);
		const list = await radtop(withDb('list'));
		expect(lineOf(list.stdout, 'bng-1')).toMatch(/cisco \(nas type\)\s+set \(config\)/);
	});

	it('refuses a secret in argv, a missing secret on a pipe, a bad port, a taken name: exit 2, one line, file untouched', async () => {
		const before = readFileSync(configFile, 'utf8');
		// What stdin holds, or that it is not a terminal, matters to three of these: those run as a child with stdin a pipe.
		expectOneErrorLine(
			await refused(['add', '10.20.0.3', '--secret', 'argv-secret']),
			2,
			/^radtop: --secret is refused: a secret on the command line can be read by every user/,
		);
		expectOneErrorLine(await refused(['set', 'bng-2b', '--api-password', 'argv-pw']), 2, /^radtop: --api-password is refused/);
		expectOneErrorLine(
			await radtop(['add', '10.20.0.3']),
			2,
			/^radtop: radtop nas add needs the RADIUS secret: --secret-stdin \(piped\)/,
		);
		expectOneErrorLine(
			await refused(['add', '10.20.0.3', '--no-secret', '--coa-port', '99999']),
			2,
			/^radtop: --coa-port must be a whole number from 1 to 65535$/,
		);
		expectOneErrorLine(
			await refused(['add', '10.20.0.3', '--no-secret', '--name', 'bng-2b']),
			2,
			/^radtop: the name "bng-2b" is already used by 10\.20\.0\.2/,
		);
		expectOneErrorLine(
			await refused(['add', '10.20.0.2', '--no-secret']),
			2,
			/^radtop: bng-2b \(10\.20\.0\.2\) is already in profile "default": change it with radtop nas set$/,
		);
		expectOneErrorLine(
			await radtop(['add', '10.20.0.3', '--secret-stdin'], ''),
			2,
			/^radtop: stdin gave 0 lines: expected the RADIUS secret on one line$/,
		);
		expectOneErrorLine(await radtop(['add', '10.20.0.3', '--secret-stdin'], '\n'), 2, /^radtop: the RADIUS secret is empty$/);
		expectOneErrorLine(
			await refused(['set', 'bng-7', '--coa-port', '1700']),
			2,
			/^radtop: no NAS named "bng-7" in profile "default"; give its IP/,
		);
		expectOneErrorLine(await refused(['frobnicate']), 2, /^radtop: unknown sub-command "frobnicate"/);
		expect(readFileSync(configFile, 'utf8')).toBe(before);
	});

	it("nas list without the database: the config's NAS, a one-line warning, exit 3", async () => {
		const run = await radtop(['list', '--db', 'postgres://radtop@127.0.0.1:1/radius']);
		expect(run.code).toBe(3);
		expect(run.stderr).toMatch(
			/^radtop: database unreachable \(radtop@127\.0\.0\.1:1\/radius\): connection refused.*; showing the config's NAS only/,
		);
		expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(lineOf(run.stdout, 'bng-2b')).toMatch(/set \(config\)\s+radtop@10\.20\.0\.2:8729 tls\s+-$/);
		expect(run.stdout).not.toContain('bng-1 ');
		const json = await radtop(['list', '--json', '--db', 'postgres://radtop@127.0.0.1:1/radius']);
		expect(json.code).toBe(3);
		expect((JSON.parse(json.stdout) as {complete: boolean}).complete).toBe(false);
	});

	it("nas remove drops an override by name; the nas table's settings apply again", async () => {
		const run = await radtop(['remove', 'bng-2b']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toBe('removed bng-2b (10.20.0.2) from profile "default"\n');
		expect(Object.keys(stored().profiles?.['default']?.nas ?? {})).toEqual(['10.20.0.1']);
		expect(mode(configFile)).toBe(0o600);
		expectOneErrorLine(await refused(['remove', 'bng-2b']), 2, /^radtop: no NAS "bng-2b" in profile "default"/);
		const list = await radtop(withDb('list'));
		expect(lineOf(list.stdout, 'bng-2')).toMatch(/^bng-2\s+10\.20\.0\.2\s+10\.20\.0\.2:3799\s+generic \(default\)\s+set \(nas table\)/);
	});

	it('edits the profile named with --profile, and lists it; an unknown one is an error for list', async () => {
		const run = await radtop(['add', '10.20.0.5', '--no-secret', '--vendor', 'juniper', '--profile', 'lab']);
		expect(run.code, run.stderr).toBe(0);
		expect(stored().profiles?.['lab']?.nas?.['10.20.0.5']).toEqual({ip: '10.20.0.5', vendor: 'juniper'});
		const list = await radtop(withDb('list', '--profile', 'lab'));
		expect(lineOf(list.stdout, '10.20.0.5')).toMatch(/juniper \(config\)\s+none\s+none\s+0$/);
		expect(lineOf(list.stdout, 'bng-1')).toMatch(/set \(nas table\)/);
		expectOneErrorLine(
			await radtop(withDb('list', '--profile', 'nope')),
			1,
			/^radtop: no profile "nope" in .*config\.json \(profiles: default, lab\)$/,
		);
	});

	it('an override written by hand without "ip" is the NAS its key names; one whose key is no IP is an error naming it', async () => {
		const profiles = stored().profiles ?? {};
		writeFileSync(
			configFile,
			JSON.stringify({...stored(), profiles: {...profiles, hand: {nas: {'10.20.0.9': {secret: CONFIG_SECRET, coaPort: 3799}}}}}),
			{mode: 0o600},
		);
		const list = await radtop(withDb('list', '--profile', 'hand'));
		expect(list.code, list.stderr).toBe(0);
		expect(lineOf(list.stdout, '10.20.0.9')).toMatch(/^10\.20\.0\.9\s+10\.20\.0\.9\s+10\.20\.0\.9:3799\s+.*set \(config\)/);
		const set = await radtop(['set', '10.20.0.9', '--name', 'bng-9h', '--profile', 'hand']);
		expect(set.code, set.stderr).toBe(0);
		expect(stored().profiles?.['hand']?.nas?.['10.20.0.9']).toEqual({
			ip: '10.20.0.9',
			name: 'bng-9h',
			secret: CONFIG_SECRET,
			coaPort: 3799,
		});
		writeFileSync(configFile, JSON.stringify({...stored(), profiles: {...profiles, hand: {nas: {'bng-x': {secret: CONFIG_SECRET}}}}}), {
			mode: 0o600,
		});
		for (const args of [withDb('list', '--profile', 'hand'), ['set', 'bng-x', '--coa-port', '1700', '--profile', 'hand']]) {
			expectOneErrorLine(
				await radtop(args),
				1,
				/^radtop: invalid config .*config\.json: profile "hand", nas entry "bng-x" has no "ip" and its key is not an IP address$/,
			);
		}
	});
});
