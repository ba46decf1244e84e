/**
 * `radtop nas list`: the NAS radtop knows, merged (nas table and config), with their open sessions and last
 * reload; without the database, the config's NAS. Over a profile's sites, every site's NAS under a SITE column,
 * each site's own nas table and settings (the same IP can be a NAS at each); a site that cannot be read, its
 * config's NAS with a note.
 */
import {scrubSecrets} from '../config/secrets.js';
import {describeError} from '../db/errors.js';
import {nasListEntries, nasListTable, type SiteNasListEntry} from '../nas/nas-list.js';
import {NasRegistry} from '../nas/registry.js';
import {isTerminal, jsonForOutput} from '../terminal/json-output.js';
import {sanitize} from '../terminal/sanitize.js';
import {openContext, reportError, sitesNamed, type CommandContext, type OfflineContext} from './context.js';
import type {SiteContext} from './sites-context.js';
import {EXIT} from './usage.js';

/** Where `radtop nas list` writes, and the environment it opens the database from. */
export interface NasListIo {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
	readonly env: NodeJS.ProcessEnv;
}

/** Lists the NAS; 3 when a database (or a site's) could not be read and the config's NAS stand alone. */
export async function listNas(
	request: {readonly json: boolean; readonly site?: string},
	flags: {db?: string; profile?: string; demo: boolean},
	io: NasListIo,
): Promise<number> {
	// Without the database the config's NAS are still worth listing.
	const progress = (message: string) => io.stderr.write(`radtop: ${message}\n`);
	const context = await openContext(flags, {database: 'optional', env: io.env, progress});
	try {
		if (context.sites) return await listSitesNas(context, request, io);
		// --site without sites: the usage error that says so.
		if (request.site !== undefined) sitesNamed(undefined, request.site);
		const unreachable = 'unreachable' in context ? context.unreachable : undefined;
		const {registry, profile} = context;
		const open = 'source' in context ? await context.source.openCounts() : undefined;
		const counts = open && new Map(open.perNas.map((nas) => [nas.nasipaddress, nas.sessions]));
		// A missing or unreadable nasreload leaves the RELOADED column out; doctor says why.
		const reloads = 'source' in context ? (await context.source.nasReloads()).byIp : undefined;
		const entries = nasListEntries(registry, Object.values(profile.nas ?? {}), counts, reloads);
		if (unreachable) io.stderr.write(`radtop: ${unreachable}; showing the config's NAS only (no nas table, no session counts)\n`);
		for (const warning of registry.warnings) io.stderr.write(`radtop: ${warning}\n`);
		if (request.json) io.stdout.write(jsonForOutput({complete: !unreachable, nas: entries}, isTerminal(io.stdout)));
		else if (entries.length === 0)
			io.stdout.write(`no NAS known${unreachable ? ' in the config' : ' (the nas table and the config are empty)'}\n`);
		else io.stdout.write(`${nasListTable(entries, open?.dbNow).join('\n')}\n`);
		return unreachable ? EXIT.partial : EXIT.ok;
	} catch (error) {
		return reportError(error, context.secrets);
	} finally {
		await context.close();
	}
}

/** One site's NAS: read from its database, or its config's alone with why the database could not be read. */
async function siteNas(
	site: SiteContext,
	secrets: readonly string[],
): Promise<{entries: SiteNasListEntry[]; now?: Date; warnings: readonly string[]; unreachable?: string}> {
	const tag = (entries: ReturnType<typeof nasListEntries>) => entries.map((entry) => ({site: site.name, ...entry}));
	try {
		const {source, registry} = await site.open();
		const open = await source.openCounts();
		const reloads = (await source.nasReloads()).byIp;
		const counts = new Map(open.perNas.map((nas) => [nas.nasipaddress, nas.sessions]));
		return {entries: tag(nasListEntries(registry, site.nasOverrides, counts, reloads)), now: open.dbNow, warnings: registry.warnings};
	} catch (error) {
		const why = scrubSecrets(describeError(error), secrets).replace(/[\r\n]+/g, ' ');
		return {
			entries: tag(nasListEntries(NasRegistry.from([], site.nasOverrides), site.nasOverrides)),
			warnings: [],
			unreachable: `site ${site.name} unreachable (${site.database.label}): ${why}`,
		};
	}
}

/** Every site's NAS (or --site's), in the profile's order of sites. */
async function listSitesNas(
	context: CommandContext | OfflineContext,
	request: {readonly json: boolean; readonly site?: string},
	io: NasListIo,
): Promise<number> {
	const sites = sitesNamed(context.sites, request.site);
	const parts = await Promise.all(sites.map((site) => siteNas(site, context.secrets)));
	const entries = parts.flatMap((part) => part.entries);
	const down = parts.flatMap((part, index) =>
		part.unreachable === undefined ? [] : [{site: sites[index]!.name, error: part.unreachable}],
	);
	for (const {error} of down)
		io.stderr.write(`radtop: ${sanitize(error)}; showing its config's NAS only (no nas table, no session counts)\n`);
	for (const part of parts) for (const warning of part.warnings) io.stderr.write(`radtop: ${sanitize(warning)}\n`);
	if (request.json) io.stdout.write(jsonForOutput({complete: down.length === 0, nas: entries, unreachable: down}, isTerminal(io.stdout)));
	else if (entries.length === 0) io.stdout.write(`no NAS known at ${sites.length === 1 ? 'this site' : 'any site'}\n`);
	else io.stdout.write(`${nasListTable(entries, parts.find((part) => part.now)?.now).join('\n')}\n`);
	return down.length > 0 ? EXIT.partial : EXIT.ok;
}
