/**
 * Pure builders for the SQL radtop sends to PostgreSQL. Every value from the user travels as a parameter;
 * identifiers (columns, sort expressions, directions) come only from the whitelists below.
 *
 * The queries target the stock FreeRADIUS 3 schema (`raddb/mods-config/sql/main/postgresql/schema.sql`):
 * they lean on its partial index `radacct_bulk_close (nasipaddress, acctstarttime) WHERE acctstoptime IS NULL`
 * and on `radacct_start_user_idx (acctstarttime, username)`.
 */
import {CONCURRENT_PREDICATE} from './concurrent-sql.js';
import {NasDirectory, UnknownNasError} from './nas-directory.js';
import {parseSearch, searchesAtInstant, SearchSyntaxError} from './search.js';
import {searchPredicates} from './search-sql.js';
import type {Keyset, SessionFilter, SessionSort, SessionStatus, SessionWindow, SortKey} from './session.js';
import {expectedEnd, type TimeoutTables} from './remaining-sql.js';
import {SESSION_COLUMNS} from './session-columns.js';
import type {RegionSql} from './regions.js';
import {DEFAULT_STALE_AFTER_SECONDS} from './session-math.js';

/** A statement and its parameters, ready for `pg`'s `query(text, values)`. */
export interface SqlQuery {
	readonly text: string;
	readonly values: readonly unknown[];
}

/** Columns radtop cannot work without; a table lacking one is not a FreeRADIUS radacct. */
export const REQUIRED_COLUMNS = [
	'radacctid',
	'acctsessionid',
	'acctuniqueid',
	'username',
	'nasipaddress',
	'acctstarttime',
	'acctupdatetime',
	'acctstoptime',
	'acctinputoctets',
	'acctoutputoctets',
	'callingstationid',
	'framedipaddress',
] as const;

const INET_COLUMNS = new Set<string>(['nasipaddress', 'framedipaddress', 'framedipv6address', 'framedipv6prefix', 'delegatedipv6prefix']);

/** The select list for a table with the given columns; inet columns come back as plain addresses. */
export function selectList(available: ReadonlySet<string>): string {
	return SESSION_COLUMNS.map((column) => {
		if (!available.has(column)) return `NULL AS ${column}`;
		if (column === 'radacctid') return 'radacctid::text AS radacctid';
		// host() drops the /32 that a bare inet::text would keep for some inputs.
		if (column === 'nasipaddress' || column === 'framedipaddress' || column === 'framedipv6address') {
			return `host(${column}) AS ${column}`;
		}
		if (INET_COLUMNS.has(column)) return `${column}::text AS ${column}`;
		return column;
	}).join(', ');
}

/** The SQL type a sort key's value has, used to cast a keyset value back. */
const SORT_TYPES: Record<SortKey, string> = {
	start: 'timestamptz',
	duration: 'interval',
	down: 'bigint',
	up: 'bigint',
	rate: 'numeric',
	user: 'text',
	nas: 'inet',
	ip: 'inet',
	remaining: 'timestamptz',
};

/** Download bit/s averaged since start, 0 without a session time: the `rate` sort. */
export const RATE_EXPRESSION = 'COALESCE(radacct.acctoutputoctets * 8.0 / NULLIF(radacct.acctsessiontime, 0), 0)';

interface SortPlan {
	readonly expression: string;
	readonly type: string;
	readonly direction: 'ASC' | 'DESC';
	/** Joins after `FROM radacct` the expression reads (the `remaining` sort's timeouts); none for the rest. */
	readonly join?: string;
}

/**
 * How a sort key orders rows. Duration of open sessions is the reverse of their start time, which lets the
 * stock start-time index serve it; for closed rows it is stop minus start. Columns are qualified: the
 * select list renames some (radacctid and the inet columns come back as text), and a bare name in
 * ORDER BY would sort by that text instead.
 */
