/**
 * The console's state and its pure reducer. Components render it; hooks turn its changes into effects
 * (polls, detail fetches). Every key press becomes one of these actions through the keymap.
 */
import type {Session, SessionSort, SessionStatus, SortKey} from '../sessions/session.js';
import {SORT_KEYS} from '../sessions/radacct-sql.js';
import type {Snapshot} from '../sessions/snapshot.js';

export type Mode = 'table' | 'search' | 'detail' | 'help' | 'nas-picker';

/** What the table shows: the filter and the order. */
export interface ViewQuery {
	readonly status: SessionStatus;
	readonly search: string;
	/** NAS IP, or null for every NAS. */
	readonly nas: string | null;
	readonly sort: SessionSort;
}

export interface DetailState {
	readonly id: string;
	readonly session?: Session;
	readonly history?: readonly Session[];
	readonly error?: string;
}

export interface UiState {
	readonly mode: Mode;
	readonly query: ViewQuery;
	/** The search text while it is typed (applied to the query debounced). */
	readonly searchDraft: string;
	/** Absolute index of the cursor row in the sorted result. */
	readonly cursor: number;
	/** The session under the cursor, followed across refreshes. */
	readonly cursorId: string | null;
	/** Index of the first visible row. */
	readonly top: number;
	/** How many table rows fit. */
	readonly pageSize: number;
	readonly selection: ReadonlySet<string>;
	/** Everything matching the query is selected (`a`). */
	readonly allMatching: boolean;
	readonly paused: boolean;
	readonly intervalSeconds: number;
	readonly masked: boolean;
	readonly readOnly: boolean;
	readonly snapshot: Snapshot | null;
	readonly error: {readonly message: string; readonly since: number} | null;
	readonly message: {readonly text: string; readonly kind: 'info' | 'error'} | null;
	readonly detail: DetailState | null;
	readonly nasCursor: number;
	/** When the next poll is due (epoch ms), null while paused. */
	readonly nextPollAt: number | null;
	/** Bumped to ask for a poll now. */
	readonly refreshSeq: number;
}

export type UiAction =
	| {type: 'resize'; pageSize: number}
	| {type: 'move'; by: number}
	| {type: 'move-page'; pages: number}
	| {type: 'jump'; to: 'top' | 'bottom'}
	| {type: 'search-start'}
	| {type: 'search-input'; text: string}
	| {type: 'search-apply'}
	| {type: 'search-commit'}
	| {type: 'search-cancel'}
	| {type: 'nas-picker-open'}
	| {type: 'nas-picker-move'; by: number}
	| {type: 'nas-picker-choose'}
	| {type: 'cycle-status'}
	| {type: 'sort-next'}
	| {type: 'sort-previous'}
	| {type: 'sort-reverse'}
	| {type: 'toggle-select'}
	| {type: 'select-all'}
	| {type: 'escape'}
	| {type: 'open-detail'}
	| {type: 'detail-loaded'; id: string; session?: Session; history?: readonly Session[]; error?: string}
	| {type: 'toggle-help'}
	| {type: 'toggle-pause'}
	| {type: 'interval'; delta: number}
	| {type: 'toggle-mask'}
	| {type: 'refresh'}
	| {type: 'snapshot'; snapshot: Snapshot}
	| {type: 'poll-error'; message: string; at: number}
	| {type: 'scheduled'; at: number | null}
	| {type: 'message'; text: string; kind: 'info' | 'error'};

export const INTERVAL_STEPS = [1, 2, 3, 5, 10, 15, 30, 60, 120];

export function initialState(options: {intervalSeconds?: number; readOnly?: boolean; pageSize?: number; query?: Partial<ViewQuery>} = {}): UiState {
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
		message: null,
		detail: null,
		nasCursor: 0,
		nextPollAt: null,
		refreshSeq: 0,
	};
}

/** A stable key for a query: snapshots for another key are not current. */
export function queryKey(query: ViewQuery): string {
	return JSON.stringify([query.status, query.search, query.nas, query.sort.key, query.sort.direction]);
}

/** Rows matching the query, as far as the latest snapshot for it knows (0 before the first). */
export function totalRows(state: UiState): number {
	return state.snapshot && state.snapshot.key === queryKey(state.query) ? state.snapshot.total.total : 0;
}

