/**
 * Key presses as the keymap names them: what the terminal sent (Ink's input and key report) as one or more
 * presses, each a printable character ("j", "G", "?") or a named key ("enter", "ctrl+u"). Pure.
 */

/** A key as the keymap names it: a printable character ("j", "G", "?"), or a named key. */
export type KeyName = string;

/**
 * One character of a chunk of input (a paste, keys typed faster than they were read) as a KeyName. The
 * control characters a terminal sends for Ctrl-A to Ctrl-Z (0x01-0x1a) are those keys, as Ink names them when
 * they come alone; the few the terminal sends for other keys too are those keys (Ctrl-H Backspace, Ctrl-I Tab,
 * Ctrl-J and Ctrl-M Enter).
 */
export function keyNameOfCharacter(character: string): KeyName | undefined {
	if (character === '\r' || character === '\n') return 'enter';
	if (character === '\t') return 'tab';
	if (character === '\x7f' || character === '\b') return 'backspace';
	if (character === ' ') return 'space';
	const code = character.codePointAt(0) ?? 0;
	if (code >= 0x01 && code <= 0x1a) return `ctrl+${String.fromCodePoint(0x60 + code)}`;
	return character < ' ' ? undefined : character;
}

/** A control character (Ctrl-A to Ctrl-Z and the rest below a space, DEL, C1): a key, never text in a field. */
function isControl(character: string): boolean {
	return character < ' ' || (character >= '\x7f' && character <= '\x9f');
}

/** One key press out of what the terminal sent: its name, the text it types, and whether it may edit a field. */
export interface Press {
	readonly name: KeyName | undefined;
	readonly typed: string;
	readonly editable: boolean;
}

/** Ink's report of a key, as useInput hands it over. */
export type InkKey = Parameters<typeof keyNameOf>[1] & {meta?: boolean};

/**
 * The key presses in one read of input. Over a slow link keys arrive together: a held key or a paste is a
 * chunk ("jjj", "bng-1\r"), each character a press; Esc and the key after it read as one "Meta+key", which
 * was two presses.
 */
export function pressesOf(input: string, key: InkKey): Press[] {
	if (input.length > 1 && !key.ctrl && !key.meta) {
		// A control character in the chunk is its key (Ctrl-U clears, Ctrl-W deletes a word), not text; Enter, Tab and
		// Backspace stay editable presses as they were, BS/DEL being what the text fields read as a deletion.
		return [...input].map((character) => {
			const name = keyNameOfCharacter(character);
			const editable = !isControl(character) || name === 'enter' || name === 'tab' || name === 'backspace';
			return {name, typed: character, editable};
		});
	}
	// Esc and a control character in one read: Ink drops the Esc and hands the character over unflagged (alone, a
	// control character comes flagged ctrl with its letter).
	const control = input.length === 1 && !key.ctrl && !key.meta && isControl(input) ? keyNameOfCharacter(input) : undefined;
	if (control?.startsWith('ctrl+')) {
		return [
			{name: 'escape', typed: '', editable: false},
			{name: control, typed: input, editable: false},
		];
	}
	if (key.meta && !key.ctrl && !key.escape && input.length === 1 && input >= ' ') {
		return [
			{name: 'escape', typed: '', editable: false},
			{name: keyNameOfCharacter(input), typed: input, editable: true},
		];
	}
	return [{name: keyNameOf(input, key), typed: key.backspace || key.delete ? '\x7f' : input, editable: !key.ctrl && !key.meta}];
}

/** Ink's key report as a KeyName. */
export function keyNameOf(
	input: string,
	key: {
		upArrow?: boolean;
		downArrow?: boolean;
		leftArrow?: boolean;
		rightArrow?: boolean;
		pageUp?: boolean;
		pageDown?: boolean;
		home?: boolean;
		end?: boolean;
		return?: boolean;
		escape?: boolean;
		ctrl?: boolean;
		tab?: boolean;
		backspace?: boolean;
		delete?: boolean;
	},
): KeyName | undefined {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'enter';
	if (key.escape) return 'escape';
	if (key.tab) return 'tab';
	if (key.backspace || key.delete) return 'backspace';
	if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
	if (input === ' ') return 'space';
	if (input.length === 1) return input;
	return undefined;
}
