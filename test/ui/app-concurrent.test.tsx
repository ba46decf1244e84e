/**
 * The concurrent logins view in the console, rendered with ink-testing-library over a real radacct
 * (PostgreSQL with DATABASE_URL, else PGlite): `C` and `:concurrent` show only the users logged in more than
 * once, together, the filter bar says so, `C` and Esc leave it; the rows of such users carry `C` in the gutter,
 * `S` when they exceed their Simultaneous-Use; the details of such a session name the others.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {consoleSubscribers} from '../../source/subscribers/console-subscribers.js';
import {openSubscriberEnricher, type OpenedEnricher} from '../../source/subscribers/open-enricher.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
const mounted: Rendered[] = [];
const opened: OpenedEnricher[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	await database.pool.query(FREERADIUS_AUTHORISATION_SQL);
	// alice may have one session at a time, carol two, the others have no limit set.
	await database.pool.query(`INSERT INTO radcheck (username, attribute, op, value) VALUES
		('alice', 'Simultaneous-Use', ':=', '1'), ('carol', 'Simultaneous-Use', ':=', '2')`);
	await insertSessions(database.pool, [
		{username: 'alice', nasipaddress: '10.20.0.1', callingstationid: 'AA:BB:CC:00:00:01', startedAgo: 7200},
		{username: 'bob', nasipaddress: '10.20.0.1', startedAgo: 60},
		{username: 'carol', nasipaddress: '10.20.0.2', startedAgo: 900},
		{username: 'alice', nasipaddress: '10.20.0.2', callingstationid: 'CC:DD:EE:00:00:02', startedAgo: 600},
		{username: 'carol', nasipaddress: '10.20.0.2', startedAgo: 300},
		{username: 'dave', nasipaddress: '10.20.0.2', startedAgo: 30},
	]);
}, 120_000);

afterEach(async () => {
	for (const app of mounted.splice(0)) app.unmount();
	for (const enricher of opened.splice(0)) await enricher.close();
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
	const enricher = await openSubscriberEnricher(database.pool, {});
	opened.push(enricher);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={source} databaseLabel="test" intervalSeconds={5} readOnly={false} subscribers={consoleSubscribers(enricher)} />
		</ThemeContext.Provider>,
	);
	app.resize(100, 24);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('dave'), 10_000);
	return app;
}

/** The table's rows, top to bottom: the gutter's mark (a space for none) and the username. */
function marked(frame: string): string[] {
	const lines = frame.split('\n');
	const head = lines.findIndex((line) => /^\s+USER/.test(line));
	const rows: string[] = [];
	for (const line of lines.slice(head + 1)) {
		const match = /^[▸● ]([A-Z ]) (\S+)\s+bng-/.exec(line);
		if (!match) break;
		rows.push(`${match[1]}${match[2]}`);
	}
	return rows;
}

/** The usernames of the table's rows, top to bottom. */
function users(frame: string): string[] {
	return marked(frame).map((row) => row.slice(1));
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

	it('marks the rows: S over Simultaneous-Use (alice: 2 of 1), C logged in more than once (carol: 2 of 2)', async () => {
		const app = await renderConsole();
		const frame = await app.waitForFrame((text) => marked(text).includes('Salice'), 10_000);
		expect(marked(frame)).toEqual([' dave', ' bob', 'Ccarol', 'Salice', 'Ccarol', 'Salice']);
		const help = await app.press('?', (text) => text.includes('keys'), 10_000);
		expect(help).toMatch(/ C {7}only users logged in more than once/);
		const legend = await app.press(KEYS.pageDown, (text) => text.includes('S beside a row'), 10_000);
		expect(legend).toContain('C beside a row: its user has more than one open session');
	}, 30_000);

	it('the details of a concurrent session name the others', async () => {
		const app = await renderConsole();
		await app.press('C', showing('alice', 'alice', 'carol', 'carol'), 10_000);
		const frame = await app.press(KEYS.enter, (text) => text.includes('open sessions of alice'), 10_000);
		// At 100 columns the hint takes two lines: who (and the limit) and what differs, then the sessions.
		expect(frame).toContain('2 open sessions of alice (Simultaneous-Use 1) · different MACs, different NAS\n');
		// "since 09:12" for a start today, "since 12-06 23:05" for one on another day (a run just after midnight).
		expect(frame).toMatch(
			/^ {2}bng-1 \(AA:BB:CC:00:00:01\) since (\d\d-\d\d )?\d\d:\d\d, bng-2 \(CC:DD:EE:00:00:02\) since (\d\d-\d\d )?\d\d:\d\d$/m,
		);
		const masked = await app.press('m', (text) => text.includes('AA:BB:CC:xx:xx:xx'), 10_000);
		expect(masked).not.toContain('00:00:01');
	}, 30_000);
});
