import {afterEach, describe, expect, it} from 'vitest';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';
import type {
	NasCount,
	Session,
	SessionFilter,
	SessionPage,
	SessionSort,
	SessionStats,
	SessionTotal,
	SessionWindow,
} from '../../source/sessions/session.js';
import {isStale, sessionDurationSeconds} from '../../source/sessions/session-math.js';
import type {SessionReader, OpenCounts, StaleAndUsers} from '../../source/sessions/session-source.js';
import {App, pageSizeFor, type AppProps} from '../../source/ui/app.js';
import {helpEntries, KEYMAP} from '../../source/ui/keymap.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {makeSession} from '../helpers/sessions.js';

const NAS = [
	{ip: '10.20.0.1', name: 'bng-1'},
	{ip: '10.20.0.2', name: 'bng-2'},
	{ip: '10.20.0.3', name: 'bng-3'},
] as const;
const ALICES = ['alice@isp.example', 'alice-office', 'alice.k'] as const;
const MINUTE = 60_000;
const DAY = 86_400_000;

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

function session(overrides: Partial<Session> & Pick<Session, 'radacctid'>): Session {
	return makeSession({
		acctsessionid: `81a${overrides.radacctid.padStart(5, '0')}`,
		acctuniqueid: `u${overrides.radacctid}`,
		username: 'someone',
		nasipaddress: NAS[0].ip,
		nasname: NAS[0].name,
		nasportid: 'ether2',
		nasporttype: 'Ethernet',
		acctstarttime: new Date(Date.now() - 10 * MINUTE),
		acctupdatetime: new Date(Date.now() - MINUTE),
		acctauthentic: 'RADIUS',
		acctinputoctets: 1000,
		acctoutputoctets: 2000,
		calledstationid: 'pppoe-bng',
		callingstationid: 'AA:BB:CC:00:00:01',
		servicetype: 'Framed-User',
		framedprotocol: 'PPP',
		framedipaddress: '100.64.0.1',
		...overrides,
	});
}

/**
 * 50 open sessions (newest first: alice@isp.example, alice-office, alice.k, user03 … user49; 30 on bng-1,
 * 10 each on bng-2 and bng-3; user07 stale) and 10 closed ones, six of them earlier sessions of the alices.
 */
function generateSessions(): Session[] {
	const now = Date.now();
	const sessions: Session[] = [];
	for (let i = 0; i < 60; i++) {
		const open = i < 50;
		const nas = NAS[i % 5 < 3 ? 0 : i % 5 === 3 ? 1 : 2];
		const start = open ? now - (i * 37 + 5) * MINUTE : now - (i - 49) * DAY;
		sessions.push(
			session({
				radacctid: String(1000 + i),
				username: open ? (ALICES[i] ?? `user${String(i).padStart(2, '0')}`) : (ALICES[(i - 50) % 3] ?? 'x'),
				nasipaddress: nas.ip,
				nasname: nas.name,
				acctstarttime: new Date(start),
				acctupdatetime: new Date(open ? (i === 7 ? now - 120 * MINUTE : now - MINUTE) : start + 7 * 3_600_000),
				acctstoptime: open ? null : new Date(start + 7 * 3_600_000),
				acctterminatecause: open ? null : i % 2 === 0 ? 'User-Request' : 'Lost-Carrier',
				acctinputoctets: (i + 1) * 12_345_678,
				acctoutputoctets: (i + 1) * 123_456_789,
				callingstationid: `AA:BB:CC:00:${hex2(i >> 8)}:${hex2(i & 255)}`,
				framedipaddress: `100.64.${Math.floor(i / 200)}.${10 + i}`,
			}),
		);
	}
	return sessions;
}

type SortValue = number | string;

