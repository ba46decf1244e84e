/** `radtop disconnect --region NAME`: the region's NAS, resolved against the NAS known when the command runs. */
import type {DisconnectTarget} from '../disconnect/plan.js';
import {knownNas, regionWarnings, resolveRegion, UnknownRegionError, type ResolvedRegion} from '../sessions/regions.js';
import {sanitize} from '../terminal/sanitize.js';
import type {CommandContext} from './context.js';
import {UsageError} from './usage.js';

/**
 * A --region target: the region's NAS among those known (the registry's and the IPs with open sessions), a
 * warning for each member that matches none; an unknown region is a usage error.
 */
export async function regionTarget(context: CommandContext, name: string, stderr: NodeJS.WritableStream): Promise<DisconnectTarget> {
	const named = context.registry.entries().map((nas) => ({ip: nas.ip, name: nas.nameSource === 'ip' ? null : nas.name}));
	const open = (await context.source.openCounts()).perNas.map((nas) => nas.nasipaddress);
	let region: ResolvedRegion;
	try {
		region = resolveRegion(context.profile.regions, name, knownNas(named, open));
	} catch (error) {
		if (error instanceof UnknownRegionError) throw new UsageError(error.message);
		throw error;
	}
	for (const warning of regionWarnings(region)) stderr.write(`radtop: ${sanitize(warning)}\n`);
	const nas = region.nas.map((entry) => ({ip: entry.ip, name: entry.name ?? context.registry.directory.nameOf(entry.ip)}));
	return {kind: 'nas', nasIps: nas.map((entry) => entry.ip), region: {name: region.name, nas}};
}
