/**
 * A sweep from the listing to the audit log: lists the stale sessions, asks their NAS when told to, and closes
 * the ones it may, after the caller's confirmation and the opening audit record, then writes the closing one.
 * The caller reads the flags and talks to the terminal; a Ctrl-C while the NAS are asked stops the asking.
 */
import {randomUUID} from 'node:crypto';
import {setMaxListeners} from 'node:events';
import {currentOperator} from '../audit/audit-log.js';
import type {Confirmation} from '../disconnect/confirmation.js';
import type {NasRegistry} from '../nas/registry.js';
import {CoaClient} from '../radius/coa-client.js';
import {sweepBeginRecord, sweepEndRecord, type SweepAuditSink} from './audit-records.js';
import {probeRadacctColumns} from '../db/radacct-columns.js';
import {probeNasReloadTable, type NasReloadTable} from '../db/nas-reload-table.js';
import {CLOSE_LOCK_TIMEOUT, closeStale, listStale, type TransactionalDb} from './sweep.js';
import {
	selectForClose,
	skippedOutcome,
	sweepConfirmation,
	sweepEntry,
	tallySweep,
	type StaleSession,
	type SweepEntry,
	type SweepResult,
	type Verification,
} from './sweep-plan.js';
import type {TerminateCause} from './sweep-sql.js';
import {verifySessions, type RouterOsLookup} from './verify.js';

/** `--reloaded` on a database whose nasreload is missing or may not be read: nothing to list the candidates by. */
export class NasReloadUnreadable extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'NasReloadUnreadable';
	}
}

/** What to sweep and how. */
export interface SweepOptions {
	/** The NAS the sweep is limited to, as given (names or addresses), empty for every NAS; for the audit log. */
	readonly nas: readonly string[];
	/** Their addresses; undefined for every NAS. */
	readonly nasIps?: readonly string[];
	readonly staleAfterSeconds: number;
	/**
	 * List the ghost candidates (open sessions their NAS was last heard of before it reloaded, FreeRADIUS's
	 * nasreload) instead of the stale sessions, however short their silence.
	 */
	readonly reloaded?: boolean;
	readonly limit: number;
	/** Close them; without it nothing is written. */
	readonly apply: boolean;
	/** Ask each session's NAS first and close only those it does not have. */
	readonly verify: boolean;
	readonly cause: TerminateCause;
	readonly reason?: string;
	/** Questions in flight when verifying. */
	readonly concurrency: number;
	/** CoA wait before a retransmission, and each RouterOS API connect and lookup. */
	readonly timeoutMs: number;
	readonly retries: number;
	/**
	 * The sessions a preview already listed (the console's): they are not listed again, and each is closed only
	 * if still exactly as listed then, so nothing is closed that the operator did not see.
	 */
	readonly listed?: StaleListed;
}

/** A listing of stale sessions: the longest silent first, and whether more were stale than the limit. */
export interface StaleListed {
	readonly stale: readonly StaleSession[];
	readonly capped: boolean;
}

/** What a sweep works with. */
export interface SweepDeps {
	readonly db: TransactionalDb;
	/** radacct's readable columns, probed once by the command; default: asked here. */
	readonly columns?: ReadonlySet<string>;
	/** Whether nasreload may be read, probed once by the command; default: asked here. */
	readonly nasReload?: NasReloadTable;
	readonly registry: NasRegistry;
	readonly audit: SweepAuditSink;
	/** RouterOS lookups when verifying; default the real API client. */
	readonly routerOs?: RouterOsLookup;
}

/** Where a sweep tells its caller what happens, and asks it. */
export interface SweepHooks {
	/** Told after each answer while the NAS are asked. */
	readonly onVerifyProgress?: (done: number, total: number) => void;
	/** Told once the asking is over, answered or interrupted. */
	readonly onVerifyEnd?: () => void;
	/**
	 * Asked before closing when the confirmation is more than a key press; resolves true to close. Absent: the
	 * sessions are closed without asking.
	 */
	readonly confirm?: (confirmation: Confirmation, closing: readonly SweepEntry[]) => Promise<boolean>;
	/** Stops the asking of the NAS as a Ctrl-C does (nothing is closed); the close itself is never cut short. */
	readonly signal?: AbortSignal;
	/** Told once the close of this many sessions begins (the opening audit record is written). */
	readonly onClose?: (closing: number) => void;
}

