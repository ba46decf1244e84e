/**
 * A believable BNG on loopback, for the demo, the tests and the benchmarks: one simulator object serves several
 * simulated NAS, each with a CoA listener (RFC 5176 Disconnect-Request and CoA-Request, see simulated-coa.ts)
 * and, optionally, a MikroTik RouterOS API listener (see simulated-routeros.ts), all on 127.0.0.1 whatever the
 * NAS's own address in radacct is.
 *
 * The sessions a simulated NAS holds are radacct's open rows with its nasipaddress: every request is one
 * parameterised query on the `radacct_bulk_close` partial index, and nothing about sessions is cached. A
 * disconnect is answered at once and, a moment later, written as the Accounting-Stop FreeRADIUS would record
 * when the NAS reported it (cause Admin-Reset). {@link NasSimulator.startLiveTraffic} keeps the network moving:
 * interim updates with growing octets, logins and logouts, and subscribers who were kicked dialling back in.
 */
import {createHash} from 'node:crypto';
import {isIP} from 'node:net';
import type {Queryable} from '../db/queryable.js';
import {recordInterims, recordStarts, recordStops, type StartEvent, type StopEvent, type UpdateEvent} from './accounting.js';
import {DEMO_NAS, type DemoNas, type NasVendor} from './network.js';
import {Random} from './random.js';
import {formatMac} from './seed.js';
import {SimulatedCoaServer} from './simulated-coa.js';
import {normalizeMac, SimulatedRouterOsServer} from './simulated-routeros.js';

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

/** Options of {@link startNasSimulator}. */
export interface NasSimulatorOptions {
	/** The FreeRADIUS database: read for sessions, written with accounting records. */
	readonly db: Queryable;
	readonly nas: readonly SimulatedNasConfig[];
	/**
	 * Delay between a disconnect and its Accounting-Stop being written: a number of milliseconds, or a range
	 * to draw from. Default 50 to 200.
	 */
	readonly stopDelayMs?: number | readonly [number, number];
	/** The clock for accounting timestamps and uptimes. Default: the system clock. */
	readonly now?: () => Date;
	/** Seed of the simulator's randomness (drops, live traffic). Default: from the clock. */
	readonly seed?: number;
	/** How long a CoA reply is kept to answer retransmissions of its request. Default 5000 ms. */
	readonly duplicateWindowMs?: number;
	/**
	 * Open sessions without an update for longer than this are ghosts the NAS lost (as after a reboot without
	 * Accounting-Stops): CoA and the API no longer find them. Default: every open session is on its NAS.
	 */
	readonly ghostAfterSeconds?: number;
}

/** Options of {@link NasSimulator.startLiveTraffic}. */
export interface LiveTrafficOptions {
	/** Time between ticks. Default 2000 ms. */
	readonly intervalMs?: number;
	/** Open sessions per NAS given an Interim-Update each tick, the longest unrefreshed first. Default 6. */
	readonly interimsPerNas?: number;
	/** Mean new subscribers logging in per NAS per tick. Default 0.15. */
	readonly loginsPerNas?: number;
	/** Chance that a session picked for an interim update logs out instead. Default 0.03. */
	readonly logoutChance?: number;
	/** Delay range before a kicked subscriber (Admin-Reset) dials back in. Default 3 to 15 s. */
	readonly redialMs?: readonly [number, number];
	/**
	 * Sessions without an update for longer than this are ghosts the NAS no longer has: left alone so they stay
	 * stale. Default 1800 s (radtop's default stale threshold).
	 */
	readonly silentAfterSeconds?: number;
	/** Told about a tick that failed (the next tick runs anyway). */
	readonly onError?: (error: unknown) => void;
}

/** What one live-traffic tick wrote. */
export interface TickSummary {
	readonly interims: number;
	readonly starts: number;
	readonly stops: number;
}

/** A running live-traffic generator. */
export interface LiveTraffic {
	/** Ticks completed so far. */
	readonly ticks: number;
	/** Ticks that failed. */
	readonly errors: number;
	/** Runs a tick now (after the one in progress, if any). Rejects if the tick fails. */
	tick(): Promise<TickSummary>;
	/** Stops ticking; resolves once the tick in progress, if any, has finished. */
	stop(): Promise<void>;
}

