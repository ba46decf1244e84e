/**
 * `radtop doctor`: checks a setup end to end and says what to fix. The database (reachable, radacct and its
 * columns, the stock indexes, the row counts, VACUUM, the poll's queries timed and explained), then each NAS
 * (a secret, the address it sees us at, its CoA port, the RouterOS API login).
 */
import {doctorExitCode, type CheckResult} from '../doctor/check.js';
import {MeasureInterrupted} from '../doctor/database-facts.js';
import {reportJson, reportLines, summaryLine} from '../doctor/report.js';
import {isTerminal} from '../terminal/json-output.js';
import {openContext} from './context.js';
import {doctorDatabase, type DatabaseDoctorRequest} from './doctor-database.js';
import {doctorSites, sitesToCheck} from './doctor-sites.js';
import {siteFlag} from './sessions.js';
import {integerFlag, parseDurationSeconds, UsageError, type FlagSpec} from './usage.js';

export {scrubDatabaseFacts, scrubNasFacts} from './doctor-database.js';

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
	site: {type: 'string'},
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
With a profile that lists sites: each site in turn, its database, primary, standby and NAS, every check
named after its site (west: database); a site that cannot be reached fails, the others are still checked.

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
  --site NAME            with a profile that lists sites: check this site alone
  --db URL, --read-db URL, --profile NAME, --demo

Examples
  $ radtop doctor
  $ radtop doctor --profile noc --nas bng-2
  $ radtop doctor --no-nas --json | jq '.checks[] | select(.status != "pass")'

Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage error.
`;

type Flags = {[K in keyof typeof DOCTOR_FLAGS]?: unknown};

export interface DoctorRequest extends DatabaseDoctorRequest {
	readonly json: boolean;
	readonly db?: string;
	readonly readDb?: string;
	readonly profile?: string;
	/** `--site NAME`: this site of the profile's sites alone. */
	readonly site?: string;
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
		...siteFlag(flags.site),
		demo: Boolean(flags.demo),
	};
}

export interface DoctorIo {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
	readonly env?: NodeJS.ProcessEnv;
}

/** Runs every check, prints them, and resolves to the exit code (1 when a check failed). */
export async function runDoctor(request: DoctorRequest, io: DoctorIo): Promise<number> {
	const env = io.env ?? process.env;
	const progress = (message: string) => io.stderr.write(`radtop: ${message}\n`);
	// The database alone: a missing or unreadable radacct is one of the things doctor reports.
	const context = await openContext(request, {database: 'connection', demoNetwork: {live: false}, env, progress});
	const all: CheckResult[] = [];
	// The facts are scrubbed of secrets before they become checks (scrubDatabaseFacts, scrubNasFacts).
	const emit = (checks: readonly CheckResult[]) => {
		all.push(...checks);
		if (!request.json && checks.length > 0) io.stdout.write(`${reportLines(checks).join('\n')}\n`);
	};
	try {
		const sites = sitesToCheck(context, request.site);
		if (sites) {
			const {nasFound} = await doctorSites(context, sites, request, {emit, progress, env});
			// A --nas that no site has is what it is with one database: a usage error.
			const unknown = request.nas.find((nas) => !nasFound.includes(nas));
			if (request.checkNas && unknown !== undefined)
				throw new UsageError(`--nas ${unknown}: no site has this NAS (sites: ${sites.map((site) => site.name).join(', ')})`);
		} else {
			await doctorDatabase(context, request, {emit, progress});
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
