import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {Poller, type PollerOptions} from '../../source/sessions/poller.js';

interface Call {
	readonly request: string;
	readonly signal: AbortSignal;
	readonly at: number;
	resolve(value: string): void;
	reject(error: unknown): void;
}

/**
 * A poller over a fetch the test controls: 'manual' fetches wait for the test to settle them, 'ok' ones
 * succeed at once, 'fail' ones fail at once. Records calls, concurrency and everything the listener hears.
 */
function harness(options: Partial<PollerOptions> = {}, request = 'first') {
	const calls: Call[] = [];
	const results: string[] = [];
	const errors: Array<{message: string; failures: number}> = [];
	/** Delay from the moment of scheduling to the poll (null: not scheduled, paused). */
	const scheduled: Array<number | null> = [];
	let mode: 'manual' | 'ok' | 'fail' = 'manual';
	let inFlight = 0;
	let maxInFlight = 0;
	const fetch = (next: string, signal: AbortSignal) => {
		inFlight += 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		const promise = new Promise<string>((resolve, reject) => {
			calls.push({request: next, signal, at: Date.now(), resolve, reject});
			if (mode === 'ok') resolve(`result ${calls.length}`);
			if (mode === 'fail') reject(new Error(`failure ${calls.length}`));
		});
		return promise.finally(() => {
			inFlight -= 1;
		});
	};
	const poller = new Poller<string, string>(
		fetch,
		request,
		{
			onResult: (result) => results.push(result),
			onError: (error, _request, failures) => errors.push({message: (error as Error).message, failures}),
			onScheduled: (at) => scheduled.push(at === null ? null : at - Date.now()),
		},
		{intervalMs: 5000, ...options},
	);
	return {
		poller,
		calls,
		results,
		errors,
		scheduled,
		setMode(next: typeof mode) {
			mode = next;
		},
		get maxInFlight() {
			return maxInFlight;
		},
	};
}

/** Lets settled fetches reach the poller (and advances the fake clock, if asked). */
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
	vi.useFakeTimers({now: 0});
});

afterEach(() => {
	vi.useRealTimers();
});

