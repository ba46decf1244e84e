/**
 * End to end: a whole-NAS disconnect of 1,000 sessions from the console (tmux, 80x24, a real database), against
 * a NAS on loopback that counts what it receives and answers each request after a delay, stopped mid-run by
 * SIGHUP (the tmux session killed: the terminal hangs up), SIGTERM, SIGKILL, or the operator's `q`. Then
 * `radtop audit --json` is read and held against the NAS's own count of requests received: exactly for SIGHUP,
 * SIGTERM and q (the requests in flight finish, the rest are not sent, the end record is written), within one
 * progress batch (100) for SIGKILL, which leaves no end record.
 */
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type pg from 'pg';
import {runCli} from '../helpers/cli.js';
import {distinctRequestsSince, startSlowAckNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, processAlive, radtopPid, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';
import {insertBulk} from '../disconnect/fixtures.js';

const SECRET = 'console-signal-Secret-1';
const SESSIONS = 1000;
/** The NAS answers each request this long after it came, so the run lasts several seconds. */
const ANSWER_DELAY_MS = 150;
/** Requests the NAS has received when the run is stopped. */
const STOP_AFTER = 250;
const RUN_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface AuditListRun {
	readonly kind: string;
	readonly actionId: string;
	readonly status: 'complete' | 'interrupted';
	readonly stopped: boolean;
	readonly planned: number;
	readonly sent: number;
	readonly outcomes: Record<string, number>;
	readonly inFlight: number;
	readonly notReachedCount: number;
}

let database: TestDatabase;
let nas: FakeCoaNas;
let dir: string;
let configDir: string;
const terms: Terminal[] = [];

/** Run on the PostgreSQL server of CI: the console and its disconnect hold several connections at once. */
const realServer = Boolean(process.env['DATABASE_URL']);

beforeAll(async () => {
	if (!tmuxAvailable || !realServer) return;
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
	database = await createTestDatabase();
	nas = await startSlowAckNas(SECRET, ANSWER_DELAY_MS);
	dir = mkdtempSync(join(tmpdir(), 'radtop-console-count-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	const override = {ip: '10.20.0.1', name: 'bng-1', secret: SECRET, coaHost: nas.address, coaPort: nas.port, vendor: 'mikrotik'};
	writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles: {sig: {nas: {'bng-1': override}}}}), {mode: 0o600});
}, 60_000);

