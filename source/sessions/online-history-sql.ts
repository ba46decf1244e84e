/**
 * The online count over time: how many sessions were open on each NAS at each point of the last hours, counted
 * by the server from radacct in one statement. Pure SQL, every value bound.
 *
 * The points are `end - steps * step`, ..., `end - step`, `end` (end = the statement's now()): `steps + 1` of
 * them, the last one being now. A session is open at instant t when it started at or before t and has not
 * stopped by t (`acctstarttime <= t AND (acctstoptime IS NULL OR acctstoptime > t)`), so a session that started
 * 8 hours ago and stopped 2 hours ago is open for the first 4 hours of a 6-hour window, and a ghost (never
 * stopped, however old its last update) is open all along, as the poll's counts see it.
 *
 * How: every session that is open at some point of the window is one span [start, stop). Those are the open
 * sessions (all of them: the partial index radacct_bulk_close, index-only, the same rows the poll counts) and
 * the closed sessions that stopped after the window's start (a range of an index on acctstoptime; the stock
 * schema has none, `radtop doctor` suggests it: README, "The online count over time"). Each span becomes a +1
 * at the first point it covers and a -1 at the first point after it ends; the deltas are summed per NAS and
 * point, and a running sum over the points gives the counts. This reads each relevant row once, whatever the
 * resolution, and never the closed sessions that ended before the window: a generate_series of points joined
 * to the sessions would instead compare every span with every point (361 points x 100,000 open sessions for
 * 6 hours at one minute) and need the same index for the closed ones.
 *
 * Edges, so that the last point is exactly the poll's open count: an open session without a start time, or
 * with one in the future (a NAS clock ahead), counts from the window's start or at now; a closed session that
 * "stopped" in the future counts as stopped now; a closed row whose stop is not after its start was never
 * open and is left out.
 */

/** A statement and its parameters (radacct-sql.ts's SqlQuery). */
interface SqlQuery {
	readonly text: string;
	readonly values: readonly unknown[];
}

/** At most this many points in one history (a week at one minute). */
export const MAX_HISTORY_POINTS = 7 * 24 * 60 + 1;

/** What to count: a window of `steps` steps of `stepSeconds` each, ending now. */
export interface HistoryWindow {
	readonly stepSeconds: number;
	readonly steps: number;
}

/** The window of `hours` hours at a resolution of `stepSeconds`. */
export function historyWindow(hours: number, stepSeconds: number): HistoryWindow {
	return {stepSeconds, steps: Math.max(1, Math.round((hours * 3600) / stepSeconds))};
}

/** The window's start, as SQL over $1 (step seconds) and $2 (steps): a timestamp, for the index range. */
const START = 'now() - make_interval(secs => $1::int * $2::int)';
/** The same as seconds since the epoch (float8: date_part, not extract, whose numeric result is slower to divide). */
const START_EPOCH = "(date_part('epoch', now()) - $1::int * $2::int)";
/**
 * The point at or after the instant `epoch` (seconds): 0 for any instant up to the window's start, `steps` for
 * now and later.
 */
const point = (epoch: string) => `greatest(0, least($2::int, ceil((${epoch} - ${START_EPOCH}) / $1::int)))::int`;
const epochOf = (column: string) => `date_part('epoch', ${column})`;

/**
 * One row per NAS that had a session open at some point of the window: `nasipaddress` (as host()), `online`
 * (int[] of `steps + 1` counts, oldest first) and `db_now` (the last point's instant).
 */
export function buildOnlineHistoryQuery(window: HistoryWindow): SqlQuery {
	const {stepSeconds, steps} = window;
	if (!Number.isInteger(stepSeconds) || stepSeconds < 1) throw new RangeError('the step must be a whole number of seconds');
	if (!Number.isInteger(steps) || steps < 1 || steps + 1 > MAX_HISTORY_POINTS) {
		throw new RangeError(`a history has 2 to ${MAX_HISTORY_POINTS} points`);
	}
	// The two branches are a UNION ALL rather than one `acctstoptime IS NULL OR acctstoptime > start`: each is then
	// an index-only scan of its own index, where the OR would be a bitmap scan reading the heap.
	const text = `
WITH spans AS (
	SELECT nasipaddress, ${point(`coalesce(${epochOf('acctstarttime')}, ${START_EPOCH})`)} AS first_point, NULL::int AS end_point
	FROM radacct WHERE acctstoptime IS NULL
	UNION ALL
	SELECT nasipaddress, ${point(epochOf('acctstarttime'))}, ${point(epochOf('acctstoptime'))}
	FROM radacct
	WHERE acctstoptime > ${START} AND acctstarttime <= now() AND acctstoptime > acctstarttime
), deltas AS (
	SELECT nasipaddress, at, sum(delta)::int AS delta
	FROM spans CROSS JOIN LATERAL (VALUES (first_point, 1), (end_point, -1)) AS edge(at, delta)
	WHERE at IS NOT NULL
	GROUP BY nasipaddress, at
), counted AS (
	SELECT nas.nasipaddress, k, sum(coalesce(deltas.delta, 0)) OVER (PARTITION BY nas.nasipaddress ORDER BY k) AS online
	FROM (SELECT DISTINCT nasipaddress FROM deltas) AS nas
	CROSS JOIN generate_series(0, $2::int) AS k
	LEFT JOIN deltas ON deltas.nasipaddress = nas.nasipaddress AND deltas.at = k
)
SELECT host(nasipaddress) AS nasipaddress, array_agg(online::int ORDER BY k) AS online, now() AS db_now
FROM counted GROUP BY nasipaddress`;
	return {text, values: [stepSeconds, steps]};
}
