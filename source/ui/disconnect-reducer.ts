/**
 * The disconnect's part of the console's reducer: a key asks for a disconnect, its preview is read, confirmed,
 * sent, followed and closed. state.ts hands every DisconnectAction here.
 */
import {resultSummary} from '../disconnect/report.js';
import {allBack} from '../disconnect/recovery.js';
import {formatCount} from '../sessions/format.js';
import {sinceRun} from './recovery-lines.js';
import {confirmDisconnect, newDisconnect, nothingToSend, retryTarget} from './disconnect-state.js';
import type {DisconnectAction, UiState} from './state-types.js';

/** The disconnect's part of the console's reducer: `state.disconnect` and the modes that show it. */
export function disconnectReducer(state: UiState, action: DisconnectAction): UiState {
	const current = state.disconnect;
	const info = (text: string): UiState => ({...state, message: {text, kind: 'info'}});
	switch (action.type) {
		case 'disconnect-request': {
			if (state.readOnly) return {...state, message: {text: 'read-only: radtop disconnects nothing in this mode', kind: 'error'}};
			if (current?.phase === 'running') return info('a disconnect is running: v shows it, x there stops it');
			const seq = state.disconnectSeq + 1;
			return {
				...state,
				mode: 'preview',
				disconnectSeq: seq,
				disconnect: newDisconnect(seq, action.target, action.label, action.fromSelection ?? false, action.notInView ?? []),
			};
		}
		case 'disconnect-previewed':
			if (current?.seq !== action.seq || current.phase !== 'loading') return state;
			return {...state, disconnect: {...current, phase: 'preview', preview: action.preview}};
		case 'disconnect-drift':
			if (current?.seq !== action.seq || current.phase !== 'preview') return state;
			return {...state, disconnect: {...current, drift: action.drift}};
		case 'disconnect-failed': {
			if (current?.seq !== action.seq) return state;
			const wasRunning = current.phase === 'running';
			const text = wasRunning ? `disconnect not sent: ${action.message}` : `cannot preview the disconnect: ${action.message}`;
			const failed: UiState = {
				...state,
				disconnect: {...current, phase: 'error', error: action.message},
				message: {text, kind: 'error'},
			};
			return state.quitting ? failed : {...failed, mode: 'preview'};
		}
		case 'disconnect-edit':
			if (state.mode !== 'preview' || current?.phase !== 'preview') return state;
			return {
				...state,
				disconnect:
					current.focus === 'reason' ? {...current, reason: action.text} : {...current, typed: action.text, refusal: undefined},
			};
		case 'disconnect-focus':
			if (state.mode !== 'preview' || current?.phase !== 'preview' || nothingToSend(current)) return state;
			return {...state, disconnect: {...current, focus: current.focus === 'reason' ? 'confirm' : 'reason', refusal: undefined}};
		case 'disconnect-confirm': {
			if (state.mode !== 'preview' || !current) return state;
			const next = confirmDisconnect(current, action.key);
			if (next.phase !== 'running') return {...state, disconnect: next};
			// What was selected is being sent: the selection has done its job.
			const cleared = current.fromSelection ? {selection: new Set<string>(), allMatching: false} : {};
			// `v` shows the run started last, this one's or a sweep's.
			const shown = {lastRun: 'disconnect' as const};
			return {
				...state,
				...cleared,
				...shown,
				mode: 'progress',
				disconnect: next,
				message: {text: `sending: ${current.label}`, kind: 'info'},
			};
		}
		case 'disconnect-progress':
			if (current?.seq !== action.seq || current.phase !== 'running') return state;
			return {...state, disconnect: {...current, progress: action.progress}};
		case 'disconnect-finished': {
			if (current?.seq !== action.seq) return state;
			const {result} = action;
			const problems = result.totals.failed + result.totals.not_on_nas + result.totals.not_sent;
			const summary = `${current.label}: ${resultSummary(result)}${state.mode === 'progress' ? '' : ' · v shows the results'}`;
			return {
				...state,
				mode: state.mode === 'progress' ? 'results' : state.mode,
				disconnect: {...current, phase: 'done', result, stopping: false},
				message: {text: summary, kind: problems > 0 ? 'error' : 'info'},
				// The Accounting-Stops that arrived should leave the table now, not at the next tick, and the
				// unique users and stale counts move with them.
				refreshSeq: state.refreshSeq + 1,
				countsSeq: state.countsSeq + 1,
			};
		}
		case 'disconnect-stop':
			if (current?.phase !== 'running' || current.stopping) return state;
			return {
				...state,
				disconnect: {...current, stopping: true},
				message: {text: 'stopping: requests in flight finish, the rest are not sent', kind: 'info'},
			};
		case 'disconnect-hide':
			return state.mode === 'progress' ? {...info('the disconnect goes on: v shows it again'), mode: 'table'} : state;
		case 'disconnect-show':
			if (current?.phase === 'running') return {...state, mode: 'progress'};
			if (current?.phase === 'done') return {...state, mode: 'results'};
			return info('no disconnect to show yet');
		case 'disconnect-close':
			if (state.mode === 'results') return {...state, mode: 'table'};
			if (state.mode === 'preview' && current && current.phase !== 'running') {
				return {...state, mode: 'table', disconnect: null, message: {text: 'disconnect cancelled, nothing sent', kind: 'info'}};
			}
			return state;
		case 'disconnect-retry': {
			if (current?.phase !== 'done' || !current.result) return state;
			const retry = retryTarget(current.result);
			if (!retry) return info('nothing to retry: no session failed');
			return disconnectReducer(state, {type: 'disconnect-request', target: retry.target, label: retry.label});
		}
		case 'results-scroll':
			if (!current) return state;
			return {...state, disconnect: {...current, scroll: Math.max(0, current.scroll + action.by)}};
		case 'recovery-counted': {
			if (current?.seq !== action.seq || current.phase !== 'done' || current.recoveryDismissed) return state;
			const counted: UiState = {...state, disconnect: {...current, recovery: action.count}};
			const wasAway = current.recovery === undefined || !allBack(current.recovery);
			if (!(wasAway && allBack(action.count))) return counted;
			const users = action.count.perNas.reduce((sum, nas) => sum + nas.total, 0);
			return {
				...counted,
				message: {
					text: `all ${formatCount(users)} users of the run are back online (${sinceRun(action.count)} since the run)`,
					kind: 'info',
				},
			};
		}
		case 'recovery-dismiss':
			if (current?.phase !== 'done' || current.recovery === undefined || current.recoveryDismissed) return state;
			return {...info('no longer following who is back online'), disconnect: {...current, recoveryDismissed: true}};
		case 'quit-ask':
			return current?.phase === 'running' ? {...state, quitQuestion: true} : state;
		case 'quit-cancel':
			return state.quitQuestion ? {...info('the disconnect goes on'), quitQuestion: false} : state;
		case 'quit-requested':
			if (current?.phase !== 'running') return {...state, quitQuestion: false};
			return {
				...state,
				quitQuestion: false,
				quitting: true,
				disconnect: {...current, stopping: true},
				message: {
					text: `stopping the disconnect before quitting (${formatCount(current.progress?.done ?? 0)} done)…`,
					kind: 'info',
				},
			};
	}
}
