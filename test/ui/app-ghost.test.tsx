/**
 * Ghost candidates in the console, below the terminal (ink-testing-library at 80x24, a real radacct and
 * nasreload): the G mark in the row gutter before T, its legend in the help, the NAS picker's `reloaded ...
 * ago` and the detail view's line; and nothing of it, nor an error, without nasreload.
 */
import type pg from 'pg';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import {rowFactsOf, rowMark, rowMarkLegend} from '../../source/ui/row-marks.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {makeSession} from '../helpers/sessions.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
const mounted: Rendered[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	await database.pool.query(
		"INSERT INTO nas (nasname, shortname, secret) VALUES ('10.20.0.2', 'bng-2', 's'), ('10.20.0.1', 'bng-1', 's')",
	);
	await database.pool.query("INSERT INTO nasreload VALUES ('10.20.0.2', now() - interval '10 minutes')");
	await insertSessions(database.pool as pg.Pool, [
		{username: 'ghost', nasipaddress: '10.20.0.2', startedAgo: 7200, updatedAgo: 900, acctinterval: 300},
		{username: 'survivor', nasipaddress: '10.20.0.2', startedAgo: 7000, updatedAgo: 60, acctinterval: 300},
		{username: 'elsewhere', nasipaddress: '10.20.0.1', startedAgo: 6800, updatedAgo: 900, acctinterval: 300},
	]);
}, 120_000);

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

afterAll(async () => {
	await database?.close();
});

async function renderConsole(): Promise<Rendered> {
	const source = await SessionSource.open(database.pool);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={source} databaseLabel="test" intervalSeconds={5} readOnly />
		</ThemeContext.Provider>,
	);
	app.resize(80, 24);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return app;
}

const rowOf = (frame: string, user: string) => frame.split('\n').find((line) => line.slice(3).startsWith(`${user} `)) ?? '';

describe('the G mark', () => {
	it('comes first among the marks: a ghost past its expected end is G', () => {
		expect(rowMark({ghost: true, overTime: true})).toBe('G');
		expect(rowMark({ghost: false, overTime: true})).toBe('T');
		expect(rowMark({})).toBe(' ');
		expect(rowMarkLegend()[0]).toBe('G beside a row: a ghost candidate: its NAS reloaded after it was last heard of');
		const session = makeSession({acctstarttime: new Date('2026-12-03T08:00:00Z'), acctupdatetime: new Date('2026-12-03T09:00:00Z')});
		const now = new Date('2026-12-03T10:00:00Z');
		expect(rowFactsOf(session, undefined, now, undefined, new Date('2026-12-03T09:30:00Z')).ghost).toBe(true);
		expect(rowFactsOf(session, undefined, now, undefined, new Date('2026-12-03T08:30:00Z')).ghost).toBe(false);
		expect(rowFactsOf(session, undefined, now).ghost).toBe(false);
	});

	it('marks the ghost candidate in the table, lists it in the help, and the NAS picker says bng-2 reloaded', async () => {
		const app = await renderConsole();
		const frame = await app.waitForFrame((text) => rowOf(text, 'ghost').slice(0, 3) === ' G ', 10_000);
		expect(rowOf(frame, 'survivor').slice(0, 3)).toBe('   ');
		expect(rowOf(frame, 'elsewhere').slice(0, 3)).toBe('▸  ');
		// At 120 columns the bindings go two a line and the notes fit under them.
		app.resize(120, 30);
		const help = await app.press('?', (text) => text.includes('keys'));
		expect(help).toContain('G beside a row: a ghost candidate: its NAS reloaded after it was last heard of');
		await app.press(KEYS.escape, (text) => text.includes('▸'));
		app.resize(80, 24);
		const picker = await app.press('n', (text) => text.includes('filter on a NAS'));
		expect(picker).toMatch(/^ {2}bng-2 +10\.20\.0\.2 +2(?: +[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█])? {2}reloaded (9m5\ds|10m0\ds) ago$/m);
		expect(picker).toMatch(/^ {2}bng-1 +10\.20\.0\.1 +1(?: +[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█])?$/m);
	}, 30_000);

	it('the detail view of the ghost says so first', async () => {
		const app = await renderConsole();
		await app.waitForFrame((text) => rowOf(text, 'ghost').slice(0, 3) === ' G ', 10_000);
		// Newest first: elsewhere, survivor, ghost.
		await app.press('j', (text) => rowOf(text, 'survivor').startsWith('▸'));
		await app.press('j', (text) => rowOf(text, 'ghost').startsWith('▸'));
		const detail = await app.press(KEYS.enter, (text) => text.includes('likely a ghost'), 10_000);
		expect(detail.split('\n')[5]).toMatch(/^started before bng-2 reloaded at \d\d:\d\d \(Accounting-On\/Off\): likely a ghost$/);
	}, 30_000);

	it('without nasreload nothing is marked, and the console says nothing of it', async () => {
		await database.pool.query('DROP TABLE nasreload');
		const app = await renderConsole();
		const frame = await app.waitForFrame((text) => text.includes('database: ok'), 10_000);
		for (const user of ['ghost', 'survivor', 'elsewhere']) expect(rowOf(frame, user).slice(0, 3)).toMatch(/^[▸ ] {2}$/);
		expect(frame).not.toContain('nasreload');
		const picker = await app.press('n', (text) => text.includes('filter on a NAS'));
		expect(picker).not.toContain('reloaded');
	}, 30_000);
});
