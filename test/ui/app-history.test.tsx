/**
 * The console's history view below the terminal (ink-testing-library, a real radacct): `h` opens it on the
 * cursor's NAS (the NAS filter's when there is one) with the network's chart above it, at 80x24 and at 160x48;
 * ↓ steps the NAS, `r` reads radacct again, Esc goes back; `:history` opens it too; a history that cannot be
 * read says why and the console's own polls are still drawn; the NAS picker has a sparkline per NAS.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {SessionSource, type SessionReader} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let source: SessionSource;
const mounted: Rendered[] = [];
const NAS1 = '10.20.0.1';
const NAS2 = '10.20.0.2';

beforeAll(async () => {
	database = await createTestDatabase();
	await database.pool.query(
		"INSERT INTO nas (nasname, shortname, type, secret) VALUES ('10.20.0.1', 'bng-1', 'other', 'x'), ('10.20.0.2', 'bng-2', 'other', 'x')",
	);
	await insertSessions(database.pool, [
		// bng-1: two open all along, a third from 5 hours ago to 1 hour ago: most 3, now 2.
		{username: 'ann', nasipaddress: NAS1, startedAgo: 8 * 3600},
		{username: 'bob', nasipaddress: NAS1, startedAgo: 7 * 3600},
		{username: 'cid', nasipaddress: NAS1, startedAgo: 5 * 3600, stoppedAgo: 3600},
		// bng-2: one open for the last 2 hours, one that ended 3 hours ago.
		{username: 'dee', nasipaddress: NAS2, startedAgo: 2 * 3600},
		{username: 'eve', nasipaddress: NAS2, startedAgo: 9 * 3600, stoppedAgo: 3 * 3600},
	]);
	source = await SessionSource.open(database.pool);
}, 120_000);

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

afterAll(async () => {
	await database?.close();
});

/** The reader the console gets: the real one, counting history reads, or failing them. */
function reader(options: {fail?: string} = {}): SessionReader & {historyReads: number} {
	const counted: SessionReader & {historyReads: number} = {
		historyReads: 0,
		staleAfterSeconds: source.staleAfterSeconds,
		list: (filter, sort, window) => source.list(filter, sort, window),
		count: (filter) => source.count(filter),
		stats: () => source.stats(),
		openCounts: () => source.openCounts(),
		staleAndUsers: () => source.staleAndUsers(),
		session: (id) => source.session(id),
		history: (username, limit, since) => source.history(username, limit, since),
		onlineHistory: async (window) => {
			counted.historyReads += 1;
			if (options.fail) throw new Error(options.fail);
			return source.onlineHistory(window);
		},
	};
	return counted;
}

async function renderConsole(columns: number, rows: number, source: SessionReader): Promise<Rendered> {
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={source} databaseLabel="test" intervalSeconds={5} readOnly />
		</ThemeContext.Provider>,
	);
	app.resize(columns, rows);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return app;
}

const bodyOf = (frame: string) => frame.split('\n').slice(3);
const read = (frame: string) => frame.includes('from radacct');

