/**
 * The console's state with rows of two sites that number their rows alike: selection, the cursor and the
 * disconnect targets go by site and radacctid; the NAS picker tells the same IP at two sites apart, and `X` on one
 * covers that site only. Pure.
 */
import {describe, expect, it} from 'vitest';
import type {Session, SessionStats} from '../../source/sessions/session.js';
import type {Snapshot} from '../../source/sessions/snapshot.js';
import {disconnectSelectionOrCursor, disconnectUser} from '../../source/ui/disconnect-requests.js';
import {initialState, nasChoices, queryKey, reducer} from '../../source/ui/state.js';
import type {UiAction, UiState} from '../../source/ui/state-types.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-11-25T08:00:00Z');

const row = (site: string, radacctid: string, username: string): Session =>
	makeSession({radacctid, site, username, nasipaddress: '10.9.9.9', nasname: 'bng', acctstarttime: NOW, acctupdatetime: NOW});

const STATS: SessionStats = {
	openSessions: 4,
	uniqueUsers: 4,
	averageDurationSeconds: 60,
	staleSessions: 0,
	perNas: [
		{nasipaddress: '10.9.9.9', nasname: 'bng', sessions: 2, stale: 0, site: 'east'},
		{nasipaddress: '10.9.9.9', nasname: 'bng', sessions: 2, stale: 0, site: 'west'},
	],
	dbNow: NOW,
};

function loaded(rows: readonly Session[]): UiState {
	const state = initialState({pageSize: 10});
	const snapshot: Snapshot = {
		key: queryKey(state.query),
		offset: 0,
		rows,
		total: {total: rows.length, capped: false},
		stats: STATS,
		rates: new Map(),
		fetchedAt: NOW.getTime(),
		durationMs: 1,
	};
	return reducer(state, {type: 'snapshot', snapshot});
}

const run = (state: UiState, ...actions: UiAction[]) => actions.reduce(reducer, state);

const ROWS = [row('east', '1', 'alice'), row('west', '1', 'bob'), row('east', '2', 'carol'), row('west', '2', 'dave')];

describe('rows of two sites', () => {
	it('selects by site and radacctid: the two rows numbered 1 are two selections', () => {
		const state = run(loaded(ROWS), {type: 'toggle-select'}, {type: 'toggle-select'});
		expect([...state.selection]).toEqual(['east:1', 'west:1']);
		const request = disconnectSelectionOrCursor(state);
		expect(request).toMatchObject({type: 'disconnect-request', target: {kind: 'sessions', radacctids: ['east:1', 'west:1']}});
	});

	it('follows the cursor by site and radacctid when the rows move', () => {
		const state = run(loaded(ROWS), {type: 'move', by: 1});
		expect(state.cursorId).toBe('west:1');
		const moved = reducer(state, {
			type: 'snapshot',
			snapshot: {...state.snapshot!, rows: [row('east', '3', 'erin'), ...ROWS]},
		});
		expect(moved.cursor).toBe(2);
		expect(moved.cursorId).toBe('west:1');
		expect(disconnectSelectionOrCursor(moved)).toMatchObject({target: {kind: 'session', radacctid: 'west:1'}});
	});

	it('D on a row disconnects that user at its own site', () => {
		const state = run(loaded(ROWS), {type: 'move', by: 1});
		expect(disconnectUser(state)).toMatchObject({
			target: {kind: 'filter', filter: {status: 'active', search: 'user:=bob', site: 'west'}},
		});
	});

	it('the NAS picker names each site NAS, and X on one covers that site only', () => {
		const state = loaded(ROWS);
		expect(nasChoices(state).map((choice) => choice.label)).toEqual(['all NAS', 'east/bng', 'west/bng']);
		const picked = run(
			state,
			{type: 'nas-picker-open', purpose: 'disconnect'},
			{type: 'nas-picker-move', by: 1},
			{type: 'nas-picker-choose'},
		);
		expect(picked.disconnect).toMatchObject({
			target: {kind: 'filter', filter: {status: 'active', nasIps: ['10.9.9.9'], site: 'west'}},
		});
	});
});

describe(':profile NAME', () => {
	const typed = (state: UiState, line: string) =>
		run(state, {type: 'command-start'}, {type: 'command-input', text: line}, {type: 'command-run'});

	it('asks the console to open again on that profile', () => {
		const state = typed(loaded(ROWS), 'profile noc-west');
		expect(state.mode).toBe('table');
		expect(state.switchProfile).toBe('noc-west');
	});

	it('takes one profile name, and waits for no run: while one goes on it is refused and nothing changes', () => {
		expect(typed(loaded(ROWS), 'profile').commandNote).toEqual({text: 'profile: one profile name', kind: 'error'});
		expect(typed(loaded(ROWS), 'profile a b').switchProfile).toBeUndefined();
		const running = {...loaded(ROWS), disconnect: {phase: 'running'}} as unknown as UiState;
		const refused = typed(running, 'profile noc-west');
		expect(refused.switchProfile).toBeUndefined();
		expect(refused.commandNote?.text).toMatch(/a run is going on/);
	});
});
