/**
 * radtop's configuration: named profiles kept by `conf` in a JSON file of mode 0600 (it may hold a
 * database password and NAS secrets), the PostgreSQL environment (DATABASE_URL, PG*), and flags.
 * Nothing here ever prints a secret: use `describeDatabaseUrl` to show where radtop connects.
 */
import {chmodSync, existsSync, statSync} from 'node:fs';
import {dirname, join} from 'node:path';
import Conf from 'conf';

/** Per-NAS settings that override or complete FreeRADIUS's nas table. */
export interface NasOverride {
	/** The NAS's IP as radacct.nasipaddress holds it. */
	readonly ip: string;
	readonly name?: string;
	readonly secret?: string;
	readonly coaHost?: string;
	readonly coaPort?: number;
	readonly vendor?: 'mikrotik' | 'cisco' | 'juniper' | 'accel-ppp' | 'generic';
	readonly messageAuthenticator?: boolean;
	readonly api?: {
		readonly host?: string;
		readonly port?: number;
		readonly user?: string;
		readonly password?: string;
		readonly tls?: boolean;
		readonly hotspot?: boolean;
	};
}

export interface Profile {
	/** postgres:// URL; may hold a password (the file is 0600). */
	readonly database?: string;
	/** Poll interval in seconds. */
	readonly interval?: number;
	/** Stale threshold in seconds for NAS that report no interim interval. */
	readonly staleAfter?: number;
	readonly readOnly?: boolean;
	readonly auditLog?: string;
	/** NAS (names or IPs) this profile may disconnect sessions on; absent means every NAS. */
	readonly allowedNas?: readonly string[];
	/** Sessions above which a console disconnect asks for the count to be typed (default 50). */
	readonly confirmTypedAbove?: number;
	/** Disconnect requests started per second by the console (0: no cap; default 200). */
	readonly disconnectRate?: number;
	readonly nas?: Readonly<Record<string, NasOverride>>;
}

export interface StoredConfig {
	readonly defaultProfile?: string;
	readonly profiles?: Readonly<Record<string, Profile>>;
}

export class ConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}

/** The directory radtop keeps its config in: $RADTOP_CONFIG_DIR, else the platform's (~/.config/radtop). */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
	return env['RADTOP_CONFIG_DIR'] || undefined;
}

/** The config file, opened through conf with mode 0600; a malformed file is reported, never cleared. */
export class ConfigStore {
	readonly #conf: Conf<StoredConfig>;

	private constructor(conf: Conf<StoredConfig>) {
		this.#conf = conf;
	}

	static open(env: NodeJS.ProcessEnv = process.env): ConfigStore {
		const cwd = configDirectory(env);
		let conf: Conf<StoredConfig>;
		try {
			conf = new Conf<StoredConfig>({
				projectName: 'radtop',
				projectSuffix: '',
				configName: 'config',
				configFileMode: 0o600,
				clearInvalidConfig: false,
				...(cwd ? {cwd} : {}),
			});
		} catch (error) {
			const where = cwd ? join(cwd, 'config.json') : 'the config file';
			// JSON.parse's message quotes the text around the error, and that text may be a password or secret.
			const reason =
				(error as Error).name === 'SyntaxError'
					? `not valid JSON${/ at position \d+/.exec((error as Error).message)?.[0] ?? ''}`
					: (error as Error).message.split('\n')[0];
			throw new ConfigError(`cannot read ${where}: ${reason}`);
		}
		const store = new ConfigStore(conf);
		store.#tightenPermissions();
		return store;
	}

	get path(): string {
		return this.#conf.path;
	}

	get data(): StoredConfig {
		return this.#conf.store;
	}

	profile(name: string): Profile | undefined {
		return this.data.profiles?.[name];
	}

	/** The profile to use: the one asked for (which must exist), else the default one, else none. */
	selectProfile(name?: string): {name: string; profile: Profile} | undefined {
		if (name) {
			const profile = this.profile(name);
			if (!profile) {
				const known = Object.keys(this.data.profiles ?? {});
				throw new ConfigError(`no profile "${name}" in ${this.path}${known.length ? ` (profiles: ${known.join(', ')})` : ''}`);
			}
			return {name, profile};
		}
		const fallback = this.data.defaultProfile ?? 'default';
		const profile = this.profile(fallback);
		return profile ? {name: fallback, profile} : undefined;
	}

	setProfile(name: string, profile: Profile): void {
		this.#conf.set('profiles', {...(this.data.profiles ?? {}), [name]: profile});
		this.#tightenPermissions();
	}