describe('the history view', () => {
	it('h at 80x24: the network and the cursor’s NAS, each a chart with counts and times, every line within 80 columns', async () => {
		const counted = reader();
		const app = await renderConsole(80, 24, counted);
		const frame = await app.press('h', read, 10_000);
		const body = bodyOf(frame);
		expect(body[0]).toBe('online sessions, last 6 hours · ↑↓ NAS · r read again · Esc back');
		expect(body[1]).toMatch(/^from radacct, a point a minute up to \d\d:\d\d:\d\d; then the console's polls$/);
		expect(body[2]).toBe('network  3 open · least 3 · most 4');
		// The newest session is dee's on bng-2: the cursor's row.
		const nasHead = body.findIndex((line) => line.startsWith('bng-2 10.20.0.2'));
		expect(body[nasHead]).toBe('bng-2 10.20.0.2  1 open · least 0 · most 1');
		// Each chart: 6 rows of bars under a y-axis of counts, then the time axis.
		const network = body.slice(3, nasHead);
		expect(network).toHaveLength(7);
		expect(network[0]).toMatch(/^6 ┤/);
		expect(network[3]).toMatch(/^3 ┤/);
		expect(network[5]).toMatch(/^0 ┤█+$/);
		expect(network[6]).toMatch(/^ {2}└[─\d:]+$/);
		expect(network[6]).toMatch(/\d\d:00/);
		expect(body.slice(nasHead + 1, nasHead + 8)).toHaveLength(7);
		for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
		expect(frame.split('\n')).toHaveLength(23);
		expect(counted.historyReads).toBe(1);
	});

	it('grows at 160x48: taller charts, one column per instant across the width', async () => {
		const app = await renderConsole(160, 48, reader());
		const frame = await app.press('h', read, 10_000);
		const body = bodyOf(frame);
		const nasHead = body.findIndex((line) => line.startsWith('bng-2 10.20.0.2'));
		// 42 lines: title, source, then 20 for each chart (its label, 18 rows, the time axis).
		expect(nasHead).toBe(22);
		const axis = body[nasHead - 1]!;
		expect(axis).toMatch(/^ {2}└/);
		expect([...axis].length).toBe(159);
		expect(body[2]).toBe('network  3 open · least 3 · most 4');
	});

	it('↓ steps to the next NAS, r reads radacct again, Esc goes back to the table', async () => {
		const counted = reader();
		const app = await renderConsole(80, 24, counted);
		await app.press('h', read, 10_000);
		let frame = await app.press(KEYS.down, (text) => text.includes('bng-1 10.20.0.1'));
		expect(bodyOf(frame).find((line) => line.startsWith('bng-1'))).toBe('bng-1 10.20.0.1  2 open · least 2 · most 3');
		frame = await app.press('r', () => counted.historyReads === 2, 10_000);
		expect(counted.historyReads).toBe(2);
		frame = await app.press(KEYS.escape, (text) => !text.includes('online sessions, last'));
		expect(frame).toContain('▸');
	});

	it(':history opens it too, on the NAS filter’s NAS', async () => {
		const app = await renderConsole(80, 24, reader());
		await app.press(':', (frame) => frame.includes('⏎ run'));
		for (const character of 'nas bng-1') await app.press(character, () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('NAS bng-1'));
		await app.press(':', (frame) => frame.includes('⏎ run'));
		for (const character of 'history') await app.press(character, () => true);
		const frame = await app.press(KEYS.enter, read, 10_000);
		expect(bodyOf(frame).some((line) => line.startsWith('bng-1 10.20.0.1  2 open'))).toBe(true);
	});

	it('a history that cannot be read says why; the console’s own poll counts are still drawn', async () => {
		const app = await renderConsole(80, 24, reader({fail: 'canceling statement due to statement timeout'}));
		const frame = await app.press('h', (text) => text.includes('history: canceling'), 10_000);
		const body = bodyOf(frame);
		expect(body[1]).toBe("history: canceling statement due to statement timeout; then the console's polls");
		expect(body[2]).toBe('network  3 open · least 3 · most 3');
		// One poll so far: a column at the right end of the chart.
		expect(body.slice(3, 9).some((line) => /┤ +█$/.test(line))).toBe(true);
	});

	it('the NAS picker draws each NAS’s online count over the last 6 hours as a sparkline', async () => {
		const app = await renderConsole(80, 24, reader());
		const frame = await app.press('n', (text) => /bng-1 .* 2 {2}▁.*█.*▁$/m.test(text), 10_000);
		const line = bodyOf(frame).find((entry) => entry.includes('bng-1'))!;
		const spark = line.slice(-24);
		// bng-1: 2 for the first hours, 3 from 5 hours ago to 1 hour ago, 2 since.
		expect(spark.at(0)).toBe('▁');
		expect(spark).toContain('█');
		expect(spark.at(-1)).toBe('▁');
	});
});
