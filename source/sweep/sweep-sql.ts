/**
 * Pure builders for the two statements of a stale-session sweep: the listing of open sessions that stopped
 * sending interim updates, and the close that ends them in radacct the way FreeRADIUS's own queries would.
 *
 * The sweep writes, so its stale rule is stricter than the console's (`staleExpression`): FreeRADIUS's stock
 * interim-update query stores in AcctInterval the gap since the previous update, so an early interim (a NAS
 * reporting an address change at once) leaves a few seconds there, and a NULL says nothing about the NAS's
 * real interval. A session is listed only when silent for longer than the greatest of the threshold, twice its
 * own acctinterval and twice the longest acctinterval among its NAS's open sessions (that NAS's regular
 * interim interval, unless a longer gap was ever recorded: then the sweep waits longer, never shorter).
 *
 * The close follows the stock PostgreSQL `queries.conf` (accounting `stop` and the bulk `accounting-on`
 * strategy): AcctStopTime and AcctUpdateTime set to the stop instant, AcctSessionTime the seconds from
 * AcctStartTime to it, AcctTerminateCause given. The stop instant of a ghost session is the last time the NAS
 * was heard of it: its last Interim-Update, or its start when it sent none.
 */
import {Parameters, selectList, type SqlQuery} from '../sessions/radacct-sql.js';
import {SESSION_COLUMNS} from '../sessions/session-columns.js';

/** Hard ceiling on the sessions one sweep lists (and so closes). */
export const MAX_SWEEP_SESSIONS = 1_000_000;

/**
 * RFC 2866 §5.10 and RFC 3580 §3.32 Acct-Terminate-Cause values, as FreeRADIUS's dictionary names them: the
 * only words radtop writes into acctterminatecause.
 */
export const TERMINATE_CAUSES = [
	'User-Request',
	'Lost-Carrier',
	'Lost-Service',
	'Idle-Timeout',
	'Session-Timeout',
	'Admin-Reset',
	'Admin-Reboot',
	'Port-Error',
	'NAS-Error',
	'NAS-Request',
	'NAS-Reboot',
	'Port-Unneeded',
	'Port-Preempted',
	'Port-Suspended',
	'Service-Unavailable',
	'Callback',
	'User-Error',
	'Host-Request',
	'Supplicant-Restart',
	'Reauthentication-Failure',
	'Port-Reinitialized',
	'Port-Administratively-Disabled',
] as const;

export type TerminateCause = (typeof TERMINATE_CAUSES)[number];

/** What the sweep lists. */
export interface StaleListing {
	/** The least silence that makes a session stale, whatever interval its NAS reports. */
	readonly staleAfterSeconds: number;
	/** Only these NAS (radacct's nasipaddress); every NAS when undefined or empty. */
	readonly nasIps?: readonly string[];
	/** At most this many sessions; one more is asked for, to tell that there are more. */
	readonly limit: number;
	/**
	 * FreeRADIUS's nasreload may be read: each row says when its NAS last reloaded if that makes it a ghost
	 * candidate (`reloaded_at`, see {@link RELOADED_PREDICATE}).
	 */
	readonly nasReload?: boolean;
	/**
	 * List the ghost candidates instead of the stale sessions: every open session its NAS was last heard of
	 * before it reloaded, however short its silence. Needs `nasReload`.
	 */
	readonly reloaded?: boolean;
}

/**
 * A ghost candidate (sessions/ghost.ts says the same in TypeScript): an open session that started, and was
 * last heard of, before its NAS last reloaded. As FreeRADIUS's own radacct_with_reloads view
 * (process-radacct.sql), strictly before; an interim update after the reload means the NAS still has it.
 */
export const RELOADED_PREDICATE =
	'radacct.acctstarttime < nasreload.reloadtime AND COALESCE(radacct.acctupdatetime, radacct.acctstarttime) < nasreload.reloadtime';

/**
 * The exact last-update instant of a row as text, microseconds included: the close compares it with the
 * row again, and a JavaScript Date would lose the microseconds PostgreSQL keeps.
 */
