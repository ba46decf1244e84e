/**
 * The sweep's part of the console's reducer: `W` asks for a sweep of the stale view, its listing is read,
 * confirmed, run, followed and closed. state.ts hands every SweepAction here, and the quit question while a
 * sweep (and no disconnect) runs.
 */
import {formatCount} from '../sessions/format.js';
import {sweepSummary} from '../sweep/sweep-plan.js';
import {confirmSweep, newSweep, nothingToSweep} from './sweep-state.js';
import type {SweepAction, UiAction, UiState} from './state-types.js';
import {withCaret} from './text-field.js';

/** The actions sweepReducer reduces. */
export function isSweepAction(action: UiAction): action is SweepAction {
	return action.type.startsWith('sweep-');
}

/**
 * What a sweep makes of the console's other actions, or undefined when nothing: the quit question while a
 * sweep runs and no disconnect does (a running disconnect is asked about first); a disconnect asked for while
 * a sweep runs, refused.
 */
export function sweepGuard(state: UiState, action: UiAction): UiState | undefined {
	const running = state.sweep?.phase === 'running';
	if ((action.type === 'quit-ask' || action.type === 'quit-cancel' || action.type === 'quit-requested') && running) {
		return state.disconnect?.phase === 'running' ? undefined : sweepQuitReducer(state, action);
	}
	if (action.type === 'disconnect-request' && running) {
		return {...state, message: {text: 'a sweep is running: wait for it (v shows it)', kind: 'info'}};
	}
	return undefined;
}

/** The sweep's part of the console's reducer: `state.sweep` and the modes that show it. */
export function sweepReducer(state: UiState, action: SweepAction): UiState {
	if (action.type === 'sweep-edit') return withCaret(reduceSweep(state, action), action.caret);
	return reduceSweep(state, action);
}

