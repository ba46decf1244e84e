/**
 * The profile's regions in the console: their open counts from the poll's per-NAS counts (a NAS is in a region
 * by its name or IP as the poll names it, or by network), the NAS picker's region entries, the stats line's
 * region pills, and what choosing a region does (filter on `region:NAME`, or `X`: disconnect all its NAS). Pure.
 */
import {formatCount} from '../sessions/format.js';
import {findRegion, resolveRegions, UnknownRegionError, type KnownNas, type Regions} from '../sessions/regions.js';
import {SearchSyntaxError, type ParsedSearch} from '../sessions/search.js';
import type {NasCount} from '../sessions/session.js';
import {nasCountKey} from '../sessions/session-key.js';
import {sanitize} from '../terminal/sanitize.js';
import {stringWidth} from '../terminal/text.js';

/** A region as the console shows it: its NAS with open sessions and their sum. */
export interface RegionCount {
	readonly name: string;
	/** The NAS of the region with open sessions, largest first. */
	readonly nas: readonly KnownNas[];
	readonly sessions: number;
}

/** Each region with the NAS of it that have open sessions and their count, in the profile's order. */
export function regionCounts(
	regions: Regions | undefined,
	perNas: readonly Pick<NasCount, 'nasipaddress' | 'nasname' | 'sessions' | 'site'>[],
): RegionCount[] {
	if (!regions) return [];
	// Over several sites each NAS is its site's (the same IP can be another NAS at another site): counts summed.
	const known = perNas.map((nas) => ({ip: nas.nasipaddress, name: nas.nasname, ...(nas.site === undefined ? {} : {site: nas.site})}));
	const sessions = new Map(perNas.map((nas) => [nasCountKey(nas), nas.sessions]));
	return resolveRegions(regions, known).map((region) => ({
		name: region.name,
		nas: region.nas,
		sessions: region.nas.reduce(
			(sum, nas) =>
				sum + (sessions.get(nasCountKey({nasipaddress: nas.ip, ...(nas.site === undefined ? {} : {site: nas.site})})) ?? 0),
			0,
		),
	}));
}

/** A region's entry in the NAS picker: `region north`, `2 NAS`, its count. */
export function regionChoice(region: RegionCount): {ip: null; label: string; detail: string; sessions: number; region: RegionCount} {
	return {ip: null, label: `region ${region.name}`, detail: `${region.nas.length} NAS`, sessions: region.sessions, region};
}

/** `region:north` replaces any `region:` term of the search (a picked region is the one filtered on). */
export function searchWithRegion(search: string, region: string): string {
	return `${search.replace(/(^|\s+)region:\S*/gi, '').trim()} region:${region}`.trim();
}

/** What `X` on a region previews: every open session of its NAS, the region named for the confirmation. */
export function regionDisconnect(region: RegionCount): {
	target: {kind: 'nas'; nasIps: string[]; region: {name: string; nas: readonly KnownNas[]}};
	label: string;
} {
	const names = region.nas.map((nas) => sanitize(`${nas.site === undefined ? '' : `${nas.site}/`}${nas.name ?? nas.ip}`)).join(', ');
	return {
		target: {kind: 'nas', nasIps: region.nas.map((nas) => nas.ip), region: {name: region.name, nas: region.nas}},
		label: `ALL open sessions of region ${region.name} (${names || 'no NAS'})`,
	};
}

/**
 * The region pills that fit `room` columns, in the profile's order: `[north 812] [core 1,204] `, then
 * `+N regions ` for those that do not fit when that fits too; `shown` counts the pills. Empty without regions.
 */
export function regionPills(
	regions: readonly RegionCount[],
	room: number,
	trend?: (region: RegionCount) => string,
): {text: string; shown: number} {
	let text = '';
	for (const [index, region] of regions.entries()) {
		const spark = trend ? trend(region) : '';
		const pill = `[${sanitize(region.name)} ${formatCount(region.sessions)}${spark ? ` ${spark}` : ''}] `;
		if (stringWidth(text + pill) > room) {
			const left = regions.length - index;
			const more = `${text}+${left} region${left === 1 ? '' : 's'} `;
			return {text: stringWidth(more) <= room ? more : text, shown: index};
		}
		text += pill;
	}
	return {text, shown: regions.length};
}

/**
 * A search whose `region:` terms all name a region of the profile, as typed (the console refuses the others
 * as it refuses a search that does not read, before any poll); throws SearchSyntaxError.
 */
export function checkRegionTerms(search: ParsedSearch, regions: Regions | undefined): ParsedSearch {
	for (const term of search.terms) {
		if (term.kind === 'region' && !findRegion(regions, term.region))
			throw new SearchSyntaxError(term.source, new UnknownRegionError(term.region, regions).message);
	}
	return search;
}
