/** `radtop export`: every session matching a filter as CSV, streamed from the database to stdout or a file. */
import type {Writable} from 'node:stream';
import {EXPORT_COLUMNS, DEFAULT_EXPORT_COLUMNS, exportColumn, parseExportColumns} from '../sessions/export-sql.js';
import {isSubscriberColumn, needsEnrichment} from '../subscribers/enriched-export.js';
import {SUBSCRIBER_COLUMNS} from '../subscribers/subscriber-view.js';
import {
	DEFAULT_EXPORT_LIMIT,
	exportSessions,
	ExportAbortedError,
	type ExportOptions,
	type ExportProgress,
	type ExportResult,
} from '../sessions/export.js';
import {exportToFile, ExportPathError} from '../sessions/export-file.js';
import {exportSites, SiteExportError, type SitesExportResult} from '../sessions/export-sites.js';
import {reportWaits} from '../db/database-wait.js';
import {formatCount} from '../sessions/format.js';
import {sanitize} from '../terminal/sanitize.js';
import {scrubSecrets} from '../config/secrets.js';
import type {CommandContext} from './context.js';
import {openEnrichedExporter, type EnrichedExporter} from './export-enrichment.js';
import {exportTargets, sourceExportOptions, type ExportTarget} from './export-targets.js';
import {parseSessionsFlags, SESSIONS_FLAGS, type FilterRequest} from './sessions.js';
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
	site: SESSIONS_FLAGS.site,
	db: SESSIONS_FLAGS.db,
	readDb: SESSIONS_FLAGS.readDb,
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

On a profile that lists sites, one CSV holds every site, with a first column site: the rows are grouped by
site, in the profile's order of sites, each site's rows in the --sort order. The filters apply at each site
against its own NAS names. Every site is opened, in a snapshot of its own, before anything is written, so a
site that cannot be read ends the export with nothing written. --site NAME exports that site alone, with the
same site column.

Filters (as radtop sessions)
  --status STATUS              active: open sessions (default); stale: open ones without an interim
                               update for 2 x their interval (or --stale-after when none); closed; all
  --search, -s TERMS           as radtop sessions: an IP or CIDR (exact), a MAC, else part of a username;
                               user: ip: mac: sid: uid: port: nas: cause: called: vendor: at: since: until:
                               region:NAME the NAS of one of the profile's regions
  --at WHEN                    sessions open at that instant, closed ones too
  --nas NAME|IP                only this NAS (repeat for several)
  --site NAME                  only this site of a profile that lists sites (default: every site)
  --from WHEN, --to WHEN       started at/after, before: 2026-11-24, 2026-11-24T08:00Z, or an age (6h, 2d)
  --sort KEY                   row order: start (default), duration, down, up, rate, user, nas, ip
  --order asc|desc             default: desc for start/duration/down/up, asc for user/nas/ip

Output
  --output, -o FILE            write FILE (mode 0600, replaced only when the export is complete), not stdout;
                               a symlink's target is replaced, a FIFO or device (/dev/fd/N) written directly
  --columns A,B,...            these columns in this order (default: those of radtop sessions --csv); the
                               subscriber columns and the billing query's columns too (see Columns)
  --limit N                    refuse, before writing anything, when more than N sessions match, all the
                               sites together (default ${DEFAULT_EXPORT_LIMIT.toLocaleString('en-US')})
  --no-limit                   export however many match
  --raw                        no formula guard: fields exactly as stored
  --stale-after DURATION       stale threshold for the state column when the NAS reports no interval (30m)
  --db URL, --read-db URL, --profile NAME, --demo

Columns
  ${wrap(
		EXPORT_COLUMNS.map((column) => column.name),
		96,
  ).join('\n  ')}
  Subscriber: ${SUBSCRIBER_COLUMNS.join(', ')}, and each column the profile's billing-query returns
  Device: vendor (the MAC's vendor in the IEEE registry; random for a randomized MAC)

Examples
  $ radtop export --status closed --from 2026-11-01 --to 2026-12-01 -o november.csv
  $ radtop export --nas bng-2 --columns username,framedipaddress,callingstationid > bng-2.csv
  $ radtop export --status all --from 7d --search alice --sort start --order asc

Exit codes: 0 ok, 1 failure (database or site unreachable, more sessions than --limit, interrupted), 2 usage error
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
	/** The site of a profile that lists sites; absent: every site, one after the other. */
	readonly site?: string;
}

/**
 * The names of --columns: radacct's export columns, radtop's subscriber columns, and names that may be the
 * billing query's columns (checked against the profile when the export runs).
 */
function parseColumnNames(list: string): string[] {
	const names = list.split(',').map((name) => name.trim());
	if (!names.some((name) => !exportColumn(name))) return parseExportColumns(list).map((column) => column.name);
	const seen = new Set<string>();
	return names.map((name) => {
		if (name === '') throw new RangeError('an empty column name');
		const column = exportColumn(name)?.name ?? (isSubscriberColumn(name) ? name.toLowerCase() : undefined);
		if (column === undefined && !BILLING_NAME.test(name)) throw new RangeError(`unknown column "${name.slice(0, 40)}"`);
		const key = (column ?? name).toLowerCase();
		if (seen.has(key)) throw new RangeError(`column "${column ?? name}" is listed twice`);
		seen.add(key);
		return column ?? name;
	});
}

