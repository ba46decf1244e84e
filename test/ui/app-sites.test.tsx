/**
 * The console over two sites (ink-testing-library, two real databases): a SITE column, rows of both merged in
 * the sort's order, per-site counts in the header; a site that goes down keeps its last rows, dimmed and marked
 * `~SITE`, its age and error in the header, while the other site's new rows come in; selection works across
 * sites although both number their rows alike.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {Queryable} from '../../source/db/queryable.js';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let east: TestDatabase;
let west: TestDatabase;
const mounted: Rendered[] = [];

beforeAll(async () => {
	[east, west] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	await insertSessions(east.pool, [
		{username: 'alice', nasipaddress: '10.9.9.9', startedAgo: 100},
		{username: 'carol', nasipaddress: '10.9.9.9', startedAgo: 300},
	]);
	await insertSessions(west.pool, [
		{username: 'bob', nasipaddress: '10.9.9.9', startedAgo: 200},
		{username: 'dave', nasipaddress: '10.9.9.9', startedAgo: 400},
	]);
});

afterAll(async () => {
	await Promise.all([east?.close(), west?.close()]);
});

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

/** A connection that can be made to fail between polls. */
function switchable(db: Queryable): Queryable & {down: boolean} {
	const wrapper = {
		down: false,
		query(text: string, values?: unknown[]) {
			return wrapper.down ? Promise.reject(new Error('connect ECONNREFUSED 192.0.2.7:5432')) : db.query(text, values);
		},
	};
	return wrapper;
}

const lines = (frame: string) => frame.split('\n');
const header = (frame: string) => lines(frame)[0] ?? '';
const heads = (frame: string) => lines(frame)[3] ?? '';
const rows = (frame: string) =>
	lines(frame)
		.slice(4, -2)
		.filter((line) => /^[▸● ][A-Z ] \S/.test(line) && !/^ {3}(loading|no sessions match|no data)/.test(line));
/** The first word of each row under a head. */
const column = (frame: string, title: string) => {
	const at = heads(frame).indexOf(title);
	if (at === -1) throw new Error(`no column ${title} in:\n${frame}`);
	return rows(frame).map((row) => row.slice(at).split(/\s+/)[0] ?? '');
};

async function renderSites(link: Queryable & {down: boolean}, interval = 1): Promise<Rendered> {
	const reader = new MergedSessionReader([
		{name: 'east', reader: await SessionSource.open(east.pool)},
		{name: 'west', reader: await SessionSource.open(link)},
	]);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={reader} databaseLabel="two sites" intervalSeconds={interval} readOnly={false} />
		</ThemeContext.Provider>,
	);
	app.resize(80, 24);
	mounted.push(app);
	return app;
}

/** Types a command line: `:`, the text a key at a time, Enter. */
async function command(app: Rendered, text: string): Promise<void> {
	await app.press(':', (frame) => (lines(frame).at(-1) ?? '').startsWith(':'));
	for (const character of text) await app.press(character, () => true);
}

describe('the console over two sites', () => {
	it('shows a SITE column, the rows of both in one order, and each site count in the header', async () => {
		const app = await renderSites(switchable(west.pool), 5);
		const frame = await app.waitForFrame((text) => rows(text).length === 4, 10_000);
		expect(heads(frame)).toMatch(/^ {3}SITE +USER +NAS/);
		expect(column(frame, 'SITE')).toEqual(['east', 'west', 'east', 'west']);
		expect(column(frame, 'USER')).toEqual(['alice', 'bob', 'carol', 'dave']);
		expect(header(frame)).toMatch(/^radtop {2}east 2 · west 2 /);
		// The first rows of both sites are radacctid 1: selecting one selects only it.
		const selected = await app.press(KEYS.space, (text) => /1 selected/.test(text));
		expect(rows(selected).filter((row) => row.startsWith('●'))).toHaveLength(1);
		expect(rows(selected)[0]).toMatch(/^● +east +alice/);
	});

	it('a site that goes down keeps its rows, marked ~SITE, its age and error in the header; the other goes on', async () => {
		const link = switchable(west.pool);
		const app = await renderSites(link);
		await app.waitForFrame((text) => rows(text).length === 4, 10_000);
		link.down = true;
		const [id] = await insertSessions(east.pool, [{username: 'erin', nasipaddress: '10.9.9.9', startedAgo: 10}]);
		try {
			const frame = await app.waitForFrame(
				(text) => /^. +east +erin/.test(rows(text)[0] ?? '') && rows(text).length === 5 && /~west/.test(text),
				10_000,
			);
			expect(column(frame, 'USER')).toEqual(['erin', 'alice', 'bob', 'carol', 'dave']);
			expect(column(frame, 'SITE')).toEqual(['east', 'east', '~west', 'east', '~west']);
			expect(header(frame)).toMatch(/east 3 · west 2 \(\d+s old: connect ECONNREFUSED 192\.0\.2\.7:5432\)/);
			link.down = false;
			const back = await app.waitForFrame((text) => !/~west/.test(text) && rows(text).length === 5, 10_000);
			expect(header(back)).toMatch(/east 3 · west 2 /);
		} finally {
			await east.pool.query('DELETE FROM radacct WHERE radacctid = $1', [id]);
		}
	});

	it(':site NAME narrows the view to one site, :site all widens it; a site it does not have says so', async () => {
		const app = await renderSites(switchable(west.pool), 5);
		await app.waitForFrame((text) => rows(text).length === 4, 10_000);
		await command(app, 'site w');
		let frame = await app.press('\t', (text) => (lines(text).at(-1) ?? '').startsWith(':site west '));
		frame = await app.press(KEYS.enter, (text) => rows(text).length === 2);
		expect(column(frame, 'USER')).toEqual(['bob', 'dave']);
		expect(column(frame, 'SITE')).toEqual(['west', 'west']);
		expect(header(frame)).toMatch(/^radtop {2}site west: east 2 · west 2 /);
		// `A` now covers this site only: its filter names the site.
		frame = await app.press('A', (text) => /site west/.test(text) && /every open session/.test(text));
		expect(frame).toMatch(/every open session matching site west/);
		await app.press(KEYS.escape, (text) => !/every open session/.test(text));
		await command(app, 'site north');
		frame = await app.press(KEYS.enter, (text) => /no site "north"/.test(text));
		expect(lines(frame).join('\n')).toMatch(/site: no site "north" \(sites: east, west\)/);
		await app.press(KEYS.escape, () => true);
		await command(app, 'site all');
		frame = await app.press(KEYS.enter, (text) => rows(text).length === 4);
		expect(column(frame, 'SITE')).toEqual(['east', 'west', 'east', 'west']);
	});
});
