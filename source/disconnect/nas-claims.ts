/**
 * Claims on a NAS, so two radtop processes never disconnect the sessions of one NAS at the same time: while one
 * runs, the other stops for that NAS (or waits, when asked) and is told who holds it, e.g. `bng-2 is being
 * disconnected by noc-anna@noc1 (pid 4242, 38 s ago)`.
 *
 * A claim is a PostgreSQL session-level advisory lock in the database radtop reads, so it needs no schema change:
 * `pg_try_advisory_lock(namespace, key)` in the two-int form, the namespace {@link CLAIM_NAMESPACE} and the key a
 * hash of the NAS's IP ({@link nasClaimKey}). It is taken on one dedicated connection lent by the pool for the run
 * and released at its end; a process that dies loses its connection, and the server releases its locks with it.
 * Who holds a claim is the `application_name` of that connection ({@link holderLabel}: `radtop disconnect PID
 * SINCE OPERATOR@HOST`), found through `pg_locks` joined to `pg_stat_activity`; any role can read it.
 *
 * A pool that cannot spare a connection (at most one, as the embedded demo database's, or a server that takes
 * only one) or a database object without a pool (PGlite itself) is used as it is: the locks are taken on its one
 * session, which PGlite also supports; a pool that closes that connection while idle loses them. Advisory locks are re-entrant within one session, so claims held by this process are also kept here,
 * in memory: a second claim from the same process (a second action in the console) is refused as well.
 */
import {hostname} from 'node:os';
import type {Operator} from '../audit/audit-log.js';
import type {Queryable} from '../db/queryable.js';
import {normaliseIp} from '../net/address.js';

/** The first int of every radtop NAS claim, `radt` in ASCII: keeps radtop's locks apart from other users'. */
export const CLAIM_NAMESPACE = 0x72_61_64_74;

/** How often a claim that is waited for is tried again. */
export const CLAIM_POLL_MS = 1000;

/** PostgreSQL keeps at most this many bytes of `application_name` (NAMEDATALEN - 1). */
const APPLICATION_NAME_BYTES = 63;

const LABEL_PREFIX = 'radtop disconnect ';

/**
 * The advisory lock key of a NAS: the two ints of `pg_try_advisory_lock(int4, int4)`, {@link CLAIM_NAMESPACE} and
 * the 32-bit FNV-1a hash of `radtop:nas:IP` (the IP as {@link normaliseIp} spells it) as a signed int4.
 *
 * @example nasClaimKey('10.0.0.2') // [1918985332, <the same int4 in every radtop process>]
 */
export function nasClaimKey(ip: string): readonly [number, number] {
	let hash = 0x81_1c_9d_c5;
	for (const byte of Buffer.from(`radtop:nas:${normaliseIp(ip)}`, 'utf8')) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01_00_01_93);
	}
	return [CLAIM_NAMESPACE, hash | 0];
}

/** Who holds a claim. */
export interface ClaimHolder {
	/** The operator (the sudo user under sudo), as the audit log names them. */
	readonly operator: string;
	readonly host: string;
	/** The process id of the radtop that holds it. */
	readonly pid: number;
	/** When it began, to the second. */
	readonly since: Date;
}

/** This process as a claim holder, starting now. */
export function currentHolder(operator: Operator, now = new Date()): ClaimHolder {
	return {operator: operator.sudoUser ?? operator.user, host: hostname(), pid: process.pid, since: now};
}

/**
 * The `application_name` that says who holds the claims of a connection: `radtop disconnect PID SINCE
 * OPERATOR@HOST`, SINCE in Unix seconds. Printable ASCII only (PostgreSQL turns anything else into `?`), cut to
 * the 63 bytes PostgreSQL keeps; only the end of OPERATOR@HOST is lost to the cut.
 */
export function holderLabel(holder: ClaimHolder): string {
	const ascii = (text: string): string => text.replace(/[^\x21-\x7e]/g, '?');
	const label = `${LABEL_PREFIX}${holder.pid} ${Math.floor(holder.since.getTime() / 1000)} ${ascii(holder.operator)}@${ascii(holder.host)}`;
	return label.slice(0, APPLICATION_NAME_BYTES);
}

/** Reads a {@link holderLabel} back; undefined for any other `application_name`. */
export function parseHolderLabel(label: string | null | undefined): ClaimHolder | undefined {
	const match = /^radtop disconnect (\d{1,10}) (\d{1,12}) (.*)$/.exec(label ?? '');
	if (!match) return undefined;
	const who = match[3]!;
	const at = who.lastIndexOf('@');
	return {
		operator: at < 0 ? who : who.slice(0, at),
		host: at < 0 ? '' : who.slice(at + 1),
		pid: Number(match[1]),
		since: new Date(Number(match[2]) * 1000),
	};
}

