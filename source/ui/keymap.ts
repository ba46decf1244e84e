/**
 * The one table of key bindings. It drives input handling, the help overlay and the footer hints, so the
 * three can never disagree. Entries marked `dangerous` are dropped entirely in read-only mode.
 */
import {retryable} from '../disconnect/result.js';
import {nothingToSend} from './disconnect-state.js';
import {selectionText} from './state.js';
import {disconnectMatching, disconnectSelectionOrCursor, disconnectUser} from './disconnect-requests.js';
import type {Mode, UiAction, UiState} from './state-types.js';
import type {Binding} from './binding.js';
import type {KeyName} from './key-names.js';
import {helpScrollLimit} from './help-lines.js';
import {COLUMN_PICKER_KEYS} from './column-picker-keys.js';
import {USER_VIEW_KEYS} from './user-view-keys.js';
import {HISTORY_KEYS} from './history-keys.js';
import {SWEEP_KEYS} from './sweep-keys.js';
import {deleteToStart, deleteWordBefore, fieldKey, moveCaret, type CaretMove} from './text-field.js';

export type {KeyName} from './key-names.js';
export type {Binding} from './binding.js';

/** The modes with a text field: the search line, a disconnect's and a sweep's preview. */
const FIELD_MODES: readonly Mode[] = ['search', 'preview', 'sweep-preview'];

