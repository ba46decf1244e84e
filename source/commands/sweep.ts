/** `radtop sweep`: closes ghost sessions (open in radacct, silent for too long) with a preview, verification and audit. */
import {createInterface} from 'node:readline/promises';
import {AuditLog, tightenedNotice} from '../audit/audit-log.js';
import {reportWaits} from '../db/database-wait.js';
import {confirms, type Confirmation} from '../disconnect/confirmation.js';
import {formatCount} from '../sessions/format.js';
import {DEFAULT_STALE_AFTER_SECONDS} from '../sessions/session-math.js';
import type {SweepAuditSink} from '../sweep/audit-records.js';
import {executeSweep} from '../sweep/execute-sweep.js';
import {MIN_SWEEP_STALE_AFTER_SECONDS} from '../sweep/sweep-service.js';
import type {TransactionalDb} from '../sweep/sweep.js';
import {sweepExitCode, sweepSummary, sweepTable, type SweepEntry, type SweepResult} from '../sweep/sweep-plan.js';
import {MAX_SWEEP_SESSIONS, TERMINATE_CAUSES, type TerminateCause} from '../sweep/sweep-sql.js';
import type {RouterOsLookup} from '../sweep/verify.js';
import {jsonForOutput} from '../terminal/json-output.js';
import {contextForSite, reportError, type CommandContext} from './context.js';
import {SESSIONS_FLAGS, siteFlag} from './sessions.js';
import {choiceFlag, EXIT, integerFlag, parseDurationSeconds, UsageError, type FlagSpec} from './usage.js';

export const SWEEP_FLAGS = {
	nas: SESSIONS_FLAGS.nas,
	staleAfter: SESSIONS_FLAGS.staleAfter,
	limit: {type: 'string', default: '10000'},
	apply: {type: 'boolean'},
	verify: {type: 'boolean'},
	reloaded: {type: 'boolean'},
	cause: {type: 'string'},
	reason: {type: 'string'},
	yes: {type: 'boolean'},
	json: {type: 'boolean'},
	concurrency: {type: 'string', default: '32'},
	timeout: {type: 'string', default: '3000'},
	retries: {type: 'string', default: '2'},
	auditLog: {type: 'string'},
	site: SESSIONS_FLAGS.site,
	db: SESSIONS_FLAGS.db,
	readDb: SESSIONS_FLAGS.readDb,
	profile: SESSIONS_FLAGS.profile,
	demo: SESSIONS_FLAGS.demo,
} as const satisfies Record<string, FlagSpec>;

export const SWEEP_HELP = `
Usage
  $ radtop sweep [--nas NAME|IP] [--verify] [--apply --reason TEXT] [flags]

Lists ghost sessions: open in radacct but silent for longer than --stale-after, and than 2 x the interim
interval (the session's acctinterval, or the longest among its NAS's open sessions when that is longer: an
early interim leaves a few seconds there), e.g. after a NAS rebooted without sending Accounting-Stops.
A session that started before its NAS last reloaded (nasreload) is marked "ghost: NAS reloaded after
start"; --reloaded lists those alone, before they are stale.
A dry run by default. --apply closes them in radacct as FreeRADIUS's own queries would: acctstoptime and
acctupdatetime = the last update (or the start), acctsessiontime = start to stop, acctterminatecause =
--cause. A session that got an update or a stop after it was listed is left alone.

What
  --nas NAME|IP          only this NAS (repeat for several); names come from the nas table and the config
  --stale-after DURATION the least silence that is stale, whatever the interval (default 30m, at least 60s)
  --reloaded             list the ghost candidates instead: open sessions that started, and were last heard
                         of, before their NAS last reloaded (FreeRADIUS's nasreload, written on
                         Accounting-On/Off), however short their silence; the cause defaults to NAS-Reboot
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
  --cause CAUSE          acctterminatecause (default Lost-Carrier, with --reloaded NAS-Reboot; Admin-Reset, ...)
  --reason TEXT          why, for the audit log
  --yes                  do not ask (required to close more than one session when stdin is not a terminal)
  --audit-log PATH       append the audit records here (default $XDG_STATE_HOME/radtop/audit.log)
  --site NAME            only this site of a profile that lists sites (default: each site in turn)

Output
  --json                 the result as JSON
  --db URL, --read-db URL, --profile NAME, --demo

Examples
  $ radtop sweep
  $ radtop sweep --nas bng-2 --verify
  $ radtop sweep --nas bng-2 --cause NAS-Reboot --apply --reason "INC-4411 bng-2 rebooted" --yes
  $ radtop sweep --reloaded --nas bng-2 --verify --apply --reason "bng-2 rebooted at 09:12" --yes

Exit codes: 0 dry run, or every listed session closed or found on its NAS, 1 failure (nothing closed),
2 usage error, 3 partial (some left open: the NAS could not say, or radacct changed after the listing).
`;

