/**
 * The history view and the NAS picker's sparklines over two sites (ink-testing-library, two real databases, the
 * same NAS IP a different NAS at each): at 80x24 `h` draws every site's network and, under it, the cursor's NAS of
 * its own site (`south/edge-7`); ↓ steps through the NAS of every site; `:site north` narrows the network chart to
 * that site's total; a site that is down is named on the view's source line; the picker draws a sparkline per
 * site and NAS.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {Queryable} from '../../source/db/queryable.js';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let north: TestDatabase;
let south: TestDatabase;
const mounted: Rendered[] = [];
const SHARED = '10.9.9.9';
const SOUTH_ONLY = '10.2.0.1';

beforeAll(async () => {
	[north, south] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	await north.pool.query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('${SHARED}', 'bng-1', 'other', 'x')`);
	await south.pool.query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('${SHARED}', 'edge-7', 'other', 'y')`);
	await insertSessions(north.pool, [
		// north/bng-1: two open all along, a third from 5 hours ago to 1 hour ago: most 3, now 2.
		{username: 'ann', nasipaddress: SHARED, startedAgo: 8 * 3600},
		{username: 'bob', nasipaddress: SHARED, startedAgo: 7 * 3600},
		{username: 'cid', nasipaddress: SHARED, startedAgo: 5 * 3600, stoppedAgo: 3600},
	]);
	await insertSessions(south.pool, [
		// south/edge-7 (the same IP): one open for the last 2 hours, one that ended 3 hours ago.
		{username: 'dee', nasipaddress: SHARED, startedAgo: 2 * 3600},
		{username: 'eve', nasipaddress: SHARED, startedAgo: 9 * 3600, stoppedAgo: 3 * 3600},
		// south's other NAS: one open for 4 hours.
		{username: 'gil', nasipaddress: SOUTH_ONLY, startedAgo: 4 * 3600},
	]);
}, 120_000);

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

afterAll(async () => {
	await Promise.all([north?.close(), south?.close()]);
});

/** A connection that can be made to fail. */
function switchable(db: Queryable): Queryable & {down: boolean} {
	const wrapper = {
		down: false,
		query(text: string, values?: unknown[]) {
			return wrapper.down ? Promise.reject(new Error('connect ECONNREFUSED 192.0.2.7:5432')) : db.query(text, values);
		},
	};
	return wrapper;
}

async function renderSites(link: Queryable = south.pool): Promise<Rendered> {
	const reader = new MergedSessionReader([
		{name: 'north', reader: await SessionSource.open(north.pool)},
		{name: 'south', reader: await SessionSource.open(link)},
	]);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={reader} databaseLabel="two sites" intervalSeconds={5} readOnly />
		</ThemeContext.Provider>,
	);
	app.resize(80, 24);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('▸') && frame.includes('gil'), 10_000);
	return app;
}

const bodyOf = (frame: string) => frame.split('\n').slice(3);
const read = (frame: string) => frame.includes('from radacct');

