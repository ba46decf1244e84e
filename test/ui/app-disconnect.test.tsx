/**
 * Disconnecting from the console's keys, end to end below the terminal: the App rendered by ink-testing-library
 * at 80x24, reading a real radacct through SessionSource, and the real disconnect service sending real
 * Disconnect-Requests to simulated NAS on loopback, which end the sessions and write their Accounting-Stops.
 */
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import type {AuditEndRecord} from '../../source/disconnect/audit-records.js';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {simulatorOverrides} from '../../source/demo/demo-network.js';
import {startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {createDisconnectService} from '../../source/disconnect/disconnect-service.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {Queryable} from '../../source/db/queryable.js';
import {defaultExportPath, exportSessionsToFile} from '../../source/sessions/export-file.js';
import {App} from '../../source/ui/app.js';
import {viewFilter} from '../../source/ui/state.js';
import type {ViewQuery} from '../../source/ui/state-types.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {MemoryAudit} from '../disconnect/harness.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const BNG1 = {ip: '10.20.0.1', name: 'bng-1', secret: 'bng-1-Coa-secret'};
const BNG2 = {ip: '10.20.0.2', name: 'bng-2', secret: 'bng-2-Coa-secret'};
/** bng-1: alice (the newest session), bob, carol, user04 … user12; bng-2: alice again, dave, erin, frank. */
const BNG1_USERS = ['alice@isp.example', 'bob', 'carol', ...Array.from({length: 9}, (_, i) => `user${String(i + 4).padStart(2, '0')}`)];
const BNG2_USERS = ['alice@isp.example', 'dave', 'erin', 'frank'];

let database: TestDatabase;
/** The simulator's way into the database: PGlite itself when embedded (the socket serves radtop), else the pool. */
let simulatorDb: Queryable;
let simulator: NasSimulator;
let overrides: NasOverride[];
const mounted: Array<{app: Rendered; coa: CoaClient}> = [];

beforeAll(async () => {
	database = await createTestDatabase();
	simulatorDb = database.pglite ?? database.pool;
	simulator = await startNasSimulator({
		db: simulatorDb,
		nas: [
			{name: BNG1.name, ip: BNG1.ip, secret: BNG1.secret, vendor: 'mikrotik', host: '127.0.0.1', coaPort: 0},
			{name: BNG2.name, ip: BNG2.ip, secret: BNG2.secret, vendor: 'cisco', host: '127.0.0.1', coaPort: 0},
		],
		stopDelayMs: 20,
		seed: 5,
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

beforeEach(async () => {
	await database.pool.query('TRUNCATE radacct');
	for (const nas of simulator.nas) simulator.setFaults(nas.name, {nakAll: false, delayMs: 0, dropRate: 0});
	await insertSessions(database.pool, [
		...BNG1_USERS.map((username, index) => ({
			username,
			nasipaddress: BNG1.ip,
			startedAgo: 60 + index * 100,
			framedipaddress: `100.64.0.${index + 10}`,
		})),
		...BNG2_USERS.map((username, index) => ({
			username,
			nasipaddress: BNG2.ip,
			startedAgo: 90 + index * 100,
			framedipaddress: `100.65.0.${index + 10}`,
		})),
	]);
});

afterEach(async () => {
	vi.useRealTimers();
	for (const {app, coa} of mounted.splice(0)) {
		app.unmount();
		await coa.close();
	}
	await simulator.stopsWritten();
});

interface World {
	readonly app: Rendered;
	readonly audit: MemoryAudit;
}

async function renderConsole(
	options: {readOnly?: boolean; allowedNas?: string[]; ratePerSecond?: number; exportDir?: string} = {},
): Promise<World> {
	const source = await SessionSource.open(database.pool, {nasOverrides: overrides});
	const exportDir = options.exportDir;
	const exportView = exportDir
		? async (query: ViewQuery) => {
				return exportSessionsToFile(
					database.pool,
					viewFilter(query),
					query.sort,
					{nas: source.nas},
					defaultExportPath(new Date(), exportDir),
				);
			}
		: undefined;
	const audit = new MemoryAudit();
	const coa = new CoaClient({timeoutMs: 300, retries: 1});
	const service = createDisconnectService({
		db: database.pool,
		overrides,
		audit,
		coaClient: coa,
		confirmStopWithinMs: 5000,
		confirmPollMs: 50,
		progressIntervalMs: 50,
		...(options.allowedNas ? {allowedNas: options.allowedNas} : {}),
		...(options.ratePerSecond ? {ratePerSecond: options.ratePerSecond} : {}),
	});
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App
				source={source}
				databaseLabel="test"
				intervalSeconds={1}
				readOnly={options.readOnly ?? false}
				{...(options.readOnly ? {} : {disconnect: service})}
				{...(exportView ? {exportView} : {})}
			/>
		</ThemeContext.Provider>,
	);
	app.resize(80, 24);
	mounted.push({app, coa});
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return {app, audit};
}

const lines = (frame: string) => frame.split('\n');
/** The frame as one line: the results summary wraps at 80 columns. */
const flat = (frame: string) => frame.replace(/\n/g, ' ');
/** Resolves when the results say every one of `count` disconnected sessions has its Accounting-Stop seen. */
const allConfirmed = (count: number) => (frame: string) => flat(frame).includes(`${count} of ${count} confirmed by Accounting-Stop`);
const statusLine = (frame: string) => lines(frame).at(-2) ?? '';
const footer = (frame: string) => lines(frame).at(-1) ?? '';

/** Datagrams the simulated NAS have received so far. */
const received = () => simulator.stats(BNG1.name).received + simulator.stats(BNG2.name).received;

async function openUsers(): Promise<string[]> {
	const {rows} = await database.pool.query('SELECT username FROM radacct WHERE acctstoptime IS NULL ORDER BY username');
	return rows.map((row: {username: string}) => row.username);
}

/** Searches for text and keeps the search, leaving the cursor on the first match. */
async function search(app: Rendered, text: string): Promise<void> {
	await app.press('/');
	for (const character of text) await app.press(character, () => true);
	await app.press(KEYS.enter, (frame) => lines(frame)[4]?.startsWith('▸') === true && lines(frame)[4]!.includes(text));
}

async function type(app: Rendered, text: string): Promise<void> {
	for (const character of text) await app.press(character, () => true);
}

describe('disconnecting from the console', () => {
	it('d previews the session under the cursor; Esc sends nothing', async () => {
		const {app, audit} = await renderConsole();
		await search(app, 'bob');
		const before = received();
		const preview = await app.press('d', (frame) => frame.includes('disconnect this session? y or Enter'));
		expect(preview).toContain('│ Disconnect 1 session');
		expect(preview).toContain('the session of bob on bng-1 (100.64.0.11)');
		expect(preview).toMatch(/bng-1 +1 · CoA 127\.0\.0\.1:\d+/);
		expect(preview).toContain('reason  (none: Tab to write one for the audit log)');
		expect(footer(preview)).toBe('Tab reason  Esc cancel');
		const closed = await app.press(KEYS.escape, (frame) => statusLine(frame).includes('disconnect cancelled, nothing sent'));
		expect(closed).toContain('▸  bob');
		expect(received()).toBe(before);
		expect(audit.records).toEqual([]);
		expect(await openUsers()).toContain('bob');
	});

	it('d with a reason and Enter: the session is disconnected, its stop is seen, and it leaves the table', async () => {
		const {app, audit} = await renderConsole();
		await search(app, 'bob');
		await app.press('d', (frame) => frame.includes('disconnect this session?'));
		await app.press('\t', (frame) => frame.includes('reason  '));
		await type(app, 'customer asked for a reset');
		await app.press(KEYS.enter, (frame) => frame.includes('reason  customer asked for a reset'));
		const results = await app.press(KEYS.enter, allConfirmed(1), 10_000);
		expect(results).toContain('the session of bob on bng-1 (100.64.0.11): 1 session: 1 coa');
		expect(results).toContain('every session disconnected, and each Accounting-Stop seen in radacct');
		expect(footer(results)).toContain('Esc close');
		const table = await app.press(KEYS.escape, (frame) => frame.includes('no sessions match'), 10_000);
		expect(statusLine(table)).toContain('1 coa');
		expect(await openUsers()).not.toContain('bob');
		// Progress records (every 100 sessions or second) may come between the begin and the end record.
		const framing = audit.records.filter((record) => record.event !== 'disconnect.progress');
		expect(framing.map((record) => record.event)).toEqual(['disconnect.begin', 'disconnect.end']);
		expect(audit.records[0]).toMatchObject({event: 'disconnect.begin', reason: 'customer asked for a reset'});
	});

	it('D takes every open session of the user, on every NAS, and several sessions need y', async () => {
		const {app} = await renderConsole();
		await search(app, 'alice');
		const preview = await app.press('D', (frame) => frame.includes('disconnect these 2 sessions? y'));
		expect(preview).toContain('Disconnect 2 sessions');
		expect(preview).toContain('every open session of alice@isp.example');
		expect(preview).toMatch(/bng-1 +1 · CoA/);
		expect(preview).toMatch(/bng-2 +1 · CoA/);
		const refused = await app.press(KEYS.enter, (frame) => frame.includes('press y to disconnect these 2 sessions'));
		expect(refused).toContain('Disconnect 2 sessions');
		const results = await app.press('y', allConfirmed(2), 10_000);
		expect(results).toContain('2 sessions: 2 coa');
		expect(await openUsers()).not.toContain('alice@isp.example');
	});

	it('three rows selected with space: d disconnects exactly those three, and the selection ends', async () => {
		const {app} = await renderConsole();
		const before = await openUsers();
		for (let i = 0; i < 3; i++) await app.press(KEYS.space, () => true);
		await app.waitForFrame((frame) => frame.includes('3 selected'));
		const preview = await app.press('d', (frame) => frame.includes('disconnect these 3 sessions? y'));
		expect(preview).toContain('3 selected sessions');
		// The newest three: alice on bng-1 (60 s), alice on bng-2 (90 s), bob (160 s).
		expect(preview).toMatch(/alice@isp\.example +100\.64\.0\.10 +bng-1/);
		expect(preview).toMatch(/alice@isp\.example +100\.65\.0\.10 +bng-2/);
		expect(preview).toMatch(/bob +100\.64\.0\.11 +bng-1/);
		await app.press('y', allConfirmed(3), 10_000);
		const after = await openUsers();
		expect(before.length - after.length).toBe(3);
		expect(after).not.toContain('bob');
		expect(after).not.toContain('alice@isp.example');
		const table = await app.press(KEYS.escape, (frame) => frame.includes('▸'));
		expect(lines(table).at(-1)).toMatch(/^↑↓ move /);
		expect(lines(table)[2]).not.toContain('selected');
	});

	it('X: the NAS is picked from the list, a wrong name is refused, the right one sends, and its pill falls to 0', async () => {
		const {app, audit} = await renderConsole();
		const picker = await app.press('X', (frame) => frame.includes('disconnect every session of which NAS?'));
		expect(picker).toMatch(/bng-1 +10\.20\.0\.1 +12/);
		expect(picker).toMatch(/bng-2 +10\.20\.0\.2 +4/);
		expect(lines(picker).slice(3, 8).join('\n')).not.toContain('all NAS');
		await app.press('k', () => true);
		await app.press('j', () => true);
		const preview = await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name (bng-2) to confirm:'));
		expect(preview).toContain('Disconnect ALL 4 open sessions on bng-2 (10.20.0.2)');
		for (const user of BNG2_USERS) expect(preview).toMatch(new RegExp(`│ +${user.replace('.', '\\.')} +100\\.65\\.0\\.\\d+ +bng-2`));
		const before = received();
		await type(app, 'bng-1');
		const refused = await app.press(KEYS.enter, (frame) =>
			frame.includes('"bng-1" does not match: type bng-2 and Enter, or Esc to cancel'),
		);
		expect(refused).toContain('Disconnect ALL 4 open sessions on bng-2');
		expect(received()).toBe(before);
		expect(audit.records).toEqual([]);
		await type(app, 'bng-2');
		const results = await app.press(KEYS.enter, allConfirmed(4), 10_000);
		expect(results).toContain('ALL open sessions on bng-2: 4 sessions: 4 coa');
		const table = await app.waitForFrame((frame) => /bng-2 0 /.test(lines(frame)[1] ?? ''), 10_000);
		expect(lines(table)[1]).toMatch(/^12 online · .*bng-2 0 +bng-1 12/);
		expect(await openUsers()).toEqual(BNG1_USERS.slice().sort());
	});

	it('A takes everything matching the filter with the count typed; without a filter it says EVERY', async () => {
		const {app} = await renderConsole();
		const everything = await app.press('A', (frame) => frame.includes('type the number of sessions (16) to confirm:'));
		expect(everything).toContain('EVERY open session on EVERY NAS (no filter)');
		expect(everything).toContain('Disconnect ALL 16 open sessions matching the filter');
		await app.press(KEYS.escape, (frame) => statusLine(frame).includes('nothing sent'));
		await search(app, 'user');
		const preview = await app.press('A', (frame) => frame.includes('type the number of sessions (9) to confirm:'));
		expect(preview).toContain('every open session matching username contains "user"');
		await type(app, '9');
		await app.press(KEYS.enter, allConfirmed(9), 10_000);
		expect(await openUsers()).toEqual(['alice@isp.example', 'alice@isp.example', 'bob', 'carol', 'dave', 'erin', 'frank']);
	});

	it('a typed confirmation that arrives in one chunk with its Enter (a paste, a slow link) is taken', async () => {
		const {app} = await renderConsole();
		await app.press('X', (frame) => frame.includes('which NAS'));
		await app.press('k', () => true);
		await app.press('j', () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name (bng-2) to confirm:'));
		await app.press('bng-2\r', allConfirmed(4), 10_000);
		expect(await openUsers()).toEqual(BNG1_USERS.slice().sort());
	});

	it('Esc cancels at every step and nothing is sent', async () => {
		const {app, audit} = await renderConsole();
		const before = received();
		const cancelled = (frame: string) => statusLine(frame).includes('disconnect cancelled, nothing sent');
		await app.press('d', (frame) => frame.includes('disconnect this session?'));
		await app.press(KEYS.escape, cancelled);
		await app.press('d', (frame) => frame.includes('disconnect this session?'));
		await app.press('\t', () => true);
		await type(app, 'half a reason');
		await app.press(KEYS.escape, (frame) => cancelled(frame) && !frame.includes('half a reason'));
		await app.press('X', (frame) => frame.includes('disconnect every session of which NAS?'));
		await app.press(KEYS.escape, (frame) => frame.includes('▸') && !frame.includes('which NAS'));
		await app.press('X', (frame) => frame.includes('which NAS'));
		await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name'));
		await type(app, 'bng');
		await app.press(KEYS.escape, (frame) => cancelled(frame) && frame.includes('▸'));
		expect(received()).toBe(before);
		expect(audit.records).toEqual([]);
		expect(await openUsers()).toHaveLength(16);
	});

	it('read-only: no disconnect key in the footer or help, and pressing one says why', async () => {
		const {app} = await renderConsole({readOnly: true});
		expect(footer(app.frame())).not.toContain('disconnect');
		for (const key of ['d', 'D', 'X', 'A']) {
			const frame = await app.press(key, (current) => statusLine(current).startsWith(`read-only mode: ${key} (`));
			expect(statusLine(frame)).toMatch(/\) is off · /);
			expect(frame).not.toContain('Disconnect');
		}
		const help = await app.press('?', (frame) => frame.includes('keys (read-only: actions that disconnect are off)'));
		expect(lines(help).slice(4, -2).join('\n')).not.toContain('disconnect');
		expect(await openUsers()).toHaveLength(16);
	});

	it("a profile's NAS restriction: the preview names what it leaves out, and nothing is sent there", async () => {
		const {app, audit} = await renderConsole({allowedNas: ['bng-1']});
		const bng2Before = simulator.stats(BNG2.name).received;
		await search(app, 'alice');
		const preview = await app.press('D', (frame) => frame.includes('Disconnect 2 sessions'));
		expect(preview).toContain('NOT SENT 1: bng-2 (10.20.0.2) is not among the NAS this action may touch');
		expect(preview).toMatch(/bng-2 +1 \(1 not sent\) · nothing to send/);
		const results = await app.press('y', (frame) => flat(frame).includes('confirmed by Accounting-Stop'), 10_000);
		expect(results).toContain('2 sessions: 1 coa · 1 not sent');
		expect(results).toMatch(/not sent +alice@isp\.example +bng-2 +bng-2 \(10\.20\.0\.2\) is not among t/);
		expect(simulator.stats(BNG2.name).received).toBe(bng2Before);
		const {rows} = await database.pool.query(
			`SELECT host(nasipaddress) AS nas FROM radacct WHERE username = 'alice@isp.example' AND acctstoptime IS NULL`,
		);
		expect(rows).toEqual([{nas: BNG2.ip}]);
		expect(audit.records[0]).toMatchObject({event: 'disconnect.begin'});
	});

	it('progress updates while it runs, the table stays usable, and x stops the rest', async () => {
		simulator.setFaults(BNG1.name, {delayMs: 100});
		const {app} = await renderConsole({ratePerSecond: 4});
		await app.press('X', (frame) => frame.includes('which NAS'));
		await app.press('k', () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name (bng-1) to confirm:'));
		await type(app, 'bng-1');
		const first = await app.press(KEYS.enter, (frame) => /Disconnecting [1-9]\d*\/12 ·/.test(frame), 10_000);
		expect(first).toMatch(/bng-1 +[█░]+ [1-9]\d*\/12/);
		expect(first).toContain('ALL open sessions on bng-1');
		expect(footer(first)).toBe('x stop  Esc hide  q quit');
		// Hidden, it goes on: the status line follows it, and v brings it back.
		const table = await app.press(KEYS.escape, (frame) => /disconnecting \d+\/12 · v shows it/.test(statusLine(frame)));
		expect(table).toContain('▸');
		const later = await app.press('v', (frame) => /Disconnecting ([3-9]|1[01])\/12/.test(frame), 10_000);
		expect(later).toMatch(/coa [1-9]/);
		const results = await app.press('x', (frame) => flat(frame).includes('stopped before the end'), 10_000);
		expect(results).toMatch(/12 sessions: \d+ coa · \d+ not sent/);
		expect(results).toMatch(/not sent +user\d\d +bng-1 +aborted before sending/);
		const notSent = Number(/(\d+) not sent/.exec(results)![1]);
		expect(notSent).toBeGreaterThan(0);
		expect(await openUsers()).toHaveLength(4 + notSent);
		expect(results).toContain(`R retries the ${notSent} failed or not sent`);
		// Retry goes through a preview again, for exactly the sessions not sent.
		const retry = await app.press('R', (frame) => frame.includes(`Disconnect ${notSent} session`));
		expect(retry).toContain(`retry: ${notSent} session`);
	});

	it('q while a disconnect runs asks, and y stops it first, so its audit record is complete, then quits', async () => {
		simulator.setFaults(BNG1.name, {delayMs: 100});
		const {app, audit} = await renderConsole({ratePerSecond: 4});
		await app.press('X', (frame) => frame.includes('which NAS'));
		await app.press('k', () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name (bng-1) to confirm:'));
		await app.press('bng-1\r', (frame) => /Disconnecting [1-9]\d*\/12 ·/.test(frame), 10_000);
		await app.press('q', (frame) => statusLine(frame).includes('stop it and quit? y/N'));
		await app.press('y', (frame) => statusLine(frame).includes('stopping the disconnect before quitting'));
		const deadline = Date.now() + 10_000;
		const framing = () => audit.records.filter((record) => record.event !== 'disconnect.progress');
		while (framing().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
		expect(framing().map((record) => record.event)).toEqual(['disconnect.begin', 'disconnect.end']);
		const end = framing()[1] as AuditEndRecord;
		expect(end.aborted).toBe(true);
		expect(end.sessions.some((entry) => entry.outcome === 'not_sent')).toBe(true);
		expect(await openUsers()).not.toHaveLength(4);
	});

	it('a failed session is listed with its reason, and R retries only it', async () => {
		simulator.setFaults(BNG2.name, {nakAll: true, nakErrorCause: 506});
		const {app} = await renderConsole();
		await search(app, 'alice');
		await app.press('D', (frame) => frame.includes('disconnect these 2 sessions? y'));
		const results = await app.press('y', (frame) => flat(frame).includes('1 coa · 1 failed'), 10_000);
		expect(results).toMatch(/failed +alice@isp\.example +bng-2 +NAK: Resources-Unavailable \(506\)/);
		simulator.setFaults(BNG2.name, {nakAll: false});
		const preview = await app.press('R', (frame) => frame.includes('disconnect this session? y or Enter'));
		expect(preview).toContain('retry: 1 session that failed or were not sent');
		expect(preview).toMatch(/alice@isp\.example +100\.65\.0\.10 +bng-2/);
		const again = await app.press(KEYS.enter, allConfirmed(1), 10_000);
		expect(again).toContain('1 session: 1 coa');
		expect(await openUsers()).not.toContain('alice@isp.example');
	});

	it('the preview says when the set changed before it was sent', async () => {
		// The preview reads its target again every 10 s at the most, on an interval timer: here those 10 s pass
		// when the test says, on a clock of intervals only (everything else keeps real time).
		vi.useFakeTimers({toFake: ['setInterval', 'clearInterval']});
		const {app} = await renderConsole();
		await app.press('X', (frame) => frame.includes('which NAS'));
		await app.press('k', () => true);
		await app.press('j', () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name (bng-2) to confirm:'));
		await insertSessions(database.pool, [{username: 'late', nasipaddress: BNG2.ip, startedAgo: 1}]);
		await database.pool.query(`UPDATE radacct SET acctstoptime = now() WHERE username = 'dave'`);
		// Not before the 10 s: a read made then would show within the real time waited here.
		vi.advanceTimersByTime(9_999);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(app.frame()).not.toContain('changed since opened');
		vi.advanceTimersByTime(1);
		const drift = await app.waitForFrame((frame) => frame.includes('changed since opened'), 5_000);
		vi.useRealTimers();
		expect(drift).toContain('changed since opened: 1 closed (nothing to send), 1 new (not included)');
		await type(app, 'bng-2');
		const results = await app.press(KEYS.enter, (frame) => flat(frame).includes('confirmed by Accounting-Stop'), 10_000);
		expect(results).toContain('4 sessions: 3 coa · 1 already closed');
		expect(await openUsers()).toContain('late');
	});

	it('e writes every session of the view to a CSV file (0600) and says where, read-only too', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'radtop-export-'));
		try {
			const {app} = await renderConsole({readOnly: true, exportDir: directory});
			await search(app, 'user');
			const done = await app.press('e', (frame) => / written to /.test(statusLine(frame)), 10_000);
			const name = /^9 sessions written to (radtop-sessions-\d{8}-\d{6}\.csv) in \//.exec(statusLine(done))![1]!;
			const path = join(directory, name);
			expect(statSync(path).mode & 0o777).toBe(0o600);
			const rows = readFileSync(path, 'utf8').trimEnd().split('\r\n');
			expect(rows).toHaveLength(10);
			expect(rows.slice(1).every((row) => /user\d\d/.test(row))).toBe(true);
		} finally {
			rmSync(directory, {recursive: true, force: true});
		}
	});
});
