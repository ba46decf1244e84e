/**
 * The console's state and its pure reducer. Components render it; hooks turn its changes into effects
 * (polls, detail fetches). Every key press becomes one of these actions through the keymap.
 */
import type {DisconnectPreview} from '../disconnect/disconnect-service.js';
import type {DisconnectTarget} from '../disconnect/plan.js';
import type {DisconnectProgress, DisconnectResult} from '../disconnect/result.js';
import {resultSummary} from '../disconnect/report.js';
import {formatCount} from '../sessions/format.js';
import type {Session, SessionFilter, SessionSort, SessionStatus, SortKey} from '../sessions/session.js';
import {SORT_KEYS} from '../sessions/radacct-sql.js';
import type {Snapshot} from '../sessions/snapshot.js';
import {confirmAction, newAction, retryTarget, sessionLabel, type ActionState, type PreviewDrift} from './disconnect-state.js';

/** `preview`, `progress` and `results` are the three views of a disconnect. */
export type Mode = 'table' | 'search' | 'detail' | 'help' | 'nas-picker' | 'preview' | 'progress' | 'results';

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
	/** What Enter in the NAS picker does: filter the table, or disconnect the NAS (`X`). */
	readonly nasPickerPurpose: 'filter' | 'disconnect';
	/** The disconnect being previewed, running, or last finished. */
	readonly action: ActionState | null;
	readonly actionSeq: number;
	/** Quit once the running disconnect has stopped. */
	readonly quitting: boolean;
	/** The view being written to a CSV file (`e`), until it is done. */
	readonly exporting: ViewQuery | null;
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
	| {type: 'nas-picker-open'; purpose?: 'filter' | 'disconnect'}
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
	| {type: 'message'; text: string; kind: 'info' | 'error'}
	| {type: 'disconnect-request'; target: DisconnectTarget; label: string; fromSelection?: boolean}
	| {type: 'disconnect-previewed'; seq: number; preview: DisconnectPreview}
	| {type: 'disconnect-drift'; seq: number; drift: PreviewDrift}
	| {type: 'disconnect-failed'; seq: number; message: string}
	| {type: 'disconnect-edit'; text: string}
	| {type: 'disconnect-focus'}
	| {type: 'disconnect-confirm'; key: 'enter' | 'y'}
	| {type: 'disconnect-progress'; seq: number; progress: DisconnectProgress}
	| {type: 'disconnect-finished'; seq: number; result: DisconnectResult}
	| {type: 'disconnect-stop'}
	| {type: 'disconnect-hide'}
	| {type: 'disconnect-show'}
	| {type: 'disconnect-close'}
	| {type: 'disconnect-retry'}
	| {type: 'results-scroll'; by: number}
	| {type: 'quit-requested'}
	| {type: 'export-start'}
	| {type: 'export-done'; rows: number; path: string}
	| {type: 'export-failed'; message: string};

export const INTERVAL_STEPS = [1, 2, 3, 5, 10, 15, 30, 60, 120];

export function initialState(
	options: {intervalSeconds?: number; readOnly?: boolean; pageSize?: number; query?: Partial<ViewQuery>} = {},
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
		message: null,
		detail: null,
		nasCursor: 0,
		nasPickerPurpose: 'filter',
		action: null,
		actionSeq: 0,
		quitting: false,
		exporting: null,
		nextPollAt: null,
		refreshSeq: 0,
	};
}

