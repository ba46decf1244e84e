import {useEffect, useRef, type Dispatch} from 'react';
import {describeWait, isLocked, isNotAnswering} from '../../db/database-wait.js';
import {describeError} from '../../db/errors.js';
import {Poller} from '../../sessions/poller.js';
import {RateTracker} from '../../sessions/session-math.js';
import type {SessionReader} from '../../sessions/session-source.js';
import {fetchSnapshot, SlowCounts, type Snapshot, type SnapshotRequest} from '../../sessions/snapshot.js';
import {queryKey, viewFilter} from '../state.js';
import type {UiAction, UiState, ViewQuery} from '../state-types.js';

function requestFor(query: ViewQuery, top: number, pageSize: number): SnapshotRequest {
	return {key: queryKey(query), filter: viewFilter(query), sort: query.sort, offset: top, limit: pageSize};
}

/**
 * Polls the session source for exactly the visible window of the current query: at the interval, at once
 * when the query, the window or a refresh request changes, never two at a time, with backoff on errors.
 */
export function useSessions(source: SessionReader, state: UiState, dispatch: Dispatch<UiAction>): void {
	const poller = useRef<Poller<SnapshotRequest, Snapshot> | null>(null);
	const {query, top, pageSize, refreshSeq, intervalSeconds, paused} = state;

	useEffect(() => {
		// Rates and slow counts are per source: they compare a source's reads with its earlier ones.
		const rates = new RateTracker();
		const slow = new SlowCounts();
		const instance = new Poller<SnapshotRequest, Snapshot>(
			async (next) => {
				const started = Date.now();
				const fetched = await fetchSnapshot(source, next, rates, slow);
				return {...fetched, fetchedAt: Date.now(), durationMs: Date.now() - started};
			},
			requestFor(query, top, pageSize),
			{
				onStart: (_request, at) => dispatch({type: 'poll-started', at}),
				onResult: (snapshot) => dispatch({type: 'snapshot', snapshot}),
				onError: (error) =>
					dispatch({
						type: 'poll-error',
						message: describeError(error),
						at: Date.now(),
						kind: isLocked(error) ? 'locked' : isNotAnswering(error) ? 'not-answering' : 'error',
					}),
				onScheduled: (at) => dispatch({type: 'scheduled', at}),
			},
			{intervalMs: intervalSeconds * 1000},
		);
		poller.current = instance;
		// A lock a poll waits for is shown while it lasts, not only once the poll gives up.
		const unsubscribe = source.waits?.subscribe((wait) =>
			dispatch({type: 'db-wait', text: wait?.kind === 'lock' ? describeWait(wait) : null, at: Date.now()}),
		);
		instance.start();
		return () => {
			unsubscribe?.();
			instance.stop();
		};
		// The poller lives as long as the source: a new window or interval reaches it through the effects below.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [source, dispatch]);

	// A new query always comes with a new refreshSeq (withQuery), so this runs once per window or refresh asked for.
	useEffect(() => {
		poller.current?.setRequest(requestFor(query, top, pageSize), true);
	}, [query, top, pageSize, refreshSeq]);

	useEffect(() => {
		poller.current?.setInterval(intervalSeconds * 1000);
	}, [intervalSeconds]);

	useEffect(() => {
		poller.current?.setPaused(paused);
	}, [paused]);
}
