/**
 * The database half of `radtop doctor`, evaluated from facts (gathered by database-facts.ts): the server, the
 * radacct table and its columns, the stock indexes the poll relies on (matched by definition, not by name),
 * the row counts, VACUUM's progress, and the timings and plans of the poll's own queries. Pure.
 */
import {formatCount} from '../sessions/format.js';
import {REQUIRED_COLUMNS} from '../sessions/radacct-sql.js';
import {SESSION_COLUMNS} from '../sessions/session-columns.js';
import {result, type CheckResult} from './check.js';
import {
	POLL_QUERIES,
	SWEEP_UPDATE_COLUMNS,
	type DatabaseFacts,
	type Measurement,
	type RowFacts,
	type SetupStep,
	type WriteFacts,
} from './database-fact-types.js';
import {adviceFor, type IndexAdvice} from './index-advice.js';
import {indexChecks, matchIndex, STOCK_INDEXES} from './index-checks.js';

export type {DatabaseFacts} from './database-fact-types.js';

/** The FreeRADIUS 3.2 columns an IPv6 search term looks in. */
const IPV6_COLUMNS = ['framedipv6address', 'framedipv6prefix', 'delegatedipv6prefix'];

/** A table this big or bigger makes a sequential scan of radacct worth a warning even when it is still fast. */
const BIG_TABLE_ROWS = 100_000;

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
		// Without the FreeRADIUS 3.2 IPv6 columns a search for an IPv6 address or prefix can find nothing.
		const ipv6 = IPV6_COLUMNS.filter((column) => !present.has(column));
		const searches = ipv6.length > 0 ? '; a search for an IPv6 address or prefix finds nothing without them' : '';
		return result(
			check,
			'warn',
			`an older FreeRADIUS schema: no ${older.join(', ')} (shown empty${searches})`,
			"add the columns of FreeRADIUS 3.2's schema.sql if those attributes matter to you",
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

/** A role name as SQL needs it in a GRANT: bare when lower-case letters, digits and _, else double-quoted. */
function quoteIdentifier(name: string): string {
	return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * The check on what `radtop sweep --apply` needs: UPDATE on the radacct columns it sets, in a session that may
 * write (not read-only by default, not a hot standby). The console, sessions, export, disconnect and doctor only
 * read, so a read-only role is a warning: for sweep --apply alone.
 */
export function writeCheck(writes: WriteFacts, roleName: string): CheckResult {
	const check = 'writes (sweep --apply)';
	const columns = SWEEP_UPDATE_COLUMNS.join(', ');
	const user = quoteIdentifier(roleName);
	const grant = `GRANT UPDATE (${columns}) ON radacct TO ${user};`;
	if (writes.inRecovery) {
		return result(
			check,
			'warn',
			'the server is a hot standby (pg_is_in_recovery()): radtop sweep --apply cannot close sessions here',
			'run radtop sweep --apply against the primary (--db, --profile)',
		);
	}
	if (writes.readOnly) {
		return result(
			check,
			'warn',
			"this role's sessions are read-only (default_transaction_read_only = on): radtop sweep --apply needs to UPDATE radacct",
			`ALTER ROLE ${user} SET default_transaction_read_only = off;${writes.notUpdatable.length > 0 ? ` ${grant}` : ''} or run sweep --apply as a role that may write`,
		);
	}
	if (writes.notUpdatable.length > 0) {
		return result(
			check,
			'warn',
			`radtop sweep --apply needs UPDATE on radacct (${columns}); this role may not UPDATE ${writes.notUpdatable.join(', ')}`,
			grant,
		);
	}
	return result(check, 'pass', `this role may UPDATE radacct's ${columns}, as radtop sweep --apply does`);
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
	const writesFailure = failed('writes');
	if (writesFailure) {
		checks.push(
			result(
				'writes (sweep --apply)',
				'warn',
				`could not read whether this role may UPDATE radacct: ${writesFailure.error}`,
				'radtop sweep --apply needs UPDATE on radacct (' + SWEEP_UPDATE_COLUMNS.join(', ') + ') in a session that is not read-only',
			),
		);
	} else if (facts.writes) checks.push(writeCheck(facts.writes, facts.server.user));
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
