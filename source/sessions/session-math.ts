/** Pure arithmetic over sessions: durations, the stale rule, rates between interim updates. */
import type {Session} from './session.js';
import {sessionKey} from './session-key.js';

/** Default for the stale rule when the NAS reports no interim interval: 30 minutes. */
export const DEFAULT_STALE_AFTER_SECONDS = 30 * 60;

/** Seconds from start to stop, or to `now` for an open session; null without a start time. */
export function sessionDurationSeconds(session: Session, now: Date): number | null {
	if (!session.acctstarttime) return null;
	const end = session.acctstoptime ?? now;
	return Math.max(0, Math.floor((end.getTime() - session.acctstarttime.getTime()) / 1000));
}

/**
 * Stale: an open session that has missed its interim updates, i.e. whose last update is older than
 * 2 x acctinterval when the NAS reports an interval, else older than `staleAfterSeconds`.
 * The SQL twin of this rule is `staleExpression` in radacct-sql.ts.
 */
export function isStale(session: Session, now: Date, staleAfterSeconds = DEFAULT_STALE_AFTER_SECONDS): boolean {
	if (session.acctstoptime) return false;
	const last = session.acctupdatetime ?? session.acctstarttime;
	if (!last) return false;
	const allowed = session.acctinterval && session.acctinterval > 0 ? 2 * session.acctinterval : staleAfterSeconds;
	return now.getTime() - last.getTime() > allowed * 1000;
}

export type SessionState = 'online' | 'stale' | 'offline';

/** What the status column says: offline once stopped, stale when updates stopped arriving. */
export function sessionState(session: Session, now: Date, staleAfterSeconds = DEFAULT_STALE_AFTER_SECONDS): SessionState {
	if (session.acctstoptime) return 'offline';
	return isStale(session, now, staleAfterSeconds) ? 'stale' : 'online';
}

/** Throughput in kbit/s, from the user's point of view. */
export interface Rate {
	readonly downKbps: number;
	readonly upKbps: number;
}

interface Sample {
	readonly updatedAt: number;
	readonly input: number;
	readonly output: number;
}

/**
 * Remembers the octet counters of each session as seen at its interim updates and derives a rate once the
 * same session has been seen at two different updates. radacct keeps only the latest counters, so a rate is
 * only known to a watcher that saw both. Bounded: the oldest samples are forgotten past `capacity`.
 */
export class RateTracker {
	readonly #capacity: number;
	readonly #samples = new Map<string, {latest: Sample; previous?: Sample}>();

	constructor(capacity = 20_000) {
		this.#capacity = capacity;
	}

	/** Records the counters of these sessions; returns nothing, read rates with `rateOf`. */
	observe(sessions: Iterable<Session>): void {
		for (const session of sessions) {
			if (!session.acctupdatetime || session.acctinputoctets === null || session.acctoutputoctets === null) continue;
			const sample: Sample = {
				updatedAt: session.acctupdatetime.getTime(),
				input: session.acctinputoctets,
				output: session.acctoutputoctets,
			};
			const key = sessionKey(session);
			const known = this.#samples.get(key);
			if (!known) {
				this.#remember(key, {latest: sample});
			} else if (sample.updatedAt > known.latest.updatedAt) {
				this.#remember(key, {latest: sample, previous: known.latest});
			}
		}
	}

	/** The rate between the last two interim updates seen, or undefined when fewer than two were seen. */
	rateOf(key: string): Rate | undefined {
		const known = this.#samples.get(key);
		if (!known?.previous) return undefined;
		return rateBetween(known.previous, known.latest);
	}

	#remember(radacctid: string, entry: {latest: Sample; previous?: Sample}): void {
		this.#samples.delete(radacctid);
		this.#samples.set(radacctid, entry);
		while (this.#samples.size > this.#capacity) {
			const oldest = this.#samples.keys().next().value;
			if (oldest === undefined) break;
			this.#samples.delete(oldest);
		}
	}
}

/**
 * kbit/s between two samples of one session. Counters that went backwards (a NAS that reset them, or
 * 32-bit wrap without Gigawords) give no rate rather than a negative one.
 */
export function rateBetween(before: Sample, after: Sample): Rate | undefined {
	const seconds = (after.updatedAt - before.updatedAt) / 1000;
	if (seconds <= 0) return undefined;
	const down = after.output - before.output;
	const up = after.input - before.input;
	if (down < 0 || up < 0) return undefined;
	return {downKbps: (down * 8) / 1000 / seconds, upKbps: (up * 8) / 1000 / seconds};
}

/** Time left of a session with a known Session-Timeout: what is left, or how far past its expected end it is. */
export interface Remaining {
	/** Expected end minus now, in seconds: negative once the session is past its expected end. */
	readonly seconds: number;
	/** The share of the timeout left, 0 to 100 (0 once past). */
	readonly percent: number;
	/** Past its expected end: the NAS did not enforce the timeout. */
	readonly over: boolean;
}

/** Expected end = start + Session-Timeout; null without a start, a timeout (0 means none) or for a stopped session. */
export function remainingOf(session: Session, sessionTimeout: number | null, now: Date): Remaining | null {
	if (!session.acctstarttime || session.acctstoptime || !sessionTimeout || sessionTimeout <= 0) return null;
	const end = session.acctstarttime.getTime() + sessionTimeout * 1000;
	const seconds = Math.floor((end - now.getTime()) / 1000);
	const percent = seconds <= 0 ? 0 : Math.min(100, Math.round((seconds / sessionTimeout) * 100));
	return {seconds, percent, over: seconds < 0};
}

/** A span as `1h45m`, `12m`, `40s`, `2d3h`: the two largest units. */
export function shortSpan(totalSeconds: number): string {
	const s = Math.max(0, Math.floor(totalSeconds));
	const units: Array<[string, number]> = [
		['d', Math.floor(s / 86_400)],
		['h', Math.floor((s % 86_400) / 3600)],
		['m', Math.floor((s % 3600) / 60)],
		['s', s % 60],
	];
	const first = units.findIndex(([, value]) => value > 0);
	if (first === -1) return '0s';
	return units
		.slice(first, first + 2)
		.filter(([, value], index) => index === 0 || value > 0)
		.map(([unit, value]) => `${value}${unit}`)
		.join('');
}

/** The REMAINING cell: `1h45m (60%)`, or `over by 12m` past the expected end; '' when unknown. */
export function formatRemaining(remaining: Remaining | null): string {
	if (!remaining) return '';
	if (remaining.over) return `over by ${shortSpan(-remaining.seconds)}`;
	return `${shortSpan(remaining.seconds)} (${remaining.percent}%)`;
}

/**
 * kbit/s averaged over the whole session: its counters over its session time (both as of its last update).
 * What the table shows until two interim updates give a current rate; undefined without a session time.
 */
export function averageRate(session: Session): Rate | undefined {
	const seconds = session.acctsessiontime;
	if (seconds === null || seconds <= 0 || session.acctinputoctets === null || session.acctoutputoctets === null) return undefined;
	if (session.acctinputoctets < 0 || session.acctoutputoctets < 0) return undefined;
	return {downKbps: (session.acctoutputoctets * 8) / 1000 / seconds, upKbps: (session.acctinputoctets * 8) / 1000 / seconds};
}
