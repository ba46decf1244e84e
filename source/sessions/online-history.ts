/**
 * The online count over time as radtop holds it: the server's history (online-history-sql.ts) and the console's
 * own poll counts appended while it runs, per NAS, and the series summed over NAS for the network, a region or a
 * NAS filter. Pure.
 *
 * NAS are keyed by {@link nasCountKey}: the IP alone, or `site:IP` when the counts come from several sites (the
 * same IP can be a NAS at each, two series then).
 */
import {nasCountKey} from './session-key.js';

/** The open sessions of one NAS at each point of a history, oldest first. */
export interface NasHistory {
	readonly nasipaddress: string;
	readonly nasname: string | null;
	readonly online: readonly number[];
	/** The site of the NAS, when the history was read from several sites. */
	readonly site?: string;
}

/** A site whose history could not be read: its NAS are missing from the history. */
export interface MissingSite {
	readonly site: string;
	readonly error: string;
}

/** Counts at evenly spaced points: `points[i]` is at `end - (points.length - 1 - i) * stepSeconds`. */
export interface OnlineHistory {
	/** The last point's instant (the database's now() when read). */
	readonly end: Date;
	readonly stepSeconds: number;
	readonly perNas: readonly NasHistory[];
	/** Read from several sites: those that did not answer, their part left out. */
	readonly missingSites?: readonly MissingSite[];
}

/** The key of the NAS at `ip` (of `site`, over several sites): {@link nasCountKey}. */
export function nasKey(ip: string, site?: string): string {
	return site === undefined ? ip : nasCountKey({nasipaddress: ip, site});
}

/** One count at one instant. */
export interface Sample {
	readonly at: number;
	readonly online: number;
}

/** A series of counts at instants, oldest first (what the sparkline and the chart draw). */
export type Series = readonly Sample[];

/** The instant (ms) of point `index` of a history of `length` points. */
function pointAt(history: OnlineHistory, index: number, length: number): number {
	return history.end.getTime() - (length - 1 - index) * history.stepSeconds * 1000;
}

/** The series of these NAS (keys: {@link nasCountKey}; all of them when undefined), summed point by point. */
export function historySeries(history: OnlineHistory, nasKeys?: readonly string[]): Series {
	const wanted = nasKeys ? new Set(nasKeys) : undefined;
	const rows = history.perNas.filter((nas) => !wanted || wanted.has(nasCountKey(nas)));
	const length = Math.max(0, ...history.perNas.map((nas) => nas.online.length));
	const series: Sample[] = [];
	for (let index = 0; index < length; index++) {
		let online = 0;
		for (const row of rows) online += row.online[index] ?? 0;
		series.push({at: pointAt(history, index, length), online});
	}
	return series;
}

/** At most this many poll samples are kept per NAS (6 hours at a 2 s poll). */
export const POLL_RING_SIZE = 10_800;

/** A fixed-size ring of samples, oldest dropped first. */
class Ring {
	readonly #items: Sample[] = [];
	#start = 0;

	constructor(readonly capacity: number) {}

