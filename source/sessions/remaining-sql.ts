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

/** The expected end as a sort: its expression over radacct and the joins it reads. */
export interface ExpectedEnd {
	/** timestamptz; 'infinity' when no timeout is known. */
	readonly expression: string;
	/** LEFT JOINs after `FROM radacct` (empty without the tables). Their columns never clash with radacct's. */
	readonly join: string;
}

/**
 * The expected end of each session. Each timeout is read once per user, in two derived tables joined by
 * username (hash joins over the reply tables, not a lookup per session: sorting 100,000 open sessions by a
 * correlated subquery costs seconds).
 */
export function expectedEnd(tables: TimeoutTables | undefined): ExpectedEnd {
	const attribute = `'${SESSION_TIMEOUT_ATTRIBUTE}'`;
	const joins: string[] = [];
	const values: string[] = [];
	if (tables?.userReply) {
		joins.push(
			`LEFT JOIN (SELECT DISTINCT ON (username) username AS timeout_user, trim(value) AS user_timeout FROM radreply ` +
				`WHERE attribute = ${attribute} AND trim(op) IN (':=', '=') AND trim(value) ~ ${WHOLE_SECONDS} ORDER BY username, id) ` +
				`AS user_timeouts ON user_timeouts.timeout_user = radacct.username`,
		);
		values.push('user_timeouts.user_timeout');
	}
	if (tables?.groupReply) {
		joins.push(
			`LEFT JOIN (SELECT DISTINCT ON (g.username) g.username AS timeout_member, trim(gr.value) AS group_timeout ` +
				`FROM radusergroup g JOIN radgroupreply gr ON gr.groupname = g.groupname ` +
				`WHERE gr.attribute = ${attribute} AND trim(gr.op) IN (':=', '=') AND trim(gr.value) ~ ${WHOLE_SECONDS} ` +
				`ORDER BY g.username, g.priority, g.id, gr.id) AS group_timeouts ON group_timeouts.timeout_member = radacct.username`,
		);
		values.push('group_timeouts.group_timeout');
	}
	if (values.length === 0) return {expression: `'infinity'::timestamptz`, join: ''};
	const timeout = `COALESCE(${values.join(', ')})::double precision`;
	return {
		expression: `COALESCE(radacct.acctstarttime + make_interval(secs => ${timeout}), 'infinity'::timestamptz)`,
		join: joins.join(' '),
	};
}
