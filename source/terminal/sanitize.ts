/**
 * Makes text from the database safe to write to a terminal. A username, MAC or NAS name is attacker-chosen
 * (a CPE sends whatever User-Name it likes), so every C0/C1 control character, DEL, and the Unicode
 * characters that reorder or hide text are replaced by a visible escape: ESC becomes the four characters
 * `\x1b`, so `ESC ] 52 ; c ; ... BEL` can no longer reach the clipboard, retitle the window, move the
 * cursor or clear the screen; it shows up as text instead. A pile of combining marks on one character
 * (thousands of them, redrawn every frame) is cut to the first few and a visible count of the rest.
 */

const NAMED: Record<string, string> = {
	'\n': '\\n',
	'\r': '\\r',
	'\t': '\\t',
};

/** Combining marks kept on one base character; the rest of the run is dropped and counted (`[+N marks]`). */
export const MAX_COMBINING_MARKS = 4;

// C0 controls, DEL, C1 controls (U+0080-U+009F: 8-bit CSI/OSC/DCS), bidi embeddings/overrides/isolates
// (and the Arabic letter mark U+061C), zero-width and invisible format characters (soft hyphen U+00AD,
// combining grapheme joiner U+034F, Mongolian vowel separator U+180E), the Hangul fillers that render as
// blank (U+115F, U+1160, U+3164, U+FFA0), line/paragraph separators, BOM, the tag characters
// (U+E0000-U+E007F: invisible copies of ASCII that can smuggle text); then a run of more than
// MAX_COMBINING_MARKS combining marks.
/**
 * The characters past C0 that a terminal acts on or does not show, as the inside of a regular-expression class
 * (with the `u` flag): what JSON.stringify leaves raw and `json-output.ts` escapes.
 */
export const INVISIBLE_CHARACTER_RANGES = String.raw`\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}`;

const UNSAFE = new RegExp(
	// eslint-disable-next-line no-misleading-character-class -- matching these characters one by one is the point
	String.raw`[\u0000-\u001f${INVISIBLE_CHARACTER_RANGES}]|\p{M}{${MAX_COMBINING_MARKS + 1},}`,
	'gu',
);

function visible(match: string): string {
	const named = NAMED[match];
	if (named) return named;
	const code = match.codePointAt(0) ?? 0;
	const marks = [...match];
	if (marks.length > 1) {
		// A run of combining marks.
		return `${marks.slice(0, MAX_COMBINING_MARKS).join('')}[+${marks.length - MAX_COMBINING_MARKS} marks]`;
	}
	if (code > 0xffff) return `\\u{${code.toString(16)}}`;
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character shown as an escape; null and undefined become ''. */
export function sanitize(text: string | null | undefined): string {
	if (text === null || text === undefined) return '';
	return text.replace(UNSAFE, visible);
}

/** True when `sanitize` would change the text. */
export function hasUnsafeCharacters(text: string): boolean {
	UNSAFE.lastIndex = 0;
	const found = UNSAFE.test(text);
	UNSAFE.lastIndex = 0;
	return found;
}