const UPDATE_TOKEN = `to_char(acctupdatetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The stale open sessions (or, with `reloaded`, the ghost candidates), the longest silent first, at most
 * `limit + 1` rows. Besides the session columns each row has `update_token` (see the close), `silent_seconds`
 * (since the last update, or the start when there was none), `allowed_seconds` (the silence the sweep's stale
 * rule allowed it, see the module comment) and `reloaded_at` (its NAS's reload when it is a ghost candidate).
 */
export function buildStaleListQuery(listing: StaleListing, available: ReadonlySet<string> = new Set(SESSION_COLUMNS)): SqlQuery {
	if (!Number.isInteger(listing.limit) || listing.limit < 1 || listing.limit > MAX_SWEEP_SESSIONS) {
		throw new RangeError(`sweep limit must be an integer from 1 to ${MAX_SWEEP_SESSIONS}`);
	}
	if (!(listing.staleAfterSeconds > 0)) throw new RangeError('stale threshold must be positive');
	if (listing.reloaded && !listing.nasReload) throw new RangeError('listing the ghost candidates needs nasreload');
	const parameters = new Parameters();
	const threshold = parameters.add(Math.round(listing.staleAfterSeconds));
	const hasInterval = available.has('acctinterval');
	const nasFilter =
		listing.nasIps && listing.nasIps.length > 0 ? `nasipaddress = ANY(${parameters.add(listing.nasIps)}::inet[])` : undefined;
	// GREATEST ignores NULLs: a NULL acctinterval, or a NAS whose open sessions report none, leaves the threshold.
	const allowed = hasInterval
		? `GREATEST(${threshold}::bigint, 2 * radacct.acctinterval::bigint, 2 * typical.nas_interval::bigint)`
		: `${threshold}::bigint`;
	const typical = hasInterval
		? 'WITH typical AS (SELECT nasipaddress, max(acctinterval) AS nas_interval FROM radacct ' +
			`WHERE acctstoptime IS NULL AND acctinterval > 0${nasFilter ? ` AND ${nasFilter}` : ''} GROUP BY nasipaddress) `
		: '';
	// USING keeps radacct's unqualified columns (the select list's) unambiguous: nasreload adds only reloadtime.
	const reloads = listing.reloaded
		? ' JOIN nasreload USING (nasipaddress)'
		: listing.nasReload
			? ' LEFT JOIN nasreload USING (nasipaddress)'
			: '';
	const from = `${hasInterval ? 'radacct LEFT JOIN typical USING (nasipaddress)' : 'radacct'}${reloads}`;
	const predicates = [
		'radacct.acctstoptime IS NULL',
		listing.reloaded
			? RELOADED_PREDICATE
			: `COALESCE(radacct.acctupdatetime, radacct.acctstarttime) < now() - ${allowed} * interval '1 second'`,
	];
	if (nasFilter) predicates.push(nasFilter);
	const reloadedAt = listing.nasReload ? `CASE WHEN ${RELOADED_PREDICATE} THEN nasreload.reloadtime END` : 'NULL::timestamptz';
	const text =
		`${typical}SELECT ${selectList(available)}, ${UPDATE_TOKEN} AS update_token, ` +
		`floor(date_part('epoch', now() - COALESCE(acctupdatetime, acctstarttime)))::float8 AS silent_seconds, ` +
		`${allowed}::float8 AS allowed_seconds, ${reloadedAt} AS reloaded_at, now() AS db_now ` +
		`FROM ${from} WHERE ${predicates.join(' AND ')} ` +
		`ORDER BY COALESCE(radacct.acctupdatetime, radacct.acctstarttime), radacct.radacctid ` +
		`LIMIT ${parameters.add(listing.limit + 1)}`;
	return {text, values: parameters.values};
}

/** One listed session to close: its key and its last update exactly as listed (null when it had none). */
export interface ListedRow {
	readonly radacctid: string;
	readonly updateToken: string | null;
}

/**
 * Closes the listed sessions that are still exactly as listed: still open, and with the same acctupdatetime
 * (an Interim-Update since the listing moved it, an Accounting-Stop set acctstoptime). Everything else is left
 * alone. In READ COMMITTED, a row that FreeRADIUS is updating at that moment is waited for and checked again
 * in its new version, so an update committed first wins. Returns the closed rows' radacctid, username and NAS.
 */
export function buildCloseQuery(rows: readonly ListedRow[], cause: TerminateCause): SqlQuery {
	if (rows.length === 0) throw new RangeError('nothing to close');
	if (!(TERMINATE_CAUSES as readonly string[]).includes(cause)) throw new RangeError(`unknown terminate cause ${JSON.stringify(cause)}`);
	const parameters = new Parameters();
	const ids = parameters.add(rows.map((row) => row.radacctid));
	const updates = parameters.add(rows.map((row) => row.updateToken));
	const terminateCause = parameters.add(cause);
	const stop = 'COALESCE(radacct.acctupdatetime, radacct.acctstarttime)';
	const text =
		`UPDATE radacct SET acctstoptime = ${stop}, acctupdatetime = ${stop}, ` +
		`acctsessiontime = GREATEST(0, floor(date_part('epoch', ${stop} - radacct.acctstarttime)))::bigint, ` +
		`acctterminatecause = ${terminateCause} ` +
		`FROM unnest(${ids}::bigint[], ${updates}::timestamptz[]) AS listed(radacctid, acctupdatetime) ` +
		'WHERE radacct.radacctid = listed.radacctid AND radacct.acctstoptime IS NULL ' +
		'AND radacct.acctupdatetime IS NOT DISTINCT FROM listed.acctupdatetime ' +
		`AND ${stop} IS NOT NULL ` +
		'RETURNING radacct.radacctid::text AS radacctid, radacct.username, host(radacct.nasipaddress) AS nasipaddress, radacct.acctstoptime';
	return {text, values: parameters.values};
}

/** Where the listed sessions that were not closed stand now, to say why each was left alone. */
export function buildSkippedStateQuery(radacctids: readonly string[]): SqlQuery {
	return {
		text:
			`SELECT radacctid::text AS radacctid, acctstoptime IS NOT NULL AS stopped, acctterminatecause, ${UPDATE_TOKEN} AS update_token ` +
			'FROM radacct WHERE radacctid = ANY($1::bigint[])',
		values: [radacctids],
	};
}
