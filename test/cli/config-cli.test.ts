/**
 * `radtop config` as an operator runs it: the built CLI in a child process against a temporary
 * RADTOP_CONFIG_DIR. Every write leaves the file 0600; a database password never shows on the screen.
 * The last test connects with the profile written here: to DATABASE_URL's server, else the embedded one.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {chmodSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {StoredConfig} from '../../source/config/profile.js';
import {assertBuilt, runCli, runMainInProcess, type CliRun} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const RUN_TIMEOUT_MS = 25_000;
const DB_PASSWORD = 'db-pw-7c1d';

let dir: string;
let configDir: string;
let configFile: string;
const everything: string[] = [];

beforeAll(() => {
	assertBuilt();
	dir = mkdtempSync(join(tmpdir(), 'radtop-config-cli-'));
	configDir = join(dir, 'radtop');
	configFile = join(configDir, 'config.json');
});

afterAll(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
	expect(everything.join('\n'), 'a password was printed').not.toContain(DB_PASSWORD);
});

async function radtop(args: readonly string[], input = ''): Promise<CliRun> {
	const run = await runCli(args, {env: {RADTOP_CONFIG_DIR: configDir}, input, timeoutMs: RUN_TIMEOUT_MS});
	everything.push(run.stdout, run.stderr);
	return run;
}

const config = (...args: string[]) => radtop(['config', ...args]);

/** `radtop config ARGS` refused before it reads stdin or writes: radtop's main in this process, which writes usage errors to the streams given. */
async function refused(...args: string[]): Promise<CliRun> {
	const run = await runMainInProcess(['config', ...args], {env: {RADTOP_CONFIG_DIR: configDir}});
	everything.push(run.stdout, run.stderr);
	return run;
}
const stored = (): StoredConfig => JSON.parse(readFileSync(configFile, 'utf8')) as StoredConfig;
const mode = (path: string): number => statSync(path).mode & 0o777;

function expectOneErrorLine(run: CliRun, code: number, pattern: RegExp): void {
	expect(run.code, run.stderr).toBe(code);
	expect(run.stdout).toBe('');
	expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
	expect(run.stderr.trimEnd()).toMatch(pattern);
}

