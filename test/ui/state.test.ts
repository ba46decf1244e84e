import {describe, expect, it} from 'vitest';
import type {Session, SessionStats} from '../../source/sessions/session.js';
import type {Snapshot} from '../../source/sessions/snapshot.js';
import type {SubscriberCellData} from '../../source/sessions/session-columns.js';
import {cellText} from '../../source/ui/cells.js';
import type {SessionSubscriber} from '../../source/subscribers/subscriber-view.js';
import {
	defaultDirection,
	initialState,
	INTERVAL_STEPS,
	nasChoices,
	queryKey,
	reducer,
	selectionNotInView,
	selectionText,
	sessionAt,
	totalRows,
} from '../../source/ui/state.js';
import type {UiAction, UiState} from '../../source/ui/state-types.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-11-25T08:00:00Z');

function session(radacctid: string, overrides: Partial<Session> = {}): Session {
	return makeSession({
		radacctid,
		acctsessionid: `s-${radacctid}`,
		acctuniqueid: `u-${radacctid}`,
		username: `user-${radacctid}`,
		nasipaddress: '10.20.0.1',
		nasname: 'bng-1',
		acctstarttime: new Date(NOW.getTime() - 3_600_000),
		acctupdatetime: NOW,
		acctinputoctets: 1000,
		acctoutputoctets: 2000,
		callingstationid: 'AA:BB:CC:00:00:01',
		framedipaddress: '100.64.0.1',
		...overrides,
	});
}

const STATS: SessionStats = {
	openSessions: 50,
	uniqueUsers: 48,
	averageDurationSeconds: 3600,
	staleSessions: 0,
	perNas: [
		{nasipaddress: '10.20.0.1', nasname: 'bng-1', sessions: 30, stale: 0},
		{nasipaddress: '10.20.0.2', nasname: null, sessions: 20, stale: 0},
	],
	dbNow: NOW,
};

/** A snapshot of the state's current query: `ids` are the rows from `offset`, `total` the match count. */
function snapshotOf(state: UiState, ids: readonly string[], options: {offset?: number; total?: number; key?: string} = {}): Snapshot {
	return {
		key: options.key ?? queryKey(state.query),
		offset: options.offset ?? 0,
		rows: ids.map((id) => session(id)),
		total: {total: options.total ?? ids.length, capped: false},
		stats: STATS,
		rates: new Map(),
		fetchedAt: NOW.getTime(),
		durationMs: 3,
	};
}

const ids = (from: number, count: number) => Array.from({length: count}, (_, index) => `r${from + index}`);

/** pageSize 10, 50 rows matching, the first page loaded. */
function loaded(pageSize = 10, total = 50): UiState {
	const state = initialState({pageSize});
	return reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ids(0, pageSize), {total})});
}

function run(state: UiState, ...actions: UiAction[]): UiState {
	return actions.reduce(reducer, state);
}

