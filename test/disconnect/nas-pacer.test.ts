import {describe, expect, it} from 'vitest';
import {NasPacer} from '../../source/disconnect/nas-pacer.js';
import {FakeClock} from '../helpers/fake-clock.js';

/** Lets the promise callbacks of resolved takes run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `count` takes for each NAS, recording the clock's time of each start. */
function queue(pacer: NasPacer, clock: FakeClock, counts: Readonly<Record<string, number>>) {
	const starts: Record<string, number[]> = Object.fromEntries(Object.keys(counts).map((nas) => [nas, []]));
	const order: string[] = [];
	const answers: Array<Promise<boolean>> = [];
	for (const [nas, count] of Object.entries(counts)) {
		for (let index = 0; index < count; index++) {
			const taken = pacer.take(nas);
			answers.push(taken);
			void taken.then((ok) => {
				if (!ok) return;
				starts[nas]!.push(clock.now());
				order.push(nas);
			});
		}
	}
	return {starts, order, answers};
}

/** Starts in any window of 1000 ms, at most. */
function mostPerSecond(times: readonly number[]): number {
	return Math.max(0, ...times.map((at) => times.filter((other) => other >= at && other < at + 1000).length));
}

/** Runs the clock `ms` in steps of 10 ms, letting the takes' callbacks run after each. */
async function run(clock: FakeClock, ms: number): Promise<void> {
	for (let step = 0; step < ms; step += 10) {
		clock.advance(10);
		await settle();
	}
}

describe('NasPacer', () => {
	it('keeps one NAS to its own rate while nothing else asks, far below the overall cap', async () => {
		const clock = new FakeClock();
		const pacer = new NasPacer({ratePerSecond: 1000, ratePerNas: 20, burstPerNas: 2, clock});
		const {starts} = queue(pacer, clock, {'10.0.0.1': 100});
		await settle();
		expect(starts['10.0.0.1']).toEqual([0, 0]);
		await run(clock, 3000);
		// The burst of 2, then one every 50 ms: 2 + 3000 / 50.
		expect(starts['10.0.0.1']).toHaveLength(62);
		expect(mostPerSecond(starts['10.0.0.1']!)).toBeLessThanOrEqual(22);
	});

	it("shares the overall rate among the NAS in turn, however long each one's queue", async () => {
		const clock = new FakeClock();
		const pacer = new NasPacer({ratePerSecond: 30, burst: 1, clock});
		const {starts, order} = queue(pacer, clock, {a: 300, b: 30, c: 30});
		await run(clock, 2000);
		// 1 + 2 s at 30/s (a timer rounded up to the next ms may lose one or two), in turns a, b, c.
		expect(order.length).toBeGreaterThanOrEqual(58);
		expect(order.length).toBeLessThanOrEqual(61);
		expect(order.slice(0, 9)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
		const counts = [starts['a']!.length, starts['b']!.length, starts['c']!.length];
		expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
		await run(clock, 2000);
		// b and c are done after 30 each: a takes the whole overall rate from then on, never more.
		expect([starts['b']!.length, starts['c']!.length]).toEqual([30, 30]);
		expect(mostPerSecond([...starts['a']!, ...starts['b']!, ...starts['c']!])).toBeLessThanOrEqual(31);
		expect(starts['a']!.length).toBeGreaterThanOrEqual(121 - 60 - 4);
	});

	it('gives the overall rate to the NAS that can start when another is held by its own cap', async () => {
		const clock = new FakeClock();
		// 3 NAS at most 5/s each under an overall 12/s: the slow one cannot use its turns, the others get them.
		const pacer = new NasPacer({ratePerSecond: 12, burst: 1, ratePerNas: 5, burstPerNas: 1, clock});
		const {starts} = queue(pacer, clock, {a: 100, b: 100, c: 100});
		await run(clock, 5000);
		for (const nas of ['a', 'b', 'c']) expect(mostPerSecond(starts[nas]!), nas).toBeLessThanOrEqual(6);
		const all = [...starts['a']!, ...starts['b']!, ...starts['c']!];
		expect(mostPerSecond(all)).toBeLessThanOrEqual(13);
		// 12/s overall is within reach of three NAS at 5/s each: the overall cap is the one that binds.
		expect(all.length).toBeGreaterThanOrEqual(5 * 12 - 1);
	});

	it('lets a NAS that asks seldom start at once, not behind the queue of a busy one', async () => {
		const clock = new FakeClock();
		const pacer = new NasPacer({ratePerSecond: 10, burst: 1, ratePerNas: 10, clock});
		const busy = queue(pacer, clock, {busy: 200});
		await run(clock, 1000);
		const before = busy.starts['busy']!.length;
		const quiet = queue(pacer, clock, {quiet: 1});
		await run(clock, 250);
		// The quiet NAS's one request waited its turn (one start of the busy NAS), not the busy NAS's 190 left.
		expect(quiet.starts['quiet']).toHaveLength(1);
		expect(quiet.starts['quiet']![0]).toBeLessThanOrEqual(1220);
		expect(busy.starts['busy']!.length - before).toBeLessThanOrEqual(2);
	});

	it('without any cap, every take starts at once', async () => {
		const clock = new FakeClock();
		const pacer = new NasPacer({clock});
		const {starts} = queue(pacer, clock, {a: 50, b: 50});
		await settle();
		expect(starts['a']).toHaveLength(50);
		expect(starts['b']).toHaveLength(50);
		expect(clock.pending).toBe(0);
	});

	it('answers false to every waiting and later take once aborted, and leaves no timer', async () => {
		const clock = new FakeClock();
		const controller = new AbortController();
		const pacer = new NasPacer({ratePerNas: 1, clock, signal: controller.signal});
		const {answers, starts} = queue(pacer, clock, {a: 5, b: 5});
		await settle();
		expect(starts['a']).toHaveLength(1);
		controller.abort();
		const results = await Promise.all(answers);
		expect(results.filter(Boolean)).toHaveLength(2);
		expect(await pacer.take('a')).toBe(false);
		expect(clock.pending).toBe(0);
	});

	it('refuses a rate or burst that is not a positive number', () => {
		expect(() => new NasPacer({ratePerSecond: 0})).toThrow(RangeError);
		expect(() => new NasPacer({ratePerNas: Number.NaN})).toThrow(RangeError);
		expect(() => new NasPacer({ratePerNas: 5, burstPerNas: 0.5})).toThrow(RangeError);
	});
});
