/**
 * How the answers of several sites make one (pure): windows merged in the sort's order, counts summed with each
 * NAS tagged with its site, slow counts and NAS reloads keyed by site (the same IP or username at two sites is
 * two NAS, two subscribers). The merged reader (merged-source.ts) asks; these only combine.
 */
import type {NasReloads} from '../db/nas-reload-table.js';
import {mergeSiteRows, type SiteRows} from './merged-order.js';
import type {SessionPage, SessionSort, SessionStatus, SessionTotal} from './session.js';
import {nasCountKey, userCountKey} from './session-key.js';
import type {OpenCounts, StaleAndUsers} from './session-stats.js';

/** One site's answer. */
export interface SiteAnswer<T> {
	readonly site: string;
	readonly value: T;
}

/** The latest of some instants (now when there are none). */
export function latest(dates: readonly Date[]): Date {
	return dates.length === 0 ? new Date() : new Date(Math.max(...dates.map((date) => date.getTime())));
}

/**
 * The sites' windows (each the first `wanted` rows of its database's order) as one page: merged, tagged with
 * their site, then `offset`..`offset + limit` of the merge.
 */
export function mergePages(
	pages: ReadonlyArray<SiteAnswer<SessionPage>>,
	sort: SessionSort,
	status: SessionStatus,
	window: {readonly wanted: number; readonly offset: number; readonly limit: number},
): SessionPage {
	const parts: SiteRows[] = pages.map(({site, value}) => ({
		site,
		rows: value.rows.map((row) => ({...row, site})),
		dbNow: value.dbNow,
		...(value.sortValues ? {sortValues: value.sortValues} : {}),
	}));
	const merged = mergeSiteRows(parts, sort, status, window.wanted);
	return {rows: merged.slice(window.offset, window.offset + window.limit), dbNow: latest(parts.map((part) => part.dbNow))};
}

export function mergeTotals(totals: ReadonlyArray<SiteAnswer<SessionTotal>>): SessionTotal {
	return {
		total: totals.reduce((sum, {value}) => sum + value.total, 0),
		capped: totals.some(({value}) => value.capped),
	};
}

/** Open sessions summed, the mean age weighted by each site's sessions, every NAS tagged with its site. */
export function mergeOpenCounts(counts: ReadonlyArray<SiteAnswer<OpenCounts>>): OpenCounts {
	let sessions = 0;
	let ageSum = 0;
	for (const {value} of counts) {
		sessions += value.openSessions;
		ageSum += (value.averageDurationSeconds ?? 0) * value.openSessions;
	}
	const perNas = counts
		.flatMap(({site, value}) => value.perNas.map((nas) => ({...nas, site})))
		.sort((a, b) => b.sessions - a.sessions || a.site.localeCompare(b.site) || a.nasipaddress.localeCompare(b.nasipaddress));
	return {
		openSessions: sessions,
		averageDurationSeconds: sessions > 0 ? ageSum / sessions : null,
		perNas,
		dbNow: latest(counts.map(({value}) => value.dbNow)),
	};
}

/** Stale counts keyed `site:IP`, users summed. */
export function mergeStaleAndUsers(reads: ReadonlyArray<SiteAnswer<StaleAndUsers>>): StaleAndUsers {
	const stalePerNas = new Map<string, number>();
	for (const {site, value} of reads) {
		for (const [ip, stale] of value.stalePerNas) stalePerNas.set(nasCountKey({nasipaddress: ip, site}), stale);
	}
	return {
		// A user online at two sites counts at each: the sites' FreeRADIUS clusters do not share users.
		uniqueUsers: reads.reduce((sum, {value}) => sum + value.uniqueUsers, 0),
		stalePerNas,
		at: new Date(Math.min(...reads.map(({value}) => value.at.getTime()))),
	};
}

/** Each site's counts of its window's users' open sessions, keyed `site:username` (userCountKey). */
export function mergeUserCounts(reads: ReadonlyArray<SiteAnswer<ReadonlyMap<string, number>>>): Map<string, number> {
	const counts = new Map<string, number>();
	for (const {site, value} of reads) for (const [user, sessions] of value) counts.set(userCountKey({username: user, site}), sessions);
	return counts;
}

/** Each NAS's last reload, keyed `site:IP` (nasCountKey): the same IP at two sites is two NAS. */
export function mergeReloads(reads: ReadonlyArray<SiteAnswer<NasReloads>>): NasReloads {
	const byIp = new Map<string, Date>();
	for (const {site, value} of reads) for (const [ip, at] of value.byIp) byIp.set(nasCountKey({nasipaddress: ip, site}), at);
	return {skipped: reads.every(({value}) => value.skipped !== null) ? (reads[0]?.value.skipped ?? null) : null, byIp};
}
