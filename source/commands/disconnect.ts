/** `radtop disconnect`: the disconnect engine from the command line, with preview, confirmation and audit. */
import {createInterface} from 'node:readline/promises';
import {AuditLog, tightenedNotice} from '../audit/audit-log.js';
import {confirmationFor, confirms, type Confirmation} from '../disconnect/confirmation.js';
import {planTarget} from '../disconnect/disconnect-service.js';
import {executeDisconnect} from '../disconnect/executor.js';
import type {DisconnectMethod, DisconnectTarget} from '../disconnect/plan.js';
import {previewLines} from '../disconnect/report.js';
import {tallyOutcomes} from '../disconnect/result.js';
import {SITE_NAME} from '../config/site-values.js';
import {CoaClient} from '../radius/coa-client.js';
import {parseSessionKey} from '../sessions/session-key.js';
import {formatCount} from '../sessions/format.js';
import {jsonForOutput} from '../terminal/json-output.js';
import {askAboutClaims, claimWaitReporter} from './disconnect-claims.js';
import {reportOutcome} from './disconnect-outcome.js';
import {regionTarget} from './disconnect-region.js';
import type {CommandContext} from './context.js';
import {parseSessionsFlags, SESSIONS_FLAGS} from './sessions.js';
import {holdWriteErrors, stopOnSignals, writeIfOpen} from './interrupts.js';
import {pacingOf} from '../disconnect/executor-options.js';
import {ttyProgress} from './disconnect-progress.js';
import {choiceFlag, EXIT, integerFlag, UsageError, type FlagSpec} from './usage.js';

/** The filter flags of `radtop sessions` (not its output and window flags). */
const FILTER_FLAGS = {
	search: SESSIONS_FLAGS.search,
	nas: SESSIONS_FLAGS.nas,
	from: SESSIONS_FLAGS.from,
	to: SESSIONS_FLAGS.to,
	staleAfter: SESSIONS_FLAGS.staleAfter,
	db: SESSIONS_FLAGS.db,
	readDb: SESSIONS_FLAGS.readDb,
	profile: SESSIONS_FLAGS.profile,
	demo: SESSIONS_FLAGS.demo,
	site: SESSIONS_FLAGS.site,
} as const;

export const DISCONNECT_FLAGS = {
	session: {type: 'string', isMultiple: true},
	user: {type: 'string'},
	region: {type: 'string'},
	allMatching: {type: 'boolean'},
	...FILTER_FLAGS,
	method: {type: 'string', default: 'auto'},
	reason: {type: 'string'},
	concurrency: {type: 'string'},
	rate: {type: 'string'},
	ratePerNas: {type: 'string'},
	timeout: {type: 'string', default: '3000'},
	retries: {type: 'string', default: '2'},
	confirmWithin: {type: 'string', default: '10'},
	dryRun: {type: 'boolean'},
	yes: {type: 'boolean'},
	wait: {type: 'boolean'},
	json: {type: 'boolean'},
	auditLog: {type: 'string'},
} as const satisfies Record<string, FlagSpec>;

