/**
 * The console's pure reducer over the state and actions of state-types.ts, and what the keys and the views
 * read off the state. Every key press becomes one of these actions through the keymap; a disconnect's
 * actions go on to disconnect-reducer.ts.
 */
import {parseSearch, SearchSyntaxError} from '../sessions/search.js';
import {formatCount} from '../sessions/format.js';
import type {SessionStatus, SortKey} from '../sessions/session.js';
import {SORT_KEYS} from '../sessions/session.js';
import type {Snapshot} from '../sessions/snapshot.js';
import {commandReducer} from './command-state.js';
import {concurrentChecked, leaveConcurrent, toggleConcurrent} from './concurrent-view.js';
import type {TableColumnId} from '../sessions/session-columns.js';
import {columnPickerReducer} from './column-picker.js';
import {disconnectReducer} from './disconnect-reducer.js';
import {isUserViewAction, userViewReducer} from './user-view-state.js';
import {historyReducer, isHistoryAction} from './history-state.js';
import {isSweepAction, sweepGuard, sweepReducer} from './sweep-reducer.js';
import {detailScrollLimit} from './detail-lines.js';
import type {UiAction, UiState, ViewQuery} from './state-types.js';
import {currentField, withCaret} from './text-field.js';
import {checkRegionTerms, regionPicked} from './region-picked.js';
import {
	defaultDirection,
	exportedWhere,
	focusedSession,
	keyOf,
	mergeSubscribers,
	nasChoices,
	queryKey,
	sessionAt,
	totalRows,
} from './state-view.js';

export {
	defaultDirection,
	focusedSession,
	nasChoices,
	queryKey,
	selectionNotInView,
	selectionText,
	sessionAt,
	totalRows,
	viewFilter,
} from './state-view.js';

export const INTERVAL_STEPS = [1, 2, 3, 5, 10, 15, 30, 60, 120];

export function initialState(
	options: {
		intervalSeconds?: number;
		readOnly?: boolean;
		pageSize?: number;
		query?: Partial<ViewQuery>;
		columns?: readonly TableColumnId[] | undefined;
		/** The subscriber tables can be read: `s` steps through the `remaining` sort too. */
		sortsRemaining?: boolean;
	} = {},
): UiState {
	return {
		mode: 'table',
		query: {status: 'active', search: '', nas: null, sort: {key: 'start', direction: 'desc'}, ...options.query},
		searchDraft: options.query?.search ?? '',
		cursor: 0,
		cursorId: null,
		top: 0,
		pageSize: Math.max(1, options.pageSize ?? 10),
		selection: new Set(),
		allMatching: false,
		paused: false,
		intervalSeconds: options.intervalSeconds ?? 5,
		masked: false,
		readOnly: options.readOnly ?? false,
		snapshot: null,
		error: null,
		dbWait: null,
		pollStartedAt: null,
		message: null,
		detail: null,
		nasCursor: 0,
		nasPickerPurpose: 'filter',
		disconnect: null,
		disconnectSeq: 0,
		quitting: false,
		quitQuestion: false,
		countsSeq: 0,
		exporting: null,
		nextPollAt: null,
		refreshSeq: 0,
		...(options.columns === undefined ? {} : {columns: options.columns}),
		...(options.sortsRemaining ? {sortsRemaining: true} : {}),
	};
}

/** Moves the cursor to `cursor` (clamped) and scrolls so it stays visible. */
function withCursor(state: UiState, cursor: number): UiState {
	const last = Math.max(0, totalRows(state) - 1);
	const clamped = Math.min(Math.max(0, cursor), last);
	let top = state.top;
	if (clamped < top) top = clamped;
	if (clamped >= top + state.pageSize) top = clamped - state.pageSize + 1;
	top = Math.max(0, Math.min(top, Math.max(0, totalRows(state) - state.pageSize)));
	return {...state, cursor: clamped, top, cursorId: keyOf(sessionAt({...state, top}, clamped)) ?? null};
}

/**
 * A new filter or order: back to the top. Rows picked by hand stay selected (one may search for one user,
 * pick, search for another, pick), and a new filter says so: the footer counts those not in view and the
 * preview of `d` lists them first. "Everything matching" meant the old filter, so it ends.
 */