/** The session at an absolute row index, if the current snapshot holds it. */
export function sessionAt(state: UiState, index: number): Session | undefined {
	const snapshot = state.snapshot;
	if (!snapshot || snapshot.key !== queryKey(state.query)) return undefined;
	return snapshot.rows[index - snapshot.offset];
}

/** Moves the cursor to `cursor` (clamped) and scrolls so it stays visible. */
function withCursor(state: UiState, cursor: number): UiState {
	const last = Math.max(0, totalRows(state) - 1);
	const clamped = Math.min(Math.max(0, cursor), last);
	let top = state.top;
	if (clamped < top) top = clamped;
	if (clamped >= top + state.pageSize) top = clamped - state.pageSize + 1;
	top = Math.max(0, Math.min(top, Math.max(0, totalRows(state) - state.pageSize)));
	return {...state, cursor: clamped, top, cursorId: sessionAt({...state, top}, clamped)?.radacctid ?? null};
}

/**
 * A new filter or order: back to the top. Rows picked by hand stay selected (one may search for one user,
 * pick, search for another, pick); the filter bar keeps the count in view and the preview lists them all.
 * "Everything matching" meant the old filter, so it ends.
 */
function withQuery(state: UiState, query: ViewQuery, message?: string): UiState {
	return {
		...state,
		query,
		cursor: 0,
		top: 0,
		cursorId: null,
		allMatching: false,
		refreshSeq: state.refreshSeq + 1,
		message: message ? {text: message, kind: 'info'} : state.message,
	};
}

const STATUS_CYCLE: readonly SessionStatus[] = ['active', 'closed', 'all'];

/** Natural first direction of a sort key: biggest/newest first for numbers and times, A-Z for text. */
export function defaultDirection(key: SortKey): 'asc' | 'desc' {
	return key === 'user' || key === 'nas' || key === 'ip' ? 'asc' : 'desc';
}

/** The NAS picker's entries: every NAS first, then each NAS with open sessions, largest first. */
export function nasChoices(state: UiState): Array<{ip: string | null; label: string; sessions: number}> {
	const perNas = state.snapshot?.stats.perNas ?? [];
	const total = state.snapshot?.stats.openSessions ?? 0;
	return [
		{ip: null, label: 'all NAS', sessions: total},
		...perNas.map((nas) => ({ip: nas.nasipaddress, label: nas.nasname ?? nas.nasipaddress, sessions: nas.sessions})),
	];
}