function sortValue(session: Session, key: SessionSort['key'], now: Date): SortValue {
	switch (key) {
		case 'start':
			return session.acctstarttime?.getTime() ?? 0;
		case 'duration':
			return sessionDurationSeconds(session, now) ?? 0;
		case 'down':
			return session.acctoutputoctets ?? 0;
		case 'up':
			return session.acctinputoctets ?? 0;
		case 'rate':
			return session.acctoutputoctets && session.acctsessiontime ? session.acctoutputoctets / session.acctsessiontime : 0;
		case 'user':
			return session.username ?? '';
		case 'nas':
			return session.nasipaddress;
		case 'ip':
			return session.framedipaddress ?? '';
		case 'remaining':
			return 0;
	}
}

/** An in-memory radacct behind the SessionReader interface, recording every list() call. */
class FakeReader implements SessionReader {
	readonly staleAfterSeconds = 30 * 60;
	readonly listCalls: Array<{filter: SessionFilter; sort: SessionSort; window: SessionWindow}> = [];
	/** While set, list, count and stats reject with it (the database is down). */
	failure: Error | null = null;

	constructor(readonly sessions: readonly Session[] = generateSessions()) {}

	async list(filter: SessionFilter, sort: SessionSort, window: SessionWindow): Promise<SessionPage> {
		this.listCalls.push({filter, sort, window});
		this.#failIfDown();
		const now = new Date();
		const direction = sort.direction === 'asc' ? 1 : -1;
		const rows = this.#matching(filter).sort((a, b) => {
			const left = sortValue(a, sort.key, now);
			const right = sortValue(b, sort.key, now);
			if (left !== right) return (left < right ? -1 : 1) * direction;
			return Number(a.radacctid) - Number(b.radacctid);
		});
		const offset = window.offset ?? 0;
		return {rows: rows.slice(offset, offset + window.limit), dbNow: now};
	}

	async count(filter: SessionFilter): Promise<SessionTotal> {
		this.#failIfDown();
		return {total: this.#matching(filter).length, capped: false};
	}

	async stats(): Promise<SessionStats> {
		this.#failIfDown();
		const now = new Date();
		const open = this.sessions.filter((s) => !s.acctstoptime);
		const perNas = new Map<string, NasCount>();
		for (const s of open) {
			const known = perNas.get(s.nasipaddress) ?? {nasipaddress: s.nasipaddress, nasname: s.nasname, sessions: 0, stale: 0};
			const stale = isStale(s, now, this.staleAfterSeconds) ? 1 : 0;
			perNas.set(s.nasipaddress, {...known, sessions: known.sessions + 1, stale: known.stale + stale});
		}
		const durations = open.map((s) => sessionDurationSeconds(s, now) ?? 0);
		return {
			openSessions: open.length,
			uniqueUsers: new Set(open.map((s) => s.username)).size,
			averageDurationSeconds: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null,
			staleSessions: open.filter((s) => isStale(s, now, this.staleAfterSeconds)).length,
			perNas: [...perNas.values()].sort((a, b) => b.sessions - a.sessions || a.nasipaddress.localeCompare(b.nasipaddress)),
			dbNow: now,
		};
	}

	async openCounts(): Promise<OpenCounts> {
		const stats = await this.stats();
		return {
			openSessions: stats.openSessions,
			averageDurationSeconds: stats.averageDurationSeconds,
			perNas: stats.perNas,
			dbNow: stats.dbNow,
		};
	}

	async staleAndUsers(): Promise<StaleAndUsers> {
		const stats = await this.stats();
		return {
			uniqueUsers: stats.uniqueUsers,
			stalePerNas: new Map(stats.perNas.map((nas) => [nas.nasipaddress, nas.stale])),
			at: new Date(),
		};
	}

	async session(radacctid: string): Promise<Session | undefined> {
		return this.sessions.find((s) => s.radacctid === radacctid);
	}

	async history(username: string, limit = 20, since?: Date): Promise<Session[]> {
		return this.sessions
			.filter((s) => s.username === username && (!since || (s.acctstarttime?.getTime() ?? 0) >= since.getTime()))
			.sort((a, b) => (b.acctstarttime?.getTime() ?? 0) - (a.acctstarttime?.getTime() ?? 0))
			.slice(0, limit);
	}

	#failIfDown(): void {
		if (this.failure) throw this.failure;
	}

	#matching(filter: SessionFilter): Session[] {
		const search = filter.search?.toLowerCase();
		return this.sessions.filter((s) => {
			if (filter.status === 'active' && s.acctstoptime) return false;
			if (filter.status === 'closed' && !s.acctstoptime) return false;
			if (filter.nasIps?.length && !filter.nasIps.includes(s.nasipaddress)) return false;
			if (search && ![s.username, s.framedipaddress, s.callingstationid].some((text) => text?.toLowerCase().includes(search)))
				return false;
			return true;
		});
	}
}

