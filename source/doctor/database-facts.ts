/**
 * Gathers what the database checks evaluate: one short read-only statement at a time, the poll's own queries
 * (built by radacct-sql.ts, run as SessionSource and fetchSnapshot run them) timed a few times and EXPLAINed
 * without ANALYZE. Only `--measure` writes, and only inside a transaction it rolls back.
 */
import {describeError} from '../db/errors.js';
import {loadNasRows} from '../db/nas-table.js';
import {probeRadacctColumns} from '../db/radacct-columns.js';
import {buildListQuery, buildStaleAndUsersQuery, OPEN_COUNTS_QUERY, type SqlQuery} from '../sessions/radacct-sql.js';
import {buildOnlineHistoryQuery, historyWindow} from '../sessions/online-history-sql.js';
import {RateTracker} from '../sessions/session-math.js';
import {SessionSource} from '../sessions/session-source.js';
import {toNumber, type Queryable} from '../db/queryable.js';
import {fetchSnapshot, SlowCounts} from '../sessions/snapshot.js';
import {
	POLL_QUERIES,
	type DatabaseFacts,
	type IndexFact,
	type Measurement,
	type PollQueryId,
	type QueryFailure,
	type QueryTiming,
	type RowFacts,
	type SetupFailure,
	type SetupStep,
	SWEEP_UPDATE_COLUMNS,
	type WriteFacts,
} from './database-fact-types.js';
import {adviceFor} from './index-advice.js';
import {measureAdvice} from './measure-advice.js';
import {time, type LendingPool} from './query-timing.js';

export {MeasureInterrupted} from './measure-advice.js';

export interface DatabaseFactOptions {
	/** Where radtop is connected, for messages ("user@host:port/db"). */
	readonly label: string;
	/** Timed runs of each query (after one warm-up run). */
	readonly runs: number;
	readonly staleAfterSeconds: number;
	/** Build each suggested index inside a rolled-back transaction and time its query again. */
	readonly measure: boolean;
	/** Told what is happening during slow steps. */
	readonly onProgress?: (message: string) => void;
	/**
	 * The statement timeout of the catalogue reads and the row counts (default 5 s): a radacct locked by another
	 * session is reported in seconds, not after radtop's 15 s statement timeout.
	 */
	readonly setupTimeoutMs?: number;
}

/** Default {@link DatabaseFactOptions.setupTimeoutMs}. */
export const SETUP_TIMEOUT_MS = 5000;

/** The window doctor times: what the console asks for on a 24-line terminal, give or take. */
const WINDOW = 50;
/** Below this many rows (by estimate) radacct is counted exactly; above, pg_class's estimate is good enough. */
const EXACT_COUNT_BELOW = 1_000_000;
/** A search term that matches no session, so the search costs what a search for an offline user costs. */
const NO_MATCH_SEARCH = 'radtop-doctor-no-such-user';
/** Who had 192.0.2.1 (TEST-NET-1, never handed out) a day ago: `at:` looks through every session, closed ones too. */
const AT_IP_SEARCH = 'at:1d 192.0.2.1';
/** A MAC no CPE has (00-00-5E-00-53-00, set aside for documentation), over open sessions. */
const MAC_SEARCH = '00:00:5e:00:53:00';

type Row = Record<string, unknown>;

const INDEXES_QUERY = `
SELECT c.relname AS name, am.amname AS method, i.indisunique AS is_unique, i.indisprimary AS is_primary,
	i.indisvalid AS is_valid, pg_get_expr(i.indpred, i.indrelid) AS predicate, pg_get_indexdef(i.indexrelid) AS definition,
	ARRAY(
		SELECT CASE WHEN k.attnum = 0 THEN NULL ELSE a.attname::text END
		FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
		LEFT JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE k.position <= i.indnkeyatts
		ORDER BY k.position
	) AS columns
FROM pg_index AS i
JOIN pg_class AS c ON c.oid = i.indexrelid
JOIN pg_am AS am ON am.oid = c.relam
WHERE i.indrelid = to_regclass('radacct')
ORDER BY c.relname`;

