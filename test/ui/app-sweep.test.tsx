/**
 * Sweeping stale sessions from the console's keys, end to end below the terminal: the App rendered by
 * ink-testing-library at 80x24, reading a real radacct through SessionSource, the real sweep service (the
 * listing, close and audit records of `radtop sweep`) writing to a real audit log file, and, for verify,
 * simulated NAS on loopback that no longer have the sessions silent for more than an hour.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {AuditLog} from '../../source/audit/audit-log.js';
import {simulatorOverrides} from '../../source/demo/demo-network.js';
import {startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {AuditSweepBeginRecord, AuditSweepEndRecord} from '../../source/sweep/audit-records.js';
import {createSweepService} from '../../source/sweep/sweep-service.js';
import type {TransactionalDb} from '../../source/sweep/sweep.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const BNG1 = {ip: '10.20.0.1', name: 'bng-1', secret: 'bng-1-Coa-secret'};
const BNG2 = {ip: '10.20.0.2', name: 'bng-2', secret: 'bng-2-Coa-secret'};
const STALE_AFTER = 1800;

let database: TestDatabase;
let simulator: NasSimulator;
let overrides: NasOverride[];
let auditDir: string;
const mounted: Rendered[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	simulator = await startNasSimulator({
		db: database.pglite ?? database.pool,
		nas: [
			{name: BNG1.name, ip: BNG1.ip, secret: BNG1.secret, vendor: 'mikrotik', host: '127.0.0.1', coaPort: 0},
			{name: BNG2.name, ip: BNG2.ip, secret: BNG2.secret, vendor: 'cisco', host: '127.0.0.1', coaPort: 0},
		],
		// A NAS that rebooted: what has been silent for an hour it no longer has.
		ghostAfterSeconds: 3600,
		stopDelayMs: 20,
		seed: 7,
	});
	overrides = simulatorOverrides(simulator.nas).map((override, index) => ({
		name: simulator.nas[index]!.name,
		secret: simulator.nas[index]!.secret,
		...override,
	}));
});

afterAll(async () => {
	await simulator?.close();
	await database?.close();
});

/** radacctids of the fixture, by role. */
let ids: {fresh: string[]; ghosts: string[]; recent: string; early: string};

beforeEach(async () => {
	auditDir = mkdtempSync(join(tmpdir(), 'radtop-sweep-ui-'));
	await database.pool.query('TRUNCATE radacct');
	const fresh = await insertSessions(database.pool, [
		{username: 'alice', nasipaddress: BNG1.ip, startedAgo: 600, updatedAgo: 60, framedipaddress: '100.64.0.10'},
		{username: 'bob', nasipaddress: BNG2.ip, startedAgo: 900, updatedAgo: 120, framedipaddress: '100.65.0.10'},
	]);
	// Ghosts: silent for two hours or more, on both NAS.
	const ghosts = await insertSessions(database.pool, [
		{username: 'ghost-1a', nasipaddress: BNG1.ip, startedAgo: 20_000, updatedAgo: 9000, framedipaddress: '100.64.0.21'},
		{username: 'ghost-1b', nasipaddress: BNG1.ip, startedAgo: 20_000, updatedAgo: 8000, framedipaddress: '100.64.0.22'},
		{username: 'ghost-1c', nasipaddress: BNG1.ip, startedAgo: 20_000, updatedAgo: 7500, framedipaddress: '100.64.0.23'},
		{username: 'ghost-2a', nasipaddress: BNG2.ip, startedAgo: 20_000, updatedAgo: 7200, framedipaddress: '100.65.0.21'},
	]);
	// Stale (40 min silent) but its NAS still has it (under the simulator's hour).
	const [recent] = await insertSessions(database.pool, [
		{username: 'quiet-2b', nasipaddress: BNG2.ip, startedAgo: 20_000, updatedAgo: 2400, framedipaddress: '100.65.0.22'},
	]);
	// Stale to the console (over 2 x its 300 s interval) but not to a sweep (under 30 min): left open.
	const [early] = await insertSessions(database.pool, [
		{username: 'early-1d', nasipaddress: BNG1.ip, startedAgo: 5000, updatedAgo: 900, acctinterval: 300, framedipaddress: '100.64.0.24'},
	]);
	ids = {fresh, ghosts, recent: recent!, early: early!};
});

afterEach(() => {
	for (const nas of simulator.nas) simulator.setFaults(nas.name, {delayMs: 0});
	for (const app of mounted.splice(0)) app.unmount();
	rmSync(auditDir, {recursive: true, force: true});
});

