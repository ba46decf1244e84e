/**
 * The command line as one whole: a mistyped command gets the nearest one, `radtop help [command]`, flags before
 * the command, --db and --interval checked before anything opens, the password-in---db warning, the hint when
 * no database is configured, and `radtop sessions` cut to the terminal's width.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fitToWidth} from '../../source/commands/sessions.js';
import {nearestWord, splitCommand} from '../../source/commands/usage.js';
import {CONSOLE_FLAGS} from '../../source/main.js';
import {assertBuilt, runCli, runMainInProcess} from '../helpers/cli.js';
import {startSilentDatabase, type SilentDatabase} from '../helpers/silent-database.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';
import {Terminal, tmux} from '../helpers/tmux-terminal.js';

let silent: SilentDatabase;
let configDir: string;
let database: TestDatabase;

beforeAll(async () => {
	assertBuilt();
	silent = await startSilentDatabase();
	configDir = mkdtempSync(join(tmpdir(), 'radtop-command-line-'));
	database = await createTestDatabase();
});

afterAll(async () => {
	await silent?.close();
	await database?.close();
	if (configDir) rmSync(configDir, {recursive: true, force: true});
});

const env = () => ({RADTOP_CONFIG_DIR: configDir});

/** A usage error through main: exit 2, one line on stderr, nothing on stdout, no connection to the database. */
async function usageError(...args: string[]): Promise<string> {
	const before = silent.connections;
	const run = await runMainInProcess(args, {env: env()});
	expect(run.code, run.stderr).toBe(2);
	expect(run.stdout).toBe('');
	expect(run.stderr.split('\n')).toHaveLength(2);
	expect(silent.connections).toBe(before);
	return run.stderr;
}

