import {useEffect, useRef, type Dispatch} from 'react';
import type {DisconnectService} from '../../disconnect/disconnect-service.js';
import {allBack, recoveryTargetOf} from '../../disconnect/recovery.js';
import type {UiAction, UiState} from '../state-types.js';

/** The fewest seconds between two counts, whatever the poll interval. */
const RECOVERY_MIN_SECONDS = 5;

/**
 * After a disconnect run: counts, at once and then at each poll interval (5 s at least), how many of the users it
 * disconnected are back online (the run's start put on the database's clock), one statement at a time, until all are back or the operator stops following it
 * (or another disconnect takes its place). A count that fails changes nothing; the next one tries again.
 */
export function useRecovery(service: DisconnectService | undefined, state: UiState, dispatch: Dispatch<UiAction>): void {
	const disconnect = state.disconnect;
	const seq = disconnect?.seq;
	const result = disconnect?.phase === 'done' ? disconnect.result : undefined;
	const following = !disconnect?.recoveryDismissed && !(disconnect?.recovery && allBack(disconnect.recovery));
	// How far the database's clock is ahead of this host's, as the last poll saw it (kept at each poll, read when counting starts).
	const skew = useRef(0);
	const snapshot = state.snapshot;
	useEffect(() => {
		if (snapshot) skew.current = snapshot.stats.dbNow.getTime() - snapshot.fetchedAt;
	}, [snapshot]);
	useEffect(() => {
		if (seq === undefined || result === undefined || !following || !service?.recovery) return;
		const target = recoveryTargetOf(result, skew.current);
		if (target === undefined) return;
		let busy = false;
		let stopped = false;
		const count = (): void => {
			if (busy) return;
			busy = true;
			// A count that throws at once is a failed count as well.
			Promise.resolve()
				.then(() => service.recovery!(target))
				.then((counted) => {
					if (!stopped) dispatch({type: 'recovery-counted', seq, count: counted});
				})
				.catch(() => undefined)
				.finally(() => {
					busy = false;
				});
		};
		count();
		const timer = setInterval(count, Math.max(state.intervalSeconds, RECOVERY_MIN_SECONDS) * 1000);
		return () => {
			stopped = true;
			clearInterval(timer);
		};
	}, [seq, result, following, service, dispatch, state.intervalSeconds]);
}
