/**
 * `radtop doctor`: checks a setup end to end and says what to fix. The database (reachable, radacct and its
 * columns, the stock indexes, the row counts, VACUUM, the poll's queries timed and explained), then each NAS
 * (a secret, the address it sees us at, its CoA port, the RouterOS API login).
 */
import {scrubSecrets} from '../config/secrets.js';
import {type Database} from '../db/connect.js';
import {doctorExitCode, result, type CheckResult} from '../doctor/check.js';
import {databaseChecks, type DatabaseFacts} from '../doctor/database-checks.js';
import {billingSettingsOf, subscriberDoctorChecks} from './subscriber-settings.js';
import {gatherDatabaseFacts, MeasureInterrupted} from '../doctor/database-facts.js';
import {nasChecks, type NasFacts} from '../doctor/nas-checks.js';
import {regionChecks} from '../doctor/region-checks.js';
import {knownNas} from '../sessions/regions.js';
import {gatherNasFacts} from '../doctor/nas-facts.js';
import {nasReloadChecks} from '../doctor/nas-reload-checks.js';
import {replicaDoctorChecks, withoutWrites} from './doctor-replica.js';
import {loadNasReloads} from '../db/nas-reload-table.js';
import {reportJson, reportLines, summaryLine} from '../doctor/report.js';
import {openContext} from './context.js';
import {isTerminal} from '../terminal/json-output.js';
import {loadNasRegistry, NasRegistry, type Nas} from '../nas/registry.js';
import {OPEN_COUNTS_QUERY} from '../sessions/radacct-sql.js';
import {DEFAULT_STALE_AFTER_SECONDS} from '../sessions/session-math.js';
import {toNumber} from '../db/queryable.js';
import {integerFlag, parseDurationSeconds, UsageError, type FlagSpec} from './usage.js';

export const DOCTOR_FLAGS = {
	nas: {type: 'string', isMultiple: true},
	noNas: {type: 'boolean'},
	measure: {type: 'boolean'},
	runs: {type: 'string', default: '5'},
	timeout: {type: 'string', default: '2000'},
	concurrency: {type: 'string', default: '8'},
	staleAfter: {type: 'string'},
	json: {type: 'boolean'},
	db: {type: 'string'},
	readDb: {type: 'string'},
	profile: {type: 'string'},
	demo: {type: 'boolean'},
} as const satisfies Record<string, FlagSpec>;

export const DOCTOR_HELP = `
Usage
  $ radtop doctor [flags]

Checks a radtop setup and prints one line per check, pass, warn or fail, with the fix under each warn
and fail.

Database: reachable; radacct with FreeRADIUS's columns; nasreload (NAS reboots: why it is skipped when
missing or not readable); whether the role may write what sweep --apply
writes (UPDATE on acctstoptime, acctupdatetime, acctsessiontime, acctterminatecause; not read-only, not a
standby); the stock indexes the poll relies on (matched by definition, whatever their names); row counts (pg_class's estimate on a big table) and open sessions;
VACUUM keeping up; the poll's own queries run a few times (median) and EXPLAINed, with the index that
would help a slow one and the gain measured on 5,000,000 rows.
With a read database (read-database, --read-db): the primary and the standby, each reachable and in
recovery or not, the replication lag against the poll interval, and the same cluster (pg_control_system()).
Each NAS (from the nas table, the config, and radacct's open sessions): a secret is known; the address
the NAS sees radtop come from; its CoA port answers a Disconnect-Request for a session that cannot exist
(a NAK signed with our secret is the good answer); the RouterOS API login works.

Flags
  --nas NAME|IP          check only this NAS (repeat for several)
  --no-nas               skip the NAS checks
  --measure              for a slow query, build the suggested index inside a transaction, time the query
                         with it, and roll back. CREATE INDEX holds a SHARE lock on radacct until the
                         rollback: FreeRADIUS's accounting writes wait meanwhile (seconds to minutes on a
                         big table). The build is cancelled after 60 s, and on Ctrl-C. Needs the table
                         owner's rights. Use it on a copy or a quiet hour.
  --runs N               timed runs of each query (default 5, after one warm-up)
  --timeout MS           wait this long for a CoA reply (one retransmission) and an API login (default 2000)
  --concurrency N        NAS checked at the same time (default 8)
  --stale-after DURATION stale threshold the stale count is timed with (default 30m)
  --json                 the checks as JSON: {"checks": [{check, status, detail, fix}], "summary"}
  --db URL, --read-db URL, --profile NAME, --demo

Examples
  $ radtop doctor
  $ radtop doctor --profile noc --nas bng-2
  $ radtop doctor --no-nas --json | jq '.checks[] | select(.status != "pass")'

Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage error.
`;