/** The sessions a view shows, as a filter for the session source (the poll and the export of `e`). */
export function viewFilter(query: ViewQuery): SessionFilter {
	return {status: query.status, search: query.search || undefined, nasIps: query.nas ? [query.nas] : undefined};
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

/**
 * The NAS picker's entries: each NAS with open sessions, largest first, after an "all NAS" entry when the
 * picker filters (a disconnect is never offered for every NAS at once).
 */
export function nasChoices(state: UiState): Array<{ip: string | null; label: string; sessions: number}> {
	const perNas = state.snapshot?.stats.perNas ?? [];
	const total = state.snapshot?.stats.openSessions ?? 0;
	const each = perNas.map((nas) => ({ip: nas.nasipaddress, label: nas.nasname ?? nas.nasipaddress, sessions: nas.sessions}));
	return state.nasPickerPurpose === 'disconnect' ? each : [{ip: null, label: 'all NAS', sessions: total}, ...each];
}

/** "radtop-sessions-20261125-114251.csv in /home/noc": the file's name first, as a narrow status line may cut the rest. */
function exportedWhere(path: string): string {
	const slash = path.lastIndexOf('/');
	return slash === -1 ? path : `${path.slice(slash + 1)} in ${path.slice(0, slash) || '/'}`;
}

/** The session a disconnect key acts on: the detail view's, else the cursor's. */
function focusedSession(state: UiState): Session | undefined {
	if (state.mode === 'detail') return state.detail?.session;
	return sessionAt(state, state.cursor);
}

/** Why a disconnect key found no session: the table may still be loading the new filter's rows. */
function noSession(state: UiState): UiAction {
	const loading = state.mode === 'table' && state.snapshot?.key !== queryKey(state.query);
	return {
		type: 'message',
		text: loading ? 'the table is still loading: try again in a moment' : 'no session under the cursor',
		kind: 'info',
	};
}

/** `d`: the selection when there is one, else the session under the cursor (or in the detail view). */
export function disconnectSelectionOrCursor(state: UiState): UiAction {
	if (state.mode === 'table' && state.allMatching) return disconnectMatching(state);
	if (state.mode === 'table' && state.selection.size > 0) {
		const ids = [...state.selection].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
		const label = `${formatCount(ids.length)} selected session${ids.length === 1 ? '' : 's'}`;
		const target: DisconnectTarget = ids.length === 1 ? {kind: 'session', radacctid: ids[0]!} : {kind: 'sessions', radacctids: ids};
		return {type: 'disconnect-request', target, label, fromSelection: true};
	}
	const session = focusedSession(state);
	if (!session) return noSession(state);
	return {type: 'disconnect-request', target: {kind: 'session', radacctid: session.radacctid}, label: sessionLabel(session)};
}

/** `D`: every open session of the focused session's user. */
export function disconnectUser(state: UiState): UiAction {
	const session = focusedSession(state);
	if (!session) return noSession(state);
	if (!session.username) return {type: 'message', text: 'this session has no username: d disconnects it alone', kind: 'info'};
	return {
		type: 'disconnect-request',
		target: {kind: 'user', username: session.username},
		label: `every open session of ${session.username}`,
	};
}

/** `A` (and `d` on "everything matching"): every open session matching the search and NAS filter. */
export function disconnectMatching(state: UiState): UiAction {
	if (state.query.status === 'closed') {
		return {type: 'message', text: 'A disconnects open sessions: show active sessions first (t)', kind: 'info'};
	}
	const {search, nas} = state.query;
	const nasName = nas ? (state.snapshot?.stats.perNas.find((entry) => entry.nasipaddress === nas)?.nasname ?? nas) : null;
	const parts = [search.trim() ? `search "${search.trim()}"` : '', nasName ? `NAS ${nasName}` : ''].filter(Boolean);
	const label = parts.length > 0 ? `every open session matching ${parts.join(' on ')}` : 'EVERY open session on EVERY NAS (no filter)';
	return {
		type: 'disconnect-request',
		target: {kind: 'filter', filter: {status: 'active', ...(search.trim() ? {search} : {}), ...(nas ? {nasIps: [nas]} : {})}},
		label,
		fromSelection: state.allMatching,
	};
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
			return withCursor(
				{...state, top: Math.max(0, state.top + action.pages * state.pageSize)},
				state.cursor + action.pages * state.pageSize,
			);
		case 'jump':
			return withCursor(state, action.to === 'top' ? 0 : totalRows(state) - 1);
		case 'search-start':
			return {...state, mode: 'search', searchDraft: state.query.search};
		case 'search-input':
			return {...state, searchDraft: action.text};
		case 'search-apply':
			return state.searchDraft === state.query.search ? state : withQuery(state, {...state.query, search: state.searchDraft});
		case 'search-commit': {
			const applied =
				state.searchDraft === state.query.search ? state : withQuery(state, {...state.query, search: state.searchDraft});
			return {...applied, mode: 'table'};
		}
		case 'search-cancel': {
			const cleared = state.query.search === '' ? state : withQuery(state, {...state.query, search: ''});
			return {...cleared, mode: 'table', searchDraft: ''};
		}
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
			if (!choice) return {...state, mode: 'table'};
			if (state.nasPickerPurpose === 'disconnect' && choice.ip !== null) {
				const back = {...state, mode: 'table' as const, nasPickerPurpose: 'filter' as const};
				return reducer(back, {
					type: 'disconnect-request',
					target: {kind: 'nas', nasIps: [choice.ip]},
					label: `ALL open sessions on ${choice.label}`,
				});
			}
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
			return withQuery(state, {
				...state.query,
				sort: {...state.query.sort, direction: state.query.sort.direction === 'asc' ? 'desc' : 'asc'},
			});
		case 'toggle-select': {
			if (state.allMatching)
				return {...state, message: {text: 'everything matching is selected: Esc clears the selection', kind: 'info'}};
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
			if (state.mode !== 'table') return {...state, mode: 'table', detail: null, nasPickerPurpose: 'filter'};
			if (state.allMatching || state.selection.size > 0)
				return {...state, allMatching: false, selection: new Set(), message: {text: 'selection cleared', kind: 'info'}};
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
		case 'poll-error':
			return {...state, error: {message: action.message, since: state.error?.since ?? action.at}};
		case 'scheduled':
			return {...state, nextPollAt: action.at};
		case 'message':
			return {...state, message: {text: action.text, kind: action.kind}};
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

type DisconnectAction = Extract<UiAction, {type: `disconnect-${string}` | 'results-scroll' | 'quit-requested'}>;

/** The disconnect's part of the reducer. */
function disconnectReducer(state: UiState, action: DisconnectAction): UiState {
	const current = state.action;
	const info = (text: string): UiState => ({...state, message: {text, kind: 'info'}});
	switch (action.type) {
		case 'disconnect-request': {
			if (state.readOnly) return {...state, message: {text: 'read-only: radtop disconnects nothing in this mode', kind: 'error'}};
			if (current?.phase === 'running') return info('a disconnect is running: v shows it, x there stops it');
			const seq = state.actionSeq + 1;
			return {
				...state,
				mode: 'preview',
				actionSeq: seq,
				action: newAction(seq, action.target, action.label, action.fromSelection ?? false),
			};
		}
		case 'disconnect-previewed':
			if (current?.seq !== action.seq || current.phase !== 'loading') return state;
			return {...state, action: {...current, phase: 'preview', preview: action.preview}};
		case 'disconnect-drift':
			if (current?.seq !== action.seq || current.phase !== 'preview') return state;
			return {...state, action: {...current, drift: action.drift}};
		case 'disconnect-failed': {
			if (current?.seq !== action.seq) return state;
			const wasRunning = current.phase === 'running';
			const text = wasRunning ? `disconnect not sent: ${action.message}` : `cannot preview the disconnect: ${action.message}`;
			const failed: UiState = {...state, action: {...current, phase: 'error', error: action.message}, message: {text, kind: 'error'}};
			return state.quitting ? failed : {...failed, mode: 'preview'};
		}
		case 'disconnect-edit':
			if (state.mode !== 'preview' || current?.phase !== 'preview') return state;
			return {
				...state,
				action:
					current.focus === 'reason' ? {...current, reason: action.text} : {...current, typed: action.text, refusal: undefined},
			};
		case 'disconnect-focus':
			if (state.mode !== 'preview' || current?.phase !== 'preview') return state;
			return {...state, action: {...current, focus: current.focus === 'reason' ? 'confirm' : 'reason', refusal: undefined}};
		case 'disconnect-confirm': {
			if (state.mode !== 'preview' || !current) return state;
			const next = confirmAction(current, action.key);
			if (next.phase !== 'running') return {...state, action: next};
			// What was selected is being sent: the selection has done its job.
			const cleared = current.fromSelection ? {selection: new Set<string>(), allMatching: false} : {};
			return {...state, ...cleared, mode: 'progress', action: next, message: {text: `sending: ${current.label}`, kind: 'info'}};
		}
		case 'disconnect-progress':
			if (current?.seq !== action.seq || current.phase !== 'running') return state;
			return {...state, action: {...current, progress: action.progress}};
		case 'disconnect-finished': {
			if (current?.seq !== action.seq) return state;
			const {result} = action;
			const problems = result.totals.failed + result.totals.not_on_nas + result.totals.not_sent;
			const summary = `${current.label}: ${resultSummary(result)}${state.mode === 'progress' ? '' : ' · v shows the results'}`;
			return {
				...state,
				mode: state.mode === 'progress' ? 'results' : state.mode,
				action: {...current, phase: 'done', result, stopping: false},
				message: {text: summary, kind: problems > 0 ? 'error' : 'info'},
				// The Accounting-Stops that arrived should leave the table now, not at the next tick.
				refreshSeq: state.refreshSeq + 1,
			};
		}
		case 'disconnect-stop':
			if (current?.phase !== 'running' || current.stopping) return state;
			return {
				...state,
				action: {...current, stopping: true},
				message: {text: 'stopping: requests in flight finish, the rest are not sent', kind: 'info'},
			};
		case 'disconnect-hide':
			return state.mode === 'progress' ? {...info('the disconnect goes on: v shows it again'), mode: 'table'} : state;
		case 'disconnect-show':
			if (current?.phase === 'running') return {...state, mode: 'progress'};
			if (current?.phase === 'done') return {...state, mode: 'results'};
			return info('no disconnect to show yet');
		case 'disconnect-close':
			if (state.mode === 'results') return {...state, mode: 'table'};
			if (state.mode === 'preview' && current && current.phase !== 'running') {
				return {...state, mode: 'table', action: null, message: {text: 'disconnect cancelled, nothing sent', kind: 'info'}};
			}
			return state;
		case 'disconnect-retry': {
			if (current?.phase !== 'done' || !current.result) return state;
			const retry = retryTarget(current.result);
			if (!retry) return info('nothing to retry: no session failed');
			return disconnectReducer(state, {type: 'disconnect-request', target: retry.target, label: retry.label});
		}
		case 'results-scroll':
			if (!current) return state;
			return {...state, action: {...current, scroll: Math.max(0, current.scroll + action.by)}};
		case 'quit-requested':
			if (current?.phase !== 'running') return state;
			return {
				...state,
				quitting: true,
				action: {...current, stopping: true},
				message: {
					text: `stopping the disconnect before quitting (${formatCount(current.progress?.done ?? 0)} done)…`,
					kind: 'info',
				},
			};
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
