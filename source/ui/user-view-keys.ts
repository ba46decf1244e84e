/** The user view's bindings, part of the one keymap (keymap.ts): `u` opens it, these keys work inside it. */
import type {Binding} from './binding.js';
import type {UiState} from './state-types.js';
import {userKey} from './user-view-state.js';
import {userScrollLimit} from './user-view-lines.js';

/** Scrolls the user view by lines or by pages (what fits under the title), no further than its last line. */
function scroll(by: number, unit: 'line' | 'page' = 'line') {
	return (state: UiState) => {
		if (!state.userView) return undefined;
		// The view has the table's lines and its column heads' line; the title takes one.
		const lines = unit === 'page' ? by * Math.max(1, state.pageSize) : by;
		return {type: 'user-scroll' as const, by: lines, limit: userScrollLimit(state.userView, state.pageSize + 1)};
	};
}

export const USER_VIEW_KEYS: readonly Binding[] = [
	{
		keys: ['u'],
		label: 'u',
		description: "the row's user: attempts, check items, verdict",
		modes: ['table', 'detail'],
		action: userKey,
	},
	{keys: ['up', 'k'], label: '↑/k', description: 'scroll up', modes: ['user'], hint: '↑↓ scroll', action: scroll(-1)},
	{keys: ['down', 'j'], label: '↓/j', description: 'scroll down', modes: ['user'], action: scroll(1)},
	{keys: ['pageup', 'ctrl+b'], label: 'PgUp', description: 'page up', modes: ['user'], action: scroll(-1, 'page')},
	{keys: ['pagedown', 'ctrl+f'], label: 'PgDn', description: 'page down', modes: ['user'], action: scroll(1, 'page')},
	{keys: ['r'], label: 'r', description: 'read the user again', modes: ['user'], hint: 'r refresh', action: {type: 'user-refresh'}},
	{keys: ['escape', 'q'], label: 'Esc', description: 'back', modes: ['user'], hint: 'Esc back', action: {type: 'user-close'}},
	{keys: ['ctrl+c'], label: 'Ctrl-C', description: 'quit', modes: ['user'], action: 'quit'},
];
