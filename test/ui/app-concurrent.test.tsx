/**
 * The concurrent logins view in the console, rendered with ink-testing-library over a real radacct
 * (PostgreSQL with DATABASE_URL, else PGlite): `C` and `:concurrent` show only the users logged in more than
 * once, together, the filter bar says so, `C` and Esc leave it; the details of such a session name the others.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
const mounted: Rendered[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	await insertSessions(database.pool, [
		{username: 'alice', nasipaddress: '10.20.0.1', callingstationid: 'AA:BB:CC:00:00:01', startedAgo: 7200},
		{username: 'bob', nasipaddress: '10.20.0.1', startedAgo: 60},
		{username: 'carol', nasipaddress: '10.20.0.2', startedAgo: 900},
		{username: 'alice', nasipaddress: '10.20.0.2', callingstationid: 'CC:DD:EE:00:00:02', startedAgo: 600},
		{username: 'carol', nasipaddress: '10.20.0.2', startedAgo: 300},
		{username: 'dave', nasipaddress: '10.20.0.2', startedAgo: 30},
	]);
}, 120_000);

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

afterAll(async () => {
	await database?.close();
});

async function renderConsole(): Promise<Rendered> {
	const source = await SessionSource.open(database.pool, {
		nasOverrides: [
			{ip: '10.20.0.1', name: 'bng-1'},
			{ip: '10.20.0.2', name: 'bng-2'},
		],
	});
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={source} databaseLabel="test" intervalSeconds={5} readOnly={false} />
		</ThemeContext.Provider>,
	);
	app.resize(100, 24);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('dave'), 10_000);
	return app;
}

/** The usernames of the table's rows, top to bottom. */
function users(frame: string): string[] {
	const lines = frame.split('\n');
	const head = lines.findIndex((line) => /^\s+USER/.test(line));
	const rows: string[] = [];
	for (const line of lines.slice(head + 1)) {
		const match = /^[▸● ] {1,2}(\S+)\s+bng-/.exec(line);
		if (!match) break;
		rows.push(match[1]!);
	}
	return rows;
}

/** The view's rows are in: the filter bar says so and the table shows exactly these users. */
const showing =
	(...expected: string[]) =>
	(frame: string) =>
		frame.includes('concurrent logins ·') && users(frame).join() === expected.join();

describe('concurrent logins in the console', () => {
	it('C shows only users with more than one open session, a user together; C again shows everyone', async () => {
		const app = await renderConsole();
		expect(users(app.frame())).toEqual(['dave', 'bob', 'carol', 'alice', 'carol', 'alice']);
		const frame = await app.press('C', showing('alice', 'alice', 'carol', 'carol'), 10_000);
		expect(frame).toMatch(/concurrent logins · all NAS · user ↑/);
		expect(frame).toContain('1 of 4');
		const back = await app.press('C', (text) => text.includes('dave') && !text.includes('concurrent logins ·'), 10_000);
		expect(users(back)).toEqual(['dave', 'bob', 'carol', 'alice', 'carol', 'alice']);
		expect(back).toMatch(/active · all NAS · start ↓/);
	}, 30_000);

	it(':concurrent enters it, with the NAS filter in force; Esc leaves it', async () => {
		const app = await renderConsole();
		await app.press(':');
		for (const character of 'nas bng-2') await app.press(character);
		await app.press(KEYS.enter, (text) => text.includes('NAS bng-2') && !text.includes('bob'), 10_000);
		await app.press(':');
		for (const character of 'concurrent') await app.press(character);
		// alice is logged in on bng-1 too: her bng-2 session is one of two.
		const frame = await app.press(KEYS.enter, showing('alice', 'carol', 'carol'), 10_000);
		expect(frame).toContain('1 of 3');
		expect(frame).toMatch(/concurrent logins · NAS bng-2 · user ↑/);
		const left = await app.press(KEYS.escape, (text) => text.includes('dave'), 10_000);
		expect(left).toMatch(/active · NAS bng-2 · start ↓/);
	}, 30_000);

	it('the details of a concurrent session name the others', async () => {
		const app = await renderConsole();
		await app.press('C', showing('alice', 'alice', 'carol', 'carol'), 10_000);
		const frame = await app.press(KEYS.enter, (text) => text.includes('open sessions of alice'), 10_000);
		// At 100 columns the hint takes two lines: who and what differs, then the sessions.
		expect(frame).toContain('2 open sessions of alice · different MACs, different NAS\n');
		expect(frame).toMatch(/^ {2}bng-1 \(AA:BB:CC:00:00:01\) since \d\d:\d\d, bng-2 \(CC:DD:EE:00:00:02\) since \d\d:\d\d$/m);
		const masked = await app.press('m', (text) => text.includes('AA:BB:CC:xx:xx:xx'), 10_000);
		expect(masked).not.toContain('00:00:01');
	}, 30_000);
});
