/**
 * What every database-backed command needs: the config, the database, a session source; and the one
 * place that turns any failure into a single line on stderr, scrubbed of secrets.
 */
import {ConfigStore} from '../config/config.js';
import {type Profile} from '../config/profile.js';
import {scrubSecrets, secretsOf} from '../config/secrets.js';
import {ConfigError, resolveDatabaseTarget} from '../db/database-target.js';
import {connectDatabase, type Database} from '../db/connect.js';
import type {EmbeddedSeed} from '../db/embedded-database.js';
import {describeError, SchemaError} from '../db/errors.js';
import {UnknownNasError} from '../sessions/nas-directory.js';
import {SessionSource} from '../sessions/session-source.js';
import {sanitize} from '../terminal/sanitize.js';
import {EXIT, UsageError} from './usage.js';

export interface GlobalFlags {
	readonly db?: string;
	readonly profile?: string;
	readonly demo?: boolean;
}

export interface CommandContext {
	readonly profileName?: string;
	readonly profile: Profile;
	readonly database: Database;
	readonly source: SessionSource;
	readonly secrets: readonly string[];
	close(): Promise<void>;
}

/** The demo network's writer, loaded only when the demo database is built. */
export const demoSeed: EmbeddedSeed = async (db, now) => (await import('../demo/seed.js')).seedDemoDatabase(db, {now});

/** A failure worth one line: the database could not be reached or is not a FreeRADIUS one. */
export class DatabaseError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DatabaseError';
	}
}

export async function openContext(
	flags: GlobalFlags,
	options: {staleAfterSeconds?: number; env?: NodeJS.ProcessEnv; progress?: (message: string) => void} = {},
): Promise<CommandContext> {
	const env = options.env ?? process.env;
	const store = ConfigStore.open(env);
	const explicit = flags.profile ? store.selectProfile(flags.profile) : undefined;
	const fallback = flags.profile ? undefined : store.selectProfile();
	const selected = explicit ?? fallback;
	const profile = selected?.profile ?? {};
	const target = resolveDatabaseTarget({
		demo: flags.demo,
		db: flags.db,
		explicitProfile: explicit?.profile,
		defaultProfile: fallback?.profile,
		env,
	});
	const secrets = secretsOf(store.data, target.kind === 'url' ? [target.url] : [], env);
	const database = await connectDatabase(target, {env, onProgress: options.progress, demoSeed});
	let source: SessionSource;
	try {
		source = await SessionSource.open(database.pool, {
			staleAfterSeconds: options.staleAfterSeconds ?? profile.staleAfter,
			nasOverrides: Object.values(profile.nas ?? {}),
		});
	} catch (error) {
		await database.close();
		if (error instanceof SchemaError) throw new DatabaseError(`${database.label}: ${error.message}`);
		throw new DatabaseError(`database unreachable (${database.label}): ${scrubSecrets(describeError(error), secrets)}`);
	}
	return {
		profileName: selected?.name,
		profile,
		database,
		source,
		secrets,
		close: () => database.close(),
	};
}

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
	} else if (error instanceof UnknownNasError) {
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