describe('cursor and scrolling', () => {
	it('starts on the first row of the first snapshot', () => {
		const state = loaded();
		expect(state).toMatchObject({cursor: 0, top: 0, cursorId: 'r0'});
		expect(totalRows(state)).toBe(50);
		expect(sessionAt(state, 3)?.radacctid).toBe('r3');
	});

	it('has nowhere to go before any snapshot', () => {
		const state = run(initialState(), {type: 'move', by: 5}, {type: 'jump', to: 'bottom'});
		expect(state).toMatchObject({cursor: 0, top: 0, cursorId: null});
	});

	it('clamps moves to [0, total - 1]', () => {
		expect(run(loaded(), {type: 'move', by: -1}).cursor).toBe(0);
		expect(run(loaded(), {type: 'move', by: 1000}).cursor).toBe(49);
		expect(run(loaded(), {type: 'move', by: 1000}, {type: 'move', by: 1}).cursor).toBe(49);
	});

	it('scrolls so that the cursor stays in view', () => {
		let state = loaded();
		for (let step = 0; step < 9; step++) state = reducer(state, {type: 'move', by: 1});
		expect(state).toMatchObject({cursor: 9, top: 0, cursorId: 'r9'});
		state = reducer(state, {type: 'move', by: 1});
		expect(state).toMatchObject({cursor: 10, top: 1});
		// Row 10 is outside the loaded window: no session is known under the cursor until the next snapshot.
		expect(state.cursorId).toBeNull();
		state = run(state, {type: 'move', by: 1}, {type: 'move', by: 1});
		expect(state).toMatchObject({cursor: 12, top: 3});
		state = run(state, {type: 'move', by: -1}, {type: 'move', by: -1});
		expect(state).toMatchObject({cursor: 10, top: 3});
		state = run(state, {type: 'move', by: -8});
		expect(state).toMatchObject({cursor: 2, top: 2});
	});

	it('pages down and up a screen at a time, never past either end', () => {
		let state = run(loaded(), {type: 'move-page', pages: 1});
		expect(state).toMatchObject({cursor: 10, top: 10});
		state = run(state, {type: 'move-page', pages: 1}, {type: 'move-page', pages: 1}, {type: 'move-page', pages: 1});
		expect(state).toMatchObject({cursor: 40, top: 40});
		state = run(state, {type: 'move', by: 5}, {type: 'move-page', pages: 1});
		expect(state).toMatchObject({cursor: 49, top: 40});
		state = run(state, {type: 'move-page', pages: -1});
		expect(state).toMatchObject({cursor: 39, top: 30});
		state = run(state, {type: 'move-page', pages: -10});
		expect(state).toMatchObject({cursor: 0, top: 0});
	});

	it('jumps to the last row (G) and back to the first (g)', () => {
		let state = run(loaded(), {type: 'jump', to: 'bottom'});
		expect(state).toMatchObject({cursor: 49, top: 40});
		state = run(state, {type: 'jump', to: 'top'});
		expect(state).toMatchObject({cursor: 0, top: 0, cursorId: 'r0'});
	});

	it('keeps the cursor in view when the terminal shrinks', () => {
		const state = run(loaded(), {type: 'move', by: 9}, {type: 'resize', pageSize: 4});
		expect(state).toMatchObject({pageSize: 4, cursor: 9, top: 6});
		expect(run(state, {type: 'resize', pageSize: 0}).pageSize).toBe(1);
	});
});

describe('search', () => {
	it('edits a draft, applies it (debounced by the app), keeps it on Enter', () => {
		let state = run(loaded(), {type: 'move', by: 3}, {type: 'search-start'});
		expect(state.mode).toBe('search');
		state = run(state, {type: 'search-input', text: 'ali'});
		expect(state.searchDraft).toBe('ali');
		expect(state.query.search).toBe('');
		const before = state.refreshSeq;
		state = run(state, {type: 'search-apply'});
		expect(state.query.search).toBe('ali');
		expect(state).toMatchObject({mode: 'search', cursor: 0, top: 0, cursorId: null, refreshSeq: before + 1});
		expect(totalRows(state)).toBe(0);
		// Nothing new to apply: the very same state.
		expect(reducer(state, {type: 'search-apply'})).toBe(state);
		state = run(state, {type: 'search-commit'});
		expect(state).toMatchObject({mode: 'table', searchDraft: 'ali'});
		expect(state.query.search).toBe('ali');
		expect(state.refreshSeq).toBe(before + 1);
	});

	it('applies a draft that the debounce had not applied yet on Enter', () => {
		const state = run(loaded(), {type: 'search-start'}, {type: 'search-input', text: 'bob'}, {type: 'search-commit'});
		expect(state.mode).toBe('table');
		expect(state.query.search).toBe('bob');
	});

	it('starts editing from the search in force', () => {
		const state = run(initialState({query: {search: 'ali'}}), {type: 'search-start'});
		expect(state.searchDraft).toBe('ali');
	});

	it('clears the search in force on Esc', () => {
		let state = run(loaded(), {type: 'search-start'}, {type: 'search-input', text: 'ali'}, {type: 'search-commit'});
		state = run(state, {type: 'search-start'}, {type: 'search-input', text: 'alice'}, {type: 'search-cancel'});
		expect(state).toMatchObject({mode: 'table', searchDraft: ''});
		expect(state.query.search).toBe('');
	});

	it('leaves the query alone when Esc clears an empty search', () => {
		const start = loaded();
		const state = run(start, {type: 'move', by: 2}, {type: 'search-start'}, {type: 'search-input', text: 'x'}, {type: 'search-cancel'});
		expect(state.query).toBe(start.query);
		expect(state).toMatchObject({mode: 'table', cursor: 2, refreshSeq: start.refreshSeq});
	});
});

