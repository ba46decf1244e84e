/** `radtop export`: every session matching a filter as CSV, streamed from the database to stdout or a file. */
import type {Writable} from 'node:stream';
import {EXPORT_COLUMNS, DEFAULT_EXPORT_COLUMNS, parseExportColumns} from '../sessions/export-sql.js';
import {DEFAULT_EXPORT_LIMIT, exportSessions, ExportAbortedError, type ExportOptions, type ExportProgress} from '../sessions/export.js';
import {exportSessionsToFile, ExportPathError} from '../sessions/export-file.js';
import {reportWaits} from '../db/database-wait.js';
import {formatCount} from '../sessions/format.js';
import {sanitize} from '../terminal/sanitize.js';
import type {CommandContext} from './context.js';
import {parseSessionsFlags, SESSIONS_FLAGS, sessionFilterOf, type FilterRequest} from './sessions.js';
import {EXIT, integerFlag, UsageError, type FlagSpec} from './usage.js';

export const EXPORT_FLAGS = {
	status: SESSIONS_FLAGS.status,
	search: SESSIONS_FLAGS.search,
	at: SESSIONS_FLAGS.at,
	nas: SESSIONS_FLAGS.nas,
	from: SESSIONS_FLAGS.from,
	to: SESSIONS_FLAGS.to,
	sort: SESSIONS_FLAGS.sort,
	order: SESSIONS_FLAGS.order,
	columns: {type: 'string'},
	output: {type: 'string', shortFlag: 'o'},
	limit: {type: 'string'},
	noLimit: {type: 'boolean'},
	raw: {type: 'boolean'},
	staleAfter: SESSIONS_FLAGS.staleAfter,
	db: SESSIONS_FLAGS.db,
	profile: SESSIONS_FLAGS.profile,
	demo: SESSIONS_FLAGS.demo,
} as const satisfies Record<string, FlagSpec>;

const MAX_LIMIT = 100_000_000;

export const EXPORT_HELP = `
Usage
  $ radtop export [flags]

Writes every session matching the filters as CSV (RFC 4180: a header row, CRLF line ends), streamed from
the database in constant memory. Timestamps are ISO 8601 in UTC (2026-11-25T10:45:12.000Z), octets exact
digits, addresses without a prefix length. Fields a spreadsheet would run as a formula (starting with
=, +, -, @, tab or CR) get a leading ' unless --raw.

Filters (as radtop sessions)
  --status active|closed|all   open sessions (default), closed ones, or both
  --search, -s TERMS           as radtop sessions: an IP or CIDR (exact), a MAC, else part of a username;
                               user: ip: mac: sid: uid: port: nas: cause: called: at: since: until:
  --at WHEN                    sessions open at that instant, closed ones too
  --nas NAME|IP                only this NAS (repeat for several)
  --from WHEN, --to WHEN       started at/after, before: 2026-11-24, 2026-11-24T08:00Z, or an age (6h, 2d)
  --sort KEY                   row order: start (default), duration, down, up, rate, user, nas, ip
  --order asc|desc             default: desc for start/duration/down/up, asc for user/nas/ip

Output
  --output, -o FILE            write FILE (mode 0600, replaced only when the export is complete), not stdout;
                               a symlink's target is replaced, a FIFO or device (/dev/fd/N) written directly
  --columns A,B,...            these columns in this order (default: those of radtop sessions --csv)
  --limit N                    refuse, before writing anything, when more than N sessions match
                               (default ${DEFAULT_EXPORT_LIMIT.toLocaleString('en-US')})
  --no-limit                   export however many match
  --raw                        no formula guard: fields exactly as stored
  --stale-after DURATION       stale threshold for the state column when the NAS reports no interval (30m)
  --db URL, --profile NAME, --demo

Columns
  ${wrap(
		EXPORT_COLUMNS.map((column) => column.name),
		96,
  ).join('\n  ')}

Examples
  $ radtop export --status closed --from 2026-11-01 --to 2026-12-01 -o november.csv
  $ radtop export --nas bng-2 --columns username,framedipaddress,callingstationid > bng-2.csv
  $ radtop export --status all --from 7d --search alice --sort start --order asc

Exit codes: 0 ok, 1 failure (database unreachable, more sessions than --limit, interrupted), 2 usage error
(a bad flag, --output naming a directory).
`;

function wrap(words: readonly string[], width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of words) {
		const next = line === '' ? word : `${line}, ${word}`;
		if (next.length > width && line !== '') {
			lines.push(`${line},`);
			line = word;
		} else line = next;
	}
	if (line !== '') lines.push(line);
	return lines;
}

type Flags = {[K in keyof typeof EXPORT_FLAGS]?: unknown};

export interface ExportRequest extends FilterRequest {
	readonly columns: readonly string[];
	/** The cap, or null for none. */
	readonly limit: number | null;
	readonly raw: boolean;
	readonly output?: string;
}

