/**
 * What doctor reads of the primary and of the read database: reachable, the role, in recovery or not and the
 * replay lag (db/replica.ts), the system identifier (`pg_control_system()`, to tell whether the read database
 * is a standby of the same cluster), the database and the role; on the primary, what sweep --apply needs.
 */
import {describeError} from '../db/errors.js';
import {toText, type Queryable} from '../db/queryable.js';
import {readReplicaState, type ReplicaState} from '../db/replica.js';
import type {WriteFacts} from './database-fact-types.js';
import {writeFacts} from './database-facts.js';

export interface ServerFacts {
	/** Where it is, "user@host:port/db". */
	readonly label: string;
	/** Why it could not be reached or read; nothing else is then known. */
	readonly error?: string;
	readonly state?: ReplicaState;
	readonly database?: string;
	readonly user?: string;
	/** The cluster's system identifier; null when it could not be read ({@link ServerFacts.systemIdError}). */
	readonly systemId?: string | null;
	readonly systemIdError?: string;
	/** On the primary: what sweep --apply needs (UPDATE on radacct's columns, a session that may write). */
	readonly writes?: WriteFacts;
	readonly writesError?: string;
}

/** Reads one server's facts; a failure is a fact (`error`), never thrown. `writes`: read what sweep --apply needs too. */
export async function gatherServerFacts(db: Queryable, label: string, options: {readonly writes?: boolean} = {}): Promise<ServerFacts> {
	let base: ServerFacts;
	try {
		const {rows} = await db.query('SELECT current_database() AS database, current_user AS user_name', []);
		const state = await readReplicaState(db);
		base = {label, state, database: String(rows[0]?.['database']), user: String(rows[0]?.['user_name'])};
	} catch (error) {
		return {label, error: describeError(error)};
	}
	let identity: Pick<ServerFacts, 'systemId' | 'systemIdError'>;
	try {
		const {rows} = await db.query('SELECT system_identifier::text AS id FROM pg_control_system()', []);
		identity = {systemId: toText(rows[0]?.['id'])};
	} catch (error) {
		identity = {systemId: null, systemIdError: describeError(error)};
	}
	if (!options.writes) return {...base, ...identity};
	try {
		return {...base, ...identity, writes: await writeFacts(db)};
	} catch (error) {
		return {...base, ...identity, writesError: describeError(error)};
	}
}
