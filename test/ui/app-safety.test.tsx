/**
 * The console's safety rails, end to end below the terminal (ink-testing-library at 80x24, a real radacct, the
 * real disconnect service and simulated NAS on loopback): a selection is never sent unseen, leaving while a
 * disconnect runs asks first, and a preview with nothing to send says so before anything else.
 */
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import type {AuditEndRecord} from '../../source/disconnect/audit-records.js';
import {simulatorOverrides} from '../../source/demo/demo-network.js';
import {startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {createDisconnectService} from '../../source/disconnect/disconnect-service.js';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
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
let simulator: NasSimulator;
let overrides: NasOverride[];
const mounted: Array<{app: Rendered; coa: CoaClient}> = [];

beforeAll(async () => {
	database = await createTestDatabase();
	simulator = await startNasSimulator({
		db: database.pglite ?? database.pool,
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
		...BNG1_USERS.map((username, index) => ({username, nasipaddress: BNG1.ip, startedAgo: 60 + index * 100})),
		...BNG2_USERS.map((username, index) => ({username, nasipaddress: BNG2.ip, startedAgo: 90 + index * 100})),
	]);
});

afterEach(async () => {
	for (const {app, coa} of mounted.splice(0)) {
		app.unmount();
		await coa.close();
	}
	await simulator.stopsWritten();
});

async function renderConsole(options: {allowedNas?: string[]; ratePerSecond?: number} = {}) {
	const source = await SessionSource.open(database.pool, {nasOverrides: overrides});
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
			<App source={source} databaseLabel="test" intervalSeconds={1} readOnly={false} disconnect={service} />
		</ThemeContext.Provider>,
	);
	app.resize(80, 24);
	mounted.push({app, coa});
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return {app, audit};
}

const lines = (frame: string) => frame.split('\n');
const flat = (frame: string) => frame.replace(/\n/g, ' ');
const statsLine = (frame: string) => lines(frame)[1] ?? '';
const statusLine = (frame: string) => lines(frame).at(-2) ?? '';
const footer = (frame: string) => lines(frame).at(-1) ?? '';
const received = () => simulator.stats(BNG1.name).received + simulator.stats(BNG2.name).received;

async function search(app: Rendered, text: string): Promise<void> {
	await app.press('/');
	for (const character of text) await app.press(character, () => true);
	await app.press(KEYS.enter, (frame) => lines(frame)[4]?.startsWith('▸') === true && lines(frame)[4]!.includes(text));
}

/** Starts a disconnect of every session on bng-1 (12), sent at 4 a second so that it is still running. */
async function startNasDisconnect(app: Rendered): Promise<void> {
	await app.press('X', (frame) => frame.includes('which NAS'));
	await app.press('k', () => true);
	await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name (bng-1) to confirm:'));
	await app.press('bng-1\r', (frame) => /Disconnecting [1-9]\d*\/12 ·/.test(frame), 10_000);
}

describe('a selection is never sent unseen', () => {
	it('a new search keeps the selection and says so; the footer counts what is not in view; d lists those first', async () => {
		const {app} = await renderConsole();
		await search(app, 'carol');
		let frame = await app.press(KEYS.space, (frame) => footer(frame).startsWith('1 selected'));
		expect(footer(frame)).toMatch(/^1 selected {2}/);
		// Ctrl-U: the search line starts from the kept search.
		await app.press('/');
		await app.press('\x15', () => true);
		for (const character of 'dave') await app.press(character, () => true);
		frame = await app.press(KEYS.enter, (frame) => lines(frame)[4]?.includes('dave') === true && footer(frame).includes('not in view'));
		expect(footer(frame)).toMatch(/^1 selected \(1 not in view\) {2}/);
		expect(flat(frame)).toContain('1 selected session kept from before: d sends it too, Esc clears');
		frame = await app.press(KEYS.space, (frame) => footer(frame).startsWith('2 selected (1 not in view)'));
		const preview = await app.press('d', (frame) => frame.includes('disconnect these 2 sessions? y'));
		expect(preview).toContain('1 of these 2 not in the current view: listed first');
		const listed = lines(preview).filter((line) => /│ {3}(carol|dave) /.test(line));
		expect(listed.map((line) => line.match(/(carol|dave)/)![1])).toEqual(['carol', 'dave']);
		const before = received();
		await app.press(KEYS.escape, (frame) => statusLine(frame).includes('disconnect cancelled, nothing sent'));
		expect(received()).toBe(before);
	});

	it('the help states the rule', async () => {
		const {app} = await renderConsole();
		const help = await app.press('?', (frame) => frame.includes('? or Esc closes'));
		expect(help).toContain('select row; searches keep it');
		// q goes back from the help, as Esc does.
		await app.press('q', (frame) => !frame.includes('? or Esc closes') && frame.includes('▸'));
	});
});