/** The running simulator. */
export interface NasSimulator {
	readonly nas: readonly RunningNas[];
	/** Changes some faults of NAS `name`; the others keep their value. Throws for an unknown NAS. */
	setFaults(name: string, faults: Partial<NasFaults>): void;
	/** The faults in force at NAS `name`. */
	faults(name: string): NasFaults;
	/** A snapshot of NAS `name`'s counters. */
	stats(name: string): NasStats;
	/** Starts live traffic; throws if it is already running. */
	startLiveTraffic(options?: LiveTrafficOptions): LiveTraffic;
	/** Resolves once every Accounting-Stop due so far has been written. */
	stopsWritten(): Promise<void>;
	/**
	 * Stops live traffic, closes every socket, drops delayed replies, writes the pending Accounting-Stops at once
	 * and waits for requests in progress. Idempotent.
	 */
	close(): Promise<void>;
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

/** The RouterOS API user on the demo's MikroTik NAS. */
export const DEMO_API_USER = 'radtop';
/** Its password: a demo value, not a secret. */
export const DEMO_API_PASSWORD = 'radtop-demo';

/**
 * The simulator configuration of the demo network: every NAS of {@link DEMO_NAS} on 127.0.0.1 with ephemeral
 * ports, and the RouterOS API on for the MikroTik ones (user {@link DEMO_API_USER}).
 */
export function demoSimulatorConfig(nas: readonly DemoNas[] = DEMO_NAS): SimulatedNasConfig[] {
	return nas.map((entry) => ({
		name: entry.name,
		ip: entry.ip,
		secret: entry.secret,
		vendor: entry.vendor,
		service: entry.service,
		host: '127.0.0.1',
		coaPort: 0,
		poolBase: entry.poolBase,
		macStyle: entry.macStyle,
		...(entry.vendor === 'mikrotik' ? {api: {port: 0, user: DEMO_API_USER, password: DEMO_API_PASSWORD}} : {}),
	}));
}

const DEFAULT_FAULTS: NasFaults = {
	dropRate: 0,
	delayMs: 0,
	wrongSecret: false,
	nakAll: false,
	nakErrorCause: 506,
	closeApiMidCommand: false,
	apiDown: false,
};

// Columns of a session; numbers as float8/int so both pg and PGlite hand back JS numbers.
const SESSION_COLUMNS = `radacctid::text AS radacctid, acctsessionid, acctuniqueid, username, realm,
	host(framedipaddress) AS framedipaddress, callingstationid, calledstationid, nasportid, nasporttype, servicetype,
	framedprotocol, connectinfo_start,
	EXTRACT(EPOCH FROM acctstarttime)::float8 AS started,
	EXTRACT(EPOCH FROM COALESCE(acctupdatetime, acctstarttime))::float8 AS updated,
	COALESCE(acctinputoctets, 0)::float8 AS inputoctets, COALESCE(acctoutputoctets, 0)::float8 AS outputoctets`;

/** Most rows one lookup returns (a print of a whole BNG included). */
const MAX_ROWS = 100_000;
/** Reconnections waiting at most; beyond this the oldest are forgotten. */
const MAX_REDIALS = 5000;

/**
 * Starts the CoA listener (and the RouterOS API listener where configured) of every NAS in `options.nas`.
 * Rejects, after closing whatever it opened, if a port cannot be bound or a configuration is invalid.
 */
export async function startNasSimulator(options: NasSimulatorOptions): Promise<NasSimulator> {
	const simulator = new Simulator(options);
	try {
		await simulator.start();
	} catch (error) {
		await simulator.close();
		throw error;
	}
	return simulator;
}

type Row = Record<string, unknown>;

interface PendingStop {
	readonly nas: SimulatedNas;
	readonly event: StopEvent;
	timer: NodeJS.Timeout | undefined;
}

interface Redial {
	readonly nas: SimulatedNas;
	readonly session: SimulatedSession;
	/** Seconds since the epoch. */
	readonly dueAt: number;
}

class SimulatedNas implements SimulatedNasContext {
	readonly name: string;
	readonly ip: string;
	readonly vendor: NasVendor;
	readonly service: 'pppoe' | 'hotspot';
	readonly secret: string;
	readonly host: string;
	readonly poolBase: number;
	readonly macStyle: DemoNas['macStyle'];
	faults: NasFaults;
	readonly stats: MutableNasStats = {
		received: 0,
		dropped: {dropRate: 0, malformed: 0, badAuthenticator: 0, unsupportedCode: 0},
		acked: 0,
		naked: 0,
		naksByCause: {},
		duplicates: 0,
		apiConnections: 0,
		apiLoginFailures: 0,
		apiCommands: 0,
		disconnects: 0,
		stopsWritten: 0,
		dbErrors: 0,
	};
	/** Sessions ended whose Accounting-Stop is not written yet, by acctuniqueid: the NAS no longer has them. */
	readonly ending = new Set<string>();
	coa: SimulatedCoaServer | undefined;
	api: SimulatedRouterOsServer | undefined;
	nextSessionId: number;

