/**
 * What `radtop disconnect` hits at each site of a profile that lists sites: a user's sessions at every site, a
 * `SITE:ID` session at its site, a NAS name at each site that has a NAS of that name (an IP: that address at each
 * site), a region's NAS at their sites; `--site` keeps one site.
 */
import {describeError} from '../db/errors.js';
import {splitTarget} from '../disconnect/sites-disconnect.js';
import type {DisconnectTarget} from '../disconnect/plan.js';
import {parseSessionKey} from '../sessions/session-key.js';
import {sanitize} from '../terminal/sanitize.js';
import type {CommandContext} from './context.js';
import {regionTarget} from './disconnect-region.js';
import type {SiteContext} from './sites-context.js';
import {UsageError} from './usage.js';

/** The share of a target at each site, and the sites left out because they could not be read. */
export interface SitesTarget {
	readonly target: DisconnectTarget;
	readonly parts: ReadonlyMap<string, DisconnectTarget>;
	/** `site: why`, for the preview's warnings. */
	readonly unread: readonly string[];
}

/** What of `radtop disconnect`'s flags decides the target. */
export interface SitesTargetRequest {
	readonly target: DisconnectTarget;
	/** NAS names or IPs of a --nas target or filter. */
	readonly nas: readonly string[];
	readonly region?: string;
	readonly site?: string;
}

/** `--session` keys over sites: each `SITE:ID`; a bare ID is the one site's (of --site, or of a profile of one site). */
function siteKeys(ids: readonly string[], sites: readonly SiteContext[], asked: string | undefined): string[] {
	const names = sites.map((site) => site.name);
	return ids.map((id) => {
		const {site, radacctid} = parseSessionKey(id);
		if (site === undefined) {
			if (sites.length === 1) return `${names[0]}:${radacctid}`;
			throw new UsageError(
				`--session ${radacctid}: which site? give SITE:${radacctid} or --site NAME (sites: ${names.join(', ')}): each site numbers its sessions`,
			);
		}
		if (!names.includes(site))
			throw new UsageError(
				asked === undefined
					? `--session ${sanitize(id.slice(0, 40))}: no site "${sanitize(site)}" (sites: ${names.join(', ')})`
					: `--session ${sanitize(id.slice(0, 40))} is not at --site ${sanitize(asked)}`,
			);
		return id;
	});
}

/**
 * The IPs the NAS names or IPs stand for at each site that can be read; a site where none of them is a NAS has no
 * part. A name no site knows, every site read, is the UnknownNasError it is with one database (exit 2).
 */
async function nasAtSites(
	sites: readonly SiteContext[],
	values: readonly string[],
): Promise<{ips: Map<string, string[]>; unread: string[]}> {
	const ips = new Map<string, string[]>();
	const unread: string[] = [];
	const known = new Set<string>();
	const failures = new Map<string, unknown>();
	for (const site of sites) {
		let opened;
		try {
			opened = await site.open();
		} catch (error) {
			unread.push(`${site.name}: ${describeError(error)}`);
			continue;
		}
		const found = new Set<string>();
		for (const value of values) {
			try {
				for (const ip of opened.registry.resolve(value)) found.add(ip);
				known.add(value);
			} catch (error) {
				if (!failures.has(value)) failures.set(value, error);
			}
		}
		if (found.size > 0) ips.set(site.name, [...found]);
	}
	// A site that could not be read may have the name: it is said to be out of this disconnect instead.
	const unknown = values.find((value) => !known.has(value) && failures.has(value));
	if (unknown !== undefined && unread.length === 0) throw failures.get(unknown);
	return {ips, unread};
}

/** The target's share at each of `sites` (every site, or --site's one). */
export async function sitesTargetOf(
	context: CommandContext,
	sites: readonly SiteContext[],
	request: SitesTargetRequest,
	stderr: NodeJS.WritableStream,
): Promise<SitesTarget> {
	const names = sites.map((site) => site.name);
	const given = request.target;
	if (request.region !== undefined) {
		const region = await regionTarget(context, request.region, stderr);
		// --site: the region's NAS at that site alone.
		const target: DisconnectTarget =
			region.kind === 'nas' && region.region
				? {
						...region,
						region: {
							...region.region,
							nas: region.region.nas.filter((nas) => nas.site === undefined || names.includes(nas.site)),
						},
					}
				: region;
		return {target, parts: splitTarget(target, names), unread: []};
	}
	if (given.kind === 'session' || given.kind === 'sessions') {
		const keys = siteKeys(given.kind === 'session' ? [given.radacctid] : given.radacctids, sites, request.site);
		const target: DisconnectTarget = keys.length === 1 ? {kind: 'session', radacctid: keys[0]!} : {kind: 'sessions', radacctids: keys};
		return {target, parts: splitTarget(target, names), unread: []};
	}
	if ((given.kind === 'nas' || given.kind === 'filter') && request.nas.length > 0) {
		const {ips, unread} = await nasAtSites(sites, request.nas);
		const parts = new Map<string, DisconnectTarget>();
		for (const [site, nasIps] of ips)
			parts.set(site, given.kind === 'nas' ? {kind: 'nas', nasIps} : {kind: 'filter', filter: {...given.filter, nasIps}});
		const all = [...new Set([...ips.values()].flat())];
		const target: DisconnectTarget =
			given.kind === 'nas' ? {kind: 'nas', nasIps: all} : {kind: 'filter', filter: {...given.filter, nasIps: all}};
		return {target, parts, unread};
	}
	// A user or a filter: every site; a filter's `region:` term is read against each site's own NAS (open now).
	await Promise.all(sites.map((site) => site.open().catch(() => undefined)));
	return {target: given, parts: splitTarget(given, names), unread: []};
}
