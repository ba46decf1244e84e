/**
 * The stale-session sweep as the console uses it: preview (list the stale sessions now, by the rule and with the
 * defaults of `radtop sweep`, and say per NAS how --verify would ask), then execute the previewed listing with
 * or without verification, a reason, a stop signal and progress. The same listing, verification, confirmation
 * rule, close and audit records as the command, through executeSweep; the console never sees a query.
 */
import type {Confirmation} from '../disconnect/confirmation.js';
import type {NasOverride} from '../nas/nas-override.js';
import {loadNasRegistry, type Nas, type NasRegistry} from '../nas/registry.js';
import {formatEndpoint} from '../net/address.js';
import type {SweepAuditSink} from './audit-records.js';
import {executeSweep, listSweep, type SweepRun} from './execute-sweep.js';
import {sweepConfirmation, type StaleSession} from './sweep-plan.js';
import type {TerminateCause} from './sweep-sql.js';
import type {TransactionalDb} from './sweep.js';
import type {RouterOsLookup} from './verify.js';

/** `radtop sweep`'s defaults, which the console's sweep takes as they are. */
export const SWEEP_DEFAULTS = {
	limit: 10_000,
	cause: 'Lost-Carrier' as TerminateCause,
	concurrency: 32,
	timeoutMs: 3000,
	retries: 2,
} as const;

/** The least stale threshold a sweep accepts: under a minute it would call sessions ghosts between two interim updates. */
export const MIN_SWEEP_STALE_AFTER_SECONDS = 60;

/** How --verify would ask a NAS: its RouterOS API, a CoA-Request, or not at all (its sessions are then left open). */
export type VerifyRoute = 'api' | 'coa' | 'none';

/** One NAS of a sweep's preview. */
export interface SweepNasShare {
	readonly ip: string;
	readonly name: string;
	readonly count: number;
	readonly verify: VerifyRoute;
	/** Where --verify would ask it, e.g. `CoA 10.20.0.2:3799`, `API 10.20.0.2:8728`. */
	readonly verifyText: string;
}

/** The stale sessions as radacct has them now, ready to confirm. */
export interface SweepPreview {
	readonly stale: readonly StaleSession[];
	/** More were stale than the listing's limit: a sweep closes the first `stale.length`. */
	readonly capped: boolean;
	readonly staleAfterSeconds: number;
	readonly cause: TerminateCause;
	/** Only these NAS (radacct's nasipaddress); undefined for every NAS. */
	readonly nasIps?: readonly string[];
	/** The NAS the sweep is limited to, by name, for the audit log (as `radtop sweep --nas` records them). */
	readonly nasFilter: readonly string[];
	/** Per NAS, the most stale first. */
	readonly perNas: readonly SweepNasShare[];
	/** With several sites: each site's count, and why a site that could not be read was not (sites-sweep.ts). */
	readonly perSite?: ReadonlyArray<{readonly site: string; readonly count: number; readonly error?: string}>;
	/** What confirming the close of every listed session takes (the rule of `radtop sweep`). */
	readonly confirmation: Confirmation;
	readonly warnings: readonly string[];
	/** The registry the listing was named with; the verification uses it too. */
	readonly registry: NasRegistry;
}

/** How far a sweep is: asking the NAS, or closing in radacct. */
export interface SweepProgress {
	readonly phase: 'verifying' | 'closing';
	readonly done: number;
	readonly total: number;
}

/** Options of one execution. */
export interface SweepExecuteOptions {
	readonly verify: boolean;
	readonly reason?: string;
	/** Stops the asking of the NAS (nothing is closed then); the close's one transaction is never cut short. */
	readonly signal?: AbortSignal;
	readonly onProgress?: (progress: SweepProgress) => void;
}

/** What the console needs of the sweep. */
export interface SweepService {
	/** `site`: only that site's sessions, with several sites (`:site`); one database has no sites and ignores it. */
	preview(nasIps?: readonly string[], site?: string): Promise<SweepPreview>;
	/** Closes the previewed sessions still exactly as listed (after asking their NAS with `verify`). */
	execute(preview: SweepPreview, options: SweepExecuteOptions): Promise<SweepRun>;
}