type FlagValues = {[K in keyof typeof SWEEP_FLAGS]?: unknown};

/** The flags of `radtop sweep`, validated. */
export interface SweepFlags {
	readonly nas: readonly string[];
	/** Undefined: the profile's, else the default. */
	readonly staleAfterSeconds?: number;
	readonly limit: number;
	readonly apply: boolean;
	readonly verify: boolean;
	/** List the ghost candidates (started before their NAS's last reload) instead of the stale sessions. */
	readonly reloaded: boolean;
	readonly cause: TerminateCause;
	readonly reason?: string;
	readonly yes: boolean;
	readonly json: boolean;
	readonly concurrency: number;
	readonly timeoutMs: number;
	readonly retries: number;
	readonly auditLog?: string;
	/** One site of a profile that lists sites; absent: each in turn. */
	readonly site?: string;
}

/** Validates the flags of `radtop sweep` (pure: throws UsageError with one clear line). */
export function parseSweepFlags(flags: FlagValues): SweepFlags {
	const nas = (Array.isArray(flags.nas) ? flags.nas : flags.nas === undefined ? [] : [flags.nas]).map(String);
	if (nas.some((value) => value.trim() === '')) throw new UsageError('--nas needs a NAS name or IP address');
	if (flags.yes && !flags.apply) throw new UsageError('--yes only makes sense with --apply (without it nothing is closed)');
	const reason = typeof flags.reason === 'string' && flags.reason.trim() ? flags.reason.trim() : undefined;
	const reloaded = Boolean(flags.reloaded);
	if (reloaded && flags.staleAfter !== undefined) {
		throw new UsageError(
			'--stale-after and --reloaded do not go together: --reloaded lists the sessions a NAS reload ended, however short their silence',
		);
	}
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
		reloaded,
		// FreeRADIUS's own Accounting-On close writes NAS-Reboot when the NAS gives no cause.
		cause: choiceFlag(flags.cause ?? (reloaded ? 'NAS-Reboot' : 'Lost-Carrier'), 'cause', TERMINATE_CAUSES),
		reason,
		yes: Boolean(flags.yes),
		json: Boolean(flags.json),
		concurrency: integerFlag(flags.concurrency ?? '32', 'concurrency', 1, 1024),
		timeoutMs: integerFlag(flags.timeout ?? '3000', 'timeout', 50, 60_000),
		retries: integerFlag(flags.retries ?? '2', 'retries', 0, 10),
		auditLog: typeof flags.auditLog === 'string' ? flags.auditLog : undefined,
		...siteFlag(flags.site),
	};
}

