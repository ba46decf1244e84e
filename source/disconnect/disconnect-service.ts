/**
 * The disconnect engine as the console uses it: preview a target (read it from radacct now and plan it against
 * the NAS registry, with the profile's NAS restriction), then execute the previewed plan with a reason, a stop
 * signal and progress. The console's keys and views never see a socket, a query or the audit log.
 */
import type {Queryable} from '../db/queryable.js';
import type {NasOverride} from '../nas/nas-override.js';
import type {RegionSql} from '../sessions/regions.js';
import {loadNasRegistry, type NasRegistry} from '../nas/registry.js';
import type {CoaClient} from '../radius/coa-client.js';
import type {RouterOsConnect} from '../routeros/active-sessions.js';
import type {DisconnectAuditSink} from './audit-records.js';
import {confirmationFor, type Confirmation} from './confirmation.js';
import {executeDisconnect, type DisconnectOptions} from './executor.js';
import {planDisconnect, type DisconnectMethod, type DisconnectTarget, type Plan} from './plan.js';
import {countRecovery, type RecoveryCount, type RecoveryTarget} from './recovery.js';
import type {DisconnectProgress, DisconnectResult} from './result.js';
import {readTargets} from './targets.js';

/** A target as radacct has it now, planned and ready to confirm. */
export interface DisconnectPreview {
	readonly plan: Plan;
	/** radacctids asked for that radacct does not have. */
	readonly missing: readonly string[];
	readonly confirmation: Confirmation;
	/** Things the operator should know, e.g. an allowed NAS the registry does not know. */
	readonly warnings: readonly string[];
	/** The registry the plan was made with; the execution uses it too. */
	readonly registry: NasRegistry;
	/** Over several sites: those whose share could not be read (`site: why`), not in this disconnect. */
	readonly unread?: readonly string[];
}

/** Options of one execution. */
export interface ExecuteOptions {
	readonly reason?: string;
	readonly signal?: AbortSignal;
	readonly onProgress?: (progress: DisconnectProgress) => void;
	/** Plan and audit, send nothing (executor-options.ts `dryRun`). */
	readonly dryRun?: boolean;
	/** A NAS another radtop is disconnecting: wait for it (executor-options.ts `waitForClaimedNas`). */
	readonly waitForClaimedNas?: boolean;
	readonly onClaimWait?: DisconnectOptions['onClaimWait'];
	/** Requests started per second, all NAS together, for this run (in place of the service's `ratePerSecond`). */
	readonly ratePerSecond?: number;
}

/** What the console needs of the disconnect engine. */
export interface DisconnectService {
	/** `registry`: the one an earlier preview loaded, when only the sessions are to be read again. */
	preview(target: DisconnectTarget, registry?: NasRegistry): Promise<DisconnectPreview>;
	/** Sends the previewed plan (its sessions are read again first). Rejects only before anything is sent. */
	execute(preview: DisconnectPreview, options?: ExecuteOptions): Promise<DisconnectResult>;
	/** How many of a finished run's users are back online (recovery.ts); absent: the console does not follow it. */
	recovery?(target: RecoveryTarget): Promise<RecoveryCount>;
}

/** Options of {@link createDisconnectService}. */
export interface DisconnectServiceOptions {
	readonly db: Queryable;
	/** radacct's readable columns, probed once by the command; default: asked here. */
	readonly columns?: ReadonlySet<string>;
	/** Per-NAS settings beyond FreeRADIUS's nas table (the profile's, the demo's simulators). */
	readonly overrides?: readonly NasOverride[];
	/** NAS names or IPs the operator may disconnect on; absent means every NAS. */
	readonly allowedNas?: readonly string[];
	/** Sessions above which the count must be typed. Default 50. */
	readonly typedAbove?: number;
	readonly audit: DisconnectAuditSink;
	/** Owned by the caller. */
	readonly coaClient: Pick<CoaClient, 'send'>;
	readonly routerOsConnect?: RouterOsConnect;
	/** Default `auto`. */
	readonly method?: DisconnectMethod;
	/** Requests started per second, all NAS together; undefined for no cap. */
	readonly ratePerSecond?: number;
	/** Requests started per second on any one NAS; undefined for no cap. */
	readonly ratePerNas?: number;
	/** Requests in flight at once on any one NAS. */
	readonly concurrencyPerNas?: number;
	/** How long to watch for each Accounting-Stop. Default 10000. */
	readonly confirmStopWithinMs?: number;
	readonly confirmPollMs?: number;
	readonly progressIntervalMs?: number;
	/** The NAS of a filter's `region:` term (the session source's). */
	readonly regionNas?: (region: string) => RegionSql;
	/** Where the run was asked from, for the audit record. Default `console`. */
	readonly via?: 'console' | 'command line';
}

/** Sessions one console action may cover; a wider one is refused with a hint to narrow it. */
export const CONSOLE_TARGET_CAP = 100_000;

