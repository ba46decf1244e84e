/** The user view's bindings, part of the one keymap (keymap.ts): `u` opens it, these keys work inside it. */
import type {Binding} from './binding.js';
import type {UiState} from './state-types.js';
import {userKey, userOffer} from './user-view-state.js';
import {userScrollLimit} from './user-view-lines.js';

/** Scrolls the user view, no further than its last line at the bottom. */
function scroll(by: number) {
	return (state: UiState) =>
		state.userView ? {type: 'user-scroll' as const, by, limit: userScrollLimit(state.userView, state.pageSize + 1)} : undefined;
}

export const USER_VIEW_KEYS: readonly Binding[] = [
	{
		keys: ['u'],
		label: 'u',
		description: "the row's user: attempts, check items, verdict",
		modes: ['table', 'detail'],
		hint: 'u look up user',
		// In the table's footer only when the table is empty and offers a user to look up.
		offered: (state) => state.mode === 'detail' || userOffer(state) !== undefined,
		action: userKey,
	},
	{keys: ['up', 'k'], label: '↑/k', description: 'scroll up', modes: ['user'], hint: '↑↓ scroll', action: scroll(-1)},
	{keys: ['down', 'j'], label: '↓/j', description: 'scroll down', modes: ['user'], action: scroll(1)},
	{keys: ['pageup', 'ctrl+b'], label: 'PgUp', description: 'page up', modes: ['user'], action: scroll(-10)},
	{keys: ['pagedown', 'ctrl+f'], label: 'PgDn', description: 'page down', modes: ['user'], action: scroll(10)},
	{keys: ['r'], label: 'r', description: 'read the user again', modes: ['user'], hint: 'r refresh', action: {type: 'user-refresh'}},
	{keys: ['escape', 'q'], label: 'Esc', description: 'back', modes: ['user'], hint: 'Esc back', action: {type: 'user-close'}},
	{keys: ['ctrl+c'], label: 'Ctrl-C', description: 'quit', modes: ['user'], action: 'quit'},
];
