/**
 * The concurrent logins view as the reducer and the command line make it: `C` and `:concurrent` enter it (open
 * sessions, by user), `C` and Esc leave it (the status and order given back), the status keys keep it only over
 * open sessions, and `A` in it disconnects what it shows and no more. Pure.
 */
import {describe, expect, it} from 'vitest';
import {completeCommand} from '../../source/ui/command-line.js';
import {disconnectMatching} from '../../source/ui/disconnect-requests.js';
import {activeKeymap, actionFor} from '../../source/ui/keymap.js';
import {initialState, queryKey, reducer, viewFilter} from '../../source/ui/state.js';
import type {UiAction, UiState} from '../../source/ui/state-types.js';

function run(state: UiState, ...actions: UiAction[]): UiState {
	return actions.reduce(reducer, state);
}

const C: UiAction = {type: 'toggle-concurrent'};

function command(state: UiState, line: string): UiState {
	return run(state, {type: 'command-start'}, {type: 'command-input', text: line}, {type: 'command-run'});
}

describe('the concurrent view', () => {
	it('C enters it: open sessions of users logged in more than once, by user, and the poll asks for just that', () => {
		const start = initialState();
		const state = run(start, C);
		expect(state.query).toMatchObject({status: 'active', concurrent: true, sort: {key: 'user', direction: 'asc'}});
		expect(viewFilter(state.query)).toEqual({status: 'active', search: undefined, nasIps: undefined, concurrent: true});
		expect(queryKey(state.query)).not.toBe(queryKey(start.query));
		expect(state.message?.text).toContain('concurrent logins');
		expect(state.refreshSeq).toBe(start.refreshSeq + 1);
	});

	it('keeps the search and the NAS filter', () => {
		const state = run(initialState({query: {search: 'alice', nas: '10.20.0.2'}}), C);
		expect(viewFilter(state.query)).toEqual({status: 'active', search: 'alice', nasIps: ['10.20.0.2'], concurrent: true});
	});

	it('C again gives back the status and the order it was entered from', () => {
		const start = initialState({query: {status: 'closed', sort: {key: 'down', direction: 'desc'}}});
		const inside = run(start, C);
		expect(inside.query.status).toBe('active');
		const back = run(inside, C);
		expect(back.query).toEqual(start.query);
		expect(queryKey(back.query)).toBe(queryKey(start.query));
		expect(back.concurrentBack).toBeUndefined();
	});

	it('Esc clears the selection first, then leaves the view, then clears the search', () => {
		const inside = run(initialState({query: {search: 'ali'}}), C);
		const selected = {...inside, selection: new Set(['7'])};
		const once = run(selected, {type: 'escape'});
		expect(once.selection.size).toBe(0);
		expect(once.query.concurrent).toBe(true);
		const twice = run(once, {type: 'escape'});
		expect(twice.query.concurrent).toBeUndefined();
		expect(twice.query).toMatchObject({search: 'ali', sort: {key: 'start', direction: 'desc'}});
		expect(run(twice, {type: 'escape'}).query.search).toBe('');
	});

	it('t steps to its stale sessions, then to closed ones, which leave it', () => {
		const inside = run(initialState(), C);
		const stale = run(inside, {type: 'cycle-status'});
		expect(stale.query).toMatchObject({status: 'stale', concurrent: true});
		const closed = run(stale, {type: 'cycle-status'});
		expect(closed.query.status).toBe('closed');
		expect(closed.query.concurrent).toBeUndefined();
		expect(closed.concurrentBack).toBeUndefined();
	});

	it('the key C is bound in the table, and in read-only mode too (it only shows)', () => {
		const state = initialState({readOnly: true});
		expect(actionFor(activeKeymap(true), state, 'C')).toEqual({type: 'toggle-concurrent'});
	});

	it('a new view says that hand-picked rows stay selected', () => {
		const state = run({...initialState(), selection: new Set(['1', '2'])}, C);
		expect(state.message?.text).toContain('2 selected sessions kept from before');
	});
});

describe(':concurrent', () => {
	it('enters the view as C does', () => {
		const state = command(initialState({query: {sort: {key: 'rate', direction: 'desc'}}}), 'concurrent');
		expect(state.mode).toBe('table');
		expect(state.query).toMatchObject({concurrent: true, sort: {key: 'user', direction: 'asc'}});
		expect(run(state, C).query.sort).toEqual({key: 'rate', direction: 'desc'});
	});

	it('in the view already, stays and says how to leave', () => {
		const inside = run(initialState(), C);
		const again = command(inside, 'concurrent');
		expect(again.query).toEqual(inside.query);
		expect(again.message?.text).toContain('C or Esc leaves');
	});

	it('takes nothing after it, and Tab completes it', () => {
		const state = command(initialState(), 'concurrent alice');
		expect(state.mode).toBe('command');
		expect(state.commandNote).toEqual({text: 'concurrent takes nothing after it', kind: 'error'});
		expect(completeCommand('con', {query: initialState().query, nas: []}).line).toBe('concurrent ');
	});
});

describe('A in the concurrent view', () => {
	it('disconnects the sessions the view shows: the filter carries the concurrent predicate, and the title says so', () => {
		const action = disconnectMatching(run(initialState({query: {nas: '10.20.0.2'}}), C));
		expect(action).toMatchObject({
			type: 'disconnect-request',
			target: {kind: 'filter', filter: {status: 'active', nasIps: ['10.20.0.2'], concurrent: true}},
			label: 'every open session of users with more than one matching NAS 10.20.0.2',
		});
		expect(disconnectMatching(run(initialState(), C))).toMatchObject({
			target: {kind: 'filter', filter: {status: 'active', concurrent: true}},
			label: 'every open session of users with more than one, on every NAS',
		});
	});
});