	constructor(
		readonly config: SimulatedNasConfig,
		private readonly simulator: Simulator,
	) {
		this.name = config.name;
		this.ip = config.ip;
		this.vendor = config.vendor;
		this.service = config.service ?? 'pppoe';
		this.secret = config.secret;
		this.host = config.host ?? '127.0.0.1';
		this.poolBase = config.poolBase ?? 0;
		this.macStyle = config.macStyle ?? 'colon-upper';
		this.faults = validFaults({...DEFAULT_FAULTS, ...config.faults});
		// Acct-Session-Id counter: a NAS numbers its sessions from a boot-time value (MikroTik: 8 hex digits).
		this.nextSessionId = (simulator.nowSeconds() * 16) % 0x1_00_00_00_00;
	}

	get closed(): boolean {
		return this.simulator.closed;
	}

	get duplicateWindowMs(): number {
		return this.simulator.duplicateWindowMs;
	}

	random(): number {
		return this.simulator.random.next();
	}

	nowSeconds(): number {
		return this.simulator.nowSeconds();
	}

	async findSessions(criteria: SessionCriteria, limit = MAX_ROWS): Promise<SimulatedSession[]> {
		const values: unknown[] = [this.ip];
		const where = ['nasipaddress = $1::inet', 'acctstoptime IS NULL'];
		const add = (condition: (parameter: string) => string, value: unknown): void => {
			values.push(value);
			where.push(condition(`$${values.length}`));
		};
		if (criteria.acctSessionId !== undefined) add((p) => `acctsessionid = ${p}`, criteria.acctSessionId);
		if (criteria.userName !== undefined) add((p) => `username = ${p}`, criteria.userName);
		if (criteria.framedIp !== undefined) {
			// A value that is no address matches nothing (and would make the ::inet cast fail).
			if (isIP(criteria.framedIp) === 0) return [];
			add((p) => `framedipaddress = ${p}::inet`, criteria.framedIp);
		}
		if (criteria.callingStationId !== undefined) add((p) => `callingstationid = ${p}`, criteria.callingStationId);
		if (criteria.macAddress !== undefined) {
			add((p) => `upper(translate(callingstationid, '-', ':')) = ${p}`, normalizeMac(criteria.macAddress));
		}
		const ghostAfter = this.simulator.ghostAfterSeconds;
		if (ghostAfter !== undefined) {
			add((p) => `COALESCE(acctupdatetime, acctstarttime) >= to_timestamp(${p}::float8)`, this.nowSeconds() - ghostAfter);
		}
		if (criteria.radacctIds !== undefined) {
			const ids = criteria.radacctIds.filter((id) => /^\d{1,18}$/.test(id));
			if (ids.length === 0) return [];
			add((p) => `radacctid = ANY(${p}::bigint[])`, ids);
		}
		values.push(limit);
		const {rows} = await this.simulator.db.query(
			`SELECT ${SESSION_COLUMNS} FROM radacct WHERE ${where.join(' AND ')} ORDER BY acctstarttime, radacctid LIMIT $${values.length}`,
			values,
		);
		return (rows as Row[]).map(toSession).filter((session) => !this.ending.has(session.acctUniqueId));
	}

	endSessions(sessions: readonly SimulatedSession[], cause: string): void {
		const now = this.nowSeconds();
		for (const session of sessions) {
			if (this.ending.has(session.acctUniqueId)) continue;
			this.ending.add(session.acctUniqueId);
			this.stats.disconnects++;
			const octets = this.currentOctets(session, now);
			this.simulator.scheduleStop(this, {
				acctUniqueId: session.acctUniqueId,
				timestamp: now,
				sessionTime: Math.max(0, now - Math.floor(session.startedAt)),
				inputOctets: octets.input,
				outputOctets: octets.output,
				framedIpAddress: session.framedIp,
				terminateCause: cause,
				connectInfo: session.connectInfo ?? '',
			});
			this.simulator.redial(this, session, cause);
		}
	}

