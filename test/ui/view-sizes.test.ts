/**
 * Every view at every terminal size, as pure functions: never more lines than it is given, never a line wider,
 * and what must stay in view stays (a confirmation prompt and its refusal, whose session the detail is, the
 * help's first line). Below the minimum size the console says so instead.
 */
import {describe, expect, it} from 'vitest';
import {confirmationFor} from '../../source/disconnect/confirmation.js';
import {planDisconnect, type DisconnectTarget} from '../../source/disconnect/plan.js';
import {tallyOutcomes, type DisconnectResult, type SessionResult} from '../../source/disconnect/result.js';
import {NasRegistry} from '../../source/nas/registry.js';
import type {Session} from '../../source/sessions/session.js';
import {pageSizeFor} from '../../source/ui/app.js';
import {detailLines} from '../../source/ui/detail-lines.js';
import {previewView, progressView, resultsView} from '../../source/ui/disconnect-lines.js';
import {confirmDisconnect, newDisconnect, type DisconnectState} from '../../source/ui/disconnect-state.js';
import {helpLines, helpScrollLimit, SIZE_NOTE} from '../../source/ui/help-lines.js';
import {activeKeymap, helpEntries} from '../../source/ui/keymap.js';
import {FRAME, MIN_COLUMNS, MIN_ROWS, tooSmallText, viewArea} from '../../source/ui/layout.js';
import {chooseColumns, COLUMN_GAP as GAP} from '../../source/ui/table-columns.js';
import {nasPickerLines} from '../../source/ui/nas-picker-lines.js';
import {truncate} from '../../source/terminal/text.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const SIZES: ReadonlyArray<[number, number]> = [
	[200, 50],
	[120, 40],
	[80, 24],
	[80, 15],
	[80, 12],
	[60, 15],
	[40, 10],
];
const DRAWN = SIZES.filter(([columns, rows]) => tooSmallText(columns, rows) === undefined);
const NAS_IPS = ['10.20.0.1', '10.20.0.2', '10.20.0.3', '10.20.0.4', '10.20.0.5', '10.20.0.6'];
const registry = NasRegistry.from(
	NAS_IPS.map((ip, index) => ({nasname: ip, shortname: `bng-${index + 1}`, type: 'other', secret: `secret-${index + 1}`})),
	[],
);

function sessions(count: number, nasIps: readonly string[] = ['10.20.0.2']): Session[] {
	return Array.from({length: count}, (_, index) =>
		makeSession({
			radacctid: String(index + 1),
			acctsessionid: `s${index + 1}`,
			username: `user${index + 1}`,
			nasipaddress: nasIps[index % nasIps.length]!,
			nasname: `bng-${NAS_IPS.indexOf(nasIps[index % nasIps.length]!) + 1}`,
			framedipaddress: `100.64.${Math.floor(index / 250)}.${(index % 250) + 1}`,
			callingstationid: 'AA:BB:CC:DD:EE:FF',
			acctstarttime: new Date(NOW.getTime() - 3_600_000 - index * 1000),
			acctupdatetime: NOW,
		}),
	);
}

function previewed(target: DisconnectTarget, list: readonly Session[], label: string): DisconnectState {
	const plan = planDisconnect(list, registry, {method: 'auto'}, target);
	return {
		...newDisconnect(1, target, label, false),
		phase: 'preview',
		preview: {plan, missing: [], confirmation: confirmationFor(plan), warnings: [], registry},
	};
}

/** bng-2 with 561 sessions, the wrong name typed and Enter pressed: the refusal is on screen. */
const refusedNas = confirmDisconnect(
	{...previewed({kind: 'nas', nasIps: ['10.20.0.2']}, sessions(561), 'ALL open sessions on bng-2'), typed: 'bng-x'},
	'enter',
);
/** 300 sessions on six NAS, matching a filter: the count typed. */
const filterOnSix = previewed({kind: 'filter', filter: {status: 'active'}} as DisconnectTarget, sessions(300, NAS_IPS), 'the filter');

