/**
 * The console's poll without React: a Poller over the session source whose snapshots, errors (a lock, a server
 * not answering, anything else) and waits become the reducer's actions. use-sessions.ts runs it for the App;
 * tests run the same thing against a real database.
 */
import type {Dispatch} from 'react';
import {describeWait, isLocked, isNotAnswering} from '../db/database-wait.js';
import {describeError} from '../db/errors.js';
import {Poller, type PollerOptions} from '../sessions/poller.js';
import {RateTracker} from '../sessions/session-math.js';
import type {SessionReader} from '../sessions/session-source.js';
import type {ConsoleSubscribers} from '../subscribers/console-subscribers.js';
import {fetchSnapshot, SlowCounts, type Snapshot, type SnapshotRequest} from '../sessions/snapshot.js';
import {queryKey, viewFilter} from './state.js';
import type {UiAction, ViewQuery} from './state-types.js';

/** The window of `query` the screen shows, as one poll asks for it. */
export function requestFor(query: ViewQuery, top: number, pageSize: number): SnapshotRequest {
	return {key: queryKey(query), filter: viewFilter(query), sort: query.sort, offset: top, limit: pageSize};
}

export interface SessionPolling {
	readonly poller: Poller<SnapshotRequest, Snapshot>;
	/** The next poll reads unique users and stale counts again. */
	expireSlowCounts(): void;
	stop(): void;
}

/**
 * Starts polling `source` for `request`, telling `dispatch` what happens; stop() ends it. With `subscribers`,
 * each snapshot's rows are enriched once after they are shown (never before: the rows do not wait for it),
 * one enrichment at a time; a poll that comes while one runs leaves its rows with the values last known.
 */
export function startSessionPolling(
	source: SessionReader,
	request: SnapshotRequest,
	dispatch: Dispatch<UiAction>,
	options: PollerOptions,
	subscribers?: ConsoleSubscribers,
): SessionPolling {
	let enriching = false;
	let stopped = false;
	const enrich = (snapshot: Snapshot) => {
		if (!subscribers || enriching || snapshot.rows.length === 0) return;
		enriching = true;
		void subscribers
			.poll(snapshot.rows, new Date(snapshot.fetchedAt))
			.then(
				(enrichment) => {
					if (!stopped)
						dispatch({
							type: 'subscribers',
							subscribers: {
								byId: enrichment.subscribers,
								billingColumns: enrichment.billingColumns,
								status: enrichment.status,
							},
						});
				},
				() => undefined,
			)
			.finally(() => {
				enriching = false;
			});
	};
	// Rates and slow counts are per source: they compare a source's reads with its earlier ones.
	const rates = new RateTracker();
	const slow = new SlowCounts();
	const poller = new Poller<SnapshotRequest, Snapshot>(
		async (next) => {
			const started = Date.now();
			const fetched = await fetchSnapshot(source, next, rates, slow);
			return {...fetched, fetchedAt: Date.now(), durationMs: Date.now() - started};
		},
		request,
		{
			onStart: (_request, at) => dispatch({type: 'poll-started', at}),
			onResult: (snapshot) => {
				dispatch({type: 'snapshot', snapshot});
				enrich(snapshot);
			},
			onError: (error) =>
				dispatch({
					type: 'poll-error',
					message: describeError(error),
					at: Date.now(),
					kind: isLocked(error) ? 'locked' : isNotAnswering(error) ? 'not-answering' : 'error',
				}),
			onScheduled: (at) => dispatch({type: 'scheduled', at}),
		},
		options,
	);
	// A lock a poll waits for is shown while it lasts, not only once the poll gives up.
	const unsubscribe = source.waits?.subscribe((wait) =>
		dispatch({type: 'db-wait', text: wait?.kind === 'lock' ? describeWait(wait) : null, at: Date.now()}),
	);
	poller.start();
	return {
		poller,
		expireSlowCounts: () => slow.expire(),
		stop() {
			stopped = true;
			unsubscribe?.();
			poller.stop();
		},
	};
}