export const KEYMAP: readonly Binding[] = [
	// In the details the same keys scroll the user's other sessions: one help line each covers both.
	{
		keys: ['up', 'k'],
		label: '↑/k',
		description: 'cursor up, history up',
		modes: ['table'],
		hint: '↑↓ move',
		action: {type: 'move', by: -1},
	},
	{keys: ['down', 'j'], label: '↓/j', description: 'cursor down, history down', modes: ['table'], action: {type: 'move', by: 1}},
	{keys: ['pageup', 'ctrl+b'], label: 'PgUp', description: 'page up', modes: ['table'], action: {type: 'move-page', pages: -1}},
	{keys: ['pagedown', 'ctrl+f'], label: 'PgDn', description: 'page down', modes: ['table'], action: {type: 'move-page', pages: 1}},
	{keys: ['g', 'home'], label: 'g', description: 'first row', modes: ['table'], action: {type: 'jump', to: 'top'}},
	{
		keys: ['up', 'k'],
		label: '↑/k',
		description: 'cursor up, history up',
		modes: ['detail'],
		hint: '↑↓ history',
		action: {type: 'detail-scroll', by: -1},
	},
	{
		keys: ['down', 'j'],
		label: '↓/j',
		description: 'cursor down, history down',
		modes: ['detail'],
		action: {type: 'detail-scroll', by: 1},
	},
	{keys: ['pageup', 'ctrl+b'], label: 'PgUp', description: 'page up', modes: ['detail'], action: {type: 'detail-scroll', by: -10}},
	{
		keys: ['pagedown', 'ctrl+f'],
		label: 'PgDn',
		description: 'page down',
		modes: ['detail'],
		action: {type: 'detail-scroll', by: 10},
	},
	{keys: ['up', 'k'], label: '↑/k', description: 'cursor up, history up', modes: ['help'], hint: '↑↓ scroll', action: helpScroll(-1)},
	{keys: ['down', 'j'], label: '↓/j', description: 'cursor down, history down', modes: ['help'], action: helpScroll(1)},
	{keys: ['pageup', 'ctrl+b'], label: 'PgUp', description: 'page up', modes: ['help'], action: helpScroll(-10)},
	{keys: ['pagedown', 'ctrl+f'], label: 'PgDn', description: 'page down', modes: ['help'], action: helpScroll(10)},
	{keys: ['G', 'end'], label: 'G', description: 'last row', modes: ['table'], action: {type: 'jump', to: 'bottom'}},
	{
		keys: ['/'],
		label: '/',
		description: 'search user, IP, MAC or vendor:',
		modes: ['table'],
		hint: '/ search',
		action: {type: 'search-start'},
	},
	{
		keys: ['enter'],
		label: 'Enter',
		description: 'keep the search',
		modes: ['search'],
		hint: '⏎ keep search',
		action: {type: 'search-commit'},
	},
	{
		keys: ['escape'],
		label: 'Esc',
		description: 'clear the search',
		modes: ['search'],
		hint: 'Esc clear search',
		action: {type: 'search-cancel'},
	},
	// The editing keys of every text field: the search line, a disconnect's reason and typed confirmation.
	{
		keys: ['ctrl+u'],
		label: 'Ctrl-U',
		description: 'delete to the start of the line',
		modes: FIELD_MODES,
		action: fieldKey(deleteToStart),
	},
	{
		keys: ['ctrl+w'],
		label: 'Ctrl-W',
		description: 'delete the word before the cursor',
		modes: FIELD_MODES,
		action: fieldKey(deleteWordBefore),
	},
	{keys: ['ctrl+a', 'home'], label: 'Ctrl-A', description: 'start of the line', modes: FIELD_MODES, action: caretKey('start')},
	{keys: ['ctrl+e', 'end'], label: 'Ctrl-E', description: 'end of the line', modes: FIELD_MODES, action: caretKey('end')},
	{keys: ['left'], label: '←', description: 'cursor left', modes: FIELD_MODES, action: caretKey(-1)},
	{keys: ['right'], label: '→', description: 'cursor right', modes: FIELD_MODES, action: caretKey(1)},
	{
		keys: [':'],
		label: ':',
		description: 'command: nas, user, status, sort, columns, stale, concurrent, help',
		modes: ['table', 'history'],
		action: {type: 'command-start'},
	},
	{keys: ['enter'], label: 'Enter', description: 'run the command', modes: ['command'], hint: '⏎ run', action: {type: 'command-run'}},
	{keys: ['tab'], label: 'Tab', description: 'complete', modes: ['command'], hint: 'Tab complete', action: {type: 'command-complete'}},
	{keys: ['escape'], label: 'Esc', description: 'cancel', modes: ['command'], hint: 'Esc cancel', action: {type: 'command-cancel'}},
	{keys: ['ctrl+u'], label: 'Ctrl-U', description: 'clear the line', modes: ['command'], action: {type: 'command-input', text: ''}},
	{
		keys: ['ctrl+w'],
		label: 'Ctrl-W',
		description: 'delete the last word',
		modes: ['command'],
		action: (state) => ({type: 'command-input', text: (state.commandDraft ?? '').replace(/\S+\s*$/, '')}),
	},
	{
		keys: ['n'],
		label: 'n',
		description: 'filter on a NAS or region (with counts)',
		modes: ['table'],
		hint: 'n NAS',
		action: {type: 'nas-picker-open'},
	},
	{
		keys: ['up', 'k'],
		label: '↑/k',
		description: 'previous NAS',
		modes: ['nas-picker'],
		hint: '↑↓ move',
		action: {type: 'nas-picker-move', by: -1},
	},
	{keys: ['down', 'j'], label: '↓/j', description: 'next NAS', modes: ['nas-picker'], action: {type: 'nas-picker-move', by: 1}},
	{
		keys: ['enter'],
		label: 'Enter',
		description: 'filter on this NAS (after X: disconnect it)',
		modes: ['nas-picker'],
		hint: '⏎ choose',
		action: {type: 'nas-picker-choose'},
	},
	// The picker's keys in the footer too: on a narrow terminal its title line is cut before them.
	{keys: ['escape'], label: 'Esc', description: 'back', modes: ['nas-picker'], hint: 'Esc cancel', action: {type: 'escape'}},
	{keys: ['t'], label: 't', description: 'status: active, stale (~), closed, all', modes: ['table'], action: {type: 'cycle-status'}},
	{keys: ['c'], label: 'c', description: 'pick the table columns', modes: ['table'], action: {type: 'columns-open'}},
	{keys: ['C'], label: 'C', description: 'only users logged in more than once', modes: ['table'], action: {type: 'toggle-concurrent'}},
	...COLUMN_PICKER_KEYS,
	...USER_VIEW_KEYS,
	{keys: ['s', '>'], label: 's/>', description: 'sort by the next column', modes: ['table'], hint: 's sort', action: {type: 'sort-next'}},
	{keys: ['<'], label: '<', description: 'sort by the previous column', modes: ['table'], action: {type: 'sort-previous'}},
	{keys: ['S'], label: 'S', description: 'reverse the sort direction', modes: ['table'], action: {type: 'sort-reverse'}},
	{
		keys: ['space'],
		label: 'Space',
		description: 'select row; searches keep it',
		modes: ['table'],
		hint: '␣ select',
		action: {type: 'toggle-select'},
	},
	{keys: ['a'], label: 'a', description: 'select everything matching', modes: ['table'], action: {type: 'select-all'}},
	{
		keys: ['d'],
		label: 'd',
		description: 'disconnect selection or row',
		modes: ['table', 'detail'],
		hint: 'd disconnect',
		dangerous: true,
		action: disconnectSelectionOrCursor,
	},
	{
		keys: ['D'],
		label: 'D',
		description: 'disconnect all of this user',
		modes: ['table', 'detail'],
		dangerous: true,
		action: disconnectUser,
	},
	{
		keys: ['X'],
		label: 'X',
		description: 'disconnect a whole NAS or region',
		modes: ['table', 'detail'],
		dangerous: true,
		action: {type: 'nas-picker-open', purpose: 'disconnect'},
	},
	{keys: ['A'], label: 'A', description: 'disconnect all that matches', modes: ['table'], dangerous: true, action: disconnectMatching},
	// W and its views, then v, which shows the last disconnect or sweep.
	...SWEEP_KEYS,
	...HISTORY_KEYS,
	{
		keys: ['enter'],
		label: 'Enter',
		description: 'session details and history',
		modes: ['table'],
		hint: '⏎ details',
		action: {type: 'open-detail'},
	},
	{
		keys: ['tab'],
		label: 'Tab',
		description: 'write a reason for the audit log / back to the confirmation',
		modes: ['preview'],
		hint: 'Tab reason',
		offered: (state) => !nothingToSend(state.disconnect),
		action: {type: 'disconnect-focus'},
	},
	{
		keys: ['enter'],
		label: 'Enter',
		description: 'confirm (a typed confirmation: submit it)',
		modes: ['preview'],
		action: {type: 'disconnect-confirm', key: 'enter'},
	},
	{keys: ['y'], label: 'y', description: 'confirm', modes: ['preview'], action: confirmWithY},
	{
		keys: ['escape'],
		label: 'Esc',
		description: 'cancel: nothing is sent',
		modes: ['preview'],
		hint: 'Esc cancel',
		action: {type: 'disconnect-close'},
	},
	{
		keys: ['x'],
		label: 'x',
		description: 'stop: requests in flight finish, the rest are not sent',
		modes: ['progress'],
		hint: 'x stop',
		action: {type: 'disconnect-stop'},
	},
	{
		keys: ['escape'],
		label: 'Esc',
		description: 'back to the table; the disconnect goes on (v shows it)',
		modes: ['progress'],
		hint: 'Esc hide',
		action: {type: 'disconnect-hide'},
	},
	{
		keys: ['R'],
		label: 'R',
		description: 'retry the sessions that failed (preview first)',
		modes: ['results'],
		hint: 'R retry failed',
		dangerous: true,
		offered: hasRetryable,
		action: {type: 'disconnect-retry'},
	},
	{
		keys: ['up', 'k'],
		label: '↑/k',
		description: 'scroll the results',
		modes: ['results'],
		hint: '↑↓ scroll',
		action: {type: 'results-scroll', by: -1},
	},
	{keys: ['down', 'j'], label: '↓/j', description: 'scroll the results', modes: ['results'], action: {type: 'results-scroll', by: 1}},
	{keys: ['b'], label: 'b', description: 'stop following who is back online', modes: ['results'], action: {type: 'recovery-dismiss'}},
	{
		keys: ['escape'],
		label: 'Esc',
		description: 'close the results',
		modes: ['results'],
		hint: 'Esc close',
		action: {type: 'disconnect-close'},
	},
	{
		keys: ['escape'],
		label: 'Esc',
		description: 'clear selection/search, back',
		modes: ['table', 'detail', 'help'],
		action: {type: 'escape'},
	},
	{keys: ['r'], label: 'r', description: 'refresh now', modes: ['table', 'detail'], action: {type: 'refresh'}},
	{keys: ['p'], label: 'p', description: 'pause / resume polling', modes: ['table', 'detail'], action: {type: 'toggle-pause'}},
	{keys: ['+', '='], label: '+', description: 'poll less often', modes: ['table', 'detail'], action: {type: 'interval', delta: 1}},
	{keys: ['-'], label: '-', description: 'poll more often', modes: ['table', 'detail'], action: {type: 'interval', delta: -1}},
	{keys: ['e'], label: 'e', description: 'export the view to CSV', modes: ['table'], action: {type: 'export-start'}},
	{keys: ['m'], label: 'm', description: 'mask IPs and MACs', modes: ['table', 'detail'], action: {type: 'toggle-mask'}},
	{keys: ['?'], label: '?', description: 'this help', modes: ['table', 'detail', 'help'], action: {type: 'toggle-help'}},
	// q quits from the table (and the progress of a run, asking first); elsewhere it goes back as Esc does.
	{
		keys: ['q', 'ctrl+c'],
		label: 'q',
		description: 'quit (elsewhere: back)',
		modes: ['table', 'progress', 'sweep-progress'],
		hint: 'q quit',
		action: 'quit',
	},
	{keys: ['q'], label: 'q', description: 'back', modes: ['detail', 'help', 'nas-picker'], action: {type: 'escape'}},
	{keys: ['q'], label: 'q', description: 'back', modes: ['results'], action: {type: 'disconnect-close'}},
	{
		keys: ['ctrl+c'],
		label: 'Ctrl-C',
		description: 'quit',
		modes: ['search', 'command', 'preview', 'detail', 'help', 'nas-picker', 'results', 'sweep-preview', 'sweep-results'],
		action: 'quit',
	},
];

