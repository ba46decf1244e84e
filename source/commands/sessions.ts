/** `radtop sessions`: the sessions for a filter, as an aligned table, JSON or CSV. */
import {parseSearch, SearchSyntaxError} from '../sessions/search.js';
import stringWidth from 'string-width';
import {contextForSite, type CommandContext} from './context.js';
import {resolveNasAtSites} from './sites-context.js';
import type {SessionSource} from '../sessions/session-source.js';
import {formatTimestamp} from '../sessions/format.js';
import {recordsToCsv, sessionsTable, toRecord} from '../sessions/session-view.js';
import type {SessionFilter, SessionSort, SessionStatus, SortDirection, SortKey} from '../sessions/session.js';
import {SORT_KEYS} from '../sessions/session.js';
import {jsonForOutput} from '../terminal/json-output.js';
import {isGhostCandidate} from '../sessions/ghost.js';
import {defaultAuditLogPath} from '../audit/audit-log.js';
import {annotateFromLog} from '../disconnect/disconnected-by-log.js';
import {truncate} from '../terminal/text.js';
import {sanitize} from '../terminal/sanitize.js';
import type {Session} from '../sessions/session.js';
import {vendorField} from '../net/oui-registry.js';
import {openSubscriberEnricher} from '../subscribers/open-enricher.js';
import {probeSubscriberTables, timeoutTablesOf} from '../subscribers/subscriber-tables.js';
import {subscriberFields} from '../subscribers/subscriber-view.js';
import {billingSettingsOf, enricherOptionsOf} from './subscriber-settings.js';
import {choiceFlag, integerFlag, parseDurationSeconds, parseInstant, UsageError, type FlagSpec} from './usage.js';

export const SESSIONS_FLAGS = {
	status: {type: 'string', default: 'active'},
	search: {type: 'string', shortFlag: 's'},
	at: {type: 'string'},
	user: {type: 'string'},
	nas: {type: 'string', isMultiple: true},
	from: {type: 'string'},
	to: {type: 'string'},
	// No default here: --concurrent sorts by user unless --sort says otherwise (parseSessionsFlags).
	sort: {type: 'string'},
	order: {type: 'string'},
	limit: {type: 'string', default: '50'},
	offset: {type: 'string', default: '0'},
	staleAfter: {type: 'string'},
	concurrent: {type: 'boolean'},
	json: {type: 'boolean'},
	csv: {type: 'boolean'},
	utc: {type: 'boolean'},
	db: {type: 'string'},
	readDb: {type: 'string'},
	profile: {type: 'string'},
	demo: {type: 'boolean'},
	auditLog: {type: 'string'},
	site: {type: 'string'},
} as const satisfies Record<string, FlagSpec>;

export const SESSIONS_HELP = `
Usage
  $ radtop sessions [flags]

Lists RADIUS sessions from radacct.

Filters
  --status STATUS              active: open sessions (default); stale: open ones without an interim
                               update for 2 x their interval (or --stale-after when none), as the
                               console's stale view; closed; all
  --search, -s TERMS           words that must all hold: an IP or CIDR (exact), a MAC, else part of a
                               username; scoped user: ip: mac: sid: uid: port: nas: cause: called:,
                               := for exact, - to negate; at: since: until: a time (see README);
                               vendor:apple the MAC's vendor, vendor:random a randomized MAC
                               region:NAME the NAS of one of the profile's regions
  --at WHEN                    sessions open at that instant, closed ones too (as the term at:WHEN)
  --user NAME                  exactly this username (as the term user:=NAME); with --status all, the
                               subscriber's history: start, stop, cause
  --nas NAME|IP                only this NAS (repeat for several); names come from the nas table
  --site NAME                  only this site of a profile that lists sites (default: every site, merged)
  --from WHEN, --to WHEN       started at/after, before: 2026-11-24, 2026-11-24T08:00Z, or an age (6h, 2d)
  --concurrent                 concurrent logins: only the open sessions of users with more than one open
                               session (with the other filters; sorted by user unless --sort is given)

Order and window
  --sort KEY                   start (default; user with --concurrent), duration, down, up, rate, user,
                               nas, ip, remaining (time left by Session-Timeout; none known = last)
  --order asc|desc             default: desc for start/duration/down/up, asc for user/nas/ip
  --limit N                    rows to show (default 50, at most 10000)
  --offset N                   skip the first N rows

Output
  --json                       {"total", "capped", "sessions": [...]} for scripts; each session has
                               user_open_sessions (its user's open sessions now) and simultaneous_use,
                               and ghost_candidate: its NAS reloaded (nasreload) after it was last heard of
  --csv                        CSV with a header row (RFC 4180; formula-like fields neutralised)
  --utc                        timestamps in UTC instead of local time
  --stale-after DURATION       stale threshold when the NAS reports no interim interval (default 30m)
  --audit-log PATH             where to read who disconnected a session through radtop (default: the
                               profile's audit-log, else $XDG_STATE_HOME/radtop/audit.log; its last 8 MiB)

Database
  --db URL                     postgres://user@host:port/db (else --profile, DATABASE_URL, PG* variables)
  --read-db URL                a hot standby to read from (else the profile's read-database)
  --profile NAME               a profile from the config file
  --demo                       the embedded demo database (no setup)

Examples
  $ radtop sessions --search alice
  $ radtop sessions --nas bng-2 --sort down --limit 20
  $ radtop sessions --status closed --from 1d --csv > yesterday.csv
  $ radtop sessions --demo --json | jq '.sessions[0]'
  $ radtop sessions --concurrent --nas bng-2

On a terminal the table is cut to its width (a line ends in … where it was cut); piped or redirected it is
whole.

Exit codes: 0 ok (no session matching is ok too), 1 failure (e.g. database unreachable), 2 usage error
(an unknown NAS name too).
`;

