/**
 * The shapes of a simulated NAS (see nas-simulator.ts): its configuration, faults, counters and sessions, and the
 * context its CoA and RouterOS API listeners work through.
 */
import type {DemoNas, NasVendor} from './network.js';

/** The RouterOS API account of a simulated NAS. */
export interface SimulatedApiConfig {
	/** TCP port on the listen host; 0 (the default) picks a free one. */
	readonly port?: number;
	readonly user: string;
	readonly password: string;
	/** Answer an empty print with `!empty` before `!done`, as RouterOS 7.18 and later do. Default true. */
	readonly emptyReply?: boolean;
}

/** One simulated NAS. */
export interface SimulatedNasConfig {
	readonly name: string;
	/** The NAS's address as radacct knows it (`nasipaddress`); it is never bound. */
	readonly ip: string;
	/** The RADIUS shared secret for Dynamic Authorization. */
	readonly secret: string;
	/** Decides which identification attributes the NAS insists on, see simulated-coa.ts. */
	readonly vendor: NasVendor;
	/** Default 'pppoe'. A hotspot NAS lists its sessions under `/ip/hotspot/active` instead of `/ppp/active`. */
	readonly service?: 'pppoe' | 'hotspot';
	/** Address the listeners bind to. Default 127.0.0.1. */
	readonly host?: string;
	/** CoA UDP port; 0 (the default) picks a free one. */
	readonly coaPort?: number;
	/** Serve the RouterOS API (plain TCP) with this account. */
	readonly api?: SimulatedApiConfig;
	/** Faults in force from the start; see {@link NasSimulator.setFaults}. */
	readonly faults?: Partial<NasFaults>;
	/** Live traffic hands out framed addresses from 100.(64 + poolBase ... 79 + poolBase).x.y. Default 0. */
	readonly poolBase?: number;
	/** How live traffic writes Calling-Station-Id for new subscribers. Default 'colon-upper'. */
	readonly macStyle?: DemoNas['macStyle'];
}

/** Ways a simulated NAS misbehaves; all can be changed at run time with {@link NasSimulator.setFaults}. */
export interface NasFaults {
	/** Share (0..1) of incoming CoA datagrams lost at random before the NAS sees them. */
	readonly dropRate: number;
	/** Answer CoA requests and API commands this many milliseconds late. */
	readonly delayMs: number;
	/** Sign CoA replies with a secret other than the configured one. */
	readonly wrongSecret: boolean;
	/** NAK every verified CoA request with {@link nakErrorCause}, whatever the session. */
	readonly nakAll: boolean;
	/** Error-Cause of {@link nakAll}. Default 506 (Resources-Unavailable). */
	readonly nakErrorCause: number;
	/** After login, send the first half of each API reply and close the connection (the command still runs). */
	readonly closeApiMidCommand: boolean;
	/** Stop listening on the API port (connections are refused) and drop the open ones. */
	readonly apiDown: boolean;
}

/** Why a CoA datagram got no answer. */
export type CoaDropReason = 'dropRate' | 'malformed' | 'badAuthenticator' | 'unsupportedCode';

/** Counters of one simulated NAS since the simulator started. */
export interface NasStats {
	/** CoA datagrams that reached the NAS's port, including the ones dropped. */
	readonly received: number;
	readonly dropped: Readonly<Record<CoaDropReason, number>>;
	readonly acked: number;
	readonly naked: number;
	/** NAKs by Error-Cause. */
	readonly naksByCause: Readonly<Record<number, number>>;
	/** Retransmissions recognised (RFC 5080 §2.2.2): answered from the reply cache, or ignored while in progress. */
	readonly duplicates: number;
	/** API connections accepted. */
	readonly apiConnections: number;
	/** `/login` attempts with a wrong user name or password. */
	readonly apiLoginFailures: number;
	/** API sentences received, `/login` included. */
	readonly apiCommands: number;
	/** Sessions ended by a Disconnect-Request or an API remove. */
	readonly disconnects: number;
	/** Accounting-Stops written for those. */
	readonly stopsWritten: number;
	/** Failed queries and writes (the request concerned is NAKed with 506 or trapped). */
	readonly dbErrors: number;
}

/** A simulated NAS as started: where to reach it. */
export interface RunningNas {
	readonly name: string;
	/** The NAS's address in radacct (not bound). */
	readonly ip: string;
	readonly vendor: NasVendor;
	readonly service: 'pppoe' | 'hotspot';
	/** The address the listeners are bound to. */
	readonly host: string;
	readonly coaPort: number;
	readonly secret: string;
	readonly apiPort?: number;
	readonly apiUser?: string;
	readonly apiPassword?: string;
}

/**
 * Identification of the sessions a request is about: every criterion given must match. `macAddress` compares
 * Calling-Station-Id with '-' read as ':' and letters in upper case (how RouterOS shows a MAC).
 */
export interface SessionCriteria {
	readonly acctSessionId?: string;
	readonly userName?: string;
	readonly framedIp?: string;
	readonly callingStationId?: string;
	readonly macAddress?: string;
	readonly radacctIds?: readonly string[];
}

/** An open session of a simulated NAS, as read from radacct. */
export interface SimulatedSession {
	readonly radacctid: string;
	readonly acctSessionId: string;
	readonly acctUniqueId: string;
	readonly userName: string | null;
	readonly realm: string | null;
	readonly framedIp: string | null;
	readonly callingStationId: string | null;
	readonly calledStationId: string | null;
	readonly nasPortId: string | null;
	readonly nasPortType: string | null;
	readonly serviceType: string | null;
	readonly framedProtocol: string | null;
	readonly connectInfo: string | null;
	/** Seconds since the epoch. */
	readonly startedAt: number;
	/** Seconds since the epoch of the last update (the start if none). */
	readonly updatedAt: number;
	readonly inputOctets: number;
	readonly outputOctets: number;
}

/** Counters as the listeners update them. */
export type MutableNasStats = {-readonly [K in keyof Omit<NasStats, 'dropped' | 'naksByCause'>]: number} & {
	dropped: Record<CoaDropReason, number>;
	naksByCause: Record<number, number>;
};

/** What the CoA and API listeners of one simulated NAS use: its identity, faults, counters and sessions. */
export interface SimulatedNasContext {
	readonly name: string;
	readonly ip: string;
	readonly vendor: NasVendor;
	readonly service: 'pppoe' | 'hotspot';
	readonly secret: string;
	readonly faults: NasFaults;
	readonly stats: MutableNasStats;
	/** True once the simulator is closing: answer nothing more. */
	readonly closed: boolean;
	readonly duplicateWindowMs: number;
	/** Uniform in [0, 1). */
	random(): number;
	/** The simulator's clock, in whole seconds since the epoch. */
	nowSeconds(): number;
	/** The NAS's open sessions matching `criteria` (at most `limit`). Rejects on a database error. */
	findSessions(criteria: SessionCriteria, limit?: number): Promise<SimulatedSession[]>;
	/** Ends the sessions now; their Accounting-Stops follow after the stop delay. */
	endSessions(sessions: readonly SimulatedSession[], cause: string): void;
	/** The session's octet counters as they stand now (the last update plus traffic since). */
	currentOctets(session: SimulatedSession, nowSeconds: number): {input: number; output: number};
	/** Resolves after `ms` (true), or early with false when the simulator closes. */
	sleep(ms: number): Promise<boolean>;
	/** Keeps `work` in the set close() waits for. */
	track(work: Promise<unknown>): void;
}
