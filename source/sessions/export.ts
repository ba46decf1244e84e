/**
 * Streams every session matching a filter as CSV, in constant memory: PostgreSQL formats the rows and writes
 * them with COPY TO STDOUT; radtop turns each row's LF into CRLF and passes the bytes on, pausing the socket
 * while the output is full. Used by `radtop export` and by the console's export key.
 *
 * The export runs in one read-only REPEATABLE READ transaction on one connection, so the row count checked
 * against the cap and the rows written come from the same snapshot. That holds back vacuum on radacct for
 * as long as the export runs (seconds for 500,000 rows).
 */
import {randomBytes} from 'node:crypto';
import {constants, type Stats} from 'node:fs';
import {lstat, open, readlink, realpath, rename, rm, stat, type FileHandle} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import type {Writable} from 'node:stream';
import {setTimeout as sleep} from 'node:timers/promises';
import {isatty} from 'node:tty';
import {NasDirectory, type NasTableRow} from '../nas/nas-directory.js';
import {sanitize} from '../terminal/sanitize.js';
import {buildExportCopy, buildExportQuery, DEFAULT_EXPORT_COLUMNS, exportColumn, exportFileName, type ExportColumn} from './export-sql.js';
import {buildCountQuery, COLUMNS_QUERY, NAS_ROWS_QUERY, NAS_TABLE_QUERY} from './radacct-sql.js';
import type {SessionFilter, SessionSort} from './session.js';
import {DEFAULT_STALE_AFTER_SECONDS} from './session-math.js';
import type {Queryable} from '../db/queryable.js';

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
	/** The CSV goes to a terminal: control characters in text from the database are written as visible escapes. */
	readonly forTerminal?: boolean;
	/** Told after each block of rows written (every 256 KiB). */
	readonly onProgress?: (progress: ExportProgress) => void;
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

/** The output path cannot take an export (a directory, a socket); nothing was read or written. */
export class ExportPathError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ExportPathError';
	}
}

/** What the export needs of node-postgres's connection while a COPY runs. */
interface CopyConnection {
	query(text: string): void;
	sendCopyFail(message: string): void;
	readonly stream: {pause(): void; resume(): void; destroy(): void};
}

/** A node-postgres Client or PoolClient: runs statements in order, and takes a submittable (CopyToStream). */
interface ExportClient {
	query(config: {text: string; values?: unknown[]}): Promise<{rows: any[]}>;
	query(submittable: CopyToStream): CopyToStream;
	release?(error?: Error | boolean): void;
	on?(event: 'error', listener: (error: Error) => void): unknown;
	removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/** A checked-out node-postgres client has no 'error' listener: one whose COPY is cut would crash the process. */
const ignoreClientError = () => undefined;

type Pool = Queryable & {connect?: () => Promise<ExportClient>};

/**
 * `COPY ... TO STDOUT` on a node-postgres connection, in the form its Client runs (a "submittable", as
 * pg-cursor is one). The server sends one CopyData message per row (PostgreSQL protocol, "COPY Operations"),
 * each handed to `onRow` as it arrives; pause() stops reading the socket, so the server waits.
 */
class CopyToStream {
	readonly text: string;
	readonly done: Promise<void>;
	readonly #onRow: (row: Buffer) => void;
	#connection?: CopyConnection;
	#settle!: (error?: unknown) => void;
	#error: unknown;

	constructor(text: string, onRow: (row: Buffer) => void) {
		this.text = text;
		this.#onRow = onRow;
		this.done = new Promise((resolve, reject) => {
			let settled = false;
			this.#settle = (error) => {
				if (settled) return;
				settled = true;
				if (error === undefined) resolve();
				else reject(error);
			};
		});
	}

	submit(connection: CopyConnection): void {
		this.#connection = connection;
		connection.query(this.text);
	}