/** A cursor key of the text fields. */
function caretKey(move: CaretMove): (state: UiState) => UiAction | undefined {
	return fieldKey((field) => ({text: field.text, caret: moveCaret(field, move)}));
}

function hasRetryable(state: UiState): boolean {
	return state.disconnect?.result !== undefined && retryable(state.disconnect.result).length > 0;
}

/** Scrolls the help, no further than its last binding at the narrowest width. */
function helpScroll(by: number): (state: UiState) => UiAction {
	return (state) => ({type: 'help-scroll', by, limit: helpScrollLimit(helpEntries(KEYMAP).length, state.pageSize + 1)});
}

/** `y` confirms when the confirmation line has the keyboard and takes a key; otherwise it is typed text. */
function confirmWithY(state: UiState): UiAction | undefined {
	const disconnect = state.disconnect;
	if (disconnect?.phase !== 'preview' || disconnect.focus !== 'confirm' || disconnect.preview?.confirmation.kind === 'typed') {
		return undefined;
	}
	return {type: 'disconnect-confirm', key: 'y'};
}

/** The keymap in force: read-only mode drops every dangerous binding. */
export function activeKeymap(readOnly: boolean, keymap: readonly Binding[] = KEYMAP): Binding[] {
	return keymap.filter((binding) => !(readOnly && binding.dangerous));
}