const auditPath = () => join(auditDir, 'audit.log');

async function renderConsole(options: {readOnly?: boolean; columns?: number; rows?: number; timeoutMs?: number} = {}): Promise<Rendered> {
	const source = await SessionSource.open(database.pool, {nasOverrides: overrides, staleAfterSeconds: STALE_AFTER});
	const sweep = createSweepService({
		db: database.pool as TransactionalDb,
		overrides,
		staleAfterSeconds: STALE_AFTER,
		// The profile's confirm-typed-above: more than 3 sessions and the count is typed.
		typedAbove: 3,
		audit: new AuditLog({path: auditPath()}),
		timeoutMs: options.timeoutMs ?? 300,
		retries: 1,
	});
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App
				source={source}
				databaseLabel="test"
				intervalSeconds={1}
				readOnly={options.readOnly ?? false}
				{...(options.readOnly ? {} : {sweep})}
			/>
		</ThemeContext.Provider>,
	);
	app.resize(options.columns ?? 80, options.rows ?? 24);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return app;
}

const lines = (frame: string) => frame.split('\n');
const flat = (frame: string) => frame.replace(/\n/g, ' ');
const statusLine = (frame: string) => lines(frame).at(-2) ?? '';
const footer = (frame: string) => lines(frame).at(-1) ?? '';

async function type(app: Rendered, text: string): Promise<void> {
	for (const character of text) await app.press(character, () => true);
}

/** `t` to the stale view, once its six rows are drawn. */
async function staleView(app: Rendered): Promise<string> {
	return app.press('t', (frame) => frame.includes('stale · all NAS') && frame.includes('1 of 6'), 10_000);
}

async function openRows(): Promise<Map<string, {stop: Date | null; update: Date | null; cause: string | null; time: number | null}>> {
	const {rows} = await database.pool.query(
		'SELECT radacctid::text AS id, acctstoptime, acctupdatetime, acctterminatecause, acctsessiontime FROM radacct',
	);
	return new Map(
		rows.map((row: Record<string, unknown>) => [
			String(row['id']),
			{
				stop: (row['acctstoptime'] as Date | null) ?? null,
				update: (row['acctupdatetime'] as Date | null) ?? null,
				cause: (row['acctterminatecause'] as string | null) ?? null,
				time: row['acctsessiontime'] === null ? null : Number(row['acctsessiontime']),
			},
		]),
	);
}

function auditRecords(): Array<AuditSweepBeginRecord | AuditSweepEndRecord> {
	return readFileSync(auditPath(), 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as AuditSweepBeginRecord | AuditSweepEndRecord);
}

