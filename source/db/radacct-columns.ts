/**
 * Which columns radacct has, and which of them this role may read: an older FreeRADIUS schema lacks a few
 * (acctinterval, acctupdatetime), and radtop reads those as NULL. Asked once per command and handed down.
 */
import type {Queryable} from './queryable.js';

export interface RadacctColumns {
	/** Every column of the radacct the search_path finds; empty when there is none. */
	readonly all: ReadonlySet<string>;
	/** Those this role may SELECT: what a query may name. */
	readonly readable: ReadonlySet<string>;
}

/**
 * From pg_attribute rather than information_schema.columns: the latter leaves out the columns the role may
 * not read, which would make a radacct the role cannot SELECT from look absent.
 */
const RADACCT_COLUMNS_QUERY =
	"SELECT attname AS column_name, has_column_privilege(attrelid, attnum, 'SELECT') AS readable " +
	"FROM pg_attribute WHERE attrelid = to_regclass('radacct') AND attnum > 0 AND NOT attisdropped ORDER BY attnum";

export async function probeRadacctColumns(db: Queryable): Promise<RadacctColumns> {
	const {rows} = await db.query(RADACCT_COLUMNS_QUERY, []);
	const all = new Set<string>();
	const readable = new Set<string>();
	for (const row of rows as Array<{column_name: unknown; readable: unknown}>) {
		const name = String(row.column_name).toLowerCase();
		all.add(name);
		if (row.readable === true) readable.add(name);
	}
	return {all, readable};
}