/** How a sweep ended. `shown`: the entries worth listing (a big close lists only what it left open). */
export type SweepRun =
	| {readonly kind: 'no-stale'; readonly result: SweepResult}
	| {readonly kind: 'interrupted'}
	| {readonly kind: 'not-confirmed'}
	| {
			readonly kind: 'done';
			readonly result: SweepResult;
			readonly shown: readonly SweepEntry[];
			/** Applying, and every listed session was left open. */
			readonly nothingToClose: boolean;
			/** The closing audit record could not be written. */
			readonly auditError?: string;
			/** The audit records' action ID, when sessions were to be closed (with several sites, each site's, spaced). */
			readonly actionId?: string;
			/** With several sites: each site that closed nothing because it failed, and why (its sessions left open). */
			readonly siteFailures?: readonly string[];
			/** With several sites: each site's action ID (of the sites that wrote records). */
			readonly siteActionIds?: ReadonlyArray<{readonly site: string; readonly actionId: string}>;
	  };

/** The stale sessions a sweep with these options lists (what `executeSweep` lists first). */
export async function listSweep(
	options: Pick<SweepOptions, 'staleAfterSeconds' | 'nasIps' | 'limit' | 'reloaded'>,
	deps: Pick<SweepDeps, 'db' | 'columns' | 'registry' | 'nasReload'>,
): Promise<StaleListed> {
	const available = deps.columns ?? (await probeRadacctColumns(deps.db)).readable;
	const nasReload = deps.nasReload ?? (await probeNasReloadTable(deps.db));
	if (options.reloaded && !nasReload.readable) {
		throw new NasReloadUnreadable(`sweep --reloaded reads FreeRADIUS's nasreload: ${nasReload.skipped ?? 'it is not readable'}`);
	}
	return listStale(
		deps.db,
		{
			staleAfterSeconds: options.staleAfterSeconds,
			nasIps: options.nasIps,
			limit: options.limit,
			nasReload: nasReload.readable,
			reloaded: options.reloaded,
		},
		available,
		(ip) => deps.registry.directory.nameOf(ip),
	);
}

