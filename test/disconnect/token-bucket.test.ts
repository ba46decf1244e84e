import {describe, expect, it} from 'vitest';
import {TokenBucket} from '../../source/disconnect/token-bucket.js';

describe('TokenBucket', () => {
	it('lets a burst through at once, then paces to the rate', async () => {
		const bucket = new TokenBucket(50, {burst: 2});
		const started = performance.now();
		const taken = await Promise.all(Array.from({length: 12}, () => bucket.take()));
		expect(taken.every(Boolean)).toBe(true);
		// 10 tokens beyond the burst of 2, at 50 per second: about 200 ms.
		expect(performance.now() - started).toBeGreaterThanOrEqual(180);
	});

	it('answers false to waiters once the signal aborts, and at once when it already has', async () => {
		const controller = new AbortController();
		const bucket = new TokenBucket(1, {burst: 1, signal: controller.signal});
		expect(await bucket.take()).toBe(true);
		const waiting = Array.from({length: 40}, () => bucket.take());
		controller.abort();
		expect(await Promise.all(waiting)).toEqual(Array.from({length: 40}, () => false));
		expect(await bucket.take()).toBe(false);
	});

	it('refuses a rate that is not positive', () => {
		expect(() => new TokenBucket(0)).toThrow(RangeError);
		expect(() => new TokenBucket(Number.NaN)).toThrow(RangeError);
	});
});