describe('radtop config', () => {
	it('config set creates the profile, checks the value, and keeps the file 0600 in a 0700 directory', async () => {
		const run = await config('set', 'interval', '10s', '--profile', 'noc');
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toBe('profile "noc": interval = 10\n');
		expect(run.stderr).toBe(`radtop: created profile "noc" in ${configFile}\n`);
		expect(mode(configFile)).toBe(0o600);
		expect(mode(configDir)).toBe(0o700);
		for (const [key, value] of [
			['stale-after', '30m'],
			['read-only', 'yes'],
			['allowed-nas', 'bng-1,bng-2'],
			['confirm-typed-above', '100'],
			['audit-log', '/var/log/radtop/audit.log'],
		] as const) {
			chmodSync(configFile, 0o644);
			const set = await config('set', key, value, '--profile', 'noc');
			expect(set.code, set.stderr).toBe(0);
			expect(mode(configFile)).toBe(0o600);
		}
		expect(stored().profiles?.['noc']).toEqual({
			interval: 10,
			staleAfter: 1800,
			readOnly: true,
			allowedNas: ['bng-1', 'bng-2'],
			confirmTypedAbove: 100,
			auditLog: '/var/log/radtop/audit.log',
		});
	});

	it('bad keys and values exit 2 with one line and change nothing', async () => {
		const before = readFileSync(configFile, 'utf8');
		expectOneErrorLine(await refused('set', 'interval', '0', '--profile', 'noc'), 2, /^radtop: interval must be at least 1s$/);
		expectOneErrorLine(await refused('set', 'read-only', 'maybe', '--profile', 'noc'), 2, /^radtop: read-only must be true or false/);
		expectOneErrorLine(await refused('set', 'colour', 'red'), 2, /^radtop: unknown setting "colour"/);
		expectOneErrorLine(await refused('set', 'nas', '10.0.0.1'), 2, /radtop nas add\|set\|remove$/);
		expectOneErrorLine(await refused('frob'), 2, /^radtop: unknown sub-command "frob"/);
		expectOneErrorLine(await refused(), 2, /^radtop: config needs a sub-command/);
		expect(readFileSync(configFile, 'utf8')).toBe(before);
	});

	it('config get prints one value, or every setting; a setting not set is exit 1', async () => {
		const one = await config('get', 'stale-after', '--profile', 'noc');
		expect(one).toEqual({code: 0, stdout: '1800\n', stderr: ''});
		const all = await config('get', '--profile', 'noc');
		expect(all.code).toBe(0);
		expect(all.stdout).toMatch(
			/^interval\s+10\nstale-after\s+1800\nread-only\s+true\naudit-log\s+\/var\/log\/radtop\/audit\.log\nallowed-nas\s+bng-1,bng-2\nconfirm-typed-above\s+100\n$/,
		);
		expectOneErrorLine(await config('get', 'database', '--profile', 'noc'), 1, /^radtop: database is not set in profile "noc"$/);
		expectOneErrorLine(await config('get', 'interval'), 1, /^radtop: no profile "default" in .*config\.json \(profiles: noc\)$/);
	});

	it('config unset removes a setting', async () => {
		const run = await config('unset', 'confirm-typed-above', '--profile', 'noc');
		expect(run).toEqual({code: 0, stdout: 'profile "noc": confirm-typed-above unset\n', stderr: ''});
		expect(stored().profiles?.['noc']?.confirmTypedAbove).toBeUndefined();
		expect(mode(configFile)).toBe(0o600);
	});

	it('a database URL with a password is refused in argv, taken from stdin, and never printed back', async () => {
		const url = `postgres://radtop:${DB_PASSWORD}@db1.example:5432/radius?sslmode=require`;
		const inArgv = await refused('set', 'database', url, '--profile', 'noc');
		expectOneErrorLine(inArgv, 2, /^radtop: a database URL with a password is refused on the command line/);
		expect(stored().profiles?.['noc']?.database).toBeUndefined();

		const piped = await config('set', 'database', '--stdin', '--profile', 'noc');
		expectOneErrorLine(piped, 2, /^radtop: stdin gave 0 lines: expected the database URL on one line$/);
		const set = await radtop(['config', 'set', 'database', '--stdin', '--profile', 'noc'], `${url}\n`);
		expect(set.code, set.stderr).toBe(0);
		expect(set.stdout).toBe(
			'profile "noc": database = postgres://radtop@db1.example:5432/radius?sslmode=require (password stored, not shown)\n',
		);
		expect(stored().profiles?.['noc']?.database).toBe(url);
		expect(mode(configFile)).toBe(0o600);

		const get = await config('get', 'database', '--profile', 'noc');
		expect(get).toEqual({
			code: 0,
			stdout: 'postgres://radtop@db1.example:5432/radius?sslmode=require\n',
			stderr: 'radtop: the stored URL holds a password, not shown\n',
		});
		const all = await config('get', '--profile', 'noc');
		expect(all.stdout).toContain(
			'database            postgres://radtop@db1.example:5432/radius?sslmode=require  (password stored, not shown)',
		);

		const plain = await config('set', 'database', 'postgres://radtop@db2.example/radius', '--profile', 'lab');
		expect(plain.code, plain.stderr).toBe(0);
		expect(stored().profiles?.['lab']?.database).toBe('postgres://radtop@db2.example/radius');
	});

	it('config profiles lists every profile and marks the default; set-default picks an existing one', async () => {
		const before = await config('profiles');
		expect(before.code).toBe(0);
		expect(before.stdout).not.toMatch(/^\*/m);
		expectOneErrorLine(await refused('set-default', 'nope'), 2, /^radtop: no profile "nope" \(profiles: noc, lab\)$/);
		const set = await config('set-default', 'lab');
		expect(set).toEqual({code: 0, stdout: 'default profile: lab\n', stderr: ''});
		expect(stored().defaultProfile).toBe('lab');
		expect(mode(configFile)).toBe(0o600);
		const after = await config('profiles');
		expect(after.stdout).toMatch(
			/^ {2}PROFILE\s+DATABASE\s+NAS\n {2}noc\s+radtop@db1\.example:5432\/radius \(password\)\s+0 {2}read-only\n\* lab\s+radtop@db2\.example\/radius\s+0\n$/,
		);
		const json = JSON.parse((await config('profiles', '--json')).stdout) as {
			defaultProfile: string;
			profiles: Array<{name: string; default: boolean; databasePassword: boolean}>;
		};
		expect(json.defaultProfile).toBe('lab');
		expect(json.profiles.map((profile) => [profile.name, profile.default, profile.databasePassword])).toEqual([
			['noc', false, true],
			['lab', true, false],
		]);
		// Without --profile, get and set use the default profile.
		expect((await config('get', 'database')).stdout).toBe('postgres://radtop@db2.example/radius\n');
	});

	it('config path names the file', async () => {
		expect(await config('path')).toEqual({code: 0, stdout: `${configFile}\n`, stderr: ''});
	});
});