function withQuery(before: UiState, given: ViewQuery, message?: string): UiState {
	const {state, query, changed} = concurrentChecked(before, given);
	const newFilter = changed || (['status', 'search', 'nas'] as const).some((key) => query[key] !== state.query[key]);
	const kept = state.selection.size;
	const keptText =
		newFilter && kept > 0
			? `${formatCount(kept)} selected session${kept === 1 ? '' : 's'} kept from before: d sends ${kept === 1 ? 'it' : 'them'} too, Esc clears`
			: undefined;
	const text = keptText ?? message;
	return {
		...state,
		query,
		cursor: 0,
		top: 0,
		cursorId: null,
		allMatching: false,
		refreshSeq: state.refreshSeq + 1,
		message: text ? {text, kind: 'info'} : state.message,
	};
}

const STATUS_CYCLE: readonly SessionStatus[] = ['active', 'stale', 'closed', 'all'];

function withoutSearchError(state: UiState): UiState {
	if (state.searchError === undefined) return state;
	const {searchError: _dropped, ...rest} = state;
	return rest;
}

/** The draft becomes the search when it reads; otherwise the previous search stays and the draft's error shows. */
function applySearch(state: UiState): UiState {
	try {
		checkRegionTerms(parseSearch(state.searchDraft), state.regions);
	} catch (error) {
		if (error instanceof SearchSyntaxError) return {...state, searchError: error.message};
		throw error;
	}
	const cleared = withoutSearchError(state);
	return state.searchDraft === state.query.search ? cleared : withQuery(cleared, {...state.query, search: state.searchDraft});
}

/**
 * Reduces one action. The cursor of a text field belongs to the field being edited: a new mode or another
 * field of the preview (Tab) starts at the end of its text.
 */
export function reducer(state: UiState, action: UiAction): UiState {
	const next = reduce(state, action);
	const sameField =
		next.mode === state.mode && next.disconnect?.focus === state.disconnect?.focus && next.sweep?.focus === state.sweep?.focus;
	return sameField ? next : withCaret(next, undefined);
}

