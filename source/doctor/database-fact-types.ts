/**
 * The facts `radtop doctor` gathers about the database (database-facts.ts) and evaluates (database-checks.ts,
 * index-checks.ts, index-advice.ts), and the poll queries it times.
 */

/** The suggestions doctor can make for a slow poll query (see index-advice.ts). */
export type AdviceId = 'open-down' | 'open-trgm' | 'ip-start' | 'open-mac-digits' | 'closed-stop' | 'autovacuum';

/** One index on radacct, as pg_index describes it. */
export interface IndexFact {
	readonly name: string;
	/** Access method: btree, gin, ... */
	readonly method: string;
	/** The key columns in order; null for an expression. */
	readonly columns: ReadonlyArray<string | null>;
	/** The partial index's WHERE, as pg_get_expr prints it (`(acctstoptime IS NULL)`), or null. */
	readonly predicate: string | null;
	readonly unique: boolean;
	readonly primary: boolean;
	/** False for an index left behind by a failed CREATE INDEX CONCURRENTLY: it is never used. */
	readonly valid: boolean;
	/** pg_get_indexdef. */
	readonly definition: string;
}

/** Sizes and VACUUM's state of radacct. */
export interface RowFacts {
	/** Rows: exact when `exact`, else pg_class.reltuples. */
	readonly rows: number;
	readonly exact: boolean;
	/** Open sessions (acctstoptime IS NULL), counted through the partial index. */
	readonly open: number;
	/** False when PostgreSQL has never analyzed radacct (reltuples -1): the planner guesses. */
	readonly analyzed: boolean;
	readonly pages: number;
	/** Pages VACUUM marked all-visible: index-only scans skip the heap only on those. */
	readonly allVisiblePages: number;
	readonly deadRows: number | null;
	/** Seconds since the last (auto)vacuum, null when never. */
	readonly vacuumedAgoSeconds: number | null;
	/** radacct's storage parameters (`autovacuum_vacuum_scale_factor=0`, ...). */
	readonly options: readonly string[];
}

/** One of the poll's queries, timed. */
export interface QueryTiming {
	/** Which query (see {@link POLL_QUERIES}). */
	readonly id: PollQueryId;
	/** Median of the timed runs, ms. */
	readonly p50Ms: number;
	readonly runs: number;
	/** The plan's nodes, outermost first, e.g. `Index Only Scan using radacct_bulk_close on radacct`. */
	readonly plan: readonly string[];
}

/** A query that could not run (a permission, a timeout). */
export interface QueryFailure {
	readonly id: PollQueryId;
	readonly error: string;
}

/** An index built inside a transaction that was rolled back, and what it did to its query. */
export interface Measurement {
	readonly advice: AdviceId;
	readonly beforeMs: number;
	/** Undefined when it could not be measured (see `error`). */
	readonly afterMs?: number;
	readonly buildMs?: number;
	readonly error?: string;
}

/** A step of gathering the facts, before the timed queries. */
export type SetupStep = 'columns' | 'privilege' | 'writes' | 'nas table' | 'extensions' | 'indexes' | 'rows';

/**
 * The radacct columns `radtop sweep --apply` sets when it closes a ghost session (sweep-sql.ts buildCloseQuery),
 * in the order its GRANT names them.
 */
export const SWEEP_UPDATE_COLUMNS = ['acctstoptime', 'acctupdatetime', 'acctsessiontime', 'acctterminatecause'] as const;

/** Whether this role, in this session, could write what `radtop sweep --apply` writes. */
export interface WriteFacts {
	/** The {@link SWEEP_UPDATE_COLUMNS} radacct has that the role may not UPDATE. */
	readonly notUpdatable: readonly string[];
	/** default_transaction_read_only is on (for the role, the database or the server): every transaction is read-only. */
	readonly readOnly: boolean;
	/** The server is a hot standby (pg_is_in_recovery()): it takes no writes. */
	readonly inRecovery: boolean;
}

/** A setup step that failed (a lock held on radacct by another session, a permission, a timeout). */
export interface SetupFailure {
	readonly step: SetupStep;
	readonly error: string;
}

/** Everything the database checks look at. `server.error` set means nothing else could be gathered. */
export interface DatabaseFacts {
	readonly label: string;
	readonly server: {readonly version: string; readonly user: string} | {readonly error: string};
	/** radacct's columns (lower case); empty when there is no radacct. */
	readonly columns: readonly string[];
	/** False when the role may not SELECT from radacct. */
	readonly canSelect: boolean;
	/** What `sweep --apply` would be allowed to write; undefined when radacct is missing or unreadable, or the step failed. */
	readonly writes?: WriteFacts;
	readonly nasTable: 'absent' | 'unreadable' | {readonly rows: number};
	readonly indexes: readonly IndexFact[];
	readonly rows?: RowFacts;
	readonly timings: readonly QueryTiming[];
	readonly failures: readonly QueryFailure[];
	/** Installed extensions by name (pg_trgm matters). */
	readonly extensions: readonly string[];
	readonly measurements: readonly Measurement[];
	/** The setup steps that failed: each is a check of its own, and the facts it would have given are missing. */
	readonly setupFailures: readonly SetupFailure[];
}

/** The poll's queries doctor times, with the target each should meet. */
export type PollQueryId = 'window' | 'counts' | 'stale' | 'poll' | 'search' | 'search-ip' | 'search-mac' | 'sort-down' | 'history';

export interface PollQuery {
	readonly id: PollQueryId;
	readonly label: string;
	readonly targetMs: number;
}

/** Targets: a window within 10 ms and the counts within 100 ms keep a poll well inside a 5 s interval. */
export const POLL_QUERIES: readonly PollQuery[] = [
	{id: 'window', label: 'poll: window (open, newest first)', targetMs: 10},
	{id: 'counts', label: 'poll: per-NAS open counts', targetMs: 100},
	{id: 'stale', label: 'poll: stale and unique users (every 30 s)', targetMs: 1000},
	{id: 'poll', label: 'poll: whole (fetchSnapshot)', targetMs: 250},
	{id: 'search', label: 'search: username, IP or MAC', targetMs: 10},
	{id: 'search-ip', label: 'search: an IP at an instant (at:, every session)', targetMs: 10},
	{id: 'search-mac', label: 'search: a MAC', targetMs: 10},
	{id: 'sort-down', label: 'sort: by download', targetMs: 10},
	// Read when the history view opens and once a minute while it is open.
	{id: 'history', label: 'history: open sessions per NAS, 6 hours at one minute', targetMs: 500},
];
