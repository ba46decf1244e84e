/**
 * Paces the requests of a bulk disconnect per NAS and overall: each NAS has its own token bucket (its rate cap)
 * and all of them share one more (the overall cap). A request starts when both have a token. The NAS waiting
 * for a start take turns (round robin), so a NAS with a long queue does not take the overall rate from the
 * others, and a NAS held back by its own cap (or not asking, e.g. because its requests wait for a NAS that does
 * not answer) leaves the overall tokens to the others: nobody waits behind a NAS that cannot start, and no NAS
 * starts faster than its own cap however idle the others are.
 *
 * How many requests are in flight on a NAS is the executor's (a window per NAS); this only says when one may start.
 */
import {SYSTEM_CLOCK, type BucketClock} from './token-bucket.js';

/** Options of {@link NasPacer}. */
export interface NasPacerOptions {
	/** Requests started per second, all NAS together; undefined: no overall cap. */
	readonly ratePerSecond?: number;
	/** Requests started per second on any one NAS; undefined: no cap per NAS. */
	readonly ratePerNas?: number;
	/** Overall tokens available at once; default a tenth of a second's worth, at least 1. */
	readonly burst?: number;
	/** Tokens of one NAS available at once; default a tenth of a second's worth, at least 1. */
	readonly burstPerNas?: number;
	/** Once aborted, every waiting and later {@link NasPacer.take} answers false. */
	readonly signal?: AbortSignal;
	/** Default {@link SYSTEM_CLOCK}. */
	readonly clock?: BucketClock;
}

/** One bucket's tokens; refilled lazily from the time passed. */
class Tokens {
	readonly rate: number;
	readonly burst: number;
	#tokens: number;
	#at: number;

	constructor(rate: number, burst: number, now: number) {
		this.rate = rate;
		this.burst = burst;
		this.#tokens = burst;
		this.#at = now;
	}

	has(now: number): boolean {
		this.#refill(now);
		return this.#tokens >= 1;
	}

	take(): void {
		this.#tokens -= 1;
	}

	/** Milliseconds until a token is there (0 when one is). */
	waitMs(now: number): number {
		this.#refill(now);
		return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.rate) * 1000;
	}

	#refill(now: number): void {
		this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate);
		this.#at = now;
	}
}

function checkRate(rate: number | undefined, what: string): void {
	if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) throw new RangeError(`${what} must be a positive number, got ${rate}`);
}

function burstOf(rate: number, burst: number | undefined, what: string): number {
	const value = burst ?? Math.max(1, Math.ceil(rate / 10));
	if (!(Number.isFinite(value) && value >= 1)) throw new RangeError(`${what} must be at least 1, got ${value}`);
	return value;
}

/** Says when the next request to a NAS may start, by the overall cap and that NAS's own. */
export class NasPacer {
	readonly #clock: BucketClock;
	readonly #signal: AbortSignal | undefined;
	readonly #overall: Tokens | undefined;
	readonly #ratePerNas: number | undefined;
	readonly #burstPerNas: number;
	readonly #perNas = new Map<string, Tokens>();
	/** The NAS waiting for a start, each with its callers in order. */
	readonly #waiting = new Map<string, Array<(taken: boolean) => void>>();
	/** Every NAS that ever waited, in the order of its first wait: the turns go round it. */
	readonly #ring: string[] = [];
	/** Where in the ring the last start went: the next turn is the NAS after it. */
	#last = -1;
	#timer: unknown;
	#timerDue = Number.POSITIVE_INFINITY;

	/** Throws RangeError for a rate or burst that is not a positive number. */
	constructor(options: NasPacerOptions = {}) {
		checkRate(options.ratePerSecond, 'the rate');
		checkRate(options.ratePerNas, 'the rate per NAS');
		this.#clock = options.clock ?? SYSTEM_CLOCK;
		this.#signal = options.signal;
		const now = this.#clock.now();
		this.#overall =
			options.ratePerSecond === undefined
				? undefined
				: new Tokens(options.ratePerSecond, burstOf(options.ratePerSecond, options.burst, 'the burst'), now);
		this.#ratePerNas = options.ratePerNas;
		this.#burstPerNas = options.ratePerNas === undefined ? 1 : burstOf(options.ratePerNas, options.burstPerNas, 'the burst per NAS');
		// One listener for all waiters: a listener per waiter would trip Node's MaxListenersExceededWarning.
		this.#signal?.addEventListener('abort', () => this.#release(), {once: true});
	}

