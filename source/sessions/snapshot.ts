/** What one poll brings back, and how it is fetched: one window, the total, the stats. */
import type {Session, SessionFilter, SessionSort, SessionStats, SessionTotal, SiteStatus} from './session.js';
import type {Rate} from './session-math.js';
import type {RateTracker} from './session-math.js';
import {sessionKey} from './session-key.js';
import {readPoll, type PollAsk} from './poll-reads.js';
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
	 * When each NAS last reloaded (nasreload), keyed by nasCountKey (its IP, `site:IP` over sites): read once per poll. Empty when the table is missing or
	 * unreadable (doctor says why; the console says nothing).
	 */
	readonly reloads?: ReadonlyMap<string, Date>;
	/** Open sessions per user, for the users of the window's open rows (keyed by userCountKey: `site:username` over sites). */
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

	/** The counts kept, while younger than the cadence; undefined when a read is due. */
	fresh(): StaleAndUsers | undefined {
		return this.#last && Date.now() - this.#last.at.getTime() < this.#maxAgeMs ? this.#last : undefined;
	}

	/** Where expire() stands: a read begun now is kept by keep() only if no expire() came in between. */
	get generation(): number {
		return this.#generation;
	}

	/** Keeps a read begun at `generation` (one that began before expire() may predate what moved); returns it. */
	keep(read: StaleAndUsers, generation: number): StaleAndUsers {
		if (generation === this.#generation) this.#last = read;
		return read;
	}

	async get(source: SessionReader): Promise<StaleAndUsers> {
		const kept = this.fresh();
		if (kept) return kept;
		const generation = this.#generation;
		return this.keep(await source.staleAndUsers(), generation);
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
 * the total, as one poll's reads (poll-reads.ts). Each is one short statement; nothing stays open in between.
 */
export async function fetchSnapshot(
	source: SessionReader,
	request: SnapshotRequest,
	rates: RateTracker,
	slow: SlowCounts = new SlowCounts(0),
): Promise<Omit<Snapshot, 'fetchedAt' | 'durationMs'>> {
	const kept = slow.fresh();
	const generation = slow.generation;
	const ask: PollAsk = {
		filter: request.filter,
		sort: request.sort,
		window: {limit: request.limit, offset: request.offset},
		total: !isWholeNetwork(request.filter),
		slow: kept === undefined,
	};
	const reads = source.pollReads ? await source.pollReads(ask) : await readPoll(source, ask);
	const {page, counts} = reads;
	const total = reads.total ?? {total: counts.openSessions, capped: false};
	const slowCounts = kept ?? (reads.slow && slow.keep(reads.slow, generation));
	if (!slowCounts) throw new Error('the poll read no unique users and stale counts');
	const stats = combineStats(counts, slowCounts);
	const reloads = reads.reloads.byIp;
	rates.observe(page.rows);
	const known = new Map<string, Rate>();
	for (const row of page.rows) {
		const rate = rates.rateOf(sessionKey(row));
		if (rate) known.set(sessionKey(row), rate);
	}
	const userOpenSessions = reads.userCounts;
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
