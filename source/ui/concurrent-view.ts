/**
 * The concurrent logins view (`C`, `:concurrent`): only the open sessions of users with more than one open
 * session, sorted by user so a user's sessions sit together, over the search and NAS filter in force. Leaving it
 * (`C` again, Esc) gives back the status and the order it was entered from. Pure: state.ts and command-state.ts
 * reduce with it, passing their `withQuery`.
 */
import type {UiState, ViewQuery} from './state-types.js';

/** state.ts's: a new view from the top, saying what changed. */
export type WithQuery = (state: UiState, query: ViewQuery, message?: string) => UiState;

/** What the filter bar says in its place of the status. */
export const CONCURRENT_LABEL = 'concurrent logins';

export const CONCURRENT_EMPTY = 'no user has more than one open session here';

/** The view's own rule: it shows open sessions, active or stale; a view of closed ones drops it. */
export function concurrentAllowed(query: ViewQuery): boolean {
	return query.status === 'active' || query.status === 'stale';
}

/** The query without the concurrent view (the flag gone, not false, so its key is that of any other view). */
export function withoutConcurrent(query: ViewQuery): ViewQuery {
	const {concurrent: _dropped, ...rest} = query;
	return rest;
}

/**
 * For state.ts's withQuery: a view of closed sessions drops the concurrent view, and the status and order to go
 * back to are kept only while it is open. `changed`: the view went in or out of it (a new filter).
 */
export function concurrentChecked(before: UiState, given: ViewQuery): {state: UiState; query: ViewQuery; changed: boolean} {
	const query = given.concurrent && !concurrentAllowed(given) ? withoutConcurrent(given) : given;
	const {concurrentBack, ...rest} = before;
	const state: UiState = query.concurrent && concurrentBack ? {...rest, concurrentBack} : rest;
	return {state, query, changed: Boolean(query.concurrent) !== Boolean(before.query.concurrent)};
}

export function enterConcurrent(state: UiState, withQuery: WithQuery): UiState {
	if (state.query.concurrent) {
		return {...state, message: {text: 'concurrent logins are shown already: C or Esc leaves', kind: 'info'}};
	}
	const back = {status: state.query.status, sort: state.query.sort};
	const status = concurrentAllowed(state.query) ? state.query.status : 'active';
	return withQuery(
		{...state, concurrentBack: back},
		{...state.query, status, concurrent: true, sort: {key: 'user', direction: 'asc'}},
		'concurrent logins: users with more than one open session, by user · C or Esc leaves',
	);
}

export function leaveConcurrent(state: UiState, withQuery: WithQuery): UiState {
	const {concurrentBack: back, ...rest} = state;
	const query = withoutConcurrent(state.query);
	return withQuery(rest, back ? {...query, status: back.status, sort: back.sort} : query, 'every user again');
}

export function toggleConcurrent(state: UiState, withQuery: WithQuery): UiState {
	return state.query.concurrent ? leaveConcurrent(state, withQuery) : enterConcurrent(state, withQuery);
}
