/**
 * A token bucket that paces requests to a rate: callers wait their turn, first come first served.
 */

/** The time the bucket refills by and the timer it waits on; {@link SYSTEM_CLOCK} is the real one. */
export interface BucketClock {
	/** Milliseconds, monotonic. */
	now(): number;
	/** Calls `run` after `ms`; the handle cancels it. */
	setTimer(run: () => void, ms: number): unknown;
	clearTimer(handle: unknown): void;
}

/** performance.now() and setTimeout. */
export const SYSTEM_CLOCK: BucketClock = {
	now: () => performance.now(),
	setTimer: (run, ms) => setTimeout(run, ms),
	clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
	/** Tokens available at once; default a tenth of a second's worth, at least 1. */
	readonly burst?: number;
	/** Once aborted, every waiting and later {@link TokenBucket.take} answers false. */
	readonly signal?: AbortSignal;
	/** Default {@link SYSTEM_CLOCK}. */
	readonly clock?: BucketClock;
}

/** Paces to `ratePerSecond`. */
export class TokenBucket {
	readonly #rate: number;
	readonly #burst: number;
	readonly #signal: AbortSignal | undefined;
	readonly #waiters: Array<(taken: boolean) => void> = [];
	readonly #clock: BucketClock;
	#tokens: number;
	#refilledAt: number;
	#timer: unknown;

	/** Throws RangeError for a rate or burst that is not a positive number. */
	constructor(ratePerSecond: number, options: TokenBucketOptions = {}) {
		const burst = options.burst ?? Math.max(1, Math.ceil(ratePerSecond / 10));
		if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0))
			throw new RangeError(`the rate must be a positive number, got ${ratePerSecond}`);
		if (!(Number.isFinite(burst) && burst >= 1)) throw new RangeError(`the burst must be at least 1, got ${burst}`);
		this.#rate = ratePerSecond;
		this.#burst = burst;
		this.#tokens = burst;
		this.#clock = options.clock ?? SYSTEM_CLOCK;
		this.#refilledAt = this.#clock.now();
		this.#signal = options.signal;
		// One listener for all waiters: a listener per waiter would trip Node's MaxListenersExceededWarning.
		this.#signal?.addEventListener('abort', () => this.#release(), {once: true});
	}

	/** Resolves true once a token is taken, or false when the signal has aborted. Never rejects. */
	take(): Promise<boolean> {
		if (this.#signal?.aborted) return Promise.resolve(false);
		this.#refill();
		if (this.#waiters.length === 0 && this.#tokens >= 1) {
			this.#tokens -= 1;
			return Promise.resolve(true);
		}
		return new Promise((resolve) => {
			this.#waiters.push(resolve);
			this.#schedule();
		});
	}

	#release(): void {
		if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
		this.#timer = undefined;
		for (const resolve of this.#waiters.splice(0)) resolve(false);
	}

	#refill(): void {
		const now = this.#clock.now();
		this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#rate);
		this.#refilledAt = now;
	}

	#schedule(): void {
		if (this.#timer !== undefined || this.#waiters.length === 0) return;
		const waitMs = Math.max(0, ((1 - this.#tokens) / this.#rate) * 1000);
		this.#timer = this.#clock.setTimer(() => {
			this.#timer = undefined;
			this.#refill();
			while (this.#tokens >= 1 && this.#waiters.length > 0) {
				this.#tokens -= 1;
				this.#waiters.shift()!(true);
			}
			this.#schedule();
		}, Math.ceil(waitMs));
	}
}