	/** Resolves true once a request to `nas` may start, or false when the signal has aborted. Never rejects. */
	take(nas: string): Promise<boolean> {
		if (this.#signal?.aborted) return Promise.resolve(false);
		return new Promise((resolve) => {
			let queue = this.#waiting.get(nas);
			if (queue === undefined) {
				this.#waiting.set(nas, (queue = []));
				if (!this.#ring.includes(nas)) this.#ring.push(nas);
			}
			queue.push(resolve);
			this.#dispatch();
		});
	}

	#bucketOf(nas: string, now: number): Tokens | undefined {
		if (this.#ratePerNas === undefined) return undefined;
		let bucket = this.#perNas.get(nas);
		if (bucket === undefined) this.#perNas.set(nas, (bucket = new Tokens(this.#ratePerNas, this.#burstPerNas, now)));
		return bucket;
	}

	/** Starts every waiter that both caps allow, NAS by NAS in turn; then sets the timer for the next one. */
	#dispatch(): void {
		const now = this.#clock.now();
		for (;;) {
			if (this.#waiting.size === 0) break;
			if (this.#overall !== undefined && !this.#overall.has(now)) break;
			const nas = this.#nextReady(now);
			if (nas === undefined) break;
			this.#overall?.take();
			this.#bucketOf(nas, now)?.take();
			const queue = this.#waiting.get(nas)!;
			const resolve = queue.shift()!;
			if (queue.length === 0) this.#waiting.delete(nas);
			resolve(true);
		}
		this.#schedule(now);
	}

	/** The next NAS in turn with a waiter and a token of its own; its turn passes. */
	#nextReady(now: number): string | undefined {
		const count = this.#ring.length;
		for (let step = 0; step < count; step++) {
			const index = (this.#last + 1 + step) % count;
			const nas = this.#ring[index]!;
			if (!this.#waiting.has(nas)) continue;
			const bucket = this.#bucketOf(nas, now);
			if (bucket !== undefined && !bucket.has(now)) continue;
			this.#last = index;
			return nas;
		}
		return undefined;
	}

	#schedule(now: number): void {
		if (this.#waiting.size === 0) {
			this.#cancelTimer();
			return;
		}
		let perNas = this.#ratePerNas === undefined ? 0 : Number.POSITIVE_INFINITY;
		if (this.#ratePerNas !== undefined) {
			for (const nas of this.#waiting.keys()) perNas = Math.min(perNas, this.#bucketOf(nas, now)!.waitMs(now));
		}
		const waitMs = Math.max(perNas, this.#overall?.waitMs(now) ?? 0);
		const due = now + Math.ceil(waitMs);
		if (this.#timer !== undefined && this.#timerDue <= due) return;
		this.#cancelTimer();
		this.#timerDue = due;
		this.#timer = this.#clock.setTimer(
			() => {
				this.#timer = undefined;
				this.#timerDue = Number.POSITIVE_INFINITY;
				this.#dispatch();
			},
			Math.max(0, Math.ceil(waitMs)),
		);
	}

	#cancelTimer(): void {
		if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
		this.#timer = undefined;
		this.#timerDue = Number.POSITIVE_INFINITY;
	}

	#release(): void {
		this.#cancelTimer();
		const queues = [...this.#waiting.values()];
		this.#waiting.clear();
		for (const queue of queues) for (const resolve of queue) resolve(false);
	}
}

/** The pacer of a run's caps (the options' names as the executor takes them); undefined when there is no cap. */
export function pacerFor(options: {
	readonly ratePerSecond?: number | undefined;
	readonly ratePerNas?: number | undefined;
	readonly signal?: AbortSignal | undefined;
	readonly rateClock?: BucketClock | undefined;
}): NasPacer | undefined {
	if (options.ratePerSecond === undefined && options.ratePerNas === undefined) return undefined;
	return new NasPacer({
		...(options.ratePerSecond === undefined ? {} : {ratePerSecond: options.ratePerSecond}),
		...(options.ratePerNas === undefined ? {} : {ratePerNas: options.ratePerNas}),
		...(options.signal === undefined ? {} : {signal: options.signal}),
		...(options.rateClock === undefined ? {} : {clock: options.rateClock}),
	});
}
