/**
 * The reducer's part for the history view (`h`, `:history`): opening it on the NAS filter's NAS (else the
 * cursor's), stepping the NAS drawn under the network, a fresh read, the read's answer, and Esc back. Pure.
 */
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

/** The NAS the view can draw under the network: those of the latest counts, then those only the history knows. */
export function historyNasList(state: UiState): string[] {
	const ips = [
		...(state.snapshot?.stats.perNas.map((nas) => nas.nasipaddress) ?? []),
		...(state.onlineHistory?.history?.perNas.map((nas) => nas.nasipaddress) ?? []),
	];
	return [...new Set(ips)];
}

/** The history view opened from the table or the details: the NAS filter's NAS, else the focused session's. */
export function openHistory(state: UiState): UiState {
	const back = state.mode === 'detail' ? 'detail' : 'table';
	const nas = state.query.nas ?? focusedSession(state)?.nasipaddress ?? null;
	return {...state, mode: 'history', historyView: {nas, back}};
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
