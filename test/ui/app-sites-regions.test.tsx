/**
 * The console over two sites with regions (ink-testing-library, two real databases): 10.9.9.9 is `bng-1` at east
 * and `hotspot-2` at west, and the region `metro` names east's bng-1 and west's bng-5. The stats line's pill counts
 * the region's sessions at both sites, `region:metro` shows exactly them (not west's hotspot-2 at the same IP),
 * and a region with no NAS at a site shows nothing of that site.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const REGIONS = {metro: ['bng-1', 'bng-5'], solo: ['bng-1']};
let east: TestDatabase;
let west: TestDatabase;
const mounted: Rendered[] = [];

beforeAll(async () => {
	[east, west] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	const nas = (db: TestDatabase, ip: string, name: string) =>
		db.pool.query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, $2, 'other', 'x-secret')`, [ip, name]);
	await nas(east, '10.9.9.9', 'bng-1');
	await nas(west, '10.9.9.9', 'hotspot-2');
	await nas(west, '10.7.0.5', 'bng-5');
	await insertSessions(east.pool, [
		{username: 'alice', nasipaddress: '10.9.9.9', startedAgo: 100},
		{username: 'carol', nasipaddress: '10.9.9.9', startedAgo: 300},
	]);
	await insertSessions(west.pool, [
		{username: 'bob', nasipaddress: '10.9.9.9', startedAgo: 200},
		{username: 'dave', nasipaddress: '10.7.0.5', startedAgo: 400},
	]);
});

afterAll(async () => {
	await Promise.all([east?.close(), west?.close()]);
});

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

const lines = (frame: string) => frame.split('\n');
const users = (frame: string) =>
	lines(frame)
		.slice(4, -2)
		.flatMap((line) => /^[▸● ][A-Z ] +(east|west) +(\S+)/.exec(line)?.slice(1, 3).join('/') ?? []);

async function renderSites(): Promise<Rendered> {
	const reader = new MergedSessionReader(
		[
			{name: 'east', reader: await SessionSource.open(east.pool, {regions: REGIONS})},
			{name: 'west', reader: await SessionSource.open(west.pool, {regions: REGIONS})},
		],
		{regions: REGIONS},
	);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={reader} databaseLabel="two sites" intervalSeconds={5} readOnly={false} />
		</ThemeContext.Provider>,
	);
	app.resize(100, 24);
	mounted.push(app);
	return app;
}

async function search(app: Rendered, text: string, done: (frame: string) => boolean): Promise<string> {
	await app.press('/');
	for (const character of text) await app.press(character, () => true);
	return app.press(KEYS.enter, done);
}

describe('regions in the console over two sites', () => {
	it('the pill counts the region at both sites; region: shows its sessions at each site alone', async () => {
		const app = await renderSites();
		const first = await app.waitForFrame((frame) => users(frame).length === 4 && /\[metro 3\]/.test(frame), 10_000);
		expect(lines(first)[1]).toMatch(/\[metro 3\] \[solo 2\]/);
		const metro = await search(app, 'region:metro', (frame) => users(frame).length === 3);
		expect(users(metro).sort()).toEqual(['east/alice', 'east/carol', 'west/dave']);
		await app.press(KEYS.escape, () => true);
	});

	it('a region with no NAS at a site shows nothing of that site', async () => {
		const app = await renderSites();
		await app.waitForFrame((frame) => users(frame).length === 4, 10_000);
		const solo = await search(app, 'region:solo', (frame) => users(frame).length === 2);
		expect(users(solo).sort()).toEqual(['east/alice', 'east/carol']);
	});
});