describe('filters and sort', () => {
	it('cycles the status active -> stale -> closed -> all -> active, back to the top', () => {
		let state = run(loaded(), {type: 'move', by: 4}, {type: 'cycle-status'});
		expect(state.query.status).toBe('stale');
		expect(state).toMatchObject({cursor: 0, top: 0});
		state = run(state, {type: 'cycle-status'});
		expect(state.query.status).toBe('closed');
		expect(state).toMatchObject({cursor: 0, top: 0});
		state = run(state, {type: 'cycle-status'});
		expect(state.query.status).toBe('all');
		state = run(state, {type: 'cycle-status'});
		expect(state.query.status).toBe('active');
	});

	it('steps through the sort keys with each key in its natural direction', () => {
		const seen: string[] = [];
		let state = loaded();
		for (let step = 0; step < 8; step++) {
			state = reducer(state, {type: 'sort-next'});
			seen.push(`${state.query.sort.key} ${state.query.sort.direction}`);
		}
		expect(seen).toEqual(['duration desc', 'down desc', 'up desc', 'rate desc', 'user asc', 'nas asc', 'ip asc', 'start desc']);
	});

	it('steps back through the sort keys', () => {
		let state = run(loaded(), {type: 'sort-previous'});
		expect(state.query.sort).toEqual({key: 'ip', direction: 'asc'});
		state = run(state, {type: 'sort-previous'});
		expect(state.query.sort).toEqual({key: 'nas', direction: 'asc'});
		state = run(state, {type: 'sort-next'}, {type: 'sort-next'});
		expect(state.query.sort).toEqual({key: 'start', direction: 'desc'});
	});

	it('reverses the direction, and a new key starts in its default direction again', () => {
		let state = run(loaded(), {type: 'sort-reverse'});
		expect(state.query.sort).toEqual({key: 'start', direction: 'asc'});
		state = run(state, {type: 'sort-reverse'});
		expect(state.query.sort).toEqual({key: 'start', direction: 'desc'});
		state = run(state, {type: 'sort-reverse'}, {type: 'sort-next'});
		expect(state.query.sort).toEqual({key: 'duration', direction: 'desc'});
	});

	it('names the default directions: text ascending, numbers and times descending', () => {
		expect(['user', 'nas', 'ip'].map((key) => defaultDirection(key as 'user'))).toEqual(['asc', 'asc', 'asc']);
		expect(['start', 'duration', 'down', 'up'].map((key) => defaultDirection(key as 'start'))).toEqual([
			'desc',
			'desc',
			'desc',
			'desc',
		]);
	});

	it('asks for a poll whenever the query changes', () => {
		const start = loaded();
		const actions: UiAction[] = [{type: 'cycle-status'}, {type: 'sort-next'}, {type: 'sort-previous'}, {type: 'sort-reverse'}];
		for (const action of actions) expect(reducer(start, action).refreshSeq).toBe(start.refreshSeq + 1);
	});
});

