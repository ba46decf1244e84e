/**
 * What a command works with, opened in one place (the config, the database, the sessions, the NAS, the demo
 * network), and the one place that turns any failure into a single line on stderr, scrubbed of secrets.
 */
import {ConfigStore} from '../config/config.js';
import {type Profile, type SiteProfile} from '../config/profile.js';
import {scrubSecrets, secretsOf} from '../config/secrets.js';
import {ConfigError, resolveDatabaseTarget, type DatabaseTarget} from '../db/database-target.js';
import {type Database} from '../db/connect.js';
import {connectDatabasePair, resolveReadUrl} from '../db/database-pair.js';
import type {EmbeddedSeed} from '../db/embedded-database.js';
import {describeError, SchemaError} from '../db/errors.js';
import {loadNasRows} from '../db/nas-table.js';
import {probeRadacctColumns} from '../db/radacct-columns.js';
import type {DemoNetwork} from '../demo/demo-network.js';
import {DEMO_REGIONS, DEMO_SITES, type DemoNas} from '../demo/network.js';
import type {NasOverride} from '../nas/nas-override.js';
import {NasRegistry} from '../nas/registry.js';
import {UnknownNasError} from '../sessions/nas-directory.js';
import {SearchSyntaxError} from '../sessions/search.js';
import {SessionSource} from '../sessions/session-source.js';
import {sanitize} from '../terminal/sanitize.js';
import {openSites, type OpenedSites, type OpenSitesOptions, type SiteContext} from './sites-context.js';
import {EXIT, UsageError} from './usage.js';

export interface GlobalFlags {
	readonly db?: string;
	/** A hot standby for what only reads (`--read-db`); else the profile's `read-database`. */
	readonly readDb?: string | undefined;
	readonly profile?: string;
	readonly demo?: boolean;
	/** With --demo: only this site of the demo (`--demo-site`). */
	readonly demoSite?: string | undefined;
}

/** The database flags of a command's parsed flags (meow's camelCase names). */
export function globalFlagsOf(flags: Readonly<Record<string, unknown>>): GlobalFlags {
	const text = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
	return {
		db: text('db'),
		readDb: text('readDb'),
		profile: text('profile'),
		demo: Boolean(flags['demo']),
		...(text('demoSite') === undefined ? {} : {demoSite: text('demoSite')}),
	};
}

/** What a command needs opened for it; {@link openContext} opens exactly that, and close() closes it all. */
export interface ContextNeeds {
	/**
	 * `sessions` (the default): radacct is checked and read through a SessionSource, and the NAS registry is
	 * built from the same read of the nas table. `connection`: the database alone (doctor, for which a missing
	 * radacct is a finding). `optional`: as `sessions`, but a database that cannot be reached leaves the
	 * config's NAS only (nas list).
	 */
	readonly database?: 'sessions' | 'connection' | 'optional';
	/** The demo's simulated NAS, started when the database is the embedded demo; their overrides join the profile's. */
	readonly demoNetwork?: {readonly live: boolean; readonly ghostAfterSeconds?: number};
	/** With --demo: every site of the demo (the console), not its first alone (the other commands). */
	readonly demoSites?: boolean;
	readonly staleAfterSeconds?: number;
	readonly env?: NodeJS.ProcessEnv;
	readonly progress?: (message: string) => void;
}

/** The config side of a context: what every command has, the database reached or not. */
export interface ConfigContext {
	readonly profileName?: string;
	readonly profile: Profile;
	/** The profile's NAS overrides, then the demo network's: the one merge every command uses. */
	readonly nasOverrides: readonly NasOverride[];
	/** Known secrets (the config's, the database URL's password, the NAS secrets once read), for scrubbing. */
	readonly secrets: readonly string[];
	close(): Promise<void>;
}

/** The database connection, radacct not checked. */
export interface ConnectionContext extends ConfigContext {
	/** What only reads goes here: the read database (a hot standby) when one is set, else the primary. */
	readonly database: Database;
	/** What writes goes here (sweep --apply, NAS claims, simulate); `database` itself without a read database. */
	readonly primary: Database;
	/**
	 * The profile's sites where they stand for its database (`connection` only: doctor checks each of them); the
	 * database above is then the first site's, opened but not yet connected to.
	 */
	readonly siteProfiles?: readonly SiteProfile[];
}

