/**
 * Following who is back after a disconnect, in the App at 80x24: a real radacct, the real disconnect service and
 * a simulated NAS on loopback that ends the session; the user's new session is written as FreeRADIUS would.
 */
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
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

const BNG2 = {ip: '10.20.0.2', name: 'bng-2', secret: 'bng-2-Coa-secret'};

let database: TestDatabase;
let simulator: NasSimulator;
let overrides: NasOverride[];
const mounted: Array<{app: Rendered; coa: CoaClient}> = [];

beforeAll(async () => {
	database = await createTestDatabase();
	simulator = await startNasSimulator({
		db: database.pglite ?? database.pool,
		nas: [{name: BNG2.name, ip: BNG2.ip, secret: BNG2.secret, vendor: 'mikrotik', host: '127.0.0.1', coaPort: 0}],
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

beforeEach(async () => {
	await database.pool.query('TRUNCATE radacct');
	await insertSessions(
		database.pool,
		['bob', 'carol', 'dave'].map((username, index) => ({username, nasipaddress: BNG2.ip, startedAgo: 600 + index * 60})),
	);
});

afterEach(async () => {
	for (const {app, coa} of mounted.splice(0)) {
		app.unmount();
		await coa.close();
	}
	await simulator.stopsWritten();
});

async function renderConsole(): Promise<Rendered> {
	const source = await SessionSource.open(database.pool, {nasOverrides: overrides});
	const coa = new CoaClient({timeoutMs: 300, retries: 1});
	const service = createDisconnectService({
		db: database.pool,
		overrides,
		audit: new MemoryAudit(),
		coaClient: coa,
		confirmStopWithinMs: 5000,
		confirmPollMs: 50,
		progressIntervalMs: 50,
	});
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={source} databaseLabel="test" intervalSeconds={1} readOnly={false} disconnect={service} />
		</ThemeContext.Provider>,
	);
	app.resize(80, 24);
	mounted.push({app, coa});
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return app;
}

const lines = (frame: string) => frame.split('\n');
const statusLine = (frame: string) => lines(frame).at(-2) ?? '';

describe('who is back after a disconnect', () => {
	it('X on a NAS: the results and then the status line count the users back, until all are', async () => {
		const app = await renderConsole();
		await app.press('X', (frame) => frame.includes('bng-2'));
		await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name'));
		for (const character of 'bng-2') await app.press(character, () => true);
		const results = await app.press(
			KEYS.enter,
			(frame) => frame.includes('back online: 0 of 3 users (0 %)') && frame.includes('3 of 3 confirmed'),
			15_000,
		);
		expect(results).toMatch(/back online: 0 of 3 users \(0 %\) · \d+s since the run · b stops following/);
		expect(results).toMatch(/ bng-2 +░+ +0\/3 \(0 %\)/);

		// bob dials in again (and carol's old session, closed, does not count).
		await insertSessions(database.pool, [{username: 'bob', nasipaddress: BNG2.ip, startedAgo: 0}]);
		const one = await app.waitForFrame((frame) => frame.includes('back online: 1 of 3 users (33 %)'), 15_000);
		expect(one).toMatch(/ bng-2 +█+░+ +1\/3 \(33 %\)/);

		// In the table the status line follows it, once the run's own message has gone.
		const table = await app.press(KEYS.escape, (frame) => statusLine(frame).startsWith('bng-2: 1 of 3 back (33 %) · '), 20_000);
		expect(statusLine(table)).toMatch(/^bng-2: 1 of 3 back \(33 %\) · \d+s since the run/);

		await insertSessions(database.pool, [
			{username: 'carol', nasipaddress: BNG2.ip, startedAgo: 0},
			{username: 'dave', nasipaddress: BNG2.ip, startedAgo: 0},
		]);
		const all = await app.waitForFrame((frame) => statusLine(frame).includes('all 3 users of the run are back online'), 15_000);
		expect(statusLine(all)).toMatch(/all 3 users of the run are back online \(\d+s since the run\)/);
	}, 60_000);

	it('b in the results stops following: the line goes and a later count is not taken', async () => {
		const app = await renderConsole();
		await app.press('X', (frame) => frame.includes('bng-2'));
		await app.press(KEYS.enter, (frame) => frame.includes('type the NAS name'));
		for (const character of 'bng-2') await app.press(character, () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('back online: 0 of 3 users'), 15_000);
		const dismissed = await app.press('b', (frame) => statusLine(frame).includes('no longer following who is back online'));
		expect(dismissed).not.toContain('back online: 0 of 3');
		await insertSessions(database.pool, [{username: 'bob', nasipaddress: BNG2.ip, startedAgo: 0}]);
		const table = await app.press(KEYS.escape, (frame) => frame.includes('▸'));
		expect(table).not.toContain('back (');
	}, 60_000);
});