/** The preview's lines at a terminal size, as DisconnectView is given them inside its frame. */
function previewAt(disconnect: DisconnectState, columns: number, rows: number) {
	const {width, height} = viewArea(columns, rows);
	const inner = {width: width - FRAME.columns, height: height - FRAME.rows};
	return {inner, lines: previewView(disconnect, inner.width, inner.height, NOW)};
}

function expectFits(lines: ReadonlyArray<{text: string; right?: string}>, width: number, height: number) {
	expect(lines.length).toBeLessThanOrEqual(height);
	for (const line of lines) {
		const drawn = line.right === undefined ? line.text : `${line.text} ${line.right}`;
		expect([...drawn].length, drawn).toBeLessThanOrEqual(width);
	}
}

const texts = (lines: ReadonlyArray<{text: string}>) => lines.map((line) => line.text);

describe('the minimum size', () => {
	it.each(SIZES)('%ix%i', (columns, rows) => {
		const small = columns < MIN_COLUMNS || rows < MIN_ROWS;
		expect(tooSmallText(columns, rows)).toBe(small ? `terminal too small (need ${MIN_COLUMNS}x${MIN_ROWS})` : undefined);
		if (small) expect([...`terminal too small (need ${MIN_COLUMNS}x${MIN_ROWS})`].length).toBeLessThanOrEqual(columns);
	});

	it('is 60x12, and only 40x10 of the sizes above is below it', () => {
		expect([MIN_COLUMNS, MIN_ROWS]).toEqual([60, 12]);
		expect(SIZES.filter(([columns, rows]) => tooSmallText(columns, rows) !== undefined)).toEqual([[40, 10]]);
		expect(tooSmallText(59, 24)).toBeDefined();
		expect(tooSmallText(80, 11)).toBeDefined();
	});
});

describe('the table', () => {
	it.each(DRAWN)('%ix%i: column heads and rows fill the view, no wider than it', (columns, rows) => {
		const {width, height} = viewArea(columns, rows);
		expect(pageSizeFor(rows) + 1).toBe(height);
		const placed = chooseColumns({width: width - 2, status: 'active', sort: {key: 'start', direction: 'desc'}});
		const used = placed.reduce((sum, column) => sum + column.width, 0) + GAP * (placed.length - 1);
		expect(used).toBe(width - 2);
		expect(placed[0]?.id).toBe('user');
	});
});

describe('the preview of a NAS-wide disconnect, refused', () => {
	it.each(DRAWN)('%ix%i: the title first, the prompt and "does not match" last', (columns, rows) => {
		const {inner, lines} = previewAt(refusedNas, columns, rows);
		expectFits(lines, inner.width, inner.height);
		const shown = texts(lines);
		expect(shown[0]).toMatch(/^Disconnect ALL 561 open sessions on bng-2/);
		expect(shown.at(-2)).toBe('type the NAS name (bng-2) to confirm: ');
		expect(shown.at(-1)).toMatch(/^"bng-x" does not match: type bng-2/);
		expect(shown.some((line) => line.startsWith('reason '))).toBe(true);
		// The list of first sessions gives way before the NAS line.
		if (shown.some((line) => line.startsWith('first '))) expect(shown.some((line) => line.startsWith('bng-2 '))).toBe(true);
	});

	it('the room left goes to the first sessions: five at 80x24, none at 80x15 with the refusal, one without', () => {
		const firsts = (disconnect: DisconnectState, columns: number, rows: number) =>
			texts(previewAt(disconnect, columns, rows).lines).find((line) => line.startsWith('first '));
		expect(firsts(refusedNas, 200, 50)).toBe('first 5');
		expect(firsts(refusedNas, 80, 24)).toBe('first 5');
		expect(firsts(refusedNas, 80, 15)).toBeUndefined();
		expect(firsts({...refusedNas, refusal: undefined}, 80, 15)).toBe('first 1');
		expect(firsts(refusedNas, 60, 15)).toBeUndefined();
		expect(firsts(refusedNas, 80, 12)).toBeUndefined();
	});

	it('80x12: four lines, nothing written over anything', () => {
		expect(texts(previewAt(refusedNas, 80, 12).lines)).toEqual([
			'Disconnect ALL 561 open sessions on bng-2 (10.20.0.2)',
			'reason  (none: Tab to write one for the audit log)',
			'type the NAS name (bng-2) to confirm: ',
			'"bng-x" does not match: type bng-2 and Enter, or Esc to cancel',
		]);
	});

	it('what was typed is kept across sizes: the same state drawn at every size shows it', () => {
		const typing = {...previewed({kind: 'nas', nasIps: ['10.20.0.2']}, sessions(561), 'ALL open sessions on bng-2'), typed: 'bng-'};
		for (const [columns, rows] of DRAWN)
			expect(texts(previewAt(typing, columns, rows).lines)).toContain('type the NAS name (bng-2) to confirm: bng-');
	});
});

