import {useEffect, useMemo, useRef, type Dispatch} from 'react';
import {describeDatabaseError} from '../../db/errors.js';
import {Poller} from '../../sessions/poller.js';
import {RateTracker} from '../../sessions/session-math.js';
import type {SessionReader} from '../../sessions/session-source.js';
import {fetchSnapshot, SlowCounts, type Snapshot, type SnapshotRequest} from '../../sessions/snapshot.js';
import {queryKey, viewFilter} from '../state.js';
import type {UiAction, UiState} from '../state-types.js';

function requestFor(state: UiState): SnapshotRequest {
	const {query} = state;
	return {
		key: queryKey(query),
		filter: viewFilter(query),
		sort: query.sort,
		offset: state.top,
		limit: state.pageSize,
	};
}

/**
 * Polls the session source for exactly the visible window of the current query: at the interval, at once
 * when the query, the window or a refresh request changes, never two at a time, with backoff on errors.
 */
export function useSessions(source: SessionReader, state: UiState, dispatch: Dispatch<UiAction>): void {
	const rates = useMemo(() => new RateTracker(), [source]);
	const slow = useMemo(() => new SlowCounts(), [source]);
	const poller = useRef<Poller<SnapshotRequest, Snapshot> | null>(null);
	const request = requestFor(state);
	const requestId = `${request.key}|${request.offset}|${request.limit}|${state.refreshSeq}`;

	useEffect(() => {
		const instance = new Poller<SnapshotRequest, Snapshot>(
			async (next) => {
				const started = Date.now();
				const fetched = await fetchSnapshot(source, next, rates, slow);
				return {...fetched, fetchedAt: Date.now(), durationMs: Date.now() - started};
			},
			request,
			{
				onResult: (snapshot) => dispatch({type: 'snapshot', snapshot}),
				onError: (error) => dispatch({type: 'poll-error', message: describeDatabaseError(error), at: Date.now()}),
				onScheduled: (at) => dispatch({type: 'scheduled', at}),
			},
			{intervalMs: state.intervalSeconds * 1000},
		);
		poller.current = instance;
		instance.start();
		return () => instance.stop();
		// The poller lives as long as the source; later changes reach it through the effects below.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [source]);

	useEffect(() => {
		poller.current?.setRequest(request, true);
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [requestId]);

	useEffect(() => {
		poller.current?.setInterval(state.intervalSeconds * 1000);
	}, [state.intervalSeconds]);

	useEffect(() => {
		poller.current?.setPaused(state.paused);
	}, [state.paused]);
}