describe('selection', () => {
	it('toggles the row under the cursor and moves down', () => {
		let state = run(loaded(), {type: 'toggle-select'});
		expect([...state.selection]).toEqual(['r0']);
		expect(state.cursor).toBe(1);
		state = run(state, {type: 'toggle-select'});
		expect([...state.selection]).toEqual(['r0', 'r1']);
		state = run(state, {type: 'move', by: -2}, {type: 'toggle-select'});
		expect([...state.selection]).toEqual(['r1']);
		expect(state.cursor).toBe(1);
	});

	it('stays on the last row when selecting it', () => {
		const state = run(loaded(5, 5), {type: 'jump', to: 'bottom'}, {type: 'toggle-select'});
		expect([...state.selection]).toEqual(['r4']);
		expect(state.cursor).toBe(4);
	});

	it('does nothing where no session is loaded', () => {
		const state = run(initialState(), {type: 'toggle-select'});
		expect(state.selection.size).toBe(0);
	});

	it('selects everything matching, then explains why space does nothing', () => {
		let state = run(loaded(), {type: 'toggle-select'}, {type: 'select-all'});
		expect(state.allMatching).toBe(true);
		expect(state.selection.size).toBe(0);
		const cursor = state.cursor;
		state = run(state, {type: 'toggle-select'});
		expect(state.message?.text).toMatch(/everything matching is selected.*Esc/);
		expect(state.cursor).toBe(cursor);
		expect(state.selection.size).toBe(0);
	});

	it('drops select-all when the query changes', () => {
		const state = run(loaded(), {type: 'select-all'}, {type: 'cycle-status'});
		expect(state.allMatching).toBe(false);
	});

	it('clears the selection on Esc in the table, and says so', () => {
		let state = run(loaded(), {type: 'toggle-select'}, {type: 'toggle-select'}, {type: 'escape'});
		expect(state.selection.size).toBe(0);
		expect(state.message?.text).toBe('selection cleared');
		state = run(loaded(), {type: 'select-all'}, {type: 'escape'});
		expect(state.allMatching).toBe(false);
	});

	it('ignores Esc in the table with nothing selected', () => {
		const state = loaded();
		expect(reducer(state, {type: 'escape'})).toBe(state);
	});
});

describe('overlays', () => {
	it('leaves help, details and the NAS picker on Esc, keeping the selection', () => {
		const selected = run(loaded(), {type: 'toggle-select'}, {type: 'move', by: -1});
		for (const open of [{type: 'toggle-help'}, {type: 'open-detail'}, {type: 'nas-picker-open'}] as UiAction[]) {
			const opened = reducer(selected, open);
			expect(opened.mode).not.toBe('table');
			const closed = reducer(opened, {type: 'escape'});
			expect(closed.mode).toBe('table');
			expect(closed.detail).toBeNull();
			expect([...closed.selection]).toEqual(['r0']);
		}
	});

	it('toggles help with ?', () => {
		const state = run(loaded(), {type: 'toggle-help'});
		expect(state.mode).toBe('help');
		expect(reducer(state, {type: 'toggle-help'}).mode).toBe('table');
	});

	it('opens the detail of the session under the cursor and takes only its own load', () => {
		let state = run(loaded(), {type: 'move', by: 2}, {type: 'open-detail'});
		expect(state).toMatchObject({mode: 'detail', detail: {id: 'r2'}});
		state = reducer(state, {type: 'detail-loaded', id: 'r9', session: session('r9')});
		expect(state.detail).toEqual({id: 'r2'});
		state = reducer(state, {type: 'detail-loaded', id: 'r2', session: session('r2'), history: []});
		expect(state.detail?.session?.radacctid).toBe('r2');
		expect(state.detail?.history).toEqual([]);
	});

	it('opens no detail without a session under the cursor', () => {
		const state = initialState();
		expect(reducer(state, {type: 'open-detail'})).toBe(state);
	});
});

