/**
 * Where a read of input goes: each key press through the keymap, typed text into the field being edited,
 * a refusal when read-only mode has dropped the key, and quitting (which, while a disconnect runs, asks first
 * and then waits for the run to stop).
 * Pure, so the console's key handling is tested as tables of state and key; app.tsx only carries it out.
 */
import {pressesOf, type InkKey} from './key-names.js';
import {actionFor, readOnlyRefusal, type Binding} from './keymap.js';
import {reducer} from './state.js';
import type {UiAction, UiState} from './state-types.js';
import {currentField, editAction, typeAt} from './text-field.js';

/** What a read of input asks for, in order: actions to dispatch, and at most one `exit`, always last. */
export type KeyEffect = UiAction | 'exit';

/** The effects of a read of input, and the state the dispatched actions leave. */
export interface KeyRoute {
	readonly effects: readonly KeyEffect[];
	readonly state: UiState;
}

/** The text a chunk of typed input leaves in a field, typed at its end (text-field.ts's typeAt). */
export function editSearch(value: string, input: string): string {
	return typeAt({text: value, caret: [...value].length}, input).text;
}

/** The text field of the disconnect preview that typed characters go to, if any. */
export function editedField(state: UiState): string | undefined {
	const disconnect = state.disconnect;
	if (state.mode !== 'preview' || disconnect?.phase !== 'preview') return undefined;
	if (disconnect.focus === 'reason') return disconnect.reason;
	return disconnect.preview?.confirmation.kind === 'typed' ? disconnect.typed : undefined;
}

/** What the terminal allows: below the minimum size the preview is not drawn, so it cannot be confirmed. */
export interface RouteOptions {
	readonly confirmable: boolean;
}

/**
 * Routes one read of input (Ink's `input` and `key`) from `state` through the keymap in force. Each press
 * acts on the state the presses before it left; presses after a quit are dropped. While the terminal is too
 * small to draw the preview, the keys that confirm (y, Enter) do nothing; typed text is still kept.
 */
export function routeKey(
	state: UiState,
	input: string,
	key: InkKey,
	keymap: readonly Binding[],
	options: RouteOptions = {confirmable: true},
): KeyRoute {
	let current = state;
	const effects: KeyEffect[] = [];
	for (const {name, typed, editable} of pressesOf(input, key)) {
		if (current.quitQuestion) {
			// "a disconnect is running: stop it and quit? y/N": y stops and quits, any other key keeps it running.
			const answer: UiAction = name === 'y' ? {type: 'quit-requested'} : {type: 'quit-cancel'};
			effects.push(answer);
			current = reducer(current, answer);
			if (answer.type === 'quit-requested' && !current.quitting) {
				effects.push('exit');
				return {effects, state: current};
			}
			continue;
		}
		let action: ReturnType<typeof actionFor> = name ? actionFor(keymap, current, name) : undefined;
		if (!action && current.mode === 'command' && editable) {
			const text = editSearch(current.commandDraft ?? '', typed);
			if (text !== current.commandDraft) action = {type: 'command-input', text};
		}
		// Typing in a field (the search line, the preview's reason or typed confirmation): printable characters go
		// in at its cursor, Backspace/Delete removes the one before it.
		const field = currentField(current);
		if (!action && field !== undefined && editable) action = editAction(current, typeAt(field, typed));
		if (!action && name) {
			const refusal = readOnlyRefusal(current, name);
			if (refusal) action = {type: 'message', text: refusal, kind: 'error'};
		}
		if (action === 'quit') {
			if ((current.disconnect?.phase === 'running' || current.sweep?.phase === 'running') && !current.quitting) {
				action = {type: 'quit-ask'};
			} else {
				effects.push('exit');
				return {effects, state: current};
			}
		}
		if (!action || ((action.type === 'disconnect-confirm' || action.type === 'sweep-confirm') && !options.confirmable)) continue;
		effects.push(action);
		current = reducer(current, action);
	}
	return {effects, state: current};
}