	handleCopyData(message: {chunk: Buffer}): void {
		if (this.#error !== undefined) return;
		try {
			this.#onRow(message.chunk);
		} catch (error) {
			this.abort(error);
		}
	}

	handleError(error: unknown): void {
		this.#error ??= error;
		this.#settle(this.#error);
	}

	handleReadyForQuery(): void {
		this.#settle(this.#error);
	}

	handleCopyInResponse(connection: CopyConnection): void {
		connection.sendCopyFail('radtop sends no COPY data');
	}

	handleCommandComplete(): void {}
	handleRowDescription(): void {}
	handleDataRow(): void {}
	handleEmptyQuery(): void {}
	handlePortalSuspended(): void {}

	pause(): void {
		this.#connection?.stream.pause();
	}

	resume(): void {
		this.#connection?.stream.resume();
	}

	/**
	 * Stops the COPY by closing the connection: the protocol has no way to stop a COPY TO short of a cancel
	 * request, and the server rolls back when the socket goes. The connection is not reusable afterwards.
	 */
	abort(reason: unknown): void {
		this.#error ??= reason;
		this.#settle(this.#error);
		this.#connection?.stream.destroy();
	}
}

const LF = 0x0a;
const CR = 0x0d;
const CRLF = Buffer.from('\r\n');

/** Bytes gathered before one write to the output: few writes, and a bound on what is held. */
const WRITE_BYTES = 256 * 1024;

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
		await run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
		inTransaction = true;
		// A long export is the user's choice: the connection's statement timeout is meant for polls.
		await run('SET LOCAL statement_timeout = 0');
		const available = new Set(
			(await run(COLUMNS_QUERY.text, COLUMNS_QUERY.values)).map((row) => String(row['column_name']).toLowerCase()),
		);
		let total: number | undefined;
		const countFirst = options.countFirst ?? true;
		if (limit !== null && countFirst) {
			const count = buildCountQuery(filter, limit);
			total = Number((await run(count.text, count.values))[0]?.['total'] ?? 0);
			if (total > limit) throw new ExportLimitError(limit);
		}
		const nas = columns.some((column) => column.kind === 'nas') ? (options.nas ?? (await nasDirectory(run))) : undefined;
		const plan = buildExportCopy(
			buildExportQuery(filter, sort, {
				columns,
				available,
				staleAfterSeconds: options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS,
				formulaGuard: !options.raw,
				nasNames: nas?.entries(),
			}),
		);
		if (plan.settings) await run(plan.settings.text, plan.settings.values);
		options.signal?.throwIfAborted();

		// pg hands each row out as a view of its read buffer, which it reuses: rows are copied out at once.
		let buffer = Buffer.allocUnsafe(WRITE_BYTES);
		let used = 0;
		let header = true;
		let waiting = false;
		/** Reads no more from the server until the output has room again. */
		const waitForDrain = () => {
			if (waiting) return;
			waiting = true;
			copy!.pause();
			out.once('drain', () => {
				waiting = false;
				copy!.resume();
			});
		};
		const flush = () => {
			if (used === 0) return;
			const ready = out.write(buffer.subarray(0, used));
			buffer = Buffer.allocUnsafe(WRITE_BYTES);
			used = 0;
			options.onProgress?.({rows, total, elapsedMs: performance.now() - started});
			if (!ready) waitForDrain();
		};
		const append = (bytes: Buffer) => {
			if (used + bytes.length > buffer.length) flush();
			if (bytes.length > buffer.length) {
				if (!out.write(Buffer.from(bytes))) waitForDrain();
				return;
			}
			bytes.copy(buffer, used);
			used += bytes.length;
		};
		// COPY ends each row with LF (CRLF from a server on Windows); RFC 4180 wants CRLF.
		const onRow = options.forTerminal
			? (row: Buffer) => {
					// On a terminal every control character in the data becomes a visible escape; the row's end stays.
					const end = row.length - (row[row.length - 1] === LF ? (row[row.length - 2] === CR ? 2 : 1) : 0);
					append(Buffer.from(`${sanitize(row.toString('utf8', 0, end))}\r\n`));
				}
			: (row: Buffer) => {
					const last = row.length - 1;
					if (row[last] === LF && row[last - 1] !== CR) {
						append(row.subarray(0, last));
						append(CRLF);
					} else append(row);
				};
		copy = new CopyToStream(plan.copy, (row) => {
			if (outputFailure !== undefined) throw new ExportOutputError(outputFailure, rows);
			if (header) header = false;
			else if (++rows > (limit ?? Number.POSITIVE_INFINITY) && !countFirst) throw new ExportLimitError(limit!);
			onRow(row);
		});
		client.query(copy);
		await copy.done;
		flush();
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
		if (client !== (db as unknown)) client.release?.(broken === undefined ? false : broken instanceof Error ? broken : true);
	}
}

export interface FileExportResult extends ExportResult {
	/** The file written. */
	readonly path: string;
}

/**
 * Exports into a file: written under a temporary name beside it (mode 0600: an export holds subscribers'
 * names, addresses and MACs) and renamed over `path` only when complete, so a failed or interrupted export
 * leaves no partial file and an existing file is replaced whole or not at all. A symbolic link stays: the
 * file it points to is replaced. A FIFO or a device (`/dev/stdout`, the `/dev/fd/N` of a shell's `>(...)`)
 * is written directly, as the rows come. A directory is refused (ExportPathError) before anything is read.
 */
