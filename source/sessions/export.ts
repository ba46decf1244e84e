/**
 * Streams every session matching a filter as CSV, in constant memory: PostgreSQL formats the rows and writes
 * them with COPY TO STDOUT; radtop turns each row's LF into CRLF and passes the bytes on, pausing the socket
 * while the output is full. Used by `radtop export` and by the console's export key.
 *
 * The export runs in one read-only REPEATABLE READ transaction on one connection, so the row count checked
 * against the cap and the rows written come from the same snapshot. That holds back vacuum on radacct for
 * as long as the export runs (seconds for 500,000 rows).
 *
 * An export that receives nothing from the database for EXPORT_IDLE_MS (30 s) ends with ExportIdleError (or,
 * when a look from another connection saw a lock, DatabaseLockedError naming it); one whose server stops
 * answering ends within about 6 s (the client-side deadlines of `db/deadline.ts`: 3 s idle, a 2 s look, checked
 * every 0.5 s) with DatabaseNotAnsweringError. Time spent waiting for the output to drain is not idle.
 */
import type {Writable} from 'node:stream';
import {NasDirectory} from './nas-directory.js';
import type {RegionSql} from './regions.js';
import {CopyToStream} from './copy-to-stream.js';
import {CsvWriter} from './csv-writer.js';
import {buildExportCopy, buildExportQuery, DEFAULT_EXPORT_COLUMNS, exportColumn, type ExportColumn} from './export-sql.js';
import {buildCountQuery} from './radacct-sql.js';
import {loadNasRows} from '../db/nas-table.js';
import {probeRadacctColumns} from '../db/radacct-columns.js';
import type {SessionFilter, SessionSort} from './session.js';
import {DEFAULT_STALE_AFTER_SECONDS} from './session-math.js';
import type {Queryable} from '../db/queryable.js';
import {DatabaseLockedError} from '../db/database-wait.js';
import {DeadlineClient, withQueryDeadline, type WaitWatch} from '../db/deadline.js';

/** How long an export waits for the database to send anything (a statement's answer, the next row). */
export const EXPORT_IDLE_MS = 30_000;

/** Rows an export may hold unless the caller lifts the cap. */
export const DEFAULT_EXPORT_LIMIT = 500_000;

export interface ExportProgress {
	/** Rows written so far. */
	readonly rows: number;
	/** Rows the export will write, when it was counted (always, unless the cap is lifted). */
	readonly total?: number;
	/** Milliseconds since the export started. */
	readonly elapsedMs: number;
}

export interface ExportOptions {
	/** Column names (see EXPORT_COLUMNS); default DEFAULT_EXPORT_COLUMNS, the columns of `radtop sessions --csv`. */
	readonly columns?: readonly string[];
	/** Refuse (ExportLimitError, before writing anything) when more rows match; null for no cap. Default 500,000. */
	readonly limit?: number | null;
	/**
	 * Count the matching rows against the limit before the first byte is written (default). An output nobody
	 * sees before it is complete (a temporary file renamed at the end) skips that second pass over the rows:
	 * the export then stops at the first row beyond the limit, with the same ExportLimitError.
	 */
	readonly countFirst?: boolean;
	/** Write fields as they are, without the spreadsheet formula guard. */
	readonly raw?: boolean;
	/** Stale threshold for the `state` column when the NAS reports no interim interval. */
	readonly staleAfterSeconds?: number;
	/** NAS names for the `nas` column (a SessionSource's `nas`); default: FreeRADIUS's nas table. Unnamed NAS show their IP. */
	readonly nas?: NasDirectory;
	/** The NAS of a search's `region:` term (a SessionSource's `regionNas`). */
	readonly regionNas?: (region: string) => RegionSql;
	/** The IPs of a search's `nas:` name; default: `nas`'s (an unknown name is an error). */
	readonly nasIps?: (nas: string) => readonly string[];
	/** The site of a profile that lists sites: a first column `site` with its name on every row. */
	readonly site?: string;
	/** Write the header row (default); false: the rows alone, the header being another site's. */
	readonly header?: boolean;
	/**
	 * Awaited once the export's snapshot is taken and its rows counted (`total`, when they were), before anything
	 * is written: the export waits for it, and a rejection ends it with nothing written (the sites of one export
	 * each wait there for their turn).
	 */
	readonly ready?: (total: number | undefined) => Promise<void>;
	/** radacct's readable columns (a SessionSource's `columns`); default: asked inside the export's snapshot. */
	readonly available?: ReadonlySet<string>;
	/** The CSV goes to a terminal: control characters in text from the database are written as visible escapes. */
	readonly forTerminal?: boolean;
	/** Told after each block of rows written (every 256 KiB). */
	readonly onProgress?: (progress: ExportProgress) => void;
	/** Longest wait for anything from the database (default EXPORT_IDLE_MS, 30 s). */
	readonly idleMs?: number;
	/** Aborting stops the export at once (a COPY under way is cut by closing its connection); it rejects with ExportAbortedError. */
	readonly signal?: AbortSignal;
}