describe('Poller', () => {
	it('never runs two fetches at once: a refresh during a slow fetch runs once, right after it', async () => {
		const h = harness();
		h.poller.start();
		expect(h.calls).toHaveLength(1);
		h.poller.refresh();
		h.poller.refresh();
		h.poller.refresh();
		await tick(10_000);
		expect(h.calls).toHaveLength(1);
		h.calls[0]!.resolve('slow');
		await tick();
		expect(h.results).toEqual(['slow']);
		expect(h.calls).toHaveLength(2);
		h.calls[1]!.resolve('again');
		await tick();
		expect(h.results).toEqual(['slow', 'again']);
		// No third: three refreshes asked for one fetch after the slow one.
		expect(h.calls).toHaveLength(2);
		expect(h.maxInFlight).toBe(1);
		h.poller.stop();
	});

	it('fetches the newest request after the one in flight', async () => {
		const h = harness();
		h.poller.start();
		h.poller.setRequest('second');
		h.poller.setRequest('third');
		h.calls[0]!.resolve('one');
		await tick();
		expect(h.calls.map((call) => call.request)).toEqual(['first', 'third']);
		h.poller.stop();
	});

	it('changes the request without fetching when not immediate', async () => {
		const h = harness();
		h.setMode('ok');
		h.poller.start();
		await tick();
		h.poller.setRequest('second', false);
		await tick(4999);
		expect(h.calls).toHaveLength(1);
		await tick(1);
		expect(h.calls.map((call) => call.request)).toEqual(['first', 'second']);
		h.poller.stop();
	});

	it('polls at the interval, counted from the end of the last fetch', async () => {
		const h = harness();
		h.poller.start();
		await tick(300);
		h.calls[0]!.resolve('one');
		await tick();
		expect(h.scheduled).toEqual([5000]);
		await tick(4999);
		expect(h.calls).toHaveLength(1);
		await tick(1);
		expect(h.calls).toHaveLength(2);
		expect(h.calls[1]!.at).toBe(5300);
		h.calls[1]!.resolve('two');
		await tick();
		expect(h.scheduled).toEqual([5000, 5000]);
		h.poller.stop();
	});

	it('replaces the pending timer on a refresh instead of adding a poll', async () => {
		const h = harness();
		h.setMode('ok');
		h.poller.start();
		await tick(1000);
		h.poller.refresh();
		await tick();
		expect(h.calls.map((call) => call.at)).toEqual([0, 1000]);
		await tick(4999);
		expect(h.calls).toHaveLength(2);
		await tick(1);
		expect(h.calls.map((call) => call.at)).toEqual([0, 1000, 6000]);
		h.poller.stop();
	});

	it('applies a new interval from now when idle', async () => {
		const h = harness();
		h.setMode('ok');
		h.poller.start();
		await tick(2000);
		h.poller.setInterval(1000);
		expect(h.scheduled.at(-1)).toBe(1000);
		await tick(1000);
		expect(h.calls.map((call) => call.at)).toEqual([0, 3000]);
		await tick(1000);
		expect(h.calls.map((call) => call.at)).toEqual([0, 3000, 4000]);
		h.poller.stop();
	});

	it('backs off 1 s, 2 s, 4 s … up to the cap after failures, and returns to the interval on success', async () => {
		const h = harness({maxBackoffMs: 10_000});
		h.setMode('fail');
		h.poller.start();
		await tick();
		for (const delay of [1000, 2000, 4000, 8000, 10_000]) await tick(delay);
		expect(h.scheduled).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
		expect(h.errors.map((error) => error.failures)).toEqual([1, 2, 3, 4, 5, 6]);
		expect(h.errors[0]!.message).toBe('failure 1');
		expect(h.calls.map((call) => call.at)).toEqual([0, 1000, 3000, 7000, 15_000, 25_000]);
		h.setMode('ok');
		await tick(10_000);
		expect(h.results).toEqual(['result 7']);
		expect(h.scheduled.at(-1)).toBe(5000);
		// Failures count from one again.
		h.setMode('fail');
		await tick(5000);
		expect(h.errors.at(-1)!.failures).toBe(1);
		expect(h.scheduled.at(-1)).toBe(1000);
		h.poller.stop();
	});

	it('caps the backoff at 30 s by default', async () => {
		const h = harness({intervalMs: 60_000});
		h.setMode('fail');
		h.poller.start();
		await tick();
		for (let step = 0; step < 8; step++) await tick(30_000);
		expect(Math.max(...h.scheduled.map(Number))).toBe(30_000);
		expect(h.scheduled.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000]);
		h.poller.stop();
	});

	it('reports errors to the listener instead of throwing, even for a fetch that throws synchronously', async () => {
		const errors: unknown[] = [];
		const poller = new Poller<string, string>(
			() => {
				throw new Error('sync');
			},
			'x',
			{onResult: () => undefined, onError: (error) => errors.push(error)},
			{intervalMs: 5000},
		);
		poller.start();
		await tick();
		expect(errors).toHaveLength(1);
		poller.stop();
	});

	it('stops timed polls while paused; a refresh still fetches; resuming polls at once', async () => {
		const h = harness();
		h.setMode('ok');
		h.poller.start();
		await tick();
		h.poller.setPaused(true);
		expect(h.scheduled).toEqual([5000, null]);
		await tick(60_000);
		expect(h.calls).toHaveLength(1);
		h.poller.refresh();
		await tick();
		expect(h.calls).toHaveLength(2);
		expect(h.results).toEqual(['result 1', 'result 2']);
		expect(h.scheduled.at(-1)).toBeNull();
		await tick(60_000);
		expect(h.calls).toHaveLength(2);
		h.poller.setPaused(false);
		expect(h.scheduled.at(-1)).toBe(0);
		await tick();
		expect(h.calls).toHaveLength(3);
		expect(h.scheduled.at(-1)).toBe(5000);
		h.poller.stop();
	});

	it('schedules nothing after a fetch that ends while paused', async () => {
		const h = harness();
		h.poller.start();
		h.poller.setPaused(true);
		h.calls[0]!.resolve('done');
		await tick(60_000);
		expect(h.calls).toHaveLength(1);
		expect(h.scheduled).toEqual([null, null]);
		h.poller.stop();
	});

	it('ignores an interval change while paused', async () => {
		const h = harness();
		h.setMode('ok');
		h.poller.start();
		await tick();
		h.poller.setPaused(true);
		h.poller.setInterval(1000);
		await tick(10_000);
		expect(h.calls).toHaveLength(1);
		h.poller.stop();
	});

	it('after stop(), aborts the fetch in flight and neither fetches nor reports again', async () => {
		const h = harness();
		h.poller.start();
		const call = h.calls[0]!;
		h.poller.stop();
		expect(h.poller.stopped).toBe(true);
		expect(call.signal.aborted).toBe(true);
		call.resolve('late');
		await tick();
		h.poller.refresh();
		h.poller.setRequest('other');
		h.poller.setPaused(false);
		h.poller.setInterval(100);
		await tick(120_000);
		expect(h.calls).toHaveLength(1);
		expect(h.results).toEqual([]);
		expect(h.errors).toEqual([]);
	});

	it('reports no failure that arrives after stop()', async () => {
		const h = harness();
		h.poller.start();
		h.poller.stop();
		h.calls[0]!.reject(new Error('late'));
		await tick(60_000);
		expect(h.errors).toEqual([]);
		expect(h.calls).toHaveLength(1);
	});

	it('cancels the pending timer on stop()', async () => {
		const h = harness();
		h.setMode('ok');
		h.poller.start();
		await tick();
		h.poller.stop();
		await tick(60_000);
		expect(h.calls).toHaveLength(1);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('stops when its AbortSignal aborts', async () => {
		const controller = new AbortController();
		const h = harness({signal: controller.signal});
		h.setMode('ok');
		h.poller.start();
		await tick();
		controller.abort();
		expect(h.poller.stopped).toBe(true);
		await tick(60_000);
		expect(h.calls).toHaveLength(1);
	});

	it('reports when each poll is due as a time on its clock', async () => {
		const times: Array<number | null> = [];
		let now = 1_000_000;
		const poller = new Poller<string, string>(
			async () => 'ok',
			'x',
			{onResult: () => undefined, onError: () => undefined, onScheduled: (at) => times.push(at)},
			{intervalMs: 5000, now: () => now},
		);
		poller.start();
		await tick();
		expect(times).toEqual([1_005_000]);
		now = 1_002_000;
		poller.setInterval(10_000);
		expect(times).toEqual([1_005_000, 1_012_000]);
		poller.setPaused(true);
		expect(times.at(-1)).toBeNull();
		poller.stop();
	});
});
