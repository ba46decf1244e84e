/**
 * The secret prompts in a real terminal (tmux): what is typed never reaches the screen, the config file gets
 * it, and the terminal echoes again afterwards, also after Ctrl-C.
 *
 * The tmux server has its own socket and no config file, so it never touches a user's tmux. Each command runs
 * under `sh -c '...; echo EXITED:$?; read line; echo "READ:$line"'`: `read` shows whether the terminal echoes
 * again after radtop exits.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {StoredConfig} from '../../source/config/profile.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SOCKET = `radtop-prompt-test-${process.pid}`;
const STEP_MS = 15_000;

const tmuxAvailable = spawnSync('tmux', ['-V'], {encoding: 'utf8'}).status === 0;
if (!tmuxAvailable) console.warn('secret-prompt-tmux.test.ts: tmux is not installed, the terminal prompt tests are skipped');

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let configDir: string;
let sessions = 0;

/** Runs `radtop ARGS` in a fresh tmux window; returns its name. */
function start(args: readonly string[]): string {
	const name = `prompt${++sessions}`;
	// As in tmux-terminal.ts: `env -i` and only what a terminal needs, not cliEnv().
	const env = {
		PATH: process.env['PATH'] ?? '/usr/bin:/bin',
		HOME: process.env['HOME'] ?? '/tmp',
		TERM: 'screen',
		LANG: 'C.UTF-8',
		RADTOP_CONFIG_DIR: configDir,
	};
	const script = `${quote(process.execPath)} ${quote(CLI)} ${args.map(quote).join(' ')}; echo EXITED:$?; read line; echo "READ:$line"; sleep 30`;
	const command = `env -i ${Object.entries(env)
		.map(([key, value]) => quote(`${key}=${value}`))
		.join(' ')} sh -c ${quote(script)}`;
	tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '20', command);
	return name;
}

/** Everything the pane shows, scrollback included. */
const screen = (name: string): string => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', name);

async function waitFor(name: string, text: string): Promise<string> {
	const deadline = Date.now() + STEP_MS;
	for (;;) {
		const shown = screen(name);
		if (shown.includes(text)) return shown;
		if (Date.now() > deadline) throw new Error(`"${text}" did not appear:\n${shown}`);
		await sleep(100);
	}
}

/** Types text literally, then Enter. */
function type(name: string, text: string): void {
	tmux('send-keys', '-t', name, '-l', text);
	tmux('send-keys', '-t', name, 'Enter');
}

const stored = (): StoredConfig => JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as StoredConfig;

beforeAll(() => {
	if (!tmuxAvailable) return;
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with "npx tsc -p tsconfig.build.json" (npm test does it)`);
	dir = mkdtempSync(join(tmpdir(), 'radtop-prompt-'));
	configDir = join(dir, 'radtop');
});

afterAll(() => {
	if (tmuxAvailable) {
		try {
			tmux('kill-server');
		} catch {
			// no server left: every session had already ended
		}
	}
	if (dir) rmSync(dir, {recursive: true, force: true});
});

describe.skipIf(!tmuxAvailable)('secret prompts in a terminal', () => {
	it('nas add asks for the secret and the API password twice each, shows none of it, and stores them', async () => {
		const secret = 'Sup3r-Secret-bng2';
		const password = 'Api-Pass-77';
		const name = start(['nas', 'add', '10.20.0.2', '--name', 'bng-2', '--vendor', 'mikrotik', '--api-user', 'radtop']);
		await waitFor(name, 'RADIUS secret for bng-2: ');
		type(name, secret);
		await waitFor(name, 'RADIUS secret again: ');
		type(name, secret);
		await waitFor(name, 'RouterOS API password of radtop on bng-2: ');
		type(name, password);
		await waitFor(name, 'API password again: ');
		type(name, password);
		const shown = await waitFor(name, 'EXITED:0');
		expect(shown).toContain(
			'added bng-2 (10.20.0.2) in profile "default": CoA 10.20.0.2:3799, mikrotik, secret set (config), API radtop@10.20.0.2:8728',
		);
		expect(shown).not.toContain(secret);
		expect(shown).not.toContain(password);
		expect(shown).not.toMatch(/\*{3}/);
		expect(stored().profiles?.['default']?.nas?.['10.20.0.2']).toMatchObject({secret, api: {user: 'radtop', password}});
		expect(statSync(join(configDir, 'config.json')).mode & 0o777).toBe(0o600);
		// The terminal echoes again.
		type(name, 'echo-is-back');
		await waitFor(name, 'READ:echo-is-back');
		expect(screen(name)).toMatch(/^echo-is-back$/m);
	});

	it('two different entries change nothing (exit 2); Ctrl-C cancels (exit 1) and gives the terminal back', async () => {
		const before = readFileSync(join(configDir, 'config.json'), 'utf8');
		const typo = start(['nas', 'set', 'bng-2', '--secret-stdin']);
		await waitFor(typo, 'RADIUS secret for bng-2: ');
		type(typo, 'first-try');
		await waitFor(typo, 'again: ');
		type(typo, 'first-tyr');
		const shown = await waitFor(typo, 'EXITED:2');
		expect(shown).toContain('radtop: the two RADIUS secrets typed differ: nothing was changed');
		expect(shown).not.toContain('first-t');

		const cancelled = start(['nas', 'add', '10.20.0.3', '--name', 'bng-3']);
		await waitFor(cancelled, 'RADIUS secret for bng-3: ');
		tmux('send-keys', '-t', cancelled, '-l', 'half-typed');
		tmux('send-keys', '-t', cancelled, 'C-c');
		const after = await waitFor(cancelled, 'EXITED:1');
		expect(after).toContain('radtop: cancelled: nothing was changed');
		expect(after).not.toContain('half-typed');
		type(cancelled, 'still-echoing');
		await waitFor(cancelled, 'READ:still-echoing');
		expect(screen(cancelled)).toMatch(/^still-echoing$/m);
		expect(readFileSync(join(configDir, 'config.json'), 'utf8')).toBe(before);
	});

	it('config set database prompts without echo; config get shows the URL without the password', async () => {
		const url = 'postgres://radtop:Db-Pa55-x1@db1.example:5432/radius';
		const name = start(['config', 'set', 'database', '--profile', 'noc']);
		await waitFor(name, 'database URL for profile "noc" (not echoed): ');
		type(name, url);
		const shown = await waitFor(name, 'EXITED:0');
		expect(shown).toContain('profile "noc": database = postgres://radtop@db1.example:5432/radius (password stored, not shown)');
		expect(shown).not.toContain('Db-Pa55-x1');
		expect(stored().profiles?.['noc']?.database).toBe(url);
	});
});
