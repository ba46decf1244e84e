import {describe, expect, it} from 'vitest';
import {fit, stringWidth, truncate} from '../../source/terminal/text.js';

describe('truncate', () => {
	it('leaves text that fits alone', () => {
		expect(truncate('alice', 5)).toBe('alice');
		expect(truncate('alice', 10)).toBe('alice');
		expect(truncate('', 3)).toBe('');
	});

	it('cuts to the width with an ellipsis', () => {
		expect(truncate('alice@isp.example', 8)).toBe('alice@i…');
		expect(stringWidth(truncate('alice@isp.example', 8))).toBe(8);
	});

	it('gives an ellipsis alone at width 1 and nothing at 0 or less', () => {
		expect(truncate('alice', 1)).toBe('…');
		expect(truncate('alice', 0)).toBe('');
		expect(truncate('alice', -3)).toBe('');
	});

	it('counts CJK characters as two columns', () => {
		expect(stringWidth('日本語テキスト')).toBe(14);
		expect(truncate('日本語テキスト', 7)).toBe('日本語…');
		// A wide character that would straddle the edge is left out, never split.
		expect(truncate('日本語テキスト', 6)).toBe('日本…');
		expect(stringWidth(truncate('日本語テキスト', 6))).toBe(5);
		expect(truncate('ab日本', 4)).toBe('ab…');
	});

	it('keeps emoji and grapheme clusters whole', () => {
		expect(stringWidth('👍')).toBe(2);
		expect(truncate('👍👍👍', 5)).toBe('👍👍…');
		const family = '👨‍👩‍👧';
		expect(truncate(`ab${family}cd`, 5)).toBe(`ab${family}…`);
		expect(truncate(`ab${family}cd`, 4)).toBe('ab…');
		expect(truncate('🇯🇵🇫🇷', 3)).toBe('🇯🇵…');
		expect(truncate('café\u0301s and more', 5)).toBe('café\u0301…');
	});
});

describe('fit', () => {
	it('pads on the right for left-aligned cells and on the left for right-aligned ones', () => {
		expect(fit('bob', 6)).toBe('bob   ');
		expect(fit('1.2G', 6, 'right')).toBe('  1.2G');
	});

	it('truncates text that does not fit, to exactly the width', () => {
		expect(fit('alice@isp.example', 8)).toBe('alice@i…');
		expect(fit('alice@isp.example', 8, 'right')).toBe('alice@i…');
	});

	it('pads by display width, not by string length', () => {
		expect(fit('日本', 6)).toBe('日本  ');
		expect(stringWidth(fit('日本', 6))).toBe(6);
		expect(fit('日本語', 5)).toBe('日本…');
		// 日本 and the ellipsis take 5 columns; a third wide character would not fit: one space pads.
		expect(fit('日本語テ', 6)).toBe('日本… ');
		expect(fit('日本語テ', 6, 'right')).toBe(' 日本…');
		expect(fit('👍', 3, 'right')).toBe(' 👍');
	});

	it('always comes out exactly as wide as asked', () => {
		const samples = ['', 'a', 'alice@isp.example', '日本語テキスト', '👨‍👩‍👧 family', 'x👍y日z'];
		for (const text of samples) {
			for (let width = 0; width <= 20; width++) {
				expect(stringWidth(fit(text, width)), `${text} at ${width}`).toBe(width);
				expect(stringWidth(fit(text, width, 'right')), `${text} at ${width}`).toBe(width);
			}
		}
	});
});
