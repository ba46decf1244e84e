/**
 * Several sites read as one: a SessionReader over one reader per site (each its own radacct database), asked
 * concurrently, their answers merged. Rows are tagged with their site (`Session.site`) and merged in the sort's
 * order; counts and stats are summed, per-site parts kept. A site that fails, or does not answer within its
 * deadline, leaves its last answer in place (its rows marked stale: {@link SiteStatus}) with its error, while the
 * others go on; a call still unanswered past the deadline is not asked again until it settles.
 */
import {describeError} from '../db/errors.js';
import type {NasReloads} from '../db/nas-reload-table.js';
import type {HistoryWindow} from './online-history-sql.js';
import type {MissingSite, NasHistory, OnlineHistory} from './online-history.js';
import {MAX_WINDOW} from './radacct-sql.js';
import {mergeSiteRows, type SiteRows} from './merged-order.js';
import type {Session, SessionFilter, SiteStatus, SessionPage, SessionSort, SessionStats, SessionTotal, SessionWindow} from './session.js';
import {nasCountKey, parseSessionKey, userCountKey} from './session-key.js';
import type {Regions} from './regions.js';
import {combineStats, type OpenCounts, type SessionReader, type StaleAndUsers} from './session-source.js';

/** One site as the merged reader reads it. */
export interface SiteReader {
	readonly name: string;
	readonly reader: SessionReader;
}

export interface MergedReaderOptions {
	/** How long one call waits for a site before using its last answer. Default 3000 ms. */
	readonly deadlineMs?: number;
	/**
	 * How long the online history waits for a site (default 12 s: a site's own statement timeout for it is 10 s).
	 * It is read apart from the poll: a slow history never marks a site stale nor holds its poll back.
	 */
	readonly historyDeadlineMs?: number;
	readonly now?: () => number;
	/** The profile's regions: each site's reader resolves them against its own NAS (sites-context.ts). */
	readonly regions?: Regions | undefined;
}

/** The site a filter or key names is not one of the profile's sites. */
export class UnknownSiteError extends Error {
	override name = 'UnknownSiteError';
}

interface SiteState {
	readonly name: string;
	readonly reader: SessionReader;
	dataAt: number | null;
	error: string | null;
	/** A call past its deadline, still unsettled: the site is not asked again until it settles. */
	waiting: Promise<unknown> | undefined;
	/** The same for the online history, which is read apart from the poll. */
	historyWaiting: Promise<unknown> | undefined;
	readonly cache: Map<string, unknown>;
	openSessions: number | null;
}

const NO_ANSWER = Symbol('no answer');

export type {SiteStatus} from './session.js';

export class MergedSessionReader implements SessionReader {
	readonly #sites: readonly SiteState[];
	readonly #deadlineMs: number;
	readonly #historyDeadlineMs: number;
	readonly #now: () => number;
	/** The profile's regions; a `region:` term is read by each site against that site's NAS. */
	readonly regions: Regions | undefined;