describe('leaving while a disconnect runs', () => {
	it('q asks first; n keeps the run going to its end', async () => {
		simulator.setFaults(BNG1.name, {delayMs: 100});
		const {app, audit} = await renderConsole({ratePerSecond: 4});
		await startNasDisconnect(app);
		const asked = await app.press('q', (frame) => statusLine(frame).includes('stop it and quit? y/N'));
		expect(statusLine(asked)).toMatch(/^a disconnect is running \(\d+\/12\): stop it and quit\? y\/N$/);
		expect(footer(asked)).toBe('y stop it and quit  n/Esc keep it running');
		const kept = await app.press('n', (frame) => statusLine(frame).startsWith('the disconnect goes on'));
		expect(footer(kept)).toContain('x stop');
		const results = await app.press('', (frame) => flat(frame).includes('12 sessions: 12 coa'), 20_000);
		expect(results).not.toContain('stopped before the end');
		const end = audit.records.find((record) => record.event === 'disconnect.end') as AuditEndRecord;
		expect(end.aborted).toBe(false);
	});

	it('Ctrl-C asks the same question; Esc keeps the run; y then stops it and quits', async () => {
		simulator.setFaults(BNG1.name, {delayMs: 100});
		const {app, audit} = await renderConsole({ratePerSecond: 4});
		await startNasDisconnect(app);
		await app.press('\x03', (frame) => statusLine(frame).includes('stop it and quit? y/N'));
		await app.press(KEYS.escape, (frame) => statusLine(frame).startsWith('the disconnect goes on'));
		expect(audit.records.some((record) => record.event === 'disconnect.end')).toBe(false);
		await app.press('\x03', (frame) => statusLine(frame).includes('stop it and quit? y/N'));
		await app.press('y', (frame) => statusLine(frame).includes('stopping the disconnect before quitting'));
		const deadline = Date.now() + 10_000;
		while (!audit.records.some((record) => record.event === 'disconnect.end') && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 50));
		const end = audit.records.find((record) => record.event === 'disconnect.end') as AuditEndRecord;
		expect(end.aborted).toBe(true);
		expect(end.sessions.some((entry) => entry.outcome === 'not_sent')).toBe(true);
	});

	it('q in the detail view and in the results goes back instead of quitting', async () => {
		const {app} = await renderConsole();
		await search(app, 'bob');
		await app.press(KEYS.enter, (frame) => frame.includes('Esc back'));
		await app.press('q', (frame) => lines(frame)[4]?.startsWith('▸  bob') === true);
		await app.press('d', (frame) => frame.includes('disconnect this session? y or Enter'));
		await app.press('y', (frame) => flat(frame).includes('1 session: 1 coa'), 10_000);
		const table = await app.press('q', (frame) => lines(frame)[3]?.includes('USER') === true, 10_000);
		expect(footer(table)).toContain('q quit');
	});
});

describe('a preview with nothing to send says so first', () => {
	it('d on a closed session: nothing to send, only Esc', async () => {
		await database.pool.query(`UPDATE radacct SET acctstoptime = now() WHERE username = 'bob'`);
		const {app} = await renderConsole();
		await app.press('t', (frame) => frame.includes('stale ·'));
		await app.press('t', (frame) => frame.includes('closed ·'));
		await app.press('', (frame) => lines(frame)[4]?.startsWith('▸  bob') === true, 10_000);
		const preview = await app.press('d', (frame) => frame.includes('Esc closes'));
		expect(preview).toContain('nothing to send: Esc closes');
		expect(preview).not.toMatch(/disconnect (this session|these \d+ sessions)\?/);
		expect(preview).not.toContain('reason  ');
		expect(footer(preview)).toBe('Esc cancel');
		const before = received();
		await app.press('y', (frame) => frame.includes('no open session to disconnect: Esc closes'));
		expect(received()).toBe(before);
	});

	it('A on a search that matches nothing: nothing to send, only Esc', async () => {
		const {app} = await renderConsole();
		await app.press('/');
		for (const character of 'nosuchuser') await app.press(character, () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('/ nosuchuser') && !frame.includes('▸'));
		const preview = await app.press('A', (frame) => frame.includes('Esc closes'));
		expect(preview).toContain('nothing to send: Esc closes');
		expect(preview).not.toContain('disconnect these 0 sessions');
		expect(footer(preview)).toBe('Esc cancel');
	});

	it('every session blocked: said at once, no count asked for', async () => {
		const {app} = await renderConsole({allowedNas: ['bng-2']});
		await search(app, 'user0');
		const preview = await app.press('A', (frame) => frame.includes('Esc closes'));
		expect(preview).toContain('nothing can be sent (see above): Esc closes');
		expect(preview).toMatch(/NOT SENT \d+:/);
		expect(preview).not.toMatch(/disconnect these \d+ sessions\? y|type the number/);
		expect(footer(preview)).toBe('Esc cancel');
	});

	it('unique users follow a mass disconnect at once, not 30 s later', async () => {
		const {app} = await renderConsole({ratePerSecond: 0});
		expect(statsLine(app.frame())).toMatch(/^16 online · 15 users/);
		await app.press('X', (frame) => frame.includes('which NAS'));
		await app.press('k', () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name (bng-1) to confirm:'));
		const started = Date.now();
		await app.press('bng-1\r', (frame) => flat(frame).includes('12 sessions: 12 coa'), 10_000);
		await app.press(KEYS.escape, (frame) => /^4 online · 4 users/.test(statsLine(frame)), 10_000);
		expect(Date.now() - started).toBeLessThan(15_000);
	});
});
