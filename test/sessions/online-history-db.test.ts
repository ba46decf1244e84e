/**
 * The online count over time against a real radacct (PostgreSQL with DATABASE_URL, else PGlite): sessions opened
 * and closed at known times, counted per NAS at each point of the window, exactly; the last point is the poll's
 * open count.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {buildOnlineHistoryQuery, historyWindow, MAX_HISTORY_POINTS} from '../../source/sessions/online-history-sql.js';
import {historySeries} from '../../source/sessions/online-history.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let source: SessionSource;

const NAS1 = '10.20.0.1';
const NAS2 = '10.20.0.2';
const NAS3 = '10.20.0.3';
const NAS4 = '10.20.0.4';

/** Six one-minute steps: points at 360, 300, 240, 180, 120, 60 and 0 seconds ago. Every time below is 10 s or more off a point. */
const WINDOW = {stepSeconds: 60, steps: 6};

beforeAll(async () => {
	database = await createTestDatabase();
	await insertSessions(database.pool, [
		// NAS1
		{username: 'a-closed-inside', nasipaddress: NAS1, startedAgo: 480, stoppedAgo: 150}, // [1,1,1,1,0,0,0]
		{username: 'b-ghost', nasipaddress: NAS1, startedAgo: 86_400, updatedAgo: 86_000}, // [1,1,1,1,1,1,1]
		{username: 'c-open', nasipaddress: NAS1, startedAgo: 200}, // [0,0,0,1,1,1,1]
		{username: 'd-between-points', nasipaddress: NAS1, startedAgo: 100, stoppedAgo: 70}, // never at a point
		{username: 'e-before', nasipaddress: NAS1, startedAgo: 900, stoppedAgo: 500}, // before the window
		{username: 'f-closed-inside', nasipaddress: NAS1, startedAgo: 330, stoppedAgo: 30}, // [0,1,1,1,1,1,0]
		// NAS2
		{username: 'g-new', nasipaddress: NAS2, startedAgo: 30}, // [0,0,0,0,0,0,1]
		{username: 'h-long', nasipaddress: NAS2, startedAgo: 1000, stoppedAgo: 10}, // [1,1,1,1,1,1,0]
		{username: 'i-stop-before-start', nasipaddress: NAS2, startedAgo: 100, stoppedAgo: 200}, // never open
		{username: 'j-clock-ahead', nasipaddress: NAS2, startedAgo: -60}, // open: counted now
		// NAS3: nothing in the window
		{username: 'k-old', nasipaddress: NAS3, startedAgo: 5000, stoppedAgo: 4000},
		// NAS4: stopped in the future (a clock ahead): counted as stopped now
		{username: 'l-future-stop', nasipaddress: NAS4, startedAgo: 250, stoppedAgo: -100}, // [0,0,1,1,1,1,0]
	]);
	source = await SessionSource.open(database.pool, {nasOverrides: [{ip: NAS2, name: 'bng-2'}]});
});

afterAll(async () => {
	await database?.close();
});

describe('online history', () => {
	it('counts the sessions open at each point per NAS: closed inside the window, ghosts, between points, skewed clocks', async () => {
		const history = await source.onlineHistory(WINDOW);
		const byNas = Object.fromEntries(history.perNas.map((nas) => [nas.nasipaddress, nas.online]));
		expect(byNas).toEqual({
			[NAS1]: [2, 3, 3, 4, 3, 3, 2],
			[NAS2]: [1, 1, 1, 1, 1, 1, 2],
			[NAS4]: [0, 0, 1, 1, 1, 1, 0],
		});
		expect(history.perNas.find((nas) => nas.nasipaddress === NAS2)?.nasname).toBe('bng-2');
		expect(history.stepSeconds).toBe(60);
		expect(historySeries(history).map((sample) => sample.online)).toEqual([3, 4, 5, 6, 5, 5, 4]);
		expect(historySeries(history, [NAS2, NAS4]).map((sample) => sample.online)).toEqual([1, 1, 2, 2, 2, 2, 2]);
	});

	it("ends at the database's now, with the points a step apart", async () => {
		const {rows} = await database.pool.query('SELECT now() AS now');
		const history = await source.onlineHistory(WINDOW);
		const series = historySeries(history);
		expect(series).toHaveLength(7);
		expect(series[6]!.at - series[0]!.at).toBe(360_000);
		const lag = history.end.getTime() - (rows[0].now as Date).getTime();
		expect(lag).toBeGreaterThanOrEqual(0);
		expect(lag).toBeLessThan(5000);
	});

	it("ends at the poll's open count on every NAS", async () => {
		const counts = await source.openCounts();
		const history = await source.onlineHistory(WINDOW);
		const last = Object.fromEntries(
			history.perNas.map((nas) => [nas.nasipaddress, nas.online.at(-1)]).filter(([, online]) => online !== 0),
		);
		expect(last).toEqual(Object.fromEntries(counts.perNas.map((nas) => [nas.nasipaddress, nas.sessions])));
	});

	it('a session started 8 hours ago and stopped 2 hours ago is online for the first 4 hours of a 6-hour window', async () => {
		const scratch = await createTestDatabase();
		try {
			await insertSessions(scratch.pool, [{username: 'eight-to-two', startedAgo: 8 * 3600, stoppedAgo: 2 * 3600}]);
			const reader = await SessionSource.open(scratch.pool);
			const history = await reader.onlineHistory(historyWindow(6, 60));
			expect(history.perNas).toHaveLength(1);
			const online = history.perNas[0]!.online;
			expect(online).toHaveLength(361);
			expect(online.slice(0, 240).every((count) => count === 1)).toBe(true);
			expect(online.slice(240).every((count) => count === 0)).toBe(true);
		} finally {
			await scratch.close();
		}
	});

	it('binds the step and the number of steps, and refuses windows it cannot count', () => {
		const query = buildOnlineHistoryQuery(historyWindow(6, 60));
		expect(query.values).toEqual([60, 360]);
		expect(query.text).not.toMatch(/\b360\b/);
		expect(() => buildOnlineHistoryQuery({stepSeconds: 0, steps: 10})).toThrow(RangeError);
		expect(() => buildOnlineHistoryQuery({stepSeconds: 1.5, steps: 10})).toThrow(RangeError);
		expect(() => buildOnlineHistoryQuery({stepSeconds: 60, steps: MAX_HISTORY_POINTS})).toThrow(RangeError);
	});
});
