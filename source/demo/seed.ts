/**
 * Builds a believable access network for the demo and the tests: subscribers homed on NAS, open PPPoE and
 * hotspot sessions with interim updates, a few sessions that stopped sending updates (stale), and weeks of
 * closed sessions with terminate causes. Sessions are written as accounting events (start, interim-update,
 * stop) through the same statements FreeRADIUS uses, so the rows look like the ones a real server writes.
 */
import {createHash} from 'node:crypto';
import type {Queryable} from '../db/queryable.js';
import {FREERADIUS_SCHEMA_SQL} from '../db/freeradius-schema.js';
import {recordInterims, recordStarts, recordStops, type StartEvent, type StopEvent, type UpdateEvent} from './accounting.js';
import {DEMO_NAS, type DemoNas, type DemoSite} from './network.js';
import {CONNECT_INFO, FIRST_NAMES, formatMac, LAST_NAMES, randomMac, REALMS} from './pools.js';
import {Random} from './random.js';
import {seedDemoSubscribers} from './subscribers.js';
import {seedDemoPostauth} from './postauth.js';

export interface SeedOptions {
	readonly seed?: number;
	/** The instant the network is seeded at (default: now). */
	readonly now?: Date;
	readonly openSessions?: number;
	readonly closedSessions?: number;
	/** Share of open sessions whose NAS stopped sending interim updates. */
	readonly staleShare?: number;
	/** How far back closed sessions go, in days. */
	readonly historyDays?: number;
	/**
	 * One NAS that reloaded (FreeRADIUS's nasreload row) `agoSeconds` before the seed, and `ghosts` open
	 * sessions on it that it dropped then: started and last updated before the reload, silent since.
	 */
	readonly reload?: DemoReload;
	/** The NAS the subscribers are homed on (default: the first site's, {@link DEMO_NAS}). */
	readonly nas?: readonly DemoNas[];
}

/** A NAS reload of the demo network, and the sessions it left open in radacct. */
export interface DemoReload {
	/** The NAS's name (network.ts). */
	readonly nas: string;
	readonly agoSeconds: number;
	readonly ghosts: number;
}

/**
 * The demo's reload: bng-3 rebooted 12 minutes ago and 5 sessions it had then are still open in radacct, silent
 * for 13 to 19 minutes: not stale yet (bng-3's interim interval is 10 minutes), but ghost candidates (G).
 */
export const DEMO_RELOAD: DemoReload = {nas: 'bng-3', agoSeconds: 12 * 60, ghosts: 5};

/** How a demo site is seeded as of `now`: its NAS, its size, its own generator; the reload is the first site's. */
export function demoSiteSeedOptions(site: DemoSite, now: Date): SeedOptions {
	return {
		seed: site.seed,
		now,
		nas: site.nas,
		openSessions: site.openSessions,
		closedSessions: site.closedSessions,
		...(site.nas.some((nas) => nas.name === DEMO_RELOAD.nas) ? {reload: DEMO_RELOAD} : {}),
	};
}

interface Subscriber {
	readonly userName: string;
	readonly realm: string | null;
	readonly nas: DemoNas;
	readonly mac: readonly number[];
	/** Mean download rate, bit/s. */
	readonly downBps: number;
	readonly upShare: number;
}

export interface DemoNetwork {
	readonly nas: readonly DemoNas[];
	readonly starts: StartEvent[];
	/** Two rounds of interim updates: the one before last, then the last (so acctinterval is set). */
	readonly interims: [UpdateEvent[], UpdateEvent[]];
	readonly stops: StopEvent[];
	/** nasreload's rows: a NAS's IP and its reload instant (seconds since the epoch). */
	readonly reloads: ReadonlyArray<{readonly nasIpAddress: string; readonly timestamp: number}>;
}

const CAUSES: ReadonlyArray<readonly [string, number]> = [
	['User-Request', 38],
	['Lost-Carrier', 22],
	['Idle-Timeout', 9],
	['Session-Timeout', 8],
	['Lost-Service', 7],
	['Admin-Reset', 6],
	['NAS-Request', 4],
	['NAS-Reboot', 3],
	['Port-Error', 2],
	['Admin-Reboot', 1],
];

function userNameFor(random: Random, index: number): {userName: string; realm: string | null} {
	const style = random.weighted<'name' | 'realm' | 'account' | 'initial'>([
		['name', 40],
		['realm', 25],
		['account', 25],
		['initial', 10],
	]);
	const first = random.pick(FIRST_NAMES);
	const last = random.pick(LAST_NAMES);
	switch (style) {
		case 'name':
			return {userName: `${first}.${last}${index % 7 === 0 ? random.int(1, 99) : ''}`, realm: null};
		case 'realm': {
			const realm = random.pick(REALMS);
			return {userName: `${first}${random.chance(0.5) ? '.' + last : random.int(1, 999)}@${realm}`, realm};
		}
		case 'account':
			return {userName: `c${String(100_000 + index * 7 + random.int(0, 6)).padStart(7, '0')}`, realm: null};
		case 'initial':
			return {userName: `${first[0]}${last}-${random.pick(['home', 'office', 'shop', 'farm'])}`, realm: null};
	}
}

