/**
 * The `:` command line end to end below the terminal (ink-testing-library, a real radacct and nas table): Tab
 * completes NAS names from the open-session counts, Enter narrows the view, `:status closed` turns the table
 * into the closed view, `:user` and `:sort` change what is shown, a command that cannot run says why on the
 * line and changes nothing, Esc cancels. Each step is read from the frames: the command line, the filter bar,
 * the column heads, and the rows shown.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const BNG1 = '10.20.0.1';
const BNG2 = '10.20.0.2';
const CORE = '10.20.0.9';

/** Open sessions, newest first, with their NAS. */
const OPEN: ReadonlyArray<[string, string]> = [
	['alice', BNG1],
	['dave', BNG2],
	['bob', BNG1],
	['erin', BNG2],
	['carol', BNG1],
	['frank', CORE],
	['alice', BNG2],
	['gina', BNG1],
];
/** Closed sessions, the most recently started first, with their terminate cause. */
const CLOSED: ReadonlyArray<[string, string]> = [
	['alice', 'User-Request'],
	['bob', 'Lost-Carrier'],
	['alice', 'Idle-Timeout'],
];

let database: TestDatabase;
const mounted: Rendered[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	await database.pool.query(
		`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng-1', 'other', 's1'), ($2, 'bng-2', 'other', 's2'),
			($3, 'core-1', 'other', 's3')`,
		[BNG1, BNG2, CORE],
	);
	await insertSessions(database.pool, [
		...OPEN.map(([username, nasipaddress], index) => ({
			username,
			nasipaddress,
			startedAgo: 60 + index * 100,
			framedipaddress: `100.64.0.${10 + index}`,
		})),
		...CLOSED.map(([username, acctterminatecause], index) => ({
			username,
			nasipaddress: BNG1,
			startedAgo: 20_000 + index * 3600,
			stoppedAgo: 15_000 + index * 3600,
			acctterminatecause,
			framedipaddress: `100.64.1.${10 + index}`,
		})),
	]);
});

afterAll(async () => {
	await database?.close();
});

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

const lines = (frame: string) => frame.split('\n');
const filterLine = (frame: string) => lines(frame)[2] ?? '';
const heads = (frame: string) => lines(frame)[3] ?? '';
const statusLine = (frame: string) => lines(frame).at(-2) ?? '';
const bottom = (frame: string) => lines(frame).at(-1) ?? '';
/** The rows of the table: the lines under the heads that hold a session, the cursor's included. */
const rows = (frame: string) =>
	lines(frame)
		.slice(4, -2)
		.filter((line) => /^[▸● ][A-Z ] \S/.test(line) && !/^ {3}(loading|no sessions match|no data)/.test(line));
/** A left-aligned cell of each row, under its column head. */
const column = (frame: string, title: string) => {
	const at = heads(frame).indexOf(title);
	if (at === -1) throw new Error(`no column ${title} in:\n${frame}`);
	return rows(frame).map((row) => row.slice(at).split(/\s+/)[0] ?? '');
};
const users = (frame: string) => column(frame, 'USER');

async function renderConsole(columns = 80, height = 24): Promise<Rendered> {
	const source = await SessionSource.open(database.pool);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={source} databaseLabel="test" intervalSeconds={5} readOnly={false} />
		</ThemeContext.Provider>,
	);
	app.resize(columns, height);
	mounted.push(app);
	await app.waitForFrame((frame) => rows(frame).length === OPEN.length && /bng-1 4 bng-2 3 core-1 1/.test(lines(frame)[1] ?? ''), 10_000);
	return app;
}

/** Types text a key at a time, each read after the frame of the key before it. */
async function type(app: Rendered, text: string): Promise<string> {
	let frame = app.frame();
	for (const character of text) frame = await app.press(character, () => true);
	return frame;
}

/** `:` and the command typed, up to (not including) Enter. */
async function command(app: Rendered, text: string): Promise<string> {
	await app.press(':', (frame) => bottom(frame).startsWith(':   ⏎ run'));
	return type(app, text);
}

const OPEN_USERS = OPEN.map(([username]) => username);

