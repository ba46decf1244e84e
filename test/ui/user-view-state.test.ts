/** The user view's state without a terminal: which username an empty table offers, `u`, Esc back, scrolling. */
import {describe, expect, it} from 'vitest';
import type {Snapshot} from '../../source/sessions/snapshot.js';
import {initialState, queryKey, reducer} from '../../source/ui/state.js';
import type {UiState} from '../../source/ui/state-types.js';
import {userKey, userOffer} from '../../source/ui/user-view-state.js';
import {userScrollLimit, userViewLines} from '../../source/ui/user-view-lines.js';

function emptyWith(search: string): UiState {
	const state = initialState({intervalSeconds: 5, readOnly: true, pageSize: 10});
	const query = {...state.query, search};
	const snapshot = {key: queryKey(query), rows: [], total: {total: 0, capped: false}} as unknown as Snapshot;
	return {...state, query, snapshot};
}

describe('the user an empty table offers', () => {
	it('is the one username term of the search', () => {
		expect(userOffer(emptyWith('user:=alice'))).toBe('alice');
		expect(userOffer(emptyWith('user:="o\'brien x"'))).toBe("o'brien x");
		expect(userOffer(emptyWith('bob'))).toBe('bob');
		expect(userOffer(emptyWith('user:carol'))).toBe('carol');
	});

	it('is nothing for an address, a MAC, a negation, two terms or no search', () => {
		for (const search of ['100.64.0.1', 'aa:bb:cc:dd:ee:ff', '-alice', 'alice bob', 'nas:bng-2', '']) {
			expect(userOffer(emptyWith(search)), search).toBeUndefined();
		}
	});

	it('u opens it; Esc goes back to the table', () => {
		const state = emptyWith('user:=alice');
		const action = userKey(state);
		expect(action).toEqual({type: 'user-open', username: 'alice'});
		const opened = reducer(state, action);
		expect(opened.mode).toBe('user');
		expect(userViewLines(opened.userView!, 10)[0]).toEqual({text: 'user alice', bold: true, right: 'Esc back'});
		expect(userScrollLimit(opened.userView!, 10)).toBe(0);
		const closed = reducer(opened, {type: 'user-close'});
		expect(closed.mode).toBe('table');
		expect(closed.userView).toBeUndefined();
	});

	it('a stale answer (an earlier read) is dropped', () => {
		const opened = reducer(reducer(emptyWith('user:=alice'), {type: 'user-open', username: 'alice'}), {type: 'user-refresh'});
		const seq = opened.userView!.seq;
		const stale = reducer(opened, {type: 'user-loaded', username: 'alice', seq: seq - 1, error: 'old'});
		expect(stale.userView!.error).toBeUndefined();
		const fresh = reducer(opened, {type: 'user-loaded', username: 'alice', seq, error: 'database: gone'});
		expect(userViewLines(fresh.userView!, 10)[1]).toEqual({text: 'database: gone', tone: 'error'});
	});
});