function uniqueId(...parts: string[]): string {
	return createHash('md5').update(parts.join(',')).digest('hex');
}

/** Generates the demo network's accounting events (pure: the same options give the same events). */
export function generateDemoNetwork(options: SeedOptions = {}): DemoNetwork {
	const random = new Random(options.seed ?? 20_261_125);
	const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
	const openCount = options.openSessions ?? 3000;
	const closedCount = options.closedSessions ?? 30_000;
	const staleShare = options.staleShare ?? 0.012;
	const historySeconds = (options.historyDays ?? 21) * 86_400;

	const subscriberCount = Math.max(8, Math.round(openCount * 1.25));
	const nasList = options.nas ?? DEMO_NAS;
	const nasWeights = nasList.map((nas) => [nas, nas.weight] as const);
	const usedNames = new Set<string>();
	const subscribers: Subscriber[] = [];
	for (let index = 0; subscribers.length < subscriberCount; index++) {
		const {userName, realm} = userNameFor(random, index);
		if (usedNames.has(userName)) continue;
		usedNames.add(userName);
		subscribers.push({
			userName,
			realm,
			nas: random.weighted(nasWeights),
			mac: randomMac(random),
			downBps: random.logUniform(50_000, 40_000_000),
			upShare: 0.05 + random.next() * 0.25,
		});
	}

	const starts: StartEvent[] = [];
	const before: UpdateEvent[] = [];
	const last: UpdateEvent[] = [];
	const stops: StopEvent[] = [];
	const sessionCounter = new Map<string, number>();
	const usedIps = new Set<string>();

	const startSession = (subscriber: Subscriber, startedAt: number): StartEvent => {
		const nas = subscriber.nas;
		const counter = (sessionCounter.get(nas.ip) ?? 0x81a00000) + 1;
		sessionCounter.set(nas.ip, counter);
		const acctSessionId = nas.vendor === 'accel-ppp' ? counter.toString(16).padStart(16, '0') : counter.toString(16);
		let framedIp: string;
		do {
			framedIp = `100.${64 + nas.poolBase + random.int(0, 15)}.${random.int(0, 255)}.${random.int(1, 254)}`;
		} while (usedIps.has(framedIp));
		usedIps.add(framedIp);
		const port = nas.service === 'hotspot' ? 'bridge-guest' : `${nas.vendor === 'cisco' ? 'Gi0/0/1.' : 'vlan'}${random.int(100, 4000)}`;
		return {
			acctSessionId,
			acctUniqueId: uniqueId(subscriber.userName, acctSessionId, nas.ip, String(startedAt)),
			userName: subscriber.userName,
			realm: subscriber.realm,
			nasIpAddress: nas.ip,
			nasPortId: port,
			nasPortType: nas.service === 'hotspot' ? 'Wireless-802.11' : 'Ethernet',
			timestamp: startedAt,
			connectInfo: nas.service === 'hotspot' ? '' : random.pick(CONNECT_INFO),
			calledStationId: nas.service === 'hotspot' ? 'hotspot-mall' : `pppoe-${nas.name}`,
			callingStationId: formatMac(subscriber.mac, nas.macStyle),
			serviceType: 'Framed-User',
			framedProtocol: nas.service === 'hotspot' ? '' : 'PPP',
			framedIpAddress: framedIp,
		};
	};

	const counters = (subscriber: Subscriber, seconds: number) => {
		const down = Math.round((subscriber.downBps * seconds * (0.3 + random.next() * 0.7)) / 8);
		return {outputOctets: down, inputOctets: Math.round(down * subscriber.upShare)};
	};

	/** An open session's last two Interim-Updates, `interval` apart, the last at `lastUpdate`. */
	const lastTwoInterims = (subscriber: Subscriber, start: StartEvent, startedAt: number, lastUpdate: number, interval: number) => {
		for (const [list, at] of [
			[before, lastUpdate - interval],
			[last, lastUpdate],
		] as const) {
			list.push({
				acctUniqueId: start.acctUniqueId,
				timestamp: at,
				sessionTime: at - startedAt,
				framedIpAddress: start.framedIpAddress,
				...counters(subscriber, at - startedAt),
			});
		}
	};

	// Open sessions: most subscribers online once, a few with a second device.
	for (let index = 0; index < openCount; index++) {
		// Most subscribers have one session; a few have a second device online.
		const subscriber = random.chance(0.03) ? random.pick(subscribers) : subscribers[index % subscribers.length]!;
		const age = Math.min(14 * 86_400, Math.round(random.exponential(20 * 3600))) + random.int(5, 120);
		const startedAt = nowSeconds - age;
		const start = startSession(subscriber, startedAt);
		starts.push(start);
		const interval = subscriber.nas.interimInterval;
		const stale = random.chance(staleShare);
		// A NAS sends Interim-Update every `interval` seconds from the start; a stale one fell silent hours ago.
		const silentSince = stale ? nowSeconds - random.int(45 * 60, 8 * 3600) : nowSeconds;
		const lastUpdate = startedAt + Math.floor((silentSince - startedAt) / interval) * interval;
		if (lastUpdate - interval <= startedAt) continue; // too young (or went silent too early) for two interims
		lastTwoInterims(subscriber, start, startedAt, lastUpdate, interval);
	}

	// Closed sessions over the history window, each with its interims and a stop.
	for (let index = 0; index < closedCount; index++) {
		const subscriber = random.pick(subscribers);
		const startedAt = nowSeconds - random.int(3600, historySeconds);
		const duration = Math.max(20, Math.min(nowSeconds - startedAt - 60, Math.round(random.exponential(9 * 3600))));
		const start = startSession(subscriber, startedAt);
		starts.push(start);
		const stoppedAt = startedAt + duration;
		const interval = subscriber.nas.interimInterval;
		const lastUpdate = startedAt + Math.floor(duration / interval) * interval;
		if (lastUpdate - interval > startedAt) {
			for (const [list, at] of [
				[before, lastUpdate - interval],
				[last, lastUpdate],
			] as const) {
				list.push({
					acctUniqueId: start.acctUniqueId,
					timestamp: at,
					sessionTime: at - startedAt,
					framedIpAddress: start.framedIpAddress,
					...counters(subscriber, at - startedAt),
				});
			}
		}
		stops.push({
			acctUniqueId: start.acctUniqueId,
			timestamp: stoppedAt,
			sessionTime: duration,
			framedIpAddress: start.framedIpAddress,
			terminateCause: random.weighted(CAUSES),
			connectInfo: start.connectInfo,
			...counters(subscriber, duration),
		});
		usedIps.delete(start.framedIpAddress ?? '');
	}

	/** The reload's nasreload row and its ghosts, drawn last so the rest of the network stays as without them. */
	const reloadGhosts = (reload: DemoReload): DemoNetwork['reloads'] => {
		const nas = nasList.find((candidate) => candidate.name === reload.nas);
		if (!nas) throw new RangeError(`no demo NAS named ${reload.nas}`);
		const reloadedAt = nowSeconds - reload.agoSeconds;
		const homed = subscribers.filter((subscriber) => subscriber.nas === nas);
		for (let index = 0; index < reload.ghosts && homed.length > 0; index++) {
			const subscriber = homed[(index * 7) % homed.length]!;
			// Last heard of 1 to 6.5 minutes before the reload: silent for less than twice the interim interval.
			const lastUpdate = reloadedAt - random.int(60, 400);
			const startedAt = lastUpdate - nas.interimInterval * random.int(2, 200);
			const start = startSession(subscriber, startedAt);
			starts.push(start);
			lastTwoInterims(subscriber, start, startedAt, lastUpdate, nas.interimInterval);
		}
		return [{nasIpAddress: nas.ip, timestamp: reloadedAt}];
	};
	const reloads = options.reload ? reloadGhosts(options.reload) : [];
	return {nas: nasList, starts, interims: [before, last], stops, reloads};
}