describe('the history view over two sites', () => {
	it('h at 80x24: every site’s network, then the cursor’s NAS of its own site; ↓ steps through the NAS of every site', async () => {
		const app = await renderSites();
		let frame = await app.press('h', read, 10_000);
		let body = bodyOf(frame);
		expect(body[0]).toBe('online sessions, last 6 hours · ↑↓ NAS · r read again · Esc back');
		expect(body[1]).toMatch(/^from radacct, a point a minute up to \d\d:\d\d:\d\d; then the console's polls$/);
		// Both sites: bng-1's 2, edge-7's 1 and the other NAS's 1 now; 5 at most (4 to 3 hours ago and 2 to 1 hour ago).
		expect(body[2]).toBe('network  4 open · least 3 · most 5');
		// The newest session is dee's, on south's edge-7: not north's bng-1 at the same IP.
		expect(body).toContain('south/edge-7 10.9.9.9  1 open · least 0 · most 1');
		const nasHead = body.indexOf('south/edge-7 10.9.9.9  1 open · least 0 · most 1');
		expect(body.slice(3, nasHead)).toHaveLength(7);
		expect(body.slice(3, nasHead)[0]).toMatch(/^\d+ ┤/);
		for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
		expect(frame.split('\n')).toHaveLength(23);
		// The NAS of the poll's counts, largest first: north/bng-1 (2), south's 10.2.0.1 (1), south/edge-7 (1).
		frame = await app.press(KEYS.down, (text) => text.includes('north/bng-1 10.9.9.9'));
		expect(bodyOf(frame)).toContain('north/bng-1 10.9.9.9  2 open · least 2 · most 3');
		frame = await app.press(KEYS.down, (text) => text.includes(`south/${SOUTH_ONLY}`));
		expect(bodyOf(frame)).toContain(`south/${SOUTH_ONLY}  1 open · least 0 · most 1`);
		frame = await app.press(KEYS.down, (text) => text.includes('south/edge-7'));
		frame = await app.press(KEYS.up, (text) => text.includes(`south/${SOUTH_ONLY}`));
		body = bodyOf(frame);
		expect(body[2]).toBe('network  4 open · least 3 · most 5');
	});

	it(':site north narrows the network chart to that site’s total', async () => {
		const app = await renderSites();
		await app.press(':', (frame) => frame.includes('⏎ run'));
		for (const character of 'site north') await app.press(character, () => true);
		await app.press(KEYS.enter, (frame) => frame.includes('ann') && !frame.includes('gil'), 10_000);
		const frame = await app.press('h', read, 10_000);
		const body = bodyOf(frame);
		expect(body[2]).toBe('site north  2 open · least 2 · most 3');
		expect(body).toContain('north/bng-1 10.9.9.9  2 open · least 2 · most 3');
	});

	it(':site north typed in the view narrows its network chart there; :site all widens it again', async () => {
		const app = await renderSites();
		await app.press('h', read, 10_000);
		await app.press(':', (frame) => frame.includes('⏎ run'));
		// The view stays drawn under the command line.
		expect(bodyOf(app.frame())[0]).toBe('online sessions, last 6 hours · ↑↓ NAS · r read again · Esc back');
		for (const character of 'site north') await app.press(character, () => true);
		let frame = await app.press(KEYS.enter, (text) => text.includes('site north  2 open'), 10_000);
		expect(bodyOf(frame)[0]).toBe('online sessions, last 6 hours · ↑↓ NAS · r read again · Esc back');
		expect(bodyOf(frame)[2]).toBe('site north  2 open · least 2 · most 3');
		// The NAS under it is still the cursor's of when the view opened: south/edge-7.
		expect(bodyOf(frame)).toContain('south/edge-7 10.9.9.9  1 open · least 0 · most 1');
		await app.press(':', (text) => text.includes('⏎ run'));
		for (const character of 'site all') await app.press(character, () => true);
		frame = await app.press(KEYS.enter, (text) => text.includes('network  4 open'), 10_000);
		expect(bodyOf(frame)[2]).toBe('network  4 open · least 3 · most 5');
		frame = await app.press(KEYS.escape, (text) => !text.includes('online sessions, last') && text.includes('▸'), 10_000);
		expect(frame).toContain('every site');
	});

	it('a site that is down is named on the source line; the other site’s history is drawn', async () => {
		const link = switchable(south.pool);
		const app = await renderSites(link);
		link.down = true;
		const frame = await app.press('h', (text) => text.includes('no history from'), 10_000);
		const body = bodyOf(frame);
		expect(body[1]).toMatch(/^no history from site south \(connect ECONNREFUSED 192\.0\.2\.7:5432\); the rest/);
		expect([...body[1]!].length).toBeLessThanOrEqual(80);
		// The network's history is north's alone (2 now, 3 at most): south's part is left out, not guessed.
		expect(body[2]).toBe('network  2 open · least 2 · most 3');
		// The cursor's NAS at south has no history: the console's own poll counts of it.
		expect(body).toContain('south/edge-7 10.9.9.9  1 open · least 1 · most 1');
	});

	it('the NAS picker draws a sparkline per site and NAS', async () => {
		const app = await renderSites();
		const frame = await app.press('n', (text) => /edge-7 .* 1 {2}\S{24}$/m.test(text) && /bng-1 .* 2 {2}\S{24}$/m.test(text), 10_000);
		const spark = (name: string) =>
			bodyOf(frame)
				.find((line) => line.includes(name))!
				.slice(-24);
		// north/bng-1: 2, then 3 from 5 hours ago to 1 hour ago, 2 since.
		expect(spark('north/bng-1').at(0)).toBe('▁');
		expect(spark('north/bng-1')).toContain('█');
		expect(spark('north/bng-1').at(-1)).toBe('▁');
		// south/edge-7 at the same IP: 1, none from 3 hours ago to 2 hours ago, 1 since.
		expect(spark('south/edge-7').at(0)).toBe('█');
		expect(spark('south/edge-7')).toContain('▁');
		expect(spark('south/edge-7').at(-1)).toBe('█');
	});
});
