/**
 * The sites of a profile (`sites`), opened: each its own database, session source and NAS registry. A site that
 * cannot be reached when radtop starts is opened again on its next read, so the console starts with the others
 * and takes it in once it answers; the merged reader (sessions/merged-source.ts) reads them as one.
 */
import type {SiteProfile} from '../config/profile.js';
import type {Database} from '../db/connect.js';
import {connectDatabasePair} from '../db/database-pair.js';
import {loadNasRows} from '../db/nas-table.js';
import {probeRadacctColumns} from '../db/radacct-columns.js';
import type {NasOverride} from '../nas/nas-override.js';
import {NasRegistry} from '../nas/registry.js';
import {MergedSessionReader} from '../sessions/merged-source.js';
import type {SessionReader} from '../sessions/session-source.js';
import {SessionSource} from '../sessions/session-source.js';
import type {RegionSql, Regions} from '../sessions/regions.js';
import {DEFAULT_STALE_AFTER_SECONDS} from '../sessions/session-math.js';
import type {EmbeddedDatabase, EmbeddedSeed} from '../db/embedded-database.js';
import type {DemoNetwork} from '../demo/demo-network.js';

/** How the demo's simulated NAS run (as ContextNeeds.demoNetwork). */
export interface DemoNetworkOptions {
	readonly live: boolean;
	readonly ghostAfterSeconds?: number;
}

/** The simulated NAS of one demo site, on its embedded database. */
async function startDemoSiteNetwork(embedded: EmbeddedDatabase, site: string, options: DemoNetworkOptions): Promise<DemoNetwork> {
	const [{startDemoNetwork}, {DEMO_SITES}] = await Promise.all([import('../demo/demo-network.js'), import('../demo/network.js')]);
	const nas = DEMO_SITES.find((candidate) => candidate.name === site)?.nas;
	if (!nas) throw new RangeError(`the demo has no site named ${site}`);
	return startDemoNetwork(embedded, {...options, nas});
}

/** One site, opened (or still to be). */
export interface SiteContext {
	readonly name: string;
	/** What only reads goes to: the site's `readDatabase` (a hot standby) when it has one, else its primary. */
	readonly database: Database;
	/** What writes goes to (sweep --apply, NAS claims). */
	readonly primary: Database;
	/** The site's NAS settings (its `nas`): the same IP can be another NAS at another site. */
	readonly nasOverrides: readonly NasOverride[];
	/** Its sessions: the source once opened; until then each read tries to open it. */
	readonly reader: SessionReader;
	/** The site's source and NAS registry, opened now if they were not yet (rejects while it cannot be reached). */
	open(): Promise<{readonly source: SessionSource; readonly registry: NasRegistry}>;
	/** The site's source and registry if it is open now, else undefined (for what cannot wait). */
	current(): {readonly source: SessionSource; readonly registry: NasRegistry} | undefined;
	close(): Promise<void>;
}

/** The sites of a profile, opened, and their merged reader. */
export interface OpenedSites {
	readonly sites: readonly SiteContext[];
	readonly merged: MergedSessionReader;
	/** The first site that could be opened, for what works on one database; undefined when none could. */
	readonly first?: {readonly site: SiteContext; readonly source: SessionSource; readonly registry: NasRegistry};
	/** Why each site that could not be opened could not. */
	readonly failures: ReadonlyArray<{readonly site: string; readonly error: unknown}>;
	/** The NAS secrets of the sites opened (their nas tables and settings), for scrubbing. */
	readonly secrets: readonly string[];
	close(): Promise<void>;
}

/**
 * The IPs NAS names or IPs stand for at any site that can be read: a name is looked up in each site's directory
 * (the same name can be a NAS at each). A name no site knows is the first site's error (UnknownNasError).
 */
export async function resolveNasAtSites(sites: OpenedSites, values: readonly string[]): Promise<string[]> {
	const ips = new Set<string>();
	let failure: unknown;
	let known = 0;
	for (const site of sites.sites) {
		const opened = await site.open().catch(() => undefined);
		if (!opened) continue;
		for (const value of values) {
			try {
				for (const ip of opened.source.resolveNas([value])) ips.add(ip);
				known++;
			} catch (error) {
				failure ??= error;
			}
		}
	}
	if (known === 0 && failure !== undefined) throw failure;
	return [...ips];
}

/** A site's NAS of a region for a `region:` term; a site not open yet cannot be read (its part is left out, and said so). */
export function siteRegionNas(site: SiteContext, region: string): RegionSql {
	const opened = site.current();
	if (!opened) throw new Error(`site ${site.name} is not open yet`);
	return opened.source.regionNas(region);
}

/** A site's NAS settings as overrides (the config keys them by IP; one without `ip` is the NAS its key names). */
export function siteOverrides(site: SiteProfile): NasOverride[] {
	return Object.entries(site.nas ?? {}).map(([key, override]) => (typeof override.ip === 'string' ? override : {...override, ip: key}));
}

/** Sessions read through a source that is opened on first use, and again after a failed open. */
class OpeningReader implements SessionReader {
	readonly #open: () => Promise<{source: SessionSource; registry: NasRegistry}>;
	readonly staleAfterSeconds: number;

