import {describe, expect, it} from 'vitest';
import {hasUnsafeCharacters, MAX_COMBINING_MARKS, sanitize} from '../../source/terminal/sanitize.js';

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
			(code >= 0xe0000 && code <= 0xe007f) ||
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
	['tag characters', 'admin\u{E0041}\u{E0042}', 'admin\\u{e0041}\\u{e0042}'],
	['tag cancel', 'a\u{E007F}', 'a\\u{e007f}'],
	['language tag', '\u{E0001}x', '\\u{e0001}x'],
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

	it('shows every tag character visibly, so hidden ASCII cannot ride along in a name', () => {
		let hidden = '';
		for (let code = 0xe0000; code <= 0xe007f; code++) hidden += String.fromCodePoint(code);
		const output = sanitize(`bob${hidden}`);
		expect(unsafeCodePoints(output)).toEqual([]);
		expect(output).toMatch(/^bob(\\u\{e00[0-7][0-9a-f]\})+$/);
		expect(output.match(/\\u\{/g)).toHaveLength(0x80);
		// An emoji flag of a subdivision is made of tag characters too; it is shown as its escapes.
		expect(sanitize('\u{1F3F4}\u{E0067}\u{E0062}\u{E007F}')).toBe('\u{1F3F4}\\u{e0067}\\u{e0062}\\u{e007f}');
	});

	it('keeps at most four combining marks on a character and counts the rest', () => {
		const pile = `a${'\u0301'.repeat(5000)}b`;
		const output = sanitize(pile);
		expect(output).toBe(`a${'\u0301'.repeat(MAX_COMBINING_MARKS)}[+4996 marks]b`);
		expect(output.length).toBeLessThan(30);
		expect(hasUnsafeCharacters(pile)).toBe(true);
		// Each base character has its own allowance; mixed marks count together.
		expect(sanitize(`x\u0300\u0301\u0302\u0303\u0304y\u0308\u0308`)).toBe('x\u0300\u0301\u0302\u0303[+1 marks]y\u0308\u0308');
		// Real text with a few marks is left alone: Vietnamese, decomposed accents, Hindi, Hebrew with points.
		for (const text of ['Nguyễn', 'Zoe\u0308', 'e\u0301\u0302\u0323\u0304', 'हिन्दी', 'שָׁלוֹם']) {
			expect(sanitize(text)).toBe(text);
			expect(hasUnsafeCharacters(text)).toBe(false);
		}
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