describe('NAS picker', () => {
	it('offers every NAS first, then each NAS by its name or address', () => {
		expect(nasChoices(loaded())).toEqual([
			{ip: null, label: 'all NAS', sessions: 50},
			{ip: '10.20.0.1', label: 'bng-1', sessions: 30},
			{ip: '10.20.0.2', label: '10.20.0.2', sessions: 20},
		]);
	});

	it('opens on the NAS in force, moves within the list and filters on the choice', () => {
		let state = run(loaded(), {type: 'move', by: 3}, {type: 'nas-picker-open'});
		expect(state).toMatchObject({mode: 'nas-picker', nasCursor: 0});
		state = run(state, {type: 'nas-picker-move', by: -1});
		expect(state.nasCursor).toBe(0);
		state = run(state, {type: 'nas-picker-move', by: 5});
		expect(state.nasCursor).toBe(2);
		state = run(state, {type: 'nas-picker-move', by: -1}, {type: 'nas-picker-choose'});
		expect(state.mode).toBe('table');
		expect(state.query.nas).toBe('10.20.0.1');
		expect(state).toMatchObject({cursor: 0, top: 0});
		state = run(state, {type: 'nas-picker-open'});
		expect(state.nasCursor).toBe(1);
		state = run(state, {type: 'nas-picker-move', by: -1}, {type: 'nas-picker-choose'});
		expect(state.query.nas).toBeNull();
	});
});

describe('polling controls', () => {
	it('steps the interval through the fixed steps and stops at both ends', () => {
		let state = initialState({intervalSeconds: 5});
		state = reducer(state, {type: 'interval', delta: 1});
		expect(state.intervalSeconds).toBe(10);
		expect(state.message?.text).toBe('refresh every 10 s');
		state = run(state, {type: 'interval', delta: -1}, {type: 'interval', delta: -1});
		expect(state.intervalSeconds).toBe(3);
		for (let step = 0; step < 20; step++) state = reducer(state, {type: 'interval', delta: -1});
		expect(state.intervalSeconds).toBe(INTERVAL_STEPS[0]);
		for (let step = 0; step < 20; step++) state = reducer(state, {type: 'interval', delta: 1});
		expect(state.intervalSeconds).toBe(INTERVAL_STEPS.at(-1));
	});

	it('steps from an interval between steps (from --interval) to the neighbouring steps', () => {
		expect(reducer(initialState({intervalSeconds: 7}), {type: 'interval', delta: 1}).intervalSeconds).toBe(10);
		expect(reducer(initialState({intervalSeconds: 7}), {type: 'interval', delta: -1}).intervalSeconds).toBe(5);
	});

	it('never polls more often when asked to poll less often, above the last step', () => {
		expect(reducer(initialState({intervalSeconds: 300}), {type: 'interval', delta: 1}).intervalSeconds).toBe(300);
		expect(reducer(initialState({intervalSeconds: 300}), {type: 'interval', delta: -1}).intervalSeconds).toBe(120);
	});

	it('pauses and resumes with a message each way', () => {
		let state = run(initialState(), {type: 'toggle-pause'});
		expect(state.paused).toBe(true);
		expect(state.message?.text).toMatch(/paused/);
		state = run(state, {type: 'toggle-pause'});
		expect(state.paused).toBe(false);
		expect(state.message?.text).toBe('polling resumed');
	});

	it('toggles masking', () => {
		let state = run(initialState(), {type: 'toggle-mask'});
		expect(state.masked).toBe(true);
		expect(state.message?.text).toBe('IPs and MACs masked');
		state = run(state, {type: 'toggle-mask'});
		expect(state.masked).toBe(false);
	});

	it('asks for a refresh and records when the next poll is due', () => {
		const state = run(initialState(), {type: 'refresh'}, {type: 'scheduled', at: 12345});
		expect(state.refreshSeq).toBe(1);
		expect(state.nextPollAt).toBe(12345);
		expect(run(state, {type: 'scheduled', at: null}).nextPollAt).toBeNull();
	});
});