/** The IPs of a profile's `allowedNas` (names or IPs); a name the registry does not know allows nothing, and says so. */
export function resolveAllowedNas(registry: NasRegistry, names: readonly string[]): {ips: string[]; warnings: string[]} {
	const ips: string[] = [];
	const warnings: string[] = [];
	for (const nas of names) {
		try {
			ips.push(...registry.resolve(nas));
		} catch {
			warnings.push(`the profile allows NAS "${nas}", which is neither an IP nor a known NAS name`);
		}
	}
	return {ips, warnings};
}

/** What {@link planTarget} needs besides the target. */
export interface PlanTargetOptions {
	readonly method: DisconnectMethod;
	/** The profile's `allowedNas` (names or IPs); absent means every NAS. */
	readonly allowedNas?: readonly string[];
	readonly columns?: ReadonlySet<string>;
	readonly cap?: number;
	/** The NAS of a filter's `region:` term. */
	readonly regionNas?: (region: string) => RegionSql;
}

/**
 * The target's sessions read from radacct and planned per NAS, the profile's NAS restriction applied: what the
 * console's preview and `radtop disconnect` both show before anything is sent.
 */
export async function planTarget(
	db: Queryable,
	registry: NasRegistry,
	target: DisconnectTarget,
	options: PlanTargetOptions,
): Promise<{plan: Plan; missing: readonly string[]; warnings: string[]}> {
	const allowed = options.allowedNas === undefined ? undefined : resolveAllowedNas(registry, options.allowedNas);
	const {sessions, missing} = await readTargets(db, target, {
		nameOf: (ip) => registry.directory.nameOf(ip),
		nasIps: (nas) => registry.resolve(nas),
		...(options.regionNas ? {regionNas: options.regionNas} : {}),
		...(options.cap === undefined ? {} : {cap: options.cap}),
		...(options.columns ? {columns: options.columns} : {}),
	});
	const allowedNas = allowed?.ips;
	const plan = planDisconnect(sessions, registry, {method: options.method, ...(allowedNas === undefined ? {} : {allowedNas})}, target);
	return {plan, missing, warnings: [...registry.warnings, ...(allowed?.warnings ?? [])]};
}

export function createDisconnectService(options: DisconnectServiceOptions): DisconnectService {
	const method = options.method ?? 'auto';
	return {
		async preview(target, known) {
			// Read the nas table for every new preview: a secret added a minute ago should count.
			const registry = known ?? (await loadNasRegistry(options.db, options.overrides ?? []));
			const {plan, missing, warnings} = await planTarget(options.db, registry, target, {
				method,
				cap: CONSOLE_TARGET_CAP,
				...(options.allowedNas === undefined ? {} : {allowedNas: options.allowedNas}),
				...(options.columns ? {columns: options.columns} : {}),
				...(options.regionNas ? {regionNas: options.regionNas} : {}),
			});
			const confirmation = confirmationFor(plan, options.typedAbove === undefined ? {} : {typedAbove: options.typedAbove});
			return {plan, missing, confirmation, warnings, registry};
		},
		execute(preview, run = {}) {
			return executeDisconnect(
				preview.plan,
				{
					db: options.db,
					registry: preview.registry,
					...(options.columns ? {columns: options.columns} : {}),
					coaClient: options.coaClient,
					audit: options.audit,
					...(options.routerOsConnect === undefined ? {} : {routerOsConnect: options.routerOsConnect}),
				},
				{
					via: options.via ?? 'console',
					...(run.reason === undefined ? {} : {reason: run.reason}),
					...(run.signal === undefined ? {} : {signal: run.signal}),
					...(run.onProgress === undefined ? {} : {onProgress: run.onProgress}),
					...(run.dryRun ? {dryRun: true} : {}),
					...(run.waitForClaimedNas ? {waitForClaimedNas: true} : {}),
					...(run.onClaimWait === undefined ? {} : {onClaimWait: run.onClaimWait}),
					...((run.ratePerSecond ?? options.ratePerSecond) === undefined
						? {}
						: {ratePerSecond: run.ratePerSecond ?? options.ratePerSecond}),
					...(options.ratePerNas === undefined ? {} : {ratePerNas: options.ratePerNas}),
					...(options.concurrencyPerNas === undefined ? {} : {concurrencyPerNas: options.concurrencyPerNas}),
					...(options.confirmStopWithinMs === undefined ? {} : {confirmStopWithinMs: options.confirmStopWithinMs}),
					...(options.confirmPollMs === undefined ? {} : {confirmPollMs: options.confirmPollMs}),
					progressIntervalMs: options.progressIntervalMs ?? 200,
					cap: CONSOLE_TARGET_CAP,
				},
			);
		},
		recovery: (target) => countRecovery(options.db, target),
	};
}