const mounted: Rendered[] = [];

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

function renderApp(reader: SessionReader = new FakeReader(), props: Partial<AppProps> = {}): Rendered {
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={reader} databaseLabel="radius@db1:5432/radius" intervalSeconds={5} readOnly={false} {...props} />
		</ThemeContext.Provider>,
	);
	mounted.push(app);
	return app;
}

/** ink-testing-library's stdout has no rows: the App falls back to 24, so 17 table rows. */
const TERMINAL_ROWS = 24;
const PAGE = TERMINAL_ROWS - 7;

const linesOf = (frame: string) => frame.split('\n');
const header = (frame: string) => linesOf(frame)[0] ?? '';
const statsLine = (frame: string) => linesOf(frame)[1] ?? '';
const filterLine = (frame: string) => linesOf(frame)[2] ?? '';
const headsLine = (frame: string) => linesOf(frame)[3] ?? '';
/** The table's row lines, blank ones left out. */
const tableRows = (frame: string) =>
	linesOf(frame)
		.slice(4, 4 + PAGE)
		.filter((line) => line.trim() !== '');
const cursorLine = (frame: string) => tableRows(frame).find((line) => line.startsWith('▸')) ?? '';
const statusLine = (frame: string) => linesOf(frame).at(-2) ?? '';
const footer = (frame: string) => linesOf(frame).at(-1) ?? '';

/** The first frame with sessions in it (at 100 columns, the NAS column as wide as the longest name, alice@isp.example whole). */
const loaded = (app: Rendered) => app.waitForFrame((frame) => cursorLine(frame).includes('alice@isp.examp'));

