/**
 * The console's flag mistakes on a real terminal (tmux): exit 2 at once, with nothing opened first. The database
 * URL points at a listener on loopback that accepts and never answers, so a console that connected before
 * checking its flags would be seen there, and would wait for it.
 *
 * The tmux server has its own socket and no config file, so it never touches a user's tmux.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {startSilentDatabase, type SilentDatabase} from '../helpers/silent-database.js';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SOCKET = `radtop-flags-test-${process.pid}`;

const tmuxAvailable = spawnSync('tmux', ['-V'], {encoding: 'utf8'}).status === 0;
if (!tmuxAvailable) console.warn('console-flags-tmux.test.ts: tmux is not installed, the terminal flag tests are skipped');

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let silent: SilentDatabase | undefined;
let silentDb: string;
let windows = 0;

/** Runs `radtop ARGS` in a fresh tmux session on a terminal; returns its name. */
function start(args: readonly string[]): string {
	const name = `flags${++windows}`;
	const env = {
		PATH: process.env['PATH'] ?? '/usr/bin:/bin',
		HOME: dir,
		TERM: 'screen',
		LANG: 'C.UTF-8',
		RADTOP_CONFIG_DIR: join(dir, 'radtop'),
	};
	const script = `${quote(process.execPath)} ${quote(CLI)} ${args.map(quote).join(' ')}; echo EXITED:$?; sleep 30`;
	const command = `env -i ${Object.entries(env)
		.map(([key, value]) => quote(`${key}=${value}`))
		.join(' ')} sh -c ${quote(script)}`;
	tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '20', command);
	return name;
}

const screen = (name: string): string => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', name);

/** Waits for the exit line; returns the screen and how long it took. */
async function waitForExit(name: string, timeoutMs = 15_000): Promise<{shown: string; ms: number}> {
	const started = Date.now();
	for (;;) {
		const shown = screen(name);
		if (/EXITED:\d+/.test(shown)) return {shown, ms: Date.now() - started};
		if (Date.now() - started > timeoutMs) throw new Error(`radtop did not exit:\n${shown}`);
		await sleep(50);
	}
}

beforeAll(async () => {
	if (!tmuxAvailable) return;
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with "npm run build" (npm test does it)`);
	dir = mkdtempSync(join(tmpdir(), 'radtop-flags-'));
	silent = await startSilentDatabase();
	silentDb = silent.url;
});

afterAll(async () => {
	if (tmuxAvailable) {
		try {
			tmux('kill-server');
		} catch {
			// no server left
		}
	}
	await silent?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

describe.skipIf(!tmuxAvailable)('console flags on a terminal', () => {
	it.each([
		[['--stale-after', '0'], 'radtop: --stale-after must be at least 1s'],
		[['--interval', '0'], 'radtop: --interval must be at least 1s'],
		[['--interval', '5', '--interval', '6'], 'radtop: --interval given twice (see radtop --help)'],
		[['--read-only=maybe'], 'radtop: --read-only takes no value (or =true, =false) (see radtop --help)'],
	])('radtop %j exits 2 at once, connecting to nothing', async (args, message) => {
		silent!.reset();
		const name = start([...args, '--db', silentDb]);
		const {shown, ms} = await waitForExit(name);
		expect(shown).toContain(`${message}\nEXITED:2`);
		expect(silent!.connections).toBe(0);
		// Node's start-up included; a database connection or an idle pool would hold it for seconds.
		expect(ms).toBeLessThan(3000);
	});

	it('radtop --demo with a bad flag builds no demo database', async () => {
		const name = start(['--demo', '--stale-after', '-1m']);
		const {shown, ms} = await waitForExit(name);
		expect(shown).toContain('EXITED:2');
		expect(shown).not.toContain('demo');
		expect(ms).toBeLessThan(3000);
	});
});