describe('the preview of 300 sessions on six NAS', () => {
	it.each(DRAWN)('%ix%i: the count prompt last; the NAS lines shrink after the first sessions', (columns, rows) => {
		const {inner, lines} = previewAt(filterOnSix, columns, rows);
		expectFits(lines, inner.width, inner.height);
		const shown = texts(lines);
		expect(shown[0]).toBe('Disconnect ALL 300 open sessions matching the filter');
		expect(shown.at(-1)).toBe('type the number of sessions (300) to confirm: ');
		const nasLines = shown.filter((line) => /^bng-\d /.test(line)).length;
		if (shown.some((line) => line.startsWith('first '))) expect(nasLines).toBe(3);
	});

	it('200x50 lists three NAS and the first sessions; 60x15 two NAS and no session; 80x12 no NAS line', () => {
		const at200 = texts(previewAt(filterOnSix, 200, 50).lines);
		expect(at200).toContain('… and 3 more NAS');
		expect(at200).toContain('first 5');
		expect(texts(previewAt(filterOnSix, 60, 15).lines)).toEqual([
			'Disconnect ALL 300 open sessions matching the filter',
			'the filter',
			'bng-1      50 · CoA 10.20.0.1:3799',
			'bng-2      50 · CoA 10.20.0.2:3799',
			'… and 4 more NAS',
			'reason  (none: Tab to write one for the audit log)',
			'type the number of sessions (300) to confirm: ',
		]);
		expect(texts(previewAt(filterOnSix, 80, 12).lines)).toEqual([
			'Disconnect ALL 300 open sessions matching the filter',
			'the filter',
			'reason  (none: Tab to write one for the audit log)',
			'type the number of sessions (300) to confirm: ',
		]);
	});
});

describe('the detail view', () => {
	const current = sessions(1)[0]!;
	const history = [
		current,
		...sessions(12)
			.slice(1)
			.map((row) => ({...row, acctstoptime: NOW})),
	];
	const detail = {id: current.radacctid, session: current, history};
	const options = {now: NOW, rate: undefined, masked: false, staleAfterSeconds: 1800};

	it.each(DRAWN)('%ix%i: whose session it is first, the summary second, the rest scrolled', (columns, rows) => {
		const {width, height} = viewArea(columns, rows);
		const lines = detailLines(detail, {...options, width, height});
		expectFits(lines, width, height);
		expect(lines[0]!.text).toBe('user1 on bng-2 (10.20.0.2)');
		expect(lines[1]!.text).toMatch(/^online · 1h00m/);
		// Scrolled to the end, the last previous session is in view and the title still first.
		const end = detailLines({...detail, historyTop: 1000}, {...options, width, height});
		expectFits(end, width, height);
		expect(end[0]!.text).toBe('user1 on bng-2 (10.20.0.2)');
		expect(end.at(-1)!.text).toContain('100.64.0.12');
	});

	it('60x15: one field a line, not cut into fragments', () => {
		const {width, height} = viewArea(60, 15);
		const seen = new Set<string>();
		for (let top = 0; top < 40; top++) {
			const lines = texts(detailLines({...detail, historyTop: top}, {...options, width, height}));
			expect(lines[0]).toBe('user1 on bng-2 (10.20.0.2)');
			for (const line of lines.slice(2)) seen.add(line);
		}
		expect(seen).toContain('callingstationid    AA:BB:CC:DD:EE:FF');
		expect(seen).toContain('framedipaddress     100.64.0.1');
		expect(seen).toContain('previous sessions (11)');
	});
});

