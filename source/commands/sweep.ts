/** `radtop sweep`: closes ghost sessions (open in radacct, silent for too long) with a preview, verification and audit. */
import {randomUUID} from 'node:crypto';
import {setMaxListeners} from 'node:events';
import {createInterface} from 'node:readline/promises';
import {AuditLog, currentOperator} from '../audit/audit-log.js';
import type {NasOverride} from '../nas/nas-override.js';
import {confirms, type Confirmation} from '../disconnect/confirmation.js';
import {loadNasRegistry} from '../nas/registry.js';
import {CoaClient} from '../radius/coa-client.js';
import {formatCount} from '../sessions/format.js';
import {DEFAULT_STALE_AFTER_SECONDS} from '../sessions/session-math.js';
import {sweepBeginRecord, sweepEndRecord, type SweepAuditSink} from '../sweep/audit-records.js';
import {CLOSE_LOCK_TIMEOUT, closeStale, listStale, radacctColumns, type TransactionalDb} from '../sweep/sweep.js';
import {
	selectForClose,
	skippedOutcome,
	sweepConfirmation,
	sweepEntry,
	sweepExitCode,
	sweepSummary,
	sweepTable,
	tallySweep,
	type SweepEntry,
	type SweepResult,
	type Verification,
} from '../sweep/sweep-plan.js';
import {MAX_SWEEP_SESSIONS, TERMINATE_CAUSES, type TerminateCause} from '../sweep/sweep-sql.js';
import {verifySessions, type RouterOsLookup} from '../sweep/verify.js';
import type {CommandContext} from './context.js';
import {SESSIONS_FLAGS} from './sessions.js';
import {choiceFlag, EXIT, integerFlag, parseDurationSeconds, UsageError, type FlagSpec} from './usage.js';

export const SWEEP_FLAGS = {
	nas: SESSIONS_FLAGS.nas,
	staleAfter: SESSIONS_FLAGS.staleAfter,
	limit: {type: 'string', default: '10000'},
	apply: {type: 'boolean'},
	verify: {type: 'boolean'},
	cause: {type: 'string', default: 'Lost-Carrier'},
	reason: {type: 'string'},
	yes: {type: 'boolean'},
	json: {type: 'boolean'},
	concurrency: {type: 'string', default: '32'},
	timeout: {type: 'string', default: '3000'},
	retries: {type: 'string', default: '2'},
	auditLog: {type: 'string'},
	db: SESSIONS_FLAGS.db,
	profile: SESSIONS_FLAGS.profile,
	demo: SESSIONS_FLAGS.demo,
} as const satisfies Record<string, FlagSpec>;

export const SWEEP_HELP = `
Usage
  $ radtop sweep [--nas NAME|IP] [--verify] [--apply --reason TEXT] [flags]

Lists ghost sessions: open in radacct but silent for longer than --stale-after, and than 2 x the interim
interval (the session's acctinterval, or the longest among its NAS's open sessions when that is longer: an
early interim leaves a few seconds there), e.g. after a NAS rebooted without sending Accounting-Stops.
A dry run by default. --apply closes them in radacct as FreeRADIUS's own queries would: acctstoptime and
acctupdatetime = the last update (or the start), acctsessiontime = start to stop, acctterminatecause =
--cause. A session that got an update or a stop after it was listed is left alone.

What
  --nas NAME|IP          only this NAS (repeat for several); names come from the nas table and the config
  --stale-after DURATION the least silence that is stale, whatever the interval (default 30m, at least 60s)
  --limit N              list at most N sessions, the longest silent first (default 10000)
  --verify               first ask each session's NAS (RouterOS API, else a CoA-Request) whether it still has
                         it; close only those it does not have. No answer or another NAK: left open. The API
                         looks it up by name and by framed IP. A NAS that matches a CoA by User-Name also
                         answers 503 when its name differs from radacct's (a realm stripped by FreeRADIUS)
  --concurrency N        questions in flight for --verify (default 32)
  --timeout MS           wait for a CoA answer this long before retransmitting, and for each RouterOS API
                         connect and lookup (default 3000)
  --retries N            CoA retransmissions after the first try (default 2)

Closing
  --apply                close them (one short transaction); without it nothing is written
  --cause CAUSE          acctterminatecause (default Lost-Carrier; NAS-Reboot, Admin-Reset, ...)
  --reason TEXT          why, for the audit log
  --yes                  do not ask (required to close more than one session when stdin is not a terminal)
  --audit-log PATH       append the audit records here (default $XDG_STATE_HOME/radtop/audit.log)

Output
  --json                 the result as JSON
  --db URL, --profile NAME, --demo

Examples
  $ radtop sweep
  $ radtop sweep --nas bng-2 --verify
  $ radtop sweep --nas bng-2 --cause NAS-Reboot --apply --reason "INC-4411 bng-2 rebooted" --yes

Exit codes: 0 dry run, or every listed session closed or found on its NAS, 1 failure (nothing closed),
2 usage error, 3 partial (some left open: the NAS could not say, or radacct changed after the listing).
`;