export const DISCONNECT_HELP = `
Usage
  $ radtop disconnect (--session ID | --user NAME | --nas NAME|IP | --region NAME | --all-matching FILTERS) [flags]

Disconnects open sessions with an RFC 5176 Disconnect-Request to their NAS, or through the MikroTik
RouterOS API. Sessions are read again from radacct when the action runs; one already closed is reported
and nothing is sent for it. radtop never closes a row itself: the NAS's Accounting-Stop does.

Target (exactly one)
  --session ID           a session by radacctid (repeat for several); SITE:ID over a profile's sites
  --user NAME            every open session of this user
  --nas NAME|IP          every open session of this NAS (over sites: at each site with a NAS of that name;
                         an IP, that address at each site)
  --region NAME          every open session of the profile's region (radtop config set region.NAME): the
                         preview counts each of its NAS, and the region's name is typed to confirm
  --all-matching         every open session matching --search, --nas, --from, --to (a filter is required);
                         the search reads as in radtop sessions, and the preview says it in words

How
  --method auto|coa|api  auto (default): CoA, then the RouterOS API when CoA gets no answer or a NAK and the
                         NAS has API credentials
  --reason TEXT          why, for the audit log
  --concurrency N        requests in flight per NAS (default: the profile's disconnect-in-flight-per-nas, else 32)
  --rate N               at most N requests a second, all NAS together
  --rate-per-nas N       at most N requests a second on any one NAS (default: the profile's
                         disconnect-rate-per-nas; 0 = no cap); the NAS take turns within --rate
  --timeout MS           wait for a reply this long before retransmitting (default 3000)
  --retries N            retransmissions after the first try (default 2)
  --confirm-within S     watch radacct this long for each Accounting-Stop (default 10, 0 = do not watch)
  --dry-run              print exactly which sessions on which NAS would be hit and how; send nothing
  --yes                  do not ask (required for more than one session when stdin is not a terminal)
  --wait                 when another radtop is disconnecting a NAS of this action, wait until it is done
                         (trying every second), then send what is still open; without it that NAS is not sent
                         to and its sessions end "not sent" (on a terminal without --yes, radtop asks)
  --json                 the result as JSON
  --audit-log PATH       append the audit record here (default $XDG_STATE_HOME/radtop/audit.log)
  --site NAME            only this site of a profile that lists sites (default: every site: the target is
                         found at each, previewed as one with NAS as site/name, each site's share sent through
                         its own NAS registry and secrets, and audited with its site)
  --db URL, --read-db URL, --profile NAME, --demo

Two radtop never disconnect the sessions of one NAS at the same time: each claims the NAS in the database
(a PostgreSQL advisory lock) while it sends to it and watches for the stops, and the other is told who holds
it: "bng-2 is being disconnected by noc-anna@noc1 (pid 4242, 38 s ago)". Without --wait, nothing is sent to
that NAS: its sessions end "not sent" (exit code 3); stopping at the question sends nothing (exit code 1).

Examples
  $ radtop disconnect --user alice@isp.example --reason "customer asked for a reset"
  $ radtop disconnect --nas bng-2 --dry-run
  $ radtop disconnect --region north --dry-run
  $ radtop disconnect --nas bng-2 --reason "CHG-2211 maintenance" --yes --rate 500

Ctrl-C, SIGTERM and SIGHUP stop a run: requests in flight finish, the rest are not sent, the closing audit
record is written and a summary goes to stderr; radtop audit shows the run, an interrupted one too.

Exit codes: 0 every session disconnected or already closed (a dry run: some session would be sent),
1 failure before sending, 2 usage error (an unknown NAS name or region too), 3 partial failure (some failed, not
on the NAS, or not sent), nothing matched (no open session for --session, --user, --nas, --region or the filter), a dry run
in which every session would be not sent, a run stopped by Ctrl-C, SIGTERM or SIGHUP, or over sites a site that
could not be read (its sessions are not in the run).
`;

type FlagValues = {[K in keyof typeof DISCONNECT_FLAGS]?: unknown};

/** The flags of `radtop disconnect`, validated. */
export interface DisconnectFlags {
	readonly target: DisconnectTarget;
	/** NAS names or IPs to resolve for a --nas target or filter. */
	readonly nas: readonly string[];
	/** The region of a --region target, resolved later against the profile and the NAS known. */
	readonly region?: string;
	/** One site of a profile that lists sites (`--site`); absent: every site. */
	readonly site?: string;
	readonly method: DisconnectMethod;
	readonly reason?: string;
	/** Requests in flight per NAS; undefined: the profile's, else 32. */
	readonly concurrency?: number;
	readonly rate?: number;
	/** Requests a second per NAS (0: no cap); undefined: the profile's. */
	readonly ratePerNas?: number;
	readonly timeoutMs: number;
	readonly retries: number;
	readonly confirmWithinMs: number;
	readonly dryRun: boolean;
	readonly yes: boolean;
	/** Wait for a NAS another radtop is disconnecting. */
	readonly wait: boolean;
	readonly json: boolean;
	readonly auditLog?: string;
}

/** PostgreSQL's largest bigint. */
const MAX_RADACCTID = 9_223_372_036_854_775_807n;

