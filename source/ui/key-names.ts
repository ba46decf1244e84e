/**
 * Key presses as the keymap names them: what the terminal sent (Ink's input and key report) as one or more
 * presses, each a printable character ("j", "G", "?") or a named key ("enter", "ctrl+u"). Pure.
 */

/** A key as the keymap names it: a printable character ("j", "G", "?"), or a named key. */
export type KeyName = string;

/** One character of a chunk of input (a paste, keys typed faster than they were read) as a KeyName. */
export function keyNameOfCharacter(character: string): KeyName | undefined {
	if (character === '\r' || character === '\n') return 'enter';
	if (character === '\t') return 'tab';
	if (character === '\x7f' || character === '\b') return 'backspace';
	if (character === ' ') return 'space';
	return character < ' ' ? undefined : character;
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
		return [...input].map((character) => ({name: keyNameOfCharacter(character), typed: character, editable: true}));
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
