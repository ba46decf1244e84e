/**
 * Runs a fetch every interval, k9s-style: never two in flight (a refresh asked for meanwhile runs right
 * after), backs off after failures, reports results and errors to a listener instead of throwing, and
 * stops through an AbortSignal. Knows nothing of sessions or the terminal.
 */

export interface PollerListener<Request, Result> {
	/** A fetch began (epoch ms): until its result or error, the data shown is as old as the last result. */
	onStart?(request: Request, at: number): void;
	onResult(result: Result, request: Request, durationMs: number): void;
	onError(error: unknown, request: Request, failures: number): void;
	/** When the next poll is due (epoch ms), or null while paused. */
	onScheduled?(at: number | null): void;
}

export interface PollerOptions {
	readonly intervalMs: number;
	/** Longest wait between retries after failures. */
	readonly maxBackoffMs?: number;
	readonly signal?: AbortSignal;
	readonly now?: () => number;
}

export class Poller<Request, Result> {
	readonly #fetch: (request: Request, signal: AbortSignal) => Promise<Result>;
	readonly #listener: PollerListener<Request, Result>;
	readonly #controller = new AbortController();
	readonly #now: () => number;
	readonly #maxBackoff: number;
	#interval: number;
	#request: Request;
	#timer: NodeJS.Timeout | undefined;
	#inFlight = false;
	#again = false;
	#paused = false;
	#failures = 0;

	constructor(
		fetch: (request: Request, signal: AbortSignal) => Promise<Result>,
		request: Request,
		listener: PollerListener<Request, Result>,
		options: PollerOptions,
	) {
		this.#fetch = fetch;
		this.#request = request;
		this.#listener = listener;
		this.#interval = options.intervalMs;
		this.#maxBackoff = options.maxBackoffMs ?? 30_000;
		this.#now = options.now ?? Date.now;
		options.signal?.addEventListener('abort', () => this.stop(), {once: true});
	}

	get stopped(): boolean {
		return this.#controller.signal.aborted;
	}

	/** Starts polling now. */
	start(): void {
		this.refresh();
	}

	/** Changes what is fetched; with `immediate`, fetches it now instead of at the next tick. */
	setRequest(request: Request, immediate = true): void {
		this.#request = request;
		if (immediate) this.refresh();
	}

	/** Fetches now (or right after the fetch in flight). Works while paused: the user asked. */
	refresh(): void {
		if (this.stopped) return;
		if (this.#inFlight) {
			this.#again = true;
			return;
		}
		this.#clearTimer();
		void this.#run();
	}

	setInterval(intervalMs: number): void {
		this.#interval = intervalMs;
		if (!this.#inFlight && !this.#paused) this.#schedule(this.#interval);
	}

	/** Paused: no timed polls (explicit refreshes still run). */
	setPaused(paused: boolean): void {
		this.#paused = paused;
		if (paused) {
			this.#clearTimer();
			this.#listener.onScheduled?.(null);
		} else if (!this.#inFlight) {
			this.#schedule(0);
		}
	}

	stop(): void {
		if (!this.#controller.signal.aborted) this.#controller.abort();
		this.#clearTimer();
	}

	async #run(): Promise<void> {
		this.#inFlight = true;
		const request = this.#request;
		const started = this.#now();
		this.#listener.onStart?.(request, started);
		try {
			const result = await this.#fetch(request, this.#controller.signal);
			if (this.stopped) return;
			this.#failures = 0;
			this.#listener.onResult(result, request, this.#now() - started);
		} catch (error) {
			if (this.stopped) return;
			this.#failures += 1;
			this.#listener.onError(error, request, this.#failures);
		} finally {
			this.#inFlight = false;
		}
		if (this.stopped) return;
		if (this.#again) {
			this.#again = false;
			void this.#run();
			return;
		}
		const backoff = this.#failures > 0 ? Math.min(this.#maxBackoff, 1000 * 2 ** (this.#failures - 1)) : undefined;
		if (!this.#paused) this.#schedule(backoff ?? this.#interval);
		else this.#listener.onScheduled?.(null);
	}

	#schedule(delayMs: number): void {
		this.#clearTimer();
		if (this.stopped) return;
		this.#listener.onScheduled?.(this.#now() + delayMs);
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.refresh();
		}, delayMs);
	}

	#clearTimer(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = undefined;
	}
}