export interface ExportResult {
	/** Data rows written (the header not counted). */
	readonly rows: number;
}

/** More sessions match than the export's cap allows; nothing was written. */
export class ExportLimitError extends Error {
	readonly limit: number;

	constructor(limit: number) {
		super(
			`more than ${limit.toLocaleString('en-US')} sessions match: narrow the filter (--from, --to, --nas, --search) or pass --no-limit`,
		);
		this.name = 'ExportLimitError';
		this.limit = limit;
	}
}

/** The export was stopped through its AbortSignal after `rows` rows. */
export class ExportAbortedError extends Error {
	readonly rows: number;

	constructor(rows: number) {
		super(`export interrupted after ${rows.toLocaleString('en-US')} rows`);
		this.name = 'ExportAbortedError';
		this.rows = rows;
	}
}

/** The database sent nothing for the export's idle deadline; the export stopped after `rows` rows. */
export class ExportIdleError extends Error {
	readonly rows: number;

	constructor(idleMs: number, rows: number) {
		super(`the database sent nothing for ${Math.round(idleMs / 1000)} s: export stopped after ${rows.toLocaleString('en-US')} rows`);
		this.name = 'ExportIdleError';
		this.rows = rows;
	}
}

/** Writing the CSV failed (a full disk, a closed pipe) after `rows` rows. */
export class ExportOutputError extends Error {
	readonly rows: number;

	constructor(cause: unknown, rows: number) {
		const code = (cause as {code?: unknown} | null)?.code;
		const why = code === 'EPIPE' ? 'the reader closed the pipe' : cause instanceof Error ? cause.message : String(cause);
		// The cause's code (EPIPE, ENOSPC) is not copied: it is the output's, not the database's.
		super(`writing the export failed after ${rows.toLocaleString('en-US')} rows: ${why}`, {cause});
		this.name = 'ExportOutputError';
		this.rows = rows;
	}
}

