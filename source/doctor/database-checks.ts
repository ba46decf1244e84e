/**
 * The database half of `radtop doctor`, evaluated from facts (gathered by database-facts.ts): the server, the
 * radacct table and its columns, the stock indexes the poll relies on (matched by definition, not by name),
 * the row counts, VACUUM's progress, and the timings and plans of the poll's own queries. Pure.
 */
import {formatCount} from '../sessions/format.js';
import {REQUIRED_COLUMNS, SESSION_COLUMNS} from '../sessions/radacct-sql.js';
import {result, type CheckResult} from './check.js';
import {adviceFor, type IndexAdvice} from './index-advice.js';

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
	readonly advice: IndexAdvice['id'];
	readonly beforeMs: number;
	/** Undefined when it could not be measured (see `error`). */
	readonly afterMs?: number;
	readonly buildMs?: number;
	readonly error?: string;
}

/** A step of gathering the facts, before the timed queries. */
export type SetupStep = 'columns' | 'privilege' | 'nas table' | 'extensions' | 'indexes' | 'rows';

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

/** An index of the stock schema (FreeRADIUS 3 `mods-config/sql/main/postgresql/schema.sql`) that radtop needs. */
export interface StockIndex {
	readonly name: string;
	readonly columns: readonly string[];
	/** The WHERE of a partial index, as written in the stock schema. */
	readonly predicate?: string;
	/** `fail` when radtop's poll needs it, `warn` when FreeRADIUS's own queries do. */
	readonly missing: 'fail' | 'warn';
	readonly usedFor: string;
	/** The statement that creates it without blocking FreeRADIUS's writes. */
	readonly create: string;
}

/** The stock indexes radtop relies on, most important first. */
export const STOCK_INDEXES: readonly StockIndex[] = [
	{
		name: 'radacct_pkey',
		columns: ['radacctid'],
		missing: 'fail',
		usedFor: 'session details, paging and disconnects by radacctid',
		create: 'ALTER TABLE radacct ADD PRIMARY KEY (radacctid);',
	},
	{
		name: 'radacct_bulk_close',
		columns: ['nasipaddress', 'acctstarttime'],
		predicate: 'acctstoptime IS NULL',
		missing: 'fail',
		usedFor: "every poll's per-NAS open counts (index-only) and the NAS filter",
		create: 'CREATE INDEX CONCURRENTLY radacct_bulk_close ON radacct (nasipaddress, acctstarttime) WHERE acctstoptime IS NULL;',
	},
	{
		name: 'radacct_start_user_idx',
		columns: ['acctstarttime', 'username'],
		missing: 'fail',
		usedFor: 'the window of sessions in start order and the --from/--to filters',
		create: 'CREATE INDEX CONCURRENTLY radacct_start_user_idx ON radacct (acctstarttime, username);',
	},
	{
		name: 'radacct_active_session_idx',
		columns: ['acctuniqueid'],
		predicate: 'acctstoptime IS NULL',
		missing: 'warn',
		usedFor: "FreeRADIUS's interim-update and stop queries (each would scan radacct)",
		create: 'CREATE INDEX CONCURRENTLY radacct_active_session_idx ON radacct (acctuniqueid) WHERE acctstoptime IS NULL;',
	},
];

/** The poll's queries doctor times, with the target each should meet. */
export type PollQueryId = 'window' | 'counts' | 'stale' | 'poll' | 'search' | 'sort-down';

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
	{id: 'sort-down', label: 'sort: by download', targetMs: 10},
];

/** A table this big or bigger makes a sequential scan of radacct worth a warning even when it is still fast. */
const BIG_TABLE_ROWS = 100_000;

