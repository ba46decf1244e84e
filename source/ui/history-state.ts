/**
 * The reducer's part for the history view (`h`, `:history`): opening it on the NAS filter's NAS (else the
 * cursor's), stepping the NAS drawn under the network, a fresh read, the read's answer, and Esc back. Pure.
 */
import {nasCountKey} from '../sessions/session-key.js';
import {focusedSession} from './state-view.js';
import type {HistoryAction, UiAction, UiState} from './state-types.js';

/** The window the view and the NAS picker's sparklines draw. */
export const HISTORY_HOURS = 6;
/** One point a minute. */
export const HISTORY_STEP_SECONDS = 60;
/** While the view (or the NAS picker) is open the history is read again this often. */
export const HISTORY_REFRESH_MS = 60_000;

const HISTORY_ACTIONS: ReadonlySet<string> = new Set(['history-open', 'history-close', 'history-nas', 'history-refresh', 'history-loaded']);

/** True for the actions {@link historyReducer} reduces. */
export function isHistoryAction(action: UiAction): action is HistoryAction {
	return HISTORY_ACTIONS.has(action.type);
}

/**
 * The NAS the view can draw under the network, by key (the IP, or `site:IP` over several sites: every site's):
 * those of the latest counts, then those only the history knows.
 */
export function historyNasList(state: UiState): string[] {
	const keys = [
		...(state.snapshot?.stats.perNas.map(nasCountKey) ?? []),
		...(state.onlineHistory?.history?.perNas.map(nasCountKey) ?? []),
	];
	return [...new Set(keys)];
}

/**
 * The key of the NAS filter's NAS: over several sites, at the `:site` narrowed to, else at the first site that has
 * it (the filter is an IP; it matches that IP at every site).
 */
function filterNasKey(state: UiState, ip: string): string {
	if (state.query.site !== undefined) return nasCountKey({nasipaddress: ip, site: state.query.site});
	const known = [...(state.snapshot?.stats.perNas ?? []), ...(state.onlineHistory?.history?.perNas ?? [])];
	const found = known.find((nas) => nas.nasipaddress === ip);
	return found ? nasCountKey(found) : ip;
}

/** The history view opened from the table or the details: the NAS filter's NAS, else the focused session's. */
export function openHistory(state: UiState): UiState {
	const back = state.mode === 'detail' ? 'detail' : 'table';
	const focused = focusedSession(state);
	const nas = state.query.nas ? filterNasKey(state, state.query.nas) : focused ? nasCountKey(focused) : null;
	return {...state, mode: 'history', historyView: {nas, back}};
}

/**
 * The state after the `:` command line, given the one it started from: a line opened in the history view goes
 * back to it (`:site north` narrows its network chart; `:nas NAME` puts that NAS under it), unless the command
 * opened another view. A line opened anywhere else keeps no history view.
 */
export function historyAfterCommand(before: UiState, after: UiState): UiState {
	const view = before.historyView;
	if (!view || after.mode === 'command' || after.mode === 'history') return after;
	if (after.mode !== 'table') {
		const {historyView: _view, ...rest} = after;
		return rest;
	}
	const nas = after.query.nas && after.query.nas !== before.query.nas ? filterNasKey(after, after.query.nas) : view.nas;
	return {...after, mode: 'history', historyView: {...view, nas}};
}

export function historyReducer(state: UiState, action: HistoryAction): UiState {
	const view = state.historyView;
	switch (action.type) {
		case 'history-open':
			return openHistory(state);
		case 'history-close': {
			if (!view) return state;
			const {historyView: _view, ...rest} = state;
			return {...rest, mode: view.back === 'detail' && state.detail ? 'detail' : 'table'};
		}
		case 'history-nas': {
			if (!view) return state;
			const list = historyNasList(state);
			if (list.length === 0) return state;
			const at = view.nas === null ? -1 : list.indexOf(view.nas);
			const next =
				at < 0 ? (action.by > 0 ? 0 : list.length - 1) : (at + action.by + list.length * Math.abs(action.by)) % list.length;
			return {...state, historyView: {...view, nas: list[next]!}};
		}
		case 'history-refresh':
			return {...state, onlineHistory: {...state.onlineHistory, seq: (state.onlineHistory?.seq ?? 0) + 1}};
		case 'history-loaded': {
			const read = state.onlineHistory;
			if (read && read.seq !== action.seq) return state;
			return {
				...state,
				onlineHistory: {
					seq: action.seq,
					readAt: action.at,
					// A failed read keeps the last history: the view says it is older, and why.
					...(action.history ? {history: action.history} : read?.history ? {history: read.history} : {}),
					...(action.error ? {error: action.error} : {}),
				},
			};
		}
	}
}
