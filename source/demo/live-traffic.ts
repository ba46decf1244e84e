/**
 * Live traffic on the simulated network: on a timer, interim updates with growing octets for the sessions longest
 * without one, logins and logouts, and subscribers whose session ended dialling back in.
 */
import {createHash} from 'node:crypto';
import type {Queryable} from '../db/queryable.js';
import {recordInterims, recordStarts, recordStops, type StartEvent, type StopEvent, type UpdateEvent} from './accounting.js';
import {recordAccepts} from './postauth.js';
import {CONNECT_INFO, FIRST_NAMES, formatMac, LAST_NAMES, randomMac} from './pools.js';
import type {Random} from './random.js';
import type {SimulatedNas} from './simulated-nas.js';
import type {SimulatedSession} from './simulated-nas-types.js';
import {grownOctets, SESSION_COLUMNS, toSession, updateOf, type Row} from './simulated-sessions.js';

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
	/** Logs each login's Access-Accept in radpostauth (the demo's database has one). Default false. */
	readonly postauth?: boolean;
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

/** What live traffic needs from the simulator that runs it. */
export interface LiveTrafficHost {
	readonly db: Queryable;
	readonly random: Random;
	/** True once the simulator is closing: ticks write nothing more. */
	readonly closed: boolean;
	/** The clock, in whole seconds since the epoch. */
	nowSeconds(): number;
	track(work: Promise<unknown>): void;
}

/** Reconnections waiting at most; beyond this the oldest are forgotten. */
const MAX_REDIALS = 5000;

interface Redial {
	readonly nas: SimulatedNas;
	readonly session: SimulatedSession;
	/** Seconds since the epoch. */
	readonly dueAt: number;
}

/** Drives interim updates, logins, logouts and redials on a timer; ticks never overlap. */
export class LiveTrafficRunner implements LiveTraffic {
	ticks = 0;
	errors = 0;
	stopped = false;

	readonly #simulator: LiveTrafficHost;
	readonly #nas: readonly SimulatedNas[];
	readonly #intervalMs: number;
	readonly #interimsPerNas: number;
	readonly #loginsPerNas: number;
	readonly #postauth: boolean;
	readonly #logoutChance: number;
	readonly #redialMs: readonly [number, number];
	readonly #silentAfter: number;
	readonly #onError: ((error: unknown) => void) | undefined;
	#redials: Redial[] = [];
	#timer: NodeJS.Timeout | undefined;
	#chain: Promise<unknown> = Promise.resolve();

	constructor(simulator: LiveTrafficHost, nas: readonly SimulatedNas[], options: LiveTrafficOptions) {
		this.#simulator = simulator;
		this.#nas = nas;
		this.#intervalMs = options.intervalMs ?? 2000;
		this.#interimsPerNas = options.interimsPerNas ?? 6;
		this.#loginsPerNas = options.loginsPerNas ?? 0.15;
		this.#logoutChance = options.logoutChance ?? 0.03;
		this.#redialMs = options.redialMs ?? [3000, 15_000];
		this.#silentAfter = options.silentAfterSeconds ?? 1800;
		this.#postauth = options.postauth ?? false;
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
			const update = updateOf(session, now, octets);
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
		if (this.#postauth) await recordAccepts(db, logins);
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
			callingStationId: previous?.callingStationId ?? formatMac(randomMac(random), nas.macStyle),
			serviceType: previous?.serviceType ?? 'Framed-User',
			framedProtocol: previous?.framedProtocol ?? (hotspot ? '' : 'PPP'),
			framedIpAddress: framedIp,
		};
	}

	#newUserName(): string {
		const random = this.#simulator.random;
		if (random.chance(0.3)) return `c${String(random.int(100_000, 999_999)).padStart(7, '0')}`;
		return `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}${random.chance(0.3) ? random.int(1, 99) : ''}`;
	}
}
