import {describe, expect, it} from 'vitest';
import {TokenBucket} from '../../source/disconnect/token-bucket.js';
import {FakeClock} from '../helpers/fake-clock.js';

/** Lets the promise callbacks of resolved takes run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TokenBucket', () => {
	it('lets a burst through at once, then paces to the rate', async () => {
		const clock = new FakeClock();
		const bucket = new TokenBucket(50, {burst: 2, clock});
		const taken: number[] = [];
		const takes = Array.from({length: 12}, (_, index) => bucket.take().then((ok) => ok && taken.push(index)));
		await settle();
		expect(taken).toEqual([0, 1]);
		// 50 per second: one more token every 20 ms, in the order asked.
		clock.advance(19);
		await settle();
		expect(taken).toHaveLength(2);
		clock.advance(1);
		await settle();
		expect(taken).toEqual([0, 1, 2]);
		clock.advance(179);
		await settle();
		expect(taken).toHaveLength(11);
		clock.advance(1);
		await Promise.all(takes);
		expect(taken).toEqual(Array.from({length: 12}, (_, index) => index));
		expect(clock.pending).toBe(0);
	});

	it('refills while idle, up to the burst', async () => {
		const clock = new FakeClock();
		const bucket = new TokenBucket(10, {burst: 3, clock});
		for (let index = 0; index < 3; index++) expect(await bucket.take()).toBe(true);
		clock.advance(10_000);
		const taken: boolean[] = [];
		for (let index = 0; index < 4; index++) void bucket.take().then((ok) => taken.push(ok));
		await settle();
		expect(taken).toEqual([true, true, true]);
		clock.advance(100);
		await settle();
		expect(taken).toEqual([true, true, true, true]);
	});

	it('answers false to waiters once the signal aborts, and at once when it already has', async () => {
		const clock = new FakeClock();
		const controller = new AbortController();
		const bucket = new TokenBucket(1, {burst: 1, signal: controller.signal, clock});
		expect(await bucket.take()).toBe(true);
		const waiting = Array.from({length: 40}, () => bucket.take());
		controller.abort();
		expect(await Promise.all(waiting)).toEqual(Array.from({length: 40}, () => false));
		expect(await bucket.take()).toBe(false);
		expect(clock.pending).toBe(0);
	});

	it('refuses a rate that is not positive', () => {
		expect(() => new TokenBucket(0)).toThrow(RangeError);
		expect(() => new TokenBucket(Number.NaN)).toThrow(RangeError);
	});
});