/** Lists, verifies, confirms, audits and closes. Rejects when nothing was closed: the audit log, a lock, a permission. */
export async function executeSweep(options: SweepOptions, deps: SweepDeps, hooks: SweepHooks = {}): Promise<SweepRun> {
	const {db, registry, audit} = deps;
	const {staleAfterSeconds} = options;
	const nameOf = (ip: string): string => registry.get(ip).name;

	const listedBy = options.reloaded ? 'reloaded' : 'stale';
	const {stale, capped} = options.listed ?? (await listSweep(options, deps));
	const finish = (entries: readonly SweepEntry[], dryRun: boolean): SweepResult => ({
		dryRun,
		selection: listedBy,
		verified: options.verify,
		cause: options.cause,
		staleAfterSeconds,
		capped,
		entries,
		totals: tallySweep(entries),
	});
	if (stale.length === 0) return {kind: 'no-stale', result: finish([], !options.apply)};

	let verifications: Map<string, Verification> | undefined;
	if (options.verify) {
		const abort = new AbortController();
		// Every question in flight listens on the signal.
		setMaxListeners(options.concurrency + 16, abort.signal);
		const onInterrupt = () => abort.abort();
		process.once('SIGINT', onInterrupt);
		if (hooks.signal?.aborted) abort.abort();
		hooks.signal?.addEventListener('abort', onInterrupt, {once: true});
		const coaClient = new CoaClient({timeoutMs: options.timeoutMs, retries: options.retries});
		try {
			verifications = await verifySessions(
				stale.map((entry) => entry.session),
				{
					registry,
					coaClient,
					routerOs: deps.routerOs,
					concurrency: options.concurrency,
					apiTimeoutMs: options.timeoutMs,
					signal: abort.signal,
					...(hooks.onVerifyProgress ? {onProgress: hooks.onVerifyProgress} : {}),
				},
			);
		} finally {
			hooks.onVerifyEnd?.();
			process.removeListener('SIGINT', onInterrupt);
			hooks.signal?.removeEventListener('abort', onInterrupt);
			await coaClient.close();
		}
		if (abort.signal.aborted) return {kind: 'interrupted'};
	}
	const selection = selectForClose(stale, verifications);
	const keptEntry = (entry: (typeof stale)[number]): SweepEntry => {
		const kept = selection.kept.get(entry.session.radacctid)!;
		return sweepEntry(
			entry,
			nameOf(entry.session.nasipaddress),
			kept.outcome,
			kept.detail,
			verifications?.get(entry.session.radacctid)?.via ?? null,
		);
	};
	const closing = new Set(selection.toClose.map((entry) => entry.session.radacctid));
	const via = (id: string) => verifications?.get(id)?.via ?? null;
	const verifiedDetail = (id: string) => verifications?.get(id)?.detail ?? 'stale';

	if (!options.apply) {
		const entries = stale.map((entry) =>
			closing.has(entry.session.radacctid)
				? sweepEntry(
						entry,
						nameOf(entry.session.nasipaddress),
						'would_close',
						verifiedDetail(entry.session.radacctid),
						via(entry.session.radacctid),
					)
				: keptEntry(entry),
		);
		return {kind: 'done', result: finish(entries, true), shown: entries, nothingToClose: false};
	}

	if (selection.toClose.length === 0) {
		const entries = stale.map(keptEntry);
		return {kind: 'done', result: finish(entries, false), shown: entries, nothingToClose: true};
	}

	const confirmation = sweepConfirmation(selection.toClose.length);
	if (hooks.confirm && confirmation.kind !== 'key') {
		const preview = selection.toClose.map((entry) => sweepEntry(entry, nameOf(entry.session.nasipaddress), 'would_close', ''));
		if (!(await hooks.confirm(confirmation, preview))) return {kind: 'not-confirmed'};
	}

	const actionId = randomUUID();
	const operator = currentOperator();
	const startedAt = new Date();
	try {
		await audit.append(
			sweepBeginRecord({
				actionId,
				operator,
				reason: options.reason,
				nasFilter: options.nas,
				selection: listedBy,
				staleAfterSeconds,
				cause: options.cause,
				verified: options.verify,
				listed: stale.length,
				closing: selection.toClose,
				nameOf,
				startedAt,
			}),
		);
	} catch (error) {
		throw new Error(`cannot write the audit log, so nothing was closed: ${error instanceof Error ? error.message : String(error)}`);
	}

	hooks.onClose?.(selection.toClose.length);
	let outcome: Awaited<ReturnType<typeof closeStale>>;
	try {
		outcome = await closeStale(db, selection.toClose, options.cause);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		await audit
			.append(
				sweepEndRecord({
					actionId,
					operator,
					startedAt,
					finishedAt: new Date(),
					error: message,
					entries: [],
					totals: tallySweep([]),
				}),
			)
			.catch(() => undefined);
		const code = (error as {code?: unknown}).code;
		if (code === '55P03') {
			throw new Error(
				`radacct rows stayed locked by another writer for more than ${CLOSE_LOCK_TIMEOUT}, so nothing was closed: run the sweep again`,
			);
		}
		if (code === '42501') {
			throw new Error(
				`this database role may not UPDATE radacct, so nothing was closed (see "Sweeping ghost sessions" in the README for the GRANT)`,
			);
		}
		throw error;
	}
	const entries = stale.map((entry) => {
		const id = entry.session.radacctid;
		const nasName = nameOf(entry.session.nasipaddress);
		if (!closing.has(id)) return keptEntry(entry);
		if (outcome.closed.has(id)) return sweepEntry(entry, nasName, 'closed', options.verify ? verifiedDetail(id) : 'stale', via(id));
		if (outcome.skippedUnknown !== undefined) {
			const detail = `changed after it was listed (updated, stopped or deleted; reading it again failed: ${outcome.skippedUnknown})`;
			return sweepEntry(entry, nasName, 'updated', detail, via(id));
		}
		const skipped = skippedOutcome(entry.updateToken, outcome.skipped.get(id));
		return sweepEntry(entry, nasName, skipped.outcome, skipped.detail, via(id));
	});
	const result = finish(entries, false);
	let auditError: string | undefined;
	try {
		await audit.append(
			sweepEndRecord({actionId, operator, startedAt, finishedAt: new Date(), error: null, entries, totals: result.totals}),
		);
	} catch (error) {
		auditError = error instanceof Error ? error.message : String(error);
	}
	return {
		kind: 'done',
		result,
		shown: entries.length <= 50 ? entries : entries.filter((entry) => entry.outcome !== 'closed'),
		nothingToClose: false,
		actionId,
		...(auditError === undefined ? {} : {auditError}),
	};
}