describe('snapshots', () => {
	it('keeps the cursor on the same session when it moved within the window', () => {
		let state = run(loaded(5, 20), {type: 'move', by: 2});
		expect(state.cursorId).toBe('r2');
		// Two sessions started since: newest first, everything moves down two rows.
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['n1', 'n2', 'r0', 'r1', 'r2'], {total: 22})});
		expect(state).toMatchObject({cursor: 4, top: 0, cursorId: 'r2'});
		// One ended: it moves up again.
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['n1', 'r0', 'r1', 'r2', 'r3'], {total: 21})});
		expect(state).toMatchObject({cursor: 3, cursorId: 'r2'});
	});

	it('keeps a cursor on the first row there, on the newest session, as new ones arrive', () => {
		let state = loaded(5, 20);
		expect(state).toMatchObject({cursor: 0, cursorId: 'r0'});
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['n1', 'n2', 'r0', 'r1', 'r2'], {total: 22})});
		expect(state).toMatchObject({cursor: 0, top: 0, cursorId: 'n1'});
		// Once moved off the top, it keeps to its session again.
		state = run(state, {type: 'move', by: 1});
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['n3', 'n1', 'n2', 'r0', 'r1'], {total: 23})});
		expect(state).toMatchObject({cursor: 2, cursorId: 'n2'});
		// Back on the first row, it follows the top again.
		state = run(state, {type: 'jump', to: 'top'});
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['n4', 'n3', 'n1', 'n2', 'r0'], {total: 24})});
		expect(state).toMatchObject({cursor: 0, cursorId: 'n4'});
	});

	it('follows the session in a window further down the list', () => {
		let state = run(loaded(5, 20), {type: 'move-page', pages: 1});
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ids(5, 5), {offset: 5, total: 20})});
		state = run(state, {type: 'move', by: 1});
		expect(state).toMatchObject({cursor: 6, top: 5, cursorId: 'r6'});
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['r4', 'r5', 'r6', 'r7', 'r8'], {offset: 5, total: 21})});
		expect(state).toMatchObject({cursor: 7, top: 5, cursorId: 'r6'});
	});

	it('keeps the row index when the session left the window', () => {
		let state = run(loaded(5, 20), {type: 'move', by: 2});
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['x1', 'x2', 'x3', 'x4', 'x5'], {total: 25})});
		expect(state).toMatchObject({cursor: 2, cursorId: 'x3'});
	});

	it('clamps the cursor when the result shrank', () => {
		let state = run(loaded(5, 20), {type: 'jump', to: 'bottom'});
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['r0', 'r1'], {total: 2})});
		expect(state).toMatchObject({cursor: 1, top: 0});
	});

	it('moves nothing for a snapshot of an older query', () => {
		let state = run(loaded(), {type: 'move', by: 3});
		const {cursor, top, cursorId} = state;
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['z1', 'z2'], {total: 2, key: 'another query'})});
		expect(state).toMatchObject({cursor, top, cursorId});
		// Not current: it counts for nothing in the table.
		expect(totalRows(state)).toBe(0);
		expect(sessionAt(state, 0)).toBeUndefined();
	});

	it('keeps the time of the first failure across failed polls, then says when the database is back', () => {
		let state = run(loaded(), {type: 'poll-error', message: 'connection refused', at: 1000});
		expect(state.error).toEqual({message: 'connection refused', since: 1000});
		state = run(state, {type: 'poll-error', message: 'connection timed out', at: 6000});
		expect(state.error).toEqual({message: 'connection timed out', since: 1000});
		// The rows already on screen stay.
		expect(sessionAt(state, 0)?.radacctid).toBe('r0');
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ids(0, 10), {total: 50})});
		expect(state.error).toBeNull();
		expect(state.message).toEqual({text: 'database reachable again', kind: 'info'});
	});

	it('keeps the last message when no error was showing', () => {
		let state = run(loaded(), {type: 'message', text: 'hello', kind: 'info'});
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ids(0, 10), {total: 50})});
		expect(state.message).toEqual({text: 'hello', kind: 'info'});
	});
});

