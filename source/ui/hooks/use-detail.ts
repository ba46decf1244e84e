import {useEffect, type Dispatch} from 'react';
import {describeError} from '../../db/errors.js';
import type {SessionReader} from '../../sessions/session-source.js';
import type {ConsoleSubscribers} from '../../subscribers/console-subscribers.js';
import {exactUserTerm} from '../command-line.js';
import {SHARING_SHOWN, type UserOpenSessions} from '../sharing-lines.js';
import type {UiAction, UiState} from '../state-types.js';
import {sessionKey} from '../../sessions/session-key.js';

const HISTORY_ROWS = 30;
/** The stock schema has no index led by username: a time bound keeps the history scan short. */
const HISTORY_DAYS = 90;

/**
 * Loads the session, the subscriber behind it (plan, limits, billing) and the user's history when the detail
 * view opens (and again on refresh).
 */
export function useDetail(source: SessionReader, state: UiState, dispatch: Dispatch<UiAction>, subscribers?: ConsoleSubscribers): void {
	const id = state.detail?.id;
	useEffect(() => {
		if (!id) return;
		let cancelled = false;
		void (async () => {
			try {
				const session = await source.session(id);
				if (cancelled) return;
				if (!session) {
					dispatch({type: 'detail-loaded', id, error: `session ${id} is no longer in radacct`});
					return;
				}
				dispatch({type: 'detail-loaded', id, session});
				if (subscribers) {
					// Read beside the history: a slow billing query holds neither.
					void subscribers.detail(session, new Date()).then(
						(enrichment) => {
							if (cancelled) return;
							const subscriber = enrichment.subscribers.get(sessionKey(session));
							dispatch({
								type: 'detail-subscriber',
								id,
								subscriber: {subscriber, billingColumns: enrichment.billingColumns, status: enrichment.status},
							});
						},
						(error: unknown) => {
							if (!cancelled)
								dispatch({
									type: 'detail-subscriber',
									id,
									subscriber: {subscriber: undefined, billingColumns: [], status: `subscriber: ${describeError(error)}`},
								});
						},
					);
				}
				if (session.username)
					void readOpenSessions(source, session.username).then(
						(openSessions) => {
							if (!cancelled) dispatch({type: 'detail-open-sessions', id, openSessions});
						},
						() => undefined,
					);
				const history = session.username
					? await source.history(session.username, HISTORY_ROWS, new Date(Date.now() - HISTORY_DAYS * 86_400_000))
					: [];
				if (!cancelled) dispatch({type: 'detail-loaded', id, session, history});
			} catch (error) {
				if (!cancelled) dispatch({type: 'detail-loaded', id, error: `database: ${describeError(error)}`});
			}
		})();
		return () => {
			cancelled = true;
		};
	}, [id, source, subscribers, state.refreshSeq, dispatch]);
}

/** The user's open sessions, oldest first, the few the sharing hint names, and how many there are. */
async function readOpenSessions(source: SessionReader, username: string): Promise<UserOpenSessions> {
	const filter = {status: 'active', search: exactUserTerm(username)} as const;
	const page = await source.list(filter, {key: 'start', direction: 'asc'}, {limit: SHARING_SHOWN});
	const count = page.rows.length < SHARING_SHOWN ? page.rows.length : (await source.count(filter)).total;
	return {username, count, sessions: page.rows};
}