export function sortPlan(sort: SessionSort, status: SessionStatus, now = 'now()', timeoutTables?: TimeoutTables): SortPlan {
	const direction = sort.direction === 'asc' ? 'ASC' : 'DESC';
	const inverse = sort.direction === 'asc' ? 'DESC' : 'ASC';
	switch (sort.key) {
		case 'start':
			return {expression: 'radacct.acctstarttime', type: SORT_TYPES.start, direction};
		case 'duration':
			if (status === 'active' || status === 'stale') {
				return {expression: 'radacct.acctstarttime', type: SORT_TYPES.start, direction: inverse};
			}
			if (status === 'closed') {
				return {expression: '(radacct.acctstoptime - radacct.acctstarttime)', type: SORT_TYPES.duration, direction};
			}
			return {expression: `(COALESCE(radacct.acctstoptime, ${now}) - radacct.acctstarttime)`, type: SORT_TYPES.duration, direction};
		case 'down':
			return {expression: 'radacct.acctoutputoctets', type: SORT_TYPES.down, direction};
		case 'up':
			return {expression: 'radacct.acctinputoctets', type: SORT_TYPES.up, direction};
		case 'rate':
			// The download rate averaged over the session (bit/s): what radacct alone can order by.
			return {expression: RATE_EXPRESSION, type: SORT_TYPES.rate, direction};
		case 'user':
			return {expression: 'radacct.username', type: SORT_TYPES.user, direction};
		case 'nas':
			return {expression: 'radacct.nasipaddress', type: SORT_TYPES.nas, direction};
		case 'ip':
			return {expression: 'radacct.framedipaddress', type: SORT_TYPES.ip, direction};
		case 'remaining': {
			// Time left orders as the expected end does (now is the same for every row).
			const end = expectedEnd(timeoutTables);
			return {expression: end.expression, type: SORT_TYPES.remaining, direction, ...(end.join ? {join: end.join} : {})};
		}
	}
}

/** Collects query parameters and hands out their `$n` placeholders. */
export class Parameters {
	readonly values: unknown[] = [];

	add(value: unknown): string {
		this.values.push(value);
		return `$${this.values.length}`;
	}
}

function statusPredicate(status: SessionStatus, stale: () => string): string | undefined {
	if (status === 'active') return 'acctstoptime IS NULL';
	if (status === 'stale') return stale();
	if (status === 'closed') return 'acctstoptime IS NOT NULL';
	return undefined;
}

/** What a filter's search needs from the query it becomes part of. */
export interface FilterContext {
	/** radacct's readable columns (the IPv6 ones are searched only where radacct has them). */
	readonly available?: ReadonlySet<string>;
	/** The IPs of a `nas:` term's name; default: an IP stands for itself and a name is unknown. */
	readonly nasIps?: (nas: string) => readonly string[];
	/** The NAS of a `region:` term's region; absent: the profile defines no region. */
	readonly regionNas?: (region: string) => RegionSql;
	/** The instant relative times (`since:2h`) count back from; default now. */
	readonly now?: Date;
	/** The reply tables the `remaining` sort reads; without them it cannot tell sessions apart. */
	readonly timeoutTables?: TimeoutTables;
}

/** The WHERE predicates of a filter (unqualified column names), adding their values to `parameters`. */
export function filterPredicates(filter: SessionFilter, parameters: Parameters, context: FilterContext = {}): string[] {
	const predicates: string[] = [];
	const search = parseSearch(filter.search, context.now ? {now: context.now} : {});
	// "Who was online at T" asks about closed sessions as much as open ones.
	const stale = () =>
		staleExpression(
			parameters.add(Math.round(filter.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS)),
			!context.available || context.available.has('acctinterval'),
		);
	const status = searchesAtInstant(search) ? undefined : statusPredicate(filter.status, stale);
	if (status) predicates.push(status);
	if (filter.nasIps && filter.nasIps.length > 0) {
		predicates.push(`nasipaddress = ANY(${parameters.add(filter.nasIps)}::inet[])`);
	}
	if (filter.concurrent) predicates.push(CONCURRENT_PREDICATE);
	if (filter.startedFrom) predicates.push(`acctstarttime >= ${parameters.add(filter.startedFrom)}`);
	if (filter.startedTo) predicates.push(`acctstarttime < ${parameters.add(filter.startedTo)}`);
	const nasIps = context.nasIps ?? ((nas: string) => new NasDirectory().resolve(nas));
	predicates.push(
		...searchPredicates(search, {
			add: (value) => parameters.add(value),
			...(context.available ? {available: context.available} : {}),
			nasIps: (nas) => {
				try {
					return nasIps(nas);
				} catch (error) {
					if (error instanceof UnknownNasError) throw new SearchSyntaxError(`nas:${nas}`, error.message);
					throw error;
				}
			},
			...(context.regionNas ? {regionNas: context.regionNas} : {}),
		}),
	);
	return predicates;
}

/**
 * The predicate that resumes after `after` in the given order. PostgreSQL sorts NULL above every value
 * (ASC NULLS LAST, DESC NULLS FIRST), which is also what lets a plain b-tree index serve the order.
 */
