/**
 * What `radtop export` reads: the context's one database, or on a profile that lists sites each site (every one in
 * the profile's order, or the one --site names), each opened before anything is written and with the filters
 * resolved against that site's own NAS names.
 */
import {UnknownNasError} from '../sessions/nas-directory.js';
import type {SessionFilter} from '../sessions/session.js';
import type {ExportOptions} from '../sessions/export.js';
import type {SessionSource} from '../sessions/session-source.js';
import {contextForSite, type CommandContext} from './context.js';
import {sessionFilterOf, type FilterRequest} from './sessions.js';

/** One database an export reads. */
export interface ExportTarget {
	/** The site's name on a profile that lists sites (the export's `site` column); undefined: the one database. */
	readonly site?: string;
	readonly context: CommandContext;
	readonly filter: SessionFilter;
	/** The IPs of a search's `nas:` name at this site (none for a name only other sites know). */
	readonly nasIps: (nas: string) => readonly string[];
}

/** What an export reads of a site's (or the one database's) source: its stale threshold, NAS names, regions, columns. */
export function sourceExportOptions(source: SessionSource): ExportOptions {
	return {
		staleAfterSeconds: source.staleAfterSeconds,
		nas: source.nas,
		regionNas: (region) => source.regionNas(region),
		available: source.columns,
	};
}

/** Whether a source knows a NAS name (or IP). */
function knows(source: SessionSource, nas: string): boolean {
	try {
		source.nas.resolve(nas);
		return true;
	} catch (error) {
		if (error instanceof UnknownNasError) return false;
		throw error;
	}
}

/**
 * The databases of an export. On a profile that lists sites, without `site` every site is opened at once and the
 * first that cannot be reached (in the profile's order) is the error, naming it; a --nas name unknown at every
 * site is the usual unknown NAS error, one a site does not know matches nothing there (a site none of the --nas
 * names stand for is left out: it has no row to give).
 */
export async function exportTargets(given: CommandContext, request: FilterRequest & {readonly site?: string}): Promise<ExportTarget[]> {
	if (!given.sites) {
		const source = given.source;
		return [{context: given, filter: sessionFilterOf(source, request), nasIps: (nas) => source.nas.resolve(nas)}];
	}
	const names = request.site === undefined ? given.sites.sites.map((site) => site.name) : [request.site];
	const opened = await Promise.allSettled(names.map((name) => contextForSite(given, name)));
	const failed = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
	if (failed) throw failed.reason;
	const contexts = opened.map((result) => (result as PromiseFulfilledResult<CommandContext>).value);
	const sources = contexts.map((context) => context.source);
	// A name no site knows is told with the NAS names of every site.
	const unknown = (nas: string) =>
		new UnknownNasError(
			nas,
			sources.flatMap((source) => source.nas.entries().map((entry) => entry.name)),
		);
	for (const nas of request.nas) if (!sources.some((source) => knows(source, nas))) throw unknown(nas);
	const targets: ExportTarget[] = [];
	for (const [index, context] of contexts.entries()) {
		const source = context.source;
		const here = request.nas.filter((nas) => knows(source, nas));
		if (request.nas.length > 0 && here.length === 0) continue;
		targets.push({
			site: names[index]!,
			context,
			filter: sessionFilterOf(source, {...request, nas: here}),
			nasIps: (nas) => {
				if (knows(source, nas)) return source.nas.resolve(nas);
				if (sources.some((other) => knows(other, nas))) return [];
				throw unknown(nas);
			},
		});
	}
	return targets;
}
