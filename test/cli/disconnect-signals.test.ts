/**
 * `radtop disconnect --nas bng-1 --yes` of 1,000 sessions, killed mid-run as an operator's SSH session or a
 * service manager would (SIGHUP, SIGTERM, SIGKILL), against a NAS on loopback that answers each
 * Disconnect-Request after a delay (so the run lasts several seconds). Then `radtop audit --json` is read and
 * held against the NAS's own count of the requests it received: exactly for SIGHUP and SIGTERM (the run stops,
 * the requests in flight finish, the end record is written), within one progress batch (100) for SIGKILL.
 *
 * `npm test` builds dist/ first; run `npm run build` when running vitest on its own.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type pg from 'pg';
import {assertBuilt, runCli, startCli} from '../helpers/cli.js';
import {distinctRequestsSince, startSlowAckNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';
import {insertBulk} from '../disconnect/fixtures.js';

const SECRET = 'signal-test-Secret-1';
const SESSIONS = 1000;
/** The NAS answers each request this long after it came: 16 in flight, about 100 a second, 10 s for the run. */
const ANSWER_DELAY_MS = 150;
/** Requests the NAS has received when the signal is sent. */
const KILL_AFTER = 250;

let database: TestDatabase;
let nas: FakeCoaNas;
let dir: string;
let configDir: string;

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
	readonly batches: number;
}

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	const db = (database.pglite ?? database.pool) as unknown as pg.Pool;
	await insertBulk(db, SESSIONS, '10.20.0.1', 'sig');
	nas = await startSlowAckNas(SECRET, ANSWER_DELAY_MS);
	dir = mkdtempSync(join(tmpdir(), 'radtop-signals-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	const override = {ip: '10.20.0.1', name: 'bng-1', secret: SECRET, coaHost: nas.address, coaPort: nas.port, vendor: 'mikrotik'};
	writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles: {sig: {nas: {'bng-1': override}}}}), {mode: 0o600});
}, 60_000);

afterAll(async () => {
	await nas?.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

/** Distinct requests (first copies that verified) the NAS received from index `from` on. */
const requestsSince = (from: number): number => distinctRequestsSince(nas, from);

/** Runs the disconnect, sends `signal` once the NAS has seen KILL_AFTER requests; resolves to how it ended. */
async function killedRun(
	signal: NodeJS.Signals,
	auditLog: string,
	options: {dropTerminal?: boolean} = {},
): Promise<{code: number | null; signal: NodeJS.Signals | null; stderr: string; received: number}> {
	const from = nas.received.length;
	const child = startCli(
		[
			'disconnect',
			'--nas',
			'bng-1',
			'--yes',
			'--confirm-within',
			'0',
			'--concurrency',
			'16',
			'--db',
			database.url,
			'--profile',
			'sig',
			'--audit-log',
			auditLog,
		],
		{env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')}},
	);
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	child.stdout.resume();
	const ended = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) =>
		child.on('close', (code, killedBy) => resolve({code, signal: killedBy})),
	);
	const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
	try {
		await nas.waitForRequests(from + KILL_AFTER);
		expect(requestsSince(from), 'the run was over before the signal').toBeLessThan(SESSIONS);
		if (options.dropTerminal) {
			// The terminal goes away with the signal, as when SSH drops: every later write fails (EPIPE).
			child.stdout.destroy();
			child.stderr.destroy();
		}
		child.kill(signal);
		const end = await ended;
		// Late answers to the last requests, if any, change nothing: the count is of requests.
		return {...end, stderr, received: requestsSince(from)};
	} finally {
		clearTimeout(timer);
	}
}

/** `radtop audit --json --audit-log PATH`: the runs of the log. */
async function auditOf(auditLog: string): Promise<AuditListRun[]> {
	const run = await runCli(['audit', '--json', '--audit-log', auditLog], {env: {RADTOP_CONFIG_DIR: configDir}});
	expect(run.code, run.stderr).toBe(0);
	return (JSON.parse(run.stdout) as {runs: AuditListRun[]}).runs;
}

describe('radtop disconnect killed mid-run, then radtop audit', () => {
	for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
		it(`${signal}: the run stops as on Ctrl-C, exit 3, and the audit log matches the NAS's count exactly`, async () => {
			const auditLog = join(dir, `audit-${signal}.log`);
			// SIGHUP comes with the terminal gone: nothing can be printed, and that must not stop the end record.
			const ended = await killedRun(signal, auditLog, {dropTerminal: signal === 'SIGHUP'});
			expect(ended.signal, ended.stderr).toBeNull();
			expect(ended.code, ended.stderr).toBe(3);
			if (signal === 'SIGTERM') {
				expect(ended.stderr).toMatch(
					/radtop: SIGTERM: stopped, requests in flight finished, the rest not sent: 1,000 sessions: [\d,]+ coa · [\d,]+ not sent/,
				);
			}
			const runs = await auditOf(auditLog);
			expect(runs).toHaveLength(1);
			const run = runs[0]!;
			expect(run).toMatchObject({
				kind: 'disconnect',
				status: 'complete',
				stopped: true,
				planned: SESSIONS,
				inFlight: 0,
				notReachedCount: 0,
			});
			expect(run.sent).toBe(ended.received);
			expect(run.outcomes['coa']).toBe(ended.received);
			expect(run.outcomes['not_sent']).toBe(SESSIONS - ended.received);
			expect(run.batches).toBeGreaterThan(0);
		}, 90_000);
	}

	it("SIGKILL: no end record, and the progress records tell who was sent a request within one batch of the NAS's count", async () => {
		const auditLog = join(dir, 'audit-SIGKILL.log');
		const ended = await killedRun('SIGKILL', auditLog);
		expect(ended.signal).toBe('SIGKILL');
		const runs = await auditOf(auditLog);
		expect(runs).toHaveLength(1);
		const run = runs[0]!;
		expect(run).toMatchObject({kind: 'disconnect', status: 'interrupted', planned: SESSIONS});
		expect(Math.abs(run.sent - ended.received), `logged ${run.sent} sent, the NAS received ${ended.received}`).toBeLessThanOrEqual(100);
		// Every planned session is accounted for: an outcome, in flight, or not reached.
		const outcomes = Object.values(run.outcomes).reduce((sum, count) => sum + count, 0);
		expect(outcomes + run.inFlight + run.notReachedCount).toBe(SESSIONS);
		expect(run.notReachedCount).toBeGreaterThanOrEqual(SESSIONS - ended.received - 100);
	}, 90_000);
});