type Flags = {[K in keyof typeof SWEEP_FLAGS]?: unknown};

export interface SweepRequest {
	readonly nas: readonly string[];
	/** Undefined: the profile's, else the default. */
	readonly staleAfterSeconds?: number;
	readonly limit: number;
	readonly apply: boolean;
	readonly verify: boolean;
	readonly cause: TerminateCause;
	readonly reason?: string;
	readonly yes: boolean;
	readonly json: boolean;
	readonly concurrency: number;
	readonly timeoutMs: number;
	readonly retries: number;
	readonly auditLog?: string;
}

/** Validates the flags of `radtop sweep` (pure: throws UsageError with one clear line). */
export function parseSweepFlags(flags: Flags): SweepRequest {
	const nas = (Array.isArray(flags.nas) ? flags.nas : flags.nas === undefined ? [] : [flags.nas]).map(String);
	if (nas.some((value) => value.trim() === '')) throw new UsageError('--nas needs a NAS name or IP address');
	if (flags.yes && !flags.apply) throw new UsageError('--yes only makes sense with --apply (without it nothing is closed)');
	const reason = typeof flags.reason === 'string' && flags.reason.trim() ? flags.reason.trim() : undefined;
	return {
		nas,
		// A threshold under a minute would call sessions ghosts between two interim updates.
		staleAfterSeconds:
			typeof flags.staleAfter === 'string'
				? parseDurationSeconds(flags.staleAfter, 'stale-after', MIN_SWEEP_STALE_AFTER_SECONDS)
				: undefined,
		limit: integerFlag(flags.limit ?? '10000', 'limit', 1, MAX_SWEEP_SESSIONS),
		apply: Boolean(flags.apply),
		verify: Boolean(flags.verify),
		cause: choiceFlag(flags.cause ?? 'Lost-Carrier', 'cause', TERMINATE_CAUSES),
		reason,
		yes: Boolean(flags.yes),
		json: Boolean(flags.json),
		concurrency: integerFlag(flags.concurrency ?? '32', 'concurrency', 1, 1024),
		timeoutMs: integerFlag(flags.timeout ?? '3000', 'timeout', 50, 60_000),
		retries: integerFlag(flags.retries ?? '2', 'retries', 0, 10),
		auditLog: typeof flags.auditLog === 'string' ? flags.auditLog : undefined,
	};
}

/** The least stale threshold a sweep accepts: under a minute it would call sessions ghosts between two interim updates. */
export const MIN_SWEEP_STALE_AFTER_SECONDS = 60;

/** The sweep's threshold: --stale-after, else the profile's staleAfter (held to the same minimum), else the default. */
export function sweepStaleAfter(requested: number | undefined, profileStaleAfter: number | undefined, profileName?: string): number {
	if (requested !== undefined) return requested;
	if (profileStaleAfter === undefined) return DEFAULT_STALE_AFTER_SECONDS;
	if (profileStaleAfter < MIN_SWEEP_STALE_AFTER_SECONDS) {
		const where = profileName ? `profile "${profileName}"` : 'the profile';
		throw new UsageError(
			`${where} sets stale-after to ${profileStaleAfter}s; a sweep needs at least ${MIN_SWEEP_STALE_AFTER_SECONDS}s: give --stale-after, or radtop config set stale-after`,
		);
	}
	return profileStaleAfter;
}

export interface SweepIo {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly stdinIsTerminal: boolean;
	/** NAS overrides beyond the profile's (the demo's simulators). */
	readonly overrides?: readonly NasOverride[];
	/** Answers a confirmation prompt; default: a line read from stdin. */
	readonly ask?: (confirmation: Confirmation) => Promise<string>;
	/** Where audit records go; default the audit log file. */
	readonly audit?: SweepAuditSink;
	/** RouterOS lookups for --verify; default the real API client. */
	readonly routerOs?: RouterOsLookup;
}

async function askOnTerminal(confirmation: Confirmation, stderr: NodeJS.WriteStream): Promise<string> {
	const prompt = createInterface({input: process.stdin, output: stderr});
	try {
		return await prompt.question(confirmation.prompt);
	} finally {
		prompt.close();
	}
}

