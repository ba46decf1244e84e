/**
 * Watches radacct for the Accounting-Stop of sessions that were just disconnected: one query per poll for all
 * of them, each session watched until its own deadline. radtop never writes acctstoptime for a disconnect;
 * the NAS's Accounting-Stop, recorded by FreeRADIUS, is the confirmation.
 *
 * The watch ends at each session's deadline even when a read hangs (a database that stopped answering): the
 * read is left to its own client-side deadline, no second one is started meanwhile, and what it would have
 * confirmed stays unconfirmed.
 */
import type {Queryable} from '../db/queryable.js';
import {readStopped, type StoppedSession} from './targets.js';

/** What the watch learned about one session. */
export type StopWatchResult = ({readonly confirmed: true} & StoppedSession) | {readonly confirmed: false};

/** Options of {@link StopWatch}. */
export interface StopWatchOptions {
	/** How long after its disconnect a session is watched. */
	readonly withinMs: number;
	/** Time between queries. Default 1000. */
	readonly pollMs?: number;
	/** Ends the watch at once; what is unconfirmed by then stays unconfirmed. */
	readonly signal?: AbortSignal;
	/** Called after each poll that settled something. */
	readonly onChange?: () => void;
}

/** Watches sessions added with {@link watch}; {@link finish} says no more will come and resolves when all are settled. */
export class StopWatch {
	readonly #db: Queryable;
	readonly #withinMs: number;
	readonly #pollMs: number;
	readonly #signal: AbortSignal | undefined;
	readonly #onChange: (() => void) | undefined;
	readonly #deadlines = new Map<string, number>();
	readonly #settled = new Map<string, StopWatchResult>();
	#confirmed = 0;
	#finished = false;
	#loop: Promise<void> | undefined;
	#wake: (() => void) | undefined;
	/** The read under way, which may outlive the deadlines it was meant for. */
	#reading: Promise<void> | undefined;
	/** The last database error met while polling, if any. */
	lastError: unknown;

	constructor(db: Queryable, options: StopWatchOptions) {
		this.#db = db;
		this.#withinMs = options.withinMs;
		this.#pollMs = options.pollMs ?? 1000;
		this.#signal = options.signal;
		this.#onChange = options.onChange;
	}

	/** Sessions still awaited. */
	get pending(): number {
		return this.#deadlines.size;
	}

	/** Sessions whose stop was seen. */
	get confirmed(): number {
		return this.#confirmed;
	}

	/** Starts watching a session disconnected now. */
	watch(radacctid: string): void {
		if (this.#finished || this.#settled.has(radacctid)) return;
		if (this.#signal?.aborted) {
			this.#settled.set(radacctid, {confirmed: false});
			return;
		}
		this.#deadlines.set(radacctid, performance.now() + this.#withinMs);
		this.#loop ??= this.#run();
	}

	/** What was learned about a session, once settled. */
	result(radacctid: string): StopWatchResult | undefined {
		return this.#settled.get(radacctid);
	}

	/** No more sessions will be added: resolves once every watched session is confirmed or past its deadline. */
	async finish(): Promise<void> {
		this.#finished = true;
		this.#wake?.();
		await this.#loop;
	}

	async #run(): Promise<void> {
		while (this.#deadlines.size > 0 || !this.#finished) {
			if (this.#signal?.aborted) {
				this.#expire(Number.POSITIVE_INFINITY);
				return;
			}
			// Deadlines are added in time order, so the first is the nearest (and spreading 100,000 into Math.min would not fit the stack).
			const nextDeadline = this.#deadlines.values().next().value ?? Number.POSITIVE_INFINITY;
			await this.#sleep(Math.max(0, Math.min(this.#pollMs, nextDeadline - performance.now())));
			if (this.#deadlines.size === 0) continue;
			const reading = (this.#reading ??= this.#poll().finally(() => {
				this.#reading = undefined;
			}));
			// A read that hangs does not hold the watch past the nearest deadline.
			const nearest = this.#deadlines.values().next().value ?? Number.POSITIVE_INFINITY;
			await this.#until(reading, nearest - performance.now());
			this.#expire(performance.now());
		}
	}

	async #poll(): Promise<void> {
		let stopped: Map<string, StoppedSession>;
		try {
			stopped = await readStopped(this.#db, [...this.#deadlines.keys()]);
		} catch (error) {
			// A failed poll is retried at the next one; the deadline still applies.
			this.lastError = error;
			return;
		}
		let settledNow = 0;
		for (const [radacctid, stop] of stopped) {
			if (!this.#deadlines.delete(radacctid)) continue;
			settledNow++;
			this.#settled.set(radacctid, {confirmed: true, ...stop});
			this.#confirmed++;
		}
		if (settledNow > 0) this.#onChange?.();
	}

	#expire(now: number): void {
		let changed = false;
		for (const [radacctid, deadline] of this.#deadlines) {
			if (deadline > now) continue;
			this.#deadlines.delete(radacctid);
			this.#settled.set(radacctid, {confirmed: false});
			changed = true;
		}
		if (changed) this.#onChange?.();
	}

	/** Waits for `work`, but no longer than `ms` nor past the signal. */
	async #until(work: Promise<void>, ms: number): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		let onAbort: (() => void) | undefined;
		const late = new Promise<void>((resolve) => {
			timer = setTimeout(resolve, Math.max(0, ms));
			onAbort = resolve;
			this.#signal?.addEventListener('abort', onAbort, {once: true});
		});
		try {
			await Promise.race([work, late]);
		} finally {
			clearTimeout(timer);
			if (onAbort) this.#signal?.removeEventListener('abort', onAbort);
		}
	}

	/** Waits `ms`, or less when finish() or the signal wakes the loop (with nothing left to watch). */
	#sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const done = (): void => {
				clearTimeout(timer);
				this.#signal?.removeEventListener('abort', done);
				this.#wake = undefined;
				resolve();
			};
			const timer = setTimeout(done, ms);
			this.#signal?.addEventListener('abort', done, {once: true});
			this.#wake = () => {
				if (this.#deadlines.size === 0) done();
			};
		});
	}
}
