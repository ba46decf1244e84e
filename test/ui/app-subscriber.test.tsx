/**
 * The console's subscriber context end to end below the terminal (ink-testing-library at 80x24, a real
 * radacct and FreeRADIUS's authorisation tables, a billing query of the profile's kind): the detail view
 * shows the plan, the limits, the time remaining and the billing fields of the session it opens on.
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
	await database.pool.query(`
		CREATE TABLE subscribers (username text PRIMARY KEY, full_name text, service text);
		INSERT INTO subscribers VALUES ('alice', 'Alice Liddell', 'Fiber 100');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'fiber-100', 1);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
			('fiber-100', 'Session-Timeout', '=', '86400'), ('fiber-100', 'Mikrotik-Rate-Limit', '=', '100M/100M');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('carol', 'trial', 1);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES ('trial', 'Session-Timeout', ':=', '3600');
	`);
	await insertSessions(database.pool, [
		{username: 'alice', startedAgo: 3600},
		{username: 'bob', startedAgo: 7200},
		// Two hours into a one-hour trial: the NAS did not end it.
		{username: 'carol', startedAgo: 7300},
	]);
}, 120_000);

afterEach(async () => {
	for (const app of mounted.splice(0)) app.unmount();
	for (const enricher of opened.splice(0)) await enricher.close();
});

afterAll(async () => {
	await database?.close();
});

async function renderConsole(billingQuery: string, size: [number, number] = [80, 24]): Promise<Rendered> {
	const source = await SessionSource.open(database.pool);
	const enricher = await openSubscriberEnricher(database.pool, {billingQuery});
	opened.push(enricher);
	const subscribers = consoleSubscribers(enricher);
	// As the console command does: the sort by time left reads the reply tables the probe found.
	source.readTimeoutsFrom(subscribers.timeoutTables);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={source} databaseLabel="test" intervalSeconds={5} readOnly subscribers={subscribers} />
		</ThemeContext.Provider>,
	);
	app.resize(...size);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return app;
}

describe('the detail view: the subscriber behind the session', () => {
	it('shows the plan, the limits, the time remaining and the billing fields', async () => {
		const app = await renderConsole('SELECT username, full_name, service FROM subscribers WHERE username = ANY ($1::text[])');
		// The newest session first: alice's.
		const frame = await app.press(KEYS.enter, (text) => text.includes('Alice Liddell'), 10_000);
		expect(frame).toMatch(/^alice on /m);
		expect(frame).toMatch(/Plan {16}fiber-100 +Session-Timeout {5}1d/);
		expect(frame).toContain('Rate limit          100M/100M (Mikrotik-Rate-Limit)');
		expect(frame).toMatch(/^Remaining {11}2[23]h\d*m? \(9[56]%\)/m);
		expect(frame).toMatch(/full_name {11}Alice Liddell\n/);
		expect(frame).toMatch(/^service {13}Fiber 100$/m);
	}, 30_000);

	it('a billing query that fails: the plan still shows, and one line says why', async () => {
		const app = await renderConsole('SELECT username, full_name FROM no_such_billing WHERE username = ANY ($1::text[])');
		const frame = await app.press(KEYS.enter, (text) => text.includes('fiber-100'), 10_000);
		expect(frame).toContain('billing query failed: relation "no_such_billing" does not exist');
		expect(frame).not.toContain('full_name');
	}, 30_000);
});

const BILLING = 'SELECT username, full_name, service FROM subscribers WHERE username = ANY ($1::text[])';
const rowOf = (frame: string, user: string) => frame.split('\n').find((line) => line.slice(3).startsWith(`${user} `)) ?? '';

describe('the table: the subscriber columns', () => {
	it('shows REMAINING, PLAN and the billing columns, and marks a session past its end with T', async () => {
		const app = await renderConsole(BILLING, [120, 24]);
		const frame = await app.waitForFrame((text) => text.includes('Alice Lid'), 10_000);
		const heads = frame.split('\n')[3]!;
		expect(heads).toMatch(/^ {3}USER +NAS +FRAMED IP +DURATION +REMAINING +PLAN +FULL NAME /);
		expect(rowOf(frame, 'alice')).toMatch(/ 2[23]h\d*m? fiber-100 +Alice Lid/);
		expect(rowOf(frame, 'carol')).toMatch(/ over 1h\d*m? trial +- /);
		// The gutter: the marker column, then the row's mark.
		expect(rowOf(frame, 'carol').slice(0, 3)).toBe(' T ');
		expect(rowOf(frame, 'bob').slice(0, 3)).toBe('   ');
		expect(rowOf(frame, 'bob')).toMatch(/ +- +- +- /);
		// T is in the help, with the other marks after the bindings.
		await app.press('?', (text) => text.includes('keys'));
		const help = await app.press(KEYS.pageDown, (text) => text.includes('T beside a row'));
		expect(help).toContain('T beside a row: past its expected end');
	}, 30_000);

	it('sorts by time left with s: the session past its end first, the one without a timeout last', async () => {
		const app = await renderConsole(BILLING, [120, 24]);
		await app.waitForFrame((text) => text.includes('Alice Lid'), 10_000);
		let frame = app.frame();
		// start, duration, down, up, rate, user, nas, ip, remaining: eight steps from the start sort.
		for (let step = 0; step < 8; step++) frame = await app.press('s', () => true);
		frame = await app.waitForFrame((text) => text.includes('time left ↑'), 10_000);
		frame = await app.waitForFrame((text) => /REMAINING▲/.test(text) && text.includes('▸T carol'), 10_000);
		const order = frame
			.split('\n')
			.slice(4)
			.map((line) => line.slice(3).split(' ')[0]!)
			.filter((name) => ['alice', 'bob', 'carol'].includes(name));
		expect(order).toEqual(['carol', 'alice', 'bob']);
	}, 30_000);

	it('a billing query that fails leaves its columns out and says so on the status line', async () => {
		const app = await renderConsole('SELECT username, full_name FROM no_such_billing WHERE username = ANY ($1::text[])', [120, 24]);
		const frame = await app.waitForFrame((text) => text.includes('billing query failed'), 10_000);
		expect(frame.split('\n').at(-2)).toMatch(/^database: ok · billing query failed: relation "no_such_billing" does not exist/);
		expect(frame.split('\n')[3]).toContain('PLAN');
		expect(frame.split('\n')[3]).not.toContain('FULL NAME');
	}, 30_000);
});