const BATCH = 5000;

async function inBatches<T>(items: readonly T[], write: (batch: readonly T[]) => Promise<void>): Promise<void> {
	for (let offset = 0; offset < items.length; offset += BATCH) await write(items.slice(offset, offset + BATCH));
}

/** Creates the FreeRADIUS tables (if missing) and fills them with a generated network. */
export async function seedDemoDatabase(
	db: Queryable & {exec?: (sql: string) => Promise<unknown>},
	options: SeedOptions = {},
): Promise<DemoNetwork> {
	const network = generateDemoNetwork(options);
	if (db.exec) await db.exec(FREERADIUS_SCHEMA_SQL);
	else await db.query(FREERADIUS_SCHEMA_SQL);
	for (const nas of network.nas) {
		await db.query('INSERT INTO nas (nasname, shortname, type, secret, description) VALUES ($1, $2, $3, $4, $5)', [
			nas.ip,
			nas.name,
			nas.type,
			nas.secret,
			nas.description,
		]);
	}
	await inBatches(network.starts, (batch) => recordStarts(db, batch));
	await inBatches(network.interims[0], (batch) => recordInterims(db, batch));
	await inBatches(network.interims[1], (batch) => recordInterims(db, batch));
	await inBatches(network.stops, (batch) => recordStops(db, batch));
	// As FreeRADIUS's accounting-on query writes it (the nasreload strategy of queries.conf).
	for (const reload of network.reloads) {
		await db.query(
			'INSERT INTO nasreload (nasipaddress, reloadtime) VALUES ($1::inet, to_timestamp($2)) ' +
				'ON CONFLICT (nasipaddress) DO UPDATE SET reloadtime = EXCLUDED.reloadtime',
			[reload.nasIpAddress, reload.timestamp],
		);
	}
	await seedDemoSubscribers(db, [...new Set(network.starts.map((start) => start.userName))]);
	await seedDemoPostauth(db, network.starts, Math.floor((options.now ?? new Date()).getTime() / 1000));
	return network;
}
