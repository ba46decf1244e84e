/** `--rate` over several sites (pure): the sites' parts share it by their sessions and together keep within it. */
import {describe, expect, it} from 'vitest';
import {shareRate} from '../../source/disconnect/sites-disconnect.js';

describe('shareRate', () => {
	it('shares the rate by sessions, never above it together, each part at least 1 a second', () => {
		expect(shareRate(500, [300, 100])).toEqual([375, 125]);
		expect(shareRate(100, [1, 1, 1])).toEqual([33, 33, 33]);
		const shares = shareRate(500, [9_999, 1]);
		expect(shares).toEqual([499, 1]);
		expect(shares.reduce((sum, rate) => sum! + rate!, 0)).toBeLessThanOrEqual(500);
	});

	it('a part with no session keeps 1; no rate leaves every part without one', () => {
		expect(shareRate(10, [5, 0])).toEqual([10, 1]);
		expect(shareRate(undefined, [5, 5])).toEqual([undefined, undefined]);
	});
});
