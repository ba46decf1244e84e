/**
 * One simulated NAS: its identity, faults and counters, and its sessions, which are radacct's open rows with its
 * nasipaddress (one parameterised query per lookup, nothing cached). Its CoA and RouterOS API listeners act on
 * it; the simulator that runs it writes the Accounting-Stops.
 */
import {isIP} from 'node:net';
import type {Queryable} from '../db/queryable.js';
import type {StopEvent} from './accounting.js';
import type {DemoNas, NasVendor} from './network.js';
import type {Random} from './random.js';
import type {SimulatedCoaServer} from './simulated-coa.js';
import type {
	MutableNasStats,
	NasFaults,
	RunningNas,
	SessionCriteria,
	SimulatedNasConfig,
	SimulatedNasContext,
	SimulatedSession,
} from './simulated-nas-types.js';
import {normalizeMac, type SimulatedRouterOsServer} from './simulated-routeros.js';
import {grownOctets, SESSION_COLUMNS, toSession, updateOf, type Row} from './simulated-sessions.js';

/** What a simulated NAS needs from the simulator that runs it. */
export interface SimulatorHost {
	readonly db: Queryable;
	readonly random: Random;
	/** True once the simulator is closing. */
	readonly closed: boolean;
	readonly duplicateWindowMs: number;
	readonly ghostAfterSeconds: number | undefined;
	/** The clock, in whole seconds since the epoch. */
	nowSeconds(): number;
	/** Queues the Accounting-Stop of a session just ended. */
	scheduleStop(nas: SimulatedNas, event: StopEvent): void;
	/** Remembers a subscriber whose session ended, so live traffic can dial them back in. */
	redial(nas: SimulatedNas, session: SimulatedSession, cause: string): void;
	sleep(ms: number): Promise<boolean>;
	track(work: Promise<unknown>): void;
}

/** The faults of a NAS that was given none. */
const DEFAULT_FAULTS: NasFaults = {
	dropRate: 0,
	delayMs: 0,
	wrongSecret: false,
	nakAll: false,
	nakErrorCause: 506,
	closeApiMidCommand: false,
	apiDown: false,
};

/** Most rows one lookup returns (a print of a whole BNG included). */
const MAX_ROWS = 100_000;

/** One simulated NAS, as its listeners and live traffic see it. */
export class SimulatedNas implements SimulatedNasContext {
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
	/**
	 * When FreeRADIUS's nasreload says this NAS last reloaded, read when the simulator starts: the sessions it
	 * last heard of before then are ones it dropped (ghosts in radacct), so CoA and the API do not find them.
	 */
	reloadedAt: Date | undefined;

	constructor(
		readonly config: SimulatedNasConfig,
		private readonly simulator: SimulatorHost,
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
		if (this.reloadedAt !== undefined) {
			// The inverse of a ghost candidate (sessions/ghost.ts): started, or heard of, since the reload.
			add(
				(p) => `NOT (acctstarttime < ${p}::timestamptz AND COALESCE(acctupdatetime, acctstarttime) < ${p}::timestamptz)`,
				this.reloadedAt.toISOString(),
			);
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
				...updateOf(session, now, octets),
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

/** `faults`, or a RangeError naming the first value out of range. */
export function validFaults(faults: NasFaults): NasFaults {
	if (!(faults.dropRate >= 0 && faults.dropRate <= 1)) throw new RangeError(`dropRate must be from 0 to 1, got ${faults.dropRate}`);
	if (!(faults.delayMs >= 0)) throw new RangeError(`delayMs must not be negative, got ${faults.delayMs}`);
	if (!(Number.isInteger(faults.nakErrorCause) && faults.nakErrorCause >= 0 && faults.nakErrorCause <= 0xff_ff_ff_ff)) {
		throw new RangeError(`nakErrorCause must be an unsigned 32-bit integer, got ${faults.nakErrorCause}`);
	}
	return faults;
}
