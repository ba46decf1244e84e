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
	`);
	await insertSessions(database.pool, [
		{username: 'alice', startedAgo: 3600},
		{username: 'bob', startedAgo: 7200},
	]);
}, 120_000);

afterEach(async () => {
	for (const app of mounted.splice(0)) app.unmount();
	for (const enricher of opened.splice(0)) await enricher.close();
});

afterAll(async () => {
	await database?.close();
});

async function renderConsole(billingQuery: string): Promise<Rendered> {
	const source = await SessionSource.open(database.pool);
	const enricher = await openSubscriberEnricher(database.pool, {billingQuery});
	opened.push(enricher);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={source} databaseLabel="test" intervalSeconds={5} readOnly subscribers={consoleSubscribers(enricher)} />
		</ThemeContext.Provider>,
	);
	app.resize(80, 24);
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
