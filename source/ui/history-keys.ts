/** The history view's bindings, part of the one keymap (keymap.ts): `h` opens it, these keys work inside it. */
import type {Binding} from './binding.js';

export const HISTORY_KEYS: readonly Binding[] = [
	{
		keys: ['h'],
		label: 'h',
		description: 'online count over the last 6 hours: network and NAS',
		modes: ['table', 'detail'],
		action: {type: 'history-open'},
	},
	{keys: ['down', 'j'], label: '↓/j', description: 'next NAS', modes: ['history'], hint: '↑↓ NAS', action: {type: 'history-nas', by: 1}},
	{keys: ['up', 'k'], label: '↑/k', description: 'previous NAS', modes: ['history'], action: {type: 'history-nas', by: -1}},
	{
		keys: ['r'],
		label: 'r',
		description: 'read the history again',
		modes: ['history'],
		hint: 'r refresh',
		action: {type: 'history-refresh'},
	},
	{keys: ['escape', 'q', 'h'], label: 'Esc', description: 'back', modes: ['history'], hint: 'Esc back', action: {type: 'history-close'}},
	{keys: ['ctrl+c'], label: 'Ctrl-C', description: 'quit', modes: ['history'], action: 'quit'},
];
