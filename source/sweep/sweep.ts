/**
 * The database side of a sweep: list the stale open sessions, and close those still exactly as listed in one
 * short transaction.
 */
import {sessionFromRow} from '../sessions/session-source.js';
import {withQueryDeadline} from '../db/deadline.js';
import {toDate, toNumber, type Queryable} from '../db/queryable.js';
import {listedRows, type SkippedState, type StaleSession} from './sweep-plan.js';
import {buildCloseQuery, buildSkippedStateQuery, buildStaleListQuery, type StaleListing, type TerminateCause} from './sweep-sql.js';

/** A connection pool that can lend one connection for a transaction (node-postgres's Pool). */
export interface TransactionalDb extends Queryable {
	connect?(): Promise<Queryable & {release(error?: Error | boolean): void}>;
}

/** How long the close waits for a row FreeRADIUS is writing before it gives up (and closes nothing). */
export const CLOSE_LOCK_TIMEOUT = '5s';

/**
 * The statement timeout of the sweep's listing and close, instead of the pool's 15 s: --limit allows a million
 * sessions, and a sweep cut short by the timeout would list or close nothing.
 */
export const SWEEP_STATEMENT_TIMEOUT = '10min';

/**
 * radtop's own deadline on those statements: the server's timeout plus 5 s. A server that stops answering is
 * found sooner, within 5 s of a statement's start (the look of `db/deadline.ts`), and a lock waited for is
 * reported as it is seen.
 */
export const SWEEP_QUERY_DEADLINE_MS = 10 * 60_000 + 5000;

/** Runs `work` on one connection in a transaction with the sweep's timeouts (on `db` itself when it lends none). */
async function inTransaction<T>(db: TransactionalDb, settings: readonly string[], work: (connection: Queryable) => Promise<T>): Promise<T> {
	const client = db.connect ? await db.connect() : undefined;
	if (client === undefined) return work(db);
	const previousDeadline = withQueryDeadline(client, SWEEP_QUERY_DEADLINE_MS);
	const restore = () => {
		if (previousDeadline !== undefined) withQueryDeadline(client, previousDeadline);
	};
	let result: T;
	try {
		await client.query('BEGIN');
		for (const setting of settings) await client.query(setting);
		result = await work(client);
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined);
		restore();
		client.release(error instanceof Error ? error : true);
		throw error;
	}
	restore();
	client.release();
	return result;
}

/**
 * The stale sessions (or the ghost candidates, with `listing.reloaded`), the longest silent first; `capped` when
 * there were more than `listing.limit`.
 */
export async function listStale(
	db: TransactionalDb,
	listing: StaleListing,
	available: ReadonlySet<string>,
	nameOf: (ip: string) => string | null,
): Promise<{stale: StaleSession[]; capped: boolean}> {
	const query = buildStaleListQuery(listing, available);
	const settings = ['SET TRANSACTION READ ONLY', `SET LOCAL statement_timeout = '${SWEEP_STATEMENT_TIMEOUT}'`];
	const {rows} = await inTransaction(db, settings, (connection) => connection.query(query.text, [...query.values]));
	const stale = rows.slice(0, listing.limit).map((row: Record<string, unknown>) => ({
		session: sessionFromRow(row, nameOf),
		updateToken: row['update_token'] === null || row['update_token'] === undefined ? null : String(row['update_token']),
		silentSeconds: toNumber(row['silent_seconds']) ?? 0,
		allowedSeconds: toNumber(row['allowed_seconds']) ?? 0,
		reloadedAt: toDate(row['reloaded_at']),
	}));
	return {stale, capped: rows.length > listing.limit};
}

/** What the close did: the radacctids closed, and where each listed one it left alone stands now. */
export interface CloseOutcome {
	readonly closed: ReadonlySet<string>;
	/** Left alone; undefined state: the row is gone (or, with `skippedUnknown`, not known). */
	readonly skipped: ReadonlyMap<string, SkippedState | undefined>;
	/** Why the rows left alone could not be read again after the close committed; their reason is unknown. */
	readonly skippedUnknown?: string;
}

/**
 * Closes the sessions still exactly as listed, in one transaction that holds row locks only for the UPDATE
 * itself (and gives up after {@link CLOSE_LOCK_TIMEOUT} rather than hold FreeRADIUS's writes behind it). Rejects
 * on a database error, with nothing closed. Once the close has committed it resolves: when reading again the
 * rows it left alone fails, `skippedUnknown` says why.
 */
export async function closeStale(db: TransactionalDb, stale: readonly StaleSession[], cause: TerminateCause): Promise<CloseOutcome> {
	if (stale.length === 0) return {closed: new Set(), skipped: new Map()};
	const close = buildCloseQuery(listedRows(stale), cause);
	const settings = [`SET LOCAL lock_timeout = '${CLOSE_LOCK_TIMEOUT}'`, `SET LOCAL statement_timeout = '${SWEEP_STATEMENT_TIMEOUT}'`];
	const closedRows: Array<Record<string, unknown>> = (
		await inTransaction(db, settings, (connection) => connection.query(close.text, [...close.values]))
	).rows;
	const closed = new Set(closedRows.map((row) => String(row['radacctid'])));
	const left = stale.map((entry) => entry.session.radacctid).filter((id) => !closed.has(id));
	const skipped = new Map<string, SkippedState | undefined>(left.map((id) => [id, undefined]));
	if (left.length > 0) {
		const state = buildSkippedStateQuery(left);
		let rows: Array<Record<string, unknown>>;
		try {
			rows = (await db.query(state.text, [...state.values])).rows;
		} catch (error) {
			return {closed, skipped, skippedUnknown: error instanceof Error ? error.message : String(error)};
		}
		for (const row of rows) {
			skipped.set(String(row['radacctid']), {
				stopped: Boolean(row['stopped']),
				acctterminatecause:
					row['acctterminatecause'] === null || row['acctterminatecause'] === undefined
						? null
						: String(row['acctterminatecause']),
				updateToken: row['update_token'] === null || row['update_token'] === undefined ? null : String(row['update_token']),
			});
		}
	}
	return {closed, skipped};
}
