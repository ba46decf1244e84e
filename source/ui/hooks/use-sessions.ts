import {useEffect, useRef, type Dispatch} from 'react';
import type {Poller} from '../../sessions/poller.js';
import type {SessionReader} from '../../sessions/session-source.js';
import type {ConsoleSubscribers} from '../../subscribers/console-subscribers.js';
import type {Snapshot, SnapshotRequest} from '../../sessions/snapshot.js';
import {requestFor, startSessionPolling} from '../session-polling.js';
import type {UiAction, UiState} from '../state-types.js';

/**
 * Polls the session source for exactly the visible window of the current query: at the interval, at once
 * when the query, the window or a refresh request changes, never two at a time, with backoff on errors.
 */
export function useSessions(source: SessionReader, state: UiState, dispatch: Dispatch<UiAction>, subscribers?: ConsoleSubscribers): void {
	const poller = useRef<Poller<SnapshotRequest, Snapshot> | null>(null);
	const expireSlowCounts = useRef<(() => void) | null>(null);
	const countsSeen = useRef(state.countsSeq);
	const {query, top, pageSize, refreshSeq, countsSeq, intervalSeconds, paused} = state;

	useEffect(() => {
		const polling = startSessionPolling(
			source,
			requestFor(query, top, pageSize),
			dispatch,
			{intervalMs: intervalSeconds * 1000},
			subscribers,
		);
		poller.current = polling.poller;
		expireSlowCounts.current = polling.expireSlowCounts;
		return () => polling.stop();
		// The poller lives as long as the source: a new window or interval reaches it through the effects below.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [source, dispatch, subscribers]);

	// A new query always comes with a new refreshSeq (withQuery), so this runs once per window or refresh asked for.
	// A disconnect run that ended moved unique users and stale counts: this poll reads them again.
	useEffect(() => {
		if (countsSeq !== countsSeen.current) {
			countsSeen.current = countsSeq;
			expireSlowCounts.current?.();
		}
		poller.current?.setRequest(requestFor(query, top, pageSize), true);
	}, [query, top, pageSize, refreshSeq, countsSeq]);

	useEffect(() => {
		poller.current?.setInterval(intervalSeconds * 1000);
	}, [intervalSeconds]);

	useEffect(() => {
		poller.current?.setPaused(paused);
	}, [paused]);
}