afterAll(async () => {
	for (const term of terms) {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
	}
	await nas?.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

/** Distinct requests (first copies that verified) the NAS received from index `from` on. */
const requestsSince = (from: number): number => distinctRequestsSince(nas, from);

async function gone(pid: number): Promise<void> {
	const deadline = Date.now() + 30_000;
	while (processAlive(pid) && Date.now() < deadline) await sleep(100);
	expect(processAlive(pid), 'radtop is still running').toBe(false);
}

/** Fresh sessions on bng-1, the console on them, X on bng-1 confirmed; resolves once the NAS has seen STOP_AFTER. */
async function startRun(label: string): Promise<{term: Terminal; pid: number; from: number; auditLog: string}> {
	const db = (database.pglite ?? database.pool) as unknown as pg.Pool;
	await db.query(`DELETE FROM radacct`);
	await insertBulk(db, SESSIONS, '10.20.0.1', label);
	const auditLog = join(dir, `state-${label}`, 'radtop', 'audit.log');
	const term = new Terminal(`count-${label}`, 80, 24);
	terms.push(term);
	term.start(
		['--db', database.url, '--profile', 'sig', '--interval', '2'],
		{RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, `state-${label}`)},
		{demo: false},
	);
	await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	term.keys('X');
	await term.waitFor('the NAS picker', (_lines, text) => text.includes('disconnect every session of which NAS?'));
	term.keys('Home', 'Enter');
	await term.waitFor('the typed confirmation', (_lines, text) => text.includes('type the NAS name (bng-1) to confirm:'));
	const from = nas.received.length;
	term.type('bng-1');
	term.keys('Enter');
	await nas.waitForRequests(from + STOP_AFTER);
	expect(requestsSince(from), 'the run was over before it was stopped').toBeLessThan(SESSIONS);
	return {term, pid: radtopPid(term), from, auditLog};
}

async function auditOf(auditLog: string): Promise<AuditListRun[]> {
	const run = await runCli(['audit', '--json', '--audit-log', auditLog], {env: {RADTOP_CONFIG_DIR: configDir}});
	expect(run.code, run.stderr).toBe(0);
	return (JSON.parse(run.stdout) as {runs: AuditListRun[]}).runs;
}

/** The one run of the log, complete and stopped, with exactly as many sent as the NAS received. */
async function expectStoppedExactly(auditLog: string, received: number): Promise<void> {
	const runs = await auditOf(auditLog);
	expect(runs).toHaveLength(1);
	const run = runs[0]!;
	expect(run).toMatchObject({kind: 'disconnect', status: 'complete', stopped: true, planned: SESSIONS, inFlight: 0, notReachedCount: 0});
	expect(run.sent, `logged ${run.sent} sent, the NAS received ${received}`).toBe(received);
	expect(run.outcomes['coa']).toBe(received);
	expect(run.outcomes['not_sent']).toBe(SESSIONS - received);
}

describe.skipIf(!tmuxAvailable || !realServer)("a console disconnect stopped mid-run, held against the NAS's count", () => {
	it(
		'SIGTERM: exit 3, the summary on stderr, the audit log matches the NAS exactly',
		async () => {
			const {term, pid, from, auditLog} = await startRun('term');
			process.kill(pid, 'SIGTERM');
			const screen = await term.waitFor('the exit', (_lines, text) => text.includes('EXITED:') && text, RUN_MS);
			expect(screen).toContain('EXITED:3');
			expect(screen.replace(/\s+/g, '')).toMatch(/radtop:SIGTERM:thedisconnectwasstopped,requestsinflightfinished,therestnotsent/);
			await gone(pid);
			await sleep(ANSWER_DELAY_MS * 2);
			await expectStoppedExactly(auditLog, requestsSince(from));
		},
		FIRST_SCREEN_MS + RUN_MS * 3,
	);

	it(
		'SIGHUP with the terminal gone (the tmux session killed, as when SSH drops): the audit log matches exactly',
		async () => {
			const {term, pid, from, auditLog} = await startRun('hup');
			tmux('kill-session', '-t', term.name);
			await gone(pid);
			await expectStoppedExactly(auditLog, requestsSince(from));
		},
		FIRST_SCREEN_MS + RUN_MS * 3,
	);

	it(
		'q asks first (n keeps the run), then y: the run stops, exit 3, the summary printed once the screen is gone, the audit log matches exactly',
		async () => {
			const {term, pid, from, auditLog} = await startRun('quit');
			term.keys('q');
			const asked = await term.waitFor('the question', (lines) => lines.find((line) => line.includes('stop it and quit? y/N')));
			expect(asked).toMatch(/^a disconnect is running \([\d,]+\/1,000\): stop it and quit\? y\/N/);
			term.keys('n');
			await term.waitFor('the answer no', (lines) => lines.some((line) => line.startsWith('the disconnect goes on')));
			expect(processAlive(pid), 'n quit radtop').toBe(true);
			term.keys('q');
			await term.waitFor('the question again', (lines) => lines.some((line) => line.includes('stop it and quit? y/N')));
			term.keys('y');
			const screen = await term.waitFor('the exit', (_lines, text) => text.includes('EXITED:') && text, RUN_MS);
			expect(screen).toContain('EXITED:3');
			// The pane wraps the line at a space; compared without white space.
			expect(screen.replace(/\s+/g, '')).toMatch(
				/radtop:quit:thedisconnectwasstopped,requestsinflightfinished,therestnotsent:1,000sessions:[\d,]+coa·[\d,]+notsent/,
			);
			await gone(pid);
			await expectStoppedExactly(auditLog, requestsSince(from));
		},
		FIRST_SCREEN_MS + RUN_MS * 3,
	);

	it(
		"SIGKILL: no end record, and the progress records tell who was sent a request within one batch of the NAS's count",
		async () => {
			const {pid, from, auditLog} = await startRun('kill');
			process.kill(pid, 'SIGKILL');
			await gone(pid);
			const received = requestsSince(from);
			const runs = await auditOf(auditLog);
			expect(runs).toHaveLength(1);
			const run = runs[0]!;
			expect(run).toMatchObject({kind: 'disconnect', status: 'interrupted', planned: SESSIONS});
			expect(Math.abs(run.sent - received), `logged ${run.sent} sent, the NAS received ${received}`).toBeLessThanOrEqual(100);
			const outcomes = Object.values(run.outcomes).reduce((sum, count) => sum + count, 0);
			expect(outcomes + run.inFlight + run.notReachedCount).toBe(SESSIONS);
		},
		FIRST_SCREEN_MS + RUN_MS * 3,
	);
});
