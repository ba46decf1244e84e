/**
 * Reads everything radtop shows of one user: open sessions, the last authentication attempts (radpostauth),
 * the check and reply items and groups, the last sessions. A table that is missing or may not be read is
 * skipped with a note, never an error; radpostauth's columns are probed once, so an older schema without
 * calledstationid or class is read as it is. radpostauth's `pass` column is never named.
 */
import type {Queryable} from '../db/queryable.js';
import {toDate, toNumber, toText} from '../db/queryable.js';
import type {SessionReader} from '../sessions/session-source.js';
import type {Session} from '../sessions/session.js';
import {probeSubscriberTables, type SubscriberTables} from './subscriber-tables.js';
import {
	buildAttemptsQuery,
	buildUserAttributesQuery,
	foldUserAttributes,
	type Attempt,
	type UserAttributeRow,
	type UserAttributes,
} from './user-sql.js';

/** How much of the user's past to read. */
export interface UserLookupOptions {
	/** Authentication attempts (default 10). */
	readonly attempts?: number;
	/** Previous sessions (default 10). */
	readonly sessions?: number;
	/** How far back the previous sessions are looked for: the stock schema has no index led by username. */
	readonly historyDays?: number;
}

/** What radtop found of one user. */
export interface UserReport {
	readonly username: string;
	/** The database's clock when it was read. */
	readonly now: Date;
	readonly open: readonly Session[];
	readonly openCount: number;
	/** Newest first; null when radpostauth could not be read. */
	readonly attempts: readonly Attempt[] | null;
	readonly attributes: UserAttributes;
	/** Which authorisation tables were read. */
	readonly tables: ReadonlySet<string>;
	/** Closed sessions, newest first. */
	readonly history: readonly Session[];
	/** Tables skipped, and why, in words. */
	readonly notes: readonly string[];
}

/** radpostauth's columns and whether each may be read, from pg_attribute as radacct's probe does. */
const POSTAUTH_COLUMNS_SQL =
	"SELECT attname AS column_name, has_column_privilege(attrelid, attnum, 'SELECT') AS readable " +
	"FROM pg_attribute WHERE attrelid = to_regclass('radpostauth') AND attnum > 0 AND NOT attisdropped";

/** The readable columns of radpostauth, or why it cannot be read. */
export async function probePostauth(db: Queryable): Promise<{columns: ReadonlySet<string>} | {skipped: string}> {
	const {rows} = await db.query(POSTAUTH_COLUMNS_SQL, []);
	if (rows.length === 0) return {skipped: 'there is no radpostauth table'};
	const all = new Set<string>();
	const columns = new Set<string>();
	for (const row of rows as Array<{column_name: unknown; readable: unknown}>) {
		const name = String(row.column_name).toLowerCase();
		all.add(name);
		if (row.readable === true) columns.add(name);
	}
	const needed = ['username', 'reply', 'authdate'];
	const absent = needed.filter((column) => !all.has(column));
	if (absent.length > 0) return {skipped: `radpostauth has no ${absent.join(', ')} column`};
	if (needed.some((column) => !columns.has(column))) return {skipped: 'radpostauth may not be read by this database role'};
	return {columns};
}

const EMPTY_ATTRIBUTES: UserAttributes = {checks: [], groups: [], groupChecks: [], userReplies: [], replies: []};

async function readAttributes(db: Queryable, tables: SubscriberTables, username: string): Promise<UserAttributes> {
	const query = buildUserAttributesQuery(username, tables.readable);
	if (!query) return EMPTY_ATTRIBUTES;
	const {rows} = await db.query(query.text, query.values);
	return foldUserAttributes(
		rows.map((row: Record<string, unknown>) => ({
			kind: String(row['kind']) as UserAttributeRow['kind'],
			groupname: toText(row['groupname']),
			attribute: toText(row['attribute']),
			op: toText(row['op']),
			value: toText(row['value']),
			secret: row['secret'] === true,
			priority: toNumber(row['priority']),
			id: toNumber(row['id']) ?? 0,
		})),
	);
}

async function readAttempts(db: Queryable, columns: ReadonlySet<string>, username: string, limit: number): Promise<Attempt[]> {
	const query = buildAttemptsQuery(username, limit, columns);
	const {rows} = await db.query(query.text, query.values);
	return rows.map((row: Record<string, unknown>) => {
		const called = toText(row['calledstationid']);
		return {
			at: toDate(row['authdate']),
			reply: toText(row['reply']),
			message: toText(row['replymessage']) ?? toText(row['reply_message']),
			nas: toText(row['nasidentifier']) ?? toText(row['nasipaddress']) ?? called,
			calledStationId: called,
			callingStationId: toText(row['callingstationid']),
			class: toText(row['class']),
		};
	});
}

/** Reads the user: a handful of statements, each bound, each on a table the probes found readable. */
export async function lookUpUser(
	db: Queryable,
	source: SessionReader,
	username: string,
	options: UserLookupOptions = {},
): Promise<UserReport> {
	const notes: string[] = [];
	const {rows: clock} = await db.query('SELECT now() AS now', []);
	const now = toDate(clock[0]?.['now']) ?? new Date();
	const filter = {status: 'active' as const, search: `user:="${username.replace(/[\\"]/g, (char) => `\\${char}`)}"`};
	const openPage = await source.list(filter, {key: 'start', direction: 'desc'}, {limit: 20});
	const openCount = openPage.rows.length < 20 ? openPage.rows.length : (await source.count(filter)).total;
	const tables = await probeSubscriberTables(db);
	for (const reason of tables.skipped.values()) notes.push(reason);
	const attributes = await readAttributes(db, tables, username);
	const postauth = await probePostauth(db);
	let attempts: Attempt[] | null = null;
	if ('skipped' in postauth) notes.push(`${postauth.skipped}: no authentication attempts`);
	else attempts = await readAttempts(db, postauth.columns, username, options.attempts ?? 10);
	const days = options.historyDays ?? 90;
	const since = new Date(now.getTime() - days * 86_400_000);
	const history = (await source.history(username, (options.sessions ?? 10) + openPage.rows.length, since))
		.filter((session) => session.acctstoptime !== null)
		.slice(0, options.sessions ?? 10);
	return {username, now, open: openPage.rows, openCount, attempts, attributes, tables: tables.readable, history, notes};
}