describe('radtop config set reads durations as the flags do', () => {
	let weekDir: string;

	beforeAll(() => {
		weekDir = mkdtempSync(join(tmpdir(), 'radtop-config-week-'));
	});

	afterAll(() => {
		if (weekDir) rmSync(weekDir, {recursive: true, force: true});
	});

	const inWeekDir = (...args: string[]) => runCli(['config', ...args], {env: {RADTOP_CONFIG_DIR: weekDir}, timeoutMs: RUN_TIMEOUT_MS});

	it('stale-after 1w is stored as one week, and config get shows it', async () => {
		const set = await inWeekDir('set', 'stale-after', '1w', '--profile', 'week');
		expect(set.code, set.stderr).toBe(0);
		expect(set.stdout).toBe('profile "week": stale-after = 604800\n');
		const get = await inWeekDir('get', 'stale-after', '--profile', 'week');
		expect(get).toEqual({code: 0, stdout: '604800\n', stderr: ''});
		const stored = JSON.parse(readFileSync(join(weekDir, 'config.json'), 'utf8')) as StoredConfig;
		expect(stored.profiles?.['week']?.staleAfter).toBe(7 * 86_400);
	});

	it('a duration neither takes is refused in the same words, naming the setting or the flag', async () => {
		const setting = await runMainInProcess(['config', 'set', 'stale-after', '1y', '--profile', 'week']);
		expect(setting).toEqual({code: 2, stdout: '', stderr: 'radtop: stale-after must be a duration like 90s, 30m, 2h or 7d\n'});
		const flag = await runMainInProcess(['sessions', '--stale-after', '1y']);
		expect(flag).toEqual({code: 2, stdout: '', stderr: 'radtop: --stale-after must be a duration like 90s, 30m, 2h or 7d\n'});
		const tooLong = await runMainInProcess(['config', 'set', 'stale-after', '5w', '--profile', 'week']);
		expect(tooLong).toEqual({code: 2, stdout: '', stderr: 'radtop: stale-after must be at most 30d\n'});
	});
});

describe('a profile written by radtop config is the one radtop connects with', () => {
	let database: TestDatabase | undefined;

	afterAll(async () => {
		await database?.close();
	});

	it('radtop sessions --profile uses the database and stale threshold set here', async () => {
		database = await createTestDatabase();
		const url = new URL(database.url);
		const password = decodeURIComponent(url.password);
		url.password = '';
		const set = password
			? await radtop(['config', 'set', 'database', '--stdin', '--profile', 'ci'], `${database.url}\n`)
			: await config('set', 'database', url.toString(), '--profile', 'ci');
		expect(set.code, set.stderr).toBe(0);
		const run = await radtop(['sessions', '--profile', 'ci', '--json']);
		expect(run.code, run.stderr).toBe(0);
		expect(JSON.parse(run.stdout)).toEqual({total: 0, capped: false, sessions: []});
	}, 60_000);
});