type Flags = {[K in keyof typeof DOCTOR_FLAGS]?: unknown};

export interface DoctorRequest {
	/** NAS names or IPs to check; empty: every NAS. */
	readonly nas: readonly string[];
	readonly checkNas: boolean;
	readonly measure: boolean;
	readonly runs: number;
	readonly timeoutMs: number;
	readonly concurrency: number;
	readonly staleAfterSeconds?: number;
	readonly json: boolean;
	readonly db?: string;
	readonly readDb?: string;
	readonly profile?: string;
	readonly demo: boolean;
}

/** Validates the flags (pure). meow hands `--no-nas` over as a `false` among the --nas values. */
export function parseDoctorFlags(flags: Flags): DoctorRequest {
	const values = Array.isArray(flags.nas) ? flags.nas : flags.nas === undefined ? [] : [flags.nas];
	const skip = Boolean(flags.noNas) || values.includes(false);
	const nas = values.filter((value): value is string => typeof value === 'string');
	if (skip && nas.length > 0) throw new UsageError('--nas and --no-nas contradict each other');
	if (nas.some((value) => value.trim() === '')) throw new UsageError('--nas needs a NAS name or IP');
	return {
		nas,
		checkNas: !skip,
		measure: Boolean(flags.measure),
		runs: integerFlag(flags.runs ?? '5', 'runs', 1, 100),
		timeoutMs: integerFlag(flags.timeout ?? '2000', 'timeout', 50, 60_000),
		concurrency: integerFlag(flags.concurrency ?? '8', 'concurrency', 1, 64),
		staleAfterSeconds: typeof flags.staleAfter === 'string' ? parseDurationSeconds(flags.staleAfter, 'stale-after', 1) : undefined,
		json: Boolean(flags.json),
		db: typeof flags.db === 'string' ? flags.db : undefined,
		readDb: typeof flags.readDb === 'string' ? flags.readDb : undefined,
		profile: typeof flags.profile === 'string' ? flags.profile : undefined,
		demo: Boolean(flags.demo),
	};
}

export interface DoctorIo {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
	readonly env?: NodeJS.ProcessEnv;
}

/** Open sessions per NAS IP, or undefined when radacct cannot be read. */
async function openSessionsPerNas(database: Database): Promise<Map<string, number> | undefined> {
	try {
		const {rows} = await database.pool.query(OPEN_COUNTS_QUERY.text, [...OPEN_COUNTS_QUERY.values]);
		return new Map(rows.map((row: Record<string, unknown>) => [String(row['nasipaddress']), toNumber(row['sessions']) ?? 0]));
	} catch {
		return undefined;
	}
}

/** The NAS to check: those asked for, else every NAS the nas table or the config names or radacct has open sessions on. */
function nasToCheck(registry: NasRegistry, request: DoctorRequest, open: ReadonlyMap<string, number> | undefined): Nas[] {
	const ips =
		request.nas.length > 0
			? request.nas.flatMap((nas) => registry.resolve(nas))
			: [...registry.entries().map((nas) => nas.ip), ...(open?.keys() ?? [])];
	const unique = [...new Set(ips)].map((ip) => registry.get(ip));
	return unique.sort((a, b) => a.name.localeCompare(b.name) || a.ip.localeCompare(b.ip));
}

/**
 * The facts with every text that came from outside radtop (the server's and the OS's error messages) scrubbed of
 * the known secrets. radtop's own wording is left alone: a short secret such as `secret` would otherwise be
 * starred out of it, and show where it is.
 */
export function scrubDatabaseFacts(facts: DatabaseFacts, secrets: readonly string[]): DatabaseFacts {
	const scrub = (text: string) => scrubSecrets(text, secrets);
	return {
		...facts,
		server: 'error' in facts.server ? {error: scrub(facts.server.error)} : facts.server,
		failures: facts.failures.map((failure) => ({...failure, error: scrub(failure.error)})),
		setupFailures: facts.setupFailures.map((failure) => ({...failure, error: scrub(failure.error)})),
		measurements: facts.measurements.map((measurement) =>
			measurement.error === undefined ? measurement : {...measurement, error: scrub(measurement.error)},
		),
	};
}

/** The same for a NAS: its replies, the route lookup's and the API login's errors. */
export function scrubNasFacts(facts: NasFacts, secrets: readonly string[]): NasFacts {
	const scrub = (text: string) => scrubSecrets(text, secrets);
	const {source, coa, api} = facts;
	return {
		...facts,
		...(source && 'error' in source ? {source: {error: scrub(source.error)}} : {}),
		...(coa?.kind === 'error'
			? {coa: {...coa, message: scrub(coa.message)}}
			: coa?.kind === 'other-source'
				? {coa: {...coa, from: scrub(coa.from)}}
				: {}),
		...(api && !api.ok ? {api: {ok: false, message: scrub(api.message)}} : {}),
	};
}

