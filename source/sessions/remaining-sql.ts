/**
 * The expected end of a session (start + Session-Timeout) as SQL, for sorting by time remaining across every
 * matching row rather than the window alone. Pure.
 *
 * The order approximates FreeRADIUS's precedence with one lookup per row: the user's own Session-Timeout in
 * radreply, else the first of their groups (radusergroup by priority) that sets one in radgroupreply. The value
 * a row shows is folded exactly (subscribers/subscriber-sql.ts); the two differ only where a later group
 * replaces the user's own value with `:=`, or a `Fall-Through = No` stops the groups, which the sort ignores.
 * A session without a known timeout has no end: it sorts as infinitely far away.
 */

/** The reply attribute that bounds a session's length. */
export const SESSION_TIMEOUT_ATTRIBUTE = 'Session-Timeout';

/** Which of FreeRADIUS's reply tables the remaining-time sort may read (see subscribers/subscriber-tables.ts). */
export interface TimeoutTables {
	/** radreply. */
	readonly userReply: boolean;
	/** radusergroup and radgroupreply, both readable. */
	readonly groupReply: boolean;
}

/** A whole number of seconds, as FreeRADIUS would read Session-Timeout (anything else is not a timeout). */
const WHOLE_SECONDS = String.raw`'^[0-9]{1,10}$'`;

/** The SQL of a session's expected end (timestamptz; 'infinity' when no timeout is known). */
export function expectedEndExpression(tables: TimeoutTables | undefined): string {
	const parts: string[] = [];
	const attribute = `'${SESSION_TIMEOUT_ATTRIBUTE}'`;
	if (tables?.userReply) {
		parts.push(
			`SELECT 0 AS rank, 0 AS priority, r.id::bigint AS id, trim(r.value) AS v FROM radreply r ` +
				`WHERE r.username = radacct.username AND r.attribute = ${attribute} AND trim(r.op) IN (':=', '=')`,
		);
	}
	if (tables?.groupReply) {
		parts.push(
			`SELECT 1, g.priority, gr.id::bigint, trim(gr.value) FROM radusergroup g JOIN radgroupreply gr ON gr.groupname = g.groupname ` +
				`WHERE g.username = radacct.username AND gr.attribute = ${attribute} AND trim(gr.op) IN (':=', '=')`,
		);
	}
	if (parts.length === 0) return `'infinity'::timestamptz`;
	const timeout =
		`(SELECT t.v::double precision FROM (${parts.join(' UNION ALL ')}) AS t ` +
		`WHERE t.v ~ ${WHOLE_SECONDS} ORDER BY t.rank, t.priority, t.id LIMIT 1)`;
	return `COALESCE(radacct.acctstarttime + make_interval(secs => ${timeout}), 'infinity'::timestamptz)`;
}