	constructor(open: () => Promise<{source: SessionSource; registry: NasRegistry}>, staleAfterSeconds: number) {
		this.#open = open;
		this.staleAfterSeconds = staleAfterSeconds;
	}

	async #source(): Promise<SessionSource> {
		return (await this.#open()).source;
	}

	list: SessionReader['list'] = async (...args) => (await this.#source()).list(...args);
	count: SessionReader['count'] = async (filter) => (await this.#source()).count(filter);
	stats: SessionReader['stats'] = async () => (await this.#source()).stats();
	openCounts: SessionReader['openCounts'] = async () => (await this.#source()).openCounts();
	staleAndUsers: SessionReader['staleAndUsers'] = async () => (await this.#source()).staleAndUsers();
	session: SessionReader['session'] = async (id) => (await this.#source()).session(id);
	history: SessionReader['history'] = async (...args) => (await this.#source()).history(...args);
	nasReloads: NonNullable<SessionReader['nasReloads']> = async () => (await this.#source()).nasReloads();
	userOpenCounts: NonNullable<SessionReader['userOpenCounts']> = async (users) => (await this.#source()).userOpenCounts(users);
	onlineHistory: NonNullable<SessionReader['onlineHistory']> = async (window) => (await this.#source()).onlineHistory(window);
}

export interface OpenSitesOptions {
	readonly staleAfterSeconds?: number;
	/**
	 * The demo: each site is the embedded database of the demo site of its name (demo/network.ts DEMO_SITES),
	 * written by `seed`, with its simulated NAS started on loopback and their overrides added to the site's.
	 */
	readonly demo?: {readonly seed: EmbeddedSeed; readonly network: DemoNetworkOptions; readonly progress?: (message: string) => void};
	readonly env?: NodeJS.ProcessEnv;
	/** How long the merged reader waits for a site in one call (default 3 s). */
	readonly deadlineMs?: number;
	/**
	 * The profile's regions, given to each site's source: a member's NAS name is resolved against that site's own
	 * NAS (a name no NAS of the site has holds nothing there), an IP or CIDR member stands for that address at each site.
	 */
	readonly regions?: Regions | undefined;
}

/** Opens every site at once; those that cannot be reached now are tried again on their next read. */
export async function openSites(profiles: readonly SiteProfile[], options: OpenSitesOptions = {}): Promise<OpenedSites> {
	const sites = await Promise.all(
		profiles.map(async (profile): Promise<SiteContext> => {
			const demo = options.demo;
			const pair = await connectDatabasePair(
				demo ? {kind: 'demo', site: profile.name} : {kind: 'url', url: profile.database, from: 'profile'},
				demo ? undefined : profile.readDatabase,
				{
					...(options.env ? {env: options.env} : {}),
					...(demo ? {demoSeed: demo.seed, ...(demo.progress ? {onProgress: demo.progress} : {})} : {}),
				},
			);
			const {read: database, primary} = pair;
			let network: DemoNetwork | undefined;
			try {
				network = demo && database.embedded ? await startDemoSiteNetwork(database.embedded, profile.name, demo.network) : undefined;
			} catch (error) {
				await pair.close();
				throw error;
			}
			const nasOverrides = [...siteOverrides(profile), ...(network?.overrides ?? [])];
			let opening: Promise<{source: SessionSource; registry: NasRegistry}> | undefined;
			let current: {source: SessionSource; registry: NasRegistry} | undefined;
			const open = () => {
				opening ??= (async () => {
					const columns = await probeRadacctColumns(database.pool);
					const nasRows = await loadNasRows(database.pool);
					const source = await SessionSource.open(database.pool, {
						...(options.staleAfterSeconds === undefined ? {} : {staleAfterSeconds: options.staleAfterSeconds}),
						nasOverrides,
						columns,
						nasRows,
						...(options.regions ? {regions: options.regions} : {}),
					});
					current = {source, registry: NasRegistry.from(nasRows.rows, nasOverrides, nasRows.warnings)};
					return current;
				})();
				// A failed open is tried again next time: the site may be back.
				opening.catch(() => {
					opening = undefined;
				});
				return opening;
			};
			const reader = new OpeningReader(open, options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS);
			const close = async () => {
				await network?.close();
				await pair.close();
			};
			return {name: profile.name, database, primary, nasOverrides, reader, open, current: () => current, close};
		}),
	);
	const opened = await Promise.all(
		sites.map((site) =>
			site.open().then(
				(value) => ({site, value, error: undefined}),
				(error: unknown) => ({site, value: undefined, error}),
			),
		),
	);
	const firstOpened = opened.find((entry) => entry.value !== undefined);
	const merged = new MergedSessionReader(
		sites.map((site) => ({name: site.name, reader: site.reader})),
		{
			...(options.deadlineMs === undefined ? {} : {deadlineMs: options.deadlineMs}),
			...(options.regions ? {regions: options.regions} : {}),
		},
	);
	return {
		sites,
		merged,
		...(firstOpened?.value ? {first: {site: firstOpened.site, ...firstOpened.value}} : {}),
		secrets: opened.flatMap((entry) => entry.value?.registry.secrets() ?? []),
		failures: opened.filter((entry) => entry.error !== undefined).map((entry) => ({site: entry.site.name, error: entry.error})),
		async close() {
			await Promise.all(sites.map((site) => site.close()));
		},
	};
}
