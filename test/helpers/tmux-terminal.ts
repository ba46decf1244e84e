/**
 * A real terminal for end-to-end tests: the built CLI in a tmux pane of a fixed size, driven with send-keys and
 * read with capture-pane.
 *
 * The tmux server has its own socket (`-L radtop-test-<pid>`) and no config file, so it never touches a
 * user's tmux. The console runs under `sh -c '...; echo EXITED:$?; read'` in a pane that remains on exit, so
 * the screen the shell gets back and the exit code can be read after `q`. The child gets a minimal environment
 * (no CI variables: Ink renders differently in CI).
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, readFileSync, readlinkSync, realpathSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {expect} from 'vitest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
const SOCKET = `radtop-test-${process.pid}`;
export const FIRST_SCREEN_MS = 120_000;
export const STEP_MS = 15_000;
const POLL_MS = 150;
export const PRELAUNCH = 'PRELAUNCH-MARKER radtop e2e';

export const tmuxAvailable = spawnSync('tmux', ['-V'], {encoding: 'utf8'}).status === 0;
if (!tmuxAvailable) console.warn('console-tmux.test.ts: tmux is not installed, the end-to-end console tests are skipped');

export function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

/** `tmux new-session ...`, tried again (up to 3 times in all) while a server that is exiting refuses it. */
function newSession(...args: string[]): void {
	for (let attempt = 1; ; attempt++) {
		try {
			tmux(...args);
			return;
		} catch (error) {
			const stderr = `${(error as Error).message} ${String((error as {stderr?: unknown}).stderr ?? '')}`;
			if (attempt >= 3 || !/server exited unexpectedly|lost server|no server running/.test(stderr)) throw error;
			spawnSync('sleep', ['0.2']);
		}
	}
}

