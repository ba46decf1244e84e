/**
 * A region over several sites: its NAS at each site, each resolved against that site's own NAS (its nas table,
 * its settings, the IPs with open sessions there). A member by name is a NAS of the site that has it; an IP or
 * CIDR member stands for that address at each site. Each NAS found carries its site.
 */
import {findRegion, knownNas, resolveRegion, UnknownRegionError, type KnownNas, type Regions} from '../sessions/regions.js';
import {describeError} from '../db/errors.js';
import type {OpenedSites} from './sites-context.js';

/** A region's NAS at every site that could be read; `warnings` the members no site has, and the sites unread. */
export interface SitesRegion {
	readonly name: string;
	readonly nas: readonly KnownNas[];
	readonly warnings: readonly string[];
}

/** Throws UnknownRegionError for a region the profile does not define. */
export async function regionAtSites(sites: OpenedSites, regions: Regions | undefined, name: string): Promise<SitesRegion> {
	const region = findRegion(regions, name);
	if (!region) throw new UnknownRegionError(name, regions);
	const nas: KnownNas[] = [];
	const warnings: string[] = [];
	const unmatchedAtEvery = new Map(region.members.map((member) => [member, 0]));
	let read = 0;
	for (const site of sites.sites) {
		let opened;
		try {
			opened = await site.open();
		} catch (error) {
			warnings.push(`site ${site.name}: ${describeError(error)}: its NAS of region ${region.name} are not in this disconnect`);
			continue;
		}
		const named = opened.registry.entries().map((entry) => ({ip: entry.ip, name: entry.nameSource === 'ip' ? null : entry.name}));
		const open = (await opened.source.openCounts()).perNas.map((entry) => entry.nasipaddress);
		const resolved = resolveRegion(regions, region.name, knownNas(named, open));
		read++;
		for (const member of resolved.unmatched) unmatchedAtEvery.set(member, (unmatchedAtEvery.get(member) ?? 0) + 1);
		for (const entry of resolved.nas)
			nas.push({ip: entry.ip, name: entry.name ?? opened.registry.directory.nameOf(entry.ip), site: site.name});
	}
	for (const [member, count] of unmatchedAtEvery)
		if (read > 0 && count === read) warnings.push(`region ${region.name}: "${member.slice(0, 45)}" matches no NAS at any site`);
	return {name: region.name, nas, warnings};
}
