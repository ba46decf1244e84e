/** A clock for pacing tests ({@link BucketClock}): it moves only when told to, firing its timers in order. */
import type {BucketClock} from '../../source/disconnect/token-bucket.js';

export class FakeClock implements BucketClock {
	#now = 0;
	#next = 0;
	readonly #timers = new Map<number, {at: number; run: () => void}>();

	now(): number {
		return this.#now;
	}

	setTimer(run: () => void, ms: number): number {
		const handle = ++this.#next;
		this.#timers.set(handle, {at: this.#now + ms, run});
		return handle;
	}

	clearTimer(handle: unknown): void {
		this.#timers.delete(handle as number);
	}

	/** Moves time on by `ms`, firing every timer due on the way (and the ones they set). */
	advance(ms: number): void {
		const end = this.#now + ms;
		for (;;) {
			const due = [...this.#timers.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
			if (due === undefined) break;
			this.#timers.delete(due[0]);
			this.#now = due[1].at;
			due[1].run();
		}
		this.#now = end;
	}

	get pending(): number {
		return this.#timers.size;
	}
}
