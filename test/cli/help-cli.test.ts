/**
 * Every command's --help, as printed by the built CLI: an example, and the exit codes as its last line.
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist', 'cli.js');

function help(args: readonly string[]): {status: number | null; stdout: string; stderr: string} {
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with "npx tsc -p tsconfig.build.json" (npm test does it)`);
	const result = spawnSync(process.execPath, [CLI, ...args, '--help'], {cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: {...process.env, NO_COLOR: '1'}});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('--help', () => {
	const commands = [[], ['sessions'], ['disconnect'], ['simulate'], ['nas'], ['config']];

	it.each(commands.map((command) => [command.join(' ') || '(console)', command] as const))('%s: usage, an example, the exit codes last', (_name, command) => {
		const run = help(command);
		expect(run.status).toBe(0);
		expect(run.stderr).toBe('');
		expect(run.stdout).toMatch(/Usage\n\s+\$ radtop/);
		expect(run.stdout).toMatch(/Examples\n\s+\$ radtop \S/);
		const paragraphs = run.stdout.trim().split(/\n\s*\n/);
		const last = paragraphs.at(-1)!.replace(/\s+/g, ' ').trim();
		expect(last).toMatch(/^Exit codes: 0 .+, 1 .+, 2 usage error/);
		// The commands that can end in a partial failure say so.
		if (['', 'disconnect', 'nas'].includes(command.join(' '))) expect(last).toMatch(/, 3 partial failure/);
	});

	it('sub-command help is the command\'s, with every sub-command', () => {
		for (const [command, sub] of [['nas', 'add'], ['nas', 'list'], ['config', 'set']] as const) {
			const run = help([command, sub]);
			expect(run.status).toBe(0);
			expect(run.stdout).toMatch(/^\n {2}Usage\n/);
			expect(help([command]).stdout).toContain(run.stdout.trim());
		}
		for (const sub of ['list', 'add', 'set', 'remove']) expect(help(['nas']).stdout).toContain(`$ radtop nas ${sub}`);
		for (const sub of ['get', 'set', 'unset', 'profiles', 'set-default', 'path']) expect(help(['config']).stdout).toContain(`$ radtop config ${sub}`);
	});
});