describe('the : command line', () => {
	it(':nas b<Tab> shows the choices and completes what they share; one more letter and Tab completes the name; Enter narrows the view', async () => {
		const app = await renderConsole();
		expect(users(app.frame())).toEqual(OPEN_USERS);
		await command(app, 'nas b');
		let frame = await app.press('\t', (frame) => bottom(frame).startsWith(':nas bng- '));
		expect(bottom(frame)).toMatch(/^:nas bng- {3}bng-1 {2}bng-2$/);
		// Nothing ran yet: the view is the one before.
		expect(users(frame)).toEqual(OPEN_USERS);
		expect(filterLine(frame)).toMatch(/active · all NAS · start ↓$/);
		await type(app, '2');
		frame = await app.press('\t', (frame) => bottom(frame).startsWith(':nas bng-2  '));
		// The name written out with a space after it, and no choices left: the keys again.
		expect(bottom(frame)).toMatch(/^:nas bng-2 {4}⏎ run {2}Tab complete {2}Esc cancel/);
		frame = await app.press(KEYS.enter, (frame) => rows(frame).length === 3 && bottom(frame).startsWith('↑↓ move'));
		expect(filterLine(frame)).toMatch(/active · NAS bng-2 · start ↓$/);
		expect(users(frame)).toEqual(['dave', 'erin', 'alice']);
		expect(column(frame, 'NAS')).toEqual(['bng-2', 'bng-2', 'bng-2']);
		expect(statusLine(frame)).toBe('NAS bng-2 · 1 of 3');

		// One NAS starting so: Tab writes its name out; `:nas all` goes back to every NAS.
		await command(app, 'nas co');
		frame = await app.press('\t', (frame) => bottom(frame).startsWith(':nas core-1  '));
		frame = await app.press(KEYS.enter, (frame) => rows(frame).length === 1 && bottom(frame).startsWith('↑↓ move'));
		expect(users(frame)).toEqual(['frank']);
		expect(filterLine(frame)).toMatch(/NAS core-1/);
		await command(app, 'nas all');
		frame = await app.press(KEYS.enter, (frame) => rows(frame).length === OPEN.length);
		expect(filterLine(frame)).toMatch(/active · all NAS · start ↓$/);
	});

	it(':status closed shows the closed view: its STATUS, STOP and CAUSE columns and only the closed sessions', async () => {
		const app = await renderConsole();
		expect(heads(app.frame())).not.toMatch(/STOP|CAUSE/);
		await command(app, 'status closed');
		const frame = await app.press(KEYS.enter, (frame) => heads(frame).includes('CAUSE') && rows(frame).length === CLOSED.length);
		expect(heads(frame)).toMatch(/^ {3}USER +NAS +STATUS +START▼ +STOP +CAUSE/);
		expect(filterLine(frame)).toMatch(/closed · all NAS · start ↓$/);
		expect(users(frame)).toEqual(CLOSED.map(([username]) => username));
		expect(column(frame, 'CAUSE')).toEqual(CLOSED.map(([, cause]) => cause));
		expect(statusLine(frame)).toBe(`status closed · 1 of ${CLOSED.length}`);
	});

	it(':user alice shows her sessions only, as the exact search user:=alice', async () => {
		const app = await renderConsole();
		await command(app, 'user alice');
		const frame = await app.press(KEYS.enter, (frame) => rows(frame).length === 2);
		expect(filterLine(frame)).toMatch(/^\/ user:=alice +active · all NAS · start ↓$/);
		expect(users(frame)).toEqual(['alice', 'alice']);
		expect(column(frame, 'NAS')).toEqual(['bng-1', 'bng-2']);
		expect(statusLine(frame)).toBe('user alice · 1 of 2');
	});

	it(':sort user puts the rows A-Z; :sort down turns the direction alone', async () => {
		const app = await renderConsole();
		await command(app, 'sort user');
		let frame = await app.press(KEYS.enter, (frame) => filterLine(frame).endsWith('user ↑'));
		const ascending = [...OPEN_USERS].sort();
		frame = await app.waitForFrame((frame) => users(frame).join() === ascending.join());
		expect(heads(frame)).toMatch(/USER▲/);
		expect(statusLine(frame)).toBe('sorted by user up · 1 of 8');
		await command(app, 'sort down');
		frame = await app.press(KEYS.enter, (frame) => filterLine(frame).endsWith('user ↓'));
		frame = await app.waitForFrame((frame) => users(frame).join() === [...ascending].reverse().join());
		expect(heads(frame)).toMatch(/USER▼/);
		expect(statusLine(frame)).toBe('sorted down · 1 of 8');
	});

	it.each([
		['frobnicate', 'no command "frobnicate" (Tab lists them)'],
		['status open', 'status: one of active, stale, closed, all'],
		['nas zz', 'nas: no NAS "zz" with open sessions (Tab completes the names)'],
		['sort colour', 'sort: no column "colour" (Tab lists them)'],
		['sort', 'sort: name a column or up/down (Tab lists them)'],
		['sort rate sideways', 'sort: "sideways" is neither up nor down'],
		['user', 'user: name a user'],
	])(':%s says why on the line, keeps it open, and changes nothing', async (typed, reason) => {
		const app = await renderConsole();
		const before = app.frame();
		await command(app, typed);
		const frame = await app.press(KEYS.enter, (frame) => bottom(frame).includes(reason));
		expect(bottom(frame).startsWith(`:${typed}   `)).toBe(true);
		expect(filterLine(frame)).toBe(filterLine(before));
		expect(heads(frame)).toBe(heads(before));
		expect(users(frame)).toEqual(OPEN_USERS);
		// Typing again takes the reason away; Esc leaves the view as it was.
		const edited = await app.press('x', (frame) => bottom(frame).startsWith(`:${typed}x   ⏎ run`));
		expect(bottom(edited)).not.toContain(reason);
		await app.press(KEYS.escape, (frame) => bottom(frame).startsWith('↑↓ move'));
		// A poll later, still the same view.
		const later = await app.press('r', (frame) => statusLine(frame).startsWith('database: ok'));
		expect(filterLine(later)).toBe(filterLine(before));
		expect(users(later)).toEqual(OPEN_USERS);
	});

	it('Tab on an empty line lists the commands; after :sort it lists the columns and directions, each once', async () => {
		const app = await renderConsole();
		await app.press(':', (frame) => bottom(frame).startsWith(':   ⏎ run'));
		let frame = await app.press('\t', (frame) => bottom(frame).includes('nas  user'));
		expect(bottom(frame)).toBe(':   nas  user  status  sort  columns  stale  concurrent  history  help');
		await type(app, 'sort ');
		frame = await app.press('\t', (frame) => bottom(frame).includes('start  duration'));
		expect(bottom(frame)).toBe(':sort    start  duration  down  up  rate  user  nas  ip  remaining');
	});

	it('Esc cancels a command half typed: nothing runs', async () => {
		const app = await renderConsole();
		await command(app, 'status closed');
		expect(bottom(app.frame())).toMatch(/^:status closed {3}⏎ run/);
		const frame = await app.press(KEYS.escape, (frame) => bottom(frame).startsWith('↑↓ move'));
		expect(filterLine(frame)).toMatch(/active · all NAS · start ↓$/);
		expect(heads(frame)).not.toMatch(/CAUSE/);
		expect(users(frame)).toEqual(OPEN_USERS);
		// `:` again starts an empty line.
		const again = await app.press(':', (frame) => bottom(frame).startsWith(':'));
		expect(bottom(again)).toMatch(/^: {3}⏎ run/);
	});

	it('a command line with Ctrl-U and Ctrl-W in one read (a paste): the control keys edit, the rest runs', async () => {
		const app = await renderConsole();
		const frame = await app.press(
			':nas zz\x15status closed extra\x17\r',
			(frame) => heads(frame).includes('CAUSE') && rows(frame).length === CLOSED.length,
		);
		expect(filterLine(frame)).toMatch(/closed · all NAS/);
		expect(users(frame)).toEqual(CLOSED.map(([username]) => username));
		// And in the search: what was typed before Ctrl-U is gone, nothing of it is left as text.
		const searched = await app.press('/bob\x15carol', (frame) => filterLine(frame).startsWith('/ carol'));
		expect(filterLine(searched)).not.toContain('bob');
		expect(filterLine(searched)).not.toContain('\\x15');
	});

	it('at 60x15 the choices and the reason fit on the line', async () => {
		const app = await renderConsole(60, 15);
		await command(app, 'nas b');
		let frame = await app.press('\t', (frame) => bottom(frame).startsWith(':nas bng- '));
		expect(bottom(frame)).toBe(':nas bng-   bng-1  bng-2');
		await type(app, 'x');
		frame = await app.press(KEYS.enter, (frame) => bottom(frame).includes('no NAS'));
		expect(bottom(frame)).toMatch(/^:nas bng-x {3}nas: no NAS "bng-x" with open sessions/);
		for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(59);
		expect(lines(frame)).toHaveLength(14);
	});

	it('a command longer than the line keeps its end and the cursor in view', async () => {
		const app = await renderConsole(60, 15);
		const name = 'alice with a name far longer than the terminal is wide, to its very end';
		await command(app, 'user ');
		const frame = await app.press(name, (frame) => bottom(frame).includes('very end'));
		// The cursor cell after the end, then the `…` of the keys cut.
		expect(bottom(frame)).toMatch(/^:….* to its very end …$/);
		// The view's width: one column short of the terminal.
		expect(bottom(frame)).toHaveLength(59);
		const ran = await app.press(KEYS.enter, (frame) => bottom(frame).startsWith('↑↓ move'));
		expect(filterLine(ran)).toMatch(/^\/ user:="alice with a name/);
	});
});