	currentOctets(session: SimulatedSession, nowSeconds: number): {input: number; output: number} {
		return grownOctets(session, nowSeconds - session.updatedAt, 0.65);
	}

	sleep(ms: number): Promise<boolean> {
		return this.simulator.sleep(ms);
	}

	track(work: Promise<unknown>): void {
		this.simulator.track(work);
	}

	running(): RunningNas {
		const apiConfig = this.config.api;
		return {
			name: this.name,
			ip: this.ip,
			vendor: this.vendor,
			service: this.service,
			host: this.host,
			coaPort: this.coa?.port ?? 0,
			secret: this.secret,
			...(apiConfig === undefined || this.api === undefined
				? {}
				: {apiPort: this.api.port, apiUser: apiConfig.user, apiPassword: apiConfig.password}),
		};
	}
}

class Simulator implements NasSimulator {
	readonly db: Queryable;
	readonly random: Random;
	readonly duplicateWindowMs: number;
	readonly ghostAfterSeconds: number | undefined;
	closed = false;
	nas: RunningNas[] = [];

	readonly #byName = new Map<string, SimulatedNas>();
	readonly #now: () => Date;
	readonly #stopDelayMs: number | readonly [number, number];
	readonly #pendingStops = new Set<PendingStop>();
	#dueStops: PendingStop[] = [];
	#stopWrites: Promise<void> = Promise.resolve();
	readonly #sleepers = new Set<{timer: NodeJS.Timeout; resolve: (completed: boolean) => void}>();
	readonly #work = new Set<Promise<unknown>>();
	readonly #stopWaiters: Array<() => void> = [];
	#live: LiveTrafficRunner | undefined;
	#closing: Promise<void> | undefined;

