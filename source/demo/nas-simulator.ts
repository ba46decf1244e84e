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
import {isIP} from 'node:net';
import type {Queryable} from '../db/queryable.js';
import {loadNasReloads} from '../db/nas-reload-table.js';
import {recordStops, type StopEvent} from './accounting.js';
import {LiveTrafficRunner, type LiveTraffic, type LiveTrafficOptions} from './live-traffic.js';
import {DEMO_NAS, type DemoNas} from './network.js';
import {Random} from './random.js';
import {SimulatedCoaServer} from './simulated-coa.js';
import {SimulatedNas, validFaults, type SimulatorHost} from './simulated-nas.js';
import type {NasFaults, NasStats, RunningNas, SimulatedNasConfig, SimulatedSession} from './simulated-nas-types.js';
import {SimulatedRouterOsServer} from './simulated-routeros.js';

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

interface PendingStop {
	readonly nas: SimulatedNas;
	readonly event: StopEvent;
	timer: NodeJS.Timeout | undefined;
}

class Simulator implements NasSimulator, SimulatorHost {
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
		// A test database without nasreload has no reloads: every open session is on its NAS.
		const reloads = await loadNasReloads(this.db);
		for (const nas of this.#byName.values()) {
			nas.reloadedAt = reloads.byIp.get(nas.ip);
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