/** What a database-backed command works with. */
export interface CommandContext extends ConnectionContext {
	readonly source: SessionSource;
	/** The NAS: the nas table, as read when the context opened, and {@link ConfigContext.nasOverrides}. */
	readonly registry: NasRegistry;
	/** The profile's sites, when it lists several (`sites`): database, source and registry above are the first reachable one's. */
	readonly sites?: OpenedSites;
}

/** The database could not be reached: the config alone, and why. */
export interface OfflineContext extends ConfigContext {
	readonly unreachable: string;
	readonly registry: NasRegistry;
	/** The profile's sites, when it lists several and none could be reached. */
	readonly sites?: OpenedSites;
}

/** The demo network's writer, loaded only when the demo database is built. */
export const demoSeed: EmbeddedSeed = async (db, now, site) => {
	const {seedDemoDatabase, demoSiteSeedOptions} = await import('../demo/seed.js');
	const {DEMO_SITES} = await import('../demo/network.js');
	const chosen = DEMO_SITES.find((candidate) => candidate.name === (site ?? DEMO_SITES[0]!.name));
	if (!chosen) throw new RangeError(`the demo has no site named ${site}`);
	return seedDemoDatabase(db, demoSiteSeedOptions(chosen, now));
};

/** A failure worth one line: the database could not be reached or is not a FreeRADIUS one. */
export class DatabaseError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DatabaseError';
	}
}

/**
 * The one place a command's config, database, sessions, NAS and demo network are opened. A failure closes
 * whatever was opened and is a DatabaseError or ConfigError worth one line.
 */
export function openContext(flags: GlobalFlags, needs?: ContextNeeds & {database?: 'sessions'}): Promise<CommandContext>;
export function openContext(flags: GlobalFlags, needs: ContextNeeds & {database: 'connection'}): Promise<ConnectionContext>;
export function openContext(flags: GlobalFlags, needs: ContextNeeds & {database: 'optional'}): Promise<CommandContext | OfflineContext>;
export async function openContext(
	flags: GlobalFlags,
	needs: ContextNeeds = {},
): Promise<CommandContext | ConnectionContext | OfflineContext> {
	const env = needs.env ?? process.env;
	const store = ConfigStore.open(env);
	const explicit = flags.profile ? store.selectProfile(flags.profile) : undefined;
	const fallback = flags.profile ? undefined : store.selectProfile();
	const selected = explicit ?? fallback;
	const stored = selected?.profile ?? {};
	const profileOverrides = Object.values(stored.nas ?? {});
	// A profile with sites and no database of its own stands for its first site where one database is wanted (doctor).
	const firstSite = (listed: Profile | undefined) =>
		listed?.sites?.[0] && listed.database === undefined
			? {...listed, database: listed.sites[0].database, readDatabase: listed.sites[0].readDatabase}
			: listed;
	const target = resolveDatabaseTarget({
		demo: flags.demo,
		db: flags.db,
		explicitProfile: firstSite(explicit?.profile),
		defaultProfile: firstSite(fallback?.profile),
		env,
	});
	// The demo's network has regions of its own, unless the profile defines some.
	const profile = target.kind === 'demo' && stored.regions === undefined ? {...stored, regions: DEMO_REGIONS} : stored;
	const readUrl = resolveReadUrl({flag: flags.readDb, profileReadDatabase: firstSite(profile)?.readDatabase, primary: target});
	const urls = [...(target.kind === 'url' ? [target.url] : []), ...(readUrl === undefined ? [] : [readUrl])];
	const secrets = secretsOf(store.data, urls, env);
	const base = {profileName: selected?.name, profile};
	// A profile's sites stand where its database would (--demo, --db, and DATABASE_URL over a default profile win).
	const sitesWin = !flags.demo && !flags.db && (explicit !== undefined || !env['DATABASE_URL']);
	if (sitesWin && profile.sites?.length && needs.database !== 'connection')
		return openSitesContext(base, profile, secrets, {...needs, env});
	if (flags.demo && needs.demoSites && !flags.demoSite && needs.database !== 'connection') {
		// The demo's sites are embedded databases: their names stand for them (sites-context.ts opens them as demo sites).
		const demoProfile: Profile = {
			...profile,
			sites: DEMO_SITES.map((site) => ({name: site.name, database: `postgres://demo/${site.name}`})),
		};
		return openSitesContext({...base, profile: demoProfile}, demoProfile, secrets, {
			...needs,
			env,
			demo: {seed: demoSeed, network: needs.demoNetwork ?? {live: true}, ...(needs.progress ? {progress: needs.progress} : {})},
		});
	}
	// --demo-site: one site of the demo, on its own; its first site is the demo as the other commands open it.
	const demoSite = flags.demo && flags.demoSite ? await demoSiteOf(flags.demoSite) : undefined;
	const pair = await connectDatabasePair(demoSite?.target ?? target, readUrl, {env, onProgress: needs.progress, demoSeed});
	const {read: database, primary} = pair;
	let network: DemoNetwork | undefined;
	const close = async () => {
		await network?.close();
		await pair.close();
	};
	try {
		network =
			needs.demoNetwork && database.embedded
				? await (
						await import('../demo/demo-network.js')
					).startDemoNetwork(database.embedded, {...needs.demoNetwork, ...(demoSite ? {nas: demoSite.nas} : {})})
				: undefined;
	} catch (error) {
		await close();
		throw error;
	}
	const nasOverrides = [...profileOverrides, ...(network?.overrides ?? [])];
	if (needs.database === 'connection') {
		const siteProfiles = sitesWin && profile.sites?.length ? {siteProfiles: profile.sites} : {};
		return {...base, nasOverrides, database, primary, secrets, close, ...siteProfiles};
	}
	try {
		const columns = await probeRadacctColumns(database.pool);
		const nasRows = await loadNasRows(database.pool);
		const source = await SessionSource.open(database.pool, {
			staleAfterSeconds: needs.staleAfterSeconds ?? profile.staleAfter,
			nasOverrides: profileOverrides,
			columns,
			nasRows,
			...(profile.regions ? {regions: profile.regions} : {}),
		});
		const registry = NasRegistry.from(nasRows.rows, nasOverrides, nasRows.warnings);
		return {
			...base,
			nasOverrides,
			database,
			primary,
			source,
			registry,
			secrets: [...new Set([...secrets, ...registry.secrets()])],
			close,
		};
	} catch (error) {
		await close();
		const failure =
			error instanceof SchemaError
				? new DatabaseError(`${database.label}: ${error.message}`)
				: new DatabaseError(
						`database unreachable (${database.label}): ${scrubSecrets(describeError(error), secrets)}${target.kind === 'environment' && !PG_VARIABLES.some((name) => env[name]) ? NO_DATABASE_HINT : ''}`,
					);
		if (needs.database !== 'optional') throw failure;
		const registry = NasRegistry.from([], profileOverrides);
		return {...base, nasOverrides: profileOverrides, unreachable: failure.message, registry, secrets, close: async () => undefined};
	}
}