function keysetPredicate(plan: SortPlan, after: Keyset, parameters: Parameters): string {
	const id = `${parameters.add(after.radacctid)}::bigint`;
	const e = plan.expression;
	if (plan.direction === 'ASC') {
		if (after.value === null) return `(${e} IS NULL AND radacct.radacctid > ${id})`;
		const v = `${parameters.add(after.value)}::${plan.type}`;
		return `((${e} >= ${v} AND (${e} > ${v} OR radacct.radacctid > ${id})) OR ${e} IS NULL)`;
	}
	if (after.value === null) return `((${e} IS NULL AND radacct.radacctid < ${id}) OR ${e} IS NOT NULL)`;
	const v = `${parameters.add(after.value)}::${plan.type}`;
	return `(${e} <= ${v} AND (${e} < ${v} OR radacct.radacctid < ${id}))`;
}

/** What follows `FROM radacct` for a sort: its joins, if it has any. */
function from(plan: SortPlan): string {
	return plan.join ? ` ${plan.join}` : '';
}

function where(predicates: readonly string[]): string {
	return predicates.length > 0 ? `WHERE ${predicates.join(' AND ')}` : '';
}

/** Hard ceiling on a window, whatever the caller asks for. */
export const MAX_WINDOW = 10_000;

/**
 * One window of sessions for a filter and sort: never more rows than `window.limit`.
 * The sort key's value comes back as `sort_value` (text) so the caller can page on by keyset, and the
 * instant durations were measured at as `db_now` (and, exactly, as `as_of` for the next keyset).
 */
export function buildListQuery(
	filter: SessionFilter,
	sort: SessionSort,
	window: SessionWindow,
	available: ReadonlySet<string>,
	context: Omit<FilterContext, 'available'> = {},
): SqlQuery {
	if (!Number.isInteger(window.limit) || window.limit < 1 || window.limit > MAX_WINDOW) {
		throw new RangeError(`window limit must be an integer from 1 to ${MAX_WINDOW}`);
	}
	const parameters = new Parameters();
	// Open sessions age while one pages through them: later pages measure durations at the first page's time.
	const now = window.after?.asOf ? `${parameters.add(window.after.asOf)}::timestamptz` : 'now()';
	const plan = sortPlan(sort, filter.status, now, context.timeoutTables);
	const predicates = filterPredicates(filter, parameters, {...context, available});
	if (window.after) predicates.push(keysetPredicate(plan, window.after, parameters));
	const columns = `${selectList(available)}, (${plan.expression})::text AS sort_value, ${now} AS db_now, (${now})::text AS as_of`;
	const limit = `LIMIT ${parameters.add(window.limit)}`;
	const offset =
		!window.after && window.offset !== undefined && window.offset > 0 ? ` OFFSET ${parameters.add(checkedOffset(window.offset))}` : '';
	if (filter.status === 'active' && needsFence(filter.search, context.now)) {
		// A search over open sessions is evaluated on the open rows first (OFFSET 0 fences the subquery): left
		// to itself the planner may walk the start-time index backwards through millions of closed rows
		// hoping to meet matches early, which for a rare term costs seconds instead of one pass over the open rows.
		const text =
			`SELECT * FROM (SELECT ${columns}, ${plan.expression} AS sort_key, radacct.radacctid AS sort_id ` +
			`FROM radacct${from(plan)} ${where(predicates)} OFFSET 0) AS hits ` +
			`ORDER BY sort_key ${plan.direction}, sort_id ${plan.direction} ${limit}${offset}`;
		return {text, values: parameters.values};
	}
	const text =
		`SELECT ${columns} FROM radacct${from(plan)} ${where(predicates)} ` +
		`ORDER BY ${plan.expression} ${plan.direction}, radacct.radacctid ${plan.direction} ${limit}${offset}`;
	return {text, values: parameters.values};
}

/**
 * True when an open-session search must be fenced: unless it is only `nas:` terms, whose share of the rows the
 * planner knows from radacct's statistics (a handful of NAS), so walking the start-time index is its right call
 * (`-nas:bng-6` over 100,000 open sessions: under 1 ms instead of sorting 95,000 matches).
 */
function needsFence(search: string | undefined, now: Date | undefined): boolean {
	const terms = parseSearch(search, now ? {now} : {}).terms;
	return terms.length > 0 && !terms.every((term) => term.kind === 'nas');
}

function checkedOffset(offset: number): number {
	if (!Number.isInteger(offset) || offset < 0) throw new RangeError('window offset must be a whole number');
	return offset;
}