/** `38 s`, `4 min`, `2 h`: how long ago `since` was. */
export function formatAgo(since: Date, now: Date): string {
	const seconds = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
	if (seconds < 120) return `${seconds} s`;
	if (seconds < 120 * 60) return `${Math.floor(seconds / 60)} min`;
	return `${Math.floor(seconds / 3600)} h`;
}

/**
 * What the second operator is told, e.g. `bng-2 is being disconnected by noc-anna@noc1 (pid 4242, 38 s ago)`;
 * `by another radtop` when the holder's connection does not say who (a lock taken on a shared connection).
 */
export function holderMessage(nasName: string, holder: ClaimHolder | undefined, now = new Date()): string {
	if (holder === undefined) return `${nasName} is being disconnected by another radtop`;
	const who = holder.host ? `${holder.operator}@${holder.host}` : holder.operator;
	return `${nasName} is being disconnected by ${who} (pid ${holder.pid}, ${formatAgo(holder.since, now)} ago)`;
}

/** A connection lent by a pool for as long as the claims are held (node-postgres's PoolClient fits). */
export interface LentConnection extends Queryable {
	release(destroy?: boolean): void;
}

/**
 * The database claims are taken in: any {@link Queryable}; one that can lend a connection (a node-postgres Pool
 * of more than one connection) lends one for the locks.
 */
export type ClaimDatabase = Queryable & {
	readonly connect?: () => Promise<LentConnection>;
	readonly options?: {readonly max?: number};
};

/** The NAS a claim is for. */
export interface ClaimNas {
	readonly ip: string;
	readonly name: string;
}

/** Options of {@link NasClaims.claim}. */
export interface ClaimOptions {
	/** Wait for a claim held by someone else, trying every {@link CLAIM_POLL_MS}; default: give up at once. */
	readonly wait?: boolean;
	/** Stops waiting. */
	readonly signal?: AbortSignal;
	/** Called when a claim is found held and at every try while waiting, with the message to show. */
	readonly onWaiting?: (nas: ClaimNas, message: string) => void;
	/** Default {@link CLAIM_POLL_MS}. */
	readonly pollMs?: number;
}

/** How a claim went. */
export type ClaimResult =
	| {readonly claimed: true; readonly waited: boolean}
	| {readonly claimed: false; readonly reason: 'held' | 'aborted' | 'error'; readonly message: string};

/**
 * Claims held by this process, per database (several sites' databases each lock their own NAS, and one IP can
 * be a NAS at each), by key, with who took them.
 */
const heldHereIn = new WeakMap<object, Map<string, ClaimHolder>>();

function heldIn(db: object): Map<string, ClaimHolder> {
	let held = heldHereIn.get(db);
	if (held === undefined) {
		held = new Map();
		heldHereIn.set(db, held);
	}
	return held;
}

/** Who holds each of the NAS's claims now, by IP, as far as the database and this process tell; free ones are left out. */
export async function findClaimHolders(db: Queryable, nas: readonly ClaimNas[]): Promise<Map<string, ClaimHolder | undefined>> {
	const holders = new Map<string, ClaimHolder | undefined>();
	for (const {ip} of nas) {
		const key = nasClaimKey(ip);
		const here = heldIn(db).get(key.join(':'));
		if (here) {
			holders.set(ip, here);
			continue;
		}
		const found = await lockHolder(db, key);
		if (found) holders.set(ip, found.holder);
	}
	return holders;
}

/**
 * The claims of one action. {@link claim} each NAS before sending to it; {@link release} at the end releases them
 * all. Never rejects: a database error makes the claim fail (`reason: 'error'`), so nothing is sent that is not
 * claimed.
 */
export class NasClaims {
	readonly #db: ClaimDatabase;
	readonly #holder: ClaimHolder;
	readonly #held = new Set<string>();
	#connection: Promise<{readonly db: Queryable; readonly lent?: LentConnection}> | undefined;
	#released = false;
	#queue: Promise<unknown> = Promise.resolve();

	constructor(db: ClaimDatabase, holder: ClaimHolder) {
		this.#db = db;
		this.#holder = holder;
	}