/** A node-postgres Client or PoolClient: runs statements in order, and takes a submittable (CopyToStream). */
interface ExportClient {
	query(config: {text: string; values?: unknown[]}): Promise<{rows: Record<string, unknown>[]}>;
	query(submittable: CopyToStream): CopyToStream;
	release?(error?: Error | boolean): void;
	on?(event: 'error', listener: (error: Error) => void): unknown;
	removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/** A checked-out node-postgres client has no 'error' listener: one whose COPY is cut would crash the process. */
const ignoreClientError = () => undefined;

type Pool = Queryable & {connect?: () => Promise<ExportClient>};

/**
 * Writes a header row and every session matching `filter`, in `sort`'s order, as RFC 4180 CSV to `out`.
 * `db` is a node-postgres Pool (one connection is taken for the export and given back; one interrupted
 * mid-stream is closed, not given back) or a Client nothing else uses meanwhile. `out` is not ended: the
 * caller owns it.
 */
export async function exportSessions(
	db: Queryable,
	filter: SessionFilter,
	sort: SessionSort,
	options: ExportOptions,
	out: Writable,
): Promise<ExportResult> {
	const columns = resolveColumns(options.columns ?? DEFAULT_EXPORT_COLUMNS);
	const limit = options.limit === undefined ? DEFAULT_EXPORT_LIMIT : options.limit;
	if (limit !== null && (!Number.isInteger(limit) || limit < 0)) throw new RangeError('an export limit is a whole number');
	options.signal?.throwIfAborted();
	const pool = db as Pool;
	const client: ExportClient = typeof pool.connect === 'function' ? await pool.connect() : (db as unknown as ExportClient);
	// Cutting a COPY closes the socket, and the client emits the 'error' of its end, perhaps after release:
	// the export reports the interruption itself.
	client.on?.('error', ignoreClientError);
	const idleMs = options.idleMs ?? EXPORT_IDLE_MS;
	// Each statement of the export (the server's timeout is lifted for it) has the idle deadline as its own.
	const previousDeadline = withQueryDeadline(client, idleMs);
	const started = performance.now();
	let broken: unknown;
	let inTransaction = false;
	let rows = 0;
	let outputFailure: unknown;
	let copy: CopyToStream | undefined;
	// A failed or closed output will never drain: the COPY, perhaps paused for it, is stopped.
	const onOutputError = (error: unknown) => {
		outputFailure ??= error;
		copy?.abort(new ExportOutputError(error, rows));
	};
	const onOutputClose = () => onOutputError(new Error('the output was closed'));
	out.on('error', onOutputError);
	out.on('close', onOutputClose);
	const onAbort = () => copy?.abort(options.signal!.reason);
	options.signal?.addEventListener('abort', onAbort, {once: true});
	try {
		const run = async (text: string, values: readonly unknown[] = []) => (await client.query({text, values: [...values]})).rows;
		const inSnapshot: Queryable = {query: (text, values = []) => client.query({text, values})};
		await run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
		inTransaction = true;
		// A long export is the user's choice: the connection's statement timeout is meant for polls.
		await run('SET LOCAL statement_timeout = 0');
		const nasIps = nasIpsOf(options);
		const available = options.available ?? (await probeRadacctColumns(inSnapshot)).readable;
		let total: number | undefined;
		const countFirst = options.countFirst ?? true;
		if (limit !== null && countFirst) {
			const count = buildCountQuery(filter, limit, {available, nasIps, ...regionsOf(options)});
			total = Number((await run(count.text, count.values))[0]?.['total'] ?? 0);
			if (total > limit) throw new ExportLimitError(limit);
		}
		const nas = columns.some((column) => column.kind === 'nas')
			? (options.nas ?? NasDirectory.from((await loadNasRows(inSnapshot)).rows))
			: undefined;
		const plan = buildExportCopy(
			buildExportQuery(filter, sort, {
				nasIps,
				...regionsOf(options),
				columns,
				available,
				staleAfterSeconds: options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS,
				formulaGuard: !options.raw,
				nasNames: nas?.entries(),
				...(options.site === undefined ? {} : {site: options.site}),
			}),
		);
		if (plan.settings) await run(plan.settings.text, plan.settings.values);
		options.signal?.throwIfAborted();
		await options.ready?.(total);
		options.signal?.throwIfAborted();

		let header = true;
		const writeHeader = options.header ?? true;
		let outputFull = false;
		const writer = new CsvWriter(out, {
			forTerminal: options.forTerminal ?? false,
			pause: () => {
				outputFull = true;
				copy!.pause();
			},
			resume: () => {
				outputFull = false;
				copy!.resume();
			},
			onBlock: () => options.onProgress?.({rows, total, elapsedMs: performance.now() - started}),
		});
		copy = new CopyToStream(plan.copy, (row) => {
			if (outputFailure !== undefined) throw new ExportOutputError(outputFailure, rows);
			if (header) {
				header = false;
				if (!writeHeader) return;
			} else if (++rows > (limit ?? Number.POSITIVE_INFINITY) && !countFirst) throw new ExportLimitError(limit!);
			writer.write(row);
		});
		client.query(copy);
		await watchIdle(
			copy,
			client,
			idleMs,
			() => rows,
			() => outputFull,
		);
		writer.flush();
		await run('COMMIT');
		inTransaction = false;
		if (outputFailure !== undefined) throw new ExportOutputError(outputFailure, rows);
		return {rows};
	} catch (error) {
		if (
			copy &&
			!(await copy.done.then(
				() => true,
				() => false,
			))
		)
			broken = error;
		if (inTransaction && broken === undefined) {
			await client.query({text: 'ROLLBACK'}).catch((rollbackError: unknown) => {
				broken = rollbackError;
			});
		}
		if (error instanceof ExportOutputError) throw error;
		if (outputFailure !== undefined) throw new ExportOutputError(outputFailure, rows);
		if (options.signal?.aborted) throw new ExportAbortedError(rows);
		throw error;
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
		out.removeListener('error', onOutputError);
		out.removeListener('close', onOutputClose);
		// A connection whose COPY was cut or whose ROLLBACK failed is in an unknown state: the pool drops it.
		if (broken === undefined) client.removeListener?.('error', ignoreClientError);
		if (previousDeadline !== undefined) withQueryDeadline(client, previousDeadline);
		if (client !== (db as unknown)) client.release?.(broken === undefined ? false : broken instanceof Error ? broken : true);
	}
}
/**
 * Waits for the COPY to end, cutting it when the database sends nothing for `idleMs`; while rows do not come,
 * the database's client looks at what its backend waits for (a lock is reported, a server that does not
 * answer ends it sooner). Waiting for a full output is not the database's silence.
 */
async function watchIdle(
	copy: CopyToStream,
	client: unknown,
	idleMs: number,
	rows: () => number,
	outputFull: () => boolean,
): Promise<void> {
	let lastRows = -1;
	let quietSince = performance.now();
	let watch: WaitWatch | undefined;
	const tick = setInterval(() => {
		const now = performance.now();
		if (rows() !== lastRows || outputFull()) {
			lastRows = rows();
			quietSince = now;
			watch?.stop();
			watch = undefined;
			return;
		}
		const quiet = now - quietSince;
		// The look only reports, or ends a COPY whose server does not answer; the idle deadline is checked here.
		if (watch === undefined && client instanceof DeadlineClient && quiet >= 1000)
			watch = client.watchWait((error) => copy.abort(error), 2 * idleMs);
		if (quiet >= idleMs) {
			const lock = watch?.lock();
			const idle = new ExportIdleError(idleMs, rows());
			copy.abort(lock ? new DatabaseLockedError(lock, idle, `nothing received for ${Math.round(idleMs / 1000)} s`) : idle);
		}
	}, 500);
	try {
		await copy.done;
	} finally {
		clearInterval(tick);
		watch?.stop();
	}
}

/** The columns for these names; throws RangeError for an unknown name. */
function resolveColumns(names: readonly string[]): ExportColumn[] {
	if (names.length === 0) throw new RangeError('an export needs at least one column');
	return names.map((name) => {
		const column = exportColumn(name);
		if (!column) throw new RangeError(`unknown export column "${name.slice(0, 40)}"`);
		return column;
	});
}

/** The IPs a search's `nas:` name stands for in an export: its own resolver, else its NAS directory's. */
export function nasIpsOf(options: Pick<ExportOptions, 'nas' | 'nasIps'>): (nas: string) => readonly string[] {
	return options.nasIps ?? ((nas) => (options.nas ?? new NasDirectory()).resolve(nas));
}

/** The `region:` terms' context of an export, when it has one. */
export function regionsOf(options: Pick<ExportOptions, 'regionNas'>): {regionNas?: (region: string) => RegionSql} {
	return options.regionNas ? {regionNas: options.regionNas} : {};
}
