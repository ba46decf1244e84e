import {describe, expect, it} from 'vitest';
import {isTerminal, jsonForOutput} from '../../source/terminal/json-output.js';

/** Code points a terminal must not receive raw: C0 but newline, DEL, C1, bidi, zero-width, tag characters. */
function rawControls(text: string): number[] {
	const bad: number[] = [];
	for (const character of text) {
		const code = character.codePointAt(0)!;
		if (
			(code < 0x20 && code !== 0x0a) ||
			(code >= 0x7f && code <= 0x9f) ||
			(code >= 0x200b && code <= 0x200f) ||
			(code >= 0x202a && code <= 0x202e) ||
			(code >= 0x2066 && code <= 0x2069) ||
			code === 0x2060 ||
			code === 0x061c ||
			code === 0xfeff ||
			(code >= 0xe0000 && code <= 0xe007f)
		)
			bad.push(code);
	}
	return bad;
}

const HOSTILE = {
	username: 'alice\u009b2J\u009d0;owned\u009c',
	nas: 'bng\u202Egnp\u2066x\u2069\u200E\u200F\u061C',
	hidden: 'a\u200Bb\u200Cc\u200Dd\u2060e\uFEFF',
	tags: 'admin\u{E0041}\u{E0042}\u{E007F}',
	c0: 'x\x1b]52;c;aGk=\x07\r\n\t',
	del: 'a\x7fb',
	backslash: 'C:\\\u009b',
	nested: [{'key\u202E': 'v\u{E0001}'}],
	number: 5,
	nothing: null,
};

describe('jsonForOutput', () => {
	it('to a pipe is JSON.stringify, indented, with a newline', () => {
		expect(jsonForOutput(HOSTILE, false)).toBe(`${JSON.stringify(HOSTILE, null, 2)}\n`);
		expect(jsonForOutput(HOSTILE, undefined)).toBe(`${JSON.stringify(HOSTILE, null, 2)}\n`);
	});

	it('to a terminal escapes C1, bidi, zero-width and tag characters, and still parses to the same value', () => {
		const text = jsonForOutput(HOSTILE, true);
		expect(rawControls(text)).toEqual([]);
		expect(JSON.parse(text)).toEqual(HOSTILE);
		expect(text).toContain('"alice\\u009b2J\\u009d0;owned\\u009c"');
		expect(text).toContain('bng\\u202egnp\\u2066x\\u2069\\u200e\\u200f\\u061c');
		expect(text).toContain('a\\u200bb\\u200cc\\u200dd\\u2060e\\ufeff');
		// An astral tag character becomes its surrogate pair.
		expect(text).toContain('admin\\udb40\\udc41\\udb40\\udc42\\udb40\\udc7f');
		// C0 was escaped by JSON.stringify already; DEL is escaped too.
		expect(text).toContain('x\\u001b]52;c;aGk=\\u0007\\r\\n\\t');
		expect(text).toContain('a\\u007fb');
		// Indentation is unchanged: the same lines as for a pipe.
		expect(text.split('\n')).toHaveLength(jsonForOutput(HOSTILE, false).split('\n').length);
	});

	it('leaves ordinary text alone on a terminal too', () => {
		const value = {name: 'Zoë 李雷 🚀 שלום', path: 'C:\\Users'};
		expect(jsonForOutput(value, true)).toBe(jsonForOutput(value, false));
	});
});

describe('isTerminal', () => {
	it('reads isTTY', () => {
		expect(isTerminal({isTTY: true} as unknown as NodeJS.WritableStream)).toBe(true);
		expect(isTerminal({} as NodeJS.WritableStream)).toBe(false);
	});
});