	/** Claims `nas` for this action, waiting for it when `options.wait` says so. */
	async claim(nas: ClaimNas, options: ClaimOptions = {}): Promise<ClaimResult> {
		const key = nasClaimKey(nas.ip);
		const id = key.join(':');
		if (this.#held.has(id)) return {claimed: true, waited: false};
		let waited = false;
		try {
			for (;;) {
				if (this.#released) return {claimed: false, reason: 'aborted', message: `${nas.name}: the action ended`};
				// One attempt at a time: several NAS are claimed at once, and a pool on a server that takes one
				// connection only must not be made to open a second.
				const attempt = this.#queue.then(async () => this.#attempt(nas, key));
				this.#queue = attempt.catch(() => undefined);
				const message = await attempt;
				if (message === undefined) return {claimed: true, waited};
				if (!options.wait) return {claimed: false, reason: 'held', message};
				options.onWaiting?.(nas, message);
				waited = true;
				if (!(await sleep(options.pollMs ?? CLAIM_POLL_MS, options.signal)))
					return {claimed: false, reason: 'aborted', message: `stopped waiting: ${message}`};
			}
		} catch (error) {
			return {claimed: false, reason: 'error', message: `${nas.name} could not be claimed in the database: ${errorText(error)}`};
		}
	}

	/** Tries to take the lock once: undefined when it is ours now, else the message that says who holds it. */
	async #attempt(nas: ClaimNas, key: readonly [number, number]): Promise<string | undefined> {
		const id = key.join(':');
		const heldHere = heldIn(this.#db);
		const heldByUs = heldHere.get(id);
		if (heldByUs === undefined) {
			// Reserved here first: on a shared session the lock is re-entrant, so it cannot tell two claimers apart.
			heldHere.set(id, this.#holder);
			let locked = false;
			try {
				const {db} = await this.#lockConnection();
				const {rows} = await db.query('SELECT pg_try_advisory_lock($1::int4, $2::int4) AS locked', [...key]);
				locked = (rows[0] as {locked?: unknown} | undefined)?.locked === true;
			} finally {
				if (!locked) heldHere.delete(id);
			}
			if (locked) {
				this.#held.add(id);
				return undefined;
			}
		}
		return holderMessage(nas.name, heldByUs ?? (await lockHolder(this.#db, key))?.holder);
	}

	/** Releases every claim of this action (idempotent; never rejects); a lent connection goes back closed. */
	async release(): Promise<void> {
		this.#released = true;
		const connection = await this.#connection?.catch(() => undefined);
		for (const id of this.#held) {
			heldIn(this.#db).delete(id);
			// 0.3 s at most for each: on a database that stopped answering the lent connection's locks end with
			// it (closed below), and the run's closing record is not held back.
			if (connection === undefined) continue;
			const [namespace, key] = id.split(':').map(Number) as [number, number];
			const unlock = connection.db.query('SELECT pg_advisory_unlock($1::int4, $2::int4)', [namespace, key]).catch(() => undefined);
			await Promise.race([unlock, new Promise((resolve) => setTimeout(resolve, 300).unref())]);
		}
		this.#held.clear();
		// Closed rather than pooled: its application_name and anything left on it go with it.
		connection?.lent?.release(true);
		this.#connection = undefined;
	}

	#lockConnection(): Promise<{readonly db: Queryable; readonly lent?: LentConnection}> {
		this.#connection ??= this.#open();
		return this.#connection;
	}

	async #open(): Promise<{readonly db: Queryable; readonly lent?: LentConnection}> {
		const db = this.#db;
		if (typeof db.connect !== 'function' || (db.options?.max ?? 10) <= 1) return {db};
		const lent = await db.connect();
		try {
			// The pool must still reach the server without the lent connection: a server that takes one connection
			// only (the embedded database's socket) would leave it none. Then the one session is shared instead.
			await db.query('SELECT 1');
		} catch {
			lent.release();
			return {db};
		}
		try {
			await lent.query("SELECT set_config('application_name', $1, false)", [holderLabel(this.#holder)]);
		} catch (error) {
			lent.release(true);
			throw error;
		}
		return {db: lent, lent};
	}
}

/** The backend holding the advisory lock `key` in this database, with who it says it is. */
async function lockHolder(db: Queryable, key: readonly [number, number]): Promise<{holder: ClaimHolder | undefined} | undefined> {
	const {rows} = await db.query(
		`SELECT a.application_name FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = $1::oid AND l.objid = $2::oid
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		LIMIT 1`,
		// pg_locks shows the two ints as oids: unsigned.
		key.map((part) => String(part >>> 0)),
	);
	const row = rows[0] as {application_name?: string | null} | undefined;
	return row === undefined ? undefined : {holder: parseHolderLabel(row.application_name)};
}

/** Waits `ms`; false when the signal fired first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
	if (signal?.aborted) return Promise.resolve(false);
	return new Promise((resolve) => {
		const done = (go: boolean): void => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
			resolve(go);
		};
		const onAbort = (): void => done(false);
		const timer = setTimeout(() => done(true), ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