	constructor(options: NasSimulatorOptions) {
		this.db = options.db;
		this.#now = options.now ?? (() => new Date());
		this.random = new Random(options.seed ?? Date.now());
		this.#stopDelayMs = options.stopDelayMs ?? [50, 200];
		this.duplicateWindowMs = options.duplicateWindowMs ?? 5000;
		this.ghostAfterSeconds = options.ghostAfterSeconds;
		for (const config of options.nas) {
			if (this.#byName.has(config.name)) throw new RangeError(`NAS name ${JSON.stringify(config.name)} is used twice`);
			if (isIP(config.ip) === 0) throw new RangeError(`NAS ${config.name}: ${JSON.stringify(config.ip)} is not an IP address`);
			if (config.secret.length === 0) throw new RangeError(`NAS ${config.name}: the secret must not be empty`);
			this.#byName.set(config.name, new SimulatedNas(config, this));
		}
	}

	async start(): Promise<void> {
		for (const nas of this.#byName.values()) {
			nas.coa = await SimulatedCoaServer.start(nas, nas.host, nas.config.coaPort ?? 0);
			if (nas.config.api !== undefined) {
				const {port = 0, user, password, emptyReply = true} = nas.config.api;
				nas.api = await SimulatedRouterOsServer.start(nas, {host: nas.host, port, user, password, emptyReply});
			}
		}
		this.nas = [...this.#byName.values()].map((nas) => nas.running());
	}

	nowSeconds(): number {
		return Math.floor(this.#now().getTime() / 1000);
	}

	setFaults(name: string, faults: Partial<NasFaults>): void {
		const nas = this.#get(name);
		const wasDown = nas.faults.apiDown;
		nas.faults = validFaults({...nas.faults, ...faults});
		if (nas.faults.apiDown !== wasDown) nas.api?.setDown(nas.faults.apiDown);
	}

	faults(name: string): NasFaults {
		return {...this.#get(name).faults};
	}

	stats(name: string): NasStats {
		const {stats} = this.#get(name);
		return {...stats, dropped: {...stats.dropped}, naksByCause: {...stats.naksByCause}};
	}

	startLiveTraffic(options: LiveTrafficOptions = {}): LiveTraffic {
		if (this.closed) throw new Error('the NAS simulator is closed');
		if (this.#live !== undefined && !this.#live.stopped) throw new Error('live traffic is already running');
		this.#live = new LiveTrafficRunner(this, [...this.#byName.values()], options);
		return this.#live;
	}

	stopsWritten(): Promise<void> {
		if (this.#pendingStops.size === 0) return this.#stopWrites;
		return new Promise((resolve) => {
			this.#stopWaiters.push(resolve);
		});
	}

	close(): Promise<void> {
		this.#closing ??= this.#close();
		return this.#closing;
	}

	async #close(): Promise<void> {
		this.closed = true;
		await this.#live?.stop();
		for (const sleeper of this.#sleepers) {
			clearTimeout(sleeper.timer);
			sleeper.resolve(false);
		}
		this.#sleepers.clear();
		const servers = [...this.#byName.values()].flatMap((nas) => [nas.coa?.close(), nas.api?.close()]);
		await Promise.all(servers);
		// Requests already past their lookup may still end sessions: let them finish first.
		while (this.#work.size > 0) await Promise.all([...this.#work]);
		// The NAS acknowledged these disconnects, so their Accounting-Stops are owed: write them now.
		for (const pending of this.#pendingStops) {
			clearTimeout(pending.timer);
			if (pending.timer !== undefined) {
				pending.timer = undefined;
				this.#dueStops.push(pending);
			}
		}
		this.#flushStops();
		await this.#stopWrites;
	}

	/** Queues the Accounting-Stop of a session just ended, to be written after the stop delay. */
	scheduleStop(nas: SimulatedNas, event: StopEvent): void {
		const pending: PendingStop = {nas, event, timer: undefined};
		this.#pendingStops.add(pending);
		if (this.closed) {
			this.#dueStops.push(pending);
			this.#flushStops();
			return;
		}
		pending.timer = setTimeout(() => {
			pending.timer = undefined;
			this.#dueStops.push(pending);
			this.#flushStops();
		}, this.#stopDelay());
	}

	/** Remembers a kicked or logged-out subscriber so live traffic can dial them back in. */
	redial(nas: SimulatedNas, session: SimulatedSession, cause: string): void {
		const live = this.#live;
		if (live === undefined || live.stopped || session.userName === null) return;
		live.queueRedial(nas, session, cause);
	}

	sleep(ms: number): Promise<boolean> {
		if (this.closed) return Promise.resolve(false);
		if (ms <= 0) return Promise.resolve(true);
		return new Promise((resolve) => {
			const sleeper = {
				timer: setTimeout(() => {
					this.#sleepers.delete(sleeper);
					resolve(true);
				}, ms),
				resolve,
			};
			this.#sleepers.add(sleeper);
		});
	}

	track(work: Promise<unknown>): void {
		const settled = work.then(
			() => undefined,
			() => undefined,
		);
		this.#work.add(settled);
		void settled.then(() => this.#work.delete(settled));
	}

	/** Writes every due Accounting-Stop in one statement, after the writes before it. */
	#flushStops(): void {
		this.#stopWrites = this.#stopWrites.then(async () => {
			const batch = this.#dueStops;
			this.#dueStops = [];
			if (batch.length === 0) return;
			try {
				await recordStops(
					this.db,
					batch.map((pending) => pending.event),
				);
				for (const pending of batch) pending.nas.stats.stopsWritten++;
			} catch {
				// Like a RADIUS server that failed to store a Stop: the row stays open, a ghost session.
				for (const pending of batch) pending.nas.stats.dbErrors++;
			}
			for (const pending of batch) {
				pending.nas.ending.delete(pending.event.acctUniqueId);
				this.#pendingStops.delete(pending);
			}
			if (this.#pendingStops.size === 0) {
				for (const resolve of this.#stopWaiters.splice(0)) resolve();
			}
		});
	}

	#stopDelay(): number {
		const delay = this.#stopDelayMs;
		if (typeof delay === 'number') return delay;
		const [min, max] = delay;
		return min + this.random.next() * (max - min);
	}

	#get(name: string): SimulatedNas {
		const nas = this.#byName.get(name);
		if (nas === undefined) throw new RangeError(`no simulated NAS named ${JSON.stringify(name)}`);
		return nas;
	}
}

const FIRST = [
	'anna',
	'ben',
	'chloe',
	'diego',
	'eva',
	'felix',
	'gina',
	'hamid',
	'ida',
	'jonas',
	'kira',
	'luis',
	'mona',
	'nils',
	'oskar',
	'paula',
	'quinn',
	'rosa',
	'samir',
	'tara',
	'uwe',
	'vera',
	'wim',
	'xenia',
	'yara',
	'zoltan',
];
const LAST = [
	'meyer',
	'schulz',
	'fernandez',
	'bianchi',
	'horvat',
	'lindqvist',
	'oconnor',
	'papadopoulos',
	'reyes',
	'sorensen',
	'takahashi',
	'vargas',
	'wagner',
	'zielinski',
];
// OUIs of common CPE vendors (MikroTik, TP-Link, Huawei, Ubiquiti, AVM).
const OUIS = [
	[0xdc, 0x2c, 0x6e],
	[0x50, 0xc7, 0xbf],
	[0x00, 0xe0, 0xfc],
	[0x24, 0xa4, 0x3c],
	[0x3c, 0xa6, 0x2f],
] as const;
const CONNECT_INFO = ['1Gbps', '100Mbps', 'GPON', 'VDSL2'];

/** Drives interim updates, logins, logouts and redials on a timer; ticks never overlap. */
class LiveTrafficRunner implements LiveTraffic {
	ticks = 0;
	errors = 0;
	stopped = false;

	readonly #simulator: Simulator;
	readonly #nas: readonly SimulatedNas[];
	readonly #intervalMs: number;
	readonly #interimsPerNas: number;
	readonly #loginsPerNas: number;
	readonly #logoutChance: number;
	readonly #redialMs: readonly [number, number];
	readonly #silentAfter: number;
	readonly #onError: ((error: unknown) => void) | undefined;
	#redials: Redial[] = [];
	#timer: NodeJS.Timeout | undefined;
	#chain: Promise<unknown> = Promise.resolve();

	constructor(simulator: Simulator, nas: readonly SimulatedNas[], options: LiveTrafficOptions) {
		this.#simulator = simulator;
		this.#nas = nas;
		this.#intervalMs = options.intervalMs ?? 2000;
		this.#interimsPerNas = options.interimsPerNas ?? 6;
		this.#loginsPerNas = options.loginsPerNas ?? 0.15;
		this.#logoutChance = options.logoutChance ?? 0.03;
		this.#redialMs = options.redialMs ?? [3000, 15_000];
		this.#silentAfter = options.silentAfterSeconds ?? 1800;
		this.#onError = options.onError;
		if (!(this.#intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${this.#intervalMs}`);
		this.#schedule();
	}

	tick(): Promise<TickSummary> {
		const run = this.#chain.then(() => this.#tick());
		this.#chain = run.catch(() => undefined);
		this.#simulator.track(run);
		return run;
	}

	async stop(): Promise<void> {
		this.stopped = true;
		clearTimeout(this.#timer);
		await this.#chain;
	}

	queueRedial(nas: SimulatedNas, session: SimulatedSession, cause: string): void {
		const random = this.#simulator.random;
		// A CPE whose session was reset redials within seconds; a subscriber who hung up comes back much later.
		const delayMs =
			cause === 'Admin-Reset' || cause === 'Lost-Carrier'
				? this.#redialMs[0] + random.next() * (this.#redialMs[1] - this.#redialMs[0])
				: random.exponential(600_000);
		this.#redials.push({nas, session, dueAt: this.#simulator.nowSeconds() + Math.round(delayMs / 1000)});
		if (this.#redials.length > MAX_REDIALS) this.#redials.shift();
	}

	#schedule(): void {
		if (this.stopped) return;
		this.#timer = setTimeout(() => {
			this.tick().then(
				() => this.#schedule(),
				(error: unknown) => {
					this.errors++;
					this.#onError?.(error);
					this.#schedule();
				},
			);
		}, this.#intervalMs);
	}

	async #tick(): Promise<TickSummary> {
		if (this.#simulator.closed) return {interims: 0, starts: 0, stops: 0};
		const {db, random} = this.#simulator;
		const now = this.#simulator.nowSeconds();
		const {rows} = await db.query(
			`SELECT n.idx::int AS nas_index, s.* FROM unnest($1::text[]) WITH ORDINALITY AS n(ip, idx)
			CROSS JOIN LATERAL (
				SELECT ${SESSION_COLUMNS} FROM radacct
				WHERE nasipaddress = n.ip::inet AND acctstoptime IS NULL
					AND COALESCE(acctupdatetime, acctstarttime) BETWEEN TO_TIMESTAMP($2) AND TO_TIMESTAMP($3)
				ORDER BY COALESCE(acctupdatetime, acctstarttime)
				LIMIT $4
			) AS s`,
			[this.#nas.map((nas) => nas.ip), now - this.#silentAfter, now - 1, this.#interimsPerNas],
		);
		const interims: UpdateEvent[] = [];
		const logouts: Array<{nas: SimulatedNas; session: SimulatedSession; event: StopEvent}> = [];
		for (const row of rows as Row[]) {
			const nas = this.#nas[Number(row['nas_index']) - 1];
			if (nas === undefined) continue;
			const session = toSession(row);
			if (nas.ending.has(session.acctUniqueId)) continue;
			const octets = grownOctets(session, now - session.updatedAt, 0.3 + random.next() * 0.7);
			const update: UpdateEvent = {
				acctUniqueId: session.acctUniqueId,
				timestamp: now,
				sessionTime: Math.max(0, now - Math.floor(session.startedAt)),
				inputOctets: octets.input,
				outputOctets: octets.output,
				framedIpAddress: session.framedIp,
			};
			if (random.chance(this.#logoutChance)) {
				const terminateCause = random.weighted<string>([
					['User-Request', 3],
					['Lost-Carrier', 2],
					['Idle-Timeout', 1],
				]);
				logouts.push({nas, session, event: {...update, terminateCause, connectInfo: session.connectInfo ?? ''}});
			} else {
				interims.push(update);
			}
		}

		const logins = await this.#logins(now);
		await recordStops(
			db,
			logouts.filter(({nas, session}) => !nas.ending.has(session.acctUniqueId)).map(({event}) => event),
		);
		for (const {nas, session, event} of logouts) this.queueRedial(nas, session, event.terminateCause);
		// A disconnect may have ended some of these sessions meanwhile.
		const stillOpen = interims.filter((update) => !this.#nas.some((nas) => nas.ending.has(update.acctUniqueId)));
		await recordInterims(db, stillOpen);
		await recordStarts(db, logins);
		this.ticks++;
		return {interims: stillOpen.length, starts: logins.length, stops: logouts.length};
	}

	/** Due redials and a few new subscribers, each with a free address of its NAS's pool. */
	async #logins(now: number): Promise<StartEvent[]> {
		const random = this.#simulator.random;
		const due = this.#redials.filter((redial) => redial.dueAt <= now);
		this.#redials = this.#redials.filter((redial) => redial.dueAt > now);
		const wanted: Array<{nas: SimulatedNas; previous?: SimulatedSession}> = due.map(({nas, session}) => ({nas, previous: session}));
		for (const nas of this.#nas) {
			let count = Math.floor(this.#loginsPerNas);
			if (random.chance(this.#loginsPerNas - count)) count++;
			for (let index = 0; index < count; index++) wanted.push({nas});
		}
		if (wanted.length === 0) return [];

		// Three candidate addresses per login, then one query for the ones taken.
		const candidates = wanted.map(({nas}) =>
			Array.from({length: 3}, () => `100.${64 + nas.poolBase + random.int(0, 15)}.${random.int(0, 255)}.${random.int(1, 254)}`),
		);
		const {rows} = await this.#simulator.db.query(
			`SELECT host(framedipaddress) AS ip FROM radacct
			WHERE nasipaddress = ANY($1::inet[]) AND acctstoptime IS NULL AND framedipaddress = ANY($2::inet[])`,
			[[...new Set(wanted.map(({nas}) => nas.ip))], candidates.flat()],
		);
		const taken = new Set((rows as Row[]).map((row) => String(row['ip'])));
		const starts: StartEvent[] = [];
		for (const [index, {nas, previous}] of wanted.entries()) {
			const framedIp = candidates[index]?.find((ip) => !taken.has(ip));
			if (framedIp === undefined) continue;
			taken.add(framedIp);
			starts.push(this.#start(nas, now, framedIp, previous));
		}
		return starts;
	}

	#start(nas: SimulatedNas, now: number, framedIp: string, previous: SimulatedSession | undefined): StartEvent {
		const random = this.#simulator.random;
		const counter = nas.nextSessionId;
		nas.nextSessionId = (counter + 1) % 0x1_00_00_00_00;
		const acctSessionId = nas.vendor === 'accel-ppp' ? counter.toString(16).padStart(16, '0') : counter.toString(16).padStart(8, '0');
		const hotspot = nas.service === 'hotspot';
		const userName = previous?.userName ?? this.#newUserName();
		return {
			acctSessionId,
			acctUniqueId: createHash('md5')
				.update([userName, acctSessionId, nas.ip, String(now)].join(','))
				.digest('hex'),
			userName,
			realm: previous?.realm ?? null,
			nasIpAddress: nas.ip,
			nasPortId:
				previous?.nasPortId ??
				(hotspot ? 'bridge-guest' : `${nas.vendor === 'cisco' ? 'Gi0/0/1.' : 'vlan'}${random.int(100, 4000)}`),
			nasPortType: previous?.nasPortType ?? (hotspot ? 'Wireless-802.11' : 'Ethernet'),
			timestamp: now,
			connectInfo: previous?.connectInfo ?? (hotspot ? '' : random.pick(CONNECT_INFO)),
			calledStationId: previous?.calledStationId ?? `${nas.service}-${nas.name}`,
			callingStationId:
				previous?.callingStationId ??
				formatMac([...random.pick(OUIS), random.int(0, 255), random.int(0, 255), random.int(0, 255)], nas.macStyle),
			serviceType: previous?.serviceType ?? 'Framed-User',
			framedProtocol: previous?.framedProtocol ?? (hotspot ? '' : 'PPP'),
			framedIpAddress: framedIp,
		};
	}

	#newUserName(): string {
		const random = this.#simulator.random;
		if (random.chance(0.3)) return `c${String(random.int(100_000, 999_999)).padStart(7, '0')}`;
		return `${random.pick(FIRST)}.${random.pick(LAST)}${random.chance(0.3) ? random.int(1, 99) : ''}`;
	}
}

/**
 * A session's traffic profile, fixed by its acctuniqueid so the NAS need not remember it: a mean download rate
 * (log-uniform, 50 kbit/s to 40 Mbit/s) and the upload share of it.
 */
function trafficProfile(acctUniqueId: string): {downBps: number; upShare: number} {
	const hash = createHash('md5').update(acctUniqueId).digest();
	const a = hash.readUInt32BE(0) / 0x1_00_00_00_00;
	const b = hash.readUInt32BE(4) / 0x1_00_00_00_00;
	return {downBps: Math.exp(Math.log(50_000) + a * (Math.log(40_000_000) - Math.log(50_000))), upShare: 0.05 + b * 0.25};
}

/** The counters after `seconds` more of the session's traffic at `load` (a share of its mean rate). */
function grownOctets(session: SimulatedSession, seconds: number, load: number): {input: number; output: number} {
	const {downBps, upShare} = trafficProfile(session.acctUniqueId);
	const down = Math.round((downBps * Math.max(0, seconds) * load) / 8);
	return {input: session.inputOctets + Math.round(down * upShare), output: session.outputOctets + down};
}

function toSession(row: Row): SimulatedSession {
	const text = (name: string): string | null => {
		const value = row[name];
		return value === null || value === undefined ? null : String(value);
	};
	const started = Number(row['started']);
	const updated = Number(row['updated']);
	return {
		radacctid: String(row['radacctid']),
		acctSessionId: text('acctsessionid') ?? '',
		acctUniqueId: text('acctuniqueid') ?? '',
		userName: text('username'),
		realm: text('realm'),
		framedIp: text('framedipaddress'),
		callingStationId: text('callingstationid'),
		calledStationId: text('calledstationid'),
		nasPortId: text('nasportid'),
		nasPortType: text('nasporttype'),
		serviceType: text('servicetype'),
		framedProtocol: text('framedprotocol'),
		connectInfo: text('connectinfo_start'),
		startedAt: Number.isFinite(started) ? started : updated,
		updatedAt: Number.isFinite(updated) ? updated : started,
		inputOctets: Number(row['inputoctets']) || 0,
		outputOctets: Number(row['outputoctets']) || 0,
	};
}

function validFaults(faults: NasFaults): NasFaults {
	if (!(faults.dropRate >= 0 && faults.dropRate <= 1)) throw new RangeError(`dropRate must be from 0 to 1, got ${faults.dropRate}`);
	if (!(faults.delayMs >= 0)) throw new RangeError(`delayMs must not be negative, got ${faults.delayMs}`);
	if (!(Number.isInteger(faults.nakErrorCause) && faults.nakErrorCause >= 0 && faults.nakErrorCause <= 0xff_ff_ff_ff)) {
		throw new RangeError(`nakErrorCause must be an unsigned 32-bit integer, got ${faults.nakErrorCause}`);
	}
	return faults;
}
