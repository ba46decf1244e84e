/**
 * Client-side deadlines on every statement radtop sends. A PostgreSQL server that stops answering (frozen, or
 * cut off by a network partition without a reset) never fires its own statement_timeout, and TCP keepalive
 * does not help either while the peer's kernel still acknowledges: without a deadline here a query would wait
 * for as long as the freeze lasts.
 *
 * `DeadlineClient` is the node-postgres Client the pool makes (pg.Pool's `Client` option), so `pool.query`,
 * `pool.connect()` and everything built on them get the same rule:
 *
 * - A statement not answered after `probeAfterMs` (3 s) is looked at from a second, short-lived connection:
 *   pg_stat_activity tells whether our backend is waiting on a lock (and which pids hold it), still working,
 *   or never got the statement. That look has `probeMs` (2 s) for its connection and its query.
 * - No answer to the look, or a backend idle all the while: the server is not answering. The statement fails
 *   with DatabaseNotAnsweringError and its connection is destroyed (a connection with a statement in flight
 *   cannot be reused); the pool opens a new one for the next statement. So a frozen server is detected within
 *   probeAfterMs + probeMs = 5 s of a statement's start: the console's poll within its interval + 5 s.
 * - A lock wait is reported to the database's WaitMonitor ("radacct is locked by pid 4242 for 30 s: waiting")
 *   and looked at again every `probeAfterMs` while it lasts; the statement ends by the server's statement
 *   timeout (the error then names the lock: DatabaseLockedError).
 * - Whatever the look says, no statement outlives its hard deadline, `queryMs` (the server's statement
 *   timeout + 5 s by default). A `SET [LOCAL] statement_timeout` sent on the connection moves it to that
 *   timeout + 5 s (none for 0) until RESET or the transaction's end; {@link withQueryDeadline} sets it outright.
 *
 * node-postgres's own `query_timeout` is not used: it rejects the statement's promise but leaves the
 * connection with the statement in flight, ended politely (a Terminate a frozen server never reads), while here
 * the socket is destroyed at once and the look tells a lock from a server that does not answer.
 *
 * The embedded PGlite serves one connection in this very process: no second connection can look, so only the
 * hard deadline applies there (and a PGlite busy in WebAssembly holds the whole event loop anyway).
 */
import {DatabaseLockedError, DatabaseNotAnsweringError, isNotAnswering, WaitMonitor, type DatabaseWait} from './database-wait.js';
import pg from 'pg';

/** The bounds of one statement, in milliseconds. */
export interface Deadlines {
	/** A statement still unanswered after this is looked at from another connection. */
	readonly probeAfterMs: number;
	/** The look: its connection and its query together. */
	readonly probeMs: number;
	/** No statement waits longer than this for its answer. */
	readonly queryMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = {probeAfterMs: 3000, probeMs: 2000, queryMs: 20_000};

/** What radtop adds to node-postgres's client config. */
export interface DeadlineConfig extends pg.ClientConfig {
	readonly radtopDeadlines?: Deadlines;
	/** false on the embedded database: it serves one connection, so none is left to look from. */
	readonly radtopProbe?: boolean;
	readonly radtopWaits?: WaitMonitor;
}

interface Look {
	readonly state: string | null;
	readonly waitEventType: string | null;
	readonly idleSeconds: number;
	readonly blockers: number[];
	readonly relation: string | null;
	readonly lockedForSeconds: number | null;
}

const LOOK_SQL = `SELECT a.state, a.wait_event_type,
	extract(epoch FROM now() - a.state_change)::float8 AS idle_seconds,
	pg_blocking_pids(a.pid) AS blockers,
	(SELECT l.relation::regclass::text FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted AND l.relation IS NOT NULL LIMIT 1) AS relation,
	(SELECT extract(epoch FROM now() - min(b.xact_start))::float8 FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid))) AS locked_for
	FROM pg_stat_activity a WHERE a.pid = $1`;

/** One wait being watched: stop() once it is over; lock() is the lock the last look saw. */
export interface WaitWatch {
	stop(): void;
	lock(): (DatabaseWait & {kind: 'lock'}) | undefined;
}

type Callback = (error: Error | null, result?: unknown) => void;

/** The deadline of statements sent on `client` from now on (a sweep's long statements); returns the previous one. */
export function withQueryDeadline(client: unknown, queryMs: number | undefined): number | undefined {
	if (!(client instanceof DeadlineClient)) return undefined;
	const previous = client.explicitDeadlineMs;
	client.explicitDeadlineMs = queryMs;
	return previous;
}

/** A statement timeout as PostgreSQL reads it ('10min', 60000, '5s'), in ms; undefined when not understood. */
function timeoutMs(value: string): number | undefined {
	const match = /^'?\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h)?\s*'?$/i.exec(value.trim());
	if (!match) return undefined;
	const unit = {ms: 1, s: 1000, min: 60_000, h: 3_600_000}[(match[2] ?? 'ms').toLowerCase() as 'ms' | 's' | 'min' | 'h'];
	return Number(match[1]) * unit;
}

const SET_TIMEOUT = /^\s*SET\s+(LOCAL\s+|SESSION\s+)?statement_timeout\s*(?:=|TO)\s*(.+?)\s*;?\s*$/i;
const RESET_TIMEOUT = /^\s*RESET\s+statement_timeout\s*;?\s*$/i;
const END_TRANSACTION = /^\s*(COMMIT|ROLLBACK|END|ABORT)\b/i;

/** The client radtop's pools make: every statement under the deadlines above. */
export class DeadlineClient extends pg.Client {
	readonly #config: DeadlineConfig;
	readonly #deadlines: Deadlines;
	/** Set by withQueryDeadline: wins over the statement timeouts below. */
	explicitDeadlineMs: number | undefined;
	/** From a SET LOCAL statement_timeout, until the transaction ends. */
	#localDeadlineMs: number | undefined;
	/** From a SET statement_timeout, until RESET. */
	#sessionDeadlineMs: number | undefined;
	#broken = false;

