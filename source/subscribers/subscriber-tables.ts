/**
 * Which of FreeRADIUS's authorisation tables this role may read, asked once per command: a missing table or
 * one the role may not SELECT from (its columns, to be exact) is skipped, with the reason for doctor.
 */
import type {TimeoutTables} from '../sessions/remaining-sql.js';
import type {Queryable} from '../db/queryable.js';
import {SUBSCRIBER_TABLES, type SubscriberTable} from './subscriber-sql.js';

export interface SubscriberTables {
	readonly readable: ReadonlySet<SubscriberTable>;
	/** Why each table that is not read is skipped, in words for the operator. */
	readonly skipped: ReadonlyMap<SubscriberTable, string>;
}

const NEEDED: Record<SubscriberTable, readonly string[]> = {
	radusergroup: ['id', 'username', 'groupname', 'priority'],
	radreply: ['id', 'username', 'attribute', 'op', 'value'],
	radcheck: ['id', 'username', 'attribute', 'op', 'value'],
	radgroupreply: ['id', 'groupname', 'attribute', 'op', 'value'],
	radgroupcheck: ['id', 'groupname', 'attribute', 'op', 'value'],
};

/** From pg_attribute, as the radacct probe: a table the role may not read does not look absent. */
const PROBE_SQL =
	"SELECT t.name, a.attname AS column_name, has_column_privilege(a.attrelid, a.attnum, 'SELECT') AS readable " +
	'FROM unnest($1::text[]) AS t(name) LEFT JOIN pg_attribute a ' +
	'ON a.attrelid = to_regclass(t.name) AND a.attnum > 0 AND NOT a.attisdropped';

export async function probeSubscriberTables(db: Queryable): Promise<SubscriberTables> {
	const {rows} = await db.query(PROBE_SQL, [[...SUBSCRIBER_TABLES]]);
	const present = new Map<string, Map<string, boolean>>();
	for (const row of rows as Array<{name: string; column_name: string | null; readable: boolean | null}>) {
		const columns = present.get(row.name) ?? new Map<string, boolean>();
		if (row.column_name !== null) columns.set(String(row.column_name).toLowerCase(), row.readable === true);
		present.set(row.name, columns);
	}
	const readable = new Set<SubscriberTable>();
	const skipped = new Map<SubscriberTable, string>();
	for (const table of SUBSCRIBER_TABLES) {
		const columns = present.get(table);
		if (!columns || columns.size === 0) {
			skipped.set(table, `there is no ${table} table`);
			continue;
		}
		const missing = NEEDED[table].filter((column) => !columns.has(column));
		if (missing.length > 0) {
			skipped.set(table, `${table} has no ${missing.join(', ')} column`);
			continue;
		}
		if (NEEDED[table].some((column) => columns.get(column) !== true)) {
			skipped.set(table, `${table} may not be read by this database role`);
			continue;
		}
		readable.add(table);
	}
	for (const table of ['radgroupreply', 'radgroupcheck'] as const) {
		if (readable.has(table) && !readable.has('radusergroup')) {
			readable.delete(table);
			skipped.set(table, `${table} is not read without radusergroup (${skipped.get('radusergroup')})`);
		}
	}
	return {readable, skipped};
}

/** The reply tables the `remaining` sort can read, of those the probe found readable. */
export function timeoutTablesOf(readable: ReadonlySet<string>): TimeoutTables {
	return {userReply: readable.has('radreply'), groupReply: readable.has('radusergroup') && readable.has('radgroupreply')};
}