/** A column name a billing query's SELECT can give. */
const BILLING_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Validates the flags of `radtop export` (pure: throws UsageError with one clear line). */
export function parseExportFlags(flags: Flags, now: Date): ExportRequest {
	const filters = parseSessionsFlags({...flags, limit: undefined, offset: undefined, json: undefined, csv: undefined}, now);
	let columns = DEFAULT_EXPORT_COLUMNS;
	if (flags.columns !== undefined) {
		if (typeof flags.columns !== 'string' || flags.columns.trim() === '')
			throw new UsageError('--columns needs a comma-separated list of columns (see radtop export --help)');
		try {
			columns = parseColumnNames(flags.columns);
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
		...(filters.site === undefined ? {} : {site: filters.site}),
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

/** The rows of each site, when the export read sites: ` (east 2, west 1)`. */
function perSite(sites: SitesExportResult['sites'] | undefined): string {
	if (sites === undefined) return '';
	return ` (${sites.map((site) => `${site.name} ${formatCount(site.rows)}`).join(', ')})`;
}

/**
 * Runs the export; resolves to the exit code. Ctrl-C (or SIGTERM, SIGHUP) stops it: a file is not written, stdout is
 * left incomplete. On a profile that lists sites every site is exported (--site: that one), a `site` column first.
 */
export async function runExport(given: CommandContext, request: ExportRequest, io: ExportIo): Promise<number> {
	const targets = await exportTargets(given, request);
	const context = targets[0]!.context;
	const sites = given.sites !== undefined;
	// On a profile that lists sites the site is always the first column: naming it again changes nothing.
	const columns = sites ? request.columns.filter((name) => name.toLowerCase() !== 'site') : request.columns;
	if (columns.length === 0) throw new UsageError('--columns: the site column is always first here: name the others');
	const abort = new AbortController();
	// Ctrl-C, kill or a closed terminal: the export stops, a file's temporary copy is removed, exit 1.
	const onInterrupt = () => abort.abort();
	for (const signal of INTERRUPTS) process.once(signal, onInterrupt);
	const showProgress = Boolean(io.stderr.isTTY);
	let shownAt = 0;
	const options: ExportOptions = {
		columns,
		limit: request.limit,
		raw: request.raw,
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
	const ownOptions = ({context: {source}, nasIps}: ExportTarget): ExportOptions => ({...sourceExportOptions(source), nasIps});
	const clearProgress = () => {
		if (showProgress && shownAt > 0) io.stderr.write('\r\x1b[K');
	};
	const secrets = [...new Set(targets.flatMap((target) => target.context.secrets))];
	const say = (line: string, after = '') =>
		io.stderr.write(`radtop: ${sanitize(scrubSecrets(line, secrets).replace(/[\r\n]+/g, ' '))}${after}\n`);
	// A lock or a server that does not answer is said as it is seen, not waited for in silence.
	const stops = targets.map((target) =>
		reportWaits(target.context.database.waits, (line) => {
			clearProgress();
			io.stderr.write(sites ? `radtop: site ${target.site!}: ${line.replace(/^radtop: /, '')}` : line);
		}),
	);
	let enriched: EnrichedExporter | undefined;
	try {
		let told = false;
		const tell = (line: string) => {
			if (told) return;
			told = true;
			clearProgress();
			say(line);
		};
		if (needsEnrichment(columns)) enriched = await openEnrichedExporter(context, columns, tell);
		const exporter = enriched?.exporter ?? exportSessions;
		const target = targets[0]!;
		const write = (
			fileOptions: Pick<ExportOptions, 'countFirst' | 'forTerminal'>,
			out: Writable,
		): Promise<ExportResult & {sites?: SitesExportResult['sites']}> =>
			sites
				? exportSites(
						targets.map((each) => ({
							name: each.site!,
							db: each.context.database.pool,
							filter: each.filter,
							options: ownOptions(each),
						})),
						request.sort,
						{...options, ...fileOptions},
						out,
						exporter,
					)
				: exporter(
						target.context.database.pool,
						target.filter,
						request.sort,
						{...options, ...ownOptions(target), ...fileOptions},
						out,
					);
		if (request.output !== undefined) {
			const result = await exportToFile(request.output, options, write);
			clearProgress();
			io.stderr.write(`radtop: wrote ${formatCount(result.rows)} sessions to ${sanitize(result.path)}${perSite(result.sites)}\n`);
			return EXIT.ok;
		}
		// On a terminal, escape sequences in a username must not reach it: control characters are shown as escapes.
		const result = await write({forTerminal: Boolean(io.stdout.isTTY)}, io.stdout as Writable);
		clearProgress();
		if (showProgress) io.stderr.write(`radtop: exported ${formatCount(result.rows)} sessions${perSite(result.sites)}\n`);
		return EXIT.ok;
	} catch (error) {
		clearProgress();
		const what = request.output !== undefined ? `; ${sanitize(request.output)} was not written` : '; the output is incomplete';
		if (error instanceof ExportAbortedError) {
			io.stderr.write(`radtop: ${error.message}${what}\n`);
			return EXIT.failure;
		}
		// A site that failed: before the first byte nothing was written; after it, what was is incomplete.
		if (error instanceof SiteExportError) {
			say(error.message, error.written || request.output !== undefined ? what : '; nothing was written');
			return EXIT.failure;
		}
		if (error instanceof ExportPathError) throw new UsageError(`--output: ${error.message}`);
		throw error;
	} finally {
		for (const stop of stops) stop();
		await enriched?.close();
		for (const signal of INTERRUPTS) process.removeListener(signal, onInterrupt);
	}
}