export async function exportSessionsToFile(
	db: Queryable,
	filter: SessionFilter,
	sort: SessionSort,
	options: ExportOptions,
	path: string,
): Promise<FileExportResult> {
	const target = await outputTarget(path);
	if (target.direct) return exportSessionsToStream(db, filter, sort, options, path, target.stats);
	const temporary = join(dirname(target.file), `.${basename(target.file)}.${randomBytes(4).toString('hex')}.partial`);
	const handle = await open(temporary, 'wx', 0o600);
	let done = false;
	try {
		const stream = handle.createWriteStream();
		// Nobody sees the temporary file before the rename: the cap is checked as the rows come, not by a count first.
		const result = await exportSessions(db, filter, sort, {countFirst: false, ...options}, stream);
		await new Promise<void>((resolve, reject) => {
			stream.once('error', reject);
			stream.end(() => resolve());
		});
		await handle.sync().catch(() => undefined);
		// Interrupted once every row was written, but before the file took its name: still not written.
		if (options.signal?.aborted) throw new ExportAbortedError(result.rows);
		await rename(temporary, target.file);
		done = true;
		return {...result, path};
	} finally {
		await handle.close().catch(() => undefined);
		if (!done) await rm(temporary, {force: true});
	}
}

type OutputTarget = {readonly direct: false; readonly file: string} | {readonly direct: true; readonly stats: Stats};

/**
 * Where an export to `path` goes: an existing file that is neither regular nor a directory is written
 * directly; otherwise the regular file to replace, through any symbolic links (a dangling one included).
 */
async function outputTarget(path: string): Promise<OutputTarget> {
	const isDirectory = () => new ExportPathError(`${path} is a directory: name a file to write`);
	let stats: Stats;
	try {
		stats = await stat(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		if (/[/\\]$/.test(path)) throw isDirectory();
		return {direct: false, file: await linkTarget(path)};
	}
	if (stats.isDirectory()) throw isDirectory();
	// A socket (a /dev/fd/N some programs give a child for its output) cannot be opened by name.
	if (stats.isSocket())
		throw new ExportPathError(`${path} is a socket, which cannot be opened: leave out the file name to write to stdout`);
	if (!stats.isFile()) return {direct: true, stats};
	return {direct: false, file: await realpath(path)};
}

/** The path a chain of symbolic links ends at (`path` itself when it is no link), existing or not. */
async function linkTarget(path: string): Promise<string> {
	let current = path;
	for (let hops = 0; hops < 40; hops++) {
		const stats = await lstat(current).catch(() => undefined);
		if (!stats?.isSymbolicLink()) return current;
		current = resolve(dirname(current), await readlink(current));
	}
	return current;
}

/** Writes the export straight into a FIFO or device, with the same backpressure as a pipe on stdout. */
async function exportSessionsToStream(
	db: Queryable,
	filter: SessionFilter,
	sort: SessionSort,
	options: ExportOptions,
	path: string,
	stats: Stats,
): Promise<FileExportResult> {
	const handle = await openForWriting(path, stats, options.signal);
	try {
		const stream = handle.createWriteStream();
		const forTerminal = options.forTerminal ?? isatty(handle.fd);
		const result = await exportSessions(db, filter, sort, {...options, forTerminal}, stream);
		await new Promise<void>((resolve, reject) => {
			stream.once('error', reject);
			stream.end(() => resolve());
		});
		return {...result, path};
	} finally {
		await handle.close().catch(() => undefined);
	}
}

/**
 * Opens a FIFO or device for writing. Opening a FIFO waits for a reader, in a thread no signal reaches: radtop
 * waits for one here instead (a non-blocking open fails with ENXIO until there is one), so it can be aborted.
 */
async function openForWriting(path: string, stats: Stats, signal: AbortSignal | undefined): Promise<FileHandle> {
	const aborted = () => (signal?.aborted ? new ExportAbortedError(0) : undefined);
	if (!stats.isFIFO()) return open(path, 'w');
	for (;;) {
		const error = aborted();
		if (error) throw error;
		try {
			const probe = await open(path, constants.O_WRONLY | constants.O_NONBLOCK);
			// A reader is there: the blocking open returns at once.
			try {
				return await open(path, 'w');
			} finally {
				await probe.close();
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
		}
		await sleep(100, undefined, {signal}).catch(() => undefined);
	}
}

/**
 * The file the console writes the current view to: `radtop-sessions-YYYYMMDD-HHMMSS.csv` (local time) in
 * `directory` (default the current directory).
 */
export function defaultExportPath(now = new Date(), directory = process.cwd()): string {
	return join(directory, exportFileName(now));
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

async function nasDirectory(run: (text: string, values?: readonly unknown[]) => Promise<any[]>): Promise<NasDirectory> {
	const present = await run(NAS_TABLE_QUERY.text);
	if (!present[0]?.['present']) return new NasDirectory();
	const rows: NasTableRow[] = (await run(NAS_ROWS_QUERY.text)).map((row) => ({
		nasname: String(row['nasname']),
		shortname: row['shortname'] === null ? null : String(row['shortname']),
	}));
	return NasDirectory.from(rows);
}