type SessionsFlags = {[K in keyof typeof SESSIONS_FLAGS]?: unknown};

export interface SessionsRequest {
	readonly status: SessionStatus;
	readonly search?: string;
	readonly nas: readonly string[];
	readonly startedFrom?: Date;
	readonly startedTo?: Date;
	readonly sort: SessionSort;
	readonly limit: number;
	readonly offset: number;
	readonly staleAfterSeconds?: number;
	/** Only the open sessions of users with more than one open session. */
	readonly concurrent?: boolean;
	readonly format: 'table' | 'json' | 'csv';
	readonly utc: boolean;
	/** The audit log that says who disconnected a session; default the profile's, else the standard place. */
	readonly auditLog?: string;
	/** One site of a profile that lists sites; absent: every site. */
	readonly site?: string;
}

const TEXT_SORTS: readonly SortKey[] = ['user', 'nas', 'ip'];

/** Validates the flags of `radtop sessions` (pure: throws UsageError with one clear line). */
export function parseSessionsFlags(flags: SessionsFlags, now: Date): SessionsRequest {
	const status = choiceFlag(flags.status ?? 'active', 'status', ['active', 'stale', 'closed', 'all'] as const);
	const concurrent = Boolean(flags.concurrent);
	if (concurrent && status !== 'active')
		throw new UsageError('--concurrent lists open sessions: it takes no --status stale, closed or all');
	const key = choiceFlag(flags.sort ?? (concurrent ? 'user' : 'start'), 'sort', SORT_KEYS);
	const order: SortDirection =
		flags.order === undefined
			? TEXT_SORTS.includes(key)
				? 'asc'
				: 'desc'
			: choiceFlag(flags.order, 'order', ['asc', 'desc'] as const);
	if (flags.json && flags.csv) throw new UsageError('--json and --csv cannot be used together');
	const startedFrom = typeof flags.from === 'string' ? parseInstant(flags.from, 'from', now) : undefined;
	const startedTo = typeof flags.to === 'string' ? parseInstant(flags.to, 'to', now) : undefined;
	if (startedFrom && startedTo && startedFrom >= startedTo) throw new UsageError('--from must be before --to');
	const nas = (Array.isArray(flags.nas) ? flags.nas : flags.nas === undefined ? [] : [flags.nas]).map(String);
	if (nas.some((value) => value.trim() === '')) throw new UsageError('--nas needs a NAS name or IP address');
	return {
		status,
		search: searchFlag(flags, now),
		nas,
		startedFrom,
		startedTo,
		sort: {key, direction: order},
		limit: integerFlag(flags.limit ?? 50, 'limit', 1, 10_000),
		offset: integerFlag(flags.offset ?? 0, 'offset', 0, 100_000_000),
		staleAfterSeconds: typeof flags.staleAfter === 'string' ? parseDurationSeconds(flags.staleAfter, 'stale-after', 1) : undefined,
		...(concurrent ? {concurrent} : {}),
		format: flags.json ? 'json' : flags.csv ? 'csv' : 'table',
		utc: Boolean(flags.utc),
		...(typeof flags.auditLog === 'string' && flags.auditLog !== '' ? {auditLog: flags.auditLog} : {}),
		...siteFlag(flags.site),
	};
}