describe('sweeping the stale view from the console', () => {
	it('W previews the sweep, refuses a wrong count, and closes exactly the stale sessions with the cause and audit records', async () => {
		const app = await renderConsole();
		await staleView(app);
		const preview = await app.press('W', (frame) => frame.includes('type the number of sessions'), 10_000);
		expect(preview).toContain('│ Sweep 5 stale sessions on every NAS: close in radacct');
		expect(preview).toContain("cause Lost-Carrier · stale after 30m00s, and 2 x the NAS's interim interval");
		expect(preview).toContain('verify off: closes each one still as listed (v: ask the NAS first)');
		expect(preview).toMatch(/│ bng-1 +3 +│/);
		expect(preview).toMatch(/│ bng-2 +2 +│/);
		expect(preview).toContain('the view counts 6: 1 of them silent less than a sweep waits (left open)');
		// The longest silent first: user, NAS, last update.
		expect(preview).toMatch(/ghost-1a +bng-1 +2h30m ago/);
		expect(preview).toContain('type the number of sessions (5) to close them:');
		expect(footer(preview)).toBe('v verify  Tab reason  Esc cancel');

		await type(app, '4');
		const refused = await app.press(KEYS.enter, (frame) => frame.includes('does not match'));
		expect(refused).toContain('"4" does not match: type 5 and Enter, or Esc to cancel');
		expect((await openRows()).get(ids.ghosts[0]!)!.stop).toBeNull();
		expect(() => readFileSync(auditPath())).toThrow();

		await type(app, '5');
		const results = await app.press(KEYS.enter, (frame) => frame.includes('5 closed in radacct'), 10_000);
		expect(flat(results)).toContain('sweep on every NAS: 5 stale sessions: 5 closed in radacct (Lost-Carrier)');
		expect(results).toMatch(/closed +ghost-1a +bng-1 +2h30m ago/);
		expect(results).toMatch(/closed +quiet-2b +bng-2/);
		expect(footer(results)).toBe('↑↓ scroll  Esc close');

		const rows = await openRows();
		const swept = [...ids.ghosts, ids.recent];
		for (const id of swept) {
			const row = rows.get(id)!;
			expect(row.cause).toBe('Lost-Carrier');
			// Closed at the last time the NAS was heard of it, as FreeRADIUS's own queries would.
			expect(row.stop?.getTime()).toBe(row.update?.getTime());
		}
		for (const id of [...ids.fresh, ids.early]) expect(rows.get(id)!.stop).toBeNull();
		expect([...rows.values()].filter((row) => row.stop !== null)).toHaveLength(swept.length);

		const [begin, end, ...more] = auditRecords();
		expect(more).toEqual([]);
		expect(begin).toMatchObject({
			event: 'sweep.begin',
			reason: null,
			nasFilter: [],
			staleAfterSeconds: STALE_AFTER,
			cause: 'Lost-Carrier',
		});
		expect(begin).toMatchObject({verified: false, listed: 5});
		expect((begin as AuditSweepBeginRecord).closing.map((session) => session.radacctid).sort()).toEqual([...swept].sort());
		expect(end).toMatchObject({event: 'sweep.end', actionId: begin!.actionId, error: null, skipped: []});
		expect((end as AuditSweepEndRecord).totals.closed).toBe(5);
		expect((end as AuditSweepEndRecord).closed.map((session) => session.radacctid).sort()).toEqual([...swept].sort());
		expect(results).toContain(`audit: radtop audit ${begin!.actionId}`);

		// Back in the table, the stale view keeps the one a sweep waits longer for; v shows the results again.
		const table = await app.press(KEYS.escape, (frame) => frame.includes('1 of 1'), 10_000);
		expect(table).toContain('early-1d');
		const again = await app.press('v', (frame) => frame.includes('5 closed in radacct'));
		expect(again).toMatch(/closed +ghost-2a +bng-2/);
	});

	it('v in the preview asks each NAS first: what it still has stays open, the reason is audited', async () => {
		const app = await renderConsole();
		await app.press(':', () => true);
		await type(app, 'nas bng-2');
		await app.press(KEYS.enter, (frame) => frame.includes('NAS bng-2'));
		await app.press('t', (frame) => frame.includes('stale · NAS bng-2') && frame.includes('1 of 2'), 10_000);
		const preview = await app.press('W', (frame) => frame.includes('close these 2 sessions in radacct? y'), 10_000);
		expect(preview).toContain('│ Sweep 2 stale sessions on bng-2: close in radacct');
		const verifying = await app.press('v', (frame) => frame.includes('verify ON'));
		expect(verifying).toContain('│ Verify and sweep 2 stale sessions on bng-2: close in radacct');
		expect(verifying).toContain('verify ON: ask each NAS first, close only what it no longer has (v: off)');
		expect(verifying).toMatch(/│ bng-2 +2 · CoA 127\.0\.0\.1:\d+/);
		await app.press('\t', (frame) => frame.includes('reason  '));
		await type(app, 'INC-4411 bng-2 rebooted');
		await app.press('\t', (frame) => frame.includes('reason  INC-4411 bng-2 rebooted'));
		// A count confirmation takes y; Enter says so.
		const refused = await app.press(KEYS.enter, (frame) => frame.includes('press y'));
		expect(refused).toContain('press y to close these 2 sessions, Esc to cancel');
		const results = await app.press('y', (frame) => frame.includes('closed in radacct (Lost-Carrier)'), 10_000);
		expect(flat(results)).toContain('sweep on bng-2: 2 stale sessions: 1 closed in radacct (Lost-Carrier); 1 still on their NAS');
		expect(results).toMatch(/kept: on NAS +quiet-2b +bng-2 +40m0\ds ago +CoA-ACK: bng-2 has t/);
		expect(results).toMatch(/closed +ghost-2a +bng-2 +2h00m ago +CoA-NAK: Session-Con/);

		const rows = await openRows();
		expect(rows.get(ids.ghosts[3]!)!.cause).toBe('Lost-Carrier');
		expect(rows.get(ids.recent)!.stop).toBeNull();
		expect(rows.get(ids.ghosts[0]!)!.stop).toBeNull();
		const [begin, end] = auditRecords();
		expect(begin).toMatchObject({
			event: 'sweep.begin',
			reason: 'INC-4411 bng-2 rebooted',
			nasFilter: ['bng-2'],
			verified: true,
			listed: 2,
		});
		expect((begin as AuditSweepBeginRecord).closing.map((session) => session.radacctid)).toEqual([ids.ghosts[3]]);
		expect(end).toMatchObject({event: 'sweep.end', totals: {closed: 1, on_nas: 1}});
		expect((end as AuditSweepEndRecord).skipped).toMatchObject([{radacctid: ids.recent, outcome: 'on_nas'}]);
	});

	it('q while the NAS are asked asks first; y stops the asking: nothing closed, nothing audited', async () => {
		// Each NAS takes 1.5 s to answer: the asking is still going on when q comes.
		for (const nas of simulator.nas) simulator.setFaults(nas.name, {delayMs: 1500});
		const app = await renderConsole({timeoutMs: 5000});
		await staleView(app);
		await app.press('W', (frame) => frame.includes('type the number of sessions'), 10_000);
		await app.press('v', (frame) => frame.includes('Verify and sweep 5'));
		await type(app, '5');
		const asking = await app.press(KEYS.enter, (frame) => frame.includes('Asking the NAS 0/5 before closing'), 10_000);
		expect(footer(asking)).toBe('x stop  Esc hide  q quit');
		const asked = await app.press('q', (frame) => statusLine(frame).includes('quit? y/N'));
		expect(statusLine(asked)).toContain('a sweep is asking the NAS (0/5): stop it (nothing closed) and quit? y/N');
		const stopping = await app.press('y', (frame) => frame.includes('Stopping: the NAS are asked no more'));
		expect(statusLine(stopping)).toContain('stopping the sweep before quitting: nothing is closed');
		// The answers in flight come back, the sweep ends interrupted, and the console quits.
		await new Promise((resolve) => setTimeout(resolve, 2500));
		expect([...(await openRows()).values()].every((row) => row.stop === null)).toBe(true);
		expect(() => readFileSync(auditPath())).toThrow();
	});

	it('says at once when nothing is sweepable and offers only Esc; W elsewhere says where it works', async () => {
		await database.pool.query(`DELETE FROM radacct WHERE username NOT IN ('alice', 'bob', 'early-1d')`);
		const app = await renderConsole();
		const active = await app.press('W', (frame) => statusLine(frame).includes('W sweeps'));
		expect(statusLine(active)).toContain('W sweeps from the stale view: t shows it');
		await app.press('t', (frame) => frame.includes('stale · all NAS') && frame.includes('1 of 1'), 10_000);
		const empty = await app.press('W', (frame) => frame.includes('no stale session to close: Esc closes'), 10_000);
		expect(empty).toContain('│ Sweep: no stale session to close on every NAS');
		expect(footer(empty)).toBe('Esc cancel');
		const unmoved = await app.press('y', () => true);
		expect(unmoved).toContain('no stale session to close: Esc closes');
		await app.press(KEYS.escape, (frame) => statusLine(frame).includes('sweep cancelled, nothing closed'));
		expect([...(await openRows()).values()].every((row) => row.stop === null)).toBe(true);
	});

	it('read-only mode refuses W and closes nothing', async () => {
		const app = await renderConsole({readOnly: true});
		await staleView(app);
		const refused = await app.press('W', (frame) => statusLine(frame).includes('read-only'));
		expect(statusLine(refused)).toContain('read-only mode: W (sweep the stale sessions) is off');
		expect(refused).not.toContain('Sweep');
		expect([...(await openRows()).values()].every((row) => row.stop === null)).toBe(true);
	});

	it('at the minimum size, 60x12, the typed confirmation and its error line stay in view', async () => {
		const app = await renderConsole({columns: 60, rows: 12});
		await app.press('t', (frame) => frame.includes('stale ·'), 10_000);
		await app.waitForFrame((frame) => frame.includes('of 6'), 10_000);
		await app.press('W', (frame) => frame.includes('type the number of sessions'), 10_000);
		await type(app, '7');
		const refused = await app.press(KEYS.enter, (frame) => frame.includes('does not match'));
		expect(refused).toContain('Sweep 5 stale sessions');
		expect(refused).toContain('type the number of sessions (5)');
		expect(refused).toContain('"7" does not match: type 5 and Enter, or Esc to cancel');
		expect(lines(refused).length).toBeLessThanOrEqual(11);
		// Verify on is said in the title, which this size still shows.
		const verifying = await app.press('v', (frame) => frame.includes('Verify and sweep 5'));
		expect(verifying).toContain('type the number of sessions (5)');
	});
});
