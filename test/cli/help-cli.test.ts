/**
 * Every command's --help: an example, and the exit codes as its last line. Help and usage errors are run
 * in-process; the failures that come after a command starts, from the built CLI (`npm run build` first).
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli, runMainInProcess} from '../helpers/cli.js';

const help = (args: readonly string[]) => runMainInProcess([...args, '--help']);

describe('--help', () => {
	const commands = [[], ['sessions'], ['disconnect'], ['simulate'], ['nas'], ['config']];

	it.each(commands.map((command) => [command.join(' ') || '(console)', command] as const))(
		'%s: usage, an example, the exit codes last',
		async (_name, command) => {
			const run = await help(command);
			expect(run.code).toBe(0);
			expect(run.stderr).toBe('');
			expect(run.stdout).toMatch(/Usage\n\s+\$ radtop/);
			expect(run.stdout).toMatch(/Examples\n\s+\$ radtop \S/);
			const paragraphs = run.stdout.trim().split(/\n\s*\n/);
			const last = paragraphs.at(-1)!.replace(/\s+/g, ' ').trim();
			expect(last).toMatch(/^Exit codes: 0 .+, 1 .+, 2 usage error/);
			// The commands that can end in a partial failure say so.
			if (['', 'disconnect', 'nas'].includes(command.join(' '))) expect(last).toMatch(/, 3 partial failure/);
		},
	);

	it("sub-command help is the command's, with every sub-command", async () => {
		for (const [command, sub] of [
			['nas', 'add'],
			['nas', 'list'],
			['config', 'set'],
		] as const) {
			const run = await help([command, sub]);
			expect(run.code).toBe(0);
			expect(run.stdout).toMatch(/^\n {2}Usage\n/);
			expect((await help([command])).stdout).toContain(run.stdout.trim());
		}
		for (const sub of ['list', 'add', 'set', 'remove']) expect((await help(['nas'])).stdout).toContain(`$ radtop nas ${sub}`);
		for (const sub of ['get', 'set', 'unset', 'profiles', 'set-default', 'path'])
			expect((await help(['config'])).stdout).toContain(`$ radtop config ${sub}`);
	});
});

describe('--help, -h and --version anywhere before --', () => {
	it('print the help and run nothing, even for a command that writes or sends', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'radtop-help-'));
		try {
			const file = join(dir, 'config.json');
			const config = {
				defaultProfile: 'default',
				profiles: {default: {interval: 5, nas: {'10.20.0.9': {ip: '10.20.0.9', name: 'bng-x', coaPort: 3799}}}},
			};
			writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, {mode: 0o600});
			const before = readFileSync(file, 'utf8');
			const env = {RADTOP_CONFIG_DIR: dir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none'};
			for (const args of [
				['config', 'set', 'interval', '9', '-h'],
				['config', '--help', 'set', 'interval', '9'],
				['nas', 'remove', 'bng-x', '-h'],
				['nas', 'set', 'bng-x', '--coa-port', '1700', '--help'],
				['doctor', '--nas', 'bng-x', '--help'],
				['disconnect', '--demo', '--user', 'u', '--dry-run', '--help'],
				['sessions', '--demo', '-h'],
				['--demo', '--help'],
			]) {
				const result = await runMainInProcess(args, {env});
				expect(result.code, args.join(' ')).toBe(0);
				expect(result.stderr, args.join(' ')).toBe('');
				expect(result.stdout, args.join(' ')).toMatch(/Usage\n\s+\$ radtop/);
				const command = args[0]!.startsWith('-') ? '' : args[0]!;
				if (command) expect(result.stdout, args.join(' ')).toContain(`$ radtop ${command}`);
			}
			expect(readFileSync(file, 'utf8')).toBe(before);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('--version prints the version and runs nothing', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'radtop-version-'));
		try {
			for (const args of [
				['--version'],
				['config', 'set', 'interval', '9', '--version'],
				['doctor', '--nas', 'bng-x', '--version'],
			]) {
				const result = await runMainInProcess(args, {env: {RADTOP_CONFIG_DIR: dir}});
				expect(result.code, args.join(' ')).toBe(0);
				expect(result.stdout.trim(), args.join(' ')).toMatch(/^\d+\.\d+\.\d+$/);
			}
			expect(existsSync(join(dir, 'config.json'))).toBe(false);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('after -- they are words, not flags', async () => {
		const result = await runMainInProcess(['sessions', '--', '--help']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('unexpected argument "--help"');
	});
});

describe('the main help on --db, --profile and --demo', () => {
	it('names the commands that take them, as they do', async () => {
		const text = (await help([])).stdout.replace(/\s+/g, ' ');
		expect(text).not.toContain('every command');
		expect(text).toContain('The console, sessions, user, export, disconnect, sweep, doctor and nas list take all three;');
		expect(text).toContain('simulate takes --db and --profile; config and nas add/set/remove take only --profile');
		const dir = mkdtempSync(join(tmpdir(), 'radtop-help-'));
		try {
			for (const args of [
				['config', 'get', '--demo'],
				['config', 'get', '--db', 'postgres://x@h/db'],
				['simulate', '--demo'],
			]) {
				const result = await runMainInProcess(args, {env: {RADTOP_CONFIG_DIR: dir}});
				expect(result.code, args.join(' ')).toBe(2);
			}
			// The nas sub-commands refuse these flags once they have read their words.
			for (const args of [
				['nas', 'remove', 'bng-x', '--demo'],
				['nas', 'add', '10.0.0.1', '--no-secret', '--db', 'postgres://x@h/db'],
			]) {
				const result = await runMainInProcess(args, {env: {RADTOP_CONFIG_DIR: dir}});
				expect(result.code, args.join(' ')).toBe(2);
				expect(result.stderr, args.join(' ')).toMatch(/^radtop: --(demo|db) [^\n]+\n$/);
			}
			expect(existsSync(join(dir, 'config.json'))).toBe(false);
			for (const args of [
				['sessions', '--demo', '--profile', 'nope'],
				['nas', 'list', '--demo', '--profile', 'nope'],
			]) {
				// Known flags: the failure is the missing profile, not a usage error (from a command that has started).
				const result = await runCli(args, {env: {RADTOP_CONFIG_DIR: dir}});
				expect(result.stderr, args.join(' ')).toMatch(/no profile "nope"/);
			}
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