	constructor(config: DeadlineConfig = {}) {
		super(config);
		this.#config = config;
		this.#deadlines = config.radtopDeadlines ?? DEFAULT_DEADLINES;
		// A connection destroyed for its deadline emits 'error', perhaps while checked out (no pool listener then).
		this.on('error', () => undefined);
	}

	/** The hard deadline of the next statement (Infinity: none, the look still applies). */
	get queryDeadlineMs(): number {
		return this.explicitDeadlineMs ?? this.#localDeadlineMs ?? this.#sessionDeadlineMs ?? this.#deadlines.queryMs;
	}

	/** Follows the statement timeouts set on this connection, so that the hard deadline stays past them. */
	#follow(text: unknown): void {
		if (typeof text !== 'string') return;
		const set = SET_TIMEOUT.exec(text);
		if (set) {
			const ms = timeoutMs(set[2]!);
			if (ms === undefined) return;
			const deadline = ms === 0 ? Number.POSITIVE_INFINITY : Math.max(ms + 5000, this.#deadlines.queryMs);
			if (set[1]?.trim().toUpperCase() === 'LOCAL') this.#localDeadlineMs = deadline;
			else this.#sessionDeadlineMs = deadline;
		} else if (RESET_TIMEOUT.test(text)) {
			this.#sessionDeadlineMs = undefined;
		} else if (END_TRANSACTION.test(text)) {
			this.#localDeadlineMs = undefined;
		}
	}

	/** True once a deadline closed this connection: it must not be used again. */
	get broken(): boolean {
		return this.#broken;
	}

	// node-postgres's query has many overloads; radtop's statements are promise or callback ones, plus submittables.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	override query(config: any, values?: any, callback?: any): any {
		// A submittable (the export's COPY) keeps its own deadline: it is long by design.
		if (typeof config?.submit === 'function') return super.query(config, values, callback);
		const cb: Callback | undefined = typeof values === 'function' ? values : typeof callback === 'function' ? callback : undefined;
		const vals = typeof values === 'function' ? undefined : values;
		if (typeof config?.callback === 'function') return super.query(config, vals, callback);
		const deadline = this.queryDeadlineMs;
		this.#follow(typeof config === 'string' ? config : config?.text);
		const promise = this.#withDeadline(super.query(config, vals) as Promise<unknown>, deadline);
		if (!cb) return promise;
		promise.then(
			(result) => cb(null, result),
			(error: Error) => cb(error),
		);
		return undefined;
	}