function shellQuote(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One console in one tmux session of a fixed size. */
export class Terminal {
	/** The tmux session's name: the test's, made unique per test process (two checkouts may test at once). */
	readonly name: string;

	constructor(
		name: string,
		readonly columns: number,
		readonly rows: number,
	) {
		this.name = `${name}-${process.pid}`;
	}

	/**
	 * Starts the console: `radtop --demo --demo-site north` (the demo's first site alone) and `args`; `demo: 'sites'`
	 * for both sites of the demo (`radtop --demo`); without `--demo` when `demo` is false (`args` then name the
	 * database; a command's `args`, as `sessions`, get `--demo` alone: only the console reads several sites).
	 * `env` is added to the minimal environment.
	 */
	start(
		args: readonly string[] = [],
		extraEnv: Readonly<Record<string, string>> = {},
		options: {readonly demo?: boolean | 'sites'} = {},
	): void {
		// Not cliEnv() of cli.ts: under tmux the console starts from `env -i`, with only what a terminal needs and a
		// fixed TERM and locale, so the screen is the same whoever runs the tests; nothing of the caller's
		// environment (no database variable, no SSH_CLIENT) reaches it unless listed here.
		const env: Record<string, string> = {
			PATH: process.env['PATH'] ?? '/usr/bin:/bin',
			HOME: process.env['HOME'] ?? '/tmp',
			TERM: 'screen',
			LANG: 'C.UTF-8',
		};
		if (process.env['XDG_CACHE_HOME']) env['XDG_CACHE_HOME'] = process.env['XDG_CACHE_HOME'];
		if (process.env['RADTOP_CONFIG_DIR']) env['RADTOP_CONFIG_DIR'] = process.env['RADTOP_CONFIG_DIR'];
		Object.assign(env, extraEnv);
		// After the console exits the shell prints its exit code and waits for a key (tmux 3.3 loses the main
		// screen's content when a remain-on-exit pane dies, so the screen is read before that), then exits
		// with the console's code, which the dead pane keeps.
		const script = `echo ${shellQuote(PRELAUNCH)}; ${shellQuote(process.execPath)} ${shellQuote(CLI)}${demoFlags(options.demo, args)}${args.map((arg) => ` ${shellQuote(arg)}`).join('')}; code=$?; echo EXITED:$code; read _; exit $code`;
		const command = `env -i ${Object.entries(env)
			.map(([key, value]) => shellQuote(`${key}=${value}`))
			.join(' ')} sh -c ${shellQuote(script)}`;
		// When the last session of this socket was just killed, its server may still be exiting and refuse the new
		// one ("server exited unexpectedly"): a new server is started by trying again.
		newSession(
			'new-session',
			'-d',
			'-s',
			this.name,
			'-x',
			String(this.columns),
			'-y',
			String(this.rows),
			'-c',
			ROOT,
			command,
			';',
			'set-option',
			'-w',
			'-t',
			this.name,
			'remain-on-exit',
			'on',
		);
	}

	/** The screen as text, `rows` lines; `joined` joins lines the terminal wrapped (a too-long line shows as one). */
	capture(joined = false): string[] {
		const text = tmux('capture-pane', '-p', ...(joined ? ['-J'] : []), '-t', this.name);
		const lines = text.replace(/\n$/, '').split('\n');
		return lines;
	}

	screen(): string {
		return this.capture().join('\n');
	}

	keys(...keys: string[]): void {
		tmux('send-keys', '-t', this.name, ...keys);
	}

	type(text: string): void {
		tmux('send-keys', '-t', this.name, '-l', text);
	}

	/** Polls the screen until `check` returns a value (not undefined/false), or fails showing the last screen. */
	async waitFor<T>(what: string, check: (lines: string[], text: string) => T | undefined | false, timeoutMs = STEP_MS): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		let lines: string[] = [];
		for (;;) {
			lines = this.capture();
			const result = check(lines, lines.join('\n'));
			if (result !== undefined && result !== false) return result;
			if (Date.now() > deadline) break;
			await sleep(POLL_MS);
		}
		throw new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${lines.join('\n')}`);
	}

	/** The frame's invariants: no line wider than the terminal, nothing on the last row (rows-1 lines at most). */
	assertFits(): void {
		const joined = this.capture(true);
		for (const line of joined) {
			const width = [...line.trimEnd()].length;
			expect(width, `line wider than ${this.columns} columns:\n${line}`).toBeLessThanOrEqual(this.columns);
		}
		const lines = this.capture();
		expect(lines.length, 'capture height').toBe(this.rows);
		expect(lines[this.rows - 1]!.trim(), `the last row should stay empty (frame taller than rows-1):\n${lines.join('\n')}`).toBe('');
	}
}

/** The table's rows (lines below the column heads up to the status line) and the heads line. */
export function tableOf(lines: string[]): {head: string; rows: string[]} | undefined {
	const headIndex = lines.findIndex((line) => /^\s+USER\s+NAS\s+[A-Z]/.test(line));
	if (headIndex === -1) return undefined;
	const statusIndex = lines.findIndex((line, index) => index > headIndex && /^(database|[a-z].*·)/.test(line) && !/^\s/.test(line));
	const end = statusIndex === -1 ? lines.length : statusIndex;
	const rows = lines.slice(headIndex + 1, end).filter((line) => /^[▸● ~]/.test(line) && line.trim() !== '' && !line.includes('loading'));
	return {head: lines[headIndex]!, rows};
}

/** A left-aligned cell of a row: from its column head's position to the next space. */
export function cell(head: string, row: string, title: string): string {
	const at = head.indexOf(title);
	if (at === -1) throw new Error(`no column ${title} in ${head}`);
	return row.slice(at).split(/\s+/)[0] ?? '';
}

/** A right-aligned cell as wide as its column head (DURATION): the text under the head's span. */
export function rightCell(head: string, row: string, title: string): string {
	const at = head.indexOf(title);
	if (at === -1) throw new Error(`no column ${title} in ${head}`);
	return row.slice(at, at + title.length).trim();
}

/** Seconds of a duration as the table shows it ("0s", "4m07s", "2h03m", "1d04h"), to their shown precision. */
export function durationSeconds(text: string): number {
	const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
	if (!match || text === '') throw new Error(`not a duration: "${text}"`);
	const [, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
	return days! * 86_400 + hours! * 3600 + minutes! * 60 + seconds!;
}

export const statusLine = (lines: string[]) => lines.find((line) => line.startsWith('database: ok')) ?? '';
export const filterLine = (lines: string[]) => lines.find((line) => line.startsWith('/ ')) ?? '';

/** The first screen with data: header, stats, heads, a cursor row (▸, then the row's mark or a space), status. */
export function firstScreenReady(lines: string[], text: string): boolean {
	return (
		lines[0]!.startsWith('radtop') &&
		/online/.test(text) &&
		/database: ok · [\d,]+ of [\d,]+/.test(text) &&
		lines.some((line) => /^▸[A-Z ] /.test(line))
	);
}

/** The pid of the radtop process under a pane: the Node process below the pane's shell (radtop renames its process). */
export function radtopPid(term: Terminal): number {
	const pane = Number(tmux('display-message', '-p', '-t', term.name, '#{pane_pid}').trim());
	const children = (pid: number): number[] => {
		try {
			return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
		} catch {
			return [];
		}
	};
	const queue = [pane];
	while (queue.length > 0) {
		const pid = queue.shift()!;
		let executable = '';
		try {
			executable = readlinkSync(`/proc/${pid}/exe`);
		} catch {
			// gone
		}
		if (executable === realpathSync(process.execPath)) return pid;
		queue.push(...children(pid));
	}
	throw new Error(`no radtop process under pane ${pane}`);
}

/** The process runs (it exists and is not a zombie). */
export function processAlive(pid: number): boolean {
	return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
}

/** The demo's flags before `args`: see {@link Terminal.start}. */
function demoFlags(demo: boolean | 'sites' | undefined, args: readonly string[]): string {
	if (demo === false) return '';
	const command = args[0] !== undefined && !args[0].startsWith('-');
	return demo === 'sites' || command ? ' --demo' : ' --demo --demo-site north';
}
