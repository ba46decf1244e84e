/**
 * Entries of a running action appended to the audit log in bounded batches: one record for every `size`
 * entries or every `intervalMs`, whichever comes first, written one after the other in order. An entry has a
 * key (a session): a later entry of a key not yet written replaces the earlier one, so a session counts once
 * per batch. {@link AuditBatcher.room} lets the action wait before it adds more, so that at any time at most one
 * batch of entries is not yet durably in the log: after a crash, or SIGKILL, the log is behind by one batch
 * at the most.
 */
import type {AuditSink} from './audit-log.js';

/** Options of {@link AuditBatcher}. */
export interface AuditBatcherOptions<E, R extends object> {
	readonly sink: AuditSink<R>;
	/** The record of one batch; `batch` counts from 1. */
	readonly record: (entries: readonly E[], batch: number) => R;
	/** Entries per batch. Default 100. */
	readonly size?: number;
	/** The longest an entry waits to be written. Default 1000 ms. */
	readonly intervalMs?: number;
}

/** Batches of entries, written in order; see the module comment. */
export class AuditBatcher<E, R extends object = object> {
	readonly #sink: AuditSink<R>;
	readonly #record: (entries: readonly E[], batch: number) => R;
	readonly #size: number;
	readonly #intervalMs: number;
	readonly #pending = new Map<string, E>();
	readonly #waiters: Array<() => void> = [];
	#writing = 0;
	#batches = 0;
	#timer: NodeJS.Timeout | undefined;
	#chain: Promise<void> = Promise.resolve();
	#failure: unknown;
	#closed = false;

	constructor(options: AuditBatcherOptions<E, R>) {
		this.#sink = options.sink;
		this.#record = options.record;
		this.#size = options.size ?? 100;
		this.#intervalMs = options.intervalMs ?? 1000;
		if (!(Number.isInteger(this.#size) && this.#size >= 1)) throw new RangeError(`size must be a positive integer, got ${this.#size}`);
	}

	/** The first error of a write, once one failed; later entries are dropped. */
	get failure(): unknown {
		return this.#failure;
	}

	/** Entries added and not yet durably written (pending, and in the write under way). */
	get unwritten(): number {
		return this.#pending.size + this.#writing;
	}

	/** A batch of entries is unwritten: {@link AuditBatcher.room} would wait. */
	get full(): boolean {
		return this.unwritten >= this.#size && this.#failure === undefined && !this.#closed;
	}

	/** Batches taken so far (written, or being written). */
	get batches(): number {
		return this.#batches;
	}

	add(key: string, entry: E): void {
		if (this.#closed || this.#failure !== undefined) return;
		this.#pending.set(key, entry);
		if (this.#pending.size >= this.#size) this.#queueWrite();
		else this.#timer ??= setTimeout(() => this.#queueWrite(), this.#intervalMs);
	}

	/** Resolves once fewer than a batch of entries are unwritten (at once if so), or when a write has failed. */
	async room(): Promise<void> {
		while (this.unwritten >= this.#size && this.#failure === undefined && !this.#closed) {
			await new Promise<void>((resolve) => this.#waiters.push(resolve));
		}
	}

	/** Writes what is pending and waits for every write; resolves to the first write error, if any. */
	async flush(): Promise<unknown> {
		this.#queueWrite();
		await this.#chain;
		return this.#failure;
	}

	/** Drops what is pending (a closing record says it all), waits for the write under way, adds nothing more. */
	async close(): Promise<unknown> {
		this.#closed = true;
		this.#clearTimer();
		this.#pending.clear();
		this.#wake();
		await this.#chain;
		return this.#failure;
	}

	/** Takes what is pending as the next batch, written once the writes before it are done. */
	#queueWrite(): void {
		this.#clearTimer();
		if (this.#pending.size === 0 || this.#failure !== undefined) return;
		const entries = [...this.#pending.values()];
		this.#pending.clear();
		this.#writing += entries.length;
		const batch = ++this.#batches;
		this.#chain = this.#chain.then(() => this.#write(entries, batch));
	}

	async #write(entries: readonly E[], batch: number): Promise<void> {
		try {
			if (this.#failure === undefined) await this.#sink.append(this.#record(entries, batch));
		} catch (error) {
			this.#failure = error ?? new Error('audit write failed');
		} finally {
			this.#writing -= entries.length;
			this.#wake();
		}
	}

	#wake(): void {
		for (const resolve of this.#waiters.splice(0)) resolve();
	}

	#clearTimer(): void {
		if (this.#timer !== undefined) clearTimeout(this.#timer);
		this.#timer = undefined;
	}
}
