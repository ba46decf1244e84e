/**
 * The keys of a stale-session sweep: `W` in the stale view, those of its preview, progress and results, and `v`,
 * which shows the last disconnect or sweep, whichever ran last.
 * The keymap takes them in its one table (after the disconnect keys).
 */
import type {Binding} from './binding.js';
import {nothingToSweep} from './sweep-state.js';
import {sweepStale} from './sweep-requests.js';
import type {UiAction, UiState} from './state-types.js';

/** `y` confirms when the confirmation line has the keyboard and takes a key; otherwise it is typed text. */
function confirmWithY(state: UiState): UiAction | undefined {
	const sweep = state.sweep;
	if (sweep?.phase !== 'preview' || sweep.focus !== 'confirm' || sweep.preview?.confirmation.kind === 'typed') return undefined;
	return {type: 'sweep-confirm', key: 'y'};
}

/** `v` turns verify on and off, except while the reason is written (there it is a letter). */
function toggleVerify(state: UiState): UiAction | undefined {
	return state.sweep?.focus === 'reason' ? undefined : {type: 'sweep-verify-toggle'};
}

const offered = (state: UiState): boolean => state.sweep?.phase === 'preview' && !nothingToSweep(state.sweep);

export const SWEEP_KEYS: readonly Binding[] = [
	{
		keys: ['W'],
		label: 'W',
		description: 'sweep the stale sessions (stale view: close them in radacct)',
		modes: ['table'],
		dangerous: true,
		action: sweepStale,
	},
	{
		keys: ['v'],
		label: 'v',
		description: 'verify: ask each NAS first, close only what it no longer has',
		modes: ['sweep-preview'],
		hint: 'v verify',
		offered,
		action: toggleVerify,
	},
	{
		keys: ['tab'],
		label: 'Tab',
		description: 'write a reason for the audit log / back to the confirmation',
		modes: ['sweep-preview'],
		hint: 'Tab reason',
		offered,
		action: {type: 'sweep-focus'},
	},
	{
		keys: ['enter'],
		label: 'Enter',
		description: 'confirm (a typed confirmation: submit it)',
		modes: ['sweep-preview'],
		action: {type: 'sweep-confirm', key: 'enter'},
	},
	{keys: ['y'], label: 'y', description: 'confirm', modes: ['sweep-preview'], action: confirmWithY},
	{
		keys: ['escape'],
		label: 'Esc',
		description: 'cancel: nothing is closed',
		modes: ['sweep-preview'],
		hint: 'Esc cancel',
		action: {type: 'sweep-close'},
	},
	{
		keys: ['x'],
		label: 'x',
		description: 'stop asking the NAS: nothing is closed',
		modes: ['sweep-progress'],
		hint: 'x stop',
		offered: (state) =>
			state.sweep?.phase === 'running' && state.sweep.verify && state.sweep.progress?.phase !== 'closing' && !state.sweep.stopping,
		action: {type: 'sweep-stop'},
	},
	{
		keys: ['escape'],
		label: 'Esc',
		description: 'back to the table; the sweep goes on (v shows it)',
		modes: ['sweep-progress'],
		hint: 'Esc hide',
		action: {type: 'sweep-hide'},
	},
	{
		keys: ['up', 'k'],
		label: '↑/k',
		description: 'scroll the results',
		modes: ['sweep-results'],
		hint: '↑↓ scroll',
		action: {type: 'sweep-scroll', by: -1},
	},
	{keys: ['down', 'j'], label: '↓/j', description: 'scroll the results', modes: ['sweep-results'], action: {type: 'sweep-scroll', by: 1}},
	{
		keys: ['escape', 'q'],
		label: 'Esc',
		description: 'close the results',
		modes: ['sweep-results'],
		hint: 'Esc close',
		action: {type: 'sweep-close'},
	},
	{
		keys: ['v'],
		label: 'v',
		description: 'show the last disconnect or sweep',
		modes: ['table', 'detail'],
		dangerous: true,
		action: (state) => (state.lastRun === 'sweep' ? {type: 'sweep-show'} : {type: 'disconnect-show'}),
	},
];
