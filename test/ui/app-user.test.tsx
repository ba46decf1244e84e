/**
 * The console's user view end to end below the terminal (ink-testing-library, a real radacct, radpostauth and
 * FreeRADIUS's authorisation tables): `u` on a row and in the details opens the row's user with its verdict
 * first, scrolls under its title, Esc goes back where it came from; `:user NAME` with no session offers the
 * user view on the empty table and `u` opens it; a radcheck password and a radpostauth pass never show.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL, FREERADIUS_POSTAUTH_SQL} from '../../source/db/freeradius-schema.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {lookUpUser} from '../../source/subscribers/user-lookup.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const PASSWORD = 'console-pw-0b0b';
const PASS = 'console-pass-1c1c';
let database: TestDatabase;
const mounted: Rendered[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	await database.pool.query(FREERADIUS_AUTHORISATION_SQL);
	await database.pool.query(FREERADIUS_POSTAUTH_SQL);
	const attempts = Array.from(
		{length: 12},
		(_, n) => `('alice', '${PASS}', 'Access-Reject', 'bng-1', 'AA:BB:CC:00:00:01', now() - interval '${n + 1} minutes')`,
	);
	await database.pool.query(`
		INSERT INTO radcheck (username, attribute, op, value) VALUES
			('alice', 'Cleartext-Password', ':=', '${PASSWORD}'), ('alice', 'Auth-Type', ':=', 'Reject'),
			('mallory', 'NT-Password', ':=', '${PASSWORD}'), ('mallory', 'Expiration', ':=', '01 Nov 2026');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'fiber-100', 1);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES ('fiber-100', 'Session-Timeout', '=', '86400');
		INSERT INTO radpostauth (username, pass, reply, calledstationid, callingstationid, authdate) VALUES ${attempts.join(', ')};
	`);
	await insertSessions(database.pool, [{username: 'alice', startedAgo: 600}]);
}, 120_000);

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

afterAll(async () => {
	await database?.close();
});

async function renderConsole(columns: number, rows: number): Promise<Rendered> {
	const source = await SessionSource.open(database.pool);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App
				source={source}
				databaseLabel="test"
				intervalSeconds={5}
				readOnly
				lookUpUser={(username) => lookUpUser(database.pool, source, username)}
			/>
		</ThemeContext.Provider>,
	);
	app.resize(columns, rows);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return app;
}

const bodyOf = (frame: string) => frame.split('\n').slice(3);

describe('the user view', () => {
	it('u on a row: the title first, the verdict under it, scrolled under the title at 60x12; Esc back', async () => {
		const app = await renderConsole(60, 12);
		let frame = await app.press('u', (text) => text.includes('rejected: Auth-Type'), 10_000);
		let body = bodyOf(frame);
		expect(body[0]).toMatch(/^user alice +1-5 of \d+ ↑↓ · Esc back$/);
		expect(body[1]).toBe('rejected: Auth-Type := Reject in radcheck');
		expect(frame).not.toContain(PASSWORD);
		// Scrolled: the title stays on the first line, the rest moves.
		frame = await app.press(KEYS.pageDown, (text) => /user alice +\d+-\d+ of/.test(text) && !text.includes('rejected:'));
		body = bodyOf(frame);
		expect(body[0]).toMatch(/^user alice +(\d+)-\d+ of \d+ ↑↓ · Esc back$/);
		expect(frame).not.toContain(PASSWORD);
		expect(frame).not.toContain(PASS);
		let all = frame;
		for (let page = 0; page < 6; page++) {
			all += await app.press(KEYS.pageDown, () => true);
		}
		expect(all).toContain('Cleartext-Password (set)');
		expect(all).toContain('Session-Timeout = 86400');
		expect(all).not.toContain(PASSWORD);
		expect(all).not.toContain(PASS);
		frame = await app.press(KEYS.escape, (text) => text.includes('▸'));
		expect(frame).toMatch(/USER/);
	}, 40_000);

	it('u in the details opens the user; Esc goes back to the details', async () => {
		const app = await renderConsole(80, 24);
		await app.press(KEYS.enter, (text) => /^alice on /m.test(text), 10_000);
		const frame = await app.press(
			'u',
			(text) => text.includes('last 12 attempts rejected') || text.includes('rejected: Auth-Type'),
			10_000,
		);
		expect(bodyOf(frame)[0]).toMatch(/^user alice /);
		expect(frame).toMatch(/Access-Reject +bng-1 +AA:BB:CC:00:00:01/);
		const back = await app.press(KEYS.escape, (text) => /^alice on /m.test(text));
		expect(back).toMatch(/^alice on /m);
	}, 40_000);

	it(':user NAME with no session: the empty table offers the user view, u opens it', async () => {
		const app = await renderConsole(80, 24);
		await app.press(':');
		for (const character of 'user mallory') await app.press(character);
		let frame = await app.press(KEYS.enter, (text) => text.includes('u: look up user mallory'), 10_000);
		expect(frame).toContain('no sessions match · u: look up user mallory');
		frame = await app.press('u', (text) => text.includes('expired 2026-11-01'), 10_000);
		expect(bodyOf(frame)[0]).toMatch(/^user mallory /);
		expect(frame).toContain('NT-Password (set)');
		expect(frame).not.toContain(PASSWORD);
		frame = await app.press(KEYS.escape, (text) => text.includes('u: look up user mallory'));
		expect(frame).toContain('no sessions match');
	}, 40_000);
});
