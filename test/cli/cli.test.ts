/**
 * radtop as a user runs it: exit codes, one line on stderr, no stack traces, no passwords. Help and usage
 * errors run in-process; the rest is the built CLI (`npm test` builds dist/ first; else `npm run build`).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {SESSIONS_FLAGS} from '../../source/commands/sessions.js';
import {assertBuilt, runCli, runMainInProcess, type CliRun} from '../helpers/cli.js';

const TIMEOUT_MS = 20_000;

let configDir: string;

beforeAll(() => {
	assertBuilt();
	configDir = mkdtempSync(join(tmpdir(), 'radtop-cli-'));
});

afterAll(() => {
	if (configDir) rmSync(configDir, {recursive: true, force: true});
});

interface Run extends CliRun {
	readonly stderrLines: string[];
}

async function radtop(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<Run> {
	const run = await runCli(args, {env: {RADTOP_CONFIG_DIR: configDir, ...extraEnv}, timeoutMs: TIMEOUT_MS});
	return {...run, stderrLines: run.stderr.split('\n').filter((line) => line !== '')};
}

/** radtop's main in this process: for help and usage errors, which need no database. */
async function inProcess(args: readonly string[]): Promise<Run> {
	const run = await runMainInProcess(args, {env: {RADTOP_CONFIG_DIR: configDir}});
	return {...run, stderrLines: run.stderr.split('\n').filter((line) => line !== '')};
}

