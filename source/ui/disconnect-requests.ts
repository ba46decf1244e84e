/**
 * The disconnect keys' requests (`d`, `D`, `A`) as actions, from the console's state: which sessions, and the
 * words the preview's title gives them. Pure.
 */
import type {DisconnectTarget} from '../disconnect/plan.js';
import {formatCount} from '../sessions/format.js';
import {sessionKey} from '../sessions/session-key.js';
import {exactUserTerm} from './command-line.js';
import {searchInWords} from '../sessions/search.js';
import {sessionLabel} from './disconnect-state.js';
import {focusedSession, queryKey, selectionNotInView} from './state.js';
import type {UiAction, UiState} from './state-types.js';

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
		return {type: 'disconnect-request', target, label, fromSelection: true, notInView: selectionNotInView(state)};
	}
	const session = focusedSession(state);
	if (!session) return noSession(state);
	return {type: 'disconnect-request', target: {kind: 'session', radacctid: sessionKey(session)}, label: sessionLabel(session)};
}

/** `D`: every open session of the focused session's user. */
export function disconnectUser(state: UiState): UiAction {
	const session = focusedSession(state);
	if (!session) return noSession(state);
	if (!session.username) return {type: 'message', text: 'this session has no username: d disconnects it alone', kind: 'info'};
	// A row of one of several sites: the user at that site (another site's FreeRADIUS has its own users).
	if (session.site !== undefined) {
		return {
			type: 'disconnect-request',
			target: {kind: 'filter', filter: {status: 'active', search: exactUserTerm(session.username), site: session.site}},
			label: `every open session of ${session.username} at site ${session.site}`,
		};
	}
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
	const {search, nas, concurrent, site} = state.query;
	const nasName = nas ? (state.snapshot?.stats.perNas.find((entry) => entry.nasipaddress === nas)?.nasname ?? nas) : null;
	const parts = [search.trim() ? searchInWords(search) : '', nasName ? `NAS ${nasName}` : '', site ? `site ${site}` : ''].filter(Boolean);
	// In the concurrent view what matches is the sessions of users logged in more than once, and no more.
	const whose = concurrent ? ' of users with more than one' : '';
	const label =
		parts.length > 0
			? `every open session${whose} matching ${parts.join(' on ')}`
			: concurrent
				? 'every open session of users with more than one, on every NAS'
				: 'EVERY open session on EVERY NAS (no filter)';
	return {
		type: 'disconnect-request',
		target: {
			kind: 'filter',
			filter: {
				status: 'active',
				...(search.trim() ? {search} : {}),
				...(nas ? {nasIps: [nas]} : {}),
				...(concurrent ? {concurrent} : {}),
				// `:site`: only that site's sessions, as the view shows.
				...(site ? {site} : {}),
			},
		},
		label,
		fromSelection: state.allMatching,
	};
}