	constructor(sites: readonly SiteReader[], options: MergedReaderOptions = {}) {
		if (sites.length === 0) throw new RangeError('a merged reader needs at least one site');
		this.#sites = sites.map((site) => ({
			name: site.name,
			reader: site.reader,
			dataAt: null,
			error: null,
			waiting: undefined,
			historyWaiting: undefined,
			cache: new Map(),
			openSessions: null,
		}));
		this.#deadlineMs = options.deadlineMs ?? 3000;
		this.#historyDeadlineMs = options.historyDeadlineMs ?? 12_000;
		this.#now = options.now ?? Date.now;
		this.regions = options.regions;
	}

	get staleAfterSeconds(): number {
		return this.#sites[0]!.reader.staleAfterSeconds;
	}

	/** The sites' names, in the profile's order. */
	get siteNames(): readonly string[] {
		return this.#sites.map((site) => site.name);
	}

	/** Each site's state as of its last call. */
	siteStatus(): readonly SiteStatus[] {
		return this.#sites.map((site) => ({
			name: site.name,
			dataAt: site.dataAt,
			stale: site.error !== null,
			error: site.error,
			openSessions: site.openSessions,
		}));
	}

	/** The sites a filter covers: its `site`, else all (an unknown name is an {@link UnknownSiteError}). */
	#covered(site: string | undefined): readonly SiteState[] {
		if (site === undefined) return this.#sites;
		const found = this.#sites.find((candidate) => candidate.name === site);
		if (!found) throw new UnknownSiteError(`no site "${site}" (sites: ${this.siteNames.join(', ')})`);
		return [found];
	}

	/**
	 * Asks one site, within the deadline. Its answer is kept under `cacheKey`; a failure or a late answer gives
	 * the last one kept (or NO_ANSWER) and marks the site stale with why.
	 */
	async #ask<T>(
		site: SiteState,
		cacheKey: string | undefined,
		call: (reader: SessionReader) => Promise<T>,
		marks: boolean,
	): Promise<T | typeof NO_ANSWER> {
		const kept = () => {
			if (cacheKey !== undefined && site.cache.has(cacheKey)) return site.cache.get(cacheKey) as T;
			return NO_ANSWER;
		};
		if (site.waiting) return kept();
		const asked = call(site.reader);
		const failed = (error: string) => {
			if (marks) site.error = error;
		};
		const answered = (value: T) => {
			if (cacheKey !== undefined) site.cache.set(cacheKey, value);
			if (marks) {
				site.dataAt = this.#now();
				site.error = null;
			}
			return value;
		};
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<typeof NO_ANSWER>((resolve) => {
			timer = setTimeout(() => resolve(NO_ANSWER), this.#deadlineMs);
		});
		try {
			const first = await Promise.race([asked, late]);
			if (first !== NO_ANSWER) return answered(first);
			// A late answer counts as a failure even for a call that does not mark: the site is not asked meanwhile.
			site.error = `no answer in ${formatSeconds(this.#deadlineMs)}`;
			const waiting = asked.then(answered, (error: unknown) => failed(describeError(error)));
			site.waiting = waiting;
			void waiting.finally(() => {
				if (site.waiting === waiting) site.waiting = undefined;
			});
			return kept();
		} catch (error) {
			failed(describeError(error));
			return cacheKey === undefined ? NO_ANSWER : kept();
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * Asks one site for its online history, within the history's own deadline; the answer, or why there is none.
	 * Neither a failure nor a late answer marks the site (the poll says whether it is up), and a read still
	 * unanswered is not asked again until it settles.
	 */
	async #askHistory(site: SiteState, read: () => Promise<OnlineHistory>): Promise<OnlineHistory | string> {
		if (site.historyWaiting) return `its last history read has not answered yet`;
		const asked = read();
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<typeof NO_ANSWER>((resolve) => {
			timer = setTimeout(() => resolve(NO_ANSWER), this.#historyDeadlineMs);
		});
		try {
			const first = await Promise.race([asked, late]);
			if (first !== NO_ANSWER) return first;
			const waiting = asked.catch(() => undefined);
			site.historyWaiting = waiting;
			void waiting.finally(() => {
				if (site.historyWaiting === waiting) site.historyWaiting = undefined;
			});
			return `no answer in ${formatSeconds(this.#historyDeadlineMs)}`;
		} catch (error) {
			return describeError(error);
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * Asks each site concurrently; throws naming each site's error when none has anything to give. Only the
	 * window and the open counts (`marks`) say whether a site is up: the rest are extras a site may lack.
	 */
	async #each<T>(
		sites: readonly SiteState[],
		cacheKey: string,
		call: (reader: SessionReader) => Promise<T>,
		marks = false,
	): Promise<Array<{site: SiteState; value: T}>> {
		const answers = await Promise.all(sites.map(async (site) => ({site, value: await this.#ask(site, cacheKey, call, marks)})));
		const known: Array<{site: SiteState; value: T}> = [];
		for (const {site, value} of answers) if (value !== NO_ANSWER) known.push({site, value: value as T});
		if (known.length === 0 && sites.length > 0) {
			const why = sites.map((site) => `${site.name}: ${site.error ?? 'no answer'}`).join('; ');
			throw new Error(sites.length === 1 ? why : `no site answered (${why})`);
		}
		return known;
	}

	async list(filter: SessionFilter, sort: SessionSort, window: SessionWindow): Promise<SessionPage> {
		const {site, ...plain} = filter;
		const offset = window.after ? 0 : (window.offset ?? 0);
		// Keyset paging is per site: a deep window asks each site for everything above its end, by offset.
		const wanted = Math.min(MAX_WINDOW, offset + window.limit);
		const key = `list:${JSON.stringify({plain, sort})}`;
		const pages = await this.#each(
			this.#covered(site),
			key,
			async (reader) => {
				const page = await reader.list(plain, sort, {limit: wanted});
				return {page, rows: page.rows};
			},
			true,
		);
		const parts: SiteRows[] = pages.map(({site: from, value}) => ({
			site: from.name,
			rows: value.rows.map((row) => ({...row, site: from.name})),
			dbNow: value.page.dbNow,
			...(value.page.sortValues ? {sortValues: value.page.sortValues} : {}),
		}));
		const merged = mergeSiteRows(parts, sort, plain.status, wanted);
		return {rows: merged.slice(offset, offset + window.limit), dbNow: latest(parts.map((part) => part.dbNow))};
	}

	async count(filter: SessionFilter): Promise<SessionTotal> {
		const {site, ...plain} = filter;
		const totals = await this.#each(this.#covered(site), `count:${JSON.stringify(plain)}`, (reader) => reader.count(plain));
		return {
			total: totals.reduce((sum, {value}) => sum + value.total, 0),
			capped: totals.some(({value}) => value.capped),
		};
	}

	async openCounts(): Promise<OpenCounts> {
		const counts = await this.#each(this.#sites, 'open-counts', (reader) => reader.openCounts(), true);
		let sessions = 0;
		let ageSum = 0;
		for (const {site, value} of counts) {
			site.openSessions = value.openSessions;
			sessions += value.openSessions;
			ageSum += (value.averageDurationSeconds ?? 0) * value.openSessions;
		}
		const perNas = counts
			.flatMap(({site, value}) => value.perNas.map((nas) => ({...nas, site: site.name})))
			.sort((a, b) => b.sessions - a.sessions || a.site.localeCompare(b.site) || a.nasipaddress.localeCompare(b.nasipaddress));
		return {
			openSessions: sessions,
			averageDurationSeconds: sessions > 0 ? ageSum / sessions : null,
			perNas,
			dbNow: latest(counts.map(({value}) => value.dbNow)),
		};
	}

	async staleAndUsers(): Promise<StaleAndUsers> {
		const reads = await this.#each(this.#sites, 'stale-and-users', (reader) => reader.staleAndUsers());
		const stalePerNas = new Map<string, number>();
		const sharingUsers = new Map<string, number>();
		for (const {site, value} of reads) {
			for (const [ip, stale] of value.stalePerNas) stalePerNas.set(nasCountKey({nasipaddress: ip, site: site.name}), stale);
			for (const [user, sessions] of value.sharingUsers ?? [])
				sharingUsers.set(userCountKey({username: user, site: site.name}), sessions);
		}
		return {
			// A user online at two sites counts at each: the sites' FreeRADIUS clusters do not share users.
			uniqueUsers: reads.reduce((sum, {value}) => sum + value.uniqueUsers, 0),
			stalePerNas,
			// Keyed `site:username` (userCountKey), as the rows they mark.
			sharingUsers,
			at: new Date(Math.min(...reads.map(({value}) => value.at.getTime()))),
		};
	}

	async stats(): Promise<SessionStats> {
		return combineStats(await this.openCounts(), await this.staleAndUsers());
	}

	/** One session by its key (`site:radacctid`); a plain radacctid is looked for at every site, the first found. */
	async session(key: string): Promise<Session | undefined> {
		const {site, radacctid} = parseSessionKey(key);
		for (const state of this.#covered(site)) {
			const found = await state.reader.session(radacctid);
			if (found) return {...found, site: state.name};
		}
		return undefined;
	}

	/** A user's sessions at every site that answers, newest first. */
	async history(username: string, limit = 20, since?: Date): Promise<Session[]> {
		const reads = await this.#each(this.#sites, `history:${username}:${limit}:${since?.getTime() ?? ''}`, (reader) =>
			reader.history(username, limit, since),
		);
		return reads
			.flatMap(({site, value}) => value.map((row) => ({...row, site: site.name})))
			.sort((a, b) => (b.acctstarttime?.getTime() ?? -Infinity) - (a.acctstarttime?.getTime() ?? -Infinity))
			.slice(0, limit);
	}

	/** Each NAS's last reload, keyed `site:IP` (nasCountKey): the same IP at two sites is two NAS. */
	async nasReloads(): Promise<NasReloads> {
		const reads = await this.#each(this.#sites, 'reloads', async (reader) =>
			reader.nasReloads ? reader.nasReloads() : {skipped: 'not read', byIp: new Map<string, Date>()},
		);
		const byIp = new Map<string, Date>();
		for (const {site, value} of reads)
			for (const [ip, at] of value.byIp) byIp.set(nasCountKey({nasipaddress: ip, site: site.name}), at);
		return {skipped: reads.every(({value}) => value.skipped !== null) ? (reads[0]?.value.skipped ?? null) : null, byIp};
	}

	/**
	 * Each site's open sessions per NAS over the window, asked concurrently within the deadline; each NAS's series
	 * tagged with its site (an IP at two sites is two series). A site that fails or does not answer in time leaves
	 * its part out and is named in `missingSites` (an older history of it would not line up with the others'
	 * points); when no site answers, the error names each. The points are lined up by their index under the
	 * latest site's end: the sites' clocks are taken to agree within a step.
	 */
	async onlineHistory(window: HistoryWindow): Promise<OnlineHistory> {
		const missing: MissingSite[] = [];
		const reads = await Promise.all(
			this.#sites.map(async (site) => {
				const read = site.reader.onlineHistory?.bind(site.reader);
				if (!read) {
					missing.push({site: site.name, error: 'this database reader has no history'});
					return undefined;
				}
				const value = await this.#askHistory(site, () => read(window));
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

	/** Open sessions per user, summed over the sites. */
	async userOpenCounts(usernames: readonly string[]): Promise<ReadonlyMap<string, number>> {
		const reads = await this.#each(this.#sites, `user-counts:${usernames.join('\u0000')}`, async (reader) =>
			reader.userOpenCounts ? reader.userOpenCounts(usernames) : new Map<string, number>(),
		);
		const counts = new Map<string, number>();
		for (const {value} of reads) for (const [user, count] of value) counts.set(user, (counts.get(user) ?? 0) + count);
		return counts;
	}
}

function latest(dates: readonly Date[]): Date {
	return dates.length === 0 ? new Date() : new Date(Math.max(...dates.map((date) => date.getTime())));
}

function formatSeconds(ms: number): string {
	return `${Number((ms / 1000).toFixed(1))} s`;
}