/**
 * Why a key did nothing, when it is a disconnect key and radtop is read-only: pressing it must not look
 * like a dead key.
 */
export function readOnlyRefusal(state: UiState, key: KeyName, keymap: readonly Binding[] = KEYMAP): string | undefined {
	if (!state.readOnly) return undefined;
	const binding = bindingFor(keymap, state.mode, key);
	if (!binding?.dangerous) return undefined;
	return `read-only mode: ${binding.label} (${binding.description.split(' (')[0]}) is off`;
}

/** The binding for a key in a mode, if any. */
export function bindingFor(keymap: readonly Binding[], mode: Mode, key: KeyName): Binding | undefined {
	return keymap.find((binding) => binding.modes.includes(mode) && binding.keys.includes(key));
}

/** The action a key performs in this state, or undefined. */
export function actionFor(keymap: readonly Binding[], state: UiState, key: KeyName): UiAction | 'quit' | undefined {
	const binding = bindingFor(keymap, state.mode, key);
	if (!binding) return undefined;
	return typeof binding.action === 'function' ? binding.action(state) : binding.action;
}

/** Footer hints for a mode, in keymap order, one per binding that has one (and, given the state, is on offer). */
export function footerHints(keymap: readonly Binding[], mode: Mode, state?: UiState): string[] {
	return keymap
		.filter((binding) => binding.hint && binding.modes.includes(mode) && (!state || !binding.offered || binding.offered(state)))
		.map((binding) => binding.hint!);
}

/**
 * The footer: the keys of the quit question while it waits; otherwise, in the table and while a search is
 * typed, the selection first ("2 selected (2 not in view)": the one place it is counted, the part a narrow
 * footer never cuts), then the mode's hints.
 */
export function footerItems(keymap: readonly Binding[], state: UiState): string[] {
	if (state.quitQuestion) return ['y stop it and quit', 'n/Esc keep it running'];
	const selection = state.mode === 'table' || state.mode === 'search' ? selectionText(state) : undefined;
	return [...(selection ? [selection] : []), ...footerHints(keymap, state.mode, state)];
}

/**
 * Help overlay lines: [label, description] for each binding of the table and detail views, where help opens;
 * the keys of the search, the NAS picker and the disconnect views are in their own footers.
 */
export function helpEntries(keymap: readonly Binding[]): Array<{label: string; description: string}> {
	const seen = new Set<string>();
	const entries: Array<{label: string; description: string}> = [];
	for (const binding of keymap) {
		if (!binding.modes.includes('table') && !binding.modes.includes('detail')) continue;
		const id = `${binding.label}|${binding.description}`;
		if (seen.has(id)) continue;
		seen.add(id);
		entries.push({label: binding.label, description: binding.description});
	}
	return entries;
}
