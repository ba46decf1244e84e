/**
 * An export into a named file: a regular file is replaced whole once the export is complete; a FIFO or a device
 * is written directly.
 */
import {randomBytes} from 'node:crypto';
import {constants, type Stats} from 'node:fs';
import {lstat, open, readlink, realpath, rename, rm, stat, type FileHandle} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Writable} from 'node:stream';
import {isatty} from 'node:tty';
import {exportFileName} from './export-sql.js';
import {ExportAbortedError, exportSessions, type ExportOptions, type ExportResult} from './export.js';
import type {SessionFilter, SessionSort} from './session.js';
import type {Queryable} from '../db/queryable.js';

/** The output path cannot take an export (a directory, a socket); nothing was read or written. */
export class ExportPathError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ExportPathError';
	}
}

/** What writes the rows: {@link exportSessions}, or one with the same contract (the subscriber columns' export). */
export type Exporter = typeof exportSessions;

/** What {@link exportSessionsToFile} wrote. */
export interface FileExportResult extends ExportResult {
	/** The file written. */
	readonly path: string;
}

/**
 * What writes an export into `out`: the file's own options (`countFirst`, `forTerminal`) go over the caller's.
 */
export type ExportWriter<R extends ExportResult> = (
	fileOptions: Pick<ExportOptions, 'countFirst' | 'forTerminal'>,
	out: Writable,
) => Promise<R>;

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
	exporter: Exporter = exportSessions,
): Promise<FileExportResult> {
	return exportToFile(path, options, (fileOptions, out) => exporter(db, filter, sort, {...options, ...fileOptions}, out));
}

/**
 * {@link exportSessionsToFile} for any writer of rows (the sites of a profile, one after the other): the file is
 * replaced whole once `write` has written everything, a FIFO or device written directly.
 */
export async function exportToFile<R extends ExportResult>(
	path: string,
	options: Pick<ExportOptions, 'countFirst' | 'forTerminal' | 'signal'>,
	write: ExportWriter<R>,
): Promise<R & {readonly path: string}> {
	const target = await outputTarget(path);
	if (target.direct) return exportToStream(path, target.stats, options, write);
	const temporary = join(dirname(target.file), `.${basename(target.file)}.${randomBytes(4).toString('hex')}.partial`);
	const handle = await open(temporary, 'wx', 0o600);
	let done = false;
	try {
		const stream = handle.createWriteStream();
		// Nobody sees the temporary file before the rename: the cap is checked as the rows come, not by a count first.
		const result = await write({countFirst: options.countFirst ?? false}, stream);
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
async function exportToStream<R extends ExportResult>(
	path: string,
	stats: Stats,
	options: Pick<ExportOptions, 'forTerminal' | 'signal'>,
	write: ExportWriter<R>,
): Promise<R & {readonly path: string}> {
	const handle = await openForWriting(path, stats, options.signal);
	try {
		const stream = handle.createWriteStream();
		const forTerminal = options.forTerminal ?? isatty(handle.fd);
		const result = await write({forTerminal}, stream);
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