function reduceSweep(state: UiState, action: SweepAction): UiState {
	const current = state.sweep ?? null;
	const info = (text: string): UiState => ({...state, message: {text, kind: 'info'}});
	switch (action.type) {
		case 'sweep-request': {
			if (state.readOnly) return {...state, message: {text: 'read-only: radtop closes nothing in this mode', kind: 'error'}};
			if (current?.phase === 'running') return info('a sweep is running: v shows it');
			const seq = (state.sweepSeq ?? 0) + 1;
			const {type: _type, ...request} = action;
			return {...state, mode: 'sweep-preview', sweepSeq: seq, sweep: newSweep(seq, request)};
		}
		case 'sweep-previewed':
			if (current?.seq !== action.seq || current.phase !== 'loading') return state;
			return {...state, sweep: {...current, phase: 'preview', preview: action.preview}};
		case 'sweep-failed': {
			if (current?.seq !== action.seq) return state;
			const wasRunning = current.phase === 'running';
			const text = wasRunning ? `sweep: nothing closed: ${action.message}` : `cannot list the stale sessions: ${action.message}`;
			const failed: UiState = {
				...state,
				sweep: {...current, phase: 'error', error: action.message, stopping: false},
				message: {text, kind: 'error'},
			};
			return state.quitting || (wasRunning && state.mode !== 'sweep-progress') ? failed : {...failed, mode: 'sweep-preview'};
		}
		case 'sweep-edit':
			if (state.mode !== 'sweep-preview' || current?.phase !== 'preview') return state;
			return {
				...state,
				sweep:
					current.focus === 'reason' ? {...current, reason: action.text} : {...current, typed: action.text, refusal: undefined},
			};
		case 'sweep-focus':
			if (state.mode !== 'sweep-preview' || current?.phase !== 'preview' || nothingToSweep(current)) return state;
			return {...state, sweep: {...current, focus: current.focus === 'reason' ? 'confirm' : 'reason', refusal: undefined}};
		case 'sweep-verify-toggle':
			if (state.mode !== 'sweep-preview' || current?.phase !== 'preview' || nothingToSweep(current)) return state;
			return {...state, sweep: {...current, verify: !current.verify, refusal: undefined}};
		case 'sweep-confirm': {
			if (state.mode !== 'sweep-preview' || !current) return state;
			const next = confirmSweep(current, action.key);
			if (next.phase !== 'running') return {...state, sweep: next};
			const count = formatCount(current.preview?.stale.length ?? 0);
			return {
				...state,
				mode: 'sweep-progress',
				sweep: next,
				lastRun: 'sweep',
				message: {text: `sweeping ${count} stale sessions ${current.label}`, kind: 'info'},
			};
		}
		case 'sweep-progress':
			if (current?.seq !== action.seq || current.phase !== 'running') return state;
			return {...state, sweep: {...current, progress: action.progress}};
		case 'sweep-finished': {
			if (current?.seq !== action.seq) return state;
			const {run} = action;
			const text =
				run.kind === 'done' || run.kind === 'no-stale'
					? sweepSummary(run.result)
					: run.kind === 'interrupted'
						? 'sweep stopped while asking the NAS: nothing closed'
						: 'sweep not confirmed: nothing closed';
			const shown = state.mode === 'sweep-progress';
			const left = run.kind === 'done' && run.result.totals.closed < run.result.entries.length;
			return {
				...state,
				mode: shown ? 'sweep-results' : state.mode,
				sweep: {...current, phase: 'done', run, stopping: false},
				message: {text: `${text}${shown ? '' : ' · v shows the results'}`, kind: left ? 'error' : 'info'},
				// The closed sessions should leave the stale view now, and the stale counts move with them.
				refreshSeq: state.refreshSeq + 1,
				countsSeq: state.countsSeq + 1,
			};
		}
		case 'sweep-stop':
			// Without verify, or once the close has begun, there is nothing left to stop: its one transaction finishes.
			if (current?.phase !== 'running' || current.stopping || !current.verify || current.progress?.phase === 'closing') return state;
			return {
				...state,
				sweep: {...current, stopping: true},
				message: {text: 'stopping: the NAS are asked no more, nothing is closed', kind: 'info'},
			};
		case 'sweep-hide':
			return state.mode === 'sweep-progress' ? {...info('the sweep goes on: v shows it again'), mode: 'table'} : state;
		case 'sweep-show':
			if (current?.phase === 'running') return {...state, mode: 'sweep-progress'};
			if (current?.phase === 'done' || current?.phase === 'error') return {...state, mode: 'sweep-results'};
			return info('no sweep to show yet');
		case 'sweep-close':
			if (state.mode === 'sweep-results') return {...state, mode: 'table'};
			if (state.mode === 'sweep-preview' && current && current.phase !== 'running') {
				return {...state, mode: 'table', sweep: null, message: {text: 'sweep cancelled, nothing closed', kind: 'info'}};
			}
			return state;
		case 'sweep-scroll':
			if (!current) return state;
			return {...state, sweep: {...current, scroll: Math.max(0, current.scroll + action.by)}};
	}
}

/** The quit question's actions while a sweep runs and no disconnect does. */
export function sweepQuitReducer(state: UiState, action: {type: 'quit-ask' | 'quit-cancel' | 'quit-requested'}): UiState {
	const current = state.sweep ?? null;
	switch (action.type) {
		case 'quit-ask':
			return current?.phase === 'running' ? {...state, quitQuestion: true} : state;
		case 'quit-cancel':
			return state.quitQuestion ? {...state, quitQuestion: false, message: {text: 'the sweep goes on', kind: 'info'}} : state;
		case 'quit-requested': {
			if (current?.phase !== 'running') return {...state, quitQuestion: false};
			const closing = !current.verify || current.progress?.phase === 'closing';
			return {
				...state,
				quitQuestion: false,
				quitting: true,
				sweep: closing ? current : {...current, stopping: true},
				message: {
					text: closing ? 'quitting once the close has committed…' : 'stopping the sweep before quitting: nothing is closed…',
					kind: 'info',
				},
			};
		}
	}
}
