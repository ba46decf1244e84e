/**
 * FreeRADIUS's `nasreload` table: when each NAS last said it (re)started. The stock PostgreSQL queries.conf
 * writes it on Accounting-On and Accounting-Off (the "lightweight" strategy: record the reload, leave the
 * sessions open), so a session still open in radacct that its NAS was last heard of before that instant is
 * one the NAS no longer has. A tiny table, one row per NAS: read whole, once per poll.
 *
 * Optional: a FreeRADIUS that bulk-closes on Accounting-On has no use for it, and a role may not read it. A
 * missing or unreadable table is skipped, with the reason for doctor; it is never an error on screen.
 */
import {describeError} from './errors.js';
import type {Queryable} from './queryable.js';
import {toDate} from './queryable.js';

/** Whether this role may read nasreload, probed once per command. */
export interface NasReloadTable {
	readonly readable: boolean;
	/** Why it is not read, in words for the operator; null when it is. */
	readonly skipped: string | null;
}

/** The last reload of each NAS. */
export interface NasReloads {
	/** Why nothing was read (no table, no permission, the read failed); null when the table was read. */
	readonly skipped: string | null;
	/** Reload instants by the NAS's IP, written as PostgreSQL's host() writes it (radacct's nasipaddress is read so). */
	readonly byIp: ReadonlyMap<string, Date>;
}

const NEEDED = ['nasipaddress', 'reloadtime'] as const;

/** From pg_attribute, as the radacct probe: a table the role may not read does not look absent. */
const PROBE_SQL =
	"SELECT attname AS column_name, has_column_privilege(attrelid, attnum, 'SELECT') AS readable " +
	"FROM pg_attribute WHERE attrelid = to_regclass('nasreload') AND attnum > 0 AND NOT attisdropped";

/** One row per NAS; the bound only keeps a table used for something else from filling memory. */
const READ_SQL = 'SELECT host(nasipaddress) AS nasipaddress, reloadtime FROM nasreload LIMIT 100000';

/** Whether nasreload is there with the stock columns and this role may read them. Never throws for a missing table. */
export async function probeNasReloadTable(db: Queryable): Promise<NasReloadTable> {
	let rows: Array<{column_name: unknown; readable: unknown}>;
	try {
		rows = (await db.query(PROBE_SQL, [])).rows as typeof rows;
	} catch (error) {
		return {readable: false, skipped: `nasreload could not be looked up: ${describeError(error)}`};
	}
	if (rows.length === 0) return {readable: false, skipped: 'there is no nasreload table'};
	const columns = new Map(rows.map((row) => [String(row.column_name).toLowerCase(), row.readable === true]));
	const missing = NEEDED.filter((column) => !columns.has(column));
	if (missing.length > 0) return {readable: false, skipped: `nasreload has no ${missing.join(', ')} column`};
	if (NEEDED.some((column) => columns.get(column) !== true)) {
		return {readable: false, skipped: 'nasreload may not be read by this database role'};
	}
	return {readable: true, skipped: null};
}

/** The rows of a readable nasreload; a table that is not, or a read that fails, gives none and says why. */
export async function readNasReloads(db: Queryable, table: NasReloadTable): Promise<NasReloads> {
	if (!table.readable) return {skipped: table.skipped ?? 'nasreload is not read', byIp: new Map()};
	try {
		const {rows} = await db.query(READ_SQL, []);
		const byIp = new Map<string, Date>();
		for (const row of rows as Array<Record<string, unknown>>) {
			const at = toDate(row['reloadtime']);
			if (at && row['nasipaddress'] !== null && row['nasipaddress'] !== undefined) byIp.set(String(row['nasipaddress']), at);
		}
		return {skipped: null, byIp};
	} catch (error) {
		return {skipped: `nasreload could not be read: ${describeError(error)}`, byIp: new Map()};
	}
}

/** Probe and read in one: for a command that reads it once. */
export async function loadNasReloads(db: Queryable): Promise<NasReloads> {
	return readNasReloads(db, await probeNasReloadTable(db));
}