/** A profile with `sites`: each opened, the first reachable one standing for the context's own database. */
async function openSitesContext(
	base: {profileName: string | undefined; profile: Profile},
	profile: Profile,
	secrets: readonly string[],
	needs: ContextNeeds & {env: NodeJS.ProcessEnv; demo?: OpenSitesOptions['demo']},
): Promise<CommandContext | OfflineContext> {
	const sites = await openSites(profile.sites ?? [], {
		env: needs.env,
		...(profile.regions ? {regions: profile.regions} : {}),
		...(needs.demo ? {demo: needs.demo} : {}),
		...((needs.staleAfterSeconds ?? profile.staleAfter) === undefined
			? {}
			: {staleAfterSeconds: needs.staleAfterSeconds ?? profile.staleAfter}),
	});
	const first = sites.first;
	const known = [
		...secrets,
		...sites.sites.flatMap((site) => site.nasOverrides.flatMap((nas) => [nas.secret ?? '', nas.api?.password ?? ''])),
	];
	if (!first) {
		const why = sites.failures.map(({site, error}) => `${site}: ${scrubSecrets(describeError(error), secrets)}`).join('; ');
		const failure = new DatabaseError(`no site could be reached (${why})`);
		// nas list: each site's config NAS are still worth listing.
		if (needs.database === 'optional') {
			const registry = NasRegistry.from([], []);
			const offline = [...new Set(known)].filter((secret) => secret.length >= 3);
			return {...base, nasOverrides: [], unreachable: failure.message, registry, sites, secrets: offline, close: () => sites.close()};
		}
		await sites.close();
		throw failure;
	}
	const nasOverrides = first.site.nasOverrides;
	return {
		...base,
		nasOverrides,
		database: first.site.database,
		primary: first.site.primary,
		source: first.source,
		registry: first.registry,
		sites,
		secrets: [...new Set([...known, ...sites.secrets])].filter((secret) => secret.length >= 3),
		close: () => sites.close(),
	};
}

