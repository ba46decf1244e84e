import {useEffect, useRef, useState, type Dispatch} from 'react';
import {describeError} from '../../db/errors.js';
import {historyWindow} from '../../sessions/online-history-sql.js';
import {PollSamples} from '../../sessions/online-history.js';
import type {SessionReader} from '../../sessions/session-source.js';
import {HISTORY_HOURS, HISTORY_REFRESH_MS, HISTORY_STEP_SECONDS} from '../history-state.js';
import type {UiAction, UiState} from '../state-types.js';

/** The views that draw the online history: while one is open it is read, and again every minute. */
function drawsHistory(state: UiState): boolean {
	return state.mode === 'history' || state.mode === 'nas-picker';
}

/**
 * The online count over time: every poll's per-NAS counts appended to a bounded ring per NAS (for as long as
 * the console runs), and radacct's history read when the history view or the NAS picker opens, on `r`, and once
 * a minute while one of them stays open. Returns the rings (the views merge them with the history).
 */
export function useOnlineHistory(source: SessionReader, state: UiState, dispatch: Dispatch<UiAction>): PollSamples {
	// One ring set for the console's life, appended to in place (a copy per poll would cost more than the poll).
	const [samples] = useState(() => new PollSamples());
	const snapshot = state.snapshot;
	useEffect(() => {
		if (snapshot) samples.add(snapshot.stats.dbNow.getTime(), snapshot.stats.perNas);
	}, [snapshot, samples]);

	const open = drawsHistory(state);
	const seq = state.onlineHistory?.seq ?? 0;
	const readAt = useRef<{seq: number; at: number}>(undefined);
	useEffect(() => {
		if (!open) return;
		let cancelled = false;
		let timer: NodeJS.Timeout | undefined;
		const read = () => {
			const at = Date.now();
			readAt.current = {seq, at};
			if (!source.onlineHistory) {
				dispatch({type: 'history-loaded', seq, at, error: 'this database reader has no history'});
				return;
			}
			// The answer is kept even when the view closed meanwhile: reopening within the minute shows it.
			source.onlineHistory(historyWindow(HISTORY_HOURS, HISTORY_STEP_SECONDS)).then(
				(history) => dispatch({type: 'history-loaded', seq, at, history}),
				(error: unknown) => dispatch({type: 'history-loaded', seq, at, error: describeError(error)}),
			);
		};
		const schedule = () => {
			const last = readAt.current;
			// Reopening within the minute (the picker, then the view) reads nothing new; `r` (a new seq) reads now.
			const due = last && last.seq === seq ? Math.max(0, last.at + HISTORY_REFRESH_MS - Date.now()) : 0;
			timer = setTimeout(() => {
				if (cancelled) return;
				read();
				schedule();
			}, due);
		};
		schedule();
		return () => {
			cancelled = true;
			clearTimeout(timer);
		};
	}, [open, seq, source, dispatch]);
	return samples;
}
