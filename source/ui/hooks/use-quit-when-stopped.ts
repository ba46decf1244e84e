import {useEffect} from 'react';
import type {UiState} from '../state-types.js';

/** Quits once a quit was asked for and no disconnect runs any more, so its closing audit record is written. */
export function useQuitWhenStopped(state: UiState, exit: () => void): void {
	const quitting = state.quitting;
	const phase = state.disconnect?.phase;
	useEffect(() => {
		if (quitting && phase !== 'running') exit();
	}, [quitting, phase, exit]);
}