/** Lists, verifies, previews, confirms, closes, reports. Resolves to the exit code. */
export async function runSweep(context: CommandContext, request: SweepRequest, io: SweepIo): Promise<number> {
	const db = context.database.pool as TransactionalDb;
	const overrides = [...Object.values(context.profile.nas ?? {}), ...(io.overrides ?? [])];
	const registry = await loadNasRegistry(db, overrides);
	for (const warning of registry.warnings) io.stderr.write(`radtop: ${warning}\n`);
	const nasIps = request.nas.length > 0 ? [...new Set(request.nas.flatMap((nas) => registry.resolve(nas)))] : undefined;
	const staleAfterSeconds = sweepStaleAfter(request.staleAfterSeconds, context.profile.staleAfter, context.profileName);
	const nameOf = (ip: string): string => registry.get(ip).name;

	const available = await radacctColumns(db);
	const {stale, capped} = await listStale(db, {staleAfterSeconds, nasIps, limit: request.limit}, available, (ip) =>
		registry.directory.nameOf(ip),
	);
	const finish = (entries: readonly SweepEntry[], dryRun: boolean): SweepResult => ({
		dryRun,
		verified: request.verify,
		cause: request.cause,
		staleAfterSeconds,
		capped,
		entries,
		totals: tallySweep(entries),
	});
	const report = (result: SweepResult, rows: readonly SweepEntry[]): void => {
		if (request.json) {
			io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
			return;
		}
		if (rows.length > 0) io.stdout.write(`${sweepTable(rows, {details: true}).join('\n')}\n`);
		io.stdout.write(`${sweepSummary(result)}\n`);
	};
	if (stale.length === 0) {
		if (request.json) report(finish([], !request.apply), []);
		else io.stdout.write('no stale sessions\n');
		return EXIT.ok;
	}

	let verifications: Map<string, Verification> | undefined;
	if (request.verify) {
		const abort = new AbortController();
		// Every question in flight listens on the signal.
		setMaxListeners(request.concurrency + 16, abort.signal);
		const onInterrupt = () => abort.abort();
		process.once('SIGINT', onInterrupt);
		const coaClient = new CoaClient({timeoutMs: request.timeoutMs, retries: request.retries});
		const showProgress = Boolean(io.stderr.isTTY);
		try {
			verifications = await verifySessions(
				stale.map((entry) => entry.session),
				{
					registry,
					coaClient,
					routerOs: io.routerOs,
					concurrency: request.concurrency,
					apiTimeoutMs: request.timeoutMs,
					signal: abort.signal,
					...(showProgress
						? {
								onProgress: (done: number, total: number) =>
									io.stderr.write(`\r\x1b[Kasking the NAS ${formatCount(done)}/${formatCount(total)}`),
							}
						: {}),
				},
			);
		} finally {
			if (showProgress) io.stderr.write('\r\x1b[K');
			process.removeListener('SIGINT', onInterrupt);
			await coaClient.close();
		}
		if (abort.signal.aborted) {
			io.stderr.write('radtop: interrupted while asking the NAS, nothing closed\n');
			return EXIT.failure;
		}
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

	if (!request.apply) {
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
		const result = finish(entries, true);
		report(result, entries);
		return sweepExitCode(result);
	}

	if (selection.toClose.length === 0) {
		const entries = stale.map(keptEntry);
		const result = finish(entries, false);
		report(result, entries);
		io.stderr.write('radtop: nothing to close\n');
		return sweepExitCode(result);
	}

	const confirmation = sweepConfirmation(selection.toClose.length);
	if (!request.yes && confirmation.kind !== 'key') {
		if (!io.stdinIsTerminal) {
			throw new UsageError(
				`refusing to close ${formatCount(selection.toClose.length)} sessions without --yes (stdin is not a terminal)`,
			);
		}
		const preview = sweepTable(
			selection.toClose.slice(0, 20).map((entry) => sweepEntry(entry, nameOf(entry.session.nasipaddress), 'would_close', '')),
		);
		if (selection.toClose.length > 20) preview.push(`  ... and ${formatCount(selection.toClose.length - 20)} more`);
		io.stderr.write(`${preview.join('\n')}\n`);
		const answer = await (io.ask ?? ((asked) => askOnTerminal(asked, io.stderr)))(confirmation);
		if (!confirms(confirmation, answer)) {
			io.stderr.write('radtop: not confirmed, nothing closed\n');
			return EXIT.failure;
		}
	}

	const audit =
		io.audit ??
		new AuditLog({path: request.auditLog ?? context.profile.auditLog, secrets: [...registry.secrets(), ...context.secrets]});
	const actionId = randomUUID();
	const operator = currentOperator();
	const startedAt = new Date();
	try {
		await audit.append(
			sweepBeginRecord({
				actionId,
				operator,
				reason: request.reason,
				nasFilter: request.nas,
				staleAfterSeconds,
				cause: request.cause,
				verified: request.verify,
				listed: stale.length,
				closing: selection.toClose,
				nameOf,
				startedAt,
			}),
		);
	} catch (error) {
		throw new Error(`cannot write the audit log, so nothing was closed: ${error instanceof Error ? error.message : String(error)}`);
	}

	let outcome: Awaited<ReturnType<typeof closeStale>>;
	try {
		outcome = await closeStale(db, selection.toClose, request.cause);
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
		if (outcome.closed.has(id)) return sweepEntry(entry, nasName, 'closed', request.verify ? verifiedDetail(id) : 'stale', via(id));
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
	report(result, entries.length <= 50 ? entries : entries.filter((entry) => entry.outcome !== 'closed'));
	if (auditError) io.stderr.write(`radtop: the closing audit record could not be written: ${auditError}\n`);
	return sweepExitCode(result);
}
