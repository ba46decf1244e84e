/**
 * What the keys and the views read off the console's state: the filter of the view, the session at a row, the
 * selection out of view, the NAS picker's entries. Pure.
 */
import {formatCount} from '../sessions/format.js';
import type {Session, SessionFilter, SortKey} from '../sessions/session.js';
import {nasCountKey, sessionKey} from '../sessions/session-key.js';
import type {DisconnectTarget} from '../disconnect/plan.js';
import type {SessionSubscriber} from '../subscribers/subscriber-view.js';
import type {TableSubscribers, UiState, ViewQuery} from './state-types.js';
import type {NasChoice} from './nas-picker-lines.js';
import {regionChoice, regionCounts} from './region-choices.js';

/** The sessions a view shows, as a filter for the session source (the poll and the export of `e`). */
export function viewFilter(query: ViewQuery): SessionFilter {
	return {
		status: query.status,
		search: query.search || undefined,
		nasIps: query.nas ? [query.nas] : undefined,
		...(query.concurrent ? {concurrent: true} : {}),
		...(query.site ? {site: query.site} : {}),
	};
}

/** A stable key for a query: snapshots for another key are not current. */
export function queryKey(query: ViewQuery): string {
	return JSON.stringify([
		query.status,
		query.search,
		query.nas,
		query.sort.key,
		query.sort.direction,
		...(query.concurrent ? ['concurrent'] : []),
		...(query.site ? [`site:${query.site}`] : []),
	]);
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

/** The key a row is selected, followed and annotated by (sessions/session-key.ts); undefined for no row. */
export function keyOf(session: Session | undefined): string | undefined {
	return session === undefined ? undefined : sessionKey(session);
}

/** The selected sessions the screen does not show: on another page, closed since, or outside the filter. */
export function selectionNotInView(state: UiState): string[] {
	if (state.selection.size === 0) return [];
	const shown = new Set<string>();
	for (let index = state.top; index < state.top + state.pageSize; index++) {
		const id = keyOf(sessionAt(state, index));
		if (id !== undefined) shown.add(id);
	}
	return [...state.selection].filter((id) => !shown.has(id));
}

/** The footer's selection: "2 selected (2 not in view)", "everything matching selected", or nothing. */
export function selectionText(state: UiState): string | undefined {
	if (state.allMatching) return 'everything matching selected';
	if (state.selection.size === 0) return undefined;
	const hidden = selectionNotInView(state).length;
	return `${formatCount(state.selection.size)} selected${hidden > 0 ? ` (${formatCount(hidden)} not in view)` : ''}`;
}

/** Natural first direction of a sort key: biggest/newest first for numbers and times, A-Z for text. */
export function defaultDirection(key: SortKey): 'asc' | 'desc' {
	// The least time left first: who is about to be cut off, or already past the end.
	return key === 'user' || key === 'nas' || key === 'ip' || key === 'remaining' ? 'asc' : 'desc';
}

/**
 * The NAS picker's entries: each NAS with open sessions, largest first (with its last reload when nasreload
 * knows one), then the profile's regions with their open counts, after an "all NAS" entry when the picker filters (a disconnect is never offered for every NAS
 * at once).
 */
export function nasChoices(state: UiState): Array<NasChoice & {target?: DisconnectTarget}> {
	const perNas = state.snapshot?.stats.perNas ?? [];
	// Each NAS, then the regions (`X`: those with sessions open).
	const regions = regionCounts(state.regions, perNas)
		.filter((region) => state.nasPickerPurpose === 'filter' || region.sessions > 0)
		.map(regionChoice);
	const total = state.snapshot?.stats.openSessions ?? 0;
	const reloads = state.snapshot?.reloads;
	const each = perNas.map((nas) => {
		const reloadedAt = reloads?.get(nasCountKey(nas));
		// A NAS of one of several sites: `site/name`, and `X` disconnects it at that site only (the IP may be a NAS at each).
		const label = `${nas.site === undefined ? '' : `${nas.site}/`}${nas.nasname ?? nas.nasipaddress}`;
		const target: DisconnectTarget | undefined =
			nas.site === undefined ? undefined : {kind: 'filter', filter: {status: 'active', nasIps: [nas.nasipaddress], site: nas.site}};
		const site = nas.site === undefined ? {} : {site: nas.site};
		return {
			ip: nas.nasipaddress,
			label,
			sessions: nas.sessions,
			...(reloadedAt ? {reloadedAt} : {}),
			...(target ? {target} : {}),
			...site,
		};
	});
	return state.nasPickerPurpose === 'disconnect'
		? [...each, ...regions]
		: [{ip: null, label: 'all NAS', sessions: total}, ...each, ...regions];
}

/** The session a disconnect key acts on: the detail view's, else the cursor's. */
export function focusedSession(state: UiState): Session | undefined {
	if (state.mode === 'detail') return state.detail?.session;
	return sessionAt(state, state.cursor);
}

/**
 * The rows on screen keep what was known of their subscribers until a later enrichment says otherwise; rows
 * no longer on screen are dropped, so the map stays the size of the window.
 */
export function mergeSubscribers(state: UiState, next: TableSubscribers): TableSubscribers {
	const onScreen = new Set(state.snapshot?.rows.map(sessionKey) ?? []);
	const byId = new Map<string, SessionSubscriber>();
	for (const [id, subscriber] of state.subscribers?.byId ?? []) if (onScreen.has(id)) byId.set(id, subscriber);
	for (const [id, subscriber] of next.byId) if (onScreen.has(id)) byId.set(id, subscriber);
	return {
		byId,
		billingColumns: next.billingColumns.length > 0 ? next.billingColumns : (state.subscribers?.billingColumns ?? []),
		status: next.status,
	};
}

/** "radtop-sessions-20261125-114251.csv in /home/noc": the file's name first, as a narrow status line may cut the rest. */
export function exportedWhere(path: string): string {
	const slash = path.lastIndexOf('/');
	return slash === -1 ? path : `${path.slice(slash + 1)} in ${path.slice(0, slash) || '/'}`;
}
