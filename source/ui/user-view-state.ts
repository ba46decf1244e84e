/**
 * The reducer's part for the user view (`u`): opening it on a username, the lookup's answer, scrolling, a
 * fresh read, and Esc back to where it was opened from. And which username an empty table offers to look up.
 * Pure.
 */
import {parseSearch, SearchSyntaxError} from '../sessions/search.js';
import {queryKey, sessionAt, totalRows} from './state-view.js';
import type {UiAction, UiState, UserViewAction} from './state-types.js';

/** Opens the user view on `username`, coming back to the mode it was opened from. */
function open(state: UiState, username: string): UiState {
	const back = state.mode === 'detail' ? 'detail' : 'table';
	return {...state, mode: 'user', userView: {username, seq: (state.userView?.seq ?? 0) + 1, top: 0, back}};
}

const USER_VIEW_ACTIONS: ReadonlySet<string> = new Set(['user-open', 'user-loaded', 'user-scroll', 'user-refresh', 'user-close']);

/** True for the actions {@link userViewReducer} reduces. */
export function isUserViewAction(action: UiAction): action is UserViewAction {
	return USER_VIEW_ACTIONS.has(action.type);
}

export function userViewReducer(state: UiState, action: UserViewAction): UiState {
	const view = state.userView;
	switch (action.type) {
		case 'user-open':
			return open(state, action.username);
		case 'user-loaded': {
			if (!view || view.username !== action.username || view.seq !== action.seq) return state;
			const {report: _report, error: _error, ...rest} = view;
			return {
				...state,
				userView: {...rest, ...(action.report ? {report: action.report} : {}), ...(action.error ? {error: action.error} : {})},
			};
		}
		case 'user-scroll':
			if (!view) return state;
			return {...state, userView: {...view, top: Math.max(0, Math.min(action.limit, view.top + action.by))}};
		case 'user-refresh':
			return view ? {...state, userView: {...view, seq: view.seq + 1}} : state;
		case 'user-close': {
			if (!view) return state;
			const {userView: _view, ...rest} = state;
			return {...rest, mode: view.back === 'detail' && state.detail ? 'detail' : 'table'};
		}
	}
}

/**
 * The username an empty table offers to look up: the search is one username term (`:user alice`, `/alice`,
 * `user:alice`) and the view has no session at all. Undefined otherwise.
 */
export function userOffer(state: UiState): string | undefined {
	const snapshot = state.snapshot;
	if (!snapshot || snapshot.key !== queryKey(state.query) || totalRows(state) > 0 || state.query.search.trim() === '') return undefined;
	try {
		const {terms} = parseSearch(state.query.search);
		const [term] = terms;
		if (terms.length !== 1 || !term || term.negated || term.kind !== 'text' || term.field !== 'user') return undefined;
		return term.value.trim() === '' ? undefined : term.value;
	} catch (error) {
		if (error instanceof SearchSyntaxError) return undefined;
		throw error;
	}
}

/**
 * `u`: the user view of the row under the cursor (in the details, of the session shown); on an empty table,
 * of the username it offers. A message when there is no username to look up.
 */
export function userKey(state: UiState): UiAction {
	const username = state.mode === 'detail' ? state.detail?.session?.username : sessionAt(state, state.cursor)?.username;
	const name = username ?? (state.mode === 'table' ? userOffer(state) : undefined);
	if (name) return {type: 'user-open', username: name};
	return {type: 'message', text: username === null ? 'this session has no username' : 'no session under the cursor', kind: 'info'};
}