describe('the help', () => {
	const entries = helpEntries(activeKeymap(false));

	it.each(DRAWN)('%ix%i: its first line, then bindings, scrolling to the last', (columns, rows) => {
		const {width, height} = viewArea(columns, rows);
		const lines = helpLines(entries, false, width, height, 0);
		expectFits(lines, width, height);
		expect(lines[0]!.text).toMatch(/^keys · \? or Esc closes/);
		const limit = helpScrollLimit(entries.length, height);
		const last = helpLines(entries, false, width, height, limit);
		expectFits(last, width, height);
		// The last binding is on the last page, or, when the notes fill a short page, on one scrolled to before it.
		const pages = Array.from({length: limit + 1}, (_, top) => texts(helpLines(entries, false, width, height, top)).join('\n'));
		expect(pages.findLastIndex((page) => page.includes(entries.at(-1)!.description.slice(0, 20)))).toBeGreaterThan(-1);
		expect(last.at(-1)!.text).toBe(truncate(SIZE_NOTE, width));
		expect(SIZE_NOTE).toMatch(/^needs 60x12 at least/);
	});

	it('two bindings a line from 96 columns, one below', () => {
		expect(helpLines(entries, false, 119, 34, 0)[1]!.text).toMatch(/^↑\/k {5}cursor up, history up +↓\/j {5}cursor down/);
		expect(helpLines(entries, false, 79, 18, 0)[1]!.text).toBe('↑/k     cursor up, history up');
	});
});

describe('the NAS picker', () => {
	const choices = NAS_IPS.map((ip, index) => ({ip, label: `bng-${index + 1}`, sessions: 100 * (index + 1)}));

	it.each(DRAWN)('%ix%i: what the pick does first, the cursor in view', (columns, rows) => {
		const {width, height} = viewArea(columns, rows);
		const lines = nasPickerLines(choices, 5, null, 'disconnect', width, height);
		expectFits(lines, width, height);
		expect(lines[0]!.text).toMatch(/^disconnect every session of which NAS\?/);
		expect(lines.find((line) => line.inverse)?.text).toMatch(/^ {2}bng-6 /);
	});
});

describe('progress and results', () => {
	const running = (): DisconnectState => {
		const disconnect = previewed(
			{kind: 'filter', filter: {status: 'active'}} as DisconnectTarget,
			sessions(300, NAS_IPS),
			'the filter',
		);
		const perNas = NAS_IPS.map((ip, index) => ({ip, name: `bng-${index + 1}`, done: 10, total: 50, failed: 1}));
		const totals = {coa: 50, api: 0, failed: 6, not_sent: 0, not_on_nas: 0, already_closed: 0};
		return {
			...disconnect,
			phase: 'running',
			progress: {phase: 'sending', done: 60, total: 300, failed: 6, ratePerSecond: 40, perNas, totals, confirmed: 20},
		} as unknown as DisconnectState;
	};
	const finished = (): DisconnectState => {
		const results: SessionResult[] = sessions(40, NAS_IPS).map((session, index) => ({
			radacctid: session.radacctid,
			username: session.username,
			nasIp: session.nasipaddress,
			nasName: session.nasname!,
			outcome: index % 2 === 0 ? 'failed' : 'coa',
			reason: index % 2 === 0 ? 'timeout' : 'ACK',
			stop: index % 2 === 0 ? undefined : 'not_confirmed',
		})) as SessionResult[];
		const result = {results, totals: tallyOutcomes(results)} as unknown as DisconnectResult;
		return {...running(), phase: 'done', result};
	};

	it.each(DRAWN)('%ix%i: within the view, the head first', (columns, rows) => {
		const {width, height} = viewArea(columns, rows);
		const progress = progressView(running(), width, height);
		expectFits(progress, width, height);
		expect(progress[0]!.text).toMatch(/^Disconnecting 60\/300/);
		const results = resultsView(finished(), width, height);
		expectFits(results, width, height);
		expect(results[0]!.text).toMatch(/^the filter:/);
	});
});