/** `--site NAME`, checked to be a name (the profile's sites are checked once it is open). */
export function siteFlag(value: unknown): {site?: string} {
	if (value === undefined) return {};
	if (typeof value !== 'string' || value.trim() === '') throw new UsageError('--site needs a site name');
	return {site: value.trim()};
}

/** The filter flags shared by `radtop sessions` and `radtop export`. */
/**
 * `--search`, checked against the search grammar now (one line, exit 2, at the term), with `--at` added to
 * it as the term `at:` so both go through the same rule.
 */
function searchFlag(flags: SessionsFlags, now: Date): string | undefined {
	const search = typeof flags.search === 'string' && flags.search.trim() !== '' ? flags.search : undefined;
	const at = typeof flags.at === 'string' ? `at:${parseInstant(flags.at, 'at', now).toISOString()}` : undefined;
	if (flags.user !== undefined && (typeof flags.user !== 'string' || flags.user === '')) throw new UsageError('--user needs a username');
	const user = typeof flags.user === 'string' ? `user:="${flags.user.replace(/[\\"]/g, (char) => `\\${char}`)}"` : undefined;
	const combined = [search, at, user].filter(Boolean).join(' ') || undefined;
	try {
		parseSearch(combined, {now});
	} catch (error) {
		if (error instanceof SearchSyntaxError) throw new UsageError(`--search: ${error.message}`);
		throw error;
	}
	return combined;
}

export type FilterRequest = Pick<
	SessionsRequest,
	'status' | 'search' | 'nas' | 'startedFrom' | 'startedTo' | 'sort' | 'staleAfterSeconds' | 'concurrent'
>;

/** The query's filter, with the NAS given by name or IP resolved against the source's directory. */
export function sessionFilterOf(source: Pick<SessionSource, 'resolveNas'>, request: FilterRequest): SessionFilter {
	return {
		status: request.status,
		search: request.search,
		nasIps: request.nas.length > 0 ? source.resolveNas(request.nas) : undefined,
		startedFrom: request.startedFrom,
		startedTo: request.startedTo,
		...(request.concurrent ? {concurrent: true} : {}),
	};
}

/** Runs the query and writes the result to stdout. */
export async function runSessions(
	given: CommandContext,
	request: SessionsRequest,
	stdout: NodeJS.WriteStream,
	stderr: NodeJS.WritableStream = process.stderr,
): Promise<void> {
	const context = await contextForSite(given, request.site);
	const source = context.source;
	// Every site of a profile that lists sites, merged in the order asked for (--site: that one alone).
	const sites = context.sites;
	const reader = sites?.merged ?? source;
	const nasIps = sites && request.nas.length > 0 ? await resolveNasAtSites(sites, request.nas) : undefined;
	const filter = sessionFilterOf(nasIps ? {resolveNas: () => nasIps} : source, request);
	// Time left is start + Session-Timeout: the reply tables the sort reads, when they can be read.
	if (request.sort.key === 'remaining') {
		const tables = await probeSubscriberTables(context.database.pool).catch(() => undefined);
		if (tables) source.readTimeoutsFrom(timeoutTablesOf(tables.readable));
	}
	const listed = await reader.list(filter, request.sort, {limit: request.limit, offset: request.offset});
	// Who disconnected a session through radtop: the end of the audit log (at most 8 MiB), never an error.
	const auditLog = request.auditLog ?? context.profile.auditLog ?? defaultAuditLogPath();
	const page = {...listed, rows: await annotateFromLog(listed.rows, auditLog)};
	const total = await reader.count(filter);
	const staleAfter = source.staleAfterSeconds;
	if (request.format === 'json') {
		// The subscriber tables are each site's own: rows of several sites are not enriched.
		const subscribers = sites
			? {fields: new Map(), simultaneousUse: new Map(), status: null}
			: await subscriberColumns(context, page.rows, page.dbNow);
		// null: nasreload was not read (missing or not readable), so nothing is known either way.
		const reloads = await reader.nasReloads();
		const open = await reader.userOpenCounts(page.rows.flatMap((session) => (session.username ? [session.username] : [])));
		const sessions = page.rows.map((session) => ({
			...toRecord(session, page.dbNow, staleAfter),
			user_open_sessions: session.username ? (open.get(session.username) ?? 0) : null,
			simultaneous_use: subscribers.simultaneousUse.get(session.radacctid) ?? null,
			disconnectedBy: session.disconnectedBy ?? null,
			vendor: vendorField(session.callingstationid),
			subscriber: subscribers.fields.get(session.radacctid) ?? {},
			ghost_candidate: reloads.skipped === null ? isGhostCandidate(session, reloads.byIp.get(session.nasipaddress)) : null,
		}));
		if (subscribers.status) stderr.write(`radtop: ${sanitize(subscribers.status)}\n`);
		stdout.write(jsonForOutput({total: total.total, capped: total.capped, sessions}, stdout.isTTY));
		return;
	}
	if (request.format === 'csv') {
		const records = page.rows.map((session) => toRecord(session, page.dbNow, staleAfter));
		stdout.write(recordsToCsv(records, {sanitizeText: Boolean(stdout.isTTY)}));
		return;
	}
	// "Who had IP X at T": open and closed sessions, each with its whole interval.
	const at = instantAsked(request.search);
	const which = at ? '' : request.status === 'all' ? '' : `${request.status} `;
	const when = at ? ` open at ${formatTimestamp(at, request.utc)}` : '';
	if (at) await warnIfBeforeOldest(source, at, request.utc, stderr);
	const whose = request.concurrent ? ' of users with more than one open session' : '';
	if (page.rows.length === 0) {
		stdout.write(
			request.concurrent ? `no user has more than one open session${matching(request)}\n` : `no ${which}sessions${when} match\n`,
		);
		return;
	}
	const stop = Boolean(at) || request.status === 'closed' || request.status === 'all';
	const table = sessionsTable(page.rows, page.dbNow, {staleAfterSeconds: staleAfter, utc: request.utc, width: stringWidth, stop});
	const shown = request.offset + page.rows.length;
	const of = `${total.total.toLocaleString('en-US')}${total.capped ? '+' : ''}`;
	const noun = total.total === 1 && !total.capped ? 'session' : 'sessions';
	const footer = `${request.offset > 0 ? `${request.offset + 1}-` : ''}${shown} of ${of} ${which}${noun}${whose}${when}`;
	stdout.write(`${fitToWidth(`${table}\n${footer}`, stdout.isTTY ? stdout.columns : undefined)}\n`);
}

