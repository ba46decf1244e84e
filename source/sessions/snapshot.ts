/** What one poll brings back, and how it is fetched: one window, the total, the stats. */
import type {Session, SessionFilter, SessionSort, SessionStats, SessionTotal, SiteStatus} from './session.js';
import type {Rate} from './session-math.js';
import type {RateTracker} from './session-math.js';
import {sessionKey} from './session-key.js';
import {combineStats, type SessionReader, type StaleAndUsers} from './session-source.js';

export interface SnapshotRequest {
	/** Identifies the filter and sort; a snapshot for an older key is not shown as current. */
	readonly key: string;
	readonly filter: SessionFilter;
	readonly sort: SessionSort;
	readonly offset: number;
	readonly limit: number;
}

export interface Snapshot {
	readonly key: string;
	readonly offset: number;
	readonly rows: readonly Session[];
	readonly total: SessionTotal;
	readonly stats: SessionStats;
	readonly rates: ReadonlyMap<string, Rate>;
	/**
	 * When each NAS last reloaded (nasreload), by IP: read once per poll. Empty when the table is missing or
	 * unreadable (doctor says why; the console says nothing).
	 */
	readonly reloads?: ReadonlyMap<string, Date>;
	/** Open sessions per user, for the users of the window's open rows (when the source counts them). */
	readonly userOpenSessions?: ReadonlyMap<string, number>;
	/** Each site's state, when the rows come from several sites: how old its data is, why it is stale. */
	readonly sites?: readonly SiteStatus[];
	/** Local clock when it arrived (epoch ms). */
	readonly fetchedAt: number;
	readonly durationMs: number;
}

/**
 * Unique users and stale counts need a pass over every open row's heap; the console refreshes them every
 * `maxAgeMs` (default 30 s) rather than on every poll, and shows the last ones meanwhile.
 */
export class SlowCounts {
	readonly #maxAgeMs: number;
	#last: StaleAndUsers | undefined;
	#generation = 0;

	constructor(maxAgeMs = 30_000) {
		this.#maxAgeMs = maxAgeMs;
	}

	/** The next get() reads them again (a disconnect run has just ended: they moved at once). */
	expire(): void {
		this.#last = undefined;
		this.#generation++;
	}

	async get(source: SessionReader): Promise<StaleAndUsers> {
		if (this.#last && Date.now() - this.#last.at.getTime() < this.#maxAgeMs) return this.#last;
		const generation = this.#generation;
		const read = await source.staleAndUsers();
		// A read that began before expire() may predate what moved: the next get reads again.
		if (generation === this.#generation) this.#last = read;
		return read;
	}
}

function isWholeNetwork(filter: SessionFilter): boolean {
	return (
		filter.status === 'active' &&
		!filter.search &&
		!filter.nasIps?.length &&
		!filter.startedFrom &&
		!filter.startedTo &&
		!filter.concurrent &&
		!filter.site
	);
}

/**
 * Fetches a snapshot: the window, the stats and (unless the stats already hold it: every open session)
 * the total. Each is one short statement; nothing stays open in between.
 */
export async function fetchSnapshot(
	source: SessionReader,
	request: SnapshotRequest,
	rates: RateTracker,
	slow: SlowCounts = new SlowCounts(0),
): Promise<Omit<Snapshot, 'fetchedAt' | 'durationMs'>> {
	const page = await source.list(request.filter, request.sort, {limit: request.limit, offset: request.offset});
	const counts = await source.openCounts();
	const total = isWholeNetwork(request.filter) ? {total: counts.openSessions, capped: false} : await source.count(request.filter);
	const stats = combineStats(counts, await slow.get(source));
	const reloads = source.nasReloads ? (await source.nasReloads()).byIp : new Map<string, Date>();
	rates.observe(page.rows);
	const known = new Map<string, Rate>();
	for (const row of page.rows) {
		const rate = rates.rateOf(sessionKey(row));
		if (rate) known.set(sessionKey(row), rate);
	}
	const users = page.rows.filter((row) => row.acctstoptime === null && row.username).map((row) => row.username!);
	const userOpenSessions = source.userOpenCounts && users.length > 0 ? await source.userOpenCounts(users) : undefined;
	return {
		key: request.key,
		offset: request.offset,
		rows: page.rows,
		total,
		stats,
		rates: known,
		reloads,
		...(userOpenSessions ? {userOpenSessions} : {}),
		...(source.siteStatus ? {sites: source.siteStatus()} : {}),
	};
}
