/** The column picker's bindings, part of the one keymap (keymap.ts): its footer shows their hints. */
import type {Binding} from './binding.js';

/** The column picker's keys (`c`). */
export const COLUMN_PICKER_KEYS: readonly Binding[] = [
	{
		keys: ['up', 'k'],
		label: '↑/k',
		description: 'previous column',
		modes: ['columns'],
		hint: '↑↓ move',
		action: {type: 'columns-move', by: -1},
	},
	{keys: ['down', 'j'], label: '↓/j', description: 'next column', modes: ['columns'], action: {type: 'columns-move', by: 1}},
	{
		keys: ['space'],
		label: 'Space',
		description: 'show or hide it',
		modes: ['columns'],
		hint: '␣ toggle',
		action: {type: 'columns-toggle'},
	},
	{keys: ['r'], label: 'r', description: "the view's own", modes: ['columns'], hint: "r view's own", action: {type: 'columns-reset'}},
	{keys: ['enter'], label: 'Enter', description: 'save', modes: ['columns'], hint: '⏎ save', action: {type: 'columns-save'}},
	{keys: ['escape', 'q'], label: 'Esc', description: 'cancel', modes: ['columns'], hint: 'Esc cancel', action: {type: 'escape'}},
	{keys: ['ctrl+c'], label: 'Ctrl-C', description: 'quit', modes: ['columns'], action: 'quit'},
];