const TABLE_STATS_QUERY = `
SELECT c.reltuples::float8 AS estimate, c.relpages::bigint AS pages, c.relallvisible::bigint AS all_visible,
	s.n_dead_tup::bigint AS dead, c.reloptions AS options,
	extract(epoch FROM now() - greatest(s.last_vacuum, s.last_autovacuum))::float8 AS vacuumed_ago,
	(s.last_analyze IS NOT NULL OR s.last_autoanalyze IS NOT NULL OR c.reltuples >= 0) AS analyzed
FROM pg_class AS c LEFT JOIN pg_stat_user_tables AS s ON s.relid = c.oid
WHERE c.oid = to_regclass('radacct')`;

/** Per column of radacct that sweep --apply sets: may this role UPDATE it (table or column privilege)? */
const UPDATE_PRIVILEGE_QUERY =
	"SELECT attname AS column_name, has_column_privilege(attrelid, attnum, 'UPDATE') AS updatable " +
	"FROM pg_attribute WHERE attrelid = to_regclass('radacct') AND attname = ANY($1::text[]) AND attnum > 0 AND NOT attisdropped";

/** Whether this session may write at all: read-only by default (role, database or server setting), or a standby. */
const SESSION_WRITES_QUERY =
	"SELECT current_setting('default_transaction_read_only') = 'on' AS read_only, pg_is_in_recovery() AS in_recovery";

/** What sweep --apply needs of this database and role; doctor reads it on the primary when reads go elsewhere. */
export async function writeFacts(db: Queryable): Promise<WriteFacts> {
	const {rows: columns} = await db.query(UPDATE_PRIVILEGE_QUERY, [[...SWEEP_UPDATE_COLUMNS]]);
	const denied = new Set(columns.filter((row: Row) => !row['updatable']).map((row: Row) => String(row['column_name'])));
	const {rows} = await db.query(SESSION_WRITES_QUERY, []);
	return {
		notUpdatable: SWEEP_UPDATE_COLUMNS.filter((column) => denied.has(column)),
		readOnly: Boolean(rows[0]?.['read_only']),
		inRecovery: Boolean(rows[0]?.['in_recovery']),
	};
}

/** The statement of each timed query (the whole poll is timed through fetchSnapshot instead). */
export function pollStatements(columns: ReadonlySet<string>, staleAfterSeconds: number): ReadonlyMap<PollQueryId, SqlQuery> {
	const open = {status: 'active'} as const;
	const newest = {key: 'start', direction: 'desc'} as const;
	const window = {limit: WINDOW, offset: 0};
	return new Map<PollQueryId, SqlQuery>([
		['window', buildListQuery(open, newest, window, columns)],
		['counts', OPEN_COUNTS_QUERY],
		['stale', buildStaleAndUsersQuery(staleAfterSeconds, columns)],
		['search', buildListQuery({...open, search: NO_MATCH_SEARCH}, newest, window, columns)],
		['search-ip', buildListQuery({...open, search: AT_IP_SEARCH}, newest, window, columns)],
		['search-mac', buildListQuery({...open, search: MAC_SEARCH}, newest, window, columns)],
		['sort-down', buildListQuery(open, {key: 'down', direction: 'desc'}, window, columns)],
		['history', buildOnlineHistoryQuery(historyWindow(6, 60))],
	]);
}

/** The plan's nodes, outermost first, e.g. `Index Only Scan using radacct_bulk_close on radacct`. */
export function planNodes(plan: Row): string[] {
	const nodes: string[] = [];
	const walk = (node: Row) => {
		const type = String(node['Node Type'] ?? '');
		const direction = node['Scan Direction'] === 'Backward' ? ' Backward' : '';
		const index = node['Index Name'] ? ` using ${String(node['Index Name'])}` : '';
		const relation = node['Relation Name'] ? ` on ${String(node['Relation Name'])}` : '';
		const parallel = node['Parallel Aware'] === true ? 'Parallel ' : '';
		nodes.push(`${parallel}${type}${direction}${index}${relation}`);
		for (const child of (node['Plans'] as Row[] | undefined) ?? []) walk(child);
	};
	walk(plan);
	return nodes;
}

async function explain(db: Queryable, query: SqlQuery): Promise<string[]> {
	const {rows} = await db.query(`EXPLAIN (FORMAT JSON) ${query.text}`, [...query.values]);
	const raw = rows[0]?.['QUERY PLAN'];
	const document = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{Plan: Row}>;
	return planNodes(document[0]!.Plan);
}

function errorText(error: unknown): string {
	return describeError(error);
}