/** Exactly one `radtop: ...` line on stderr, nothing on stdout, no stack frames. */
function expectOneErrorLine(run: Run): string {
	expect(run.stderrLines, run.stderr).toHaveLength(1);
	const line = run.stderrLines[0]!;
	expect(line).toMatch(/^radtop: \S/);
	expect(run.stderr).not.toMatch(/^\s+at /m);
	expect(run.stderr).not.toMatch(/Error:|node:internal|\.js:\d+/);
	expect(run.stdout).toBe('');
	return line;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

describe('radtop --help', () => {
	it('exits 0 and lists the commands', async () => {
		const run = await inProcess(['--help']);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('Usage');
		expect(run.stdout).toMatch(/Commands\s+sessions\s/);
		expect(run.stderr).toBe('');
	});

	it('sessions --help exits 0 and mentions every flag', async () => {
		const run = await inProcess(['sessions', '--help']);
		expect(run.code).toBe(0);
		expect(run.stderr).toBe('');
		const flags = Object.keys(SESSIONS_FLAGS).map(kebab);
		expect(flags).toContain('stale-after');
		for (const flag of flags) expect(run.stdout, `--${flag}`).toMatch(new RegExp(`--${flag}\\b`));
		for (const [name, spec] of Object.entries(SESSIONS_FLAGS)) {
			if ('shortFlag' in spec) expect(run.stdout, `-${spec.shortFlag} for --${name}`).toContain(`-${spec.shortFlag} `);
		}
	});
});

describe('usage errors exit 2 with one line', () => {
	it('an unknown flag', async () => {
		const run = await inProcess(['sessions', '--bogus']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toContain('--bogus');
	});

	it('an unknown short flag', async () => {
		const run = await inProcess(['sessions', '-x']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toContain('-x');
	});

	it('a limit that is not a number', async () => {
		const run = await inProcess(['sessions', '--limit', 'abc']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toContain('--limit');
	});

	it('a flag without its value', async () => {
		const run = await inProcess(['sessions', '--limit']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toContain('--limit needs a value');
	});

	it('a console interval outside 1s to 1h, even when the output is not a terminal', async () => {
		const tooLong = await inProcess(['--interval', '2h']);
		expect(tooLong.code).toBe(2);
		expect(expectOneErrorLine(tooLong)).toContain('--interval must be at most 1h');
		const fraction = await inProcess(['--interval', '1.5s']);
		expect(fraction.code).toBe(2);
		expect(expectOneErrorLine(fraction)).toContain('--interval must be a whole number of seconds');
	});

	it('a search term that does not read, named with its reason', async () => {
		const typo = await inProcess(['sessions', '--search', 'alice usr:bob']);
		expect(typo.code).toBe(2);
		expect(expectOneErrorLine(typo)).toContain('search term "usr:bob": unknown scope "usr:"');
		const time = await inProcess(['sessions', '--at', 'yesterday']);
		expect(time.code).toBe(2);
		expect(expectOneErrorLine(time)).toContain('--at must be a date like');
	});

	it('a status that does not exist', async () => {
		const run = await inProcess(['sessions', '--status', 'nope']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toContain('active, stale, closed, all');
	});

	it('a flag value carrying terminal escapes is shown, not executed', async () => {
		const run = await inProcess(['sessions', '--status', '\x1b]0;owned\x07']);
		expect(run.code).toBe(2);
		const line = expectOneErrorLine(run);
		expect(run.stderr).not.toContain('\x1b');
		expect(run.stderr).not.toContain('\x07');
		expect(line).toContain('(got "\\x1b]0;owned\\x07")');
	});

	it('an unknown command', async () => {
		const run = await inProcess(['frobnicate']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toContain('frobnicate');
	});

	it('a stray argument', async () => {
		const run = await inProcess(['sessions', 'alice']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toContain('unexpected argument "alice"');
	});

	it('--json with --csv', async () => {
		const run = await inProcess(['sessions', '--json', '--csv', '--db', 'postgres://u:hunter2secret@127.0.0.1:1/radius']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).not.toContain('hunter2secret');
	});
});

describe('an unreachable database exits 1 with one line and no password', () => {
	it('password in --db', async () => {
		const run = await radtop(['sessions', '--db', 'postgres://u:hunter2secret@127.0.0.1:1/radius']);
		expect(run.code).toBe(1);
		// First the warning that the password is visible to the host's other users, then the one error line.
		const [warning, ...rest] = run.stderrLines;
		expect(warning).toContain('the password in --db can be read by other users of this host');
		const line = expectOneErrorLine({...run, stderr: rest.join('\n'), stderrLines: rest});
		expect(line).toContain('connection refused');
		expect(line).toContain('u@127.0.0.1:1/radius');
		expect(run.stderr + run.stdout).not.toContain('hunter2secret');
	});

	it('password in PGPASSWORD', async () => {
		const run = await radtop(['sessions', '--db', 'postgres://u@127.0.0.1:1/x'], {PGPASSWORD: 'hunter2secret'});
		expect(run.code).toBe(1);
		expect(expectOneErrorLine(run)).toContain('connection refused');
		expect(run.stderr + run.stdout).not.toContain('hunter2secret');
	});

	it('password in DATABASE_URL', async () => {
		const run = await radtop(['sessions'], {DATABASE_URL: 'postgres://u:hunter2secret@127.0.0.1:1/radius'});
		expect(run.code).toBe(1);
		expect(expectOneErrorLine(run)).toContain('connection refused');
		expect(run.stderr + run.stdout).not.toContain('hunter2secret');
	});

	it('an invalid URL is a one-line usage error (exit 2) that does not echo it', async () => {
		const run = await radtop(['sessions', '--db', 'postgres://u:hunter2secret@[bad']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toContain('--db is not a valid postgres:// URL');
		expect(run.stderr).not.toContain('hunter2secret');
	});
});

describe('radtop without a terminal', () => {
	it('prints the open sessions of the demo network once instead of opening the console', async () => {
		// The first demo start on a machine builds the embedded network (tens of seconds); later ones copy it.
		const result = await runCli(['--demo'], {env: {RADTOP_CONFIG_DIR: configDir}, timeoutMs: 170_000});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toContain('not a terminal');
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^USER +NAS +FRAMED IP +MAC/);
		expect(lines.at(-1)).toMatch(/^50 of 3,\d{3} active sessions$/);
		expect(lines).toHaveLength(52);
	}, 180_000);
});