	push(sample: Sample): void {
		if (this.#items.length < this.capacity) this.#items.push(sample);
		else {
			this.#items[this.#start] = sample;
			this.#start = (this.#start + 1) % this.capacity;
		}
	}

	last(): Sample | undefined {
		return this.#items.length === 0 ? undefined : this.#items[(this.#start + this.#items.length - 1) % this.#items.length];
	}

	toArray(): Sample[] {
		return [...this.#items.slice(this.#start), ...this.#items.slice(0, this.#start)];
	}
}

/**
 * The console's own counts, one sample per poll per NAS (keyed by {@link nasCountKey}), in a bounded ring per
 * NAS. Mutable (the poll hook owns it and appends to it); readers take copies.
 */
export class PollSamples {
	readonly #perNas = new Map<string, Ring>();
	/** The site of each key that has one. */
	readonly #sites = new Map<string, string>();
	readonly #capacity: number;

	constructor(capacity = POLL_RING_SIZE) {
		this.#capacity = Math.max(1, Math.floor(capacity));
	}

	/**
	 * One poll's per-NAS open counts at `at` (ms); a poll not newer than the last one is ignored. A NAS seen before
	 * but absent from this poll had no open session: it gets a 0, so its line drops to the floor instead of
	 * stopping at its last count.
	 */
	add(at: number, perNas: ReadonlyArray<{nasipaddress: string; sessions: number; site?: string}>): void {
		const counts = new Map(perNas.map((nas) => [nasCountKey(nas), nas.sessions]));
		for (const nas of perNas) if (nas.site !== undefined) this.#sites.set(nasCountKey(nas), nas.site);
		for (const key of counts.keys()) if (!this.#perNas.has(key)) this.#perNas.set(key, new Ring(this.#capacity));
		for (const [key, ring] of this.#perNas) {
			const last = ring.last();
			if (last && last.at >= at) continue;
			ring.push({at, online: counts.get(key) ?? 0});
		}
	}

	/** The NAS with samples, by key (the IP, or `site:IP`). */
	get nasIps(): string[] {
		return [...this.#perNas.keys()];
	}

	/** The keys of the NAS of one site. */
	keysOf(site: string): string[] {
		return this.nasIps.filter((key) => this.#sites.get(key) === site);
	}

	/** The site of a key's NAS, when its counts came with one. */
	siteOf(key: string): string | undefined {
		return this.#sites.get(key);
	}

	/** One NAS's samples, oldest first (by key). */
	of(key: string): Sample[] {
		return this.#perNas.get(key)?.toArray() ?? [];
	}

	/**
	 * The samples of these NAS (all when undefined) summed per poll instant (a poll's instant is the same for every
	 * NAS it counted).
	 */
	series(nasKeys?: readonly string[]): Series {
		const sums = new Map<number, number>();
		for (const key of nasKeys ?? this.nasIps)
			for (const sample of this.of(key)) sums.set(sample.at, (sums.get(sample.at) ?? 0) + sample.online);
		return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([at, online]) => ({at, online}));
	}
}

/**
 * The history's series continued by the console's own samples taken after its last point (the history is read
 * once a minute; the polls in between are newer). Without a history, the samples alone; likewise for NAS of
 * sites whose history is missing (their history is unknown, not none).
 */
export function mergedSeries(history: OnlineHistory | undefined, samples: PollSamples, nasKeys?: readonly string[]): Series {
	const polled = samples.series(nasKeys);
	if (!history) return polled;
	const missing = new Set(history.missingSites?.map((site) => site.site));
	const unknown = (key: string) => {
		const site = samples.siteOf(key);
		return site !== undefined && missing.has(site);
	};
	if (missing.size > 0 && nasKeys && nasKeys.length > 0 && nasKeys.every(unknown)) return polled;
	const read = historySeries(history, nasKeys);
	const last = read.at(-1)?.at ?? -Infinity;
	return [...read, ...polled.filter((sample) => sample.at > last)];
}

/** The keys of every NAS of one site, in the history or the samples (a site's total is their sum). */
export function siteNasKeys(history: OnlineHistory | undefined, samples: PollSamples, site: string): string[] {
	const read = history?.perNas.filter((nas) => nas.site === site).map(nasCountKey) ?? [];
	return [...new Set([...read, ...samples.keysOf(site)])];
}

/**
 * A series as `points` counts at even steps over [from, to]: each point is the last sample at or before its
 * instant (a count holds until the next one), undefined before the first sample.
 */
export function resample(series: Series, from: number, to: number, points: number): Array<number | undefined> {
	const result: Array<number | undefined> = [];
	if (points < 1) return result;
	const step = points === 1 ? 0 : (to - from) / (points - 1);
	let cursor = -1;
	for (let index = 0; index < points; index++) {
		const at = points === 1 ? to : from + index * step;
		while (cursor + 1 < series.length && series[cursor + 1]!.at <= at + 1e-6) cursor++;
		result.push(cursor >= 0 ? series[cursor]!.online : undefined);
	}
	return result;
}