/**
 * How many sessions match a filter. Counting stops at `cap` (plus one, to know it was reached) so a count
 * over millions of closed rows stays cheap; open sessions are counted exactly when `cap` is undefined.
 */
export function buildCountQuery(filter: SessionFilter, cap?: number, context: FilterContext = {}): SqlQuery {
	const parameters = new Parameters();
	const predicates = filterPredicates(filter, parameters, context);
	if (cap === undefined) {
		return {text: `SELECT count(*)::bigint AS total FROM radacct ${where(predicates)}`, values: parameters.values};
	}
	const limit = parameters.add(cap + 1);
	return {
		text: `SELECT count(*)::bigint AS total FROM (SELECT 1 FROM radacct ${where(predicates)} LIMIT ${limit}) AS capped`,
		values: parameters.values,
	};
}

/**
 * The SQL form of the stale rule (see `isStale`): an open session whose last update is older than twice the
 * interim interval the NAS reported, or than `thresholdParameter` seconds when it reported none.
 */
export function staleExpression(thresholdParameter: string, hasInterval = true): string {
	const allowed = hasInterval
		? `(CASE WHEN acctinterval > 0 THEN 2 * acctinterval ELSE ${thresholdParameter}::bigint END)`
		: `${thresholdParameter}::bigint`;
	return `(acctstoptime IS NULL AND COALESCE(acctupdatetime, acctstarttime) < now() - ${allowed} * interval '1 second')`;
}

/**
 * Open sessions per NAS and the sum of their ages, for every poll. It reads only nasipaddress and
 * acctstarttime of open rows: the stock partial index radacct_bulk_close covers both, so PostgreSQL can
 * answer from the index alone where VACUUM has marked the pages all-visible.
 */
export const OPEN_COUNTS_QUERY: SqlQuery = {
	text:
		'SELECT host(nasipaddress) AS nasipaddress, count(*)::bigint AS sessions, ' +
		"sum(date_part('epoch', now() - acctstarttime))::float8 AS age_sum, now() AS db_now " +
		'FROM radacct WHERE acctstoptime IS NULL GROUP BY nasipaddress',
	values: [],
};

/**
 * Stale sessions per NAS, plus one row (nasipaddress NULL) with the number of distinct users online. These
 * need the heap (username, acctupdatetime, acctinterval) of every open row, so radtop asks less often than it
 * polls. A schema without acctinterval (before FreeRADIUS 3.0.x added it) gets the threshold for every NAS.
 */
export function buildStaleAndUsersQuery(staleAfterSeconds: number, available: ReadonlySet<string> = new Set(SESSION_COLUMNS)): SqlQuery {
	const parameters = new Parameters();
	const threshold = parameters.add(Math.round(staleAfterSeconds));
	const stale = staleExpression(threshold, available.has('acctinterval'));
	const text =
		`SELECT host(nasipaddress) AS nasipaddress, count(*) FILTER (WHERE ${stale})::bigint AS stale, NULL::bigint AS users ` +
		'FROM radacct WHERE acctstoptime IS NULL GROUP BY nasipaddress ' +
		'UNION ALL SELECT NULL, NULL, count(*)::bigint ' +
		'FROM (SELECT username FROM radacct WHERE acctstoptime IS NULL GROUP BY username) AS open_users';
	return {text, values: parameters.values};
}

/** One session by its primary key. */
export function buildSessionQuery(radacctid: string, available: ReadonlySet<string>): SqlQuery {
	return {text: `SELECT ${selectList(available)} FROM radacct WHERE radacctid = $1::bigint`, values: [radacctid]};
}

/**
 * A user's sessions, newest first, at most `limit`, optionally only those started since `since`
 * (the stock schema has no index led by username, so a time bound keeps the scan short on big tables).
 */
export function buildHistoryQuery(username: string, limit: number, available: ReadonlySet<string>, since?: Date): SqlQuery {
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_WINDOW) {
		throw new RangeError(`history limit must be an integer from 1 to ${MAX_WINDOW}`);
	}
	const values: unknown[] = [username, limit];
	let bound = '';
	if (since) {
		values.push(since);
		bound = ' AND acctstarttime >= $3';
	}
	return {
		text:
			`SELECT ${selectList(available)} FROM radacct WHERE username = $1${bound} ` +
			'ORDER BY radacct.acctstarttime DESC NULLS LAST, radacct.radacctid DESC LIMIT $2',
		values,
	};
}