async function indexFacts(db: Queryable): Promise<IndexFact[]> {
	const {rows} = await db.query(INDEXES_QUERY, []);
	return rows.map((row: Row) => ({
		name: String(row['name']),
		method: String(row['method']),
		columns: (parseTextArray(row['columns']) ?? []).map((column) => (column === null ? null : column.toLowerCase())),
		predicate: row['predicate'] === null || row['predicate'] === undefined ? null : String(row['predicate']),
		unique: Boolean(row['is_unique']),
		primary: Boolean(row['is_primary']),
		valid: Boolean(row['is_valid']),
		definition: String(row['definition']),
	}));
}

/** node-postgres parses text[]; a driver that does not hands over `{a,b,NULL}`. */
function parseTextArray(value: unknown): Array<string | null> | undefined {
	if (Array.isArray(value)) return value.map((item) => (item === null ? null : String(item)));
	if (typeof value !== 'string') return undefined;
	const inner = value.replace(/^\{|\}$/g, '');
	return inner === '' ? [] : inner.split(',').map((item) => (item === 'NULL' ? null : item.replace(/^"|"$/g, '')));
}

async function rowFacts(db: Queryable): Promise<RowFacts> {
	const {rows} = await db.query(TABLE_STATS_QUERY, []);
	const stats = rows[0] as Row;
	const estimate = toNumber(stats['estimate']) ?? -1;
	const exact = estimate < EXACT_COUNT_BELOW;
	const total = exact ? (toNumber((await db.query('SELECT count(*)::bigint AS n FROM radacct', [])).rows[0]?.['n']) ?? 0) : estimate;
	// The partial index radacct_bulk_close answers this without reading closed rows.
	const open = toNumber((await db.query('SELECT count(*)::bigint AS n FROM radacct WHERE acctstoptime IS NULL', [])).rows[0]?.['n']) ?? 0;
	return {
		rows: Math.round(total),
		exact,
		open,
		analyzed: Boolean(stats['analyzed']),
		pages: toNumber(stats['pages']) ?? 0,
		allVisiblePages: toNumber(stats['all_visible']) ?? 0,
		deadRows: toNumber(stats['dead']),
		vacuumedAgoSeconds: toNumber(stats['vacuumed_ago']),
		options: (parseTextArray(stats['options']) ?? []).filter((option): option is string => option !== null),
	};
}

async function nasTableFacts(db: Queryable): Promise<DatabaseFacts['nasTable']> {
	const nas = await loadNasRows(db);
	if (!nas.present) return 'absent';
	return nas.readable === 'none' ? 'unreadable' : {rows: nas.rows.length};
}

/**
 * Runs `run` on a connection of its own whose statements time out after `ms` (the pool's other connections keep
 * radtop's timeout), or on `db` itself when it cannot lend one.
 */
async function withStatementTimeout<T>(db: Queryable, ms: number, run: (db: Queryable) => Promise<T>): Promise<T> {
	if (typeof (db as Partial<LendingPool>).connect !== 'function') return run(db);
	let client: Awaited<ReturnType<LendingPool['connect']>>;
	try {
		client = await (db as LendingPool).connect();
	} catch {
		return run(db);
	}
	let broken = false;
	try {
		try {
			await client.query(`SET statement_timeout = ${Math.max(1, Math.round(ms))}`, []);
		} catch {
			// radtop's own timeout then: slower to report a lock, but every step still runs.
		}
		return await run(client);
	} finally {
		try {
			await client.query('RESET statement_timeout', []);
		} catch {
			broken = true;
		}
		client.release(broken);
	}
}

