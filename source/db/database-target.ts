/**
 * Where radtop's database is (a URL, libpq's environment, or the embedded demo) and how it is shown:
 * "user@host:port/db", never with a password.
 */
/** The database URL a profile holds (any profile object: only its `database` matters here). */
function databaseOf(profile: object | undefined): string | undefined {
	return (profile as {readonly database?: string} | undefined)?.database;
}

/**
 * A setting radtop cannot use: the config file, a profile, --db or DATABASE_URL. Its message never holds a
 * value that may be a secret.
 */
export class ConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}

/** Where the database comes from, in the order PostgreSQL users expect. */
export type DatabaseTarget =
	| {readonly kind: 'url'; readonly url: string; readonly from: 'flag' | 'profile' | 'DATABASE_URL'}
	| {readonly kind: 'environment'}
	| {readonly kind: 'demo'; /** One site of the demo (demo/network.ts DEMO_SITES); absent: the first. */ readonly site?: string};

/**
 * `--demo` > `--db` > the profile named with `--profile` > DATABASE_URL > the default profile > libpq's
 * PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, ~/.pgpass), as psql would.
 */
export function resolveDatabaseTarget(input: {
	readonly demo?: boolean;
	readonly db?: string;
	readonly explicitProfile?: object;
	readonly defaultProfile?: object;
	readonly env: NodeJS.ProcessEnv;
}): DatabaseTarget {
	if (input.demo) return {kind: 'demo'};
	if (input.db) return {kind: 'url', url: checkUrl(input.db, '--db'), from: 'flag'};
	const explicit = databaseOf(input.explicitProfile);
	if (explicit) return {kind: 'url', url: checkUrl(explicit, 'the profile'), from: 'profile'};
	const fromEnv = input.env['DATABASE_URL'];
	if (fromEnv) return {kind: 'url', url: checkUrl(fromEnv, 'DATABASE_URL'), from: 'DATABASE_URL'};
	const fallback = databaseOf(input.defaultProfile);
	if (fallback) return {kind: 'url', url: checkUrl(fallback, 'the profile'), from: 'profile'};
	return {kind: 'environment'};
}

/** The URL, checked to be postgres:// (`where` names it in the error). */
export function checkUrl(url: string, where: string): string {
	// The user info ends at the last @ before the host; a / ? or # ahead of that @ makes the parser end the host
	// early and take part of the password for a host or a port, which a message would then print.
	const afterScheme = url.indexOf('://') < 0 ? '' : url.slice(url.indexOf('://') + 3);
	const at = afterScheme.lastIndexOf('@');
	const delimiter = afterScheme.search(/[/?#]/);
	// An @ inside a query parameter's value (`?options=...@...`) is the query's.
	const inQuery = /[?&][a-z_]+=/i.test(afterScheme.slice(Math.max(delimiter, 0), Math.max(at, 0)));
	if (at >= 0 && delimiter >= 0 && delimiter < at && !inQuery) {
		throw new ConfigError(
			`${where}: the user or password of the URL holds a character that must be percent-encoded (/ ? # @ as %2F %3F %23 %40)`,
		);
	}
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

/** The URL without a password in its user info or its query; a URL that does not parse is shown as nothing. */
export function withoutPassword(url: string): {url: string; hadPassword: boolean} {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return {url: '(not a valid URL)', hadPassword: false};
	}
	const hadPassword = parsed.password !== '' || parsed.searchParams.has('password');
	parsed.password = '';
	parsed.searchParams.delete('password');
	return {url: parsed.toString(), hadPassword};
}

/** True when a database URL carries a password. */
export function urlHasPassword(url: string): boolean {
	return withoutPassword(url).hadPassword;
}
