/**
 * The `--json` documents radtop prints. To a pipe: JSON.stringify's output, unchanged. To a terminal: the
 * same JSON with every character a terminal would act on or not show written as a `\uXXXX` escape (C1
 * controls such as U+009B CSI, bidi and zero-width characters, tag characters as their surrogate pair), so
 * a hostile username cannot drive the terminal, and the text still parses to the same value.
 * JSON.stringify already escapes C0 controls inside strings; the only raw C0 left is the indentation's newline.
 */
import {INVISIBLE_CHARACTER_RANGES} from './sanitize.js';

const INVISIBLE = new RegExp(`[${INVISIBLE_CHARACTER_RANGES}]`, 'gu');

function escapeUnits(character: string): string {
	let out = '';
	for (let index = 0; index < character.length; index++) out += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
	return out;
}

/** The value as indented JSON ending in a newline; escaped as above when it goes to a terminal. */
export function jsonForOutput(value: unknown, isTTY: boolean | undefined): string {
	const json = `${JSON.stringify(value, null, 2)}\n`;
	return isTTY ? json.replace(INVISIBLE, escapeUnits) : json;
}

/** True when the stream is a terminal (a process's stdout or stderr at a TTY). */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
	return Boolean((stream as Partial<NodeJS.WriteStream>).isTTY);
}