/** Validates the flags of `radtop export` (pure: throws UsageError with one clear line). */
export function parseExportFlags(flags: Flags, now: Date): ExportRequest {
	const filters = parseSessionsFlags({...flags, limit: undefined, offset: undefined, json: undefined, csv: undefined}, now);
	let columns = DEFAULT_EXPORT_COLUMNS;
	if (flags.columns !== undefined) {
		if (typeof flags.columns !== 'string' || flags.columns.trim() === '')
			throw new UsageError('--columns needs a comma-separated list of columns (see radtop export --help)');
		try {
			columns = parseExportColumns(flags.columns).map((column) => column.name);
		} catch (error) {
			throw new UsageError(`--columns: ${(error as Error).message} (see radtop export --help for the columns)`);
		}
	}
	// meow reads --no-limit as limit=false.
	const noLimit = flags.limit === false || flags.noLimit === true;
	const limit = noLimit ? null : flags.limit === undefined ? DEFAULT_EXPORT_LIMIT : integerFlag(flags.limit, 'limit', 1, MAX_LIMIT);
	if (flags.output !== undefined && (typeof flags.output !== 'string' || flags.output === ''))
		throw new UsageError('--output needs a file name');
	return {
		status: filters.status,
		search: filters.search,
		nas: filters.nas,
		startedFrom: filters.startedFrom,
		startedTo: filters.startedTo,
		sort: filters.sort,
		columns,
		limit,
		raw: Boolean(flags.raw),
		output: typeof flags.output === 'string' ? flags.output : undefined,
		staleAfterSeconds: filters.staleAfterSeconds,
	};
}

export interface ExportIo {
	readonly stdout: Writable & {readonly isTTY?: boolean};
	readonly stderr: NodeJS.WriteStream;
}

/** The progress line: rows so far (of how many), rate. */
export function progressLine(progress: ExportProgress): string {
	const rate = progress.elapsedMs > 0 ? (progress.rows * 1000) / progress.elapsedMs : 0;
	const of = progress.total === undefined ? '' : `/${formatCount(progress.total)}`;
	return `exporting ${formatCount(progress.rows)}${of} sessions · ${formatCount(rate)}/s`;
}

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs the export; resolves to the exit code. Ctrl-C (or SIGTERM, SIGHUP) stops it: a file is not written, stdout is left incomplete. */
export async function runExport(context: CommandContext, request: ExportRequest, io: ExportIo): Promise<number> {
	const source = context.source;
	const filter = sessionFilterOf(source, request);
	const abort = new AbortController();
	// Ctrl-C, kill or a closed terminal: the export stops, a file's temporary copy is removed, exit 1.
	const onInterrupt = () => abort.abort();
	for (const signal of INTERRUPTS) process.once(signal, onInterrupt);
	const showProgress = Boolean(io.stderr.isTTY);
	let shownAt = 0;
	const options: ExportOptions = {
		columns: request.columns,
		limit: request.limit,
		raw: request.raw,
		staleAfterSeconds: source.staleAfterSeconds,
		nas: source.nas,
		available: source.columns,
		signal: abort.signal,
		...(showProgress
			? {
					onProgress: (progress: ExportProgress) => {
						const now = performance.now();
						if (now - shownAt < 100) return;
						shownAt = now;
						io.stderr.write(`\r\x1b[K${progressLine(progress)}`);
					},
				}
			: {}),
	};
	const clearProgress = () => {
		if (showProgress && shownAt > 0) io.stderr.write('\r\x1b[K');
	};
	// A lock or a server that does not answer is said as it is seen, not waited for in silence.
	const stopWaits = reportWaits(context.database.waits, (line) => {
		clearProgress();
		io.stderr.write(line);
	});
	try {
		if (request.output !== undefined) {
			const result = await exportSessionsToFile(context.database.pool, filter, request.sort, options, request.output);
			clearProgress();
			io.stderr.write(`radtop: wrote ${formatCount(result.rows)} sessions to ${sanitize(result.path)}\n`);
			return EXIT.ok;
		}
		// On a terminal, escape sequences in a username must not reach it: control characters are shown as escapes.
		const result = await exportSessions(
			context.database.pool,
			filter,
			request.sort,
			{...options, forTerminal: Boolean(io.stdout.isTTY)},
			io.stdout as Writable,
		);
		clearProgress();
		if (showProgress) io.stderr.write(`radtop: exported ${formatCount(result.rows)} sessions\n`);
		return EXIT.ok;
	} catch (error) {
		clearProgress();
		if (error instanceof ExportAbortedError) {
			const what = request.output !== undefined ? `; ${sanitize(request.output)} was not written` : '; the output is incomplete';
			io.stderr.write(`radtop: ${error.message}${what}\n`);
			return EXIT.failure;
		}
		if (error instanceof ExportPathError) throw new UsageError(`--output: ${error.message}`);
		throw error;
	} finally {
		stopWaits();
		for (const signal of INTERRUPTS) process.removeListener(signal, onInterrupt);
	}
}