	setDefaultProfile(name: string): void {
		this.#conf.set('defaultProfile', name);
		this.#tightenPermissions();
	}

	// The file may hold secrets: keep it 0600 and its directory 0700 even if someone loosened them.
	#tightenPermissions(): void {
		const file = this.#conf.path;
		if (!existsSync(file)) return;
		if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
		const directory = dirname(file);
		if ((statSync(directory).mode & 0o077) !== 0) chmodSync(directory, 0o700);
	}
}

/** Where the database comes from, in the order PostgreSQL users expect. */
export type DatabaseTarget =
	| {readonly kind: 'url'; readonly url: string; readonly from: 'flag' | 'profile' | 'DATABASE_URL'}
	| {readonly kind: 'environment'}
	| {readonly kind: 'demo'};

/**
 * `--demo` > `--db` > the profile named with `--profile` > DATABASE_URL > the default profile > libpq's
 * PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, ~/.pgpass), as psql would.
 */
export function resolveDatabaseTarget(input: {
	readonly demo?: boolean;
	readonly db?: string;
	readonly explicitProfile?: Profile;
	readonly defaultProfile?: Profile;
	readonly env: NodeJS.ProcessEnv;
}): DatabaseTarget {
	if (input.demo) return {kind: 'demo'};
	if (input.db) return {kind: 'url', url: checkUrl(input.db, '--db'), from: 'flag'};
	if (input.explicitProfile?.database) return {kind: 'url', url: checkUrl(input.explicitProfile.database, 'the profile'), from: 'profile'};
	const fromEnv = input.env['DATABASE_URL'];
	if (fromEnv) return {kind: 'url', url: checkUrl(fromEnv, 'DATABASE_URL'), from: 'DATABASE_URL'};
	if (input.defaultProfile?.database) return {kind: 'url', url: checkUrl(input.defaultProfile.database, 'the profile'), from: 'profile'};
	return {kind: 'environment'};
}

function checkUrl(url: string, where: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		// Never echo the value: it may hold a password.
		throw new ConfigError(`${where} is not a valid postgres:// URL`);
	}
	if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
		throw new ConfigError(`${where} must be a postgres:// or postgresql:// URL, not ${parsed.protocol}//`);
	}
	return url;
}

/** "user@host:port/db" for a URL, without its password (or any query parameter). */
export function describeDatabaseUrl(url: string): string {
	try {
		const parsed = new URL(url);
		const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
		const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
		const port = parsed.port ? `:${parsed.port}` : '';
		const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '';
		return `${user}${host}${port}/${database}`;
	} catch {
		return 'database';
	}
}

/** "user@host:port/db" for the libpq environment, as pg will use it. */
export function describeEnvironmentDatabase(env: NodeJS.ProcessEnv): string {
	const user = env['PGUSER'] ?? env['USER'] ?? 'postgres';
	const host = env['PGHOST'] ?? 'localhost';
	const port = env['PGPORT'] ?? '5432';
	const database = env['PGDATABASE'] ?? user;
	return `${user}@${host}:${port}/${database}`;
}

/** Every secret the config knows of, so output can be scrubbed of them as a last line of defence. */
export function secretsOf(config: StoredConfig, urls: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
	const secrets: string[] = [];
	const addUrl = (url: string | undefined) => {
		if (!url) return;
		let password: string;
		try {
			password = new URL(url).password;
		} catch {
			return; // not a URL: nothing to extract
		}
		if (!password) return;
		// The raw (%-encoded) form first, so a malformed %-encoding cannot make it go missing.
		secrets.push(password);
		try {
			secrets.push(decodeURIComponent(password));
		} catch {
			// malformed %-encoding: the raw form is all there is
		}
	};
	for (const url of urls) addUrl(url);
	addUrl(env['DATABASE_URL']);
	if (env['PGPASSWORD']) secrets.push(env['PGPASSWORD']);
	for (const profile of Object.values(config.profiles ?? {})) {
		addUrl(profile.database);
		for (const nas of Object.values(profile.nas ?? {})) {
			if (nas.secret) secrets.push(nas.secret);
			if (nas.api?.password) secrets.push(nas.api.password);
		}
	}
	return [...new Set(secrets.filter((secret) => secret.length >= 3))];
}

/** Replaces each known secret in a message by "***". */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
	let scrubbed = message;
	// Longest first: a secret that contains a shorter one must go whole, not leave its tail behind.
	for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
		if (secret) scrubbed = scrubbed.split(secret).join('***');
	}
	return scrubbed;
}