/** Validates the flags (pure); the NAS of a --nas target are resolved later, against the registry. */
export function parseDisconnectFlags(flags: FlagValues, now: Date): DisconnectFlags {
	const sessions = Array.isArray(flags.session) ? flags.session.map(String) : [];
	const user = typeof flags.user === 'string' ? flags.user : undefined;
	const filters = parseSessionsFlags({...flags, user: undefined, status: 'active', json: undefined, csv: undefined}, now);
	const nas = filters.nas;
	const hasFilter = Boolean(filters.search || filters.startedFrom || filters.startedTo);
	const region = typeof flags.region === 'string' ? flags.region.trim() : undefined;
	const targets = [sessions.length > 0, user !== undefined, Boolean(flags.allMatching), nas.length > 0 && !flags.allMatching];
	if ([...targets, region !== undefined].filter(Boolean).length !== 1)
		throw new UsageError('give exactly one target: --session, --user, --nas, --region, or --all-matching with filters');
	if (region === '') throw new UsageError('--region needs a region name');
	if (!flags.allMatching && hasFilter) throw new UsageError('--search, --from and --to select sessions only with --all-matching');
	if (flags.allMatching && !hasFilter && nas.length === 0) {
		throw new UsageError(
			'--all-matching needs a filter (--search, --nas, --from, --to): radtop will not disconnect every session at once',
		);
	}
	for (const id of sessions) {
		// radacctid is a bigint: a larger number would only come back as a database error. SITE:ID over sites.
		const {site, radacctid} = parseSessionKey(id);
		if ((site !== undefined && !SITE_NAME.test(site)) || !/^\d{1,19}$/.test(radacctid) || BigInt(radacctid) > MAX_RADACCTID)
			throw new UsageError(`--session takes a radacctid (a number, or SITE:number), not "${id.slice(0, 40)}"`);
	}
	let target: DisconnectTarget;
	if (sessions.length > 0)
		target = sessions.length === 1 ? {kind: 'session', radacctid: sessions[0]!} : {kind: 'sessions', radacctids: sessions};
	else if (user !== undefined) {
		if (user === '') throw new UsageError('--user needs a username');
		target = {kind: 'user', username: user};
	} else if (flags.allMatching) {
		target = {
			kind: 'filter',
			filter: {status: 'active', search: filters.search, startedFrom: filters.startedFrom, startedTo: filters.startedTo},
		};
	} else if (region !== undefined) target = {kind: 'nas', nasIps: [], region: {name: region, nas: []}};
	else target = {kind: 'nas', nasIps: []};
	const reason = typeof flags.reason === 'string' && flags.reason.trim() ? flags.reason.trim() : undefined;
	return {
		target,
		nas,
		...(region === undefined ? {} : {region}),
		...(filters.site === undefined ? {} : {site: filters.site}),
		method: choiceFlag(flags.method ?? 'auto', 'method', ['auto', 'coa', 'api'] as const),
		reason,
		concurrency: flags.concurrency === undefined ? undefined : integerFlag(flags.concurrency, 'concurrency', 1, 1024),
		rate: flags.rate === undefined ? undefined : integerFlag(flags.rate, 'rate', 1, 1_000_000),
		ratePerNas: flags.ratePerNas === undefined ? undefined : integerFlag(flags.ratePerNas, 'rate-per-nas', 0, 1_000_000),
		timeoutMs: integerFlag(flags.timeout ?? '3000', 'timeout', 50, 60_000),
		retries: integerFlag(flags.retries ?? '2', 'retries', 0, 10),
		confirmWithinMs: integerFlag(flags.confirmWithin ?? '10', 'confirm-within', 0, 600) * 1000,
		dryRun: Boolean(flags.dryRun),
		yes: Boolean(flags.yes),
		wait: Boolean(flags.wait),
		json: Boolean(flags.json),
		auditLog: typeof flags.auditLog === 'string' ? flags.auditLog : undefined,
	};
}

async function confirm(confirmation: Confirmation, stderr: NodeJS.WriteStream): Promise<boolean> {
	const prompt = createInterface({input: process.stdin, output: stderr});
	try {
		return confirms(confirmation, await prompt.question(confirmation.prompt));
	} finally {
		prompt.close();
	}
}

export interface DisconnectIo {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly stdinIsTerminal: boolean;
}