/** Options of {@link createSweepService}. */
export interface SweepServiceOptions {
	readonly db: TransactionalDb;
	/** radacct's readable columns, probed once by the command. */
	readonly columns?: ReadonlySet<string>;
	/** Per-NAS settings beyond FreeRADIUS's nas table (the profile's, the demo's simulators). */
	readonly overrides?: readonly NasOverride[];
	/** The console's stale threshold (its stale view's); held to {@link MIN_SWEEP_STALE_AFTER_SECONDS}. */
	readonly staleAfterSeconds: number;
	/** Sessions above which the count must be typed (the profile's confirm-typed-above). */
	readonly typedAbove?: number;
	readonly audit: SweepAuditSink;
	/** RouterOS lookups for verify; default the real API client. */
	readonly routerOs?: RouterOsLookup;
	/** CoA wait before a retransmission (and each API connect and lookup); default `radtop sweep`'s. */
	readonly timeoutMs?: number;
	readonly retries?: number;
	readonly limit?: number;
}

/** How verify would ask this NAS, as verify.ts does: the API when it has credentials, else CoA with a secret. */
export function verifyRoute(nas: Nas): {route: VerifyRoute; text: string} {
	if (nas.api)
		return {route: 'api', text: `API ${formatEndpoint(nas.api.host, nas.api.port)}${nas.secret === undefined ? '' : ', then CoA'}`};
	if (nas.secret !== undefined) return {route: 'coa', text: `CoA ${formatEndpoint(nas.coaHost, nas.coaPort)}`};
	return {route: 'none', text: 'no secret or API credentials: verify leaves its sessions open'};
}

/** The listed sessions per NAS, the most first (then by name). Pure. */
export function sharesOf(stale: readonly StaleSession[], registry: NasRegistry): SweepNasShare[] {
	const counts = new Map<string, number>();
	for (const entry of stale) counts.set(entry.session.nasipaddress, (counts.get(entry.session.nasipaddress) ?? 0) + 1);
	return [...counts]
		.map(([ip, count]) => {
			const nas = registry.get(ip);
			const {route, text} = verifyRoute(nas);
			return {ip, name: nas.name, count, verify: route, verifyText: text};
		})
		.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

export function createSweepService(options: SweepServiceOptions): SweepService {
	const limit = options.limit ?? SWEEP_DEFAULTS.limit;
	return {
		async preview(nasIps) {
			if (options.staleAfterSeconds < MIN_SWEEP_STALE_AFTER_SECONDS) {
				throw new Error(
					`the stale threshold is ${options.staleAfterSeconds}s; a sweep needs at least ${MIN_SWEEP_STALE_AFTER_SECONDS}s (start radtop with --stale-after 1m or more)`,
				);
			}
			// Read the nas table for every new preview: a secret added a minute ago should count for verify.
			const registry = await loadNasRegistry(options.db, options.overrides ?? []);
			const ips = nasIps && nasIps.length > 0 ? nasIps : undefined;
			const {stale, capped} = await listSweep(
				{staleAfterSeconds: options.staleAfterSeconds, nasIps: ips, limit},
				{db: options.db, registry, ...(options.columns ? {columns: options.columns} : {})},
			);
			return {
				stale,
				capped,
				staleAfterSeconds: options.staleAfterSeconds,
				cause: SWEEP_DEFAULTS.cause,
				...(ips ? {nasIps: ips} : {}),
				nasFilter: ips ? ips.map((ip) => registry.get(ip).name) : [],
				perNas: sharesOf(stale, registry),
				confirmation: sweepConfirmation(stale.length, options.typedAbove),
				warnings: registry.warnings,
				registry,
			};
		},
		execute(preview, run) {
			// The asking is said from its start, not from its first answer.
			if (run.verify) run.onProgress?.({phase: 'verifying', done: 0, total: preview.stale.length});
			return executeSweep(
				{
					nas: preview.nasFilter,
					...(preview.nasIps ? {nasIps: preview.nasIps} : {}),
					staleAfterSeconds: preview.staleAfterSeconds,
					limit,
					apply: true,
					verify: run.verify,
					cause: preview.cause,
					...(run.reason ? {reason: run.reason} : {}),
					concurrency: SWEEP_DEFAULTS.concurrency,
					timeoutMs: options.timeoutMs ?? SWEEP_DEFAULTS.timeoutMs,
					retries: options.retries ?? SWEEP_DEFAULTS.retries,
					listed: {stale: preview.stale, capped: preview.capped},
				},
				{
					db: options.db,
					registry: preview.registry,
					audit: options.audit,
					...(options.columns ? {columns: options.columns} : {}),
					...(options.routerOs ? {routerOs: options.routerOs} : {}),
				},
				{
					// The preview was confirmed for every listed session: verify only ever closes fewer.
					...(run.signal ? {signal: run.signal} : {}),
					onVerifyProgress: (done, total) => run.onProgress?.({phase: 'verifying', done, total}),
					onClose: (count) => run.onProgress?.({phase: 'closing', done: 0, total: count}),
				},
			);
		},
	};
}
