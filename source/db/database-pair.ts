/**
 * A primary and, when one is named, a read database (a hot standby): what only reads (polls, `sessions`,
 * `export`, `user`, `doctor`'s timings) goes to the read one, what writes or must be seen by every radtop
 * (`sweep --apply`, the console's sweep, the NAS claims of a disconnect, `simulate`'s accounting) to the
 * primary. Without a read URL both are the same connection. A pool connects on its first statement, so a
 * primary that a read-only command never needs costs nothing.
 */
import {connectDatabase, type ConnectOptions, type Database} from './connect.js';
import {checkUrl, ConfigError, type DatabaseTarget} from './database-target.js';

export interface DatabasePair {
	/** Where what only reads goes: the read URL's database, else the primary. */
	readonly read: Database;
	/** Where what writes goes. */
	readonly primary: Database;
	/** A read URL was given: `read` and `primary` are two pools. */
	readonly separate: boolean;
	close(): Promise<void>;
}

/**
 * The read URL to use with a primary: `--read-db`, else the profile's `read-database` when the primary is the
 * profile's own `database` (a standby of the profile's primary is no standby of a --db or DATABASE_URL given
 * instead). Checked as `database` is; `where` names it in an error, never its value.
 */
export function resolveReadUrl(input: {
	readonly flag?: string | undefined;
	readonly profileReadDatabase?: string | undefined;
	readonly primary: DatabaseTarget;
}): string | undefined {
	if (input.flag !== undefined) return checkUrl(input.flag, '--read-db');
	if (input.profileReadDatabase === undefined) return undefined;
	if (input.primary.kind !== 'url' || input.primary.from !== 'profile') return undefined;
	return checkUrl(input.profileReadDatabase, "the profile's read-database");
}

/** Opens the primary and, with `readUrl`, the read database beside it; the one place both are opened. */
export async function connectDatabasePair(
	primary: DatabaseTarget,
	readUrl: string | undefined,
	options: ConnectOptions = {},
): Promise<DatabasePair> {
	if (readUrl !== undefined && primary.kind === 'demo') throw new ConfigError('--read-db does not go with --demo');
	const main = await connectDatabase(primary, options);
	if (readUrl === undefined) return {read: main, primary: main, separate: false, close: () => main.close()};
	let read: Database;
	try {
		read = await connectDatabase({kind: 'url', url: readUrl, from: 'flag'}, options);
	} catch (error) {
		await main.close();
		throw error;
	}
	return {
		read,
		primary: main,
		separate: true,
		async close() {
			await Promise.all([read.close(), main.close()]);
		},
	};
}
