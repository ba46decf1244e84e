import {describe, expect, it} from 'vitest';
import {hasUnsafeCharacters, sanitize} from '../../source/terminal/sanitize.js';

/** Format characters and fillers outside the ranges above that render as nothing or reorder text. */
const INVISIBLE_EXTRA = [0x061c, 0x00ad, 0x034f, 0x115f, 0x1160, 0x180e, 0x3164, 0xffa0];

/** Every code point that must never reach the terminal raw. */
function unsafeCodePoints(text: string): number[] {
	const bad: number[] = [];
	for (const character of text) {
		const code = character.codePointAt(0)!;
		const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
		const bidiOrInvisible =
			(code >= 0x200b && code <= 0x200f) ||
			(code >= 0x2028 && code <= 0x202e) ||
			(code >= 0x2060 && code <= 0x2064) ||
			(code >= 0x2066 && code <= 0x2069) ||
			code === 0xfeff ||
			INVISIBLE_EXTRA.includes(code);
		if (control || bidiOrInvisible) bad.push(code);
	}
	return bad;
}

const HOSTILE: ReadonlyArray<readonly [name: string, input: string, shown: string]> = [
	['OSC 52 clipboard write', '\x1b]52;c;aGVsbG8=\x07', '\\x1b]52;c;aGVsbG8=\\x07'],
	['clear screen', '\x1b[2J', '\\x1b[2J'],
	['window title', '\x1b]0;owned\x07', '\\x1b]0;owned\\x07'],
	['carriage return', 'a\rb', 'a\\rb'],
	['line feed', 'a\nb', 'a\\nb'],
	['tab', 'a\tb', 'a\\tb'],
	['NUL', 'a\0b', 'a\\x00b'],
	['DEL', 'a\x7fb', 'a\\x7fb'],
	['C1 CSI', '\x9b2J', '\\x9b2J'],
	['C1 OSC', '\x9d0;owned\x9c', '\\x9d0;owned\\x9c'],
	['right-to-left override', 'admin\u202Egnp.exe', 'admin\\u202egnp.exe'],
	['left-to-right isolate', 'a\u2066b\u2069', 'a\\u2066b\\u2069'],
	['zero-width space', 'ali\u200Bce', 'ali\\u200bce'],
	['zero-width joiner', 'a\u200Db', 'a\\u200db'],
	['word joiner', 'a\u2060b', 'a\\u2060b'],
	['line separator', 'a\u2028b', 'a\\u2028b'],
	['byte order mark', '\uFEFFalice', '\\ufeffalice'],
	['Arabic letter mark', 'a\u061Cb', 'a\\u061cb'],
	['soft hyphen', 'ad\u00ADmin', 'ad\\xadmin'],
	['combining grapheme joiner', 'a\u034Fb', 'a\\u034fb'],
	['Hangul choseong filler', 'a\u115Fb', 'a\\u115fb'],
	['Hangul jungseong filler', 'a\u1160b', 'a\\u1160b'],
	['Mongolian vowel separator', 'a\u180Eb', 'a\\u180eb'],
	['Hangul filler', '\u3164alice', '\\u3164alice'],
	['halfwidth Hangul filler', 'alice\uFFA0', 'alice\\uffa0'],
];

describe('sanitize', () => {
	it.each(HOSTILE)('shows %s visibly', (_name, input, shown) => {
		const output = sanitize(input);
		expect(output).toBe(shown);
		expect(unsafeCodePoints(output)).toEqual([]);
		expect(hasUnsafeCharacters(input)).toBe(true);
		expect(hasUnsafeCharacters(output)).toBe(false);
	});

	it('neutralises every C0, DEL and C1 character, one escape each', () => {
		let all = '';
		for (let code = 0; code < 0x20; code++) all += String.fromCharCode(code);
		for (let code = 0x7f; code <= 0x9f; code++) all += String.fromCharCode(code);
		const output = sanitize(all);
		expect(unsafeCodePoints(output)).toEqual([]);
		expect(output).toContain('\\x1b');
		expect(output).toContain('\\x00');
		expect(output).toContain('\\x9f');
		// Everything printable now: only backslashes, letters and digits.
		expect(output).toMatch(/^[\\a-z0-9]+$/);
	});

	it('neutralises a whole attack string built from all the hostile parts', () => {
		const attack = HOSTILE.map(([, input]) => input).join('');
		const output = sanitize(attack);
		expect(unsafeCodePoints(output)).toEqual([]);
		expect(output).not.toContain('\x1b');
		expect(output).toContain('\\x1b]52;c;');
	});

	it('leaves ordinary text alone, including UTF-8 names, emoji and backslashes', () => {
		for (const text of [
			'alice@isp.example',
			'Zoë',
			'李雷',
			'Ørjan Ødegård',
			'שלום',
			'🚀 user 🎉',
			'C:\\Users\\bob',
			'already \\x1b escaped',
			'AA:BB:CC:DD:EE:FF',
			'',
		]) {
			expect(sanitize(text)).toBe(text);
		}
		// The zero-width joiner inside an emoji sequence is shown, since it can hide text elsewhere.
		expect(sanitize('👩\u200D💻')).toBe('👩\\u200d💻');
	});

	it('escapes each invisible format character and filler, one escape each', () => {
		for (const code of INVISIBLE_EXTRA) {
			const character = String.fromCodePoint(code);
			const escape = code <= 0xff ? `\\x${code.toString(16)}` : `\\u${code.toString(16).padStart(4, '0')}`;
			expect(sanitize(`x${character}y`)).toBe(`x${escape}y`);
			expect(hasUnsafeCharacters(character)).toBe(true);
		}
		// Their visible neighbours stay as they are.
		for (const text of ['ال', 'ㄱ', '가', 'ᠠ', 'ｱ', '-']) expect(sanitize(text)).toBe(text);
	});

	it('turns null and undefined into the empty string', () => {
		expect(sanitize(null)).toBe('');
		expect(sanitize(undefined)).toBe('');
	});

	it('hasUnsafeCharacters is stable across calls (no global-regex lastIndex carry-over)', () => {
		expect(hasUnsafeCharacters('x\x1b')).toBe(true);
		expect(hasUnsafeCharacters('x\x1b')).toBe(true);
		expect(hasUnsafeCharacters('plain')).toBe(false);
		expect(hasUnsafeCharacters('\x1b')).toBe(true);
	});
});