function reduce(state: UiState, action: UiAction): UiState {
	if (isUserViewAction(action)) return userViewReducer(state, action);
	if (isHistoryAction(action)) return historyReducer(state, action);
	if (isSweepAction(action)) return sweepReducer(state, action);
	const guarded = sweepGuard(state, action);
	if (guarded !== undefined) return guarded;
	switch (action.type) {
		case 'resize': {
			const resized = {...state, pageSize: Math.max(1, action.pageSize)};
			return withCursor(resized, state.cursor);
		}
		case 'move':
			return withCursor(state, state.cursor + action.by);
		case 'move-page':
			return withCursor(
				{...state, top: Math.max(0, state.top + action.pages * state.pageSize)},
				state.cursor + action.pages * state.pageSize,
			);
		case 'jump':
			return withCursor(state, action.to === 'top' ? 0 : totalRows(state) - 1);
		case 'search-start':
			return withCaret({...state, mode: 'search', searchDraft: state.query.search}, undefined);
		case 'search-input':
			return withCaret({...state, searchDraft: action.text}, action.caret);
		case 'caret':
			return currentField(state) === undefined ? state : {...state, caret: action.at};
		case 'disconnect-edit':
			return withCaret(disconnectReducer(state, action), action.caret);
		case 'search-apply':
			return applySearch(state);
		case 'search-commit': {
			const applied = applySearch(state);
			// A search that cannot be read stays on the search line, with the reason, until it is fixed or dropped.
			return applied.searchError === undefined ? {...applied, mode: 'table'} : applied;
		}
		case 'search-cancel': {
			const cleared = state.query.search === '' ? state : withQuery(state, {...state.query, search: ''});
			return {...withoutSearchError(cleared), mode: 'table', searchDraft: ''};
		}
		case 'command-start':
		case 'command-input':
		case 'command-complete':
		case 'command-run':
		case 'command-cancel':
			return commandReducer(state, action, withQuery, (opened) => reducer(opened, {type: 'columns-open'}));
		case 'nas-picker-open': {
			const purpose = action.purpose ?? 'filter';
			const opened = {...state, nasPickerPurpose: purpose};
			const choices = nasChoices(opened);
			if (choices.length === 0) return {...state, message: {text: 'no NAS with open sessions (yet)', kind: 'info'}};
			const preferred = purpose === 'disconnect' ? (focusedSession(state)?.nasipaddress ?? state.query.nas) : state.query.nas;
			const current = Math.max(
				0,
				choices.findIndex((choice) => choice.ip === preferred),
			);
			return {...opened, mode: 'nas-picker', nasCursor: current};
		}
		case 'nas-picker-move': {
			const count = nasChoices(state).length;
			return {...state, nasCursor: Math.min(Math.max(0, state.nasCursor + action.by), count - 1)};
		}
		case 'nas-picker-choose': {
			const choice = nasChoices(state)[state.nasCursor];
			if (!choice || choice.region) return regionPicked(state, choice?.region, reducer, withQuery);
			if (state.nasPickerPurpose === 'disconnect' && choice.ip !== null) {
				const back = {...state, mode: 'table' as const, nasPickerPurpose: 'filter' as const};
				return reducer(back, {
					type: 'disconnect-request',
					target: choice.target ?? {kind: 'nas', nasIps: [choice.ip]},
					label: `ALL open sessions on ${choice.label}`,
				});
			}
			return {...withQuery(state, {...state.query, nas: choice.ip}), mode: 'table'};
		}
		case 'cycle-status': {
			const next = STATUS_CYCLE[(STATUS_CYCLE.indexOf(state.query.status) + 1) % STATUS_CYCLE.length]!;
			return withQuery(state, {...state.query, status: next});
		}
		case 'toggle-concurrent':
			return toggleConcurrent(state, withQuery);
		case 'sort-next':
		case 'sort-previous': {
			// Time left is offered only where radtop reads the subscriber tables.
			const keys: readonly SortKey[] = state.sortsRemaining ? SORT_KEYS : SORT_KEYS.filter((key) => key !== 'remaining');
			const step = action.type === 'sort-next' ? 1 : keys.length - 1;
			const key = keys[(Math.max(0, keys.indexOf(state.query.sort.key)) + step) % keys.length]!;
			return withQuery(state, {...state.query, sort: {key, direction: defaultDirection(key)}});
		}
		case 'sort-reverse':
			return withQuery(state, {
				...state.query,
				sort: {...state.query.sort, direction: state.query.sort.direction === 'asc' ? 'desc' : 'asc'},
			});
		case 'toggle-select': {
			if (state.allMatching)
				return {...state, message: {text: 'everything matching is selected: Esc clears the selection', kind: 'info'}};
			const id = keyOf(sessionAt(state, state.cursor));
			if (!id) return state;
			const selection = new Set(state.selection);
			if (selection.has(id)) selection.delete(id);
			else selection.add(id);
			return withCursor({...state, selection}, state.cursor + 1);
		}
		case 'select-all':
			return {...state, allMatching: true, selection: new Set()};
		case 'escape':
			if (state.mode !== 'table') return {...state, mode: 'table', detail: null, nasPickerPurpose: 'filter'};
			if (state.allMatching || state.selection.size > 0)
				return {...state, allMatching: false, selection: new Set(), message: {text: 'selection cleared', kind: 'info'}};
			if (state.query.concurrent) return leaveConcurrent(state, withQuery);
			// Then, as in k9s, the kept search: the next / starts from nothing.
			if (state.query.search !== '') {
				const cleared = withQuery(state, {...state.query, search: ''});
				return {...cleared, searchDraft: '', message: {text: 'search cleared', kind: 'info'}};
			}
			return state;
		case 'open-detail': {
			const id = keyOf(sessionAt(state, state.cursor));
			return id ? {...state, mode: 'detail', detail: {id}} : state;
		}
		case 'detail-scroll': {
			if (!state.detail?.session) return state;
			const limit = detailScrollLimit(state.detail, state.pageSize + 1, state.snapshot?.reloads);
			const top = Math.max(0, Math.min(limit, (state.detail.historyTop ?? 0) + action.by));
			return {...state, detail: {...state.detail, historyTop: top}};
		}
		case 'detail-loaded':
			if (state.detail?.id !== action.id) return state;
			return {
				...state,
				detail: {
					id: action.id,
					session: action.session,
					history: action.history,
					error: action.error,
					...(state.detail.subscriber ? {subscriber: state.detail.subscriber} : {}),
					...(state.detail.openSessions ? {openSessions: state.detail.openSessions} : {}),
				},
			};
		case 'detail-open-sessions':
			return state.detail?.id === action.id ? {...state, detail: {...state.detail, openSessions: action.openSessions}} : state;
		case 'detail-subscriber':
			if (state.detail?.id !== action.id) return state;
			return {...state, detail: {...state.detail, subscriber: action.subscriber}};
		case 'toggle-help':
			return {...state, mode: state.mode === 'help' ? 'table' : 'help', helpTop: 0};
		case 'help-scroll':
			return {...state, helpTop: Math.max(0, Math.min(action.limit, (state.helpTop ?? 0) + action.by))};
		case 'toggle-pause':
			return {
				...state,
				paused: !state.paused,
				message: {text: state.paused ? 'polling resumed' : 'paused: r refreshes once, p resumes', kind: 'info'},
			};
		case 'interval': {
			// Step from the interval in force, which --interval may have set between steps or beyond the last.
			let next = state.intervalSeconds;
			for (let step = 0; step < Math.abs(action.delta); step++) {
				next = (action.delta > 0 ? INTERVAL_STEPS.find((s) => s > next) : INTERVAL_STEPS.findLast((s) => s < next)) ?? next;
			}
			return {...state, intervalSeconds: next, message: {text: `refresh every ${next} s`, kind: 'info'}};
		}
		case 'toggle-mask':
			return {
				...state,
				masked: !state.masked,
				message: {text: state.masked ? 'IPs and MACs shown' : 'IPs and MACs masked', kind: 'info'},
			};
		case 'refresh':
			return {...state, refreshSeq: state.refreshSeq + 1};
		case 'snapshot':
			return applySnapshot(state, action.snapshot);
		case 'subscribers':
			return {...state, subscribers: mergeSubscribers(state, action.subscribers)};
		case 'columns-open':
		case 'columns-move':
		case 'columns-toggle':
		case 'columns-reset':
		case 'columns-save':
		case 'columns-saved':
			return columnPickerReducer(state, action);
		case 'poll-error': {
			// A database that stops answering stopped when the poll that found it out began.
			const since = state.error?.since ?? state.pollStartedAt ?? action.at;
			return {
				...state,
				pollStartedAt: null,
				dbWait: null,
				error: {message: action.message, since, ...(action.kind ? {kind: action.kind} : {})},
			};
		}
		case 'poll-started':
			return {...state, pollStartedAt: action.at};
		case 'db-wait':
			if (action.text === null) return state.dbWait === null ? state : {...state, dbWait: null};
			return {...state, dbWait: {text: action.text, since: state.dbWait?.since ?? action.at}};
		case 'scheduled':
			return {...state, nextPollAt: action.at};
		case 'message':
			return {...state, message: {text: action.text, kind: action.kind}};
		case 'message-expired':
			// Only the message that timed out, and not one that speaks for work still going on.
			if (state.message !== action.message || state.quitting || state.exporting !== null) return state;
			return {...state, message: null};
		case 'export-start':
			if (state.exporting) return {...state, message: {text: 'an export is already being written', kind: 'info'}};
			return {...state, exporting: state.query, message: {text: 'writing every session of this view to a CSV file…', kind: 'info'}};
		case 'export-done':
			return {
				...state,
				exporting: null,
				message: {
					text: `${formatCount(action.rows)} session${action.rows === 1 ? '' : 's'} written to ${exportedWhere(action.path)}`,
					kind: 'info',
				},
			};
		case 'export-failed':
			return {...state, exporting: null, message: {text: `export failed, no file written: ${action.message}`, kind: 'error'}};
		default:
			return disconnectReducer(state, action);
	}
}

/**
 * A snapshot arrived. A cursor on the first row stays there, as `tail -f` follows the end: with the newest
 * first, the newest session is under it. Anywhere else the cursor keeps to its session while it is in view.
 */
function applySnapshot(state: UiState, snapshot: Snapshot): UiState {
	const recovered = state.error ? {text: 'database reachable again', kind: 'info' as const} : state.message;
	const next: UiState = {...state, snapshot, error: null, dbWait: null, pollStartedAt: null, message: recovered};
	if (snapshot.key !== queryKey(state.query)) return next;
	if (state.cursor === 0) return withCursor(next, 0);
	if (state.cursorId) {
		const index = snapshot.rows.findIndex((row) => keyOf(row) === state.cursorId);
		if (index !== -1) return withCursor(next, snapshot.offset + index);
	}
	return withCursor(next, state.cursor);
}
