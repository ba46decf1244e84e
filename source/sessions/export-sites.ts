/**
 * One export over the sites of a profile (each its own radacct database): one CSV, a `site` column first, the
 * rows of each site in turn (in the order the sites are given), each site's rows in the export's order.
 *
 * Every site's export starts at once and stops when its snapshot is taken and its rows counted; only when every
 * site got that far, and the sites' counts together are within the cap, does the first site write, then the
 * next, each on its own connection and in its own read-only snapshot. So a site that cannot be read, or more
 * rows than the cap across the sites, ends the export before its first byte; memory stays one site's stream.
 */
import type {Writable} from 'node:stream';
import {describeError} from '../db/errors.js';
import type {Queryable} from '../db/queryable.js';
import type {Exporter} from './export-file.js';
import {
	ExportAbortedError,
	ExportLimitError,
	ExportOutputError,
	exportSessions,
	type ExportOptions,
	type ExportResult,
	DEFAULT_EXPORT_LIMIT,
} from './export.js';
import {UnknownNasError} from './nas-directory.js';
import {SearchSyntaxError} from './search.js';
import type {SessionFilter, SessionSort} from './session.js';

/** One site of an export over sites. */
export interface SiteExport {
	readonly name: string;
	/** Its database (a node-postgres Pool: one connection is taken while the export runs). */
	readonly db: Queryable;
	/** The filter, resolved against the site's own NAS names. */
	readonly filter: SessionFilter;
	/** The site's own options (its NAS directory, regions, radacct columns, stale threshold) over the export's. */
	readonly options?: ExportOptions;
}

/** What an export over sites wrote. */
export interface SitesExportResult extends ExportResult {
	/** The rows of each site, in the order written. */
	readonly sites: ReadonlyArray<{readonly name: string; readonly rows: number}>;
}

/**
 * A site failed: before anything was written (`written` false: it could not be read, its count failed) or while
 * the rows were being written (`written` true: the output is incomplete).
 */
export class SiteExportError extends Error {
	readonly site: string;
	readonly written: boolean;

	constructor(site: string, cause: unknown, written: boolean) {
		super(`site ${site}: ${describeError(cause)}`, {cause});
		this.name = 'SiteExportError';
		this.site = site;
		this.written = written;
	}
}

/** A promise and what settles it. */
function deferred<T>(): {promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void} {
	let resolve!: (value: T) => void;
	let reject!: (reason: unknown) => void;
	const promise = new Promise<T>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	// A turn that is never given is rejected; nobody needs to hear of it but the export waiting for it.
	promise.catch(() => undefined);
	return {promise, resolve, reject};
}

/** The reason a site's turn is withdrawn when another site failed first. */
const WITHDRAWN = new Error('another site failed');

/**
 * Writes the sites' rows into `out` as one CSV: the header once, with `site` first, then each site's rows in
 * turn. The cap (`options.limit`) is for all the sites together and checked on their counts before anything is
 * written (the sites are always counted first, whatever `countFirst` says). Rejects with ExportLimitError,
 * ExportAbortedError and ExportOutputError (rows counted across the sites), or SiteExportError naming the site.
 * `out` is not ended.
 */
export async function exportSites(
	sites: readonly SiteExport[],
	sort: SessionSort,
	options: ExportOptions,
	out: Writable,
	exporter: Exporter = exportSessions,
): Promise<SitesExportResult> {
	if (sites.length === 0) throw new RangeError('an export over sites needs at least one site');
	const limit = options.limit === undefined ? DEFAULT_EXPORT_LIMIT : options.limit;
	options.signal?.throwIfAborted();
	const started = performance.now();
	let before = 0;
	let total: number | undefined;
	// Each site's export holds a listener on the output until it ends: as many as there are sites, at once.
	const maxListeners = out.getMaxListeners();
	if (maxListeners !== 0) out.setMaxListeners(maxListeners + 2 * sites.length);
	const runs = sites.map((site, index) => {
		const counted = deferred<number | undefined>();
		const turn = deferred<void>();
		const done = exporter(
			site.db,
			site.filter,
			sort,
			{
				...options,
				...site.options,
				limit,
				countFirst: true,
				site: site.name,
				header: index === 0 && (options.header ?? true),
				ready: async (rows) => {
					counted.resolve(rows);
					await turn.promise;
				},
				onProgress: (progress) =>
					options.onProgress?.({
						rows: before + progress.rows,
						...(total === undefined ? {} : {total}),
						elapsedMs: performance.now() - started,
					}),
			},
			out,
		);
		// An export that ends before it is ready failed: its count is that failure.
		done.then(
			() => counted.reject(new Error('the export ended before it was ready')),
			(error: unknown) => counted.reject(error),
		);
		return {site, counted: counted.promise, turn, done};
	});
	const withdraw = (reason: unknown) => {
		for (const run of runs) run.turn.reject(reason);
	};
	const onAbort = () => withdraw(options.signal!.reason);
	options.signal?.addEventListener('abort', onAbort, {once: true});
	const settleAll = () => Promise.allSettled(runs.map((run) => run.done));
	try {
		const counts = await Promise.allSettled(runs.map((run) => run.counted));
		const failed = counts.findIndex((count) => count.status === 'rejected');
		if (failed >= 0) {
			withdraw(WITHDRAWN);
			await settleAll();
			throw siteFailure(runs[failed]!.site.name, (counts[failed] as PromiseRejectedResult).reason, 0, false);
		}
		if (limit !== null) {
			total = counts.reduce((sum, count) => sum + ((count as PromiseFulfilledResult<number | undefined>).value ?? 0), 0);
			if (total > limit) {
				withdraw(new ExportLimitError(limit));
				await settleAll();
				throw new ExportLimitError(limit);
			}
		}
		const written: Array<{name: string; rows: number}> = [];
		for (const run of runs) {
			run.turn.resolve();
			try {
				const result = await run.done;
				written.push({name: run.site.name, rows: result.rows});
				before += result.rows;
			} catch (error) {
				withdraw(WITHDRAWN);
				await settleAll();
				throw siteFailure(run.site.name, error, before, true);
			}
		}
		return {rows: before, sites: written};
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
		if (maxListeners !== 0) out.setMaxListeners(maxListeners);
	}
}

/**
 * A site's failure as the export's: the cap, a search or NAS the user mistyped, an interruption and the output
 * as they are (rows counted across the sites); the rest names the site.
 */
function siteFailure(site: string, error: unknown, before: number, written: boolean): Error {
	if (error instanceof ExportLimitError || error instanceof SearchSyntaxError || error instanceof UnknownNasError) return error;
	if (error instanceof ExportAbortedError) return new ExportAbortedError(before + error.rows);
	if (error instanceof ExportOutputError) return new ExportOutputError(error.cause, before + error.rows);
	return new SiteExportError(site, error, written);
}
