/**
 * doctor's checks of one database and the NAS behind it: the database (reachable, radacct, indexes, timings),
 * its primary and standby, the subscriber tables, nasreload, the regions, then each NAS. `radtop doctor` runs
 * them once, or once per site of a profile that lists sites (doctor-sites.ts).
 */
import {scrubSecrets} from '../config/secrets.js';
import {type Database} from '../db/connect.js';
import {result, type CheckResult} from '../doctor/check.js';
import {databaseChecks, type DatabaseFacts} from '../doctor/database-checks.js';
import {gatherDatabaseFacts} from '../doctor/database-facts.js';
import {nasChecks, type NasFacts} from '../doctor/nas-checks.js';
import {gatherNasFacts} from '../doctor/nas-facts.js';
import {nasReloadChecks} from '../doctor/nas-reload-checks.js';
import {regionChecks} from '../doctor/region-checks.js';
import {loadNasReloads} from '../db/nas-reload-table.js';
import {toNumber} from '../db/queryable.js';
import {loadNasRegistry, NasRegistry, type Nas} from '../nas/registry.js';
import {UnknownNasError} from '../sessions/nas-directory.js';
import {OPEN_COUNTS_QUERY} from '../sessions/radacct-sql.js';
import {knownNas} from '../sessions/regions.js';
import {DEFAULT_STALE_AFTER_SECONDS} from '../sessions/session-math.js';
import type {ConnectionContext} from './context.js';
import {replicaDoctorChecks, withoutWrites} from './doctor-replica.js';
import {billingSettingsOf, subscriberDoctorChecks} from './subscriber-settings.js';

/** What the checks of one database are run with (doctor's flags). */
export interface DatabaseDoctorRequest {
	/** NAS names or IPs to check; empty: every NAS. */
	readonly nas: readonly string[];
	readonly checkNas: boolean;
	readonly measure: boolean;
	readonly runs: number;
	readonly timeoutMs: number;
	readonly concurrency: number;
	readonly staleAfterSeconds?: number | undefined;
}

export interface DatabaseDoctorOptions {
	/** Called with each group of checks as soon as it is made (printed at once, scrubbed of secrets already). */
	readonly emit: (checks: readonly CheckResult[]) => void;
	readonly progress: (message: string) => void;
	/**
	 * One site of several: a --nas this site does not have is left out here (another site may have it) instead
	 * of being a usage error; the values it did know are returned.
	 */
	readonly oneOfSites?: boolean;
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

/**
 * The NAS to check: those asked for, else every NAS the nas table or the config names or radacct has open sessions
 * on; and the --nas values found. `lenient`: a value this registry does not know is left out, not an error.
 */
function nasToCheck(
	registry: NasRegistry,
	request: DatabaseDoctorRequest,
	open: ReadonlyMap<string, number> | undefined,
	lenient: boolean,
): {list: Nas[]; found: string[]} {
	const found: string[] = [];
	const resolve = (nas: string): string[] => {
		try {
			// One site of several: an address is this site's NAS only if it knows it or has sessions open on it.
			const ips = registry.resolve(nas).filter((ip) => !lenient || registry.knows(ip) || open?.has(ip) === true);
			if (ips.length > 0) found.push(nas);
			return ips;
		} catch (error) {
			if (lenient && error instanceof UnknownNasError) return [];
			throw error;
		}
	};
	const ips =
		request.nas.length > 0 ? request.nas.flatMap(resolve) : [...registry.entries().map((nas) => nas.ip), ...(open?.keys() ?? [])];
	const unique = [...new Set(ips)].map((ip) => registry.get(ip));
	return {list: unique.sort((a, b) => a.name.localeCompare(b.name) || a.ip.localeCompare(b.ip)), found};
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

/**
 * Runs the checks of the context's database and its NAS, handing each group to `emit`; resolves to the --nas
 * values this database's NAS registry knew. Throws MeasureInterrupted when --measure is interrupted.
 */
export async function doctorDatabase(
	context: ConnectionContext,
	request: DatabaseDoctorRequest,
	options: DatabaseDoctorOptions,
): Promise<{readonly nasFound: readonly string[]}> {
	const {emit, progress} = options;
	let secrets: readonly string[] = context.secrets;
	const facts = await gatherDatabaseFacts(context.database.pool, {
		label: context.database.label,
		runs: request.runs,
		staleAfterSeconds: request.staleAfterSeconds ?? context.profile.staleAfter ?? DEFAULT_STALE_AFTER_SECONDS,
		measure: request.measure,
		onProgress: request.measure ? progress : undefined,
	});
	let list: Nas[] = [];
	let found: string[] = [];
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
		({list, found} = nasToCheck(registry, request, open, options.oneOfSites ?? false));
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

	if (!request.checkNas) return {nasFound: found};
	if (list.length === 0) {
		// A site that has none of the NAS asked for has nothing to say about them.
		if (request.nas.length > 0) return {nasFound: found};
		emit([
			result(
				'nas',
				'warn',
				"no NAS in the nas table, in radtop's config, or with open sessions: nothing to check",
				"add the NAS to FreeRADIUS's nas table, or to radtop's config: radtop nas add IP --secret-stdin",
			),
		]);
		return {nasFound: found};
	}
	const nasFacts = await gatherNasFacts(list, {openSessions: open, timeoutMs: request.timeoutMs, concurrency: request.concurrency});
	emit(nasFacts.flatMap((entry) => nasChecks(scrubNasFacts(entry, secrets))));
	return {nasFound: found};
}
