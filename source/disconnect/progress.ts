/**
 * Counts outcomes as they come and reports them to a listener, at most once per interval (plus a trailing
 * event, so the last state is always reported). A listener that throws is ignored: the UI must not stop a bulk.
 */
import type {Nas} from '../nas/registry.js';
import {OUTCOMES, type DisconnectProgress, type NasProgress, type Outcome} from './result.js';

/** Options of {@link ProgressTracker}. */
export interface ProgressTrackerOptions {
	/** The stop watch's counts at the time of an event. */
	readonly counts: () => {readonly awaitingStop: number; readonly confirmed: number};
	readonly onProgress?: (progress: DisconnectProgress) => void;
	readonly intervalMs: number;
}

// The rate is measured over roughly this window, so it follows the current pace rather than the average.
const RATE_WINDOW_MS = 2000;

/** Progress of one execution. */
export class ProgressTracker {
	readonly #perNas = new Map<string, {ip: string; name: string; done: number; total: number; failed: number}>();
	readonly #options: ProgressTrackerOptions;
	readonly #samples: Array<{readonly at: number; readonly done: number}> = [];
	#phase: DisconnectProgress['phase'] = 'sending';
	#done = 0;
	#failed = 0;
	readonly #totals = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
	#total = 0;
	#lastEmit = Number.NEGATIVE_INFINITY;
	#timer: NodeJS.Timeout | undefined;
	#finished = false;

	/** `nasPerSession`: the NAS of each session of the action. */
	constructor(nasPerSession: readonly Nas[], options: ProgressTrackerOptions) {
		this.#options = options;
		for (const nas of nasPerSession) {
			let entry = this.#perNas.get(nas.ip);
			if (entry === undefined) {
				entry = {ip: nas.ip, name: nas.name, done: 0, total: 0, failed: 0};
				this.#perNas.set(nas.ip, entry);
			}
			entry.total++;
			this.#total++;
		}
		this.#samples.push({at: performance.now(), done: 0});
	}

	/** One session got its outcome. */
	record(nasIp: string, outcome: Outcome): void {
		const failed = outcome === 'failed';
		this.#done++;
		this.#totals[outcome]++;
		if (failed) this.#failed++;
		const entry = this.#perNas.get(nasIp);
		if (entry !== undefined) {
			entry.done++;
			if (failed) entry.failed++;
		}
		this.emit();
	}

	setPhase(phase: 'confirming'): void {
		this.#phase = phase;
		this.emit();
	}

	/** Reports now, or schedules a report for the end of the current interval. */
	emit(): void {
		if (this.#options.onProgress === undefined || this.#timer !== undefined || this.#finished) return;
		const wait = this.#lastEmit + this.#options.intervalMs - performance.now();
		if (wait <= 0) {
			this.#report();
			return;
		}
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#report();
		}, wait);
	}

	/** The final event (phase `done`); nothing is reported after it. */
	finish(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#phase = 'done';
		this.#report();
		this.#finished = true;
	}

	#report(): void {
		const listener = this.#options.onProgress;
		if (listener === undefined) return;
		const now = performance.now();
		this.#lastEmit = now;
		this.#samples.push({at: now, done: this.#done});
		while (this.#samples.length > 2 && this.#samples[1]!.at < now - RATE_WINDOW_MS) this.#samples.shift();
		const oldest = this.#samples[0]!;
		const elapsed = (now - oldest.at) / 1000;
		const progress: DisconnectProgress = {
			phase: this.#phase,
			done: this.#done,
			total: this.#total,
			failed: this.#failed,
			totals: {...this.#totals},
			ratePerSecond: elapsed > 0 ? Math.round(((this.#done - oldest.done) / elapsed) * 10) / 10 : 0,
			perNas: [...this.#perNas.values()].map((entry): NasProgress => ({...entry})).sort((a, b) => a.name.localeCompare(b.name)),
			...this.#options.counts(),
		};
		try {
			listener(progress);
		} catch {
			// The listener's failure is its own; the disconnect goes on.
		}
	}
}