/** Normalises a predicate for comparison: `(AcctStopTime IS NULL)` and `acctstoptime is null` are the same. */
export function normalizePredicate(predicate: string | null | undefined): string {
	return (predicate ?? '').toLowerCase().replace(/[()"\s]/g, '');
}

/** How an index on radacct serves a stock index: exactly, only partly (a full index for a partial one), or not. */
export type IndexMatch =
	| {readonly kind: 'exact'; readonly index: IndexFact}
	| {readonly kind: 'full'; readonly index: IndexFact}
	| {readonly kind: 'invalid'; readonly index: IndexFact}
	| {readonly kind: 'missing'};

/**
 * Finds the index that does the stock index's job, whatever it is called: a b-tree whose leading key columns
 * are the stock ones in order, with the same partial predicate (or, second best, none).
 */
export function matchIndex(wanted: StockIndex, indexes: readonly IndexFact[]): IndexMatch {
	const leading = indexes.filter(
		(index) => index.method === 'btree' && wanted.columns.every((column, position) => index.columns[position] === column),
	);
	const predicate = normalizePredicate(wanted.predicate);
	const samePredicate = leading.filter((index) => normalizePredicate(index.predicate) === predicate);
	const byPreference = (candidates: readonly IndexFact[]) =>
		[...candidates].sort(
			(a, b) => Number(b.valid) - Number(a.valid) || Number(b.name === wanted.name) - Number(a.name === wanted.name),
		);
	const exact = byPreference(samePredicate)[0];
	if (exact?.valid) return {kind: 'exact', index: exact};
	const full = wanted.predicate ? byPreference(leading.filter((index) => index.predicate === null && index.valid))[0] : undefined;
	if (full) return {kind: 'full', index: full};
	if (exact) return {kind: 'invalid', index: exact};
	return {kind: 'missing'};
}

function describeIndex(wanted: StockIndex): string {
	return `(${wanted.columns.join(', ')})${wanted.predicate ? ` WHERE ${wanted.predicate}` : ''}`;
}

/** The checks on the indexes the poll and FreeRADIUS rely on. */
export function indexChecks(indexes: readonly IndexFact[]): CheckResult[] {
	return STOCK_INDEXES.map((wanted) => {
		const check = `index ${wanted.name}`;
		const match = matchIndex(wanted, indexes);
		const as = (index: IndexFact) => (index.name === wanted.name ? '' : ` as ${index.name}`);
		switch (match.kind) {
			case 'exact':
				return result(check, 'pass', `present${as(match.index)} ${describeIndex(wanted)}: ${wanted.usedFor}`);
			case 'full':
				return result(
					check,
					'warn',
					`only a full index${as(match.index)} on (${wanted.columns.join(', ')}): it serves, but is larger and cannot answer "${wanted.predicate}" without the heap`,
					wanted.create,
				);
			case 'invalid':
				return result(
					check,
					'fail',
					`${match.index.name} is INVALID (a failed CREATE INDEX CONCURRENTLY): PostgreSQL never uses it; needed for ${wanted.usedFor}`,
					`DROP INDEX CONCURRENTLY ${match.index.name}; then ${wanted.create}`,
				);
			case 'missing':
				return result(
					check,
					wanted.missing,
					`missing: no index on ${describeIndex(wanted)}; needed for ${wanted.usedFor}`,
					wanted.create,
				);
		}
	});
}

/** The check on radacct's presence, its columns and radtop's right to read it. */
export function tableCheck(facts: Pick<DatabaseFacts, 'columns' | 'canSelect' | 'label'>): CheckResult {
	const check = 'table radacct';
	if (facts.columns.length === 0) {
		return result(
			check,
			'fail',
			`no radacct table in ${facts.label} (or not on the search_path)`,
			"point radtop at FreeRADIUS's database (--db, --profile), set the role's search_path, or load FreeRADIUS's mods-config/sql/main/postgresql/schema.sql",
		);
	}
	const present = new Set(facts.columns);
	const missing = REQUIRED_COLUMNS.filter((column) => !present.has(column));
	if (missing.length > 0) {
		return result(
			check,
			'fail',
			`radacct lacks ${missing.join(', ')}: not FreeRADIUS's radacct`,
			"check the table against FreeRADIUS 3's mods-config/sql/main/postgresql/schema.sql",
		);
	}
	if (!facts.canSelect) {
		return result(check, 'fail', 'this database role may not read radacct', 'GRANT SELECT ON radacct, nas TO <radtop role>;');
	}
	const older = SESSION_COLUMNS.filter((column) => !present.has(column));
	if (older.length > 0) {
		return result(
			check,
			'warn',
			`an older FreeRADIUS schema: no ${older.join(', ')} (shown empty)`,
			"add the columns of FreeRADIUS 3's schema.sql if those attributes matter to you",
		);
	}
	return result(check, 'pass', `present with every column of the FreeRADIUS 3 schema (${facts.columns.length} columns)`);
}

/** The check on FreeRADIUS's nas table (names and secrets). */
export function nasTableCheck(nasTable: DatabaseFacts['nasTable']): CheckResult {
	const check = 'table nas';
	if (nasTable === 'absent') {
		return result(
			check,
			'warn',
			"no nas table: NAS names and secrets come only from radtop's config",
			"add each NAS to radtop's config: radtop nas add IP --secret-stdin [--coa-port N] [--vendor V]",
		);
	}
	if (nasTable === 'unreadable') {
		return result(
			check,
			'warn',
			"the nas table may not be read by this role: NAS names and secrets come only from radtop's config",
			"GRANT SELECT ON nas TO <radtop role>; or give the secrets in radtop's config: radtop nas set IP --secret-stdin",
		);
	}
	return result(check, 'pass', `${formatCount(nasTable.rows)} NAS`);
}

/** The checks on radacct's size and on VACUUM keeping up. */
export function rowChecks(rows: RowFacts): CheckResult[] {
	const checks: CheckResult[] = [];
	const how = rows.exact ? 'counted' : 'estimate from pg_class';
	const sizes = `${formatCount(rows.rows)} rows (${how}), ${formatCount(rows.open)} open`;
	if (!rows.analyzed && rows.rows >= 10_000) {
		checks.push(result('rows', 'warn', `${sizes}; radacct has never been analyzed: the planner guesses`, 'ANALYZE radacct;'));
	} else {
		checks.push(result('rows', 'pass', sizes));
	}
	const visible = rows.pages > 0 ? rows.allVisiblePages / rows.pages : 1;
	const dead = rows.deadRows ?? 0;
	const since = rows.vacuumedAgoSeconds === null ? 'never vacuumed' : `vacuumed ${formatAge(rows.vacuumedAgoSeconds)} ago`;
	const state = `${Math.round(visible * 100)} % of pages all-visible, ${formatCount(dead)} dead rows, ${since}`;
	const tuned = rows.options.some((option) => option.startsWith('autovacuum_vacuum_scale_factor='));
	if (rows.rows >= BIG_TABLE_ROWS && (visible < 0.5 || dead > 0.1 * Math.max(rows.rows, 1))) {
		checks.push(
			result(
				'vacuum',
				'warn',
				`${state}: the counts' index-only scans read the heap (measured on 5,000,000 rows: counts 186 ms after one round of interim updates, 55 ms after a VACUUM)`,
				tuned
					? 'autovacuum is tuned on radacct but behind: check for long-running transactions (pg_stat_activity) and run VACUUM radacct;'
					: 'ALTER TABLE radacct SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50000);',
			),
		);
	} else {
		checks.push(result('vacuum', 'pass', `${state}${tuned ? ', autovacuum tuned' : ''}`));
	}
	return checks;
}

/** True when the plan reads radacct sequentially. */
export function hasSeqScan(plan: readonly string[]): boolean {
	return plan.some((node) => /^(Parallel )?Seq Scan on radacct\b/.test(node));
}

/** `3.10 ms`, `57 ms`, `1.2 s`. */
export function formatMs(ms: number): string {
	if (ms < 10) return `${ms.toFixed(2)} ms`;
	if (ms < 1000) return `${Math.round(ms)} ms`;
	return `${(ms / 1000).toFixed(1)} s`;
}

function formatAge(seconds: number): string {
	if (seconds < 120) return `${Math.round(seconds)} s`;
	if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
	if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
	return `${Math.round(seconds / 86_400)} days`;
}

/** The scan nodes of a plan worth naming (the first two), e.g. `Index Scan Backward using radacct_start_user_idx`. */
function planSummary(plan: readonly string[]): string {
	const scans = plan.filter((node) => /Scan/.test(node));
	return (scans.length > 0 ? scans : plan).slice(0, 2).join(', ');
}

/** The checks on the poll's query timings, with an index suggestion (and its measured gain) for a slow one. */
export function timingChecks(
	facts: Pick<DatabaseFacts, 'timings' | 'failures' | 'indexes' | 'rows' | 'extensions' | 'measurements'>,
): CheckResult[] {
	const checks: CheckResult[] = [];
	const big = (facts.rows?.rows ?? 0) >= BIG_TABLE_ROWS;
	const missingStock = STOCK_INDEXES.filter((wanted) => matchIndex(wanted, facts.indexes).kind !== 'exact').map((wanted) => wanted.name);
	for (const query of POLL_QUERIES) {
		const failure = facts.failures.find((entry) => entry.id === query.id);
		if (failure) {
			checks.push(
				result(
					query.label,
					'fail',
					`could not run: ${failure.error}`,
					'see the table and index checks above; the role needs SELECT on radacct',
				),
			);
			continue;
		}
		const timing = facts.timings.find((entry) => entry.id === query.id);
		if (!timing) continue;
		const seq = hasSeqScan(timing.plan);
		const plan = planSummary(timing.plan);
		const detail = `p50 ${formatMs(timing.p50Ms)} over ${timing.runs} runs (target ${formatMs(query.targetMs)})${plan ? `; plan: ${plan}` : ''}`;
		const slow = timing.p50Ms > query.targetMs;
		if (!slow && !(seq && big && query.id !== 'stale')) {
			checks.push(result(query.label, 'pass', detail));
			continue;
		}
		const why = seq ? `; a Seq Scan on radacct (${formatCount(facts.rows?.rows ?? 0)} rows)` : '';
		if (seq && missingStock.length > 0) {
			checks.push(result(query.label, 'warn', `${detail}${why}`, `create the missing ${missingStock.join(', ')} (see above)`));
			continue;
		}
		const advice = adviceFor(query.id, facts.indexes, facts.extensions);
		const measured = advice ? facts.measurements.find((entry) => entry.advice === advice.id) : undefined;
		if (advice) {
			const gain = measured ? measuredGain(measured, advice) : `measured on 5,000,000 rows: ${advice.readmeGain}`;
			checks.push(result(query.label, 'warn', `${detail}${why}`, `${advice.statement}  (${gain}; ${advice.price})`));
		} else {
			checks.push(
				result(
					query.label,
					'warn',
					`${detail}${why}`,
					'run VACUUM ANALYZE radacct; if it stays slow, see the README\'s "Big radacct tables" (npm run bench:poll measures the candidates)',
				),
			);
		}
	}
	return checks;
}

function measuredGain(measurement: Measurement, advice: IndexAdvice): string {
	if (measurement.afterMs === undefined) {
		const why = measurement.error ?? 'unknown error';
		return `${why.startsWith('cannot be measured') ? why : `not measured here: ${why}`}; measured on 5,000,000 rows: ${advice.readmeGain}`;
	}
	const build = measurement.buildMs === undefined ? '' : `, built in ${formatMs(measurement.buildMs)} and rolled back`;
	return `measured here with --measure: ${formatMs(measurement.beforeMs)} -> ${formatMs(measurement.afterMs)}${build}`;
}

/** What to do when a catalogue read or a count failed: most often another session holds a lock on the table. */
const LOCK_FIX =
	"another session may hold a lock on radacct: SELECT pid, mode, granted, state, query FROM pg_locks JOIN pg_stat_activity USING (pid) WHERE relation = to_regclass('radacct'); then run radtop doctor again";

/** Every database check, in the order they are printed. A server that cannot be reached is the only check. */
export function databaseChecks(facts: DatabaseFacts): CheckResult[] {
	if ('error' in facts.server) {
		return [
			result(
				'database',
				'fail',
				`${facts.label}: ${facts.server.error}`,
				'check --db / the profile / DATABASE_URL / PG* (host, port, user, password), pg_hba.conf and that the server runs',
			),
		];
	}
	const failed = (step: SetupStep) => facts.setupFailures.find((failure) => failure.step === step);
	const tableFailure = failed('columns') ?? failed('privilege');
	const checks = [result('database', 'pass', `${facts.label}: ${facts.server.version}, as ${facts.server.user}`)];
	if (tableFailure) {
		checks.push(
			result(
				'table radacct',
				'fail',
				`could not read radacct's ${tableFailure.step === 'columns' ? 'columns' : 'privileges'}: ${tableFailure.error}`,
				LOCK_FIX,
			),
		);
	} else {
		checks.push(tableCheck(facts));
		if (checks[1]!.status === 'fail') return checks;
	}
	const nasFailure = failed('nas table');
	checks.push(
		nasFailure
			? result(
					'table nas',
					'warn',
					`could not be read: ${nasFailure.error}; NAS names and secrets come only from radtop's config`,
					LOCK_FIX.replaceAll('radacct', 'nas'),
				)
			: nasTableCheck(facts.nasTable),
	);
	const indexFailure = failed('indexes');
	if (indexFailure) checks.push(result('indexes', 'fail', `could not read radacct's indexes: ${indexFailure.error}`, LOCK_FIX));
	else if (!tableFailure) checks.push(...indexChecks(facts.indexes));
	const extensionFailure = failed('extensions');
	if (extensionFailure)
		checks.push(
			result(
				'extensions',
				'warn',
				`could not list the installed extensions: ${extensionFailure.error}`,
				'the role needs to read pg_extension',
			),
		);
	const rowFailure = failed('rows');
	if (rowFailure) {
		checks.push(
			result('rows', 'fail', `could not count radacct's rows: ${rowFailure.error}; the poll's queries were not timed`, LOCK_FIX),
		);
	}
	if (facts.rows) checks.push(...rowChecks(facts.rows));
	checks.push(...timingChecks(facts));
	return checks;
}
