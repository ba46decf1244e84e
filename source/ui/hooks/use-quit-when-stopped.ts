import {useEffect} from 'react';
import type {DisconnectResult} from '../../disconnect/result.js';
import type {UiState} from '../state-types.js';

/** What the console hands back when it quits: the disconnect that quitting stopped, if one was running. */
export interface QuitOutcome {
	readonly stopped?: DisconnectResult;
	/** `:profile NAME`: the console is to open again on that profile. */
	readonly profile?: string;
}

/**
 * Quits once a quit was asked for and no disconnect (nor sweep) runs any more, so its closing audit record is written; a run
 * that the quit stopped is handed back, so the command can say what was and was not sent after the screen is gone.
 */
export function useQuitWhenStopped(state: UiState, exit: (outcome: QuitOutcome) => void): void {
	const quitting = state.quitting;
	const phase = state.disconnect?.phase;
	const sweepPhase = state.sweep?.phase;
	const result = state.disconnect?.result;
	useEffect(() => {
		if (quitting && phase !== 'running' && sweepPhase !== 'running') exit(result?.aborted ? {stopped: result} : {});
	}, [quitting, phase, sweepPhase, result, exit]);
	// `:profile NAME` (refused while a run goes on): the console ends, to be opened on that profile.
	const switchTo = state.switchProfile;
	useEffect(() => {
		if (switchTo !== undefined) exit({profile: switchTo});
	}, [switchTo, exit]);
}