/**
 * On a terminal each line is cut to its width, ending in `…` (a wrapped table cannot be read); to a pipe or a
 * file the table is whole. Pure.
 */
export function fitToWidth(text: string, columns: number | undefined): string {
	if (columns === undefined || !Number.isFinite(columns) || columns <= 0) return text;
	return text
		.split('\n')
		.map((line) => truncate(line, columns))
		.join('\n');
}

/** The subscriber columns of these sessions (plan, limits, remaining, billing), one enrichment. */
async function subscriberColumns(
	context: CommandContext,
	rows: readonly Session[],
	now: Date,
): Promise<{fields: Map<string, Record<string, string>>; simultaneousUse: Map<string, number>; status: string | null}> {
	const opened = await openSubscriberEnricher(context.database.pool, billingSettingsOf(context), enricherOptionsOf(context));
	try {
		const enrichment = await opened.enricher.enrich(rows, now);
		const fields = new Map<string, Record<string, string>>();
		const simultaneousUse = new Map<string, number>();
		for (const [id, subscriber] of enrichment.subscribers) {
			fields.set(id, subscriberFields(subscriber, enrichment.billingColumns));
			if (subscriber.context.simultaneousUse !== null) simultaneousUse.set(id, subscriber.context.simultaneousUse);
		}
		return {fields, simultaneousUse, status: enrichment.status};
	} finally {
		await opened.close();
	}
}

/** What else narrowed an empty concurrent listing, in words. */
function matching(request: SessionsRequest): string {
	return request.search || request.nas.length > 0 ? ' among the sessions matching the filters' : '';
}

/** The instant of the search's `at:` term, if it has one. */
function instantAsked(search: string | undefined): Date | undefined {
	const term = parseSearch(search).terms.find((candidate) => candidate.kind === 'time' && candidate.op === 'at' && !candidate.negated);
	return term?.kind === 'time' ? term.instant : undefined;
}

/** radacct may not reach back to T (rows archived or purged): the answer would then be incomplete, and says so. */
async function warnIfBeforeOldest(source: CommandContext['source'], at: Date, utc: boolean, stderr: NodeJS.WritableStream): Promise<void> {
	const oldest = await source.oldestStart();
	if (oldest && at < oldest) {
		stderr.write(
			`radtop: ${formatTimestamp(at, utc)} is before the oldest session in radacct (${formatTimestamp(oldest, utc)}): ` +
				'sessions of that time may have been archived or purged\n',
		);
	}
}