/** Plans, previews, confirms, sends, reports. Resolves to the exit code. */
export async function runDisconnect(context: CommandContext, request: DisconnectFlags, io: DisconnectIo): Promise<number> {
	const {registry} = context;
	const ids =
		request.target.kind === 'session'
			? [request.target.radacctid]
			: request.target.kind === 'sessions'
				? request.target.radacctids
				: [];
	const keyed = ids.find((id) => id.includes(':'));
	if (keyed !== undefined) throw new UsageError(`--session ${keyed.slice(0, 40)} names a site: this profile lists no sites`);
	const nasIps = request.nas.length > 0 ? [...new Set(request.nas.flatMap((nas) => registry.resolve(nas)))] : undefined;
	const target: DisconnectTarget =
		request.region !== undefined
			? await regionTarget(context, request.region, io.stderr)
			: request.target.kind === 'nas'
				? {kind: 'nas', nasIps: nasIps!}
				: request.target.kind === 'filter'
					? {kind: 'filter', filter: {...request.target.filter, nasIps}}
					: request.target;

	// The profile's NAS restriction holds on the command line as in the console.
	const {allowedNas} = context.profile;
	const {plan, missing, warnings} = await planTarget(context.database.pool, registry, target, {
		method: request.method,
		columns: context.source.columns,
		...(allowedNas === undefined ? {} : {allowedNas}),
		// --all-matching reads `region:` terms through the profile's regions.
		regionNas: (region) => context.source.regionNas(region),
	});
	for (const warning of warnings) io.stderr.write(`radtop: ${warning}\n`);
	const preview = previewLines(plan, {firstRows: request.dryRun ? 0 : 5});
	for (const id of missing) preview.push(`  session ${id} is not in radacct`);
	const out = request.dryRun && !request.json ? io.stdout : io.stderr;
	if (!request.json || request.dryRun) out.write(`${preview.join('\n')}\n`);
	// Sessions already closed go through the engine: each ends `already_closed`, in the output and the audit log.
	if (plan.items.length === 0 && plan.alreadyClosed.length === 0) {
		if (request.json)
			io.stdout.write(jsonForOutput({dryRun: request.dryRun, results: [], missing, totals: tallyOutcomes([])}, io.stdout.isTTY));
		io.stderr.write(`radtop: no open session to disconnect\n`);
		// Nothing matched (--session, --user, --nas or a filter alike): nothing asked for was done.
		return EXIT.partial;
	}

	let wait = request.wait;
	if (!request.dryRun && !request.yes && !wait && io.stdinIsTerminal && plan.items.length > 0) {
		const decided = await askAboutClaims([{db: context.primary.pool, items: plan.items}], io.stderr);
		if (decided === 'stop') {
			io.stderr.write('radtop: stopped, nothing sent\n');
			return EXIT.failure;
		}
		wait = decided === 'wait';
	}

	if (!request.dryRun && !request.yes) {
		const typedAbove = context.profile.confirmTypedAbove;
		const confirmation = confirmationFor(plan, typedAbove === undefined ? {} : {typedAbove});
		if (plan.items.length > 0 && confirmation.kind !== 'key') {
			if (!io.stdinIsTerminal) {
				throw new UsageError(
					`refusing to disconnect ${formatCount(plan.items.length)} sessions without --yes (stdin is not a terminal)`,
				);
			}
			if (!(await confirm(confirmation, io.stderr))) {
				io.stderr.write('radtop: not confirmed, nothing sent\n');
				return EXIT.failure;
			}
		}
	}

	const coaClient = new CoaClient({timeoutMs: request.timeoutMs, retries: request.retries});
	const audit = new AuditLog({
		path: request.auditLog ?? context.profile.auditLog,
		secrets: context.secrets,
		onTightened: (path, mode) => writeIfOpen(io.stderr, tightenedNotice(path, mode)),
	});
	// SIGINT, SIGTERM and SIGHUP stop the run alike: requests in flight finish, the rest are not sent, the closing
	// audit record is written. A terminal gone away (SSH dropped) must not end the process before that.
	const writes = holdWriteErrors([io.stdout, io.stderr]);
	const stop = stopOnSignals();
	const progress = ttyProgress(io.stderr, io.stderr.isTTY === true && !request.dryRun);
	try {
		const executed = await executeDisconnect(
			plan,
			// The NAS claims are on the primary: every radtop sees them there, whatever database it reads.
			{db: context.primary.pool, registry, columns: context.source.columns, coaClient, audit},
			{
				method: request.method,
				reason: request.reason,
				via: 'command line',
				dryRun: request.dryRun,
				...pacingOf(request, context.profile),
				waitForClaimedNas: wait,
				onClaimWait: claimWaitReporter(io.stderr),
				ratePerSecond: request.rate,
				confirmStopWithinMs: request.confirmWithinMs,
				signal: stop.signal,
				...progress.options,
			},
		);
		progress.clear();
		return reportOutcome({plan, executed, missing, json: request.json, dryRun: request.dryRun, stoppedBy: stop.received}, io);
	} finally {
		stop.release();
		// Once a signal came the process is ending: the terminal may be gone, its errors stay swallowed.
		if (stop.received === undefined) writes.release();
		await coaClient.close();
	}
}