/** Gathers every database fact; a server that cannot be reached ends it early with `server.error`. */
export async function gatherDatabaseFacts(db: Queryable, options: DatabaseFactOptions): Promise<DatabaseFacts> {
	const empty = {
		columns: [],
		canSelect: false,
		nasTable: 'absent',
		indexes: [],
		timings: [],
		failures: [],
		extensions: [],
		measurements: [],
		setupFailures: [],
	} as const;
	let server: DatabaseFacts['server'];
	try {
		const {rows} = await db.query("SELECT current_setting('server_version') AS version, current_user AS user_name", []);
		server = {version: `PostgreSQL ${String(rows[0]?.['version'])}`, user: String(rows[0]?.['user_name'])};
	} catch (error) {
		return {...empty, label: options.label, server: {error: errorText(error)}};
	}
	const setupFailures: SetupFailure[] = [];
	/** One setup step: its failure becomes a check of its own, and the other steps still run. */
	const step = async <T>(name: SetupStep, run: () => Promise<T>): Promise<T | undefined> => {
		try {
			return await run();
		} catch (error) {
			setupFailures.push({step: name, error: errorText(error)});
			return undefined;
		}
	};
	const setup = await withStatementTimeout(db, options.setupTimeoutMs ?? SETUP_TIMEOUT_MS, async (client) => {
		const probe = await step('columns', () => probeRadacctColumns(client));
		const columns = probe ? [...probe.all] : undefined;
		const nasTable = (await step('nas table', () => nasTableFacts(client))) ?? 'unreadable';
		const extensions =
			(await step('extensions', async () =>
				(await client.query('SELECT extname FROM pg_extension', [])).rows.map((row: Row) => String(row['extname'])),
			)) ?? [];
		if (columns === undefined || columns.length === 0)
			return {columns: columns ?? [], nasTable, extensions, canSelect: false, indexes: [] as IndexFact[]};
		const canSelect = await step('privilege', async () => {
			const privilege = await client.query("SELECT has_table_privilege(to_regclass('radacct'), 'SELECT') AS ok", []);
			return Boolean(privilege.rows[0]?.['ok']);
		});
		const indexes = (await step('indexes', () => indexFacts(client))) ?? [];
		if (!canSelect) return {columns, nasTable, extensions, canSelect: false, indexes};
		const writes = await step('writes', () => writeFacts(client));
		options.onProgress?.('counting radacct');
		const rows = await step('rows', () => rowFacts(client));
		return {columns, probe, nasTable, extensions, canSelect, indexes, rows, ...(writes ? {writes} : {})};
	});
	const {columns, nasTable, extensions, canSelect, indexes} = setup;
	const writes = 'writes' in setup ? setup.writes : undefined;
	const base = {
		label: options.label,
		server,
		columns,
		canSelect,
		nasTable,
		indexes,
		extensions,
		setupFailures,
		...(writes ? {writes} : {}),
	};
	// Without the counts (a lock on radacct, most likely) every timed query would wait out the statement timeout too.
	if (!canSelect || !('rows' in setup) || setup.rows === undefined) return {...empty, ...base};
	const rows = setup.rows;
	const statements = pollStatements(new Set(columns), options.staleAfterSeconds);
	const timings: QueryTiming[] = [];
	const failures: QueryFailure[] = [];
	for (const query of POLL_QUERIES) {
		options.onProgress?.(`timing ${query.label}`);
		try {
			if (query.id === 'poll') {
				const source = await SessionSource.open(db, {staleAfterSeconds: options.staleAfterSeconds, columns: setup.probe});
				// SlowCounts warm, as on 5 polls out of 6: the stale counts are timed on their own above.
				const slow = new SlowCounts(Number.MAX_SAFE_INTEGER);
				const rates = new RateTracker();
				const request = {
					key: 'doctor',
					filter: {status: 'active'},
					sort: {key: 'start', direction: 'desc'},
					offset: 0,
					limit: WINDOW,
				} as const;
				const measured = await time(() => fetchSnapshot(source, request, rates, slow), options.runs);
				timings.push({id: query.id, ...measured, plan: []});
				continue;
			}
			const statement = statements.get(query.id)!;
			const measured = await time(() => db.query(statement.text, [...statement.values]), options.runs);
			timings.push({id: query.id, ...measured, plan: await explain(db, statement)});
		} catch (error) {
			failures.push({id: query.id, error: errorText(error)});
		}
	}

	const measurements: Measurement[] = [];
	if (options.measure) {
		for (const query of POLL_QUERIES) {
			const timing = timings.find((entry) => entry.id === query.id);
			if (!timing || timing.p50Ms <= query.targetMs) continue;
			const advice = adviceFor(query.id, indexes, extensions);
			const statement = statements.get(query.id);
			if (!advice?.measure || !statement) continue;
			options.onProgress?.(`measuring ${advice.id}: building the index inside a transaction that is rolled back`);
			measurements.push(await measureAdvice(db, advice, statement, timing.p50Ms, options.runs));
		}
	}
	return {...base, rows, timings, failures, measurements};
}
