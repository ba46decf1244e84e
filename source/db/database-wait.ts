/**
 * What a statement in flight waits for (a lock, or a server that does not answer), in words, as errors, and
 * as a feed the console and the commands listen to. Pure but for the listeners; deadline.ts watches the
 * statements and reports here.
 */

/** What a statement in flight is waiting for, as the look from another connection saw it. */
export type DatabaseWait =
	| {
			readonly kind: 'lock';
			/** The table waited for (radacct), when pg_locks names one. */
			readonly relation: string | null;
			/** The pids holding the lock (pg_blocking_pids). */
			readonly blockers: readonly number[];
			/** How long the lock has been held: the blocking transaction's age, else our own wait. */
			readonly lockedForSeconds: number;
	  }
	| {readonly kind: 'not-answering'; readonly waitingSeconds: number};

/** "radacct is locked by pid 4242 for 30 s", or "database not answering for 12 s". */
export function describeWait(wait: DatabaseWait): string {
	if (wait.kind === 'not-answering') return `database not answering for ${Math.round(wait.waitingSeconds)} s`;
	const what = wait.relation ?? 'a table radtop reads';
	const who = wait.blockers.length === 0 ? '' : ` by pid${wait.blockers.length > 1 ? 's' : ''} ${wait.blockers.slice(0, 3).join(', ')}`;
	return `${what} is locked${who} for ${Math.round(wait.lockedForSeconds)} s`;
}

/** A statement got no answer: the server is frozen or out of reach. Its connection was closed. */
export class DatabaseNotAnsweringError extends Error {
	override name = 'DatabaseNotAnsweringError';
	readonly code = 'RADTOP_NOT_ANSWERING';
	readonly waitedMs: number;

	constructor(waitedMs: number) {
		super(`database not answering (no reply in ${Math.round(waitedMs / 1000)} s)`);
		this.waitedMs = waitedMs;
	}
}

/** A statement ended (statement timeout, or radtop's deadline) while waiting on a lock. */
export class DatabaseLockedError extends Error {
	override name = 'DatabaseLockedError';
	readonly code = 'RADTOP_LOCKED';
	readonly wait: DatabaseWait & {kind: 'lock'};

	constructor(wait: DatabaseWait & {kind: 'lock'}, cause: unknown, why?: string) {
		const code = (cause as {code?: unknown} | null)?.code;
		const reason = why ?? (code === '57014' ? 'statement timeout' : code === '55P03' ? 'lock timeout' : undefined);
		super(`${describeWait(wait)}${reason ? ` (${reason})` : ''}`, {cause});
		this.wait = wait;
	}
}

/** Whether an error says the database did not answer in time (rather than answering with an error). */
export function isNotAnswering(error: unknown): boolean {
	const e = error as {code?: unknown; message?: unknown} | null;
	if (e?.code === 'RADTOP_NOT_ANSWERING') return true;
	return typeof e?.message === 'string' && /timeout expired|connection timeout|Query read timeout/i.test(e.message);
}

type WaitListener = (wait: DatabaseWait | null) => void;

/**
 * Where the statements of one database report their waits: the console shows them on its status line, export
 * and sweep print them. A listener is told each wait as it is seen, and null once that statement has ended.
 */
export class WaitMonitor {
	readonly #listeners = new Set<WaitListener>();

	subscribe(listener: WaitListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	report(wait: DatabaseWait | null): void {
		for (const listener of this.#listeners) listener(wait);
	}
}

/**
 * Prints the waits of a command's statements as they are seen ("radtop: radacct is locked by pid 4242 for
 * 30 s: waiting"), for export and sweep; returns a function that stops.
 */
export function reportWaits(waits: WaitMonitor | undefined, write: (line: string) => void): () => void {
	if (!waits) return () => undefined;
	return waits.subscribe((wait) => {
		if (wait) write(`radtop: ${describeWait(wait)}${wait.kind === 'lock' ? ': waiting' : ''}\n`);
	});
}

/** Whether an error ended a wait for a lock. */
export function isLocked(error: unknown): boolean {
	return (error as {code?: unknown} | null)?.code === 'RADTOP_LOCKED';
}