/**
 * The context of one site of a sites profile (`--site NAME`): its database, source and NAS registry in place of the
 * context's own. `name` undefined: the context as it is. An unknown name is a usage error listing the sites; a site
 * that cannot be reached now is a DatabaseError.
 */
export async function contextForSite(context: CommandContext, name: string | undefined): Promise<CommandContext> {
	if (name === undefined) return context;
	const [site] = sitesNamed(context.sites, name);
	if (!site) return context;
	let opened;
	try {
		opened = await site.open();
	} catch (error) {
		throw new DatabaseError(
			`site ${site.name} unreachable (${site.database.label}): ${scrubSecrets(describeError(error), context.secrets)}`,
		);
	}
	const {sites: _sites, ...rest} = context;
	const secrets = [...new Set([...context.secrets, ...opened.registry.secrets()])];
	return {
		...rest,
		database: site.database,
		primary: site.primary,
		source: opened.source,
		registry: opened.registry,
		nasOverrides: site.nasOverrides,
		secrets,
	};
}

/**
 * The sites a command covers: every site of the profile, or the one `--site NAME` names. An unknown name (or
 * --site without sites) is a usage error listing the sites.
 */
export function sitesNamed(sites: OpenedSites | undefined, name: string | undefined): readonly SiteContext[] {
	if (name === undefined) return sites?.sites ?? [];
	const names = sites?.sites.map((site) => site.name) ?? [];
	const site = sites?.sites.find((candidate) => candidate.name === name);
	if (!site)
		throw new UsageError(
			names.length > 0
				? `--site: no site "${sanitize(name.slice(0, 40))}" (sites: ${names.join(', ')})`
				: '--site takes a site of a profile that lists sites (radtop config set sites)',
		);
	return [site];
}

/** libpq's variables that name a database; with none of them, nor --db, a profile or DATABASE_URL, none was configured. */
const PG_VARIABLES = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGSERVICE', 'PGPASSWORD'];

/** What a user who configured no database at all is told, after the failure of libpq's defaults. */
export const NO_DATABASE_HINT =
	'; no database is configured: give --db postgres://user@host/db, a profile (radtop config set database), ' +
	'DATABASE_URL or the PG* variables (PGHOST, PGUSER, ...), or try radtop --demo';

/** True for an error PostgreSQL sent: a SQLSTATE code (five characters, at least one a digit) or pg's severity. */
export function isDatabaseError(error: unknown): boolean {
	if (typeof error !== 'object' || error === null) return false;
	const {code, severity} = error as {code?: unknown; severity?: unknown};
	if (typeof severity === 'string' && severity !== '') return true;
	return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code);
}

/**
 * Writes one line for an error and returns the exit code: 2 for usage, 1 for everything else. The message
 * can carry a flag value or a server's error text, so after the secrets are scrubbed every control and
 * invisible character is shown as an escape (line breaks become spaces first, to keep it one readable line).
 */
export function reportError(
	error: unknown,
	secrets: readonly string[] = secretsOf({}, [], process.env),
	stderr: NodeJS.WritableStream = process.stderr,
): number {
	let message: string;
	let code: number = EXIT.failure;
	if (error instanceof UsageError) {
		message = error.message;
		code = EXIT.usage;
	} else if (error instanceof UnknownNasError || error instanceof SearchSyntaxError) {
		message = error.message;
		code = EXIT.usage;
	} else if (error instanceof ConfigError || error instanceof DatabaseError) {
		message = error.message;
	} else {
		// A PostgreSQL error carries a five-character SQLSTATE, always with a digit (42P01, 57014), and pg adds
		// its severity; anything else (a port in use, EPERM, EROFS, a socket error) is not the database's doing.
		const fromDatabase = isDatabaseError(error);
		message = fromDatabase ? `database error: ${describeError(error)}` : describeError(error);
	}
	stderr.write(`radtop: ${sanitize(scrubSecrets(message, secrets).replace(/[\r\n]+/g, ' '))}\n`);
	return code;
}

/** The demo site --demo-site names: how to open its database (the first site: as plain --demo), and its NAS. */
async function demoSiteOf(name: string): Promise<{readonly target: DatabaseTarget; readonly nas: readonly DemoNas[]}> {
	const site = DEMO_SITES.find((candidate) => candidate.name === name);
	if (!site) throw new UsageError(`--demo-site: the demo's sites are ${DEMO_SITES.map((candidate) => candidate.name).join(' and ')}`);
	return {target: site === DEMO_SITES[0] ? {kind: 'demo'} : {kind: 'demo', site: site.name}, nas: site.nas};
}
