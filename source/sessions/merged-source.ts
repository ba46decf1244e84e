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
import type {OnlineHistory} from './online-history.js';
import {MergedHistory} from './merged-history.js';
import {MAX_WINDOW} from './radacct-sql.js';
import {
	mergeOpenCounts,
	mergePages,
	mergeReloads,
	mergeStaleAndUsers,
	mergeTotals,
	mergeUserCounts,
	type SiteAnswer,
} from './merged-parts.js';
import {windowUsers, type PollAsk, type PollReads} from './poll-reads.js';
import type {Session, SessionFilter, SiteStatus, SessionPage, SessionSort, SessionStats, SessionTotal, SessionWindow} from './session.js';
import {parseSessionKey} from './session-key.js';
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
	 * How long the online history waits for a site (default HISTORY_DEADLINE_MS: 12 s).
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
	readonly cache: Map<string, unknown>;
	openSessions: number | null;
}

const NO_ANSWER = Symbol('no answer');

export type {SiteStatus} from './session.js';

export class MergedSessionReader implements SessionReader {
	readonly #sites: readonly SiteState[];
	readonly #deadlineMs: number;
	readonly #history: MergedHistory;
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
			cache: new Map(),
			openSessions: null,
		}));
		this.#deadlineMs = options.deadlineMs ?? 3000;
		this.#history = new MergedHistory(sites, options.historyDeadlineMs);
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
		if (known.length === 0 && sites.length > 0) throw noSiteAnswered(sites);
		return known;
	}

	/** The window's size at each site: everything above the merged window's end (keyset paging is per site). */
	#wanted(window: SessionWindow): {wanted: number; offset: number; limit: number} {
		const offset = window.after ? 0 : (window.offset ?? 0);
		return {wanted: Math.min(MAX_WINDOW, offset + window.limit), offset, limit: window.limit};
	}

	async list(filter: SessionFilter, sort: SessionSort, window: SessionWindow): Promise<SessionPage> {
		const {site, ...plain} = filter;
		const sizes = this.#wanted(window);
		const pages = await this.#each(
			this.#covered(site),
			listKey(plain, sort),
			(reader) => reader.list(plain, sort, {limit: sizes.wanted}),
			true,
		);
		return mergePages(named(pages), sort, plain.status, sizes);
	}

	async count(filter: SessionFilter): Promise<SessionTotal> {
		const {site, ...plain} = filter;
		return mergeTotals(named(await this.#each(this.#covered(site), countKey(plain), (reader) => reader.count(plain))));
	}

	async openCounts(): Promise<OpenCounts> {
		const counts = await this.#each(this.#sites, OPEN_COUNTS_KEY, (reader) => reader.openCounts(), true);
		for (const {site, value} of counts) site.openSessions = value.openSessions;
		return mergeOpenCounts(named(counts));
	}

	async staleAndUsers(): Promise<StaleAndUsers> {
		return mergeStaleAndUsers(named(await this.#each(this.#sites, STALE_KEY, (reader) => reader.staleAndUsers())));
	}

	async stats(): Promise<SessionStats> {
		return combineStats(await this.openCounts(), await this.staleAndUsers());
	}

	/**
	 * One poll's reads: each site runs its own in turn (window and total for the sites the filter covers, open
	 * counts, slow counts when due and reloads for every site), all sites at once, so a slow site holds back none
	 * of the others' steps; then the parts are merged. A site that fails or misses its deadline gives each part's
	 * last answer; the window and open counts say whether it is up, the rest are extras a site may lack.
	 */
	async pollReads(ask: PollAsk): Promise<PollReads> {
		const {site, ...plain} = ask.filter;
		const covered = new Set(this.#covered(site));
		const sizes = this.#wanted(ask.window);
		const keys = {list: listKey(plain, ask.sort), count: countKey(plain)};
		const answers = await Promise.all(
			this.#sites.map(async (state) => {
				const inView = covered.has(state);
				const read = await this.#ask(
					state,
					undefined,
					async (reader) => {
						const page = inView ? await reader.list(plain, ask.sort, {limit: sizes.wanted}) : undefined;
						const counts = await reader.openCounts();
						const total = inView && ask.total ? await extra(() => reader.count(plain)) : undefined;
						const slow = ask.slow ? await extra(() => reader.staleAndUsers()) : undefined;
						const reloads = reader.nasReloads ? await extra(() => reader.nasReloads!()) : undefined;
						return {page, counts, total, slow, reloads};
					},
					true,
				);
				const part = <T>(key: string, value: T | undefined): SiteAnswer<T> | undefined => {
					if (read !== NO_ANSWER && value !== undefined) state.cache.set(key, value);
					return state.cache.has(key) ? {site: state.name, value: state.cache.get(key) as T} : undefined;
				};
				const fresh = read === NO_ANSWER ? undefined : read;
				return {
					state,
					page: inView ? part(keys.list, fresh?.page) : undefined,
					counts: part(OPEN_COUNTS_KEY, fresh?.counts),
					total: inView && ask.total ? part(keys.count, fresh?.total) : undefined,
					slow: ask.slow ? part(STALE_KEY, fresh?.slow) : undefined,
					reloads: part(RELOADS_KEY, fresh?.reloads),
				};
			}),
		);
		const known = <K extends 'page' | 'counts' | 'total' | 'slow' | 'reloads'>(name: K, from: readonly SiteState[]) => {
			const found = answers.flatMap((answer) => (answer[name] ? [answer[name]!] : []));
			if (found.length === 0 && from.length > 0) throw noSiteAnswered(from);
			return found as Array<NonNullable<(typeof answers)[number][K]>>;
		};
		const counts = known('counts', this.#sites);
		for (const answer of answers) if (answer.counts) answer.state.openSessions = answer.counts.value.openSessions;
		const page = mergePages(known('page', [...covered]), ask.sort, plain.status, sizes);
		const userCounts = await this.#windowUserCounts(page.rows);
		return {
			page,
			...(userCounts ? {userCounts} : {}),
			counts: mergeOpenCounts(counts),
			reloads: mergeReloads(answers.flatMap((answer) => (answer.reloads ? [answer.reloads] : []))),
			...(ask.total ? {total: mergeTotals(known('total', [...covered]))} : {}),
			...(ask.slow ? {slow: mergeStaleAndUsers(known('slow', this.#sites))} : {}),
		};
	}

	/**
	 * The open sessions of the merged window's users, each site counting its own rows' users (keyed
	 * `site:username`: the same name at two sites is two subscribers); a site that fails gives none.
	 */
	async #windowUserCounts(rows: readonly Session[]): Promise<ReadonlyMap<string, number> | undefined> {
		const counted = await Promise.all(
			this.#sites.map(async (state) => {
				const users = windowUsers(rows.filter((row) => row.site === state.name));
				if (users.length === 0 || !state.reader.userOpenCounts || state.waiting) return undefined;
				const value = await extra(() => state.reader.userOpenCounts!(users));
				return value === undefined ? undefined : {site: state.name, value};
			}),
		);
		const known = counted.filter((entry) => entry !== undefined);
		return known.length > 0 ? mergeUserCounts(known) : undefined;
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
		const reads = await this.#each(this.#sites, RELOADS_KEY, async (reader) =>
			reader.nasReloads ? reader.nasReloads() : {skipped: 'not read', byIp: new Map<string, Date>()},
		);
		return mergeReloads(named(reads));
	}

	/** Each site's open sessions per NAS over the window, within the history's own deadline (merged-history.ts). */
	onlineHistory(window: HistoryWindow): Promise<OnlineHistory> {
		return this.#history.read(window);
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

/** The cache keys of each read's last answer per site. */
const OPEN_COUNTS_KEY = 'open-counts';
const STALE_KEY = 'stale-and-users';
const RELOADS_KEY = 'reloads';
const listKey = (filter: SessionFilter, sort: SessionSort) => `list:${JSON.stringify({filter, sort})}`;
const countKey = (filter: SessionFilter) => `count:${JSON.stringify(filter)}`;

/** Answers named by their site. */
function named<T>(answers: ReadonlyArray<{site: SiteState; value: T}>): Array<SiteAnswer<T>> {
	return answers.map(({site, value}) => ({site: site.name, value}));
}

/** An extra of a site's poll: its answer, or undefined when it failed (its last answer is used). */
async function extra<T>(read: () => Promise<T>): Promise<T | undefined> {
	return read().catch(() => undefined);
}

/** None of these sites had anything to give: each named with why. */
function noSiteAnswered(sites: readonly SiteState[]): Error {
	const why = sites.map((site) => `${site.name}: ${site.error ?? 'no answer'}`).join('; ');
	return new Error(sites.length === 1 ? why : `no site answered (${why})`);
}

function formatSeconds(ms: number): string {
	return `${Number((ms / 1000).toFixed(1))} s`;
}
