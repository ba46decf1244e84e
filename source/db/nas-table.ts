/**
 * FreeRADIUS's `nas` table: which NAS there are, their short names, types and shared secrets. One reader for
 * every command, the console's NAS names and the disconnect engine's secrets alike.
 */
import type {Queryable} from './queryable.js';
import {toText} from './queryable.js';

/** A row of the nas table: nasname is an IP, a host name or a network; type is free text. */
export interface NasRow {
	readonly nasname: string;
	readonly shortname: string | null;
	readonly type?: string | null;
	readonly secret?: string | null;
}

export interface NasRows {
	/** Whether the database has a nas table at all (FreeRADIUS may read its clients from clients.conf). */
	readonly present: boolean;
	readonly rows: readonly NasRow[];
	/** What this role may read of it: every column radtop uses, the names without the secrets, or nothing. */
	readonly readable: 'all' | 'names' | 'none';
	/** What could not be read, in words for the operator; empty when all went well. */
	readonly warnings: readonly string[];
}

/**
 * The nas table's columns and whether this role may read each. A read-only role is often kept away from the
 * secrets: asking first, instead of catching `permission denied`, keeps a transaction the caller is in usable.
 */
const NAS_COLUMNS_QUERY =
	"SELECT attname AS column_name, has_column_privilege(attrelid, attnum, 'SELECT') AS readable " +
	"FROM pg_attribute WHERE attrelid = to_regclass('nas') AND attnum > 0 AND NOT attisdropped";

const WANTED = ['nasname', 'shortname', 'type', 'secret'] as const;

/** Reads the nas table, as much of it as the role may. Never throws for a missing or locked table. */
export async function loadNasRows(db: Queryable): Promise<NasRows> {
	const {rows: columns} = await db.query(NAS_COLUMNS_QUERY, []);
	if (columns.length === 0) return {present: false, rows: [], readable: 'none', warnings: []};
	const readable = new Set(
		columns
			.filter((column: {readable: unknown}) => column.readable === true)
			.map((column: {column_name: unknown}) => String(column.column_name)),
	);
	if (!readable.has('nasname')) {
		return {
			present: true,
			rows: [],
			readable: 'none',
			warnings: ['the nas table may not be read by this database role: NAS secrets come only from the config'],
		};
	}
	const selected = WANTED.filter((column) => readable.has(column));
	const order = readable.has('id') ? 'id' : 'nasname';
	const {rows} = await db.query(`SELECT ${selected.join(', ')} FROM nas ORDER BY ${order}`, []);
	const warnings = readable.has('secret')
		? []
		: ["the nas table's secrets may not be read by this database role: NAS secrets come only from the config"];
	return {
		present: true,
		readable: readable.has('secret') ? 'all' : 'names',
		rows: rows.map((row: Record<string, unknown>) => ({
			nasname: String(row['nasname'] ?? ''),
			shortname: toText(row['shortname']),
			type: toText(row['type']),
			secret: toText(row['secret']),
		})),
		warnings,
	};
}