export function reducer(state: UiState, action: UiAction): UiState {
	switch (action.type) {
		case 'resize': {
			const resized = {...state, pageSize: Math.max(1, action.pageSize)};
			return withCursor(resized, state.cursor);
		}
		case 'move':
			return withCursor(state, state.cursor + action.by);
		case 'move-page':
			return withCursor({...state, top: Math.max(0, state.top + action.pages * state.pageSize)}, state.cursor + action.pages * state.pageSize);
		case 'jump':
			return withCursor(state, action.to === 'top' ? 0 : totalRows(state) - 1);
		case 'search-start':
			return {...state, mode: 'search', searchDraft: state.query.search};
		case 'search-input':
			return {...state, searchDraft: action.text};
		case 'search-apply':
			return state.searchDraft === state.query.search ? state : withQuery(state, {...state.query, search: state.searchDraft});
		case 'search-commit': {
			const applied = state.searchDraft === state.query.search ? state : withQuery(state, {...state.query, search: state.searchDraft});
			return {...applied, mode: 'table'};
		}
		case 'search-cancel': {
			const cleared = state.query.search === '' ? state : withQuery(state, {...state.query, search: ''});
			return {...cleared, mode: 'table', searchDraft: ''};
		}
		case 'nas-picker-open': {
			const choices = nasChoices(state);
			const current = Math.max(0, choices.findIndex((choice) => choice.ip === state.query.nas));
			return {...state, mode: 'nas-picker', nasCursor: current};
		}
		case 'nas-picker-move': {
			const count = nasChoices(state).length;
			return {...state, nasCursor: Math.min(Math.max(0, state.nasCursor + action.by), count - 1)};
		}
		case 'nas-picker-choose': {
			const choice = nasChoices(state)[state.nasCursor];
			if (!choice) return {...state, mode: 'table'};
			return {...withQuery(state, {...state.query, nas: choice.ip}), mode: 'table'};
		}
		case 'cycle-status': {
			const next = STATUS_CYCLE[(STATUS_CYCLE.indexOf(state.query.status) + 1) % STATUS_CYCLE.length]!;
			return withQuery(state, {...state.query, status: next});
		}
		case 'sort-next':
		case 'sort-previous': {
			const step = action.type === 'sort-next' ? 1 : SORT_KEYS.length - 1;
			const key = SORT_KEYS[(SORT_KEYS.indexOf(state.query.sort.key) + step) % SORT_KEYS.length]!;
			return withQuery(state, {...state.query, sort: {key, direction: defaultDirection(key)}});
		}
		case 'sort-reverse':
			return withQuery(state, {...state.query, sort: {...state.query.sort, direction: state.query.sort.direction === 'asc' ? 'desc' : 'asc'}});
		case 'toggle-select': {
			if (state.allMatching) return {...state, message: {text: 'everything matching is selected: Esc clears the selection', kind: 'info'}};
			const id = sessionAt(state, state.cursor)?.radacctid;
			if (!id) return state;
			const selection = new Set(state.selection);
			if (selection.has(id)) selection.delete(id);
			else selection.add(id);
			return withCursor({...state, selection}, state.cursor + 1);
		}
		case 'select-all':
			return {...state, allMatching: true, selection: new Set()};
		case 'escape':
			if (state.mode !== 'table') return {...state, mode: 'table', detail: null};
			if (state.allMatching || state.selection.size > 0) return {...state, allMatching: false, selection: new Set(), message: {text: 'selection cleared', kind: 'info'}};
			return state;
		case 'open-detail': {
			const id = sessionAt(state, state.cursor)?.radacctid;
			return id ? {...state, mode: 'detail', detail: {id}} : state;
		}
		case 'detail-loaded':
			if (state.detail?.id !== action.id) return state;
			return {...state, detail: {id: action.id, session: action.session, history: action.history, error: action.error}};
		case 'toggle-help':
			return {...state, mode: state.mode === 'help' ? 'table' : 'help'};
		case 'toggle-pause':
			return {...state, paused: !state.paused, message: {text: state.paused ? 'polling resumed' : 'paused: r refreshes once, p resumes', kind: 'info'}};
		case 'interval': {
			// Step from the interval in force, which --interval may have set between steps or beyond the last.
			let next = state.intervalSeconds;
			for (let step = 0; step < Math.abs(action.delta); step++) {
				next = (action.delta > 0 ? INTERVAL_STEPS.find((s) => s > next) : INTERVAL_STEPS.findLast((s) => s < next)) ?? next;
			}
			return {...state, intervalSeconds: next, message: {text: `refresh every ${next} s`, kind: 'info'}};
		}
		case 'toggle-mask':
			return {...state, masked: !state.masked, message: {text: state.masked ? 'IPs and MACs shown' : 'IPs and MACs masked', kind: 'info'}};
		case 'refresh':
			return {...state, refreshSeq: state.refreshSeq + 1};
		case 'snapshot':
			return applySnapshot(state, action.snapshot);
		case 'poll-error':
			return {...state, error: {message: action.message, since: state.error?.since ?? action.at}};
		case 'scheduled':
			return {...state, nextPollAt: action.at};
		case 'message':
			return {...state, message: {text: action.text, kind: action.kind}};
	}
}

/** A snapshot arrived: keep the cursor on the same session when it is still in view. */
function applySnapshot(state: UiState, snapshot: Snapshot): UiState {
	const recovered = state.error ? {text: 'database reachable again', kind: 'info' as const} : state.message;
	const next: UiState = {...state, snapshot, error: null, message: recovered};
	if (snapshot.key !== queryKey(state.query)) return next;
	if (state.cursorId) {
		const index = snapshot.rows.findIndex((row) => row.radacctid === state.cursorId);
		if (index !== -1) return withCursor(next, snapshot.offset + index);
	}
	return withCursor(next, state.cursor);
}
