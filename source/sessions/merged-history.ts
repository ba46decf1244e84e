/**
 * The online history of several sites as one: each site asked at once within the history's own deadline (longer
 * than the poll's: it is a bigger statement), apart from the poll, so a slow history never marks a site stale nor
 * holds its poll back. Each NAS's series is tagged with its site (an IP at two sites is two series).
 */
import {describeError} from '../db/errors.js';
import {latest} from './merged-parts.js';
import type {HistoryWindow} from './online-history-sql.js';
import type {MissingSite, NasHistory, OnlineHistory} from './online-history.js';
import {HISTORY_TIMEOUT_MS, type SessionReader} from './session-source.js';

/** A site's history reads: the site's own statement timeout for it, and 2 s for the answer to travel. */
export const HISTORY_DEADLINE_MS = HISTORY_TIMEOUT_MS + 2_000;

const LATE = Symbol('late');

interface HistorySite {
	readonly name: string;
	readonly reader: SessionReader;
	/** A read past its deadline, still unsettled: the site is not asked again until it settles. */
	waiting: Promise<unknown> | undefined;
}

export class MergedHistory {
	readonly #sites: HistorySite[];
	readonly #deadlineMs: number;

	constructor(sites: ReadonlyArray<{readonly name: string; readonly reader: SessionReader}>, deadlineMs = HISTORY_DEADLINE_MS) {
		this.#sites = sites.map((site) => ({name: site.name, reader: site.reader, waiting: undefined}));
		this.#deadlineMs = deadlineMs;
	}

	/** One site's history within the deadline: the answer, or why there is none. */
	async #ask(site: HistorySite, read: () => Promise<OnlineHistory>): Promise<OnlineHistory | string> {
		if (site.waiting) return 'its last history read has not answered yet';
		const asked = read();
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<typeof LATE>((resolve) => {
			timer = setTimeout(() => resolve(LATE), this.#deadlineMs);
		});
		try {
			const first = await Promise.race([asked, late]);
			if (first !== LATE) return first;
			const waiting = asked.catch(() => undefined);
			site.waiting = waiting;
			void waiting.finally(() => {
				if (site.waiting === waiting) site.waiting = undefined;
			});
			return `no answer in ${Number((this.#deadlineMs / 1000).toFixed(1))} s`;
		} catch (error) {
			return describeError(error);
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * Each site's open sessions per NAS over the window. A site that fails or does not answer in time leaves its
	 * part out and is named in `missingSites` (an older history of it would not line up with the others' points);
	 * when no site answers, the error names each. The points are lined up by their index under the latest site's
	 * end: the sites' clocks are taken to agree within a step.
	 */
	async read(window: HistoryWindow): Promise<OnlineHistory> {
		const missing: MissingSite[] = [];
		const reads = await Promise.all(
			this.#sites.map(async (site) => {
				const read = site.reader.onlineHistory?.bind(site.reader);
				if (!read) {
					missing.push({site: site.name, error: 'this database reader has no history'});
					return undefined;
				}
				const value = await this.#ask(site, () => read(window));
				if (typeof value === 'string') {
					missing.push({site: site.name, error: value});
					return undefined;
				}
				return {site, value};
			}),
		);
		const known = reads.filter((read) => read !== undefined);
		const order = new Map(this.#sites.map((site, index) => [site.name, index]));
		missing.sort((a, b) => order.get(a.site)! - order.get(b.site)!);
		if (known.length === 0) {
			throw new Error(`no site answered (${missing.map((site) => `${site.site}: ${site.error}`).join('; ')})`);
		}
		const perNas: NasHistory[] = known
			.flatMap(({site, value}) => value.perNas.map((nas) => ({...nas, site: site.name})))
			.sort(
				(a, b) =>
					(b.online.at(-1) ?? 0) - (a.online.at(-1) ?? 0) ||
					a.site.localeCompare(b.site) ||
					a.nasipaddress.localeCompare(b.nasipaddress),
			);
		return {
			end: latest(known.map(({value}) => value.end)),
			stepSeconds: window.stepSeconds,
			perNas,
			...(missing.length > 0 ? {missingSites: missing} : {}),
		};
	}
}
