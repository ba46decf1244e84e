/**
 * Whether a session was already closed in radacct when radtop's request for it went out, asked of radacct right
 * after the NAS answered, for many sessions in one query: the requests answered in the same turn of the event
 * loop are looked up together. A NAS that ACKs a session someone else (another radtop, the subscriber) had ended,
 * or says it has no such session, has not been disconnected by radtop: that session ends `already_closed`.
 */
import type {Queryable} from '../db/queryable.js';
import {readStopped, type StoppedSession} from './targets.js';

export type {StoppedSession} from './targets.js';

/**
 * How long an answer's outcome waits for radacct. A database that stops answering must not hold the run (and
 * its closing audit record) back: past this the NAS's answer stands, and the stop watch says what it saw.
 */
export const CLOSED_CHECK_MS = 500;

/** `query`'s rows, or none when it fails or takes longer than `ms` (it then finishes unheard). */
function boundedStops(query: Promise<Map<string, StoppedSession>>, ms: number): Promise<Map<string, StoppedSession>> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<Map<string, StoppedSession>>((resolve) => {
		timer = setTimeout(() => resolve(new Map()), ms);
		timer.unref();
	});
	return Promise.race([query.catch(() => new Map<string, StoppedSession>()), late]).finally(() => clearTimeout(timer));
}

/** Looks sessions' stops up in batches. */
export class ClosedCheck {
	readonly #db: Queryable;
	#batch = new Map<string, Array<(stop: StoppedSession | undefined) => void>>();
	#scheduled = false;
	#inFlight: Promise<unknown> = Promise.resolve();

	readonly #withinMs: number;

	constructor(db: Queryable, options: {readonly withinMs?: number} = {}) {
		this.#db = db;
		this.#withinMs = options.withinMs ?? CLOSED_CHECK_MS;
	}

	/**
	 * The session's stop, when radacct has one now and it is from before the second `sentAt` (ms since the epoch)
	 * fell in: radacct's stop times are whole seconds, and a stop in that second may be the one radtop's request
	 * caused. Leave `sentAt` out when the NAS said it has no such session: any stop came before. Undefined
	 * otherwise, and when radacct cannot be read or does not answer within CLOSED_CHECK_MS (the outcome then
	 * stands as the NAS gave it).
	 */
	async closedBefore(radacctid: string, sentAt?: number): Promise<StoppedSession | undefined> {
		const stop = await this.#lookUp(radacctid);
		if (stop === undefined) return undefined;
		return sentAt === undefined || stop.stoppedAt.getTime() < Math.floor(sentAt / 1000) * 1000 ? stop : undefined;
	}

	/** Which of the sessions radacct has closed now, in one query; none when radacct cannot be read. */
	async stopped(radacctids: readonly string[]): Promise<Map<string, StoppedSession>> {
		return boundedStops(readStopped(this.#db, radacctids), this.#withinMs);
	}

	#lookUp(radacctid: string): Promise<StoppedSession | undefined> {
		return new Promise((resolve) => {
			const waiting = this.#batch.get(radacctid);
			if (waiting) waiting.push(resolve);
			else this.#batch.set(radacctid, [resolve]);
			if (this.#scheduled) return;
			this.#scheduled = true;
			setImmediate(() => {
				void this.#flush();
			});
		});
	}

	async #flush(): Promise<void> {
		// One query at a time: what comes in meanwhile is the next batch.
		await this.#inFlight;
		const batch = this.#batch;
		this.#batch = new Map();
		this.#scheduled = false;
		const query = boundedStops(readStopped(this.#db, [...batch.keys()]), this.#withinMs);
		this.#inFlight = query;
		const stopped = await query;
		for (const [radacctid, waiting] of batch) for (const resolve of waiting) resolve(stopped.get(radacctid));
	}
}

/** The reason of a session found closed in radacct: `closed in radacct at ISO (cause)`. */
export function closedReason(stop: StoppedSession): string {
	return `closed in radacct at ${stop.stoppedAt.toISOString()}${stop.cause ? ` (${stop.cause})` : ''}`;
}