	/**
	 * Watches something this connection is waiting for (a statement, or the export's COPY between two rows):
	 * looks from another connection after probeAfterMs, reports lock waits, and calls `fail` with the error to
	 * end it with once the server does not answer. Returns a function that stops watching.
	 */
	watchWait(fail: (error: Error) => void, queryMs: number = this.queryDeadlineMs): WaitWatch {
		const started = performance.now();
		const waits = this.#config.radtopWaits;
		let lastLock: (DatabaseWait & {kind: 'lock'}) | undefined;
		let reported = false;
		let done = false;
		let probeTimer: NodeJS.Timeout | undefined;
		const stop = () => {
			if (done) return;
			done = true;
			clearTimeout(probeTimer);
			clearTimeout(hardTimer);
			if (reported) waits?.report(null);
		};
		const end = (error: Error) => {
			if (done) return;
			stop();
			this.#break();
			fail(error);
		};
		const hardTimer = setTimeout(() => {
			const waited = performance.now() - started;
			end(
				lastLock ? new DatabaseLockedError(lastLock, new DatabaseNotAnsweringError(waited)) : new DatabaseNotAnsweringError(waited),
			);
		}, queryMs);
		const look = () => {
			probeTimer = undefined;
			void this.#look().then((seen) => {
				if (done) return;
				const waited = performance.now() - started;
				if (seen === 'no-answer' || (seen !== 'unknown' && seen.state === 'idle' && seen.idleSeconds * 1000 >= waited - 1000)) {
					if (waits) {
						reported = true;
						waits.report({kind: 'not-answering', waitingSeconds: waited / 1000});
					}
					end(new DatabaseNotAnsweringError(waited));
					return;
				}
				if (seen !== 'unknown' && seen.waitEventType === 'Lock') {
					lastLock = {
						kind: 'lock',
						relation: seen.relation,
						blockers: seen.blockers,
						lockedForSeconds: seen.lockedForSeconds ?? waited / 1000,
					};
					reported = true;
					waits?.report(lastLock);
				} else if (lastLock) {
					lastLock = undefined;
					reported = false;
					waits?.report(null);
				}
				probeTimer = setTimeout(look, this.#deadlines.probeAfterMs);
			});
		};
		if (this.#config.radtopProbe !== false) probeTimer = setTimeout(look, this.#deadlines.probeAfterMs);
		return {stop, lock: () => lastLock};
	}

	/** Runs a statement under the deadlines; an error that ends a lock wait names the lock. */
	async #withDeadline(statement: Promise<unknown>, queryMs: number): Promise<unknown> {
		let watch: WaitWatch | undefined;
		try {
			return await new Promise((resolve, reject) => {
				const current = this.watchWait(reject, queryMs);
				watch = current;
				statement.then(
					(result) => {
						current.stop();
						resolve(result);
					},
					(error: unknown) => {
						current.stop();
						reject(error);
					},
				);
			});
		} catch (error) {
			const lock = watch?.lock();
			// The server's statement timeout (57014) or lock timeout (55P03) ended a lock wait: say so.
			const code = (error as {code?: unknown} | null)?.code;
			if (lock && (code === '57014' || code === '55P03')) throw new DatabaseLockedError(lock, error);
			throw error;
		}
	}

	/** Closes the connection at once: a statement is in flight on it, and its answer may never come. */
	#break(): void {
		this.#broken = true;
		// The pool checks this on release: a connection so marked is closed, never lent again.
		(this as unknown as {_queryable: boolean})._queryable = false;
		const connection = (this as unknown as {connection?: {stream?: {destroy(): void}}}).connection;
		connection?.stream?.destroy();
	}

	/** One look at this connection's backend from a new connection, bounded by probeMs. */
	async #look(): Promise<Look | 'no-answer' | 'unknown'> {
		const pid = (this as unknown as {processID?: number}).processID;
		if (!pid) return 'unknown';
		const {probeMs} = this.#deadlines;
		const config: pg.ClientConfig = {
			...this.#config,
			application_name: 'radtop (wait check)',
			connectionTimeoutMillis: probeMs,
			statement_timeout: probeMs,
			query_timeout: probeMs,
		};
		const probe = new pg.Client(config);
		probe.on('error', () => undefined);
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<'no-answer'>((resolve) => {
			timer = setTimeout(() => resolve('no-answer'), probeMs);
		});
		const asked = (async (): Promise<Look | 'no-answer' | 'unknown'> => {
			try {
				await probe.connect();
				const {rows} = await probe.query(LOOK_SQL, [pid]);
				const row = rows[0] as Record<string, unknown> | undefined;
				if (!row) return 'unknown';
				return {
					state: row['state'] === null ? null : String(row['state']),
					waitEventType: row['wait_event_type'] === null ? null : String(row['wait_event_type']),
					idleSeconds: Number(row['idle_seconds'] ?? 0),
					blockers: ((row['blockers'] as unknown[] | null) ?? []).map(Number),
					relation: row['relation'] === null ? null : String(row['relation']),
					lockedForSeconds: row['locked_for'] === null ? null : Number(row['locked_for']),
				};
			} catch (error) {
				return isNotAnswering(error) ? 'no-answer' : 'unknown';
			}
		})();
		try {
			return await Promise.race([asked, timeout]);
		} finally {
			clearTimeout(timer);
			// The look's connection is never reused: ended when it answered, destroyed when it did not.
			const stream = (probe as unknown as {connection?: {stream?: {destroy(): void}}}).connection?.stream;
			stream?.destroy();
			void probe.end().catch(() => undefined);
		}
	}
}

/** The WaitMonitor of a pool connectDatabase made (its statements report there), or undefined for any other. */
export function waitsOf(db: unknown): WaitMonitor | undefined {
	const options = (db as {options?: {radtopWaits?: unknown}} | null)?.options;
	return options?.radtopWaits instanceof WaitMonitor ? options.radtopWaits : undefined;
}