export {MIN_SWEEP_STALE_AFTER_SECONDS};

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
export async function runSweep(given: CommandContext, flags: SweepFlags, io: SweepIo): Promise<number> {
	if (given.sites && flags.site === undefined) {
		// Each site in turn, with its own list, preview, confirmation and audit records; one that fails says so.
		let code: number = EXIT.ok;
		for (const site of given.sites.sites) {
			io.stderr.write(`radtop: site ${site.name}\n`);
			const each = await runSweep(given, {...flags, site: site.name}, io).catch((error: unknown) =>
				reportError(error, given.secrets, io.stderr),
			);
			if (code === EXIT.ok) code = each;
		}
		return code;
	}
	const context = await contextForSite(given, flags.site);
	// --apply writes: it lists and closes on the primary; a dry run reads where reads go (a read database, if set).
	const database = flags.apply ? context.primary : context.database;
	const db = database.pool as TransactionalDb;
	const {registry} = context;
	for (const warning of registry.warnings) io.stderr.write(`radtop: ${warning}\n`);
	const nasIps = flags.nas.length > 0 ? [...new Set(flags.nas.flatMap((nas) => registry.resolve(nas)))] : undefined;
	const staleAfterSeconds = sweepStaleAfter(flags.staleAfterSeconds, context.profile.staleAfter, context.profileName);
	const log: SweepAuditSink =
		io.audit ??
		new AuditLog({
			path: flags.auditLog ?? context.profile.auditLog,
			secrets: context.secrets,
			onTightened: (path, mode) => io.stderr.write(tightenedNotice(path, mode)),
		});
	// A site's records name it.
	const site = flags.site;
	const audit: SweepAuditSink = site === undefined ? log : {append: (record) => log.append(Object.assign({}, record, {site}))};
	const showProgress = Boolean(io.stderr.isTTY);
	const confirm = async (confirmation: Confirmation, closing: readonly SweepEntry[]): Promise<boolean> => {
		if (!io.stdinIsTerminal) {
			throw new UsageError(`refusing to close ${formatCount(closing.length)} sessions without --yes (stdin is not a terminal)`);
		}
		const preview = sweepTable(closing.slice(0, 20));
		if (closing.length > 20) preview.push(`  ... and ${formatCount(closing.length - 20)} more`);
		io.stderr.write(`${preview.join('\n')}\n`);
		return confirms(confirmation, await (io.ask ?? ((asked) => askOnTerminal(asked, io.stderr)))(confirmation));
	};

	// A lock or a server that does not answer is said as it is seen, not waited for in silence.
	const stopWaits = reportWaits(database.waits, (line) => io.stderr.write(line));
	const run = await executeSweep(
		{
			nas: flags.nas,
			nasIps,
			staleAfterSeconds,
			reloaded: flags.reloaded,
			limit: flags.limit,
			apply: flags.apply,
			verify: flags.verify,
			cause: flags.cause,
			reason: flags.reason,
			concurrency: flags.concurrency,
			timeoutMs: flags.timeoutMs,
			retries: flags.retries,
		},
		{db, registry, columns: context.source.columns, nasReload: context.source.nasReload, audit, routerOs: io.routerOs},
		{
			...(showProgress
				? {
						onVerifyProgress: (done: number, total: number) =>
							io.stderr.write(`\r\x1b[Kasking the NAS ${formatCount(done)}/${formatCount(total)}`),
						onVerifyEnd: () => io.stderr.write('\r\x1b[K'),
					}
				: {}),
			...(flags.yes ? {} : {confirm}),
		},
	).finally(stopWaits);
	const report = (result: SweepResult, rows: readonly SweepEntry[]): void => {
		if (flags.json) {
			io.stdout.write(jsonForOutput(result, io.stdout.isTTY));
			return;
		}
		if (rows.length > 0) io.stdout.write(`${sweepTable(rows, {details: true}).join('\n')}\n`);
		io.stdout.write(`${sweepSummary(result)}\n`);
	};
	switch (run.kind) {
		case 'no-stale':
			if (flags.json) report(run.result, []);
			else
				io.stdout.write(
					flags.reloaded ? 'no ghost candidates (no open session started before its NAS last reloaded)\n' : 'no stale sessions\n',
				);
			return EXIT.ok;
		case 'interrupted':
			io.stderr.write('radtop: interrupted while asking the NAS, nothing closed\n');
			return EXIT.failure;
		case 'not-confirmed':
			io.stderr.write('radtop: not confirmed, nothing closed\n');
			return EXIT.failure;
		case 'done':
			report(run.result, run.shown);
			if (run.nothingToClose) io.stderr.write('radtop: nothing to close\n');
			if (run.auditError) io.stderr.write(`radtop: the closing audit record could not be written: ${run.auditError}\n`);
			return sweepExitCode(run.result);
	}
}
