/**
 * The console's one-line text fields (the search line, a disconnect's reason, a typed confirmation): their
 * text and the cursor in it, how typed input and the editing keys change them, and how a field is drawn with
 * its cursor cell. Pure; positions count code points, so an emoji or an accented letter is one step.
 */
import {sanitize} from '../terminal/sanitize.js';
import {stringWidth} from '../terminal/text.js';
import type {UiAction, UiState} from './state-types.js';

/** A field's text and where its cursor is: before the code point at `caret` (its length: at the end). */
export interface FieldEdit {
	readonly text: string;
	readonly caret: number;
}

/** The cursor of `text`, within it: undefined (nothing moved it) is the end. */
export function caretIn(text: string, caret: number | undefined): number {
	const length = [...text].length;
	return caret === undefined ? length : Math.min(Math.max(0, caret), length);
}

/** Typed input at the cursor: printable characters go in before it, each BS/DEL removes the one before it. */
export function typeAt(field: FieldEdit, input: string): FieldEdit {
	const characters = [...field.text];
	let caret = caretIn(field.text, field.caret);
	for (const character of input) {
		if (character === '\x7f' || character === '\b') {
			if (caret > 0) characters.splice(--caret, 1);
		} else if (character >= ' ' && !(character >= '\x7f' && character <= '\x9f')) {
			characters.splice(caret++, 0, character);
		}
	}
	return {text: characters.join(''), caret};
}

/** Ctrl-U: everything before the cursor goes (at the end: the whole line). */
export function deleteToStart(field: FieldEdit): FieldEdit {
	return {text: [...field.text].slice(caretIn(field.text, field.caret)).join(''), caret: 0};
}

/** Ctrl-W: the word before the cursor goes, with the blanks after it. */
export function deleteWordBefore(field: FieldEdit): FieldEdit {
	const characters = [...field.text];
	const caret = caretIn(field.text, field.caret);
	const before = characters
		.slice(0, caret)
		.join('')
		.replace(/\S+\s*$/, '');
	const kept = [...before].length;
	return {text: [...before, ...characters.slice(caret)].join(''), caret: kept};
}

/** Where a cursor key takes the cursor: the start, the end, or one code point left or right. */
export type CaretMove = 'start' | 'end' | -1 | 1;

export function moveCaret(field: FieldEdit, move: CaretMove): number {
	const length = [...field.text].length;
	if (move === 'start') return 0;
	if (move === 'end') return length;
	return Math.min(Math.max(0, caretIn(field.text, field.caret) + move), length);
}

/** The field typed characters go to in this state, with its cursor: the search line, or the preview's. */
export function currentField(state: UiState): FieldEdit | undefined {
	let text: string | undefined;
	if (state.mode === 'search') text = state.searchDraft;
	else if (state.mode === 'sweep-preview') {
		const sweep = state.sweep;
		if (sweep?.phase !== 'preview') return undefined;
		if (sweep.focus === 'reason') text = sweep.reason;
		else if (sweep.preview?.confirmation.kind === 'typed') text = sweep.typed;
	} else {
		const disconnect = state.disconnect;
		if (state.mode !== 'preview' || disconnect?.phase !== 'preview') return undefined;
		if (disconnect.focus === 'reason') text = disconnect.reason;
		else if (disconnect.preview?.confirmation.kind === 'typed') text = disconnect.typed;
	}
	return text === undefined ? undefined : {text, caret: caretIn(text, state.caret)};
}

/** The action that leaves the current field as `edit` (the cursor named only when it is not at the end). */
export function editAction(state: UiState, edit: FieldEdit): UiAction | undefined {
	const field = currentField(state);
	if (!field || (edit.text === field.text && edit.caret === field.caret)) return undefined;
	const caret = edit.caret === [...edit.text].length ? {} : {caret: edit.caret};
	if (edit.text === field.text) return {type: 'caret', at: edit.caret};
	if (state.mode === 'search') return {type: 'search-input', text: edit.text, ...caret};
	return state.mode === 'sweep-preview'
		? {type: 'sweep-edit', text: edit.text, ...caret}
		: {type: 'disconnect-edit', text: edit.text, ...caret};
}

/** The state with the field's cursor at `caret`, or at the end of the text (undefined). */
export function withCaret(state: UiState, caret: number | undefined): UiState {
	if (caret !== undefined) return {...state, caret};
	if (state.caret === undefined) return state;
	const {caret: _dropped, ...rest} = state;
	return rest;
}

/** A keymap action for an editing key: `change` applied to the current field, or nothing where none is edited. */
export function fieldKey(change: (field: FieldEdit) => FieldEdit): (state: UiState) => UiAction | undefined {
	return (state) => {
		const field = currentField(state);
		return field ? editAction(state, change(field)) : undefined;
	};
}

/** A field drawn in `width` columns: the text before the cursor, the cell under it (drawn inverse), the rest. */
export interface CaretView {
	readonly before: string;
	readonly at: string;
	readonly after: string;
}

/**
 * How a field shows in `width` columns (the cursor cell included), sanitised: the cursor always in view; when
 * the text before it does not fit, its start gives way to `…`, and the text after it is cut at the edge.
 */
export function caretView(text: string, caret: number | undefined, width: number): CaretView {
	const characters = [...text];
	const at = caretIn(text, caret);
	const under = characters[at];
	const cell = under === undefined ? ' ' : sanitize(under);
	const room = Math.max(0, width - stringWidth(cell));
	let before = characters.slice(0, at).map(sanitize);
	if (stringWidth(before.join('')) > room) {
		while (before.length > 0 && stringWidth(before.join('')) + 1 > room) before = before.slice(1);
		before = ['…', ...before];
	}
	let left = room - stringWidth(before.join(''));
	const after: string[] = [];
	for (const character of characters.slice(at + 1).map(sanitize)) {
		const need = stringWidth(character);
		if (need > left) break;
		after.push(character);
		left -= need;
	}
	return {before: before.join(''), at: cell, after: after.join('')};
}
