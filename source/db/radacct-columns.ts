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
	/**
	 * Whether an index led by username covers the open sessions (partial on `acctstoptime IS NULL`, as the one
	 * README suggests): with it a poll can count its window's users' open sessions cheaply.
	 */
	readonly openUserIndex?: boolean;
}

/**
 * From pg_attribute rather than information_schema.columns: the latter leaves out the columns the role may
 * not read, which would make a radacct the role cannot SELECT from look absent. Only catalogs are read, so a
 * lock on radacct does not hold it up: an index's predicate is matched in its stored form (`acctstoptime IS
 * NULL` alone) rather than through pg_get_expr, which would open radacct. A form it does not recognise only
 * means no index is seen.
 */
const RADACCT_COLUMNS_QUERY =
	"SELECT attname AS column_name, has_column_privilege(attrelid, attnum, 'SELECT') AS readable, " +
	'EXISTS (SELECT 1 FROM pg_index AS i JOIN pg_attribute AS stop ON stop.attrelid = i.indrelid ' +
	"AND stop.attname = 'acctstoptime' WHERE i.indrelid = col.attrelid AND i.indkey[0] = col.attnum " +
	"AND i.indpred::text ~ ('^\\{NULLTEST :arg \\{VAR :varno 1 :varattno ' || stop.attnum || ' .* :nulltesttype 0 ')) AS leads_open_index " +
	"FROM pg_attribute AS col WHERE attrelid = to_regclass('radacct') AND attnum > 0 AND NOT attisdropped ORDER BY attnum";

export async function probeRadacctColumns(db: Queryable): Promise<RadacctColumns> {
	const {rows} = await db.query(RADACCT_COLUMNS_QUERY, []);
	const all = new Set<string>();
	const readable = new Set<string>();
	let openUserIndex = false;
	for (const row of rows as Array<{column_name: unknown; readable: unknown; leads_open_index: unknown}>) {
		const name = String(row.column_name).toLowerCase();
		all.add(name);
		if (row.readable === true) readable.add(name);
		if (name === 'username' && row.leads_open_index === true) openUserIndex = true;
	}
	return {all, readable, openUserIndex};
}