describe('commands', () => {
	it('a mistyped command is an error naming the nearest command', async () => {
		expect(await usageError('sesions')).toMatch(/^radtop: unknown command "sesions": did you mean sessions\? \(commands: .*help\)\n$/);
		expect(await usageError('dcotor')).toContain('did you mean doctor?');
		expect(await usageError('sess')).toContain('did you mean sessions?');
		expect(await usageError('xyzzy')).not.toContain('did you mean');
		expect(nearestWord('disconect', ['disconnect', 'doctor'])).toBe('disconnect');
		expect(nearestWord('zzzzzz', ['disconnect', 'doctor'])).toBeUndefined();
	});

	it('a word after global flags is a command: an unknown one is an error, not the listing of the console', async () => {
		expect(await usageError('--db', silent.url, 'foo')).toMatch(/^radtop: unknown command "foo" \(commands: /);
		expect(await usageError('--demo', 'sesions')).toContain('did you mean sessions?');
		expect(splitCommand(['--db', 'URL', 'doctor', '--no-nas'], CONSOLE_FLAGS)).toEqual({
			command: 'doctor',
			rest: ['--db', 'URL', '--no-nas'],
		});
		expect(splitCommand(['--demo', '--profile=noc', 'sessions'], CONSOLE_FLAGS)).toEqual({
			command: 'sessions',
			rest: ['--demo', '--profile=noc'],
		});
		expect(splitCommand(['--interval', '5', '--', 'x'], CONSOLE_FLAGS)).toEqual({rest: ['--interval', '5', '--', 'x']});
	});

	it('radtop help is radtop --help, radtop help COMMAND is radtop COMMAND --help', async () => {
		const main = await runMainInProcess(['--help'], {env: env()});
		const help = await runMainInProcess(['help'], {env: env()});
		expect(help.code).toBe(0);
		expect(help.stdout).toBe(main.stdout);
		expect(help.stdout).toContain('help [COMMAND]');
		for (const command of ['sessions', 'doctor', 'disconnect']) {
			const own = await runMainInProcess([command, '--help'], {env: env()});
			const viaHelp = await runMainInProcess(['help', command], {env: env()});
			expect(viaHelp.code, command).toBe(0);
			expect(viaHelp.stdout, command).toBe(own.stdout);
		}
		const nasAdd = await runMainInProcess(['help', 'nas', 'add'], {env: env()});
		expect(nasAdd.stdout).toBe((await runMainInProcess(['nas', 'add', '--help'], {env: env()})).stdout);
		expect(await usageError('help', 'sesions')).toContain('did you mean sessions?');
	});
});

describe('flags before anything opens', () => {
	it('a malformed --db is a usage error (exit 2), before a command or after it, without echoing it', async () => {
		expect(await usageError('--db', 'notaurl', 'sessions')).toBe('radtop: --db is not a valid postgres:// URL\n');
		expect(await usageError('sessions', '--db', 'http://host/db')).toBe(
			'radtop: --db must be a postgres:// or postgresql:// URL, not http://\n',
		);
		expect(await usageError('doctor', '--db=', '--no-nas')).toBe('radtop: --db needs a postgres:// URL\n');
		expect(await usageError('--db', 'not a url')).toBe('radtop: --db is not a valid postgres:// URL\n');
	});

	it('--interval 0 and abc are refused wherever they are given (console, before a command, config set)', async () => {
		expect(await usageError('--interval', '0', '--db', silent.url)).toBe('radtop: --interval must be at least 1s\n');
		expect(await usageError('--interval', 'abc', '--db', silent.url)).toMatch(/^radtop: --interval must be a duration/);
		expect(await usageError('--interval', '0', 'sessions', '--db', silent.url)).toMatch(/^radtop: unknown flag --interval/);
		for (const value of ['0', 'abc']) {
			const run = await runCli(['config', 'set', 'interval', value], {env: env()});
			expect(run.code, run.stderr).toBe(2);
			expect(run.stderr).toMatch(/^radtop: interval must be/);
		}
	});
});

describe('against a database', () => {
	it('global flags before the command work: radtop --db URL doctor --no-nas, radtop --db URL sessions --json', async () => {
		const doctor = await runCli(['--db', database.url, 'doctor', '--no-nas', '--json'], {env: env()});
		expect(doctor.stderr).not.toContain('unknown flag');
		expect([0, 1]).toContain(doctor.code);
		const report = JSON.parse(doctor.stdout) as {checks: Array<{name?: string; status: string}>};
		expect(report.checks.length).toBeGreaterThan(0);
		const sessions = await runCli(['--db', database.url, 'sessions', '--json'], {env: env()});
		expect(sessions.code, sessions.stderr).toBe(0);
		expect(JSON.parse(sessions.stdout)).toMatchObject({total: expect.any(Number), sessions: expect.any(Array)});
	});

	it('a password inside --db, before the command too, is warned about and never printed', async () => {
		const run = await runCli(['--db', 'postgres://radius:hunter22secret@127.0.0.1:1/radius', 'sessions'], {env: env()});
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('radtop: the password in --db can be read by other users of this host (ps)');
		expect(run.stdout + run.stderr).not.toContain('hunter22secret');
	});

	it('no database configured at all: the failure says how to give one, or to try --demo', async () => {
		// Nothing names a database: libpq's defaults (localhost:5432, where nothing listens here) are tried.
		const run = await runCli(['sessions'], {env: env()});
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(
			/^radtop: database unreachable \(.*\): .*; no database is configured: give --db postgres:\/\/user@host\/db/,
		);
		expect(run.stderr).toContain('or try radtop --demo');
		// A database named, even by libpq's variables alone: its failure is its own, with no such hint.
		const named = await runCli(['sessions'], {env: {...env(), PGHOST: '127.0.0.1', PGPORT: '1'}});
		expect(named.code).toBe(1);
		expect(named.stderr).not.toContain('no database is configured');
	});
});

describe('radtop sessions on a terminal', () => {
	it('fitToWidth cuts each line to the width with …, and leaves a pipe whole', () => {
		expect(fitToWidth('abcdef\nab', 4)).toBe('abc…\nab');
		expect(fitToWidth('abcdef', undefined)).toBe('abcdef');
	});

	for (const columns of [60, 80]) {
		it(`fits a ${columns}-column terminal: no line wider, the footer whole`, async () => {
			const terminal = new Terminal(`radtop-sessions-${columns}`, columns, 30);
			terminal.start(['sessions', '--limit', '10'], {RADTOP_CONFIG_DIR: configDir});
			try {
				const lines = await terminal.waitFor(
					'the listing',
					(screen) => (screen.some((line) => line.startsWith('EXITED:')) ? screen : undefined),
					60_000,
				);
				expect(lines).toContain('EXITED:0');
				const joined = terminal.capture(true).map((line) => line.trimEnd());
				const table = joined.filter((line) => line.startsWith('USER') || / of [\d,]+ active sessions$/.test(line));
				expect(table.length, joined.join('\n')).toBe(2);
				for (const line of joined) expect([...line].length, `wider than ${columns}:\n${line}`).toBeLessThanOrEqual(columns);
				expect(joined.find((line) => line.startsWith('USER'))!.endsWith('…')).toBe(true);
			} finally {
				tmux('kill-session', '-t', terminal.name);
			}
		}, 90_000);
	}
});