/** Runs every check, prints them, and resolves to the exit code (1 when a check failed). */
export async function runDoctor(request: DoctorRequest, io: DoctorIo): Promise<number> {
	const env = io.env ?? process.env;
	const progress = (message: string) => io.stderr.write(`radtop: ${message}\n`);
	// The database alone: a missing or unreadable radacct is one of the things doctor reports.
	const context = await openContext(request, {database: 'connection', demoNetwork: {live: false}, env, progress});
	const all: CheckResult[] = [];
	let secrets: readonly string[] = context.secrets;
	// The facts are scrubbed of secrets before they become checks (scrubDatabaseFacts, scrubNasFacts).
	const emit = (checks: readonly CheckResult[]) => {
		all.push(...checks);
		if (!request.json && checks.length > 0) io.stdout.write(`${reportLines(checks).join('\n')}\n`);
	};
	try {
		const facts = await gatherDatabaseFacts(context.database.pool, {
			label: context.database.label,
			runs: request.runs,
			staleAfterSeconds: request.staleAfterSeconds ?? context.profile.staleAfter ?? DEFAULT_STALE_AFTER_SECONDS,
			measure: request.measure,
			onProgress: request.measure ? progress : undefined,
		});
		let list: Nas[] = [];
		let open: Map<string, number> | undefined;
		let nameOf = (ip: string): string => ip;
		let regions: CheckResult[] = [];
		if (request.checkNas) {
			const reachable = !('error' in facts.server);
			const overrides = context.nasOverrides;
			let registry = NasRegistry.from([], overrides);
			if (reachable) {
				try {
					registry = await loadNasRegistry(context.database.pool, overrides);
				} catch {
					// The nas table check says what is wrong with it; the config's NAS still get checked.
				}
			}
			secrets = [...new Set([...secrets, ...registry.secrets()])];
			const known = registry;
			nameOf = (ip) => known.get(ip).name;
			// Without the row counts (radacct locked, most likely) the open sessions would wait out the timeout too.
			open = reachable && facts.canSelect && facts.rows !== undefined ? await openSessionsPerNas(context.database) : undefined;
			// Before anything is printed: an unknown --nas is a usage error.
			list = nasToCheck(registry, request, open);
			const named = registry.entries().map((nas) => ({ip: nas.ip, name: nas.nameSource === 'ip' ? null : nas.name}));
			regions = regionChecks(context.profile.regions, knownNas(named, [...(open?.keys() ?? [])]));
		}
		// With a read database, what sweep --apply needs is checked on the primary, beside the standby's role and lag.
		const replica = await replicaDoctorChecks(context, secrets, 'error' in facts.server ? facts.server.error : undefined);
		emit(databaseChecks(scrubDatabaseFacts(context.primary === context.database ? facts : withoutWrites(facts), secrets)));
		emit(replica);
		if (!('error' in facts.server)) {
			emit(await subscriberDoctorChecks(context.database.pool, billingSettingsOf(context), secrets));
			const reloads = await loadNasReloads(context.database.pool);
			const skipped = reloads.skipped === null ? null : scrubSecrets(reloads.skipped, secrets);
			emit(nasReloadChecks({...reloads, skipped}, nameOf));
		}
		emit(regions);

		if (request.checkNas) {
			if (list.length === 0) {
				emit([
					result(
						'nas',
						'warn',
						"no NAS in the nas table, in radtop's config, or with open sessions: nothing to check",
						"add the NAS to FreeRADIUS's nas table, or to radtop's config: radtop nas add IP --secret-stdin",
					),
				]);
			} else {
				const nasFacts = await gatherNasFacts(list, {
					openSessions: open,
					timeoutMs: request.timeoutMs,
					concurrency: request.concurrency,
				});
				emit(nasFacts.flatMap((entry) => nasChecks(scrubNasFacts(entry, secrets))));
			}
		}
	} catch (error) {
		if (!(error instanceof MeasureInterrupted)) throw error;
		io.stderr.write(`radtop: ${error.message}\n`);
		return error.signal === 'SIGINT' ? 130 : 143;
	} finally {
		await context.close();
	}
	if (request.json) io.stdout.write(reportJson(all, isTerminal(io.stdout)));
	else io.stdout.write(`${summaryLine(all)}\n`);
	return doctorExitCode(all);
}
