/**
 * Concurrent logins: users with more than one open session. Pure SQL, every value bound. Two statements: the
 * open sessions of the users in view (one per poll, as many names as the window has rows) and the predicate of
 * the view that shows only such users' open sessions.
 *
 * The stock schema has no index led by username: both read the open rows through the partial index
 * radacct_bulk_close (`WHERE acctstoptime IS NULL`), never the closed ones (measured in README, "Concurrent
 * logins").
 */
/** A statement and its parameters (radacct-sql.ts's SqlQuery, which imports this file). */
interface SqlQuery {
	readonly text: string;
	readonly values: readonly unknown[];
}

/** At most this many usernames in one count (a window never holds more rows than MAX_WINDOW). */
export const MAX_COUNTED_USERS = 10_000;

/**
 * How many open sessions each of `usernames` has (a user with none has no row). Undefined when there is no
 * name to count.
 */
export function buildUserOpenCountsQuery(usernames: readonly string[]): SqlQuery | undefined {
	const users = [...new Set(usernames)];
	if (users.length === 0) return undefined;
	if (users.length > MAX_COUNTED_USERS) throw new RangeError(`at most ${MAX_COUNTED_USERS} users in one count`);
	return {
		text:
			'SELECT username, count(*)::bigint AS sessions FROM radacct ' +
			'WHERE acctstoptime IS NULL AND username = ANY($1::text[]) GROUP BY username',
		values: [users],
	};
}

/**
 * The open sessions of users who have another open session (unqualified columns, as `filterPredicates`
 * writes them). Written as EXISTS rather than `username IN (... GROUP BY username HAVING count(*) > 1)`: on the
 * stock indexes both read the open rows twice, but the grouping spills to disk at the default work_mem with
 * 100,000 open sessions while the semi-join's hash of (username, radacctid) does not. It takes no value: the
 * threshold is what the view means, not a parameter.
 */
export const CONCURRENT_PREDICATE =
	'(acctstoptime IS NULL AND EXISTS (SELECT 1 FROM radacct AS other_open WHERE other_open.acctstoptime IS NULL ' +
	'AND other_open.username = radacct.username AND other_open.radacctid <> radacct.radacctid))';
