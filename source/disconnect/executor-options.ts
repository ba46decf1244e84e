/** What the disconnect executor talks to and how it runs: all injectable for tests. */
import type {Operator} from '../audit/audit-log.js';
import type {Profile} from '../config/profile.js';
import type {Queryable} from '../db/queryable.js';
import type {NasRegistry} from '../nas/registry.js';
import type {CoaClient} from '../radius/coa-client.js';
import type {RouterOsConnect} from '../routeros/active-sessions.js';
import type {DisconnectAuditSink} from './audit-records.js';
import type {ClaimNas} from './nas-claims.js';
import type {DisconnectMethod} from './plan.js';
import type {DisconnectProgress} from './result.js';
import type {BucketClock} from './token-bucket.js';

/** What the executor talks to; all injectable for tests. */
export interface DisconnectDeps {
	readonly db: Queryable;
	/** radacct's readable columns, probed once by the command; default: asked here. */
	readonly columns?: ReadonlySet<string>;
	readonly registry: NasRegistry;
	/** Owned by the caller (not closed here). */
	readonly coaClient: Pick<CoaClient, 'send'>;
	/** Default RouterOsClient.connect. */
	readonly routerOsConnect?: RouterOsConnect;
	readonly audit: DisconnectAuditSink;
}

/** Requests in flight per NAS when nothing says otherwise. */
export const DEFAULT_IN_FLIGHT_PER_NAS = 32;

/** Requests in flight and a second per NAS: those asked for (a command's flags), else the profile's (`0` a second: no cap), else 32 and no cap. */
export function pacingOf(
	request: {readonly concurrency?: number | undefined; readonly ratePerNas?: number | undefined},
	profile: Pick<Profile, 'disconnectInFlightPerNas' | 'disconnectRatePerNas'>,
): {readonly concurrencyPerNas: number; readonly ratePerNas?: number} {
	const rate = request.ratePerNas ?? profile.disconnectRatePerNas ?? 0;
	return {
		concurrencyPerNas: request.concurrency ?? profile.disconnectInFlightPerNas ?? DEFAULT_IN_FLIGHT_PER_NAS,
		...(rate > 0 ? {ratePerNas: rate} : {}),
	};
}

/** Options of {@link executeDisconnect}. */
export interface DisconnectOptions {
	/** Default: the plan's method, else `auto`. */
	readonly method?: DisconnectMethod;
	/** NAS IPs the action may touch; default: the plan's, else all. */
	readonly allowedNas?: readonly string[];
	/** The operator's reason, for the audit log. */
	readonly reason?: string;
	/** Where the operator asked for it, for the audit log: the console or `radtop disconnect`. */
	readonly via?: 'console' | 'command line';
	/** Plan and audit, send nothing: every session ends `not_sent`. */
	readonly dryRun?: boolean;
	/** Requests in flight per NAS. Default 32. */
	readonly concurrencyPerNas?: number;
	/** Requests started per second, all NAS together (CoA retransmissions not counted). Default: no cap. */
	readonly ratePerSecond?: number;
	/**
	 * Requests started per second on any one NAS (CoA retransmissions not counted), beside `ratePerSecond`: the NAS
	 * take turns at the overall rate, each within its own. Default: no cap.
	 */
	readonly ratePerNas?: number;
	/** The clock the rate caps pace by. Default the system's. */
	readonly rateClock?: BucketClock;
	/** Stops starting new requests; those in flight finish, the rest end `not_sent`. The stop watch ends too. */
	readonly signal?: AbortSignal;
	/** How long to watch radacct for each disconnected session's stop; 0 turns the watch off. Default 10000. */
	readonly confirmStopWithinMs?: number;
	/** Time between stop-watch queries. Default 1000. */
	readonly confirmPollMs?: number;
	readonly onProgress?: (progress: DisconnectProgress) => void;
	/** At most one progress event per this many ms (the last one always comes). Default 100. */
	readonly progressIntervalMs?: number;
	/** The most sessions one action may cover. Default 100,000. */
	readonly cap?: number;
	/**
	 * A NAS another radtop is disconnecting (nas-claims.ts): wait until it is done, trying every second; default:
	 * send nothing to it, its sessions end `not_sent` with who holds it.
	 */
	readonly waitForClaimedNas?: boolean;
	/** Called while waiting for a claimed NAS, at every try: e.g. `bng-2 is being disconnected by noc-anna (pid 4242, 38 s ago)`. */
	readonly onClaimWait?: (nas: ClaimNas, message: string) => void;
	/** RouterOS API connect and command timeout. Default 5000. */
	readonly apiTimeoutMs?: number;
	/** Default: this process's user and SSH client. */
	readonly operator?: Operator;
	/** Sessions per progress record in the audit log (requests sent, outcomes). Default 100. */
	readonly auditBatchSize?: number;
	/** The longest a session's news waits for its progress record. Default 1000 ms. */
	readonly auditBatchMs?: number;
}

/** The audit log could not be written before sending: nothing was sent. */
export class AuditError extends Error {
	override name = 'AuditError';
}