describe('a selection out of view', () => {
	it('counts the selected sessions the screen does not show, and a new search says they are kept', () => {
		const picked = run(loaded(), {type: 'toggle-select'}, {type: 'toggle-select'});
		expect(selectionText(picked)).toBe('2 selected');
		const searched = run(picked, {type: 'search-start'}, {type: 'search-input', text: 'dave'}, {type: 'search-commit'});
		expect(searched.selection.size).toBe(2);
		expect(searched.message?.text).toBe('2 selected sessions kept from before: d sends them too, Esc clears');
		// The new search's rows: neither selected one among them.
		const shown = reducer(searched, {type: 'snapshot', snapshot: snapshotOf(searched, ['r40', 'r41'])});
		expect(selectionNotInView(shown)).toEqual(['r0', 'r1']);
		expect(selectionText(shown)).toBe('2 selected (2 not in view)');
		// A new order is not a new filter: nothing to say.
		const sorted = reducer({...shown, message: null}, {type: 'sort-reverse'});
		expect(sorted.message).toBeNull();
	});

	it('scrolled off the page is not in view either', () => {
		const picked = run(loaded(), {type: 'toggle-select'});
		const below = reducer(picked, {type: 'snapshot', snapshot: snapshotOf(picked, ids(10, 10), {offset: 10, total: 50})});
		const scrolled = {...below, top: 10, cursor: 10};
		expect(selectionText(scrolled)).toBe('1 selected (1 not in view)');
	});
});

describe('the subscribers of the rows on screen', () => {
	const subscriber = (group: string): SessionSubscriber => ({
		context: {groups: [group], sessionTimeout: null, rateLimit: null, simultaneousUse: null},
		billing: {},
		remaining: null,
	});
	const enrichment = (entries: Array<[string, string]>, status: string | null = null) => ({
		type: 'subscribers' as const,
		subscribers: {byId: new Map(entries.map(([id, group]) => [id, subscriber(group)])), billingColumns: ['full_name'], status},
	});

	it('keeps what was known of a row until a later enrichment says otherwise, and drops rows no longer on screen', () => {
		let state = reducer(
			loaded(3, 3),
			enrichment([
				['r0', 'fiber'],
				['r1', 'dsl'],
				['r9', 'gone'],
			]),
		);
		expect([...state.subscribers!.byId.keys()]).toEqual(['r0', 'r1']);
		state = reducer(state, enrichment([['r1', 'fiber-500']], 'billing query: no answer in time'));
		expect([...state.subscribers!.byId].map(([id, value]) => [id, value.context.groups[0]])).toEqual([
			['r0', 'fiber'],
			['r1', 'fiber-500'],
		]);
		expect(state.subscribers!.status).toBe('billing query: no answer in time');
		state = reducer(state, {type: 'snapshot', snapshot: snapshotOf(state, ['r1', 'r2'])});
		state = reducer(state, enrichment([]));
		expect([...state.subscribers!.byId.keys()]).toEqual(['r1']);
		expect(state.subscribers!.billingColumns).toEqual(['full_name']);
	});
});

describe('the subscriber cells', () => {
	const session = makeSession({radacctid: 'c1', username: 'carol'});
	const text = (id: 'plan' | 'remaining' | 'billing', subscriber: SubscriberCellData | undefined, field?: string) =>
		cellText(id, session, {now: new Date(), masked: false, staleAfterSeconds: 600, subscriber}, field);
	it('shows the time left, the groups, a billing value, and - while unknown', () => {
		expect(text('remaining', {groups: [], remaining: {seconds: 6300, percent: 44, over: false}, billing: {}})).toBe('1h45m (44%)');
		expect(text('remaining', {groups: [], remaining: {seconds: -720, percent: 0, over: true}, billing: {}})).toBe('over by 12m');
		expect(text('remaining', undefined)).toBe('-');
		expect(text('plan', {groups: ['fiber-100', 'all\x1b[2J'], remaining: null, billing: {}})).toBe('fiber-100, all\\x1b[2J');
		expect(text('plan', {groups: [], remaining: null, billing: {}})).toBe('-');
		expect(text('billing', {groups: [], remaining: null, billing: {full_name: 'Ann\x07 Lee'}}, 'full_name')).toBe('Ann\\x07 Lee');
		expect(text('billing', {groups: [], remaining: null, billing: {}}, 'full_name')).toBe('-');
	});
});