describe('App', () => {
	it('shows the header, stats, column heads and rows in a frame shorter than the terminal', async () => {
		const frame = await loaded(renderApp());
		expect(header(frame)).toMatch(/^radtop {2}radius@db1:5432\/radius +every 5s · .* {2}\? help$/);
		expect(statsLine(frame)).toMatch(/^50 online · 50 users · avg \S+ · 1 stale {3}bng-1 30 bng-2 10 bng-3 10/);
		expect(filterLine(frame)).toMatch(/^\/ search: \/ +active · all NAS · start ↓$/);
		// The sort column (START, newest first) always shows, marked.
		expect(headsLine(frame)).toMatch(/^ {3}USER +NAS +FRAMED IP +DURATION +MAC +DOWN +UP START▼$/);
		expect(tableRows(frame)[0]).toMatch(
			/^▸ {2}alice@isp\.example  +bng-1 +100\.64\.0\.10 +5m\d\ds +AA:BB:CC:00:00:00 +118M +12M \d\d-\d\d \d\d:\d\d:\d\d$/,
		);
		expect(tableRows(frame)[1]).toMatch(/^ {3}alice-office +bng-1 +100\.64\.0\.11 /);
		expect(tableRows(frame).find((line) => line.includes('user07'))).toMatch(/~4h\d\dm/);
		expect(statusLine(frame)).toBe('database: ok · 1 of 50');
		expect(footer(frame)).toBe('↑↓ move  / search  n NAS  s sort  ␣ select  d disconnect  ⏎ details  q quit');
		expect(linesOf(frame).length).toBeLessThan(TERMINAL_ROWS);
	});

	it('moves the cursor with j, k and the arrow keys', async () => {
		const app = renderApp();
		await loaded(app);
		await app.press('j', (frame) => cursorLine(frame).includes('alice-office'));
		await app.press(KEYS.down, (frame) => cursorLine(frame).includes('alice.k'));
		const frame = await app.press('k', (frame) => cursorLine(frame).includes('alice-office'));
		expect(tableRows(frame).filter((line) => line.startsWith('▸'))).toHaveLength(1);
		expect(tableRows(frame)[1]).toMatch(/^▸ {2}alice-office/);
		expect(statusLine(frame)).toMatch(/ · 2 of 50$/);
		await app.press(KEYS.up, (frame) => cursorLine(frame).includes('alice@isp.examp'));
	});

	it('keeps a cursor on the first row on the newest session as polls bring new ones, and any other on its session', async () => {
		const sessions = generateSessions();
		const app = renderApp(new FakeReader(sessions));
		await loaded(app);
		sessions.push(session({radacctid: '2000', username: 'newcomer', acctstarttime: new Date(Date.now() - 1000)}));
		let frame = await app.press('r', (frame) => tableRows(frame)[0]?.startsWith('▸  newcomer') === true);
		expect(tableRows(frame)[1]).toMatch(/^ {3}alice@isp\.example /);
		expect(statusLine(frame)).toMatch(/ · 1 of 51$/);
		// Off the first row, the cursor keeps to its session, which moves down a row.
		await app.press('j', (frame) => cursorLine(frame).includes('alice@isp.examp'));
		sessions.push(session({radacctid: '2001', username: 'latecomer', acctstarttime: new Date(Date.now() - 500)}));
		frame = await app.press('r', (frame) => tableRows(frame)[0]?.startsWith('   latecomer') === true);
		expect(tableRows(frame)[2]).toMatch(/^▸ {2}alice@isp\.example /);
		expect(statusLine(frame)).toMatch(/ · 3 of 52$/);
	});

	it('types into the search at its cursor: Ctrl-A, Home, End and the arrows move it', async () => {
		const app = renderApp();
		await loaded(app);
		await app.press('/', (frame) => footer(frame).includes('Esc clear search'));
		await app.press('alice', (frame) => filterLine(frame).startsWith('/ alice'));
		await app.press('\x01', () => true);
		await app.press('user:', (frame) => filterLine(frame).startsWith('/ user:alice'));
		await app.press('\x1b[F', () => true);
		await app.press('\x1b[D', () => true);
		await app.press('\x7f', (frame) => filterLine(frame).startsWith('/ user:alie '));
		await app.press('\x1b[H', () => true);
		await app.press('\x1b[C', () => true);
		const frame = await app.press('x', (frame) => filterLine(frame).startsWith('/ uxser:alie '));
		expect(filterLine(frame)).toMatch(/^\/ uxser:alie +active/);
	});

	it('filters as you type after /, keeps the search on Enter and clears it on Esc', async () => {
		const reader = new FakeReader();
		const app = renderApp(reader);
		await loaded(app);
		let frame = await app.press('/', (frame) => footer(frame).includes('Esc clear search'));
		expect(filterLine(frame)).toMatch(/^\/ user, IP, MAC or scope/);
		let typed = '';
		for (const character of 'ali') {
			typed += character;
			await app.press(character, (frame) => filterLine(frame).startsWith(`/ ${typed}`));
		}
		// Debounced: a slow typist's "al" may be applied first (it matches the same three).
		frame = await app.waitForFrame((frame) => statusLine(frame).endsWith('1 of 3') && reader.listCalls.at(-1)?.filter.search === 'ali');
		expect(tableRows(frame).map((line) => line.slice(3).split(' ')[0])).toEqual(['alice@isp.example', 'alice-office', 'alice.k']);
		frame = await app.press(KEYS.enter, (frame) => footer(frame).startsWith('↑↓ move'));
		expect(filterLine(frame)).toMatch(/^\/ ali +active/);
		expect(tableRows(frame)).toHaveLength(3);
		// Esc in the search clears it: every session again.
		await app.press('/', (frame) => footer(frame).includes('Esc clear search'));
		frame = await app.press(KEYS.escape, (frame) => statusLine(frame).endsWith('1 of 50') && footer(frame).startsWith('↑↓ move'));
		expect(filterLine(frame)).toMatch(/^\/ search: \//);
		expect(tableRows(frame)).toHaveLength(PAGE);
		expect(reader.listCalls.at(-1)?.filter.search).toBeUndefined();
	});

	it('changes the sort with s and reverses it with S', async () => {
		const reader = new FakeReader();
		const app = renderApp(reader);
		await loaded(app);
		// Longest first: the oldest session.
		const frame = await app.press('s', (frame) => filterLine(frame).endsWith('duration ↓') && cursorLine(frame).includes('user49'));
		expect(reader.listCalls.some((call) => call.sort.key === 'duration' && call.sort.direction === 'desc')).toBe(true);
		expect(tableRows(frame)[1]).toMatch(/^ {3}user48 /);
		await app.press('S', (frame) => filterLine(frame).endsWith('duration ↑') && cursorLine(frame).includes('alice@isp.examp'));
		expect(reader.listCalls.at(-1)?.sort).toEqual({key: 'duration', direction: 'asc'});
	});

	it('cycles the status with t', async () => {
		const reader = new FakeReader();
		const app = renderApp(reader);
		await loaded(app);
		await app.press('t', (frame) => filterLine(frame).includes('stale ·'));
		expect(reader.listCalls.at(-1)?.filter.status).toBe('stale');
		let frame = await app.press('t', (frame) => filterLine(frame).includes('closed ·') && statusLine(frame).endsWith('1 of 10'));
		expect(reader.listCalls.at(-1)?.filter.status).toBe('closed');
		expect(tableRows(frame)).toHaveLength(10);
		frame = await app.press('t', (frame) => filterLine(frame).includes('all ·') && statusLine(frame).endsWith('1 of 60'));
		expect(reader.listCalls.at(-1)?.filter.status).toBe('all');
	});

	it('picks a NAS with n, showing open-session counts, and filters on it', async () => {
		const reader = new FakeReader();
		const app = renderApp(reader);
		await loaded(app);
		let frame = await app.press('n', (frame) => frame.includes('filter on a NAS'));
		const picker = linesOf(frame).slice(4, 4 + PAGE);
		// Each with a sparkline of the last 6 hours: one poll so far, so one mark at its right end.
		expect(picker[0]).toMatch(/^● all NAS +50 {2,}▄$/);
		expect(picker[1]).toMatch(/^ {2}bng-1 +10\.20\.0\.1 +30 {2,}▄$/);
		expect(picker[2]).toMatch(/^ {2}bng-2 +10\.20\.0\.2 +10 {2,}▄$/);
		expect(picker[3]).toMatch(/^ {2}bng-3 +10\.20\.0\.3 +10 {2,}▄$/);
		expect(footer(frame)).toBe('↑↓ move  ⏎ choose  Esc cancel');
		// The picker's cursor is inverse only, which plain test output does not show: wait for the renders.
		await app.press('j', () => true);
		await app.press('j', () => true);
		frame = await app.press(KEYS.enter, (frame) => filterLine(frame).includes('NAS bng-2') && statusLine(frame).endsWith('1 of 10'));
		expect(reader.listCalls.at(-1)?.filter.nasIps).toEqual(['10.20.0.2']);
		expect(tableRows(frame)).toHaveLength(10);
		for (const row of tableRows(frame)) expect(row).toMatch(/ bng-2 /);
		// Open again: the NAS in force is marked.
		frame = await app.press('n', (frame) => frame.includes('filter on a NAS'));
		expect(linesOf(frame)[6]).toMatch(/^● bng-2/);
		await app.press(KEYS.escape, (frame) => headsLine(frame).includes('USER'));
	});

	it('reads Esc and the key typed right after it, arriving in one read (Meta+key), as both keys', async () => {
		const app = renderApp();
		await loaded(app);
		await app.press(KEYS.enter, (frame) => frame.includes('Esc back'));
		const frame = await app.press(
			'\x1bj',
			(current) => headsLine(current).includes('USER') && cursorLine(current).includes('alice-office'),
		);
		expect(frame).not.toContain('Esc back');
	});

	it('opens the details with Enter, every field and the previous sessions, and goes back with Esc', async () => {
		const reader = new FakeReader();
		const app = renderApp(reader);
		await loaded(app);
		app.resize(100, 40);
		await app.waitForFrame((frame) => tableRows(frame).length === PAGE && linesOf(frame).length === 39);
		let frame = await app.press(KEYS.enter, (frame) => frame.includes('previous sessions') && !frame.includes('loading'));
		expect(linesOf(frame)[3]).toMatch(/^alice@isp\.example on bng-1 \(10\.20\.0\.1\) +Esc back$/);
		// Every field that holds a value is listed; empty ones are left out to make room for the history.
		const cursor = reader.sessions.find((session) => session.username === 'alice@isp.example')!;
		for (const field of SESSION_COLUMNS.filter((field) => field !== 'username')) {
			const value = cursor[field];
			if (value === null || value === '') expect(frame).not.toMatch(new RegExp(`^${field}\\b`, 'm'));
			else expect(frame).toMatch(new RegExp(`\\b${field}\\b`));
		}
		expect(frame).toMatch(/radacctid +1000 /);
		expect(frame).toMatch(/framedipaddress +100\.64\.0\.10/);
		const history = linesOf(frame).slice(linesOf(frame).findIndex((line) => line.startsWith('previous sessions')) + 1);
		// alice@isp.example's four earlier sessions, newest first.
		expect(history[0]).toMatch(/^ {2}START +STOP +DURATION +FRAMED IP \/ IPv6 +NAS +CAUSE +DOWN \/ UP$/);
		expect(history.filter((line) => /^ {2}\d\d-\d\d \d\d:\d\d /.test(line))).toHaveLength(4);
		expect(frame).toMatch(/7h00m .*User-Request/);
		expect(frame).toMatch(/7h00m .*Lost-Carrier/);
		frame = await app.press(KEYS.escape, (frame) => headsLine(frame).includes('USER'));
		expect(cursorLine(frame)).toMatch(/alice@isp\.example /);
	});

	it('does not claim there is no history when the terminal is too short to show it', async () => {
		const app = renderApp();
		await loaded(app);
		app.resize(100, 18);
		const frame = await app.press(KEYS.enter, (frame) => /previous sessions(?! \(loading)/.test(frame));
		expect(frame).not.toContain('previous sessions: none');
		// The fields fill the view: everything below the summary scrolls, the title says where, the count is kept.
		expect(frame).toMatch(/^alice@isp\.example on bng-1 \(10\.20\.0\.1\) +1-\d+ of \d+ ↑↓ · Esc back$/m);
		expect(frame).toContain('previous sessions (4)');
		// ↓ scrolls the detail, not the table behind it; the title stays first.
		const scrolled = await app.press('j', (frame) => / 2-\d+ of \d+ ↑↓ · Esc back/.test(frame));
		expect(scrolled).toMatch(/^alice@isp\.example on bng-1 /m);
	});

	it('shows help generated from the keymap with ?, and closes it with ?', async () => {
		const app = renderApp();
		await loaded(app);
		const frame = await app.press('?', (frame) => frame.includes('? or Esc closes'));
		// Every description whole: at 80 columns one binding a line, scrolled with ↓ and PgDn to the last.
		app.resize(80, 24);
		const narrow = await app.waitForFrame((current) => current.split('\n')[0]!.length <= 80 && current.includes('↑↓ 1-17 of'));
		const further = await app.press(KEYS.pageDown, (current) => current.includes('↑↓ 11-27 of'));
		// PgDn until the last page: the notes after the bindings (the row marks among them) make it longer.
		const pages = [narrow, further];
		for (let page = 0; page < 5 && !/↑↓ \d+-(\d+) of \1\b/.test(pages.at(-1)!); page++) pages.push(await app.press(KEYS.pageDown));
		expect(pages.at(-1)).toMatch(/↑↓ \d+-(\d+) of \1\b/);
		for (const entry of helpEntries(KEYMAP)) expect(pages.join('\n')).toContain(entry.description);
		expect(frame).toContain('reverse the sort direction');
		await app.press('?', (frame) => headsLine(frame).includes('USER') && !frame.includes('? or Esc closes'));
	});

	it('selects a row with space, moving down; the footer counts it, once', async () => {
		const app = renderApp();
		await loaded(app);
		let frame = await app.press(KEYS.space, (frame) => footer(frame).startsWith('1 selected  '));
		expect(tableRows(frame)[0]).toMatch(/^● {2}alice@isp\.example /);
		expect(tableRows(frame)[1]).toMatch(/^▸ {2}alice-office/);
		expect(frame.match(/selected/g)).toHaveLength(1);
		expect(filterLine(frame)).toMatch(/active · all NAS · start ↓$/);
		frame = await app.press(KEYS.space, (frame) => footer(frame).startsWith('2 selected  '));
		expect(frame.match(/selected/g)).toHaveLength(1);
		// While a search is typed the footer still counts it (the view may change under it).
		frame = await app.press('/', (frame) => footer(frame).startsWith('2 selected  ⏎ keep search'));
		expect(frame.match(/selected/g)).toHaveLength(1);
		await app.press(KEYS.escape, (frame) => footer(frame).startsWith('2 selected  ↑↓ move'));
		frame = await app.press(KEYS.escape, (frame) => !frame.includes('selected'));
		expect(statusLine(frame)).toMatch(/^selection cleared/);
		expect(tableRows(frame)[0]).toMatch(/^ {3}alice@isp\.example /);
	});

	it('a selects everything matching: said once, in the footer', async () => {
		const app = renderApp();
		await loaded(app);
		const frame = await app.press('a', (frame) => footer(frame).startsWith('everything matching selected  '));
		expect(frame.match(/selected/g)).toHaveLength(1);
		expect(filterLine(frame)).toMatch(/active · all NAS · start ↓$/);
	});

	it('masks IPs and MACs with m', async () => {
		const app = renderApp();
		await loaded(app);
		const frame = await app.press('m', (frame) => tableRows(frame)[0]?.includes('100.64.x.x') ?? false);
		expect(frame).not.toMatch(/100\.64\.\d+\.\d+/);
		expect(tableRows(frame)[0]).toContain('AA:BB:CC:xx:xx:xx');
		expect(statusLine(frame)).toMatch(/^IPs and MACs masked/);
	});

	it('pauses with p; r still refreshes', async () => {
		const reader = new FakeReader();
		const app = renderApp(reader);
		await loaded(app);
		const frame = await app.press('p', (frame) => header(frame).includes('PAUSED'));
		expect(header(frame)).not.toContain('refresh in');
		expect(statusLine(frame)).toMatch(/^paused: r refreshes once, p resumes/);
		const calls = reader.listCalls.length;
		await app.press('r', () => reader.listCalls.length > calls);
		await app.press('p', (frame) => !header(frame).includes('PAUSED'));
	});

	it('keeps the rows on screen while the database is unreachable, with their age, and recovers', async () => {
		const reader = new FakeReader();
		const app = renderApp(reader);
		await loaded(app);
		reader.failure = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
			code: 'ECONNREFUSED',
			address: '10.0.0.5',
			port: 5432,
		});
		let frame = await app.press('r', (frame) => statusLine(frame).startsWith('database unreachable'));
		// 100 columns cut the line inside the retry countdown; the age of the data still shows.
		expect(statusLine(frame)).toMatch(
			/^database unreachable; showing data from \d+ s ago, retry in \d+ s: connection refused \(10\.0\.0\.5:5432\)/,
		);
		// The age grows while the failures go on.
		frame = await app.waitForFrame((frame) => /showing data from [1-9]\d* s ago/.test(statusLine(frame)), 4000);
		expect(tableRows(frame)).toHaveLength(PAGE);
		expect(cursorLine(frame)).toMatch(/alice@isp\.example /);
		expect(statsLine(frame)).toMatch(/^50 online/);
		reader.failure = null;
		frame = await app.waitForFrame((frame) => statusLine(frame).startsWith('database reachable again'), 5000);
		expect(frame).not.toContain('unreachable');
		expect(tableRows(frame)).toHaveLength(PAGE);
	});

	it('asks the database for exactly the rows the table shows', async () => {
		const reader = new FakeReader();
		const app = renderApp(reader);
		let frame = await loaded(app);
		expect(pageSizeFor(TERMINAL_ROWS)).toBe(PAGE);
		expect(tableRows(frame)).toHaveLength(PAGE);
		frame = await app.press(
			KEYS.pageDown,
			(frame) => statusLine(frame).endsWith(`${PAGE + 1} of 50`) && cursorLine(frame).includes(`user${PAGE}`),
		);
		expect(tableRows(frame)).toHaveLength(PAGE);
		await app.press('G', (frame) => statusLine(frame).endsWith('50 of 50') && cursorLine(frame).includes('user49'));
		await app.press('s', (frame) => filterLine(frame).endsWith('duration ↓') && cursorLine(frame).includes('user49'));
		expect(reader.listCalls.length).toBeGreaterThan(3);
		expect(reader.listCalls.filter((call) => call.window.limit !== PAGE)).toEqual([]);
		expect(reader.listCalls.map((call) => call.window.offset)).toEqual(expect.arrayContaining([0, PAGE, 50 - PAGE]));
	});

	it('shows hostile text from radacct as visible escapes, never as control sequences', async () => {
		const username = '\x1b]52;c;aGVsbG8=\x07\x1b[2J\x1b]0;owned\x07\rX';
		const hostile = session({
			radacctid: '999',
			username,
			nasipaddress: '10.20.0.9',
			nasname: '\x1b]0;nas\x07bng-9',
			callingstationid: 'AA:BB\rCC',
			acctstarttime: new Date(Date.now() - MINUTE),
			framedipaddress: '100.64.9.9',
		});
		const app = renderApp(new FakeReader([hostile, ...generateSessions()]));
		let frame = await app.waitForFrame((frame) => cursorLine(frame).includes('\\x1b]52;c;'));
		expect(frame).toContain('\\x1b]0;nas\\x07bng-9');
		// Looking for control characters is the point: SGR colour codes are allowed, nothing else is.
		// eslint-disable-next-line no-control-regex
		const controls = (raw: string) => raw.replace(/\x1b\[[0-9;]*m/g, '').match(/[\x00-\x09\x0b-\x1f\x7f]/g) ?? [];
		expect(controls(app.rawFrame())).toEqual([]);
		frame = await app.press(KEYS.enter, (frame) => frame.includes('previous sessions') && !frame.includes('loading'));
		expect(linesOf(frame)[3]).toContain('\\x1b]52;c;aGVsbG8=\\x07\\x1b[2J\\x1b]0;owned\\x07\\rX on \\x1b]0;nas\\x07bng-9');
		expect(frame).toContain('AA:BB\\rCC');
		expect(controls(app.rawFrame())).toEqual([]);
	});
});
