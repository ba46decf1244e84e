/**
 * End to end: a whole-NAS disconnect from the demo console (tmux, 80x24) stopped by a signal mid-run, as when
 * the operator's SSH session drops (the terminal hangs up: SIGHUP, and every write to it fails) or a service
 * manager sends SIGTERM. Either way the console quits as `q` does: the requests in flight finish, the rest are
 * not sent, and the closing audit record is written; `radtop audit` reads the run back as complete.
 */
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, processAlive, radtopPid, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const RUN_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface AuditRecord {
	readonly event: string;
	readonly actionId: string;
	readonly aborted?: boolean;
	readonly sessions?: ReadonlyArray<{readonly radacctid: string; readonly outcome?: string}>;
	readonly totals?: Readonly<Partial<Record<string, number>>>;
}

function records(auditLog: string): AuditRecord[] {
	if (!existsSync(auditLog)) return [];
	return readFileSync(auditLog, 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as AuditRecord);
}

/** Starts the demo console, opens X on the first NAS of the picker, confirms, waits for progress. */
async function startWholeNasDisconnect(term: Terminal, state: string): Promise<{pid: number; nas: string}> {
	term.start(['--interval', '1'], {XDG_STATE_HOME: state});
	await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	term.keys('X');
	await term.waitFor('the NAS picker', (_lines, text) => text.includes('disconnect every session of which NAS?'));
	term.keys('Home', 'Enter');
	const nas = await term.waitFor(
		'the typed confirmation',
		(_lines, text) => /type the NAS name \(([\w-]+)\) to confirm:/.exec(text)?.[1],
	);
	term.type(nas);
	term.keys('Enter');
	// Well into the run (the console sends 200 a second), but not near its end.
	await term.waitFor(
		'the progress view',
		(_lines, text) => {
			const progress = /Disconnecting ([\d,]+)\/([\d,]+)/.exec(text);
			return progress !== null && Number(progress[1]!.replace(/,/g, '')) >= 40;
		},
		RUN_MS,
	);
	return {pid: radtopPid(term), nas};
}

/** The run's records once its end record is there (or what there is after `timeoutMs`). */
async function finishedRun(auditLog: string, timeoutMs = 30_000): Promise<AuditRecord[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const all = records(auditLog);
		if (all.some((record) => record.event === 'disconnect.end') || Date.now() > deadline) return all;
		await sleep(200);
	}
}

function checkStoppedRun(all: readonly AuditRecord[]): AuditRecord {
	const begin = all.find((record) => record.event === 'disconnect.begin')!;
	const end = all.find((record) => record.event === 'disconnect.end');
	expect(begin, 'the begin record').toBeDefined();
	expect(end, 'the end record').toBeDefined();
	expect(end!.actionId).toBe(begin.actionId);
	expect(end!.aborted).toBe(true);
	// Every planned session has its outcome: some sent, the rest not sent.
	expect(end!.sessions!.map((session) => session.radacctid).sort()).toEqual(begin.sessions!.map((session) => session.radacctid).sort());
	expect((end!.totals!['coa'] ?? 0) + (end!.totals!['api'] ?? 0)).toBeGreaterThanOrEqual(40);
	expect(end!.totals!['not_sent'] ?? 0).toBeGreaterThan(0);
	expect(all.some((record) => record.event === 'disconnect.progress')).toBe(true);
	return end!;
}

describe.skipIf(!tmuxAvailable)('a console disconnect stopped by a signal, in tmux', () => {
	const states: string[] = [];
	const terms: Terminal[] = [];

	afterAll(() => {
		for (const term of terms) {
			try {
				tmux('kill-session', '-t', term.name);
			} catch {
				// already gone
			}
		}
		for (const state of states) rmSync(state, {recursive: true, force: true});
	});

	it(
		'SIGTERM: the run stops as on q, the summary is left on the screen, exit 3',
		async () => {
			if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
			const state = mkdtempSync(join(tmpdir(), 'radtop-e2e-signal-'));
			states.push(state);
			const term = new Terminal('sigterm', 80, 24);
			terms.push(term);
			const {pid} = await startWholeNasDisconnect(term, state);
			process.kill(pid, 'SIGTERM');
			const screen = await term.waitFor('the exit', (_lines, text) => text.includes('EXITED:') && text, RUN_MS);
			expect(screen).toContain('EXITED:3');
			expect(screen.replace(/\n/g, '')).toMatch(
				/radtop: SIGTERM: the disconnect was stopped, requests in flight finished, the rest not sent/,
			);
			const auditLog = join(state, 'radtop', 'audit.log');
			const end = checkStoppedRun(records(auditLog));
			const audit = await runCli(['audit', '--json', '--audit-log', auditLog]);
			expect(audit.code, audit.stderr).toBe(0);
			const [run] = (JSON.parse(audit.stdout) as {runs: Array<{actionId: string; status: string; stopped: boolean}>}).runs;
			expect(run).toMatchObject({actionId: end.actionId, status: 'complete', stopped: true});
		},
		FIRST_SCREEN_MS + RUN_MS * 3,
	);

	it(
		'SIGHUP with the terminal gone (the tmux session killed, as when SSH drops): the end record is still written',
		async () => {
			const state = mkdtempSync(join(tmpdir(), 'radtop-e2e-signal-'));
			states.push(state);
			const term = new Terminal('sighup', 80, 24);
			terms.push(term);
			const {pid} = await startWholeNasDisconnect(term, state);
			// The pane's terminal hangs up: its processes get SIGHUP, and every later write to it fails.
			tmux('kill-session', '-t', term.name);
			const auditLog = join(state, 'radtop', 'audit.log');
			checkStoppedRun(await finishedRun(auditLog));
			const deadline = Date.now() + 30_000;
			while (processAlive(pid) && Date.now() < deadline) await sleep(200);
			expect(processAlive(pid), 'radtop is still running after the hangup').toBe(false);
			// Nothing half-written, no stray file beside the log.
			expect(readdirSync(join(state, 'radtop'))).toEqual(['audit.log']);
		},
		FIRST_SCREEN_MS + RUN_MS * 3,
	);
});
