/**
 * Reads sessions from radacct over any `pg`-compatible connection (a Pool on a real server, one Client on
 * the embedded database). Each call is one short autocommit statement: radtop never holds a transaction
 * or snapshot open between polls, which on a busy radacct would hold back vacuum.
 */
import type {WaitMonitor} from '../db/database-wait.js';
import {waitsOf} from '../db/deadline.js';
import {SchemaError} from '../db/errors.js';
import {toDate, toNumber, toText, type Queryable} from '../db/queryable.js';
import {loadNasRows, type NasRows} from '../db/nas-table.js';
import {probeNasReloadTable, readNasReloads, type NasReloads, type NasReloadTable} from '../db/nas-reload-table.js';
import {probeRadacctColumns, type RadacctColumns} from '../db/radacct-columns.js';
import {buildUserOpenCountsQuery} from './concurrent-sql.js';
import {NasDirectory} from './nas-directory.js';
import {runWithTimeout} from '../db/run-with-timeout.js';
import {regionSql, type RegionSql, type Regions} from './regions.js';
import {combineStats, type OpenCounts, type StaleAndUsers} from './session-stats.js';
import {buildOnlineHistoryQuery, type HistoryWindow} from './online-history-sql.js';
import type {OnlineHistory} from './online-history.js';
import type {PollAsk, PollReads} from './poll-reads.js';
import {
	buildCountQuery,
	buildHistoryQuery,
	buildListQuery,
	buildSessionQuery,
	buildStaleAndUsersQuery,
	OPEN_COUNTS_QUERY,
	REQUIRED_COLUMNS,
	type SqlQuery,
} from './radacct-sql.js';
import type {Session, SessionFilter, SiteStatus, SessionPage, SessionSort, SessionStats, SessionTotal, SessionWindow} from './session.js';
import {DEFAULT_STALE_AFTER_SECONDS} from './session-math.js';
import type {TimeoutTables} from './remaining-sql.js';

export interface SessionSourceOptions {
	/** Stale threshold for NAS that report no interim interval. */
	readonly staleAfterSeconds?: number;
	/** Counts of closed or all sessions stop here (shown as "N+"). */
	readonly countCap?: number;
	/** NAS names from radtop's config, applied over the nas table. */
	readonly nasOverrides?: ReadonlyArray<{ip: string; name?: string}>;
	/** radacct's columns, when the caller has probed them already (one probe per command). */
	readonly columns?: RadacctColumns;
	/** The nas table, when the caller has read it already. */
	readonly nasRows?: NasRows;
	/** Whether nasreload may be read, when the caller has probed it already. */
	readonly nasReload?: NasReloadTable;
	/** The profile's regions, for `region:` terms. */
	readonly regions?: Regions;
	/** The statement timeout of the online history (default {@link HISTORY_TIMEOUT_MS}). */
	readonly historyTimeoutMs?: number;
}

/** How long the online history may take on the server: on a big radacct without its index it reads every row. */
export const HISTORY_TIMEOUT_MS = 10_000;

type Row = Record<string, unknown>;

export {combineStats, type OpenCounts, type StaleAndUsers} from './session-stats.js';

/** What the console reads: SessionSource implements it, tests may stand in for it. */
export interface SessionReader {
	readonly staleAfterSeconds: number;
	/** Where the database reports what a statement in flight waits for (a lock, a server that does not answer). */
	readonly waits?: WaitMonitor;
	list(filter: SessionFilter, sort: SessionSort, window: SessionWindow): Promise<SessionPage>;
	count(filter: SessionFilter): Promise<SessionTotal>;
	stats(): Promise<SessionStats>;
	openCounts(): Promise<OpenCounts>;
	staleAndUsers(): Promise<StaleAndUsers>;
	session(radacctid: string): Promise<Session | undefined>;
	history(username: string, limit?: number, since?: Date): Promise<Session[]>;
	/** When each NAS last reloaded (FreeRADIUS's nasreload); a reader without it knows of no reload. */
	nasReloads?(): Promise<NasReloads>;
	/** How many open sessions each of these users has (a user with none is absent). */
	userOpenCounts?(usernames: readonly string[]): Promise<ReadonlyMap<string, number>>;
	/** The profile's regions (the console's NAS picker and stats line show them). */
	readonly regions?: Regions | undefined;
	/** How each site's data stands, when the reader reads several sites (merged-source.ts). */
	siteStatus?(): readonly SiteStatus[];
	/** Open sessions per NAS at each point of the window ending now (online-history-sql.ts). */
	onlineHistory?(window: HistoryWindow): Promise<OnlineHistory>;
	/** A poll's reads as one request (a reader over several sites: each site's in its own order); else readPoll. */
	pollReads?(ask: PollAsk): Promise<PollReads>;
}

export class SessionSource implements SessionReader {
	readonly #db: Queryable;
	readonly #columns: ReadonlySet<string>;
	readonly #staleAfter: number;
	readonly #countCap: number;
	readonly #overrides: ReadonlyArray<{ip: string; name?: string}>;
	readonly #nasReload: NasReloadTable;
	/** The profile's regions (`region:` terms; the console shows them). */
	readonly regions: Regions | undefined;
	readonly #historyTimeoutMs: number;
	#nas: NasDirectory;
	#hasNasTable: boolean;
	#timeoutTables: TimeoutTables | undefined;

	private constructor(
		db: Queryable,
		columns: ReadonlySet<string>,
		hasNasTable: boolean,
		nas: NasDirectory,
		nasReload: NasReloadTable,
		options: SessionSourceOptions,
	) {
		this.#db = db;
		this.#nasReload = nasReload;
		this.#columns = columns;
		this.#hasNasTable = hasNasTable;
		this.#nas = nas;
		this.#staleAfter = options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS;
		this.#countCap = options.countCap ?? 100_000;
		this.#overrides = options.nasOverrides ?? [];
		this.regions = options.regions;
		this.#historyTimeoutMs = options.historyTimeoutMs ?? HISTORY_TIMEOUT_MS;
	}

	/**
	 * Checks that the database has a FreeRADIUS radacct (throws SchemaError naming what is missing) and loads
	 * the NAS names.
	 */
	static async open(db: Queryable, options: SessionSourceOptions = {}): Promise<SessionSource> {
		const columns = options.columns ?? (await probeRadacctColumns(db));
		checkRadacct(columns);
		const nasRows = options.nasRows ?? (await loadNasRows(db));
		const nasReload = options.nasReload ?? (await probeNasReloadTable(db));
		const source = new SessionSource(
			db,
			columns.readable,
			nasRows.present,
			NasDirectory.from(nasRows.rows, options.nasOverrides ?? []),
			nasReload,
			options,
		);
		return source;
	}

	/** radacct's readable columns, for the other readers of radacct in the same command. */
	get columns(): ReadonlySet<string> {
		return this.#columns;
	}

	/** NAS names: the nas table (when there is one) plus config overrides. */
	get nas(): NasDirectory {
		return this.#nas;
	}

	get staleAfterSeconds(): number {
		return this.#staleAfter;
	}

	/** The database's wait reports, when it is a pool radtop opened (deadlines and looks: `db/deadline.ts`). */
	get waits(): WaitMonitor | undefined {
		return waitsOf(this.#db);
	}

	/** The reply tables the `remaining` sort reads (found by the subscriber probe); without them it orders by id. */
	readTimeoutsFrom(tables: TimeoutTables): void {
		this.#timeoutTables = tables;
	}

	/** Re-reads the nas table (it changes rarely; callers refresh it now and then, not every poll). */
	async reloadNas(): Promise<void> {
		const rows = this.#hasNasTable ? (await loadNasRows(this.#db)).rows : [];
		this.#nas = NasDirectory.from(rows, this.#overrides);
	}

	/** A stale filter reads this source's stale-after unless it names its own. */
	#withStaleAfter(filter: SessionFilter): SessionFilter {
		return filter.staleAfterSeconds === undefined ? {...filter, staleAfterSeconds: this.#staleAfter} : filter;
	}

	/** One window of sessions in the given order; at most `window.limit` rows are fetched. */
	async list(filter: SessionFilter, sort: SessionSort, window: SessionWindow): Promise<SessionPage> {
		const query = buildListQuery(this.#withStaleAfter(filter), sort, window, this.#columns, {
			nasIps: (nas) => this.#nas.resolve(nas),
			regionNas: this.regionNas,
			...(this.#timeoutTables ? {timeoutTables: this.#timeoutTables} : {}),
		});
		const rows = await this.#run(query);
		const sessions = rows.map((row) => sessionFromRow(row, this.#nameOf));
		const last = rows.at(-1);
		const page: SessionPage = {
			rows: sessions,
			sortValues: rows.map((row) => toText(row['sort_value'])),
			dbNow: last ? toDate(last['db_now'])! : new Date(),
			...(last && rows.length === window.limit
				? {next: {value: toText(last['sort_value']), radacctid: String(last['radacctid']), asOf: String(last['as_of'])}}
				: {}),
		};
		return page;
	}

	/** How many sessions match; open sessions are counted exactly, closed/all up to the count cap. */
	async count(filter: SessionFilter): Promise<SessionTotal> {
		const cap = filter.status === 'active' || filter.status === 'stale' ? undefined : this.#countCap;
		const rows = await this.#run(
			buildCountQuery(this.#withStaleAfter(filter), cap, {
				available: this.#columns,
				nasIps: (nas) => this.#nas.resolve(nas),
				regionNas: this.regionNas,
			}),
		);
		const total = toNumber(rows[0]?.['total']) ?? 0;
		if (cap !== undefined && total > cap) return {total: cap, capped: true};
		return {total, capped: false};
	}

	/** When the oldest session in radacct started (an index lookup), or null for an empty table. */
	async oldestStart(): Promise<Date | null> {
		const rows = await this.#run({text: 'SELECT min(acctstarttime) AS oldest FROM radacct', values: []});
		return toDate(rows[0]?.['oldest']);
	}

	/** Open sessions per NAS (largest first) and their mean age: cheap, for every poll. */
	async openCounts(): Promise<OpenCounts> {
		const rows = await this.#run(OPEN_COUNTS_QUERY);
		let sessions = 0;
		let ageSum = 0;
		const perNas = rows.map((row) => {
			const ip = String(row['nasipaddress']);
			const count = toNumber(row['sessions']) ?? 0;
			sessions += count;
			ageSum += toNumber(row['age_sum']) ?? 0;
			return {nasipaddress: ip, nasname: this.#nas.nameOf(ip), sessions: count};
		});
		perNas.sort((a, b) => b.sessions - a.sessions || a.nasipaddress.localeCompare(b.nasipaddress));
		return {
			openSessions: sessions,
			averageDurationSeconds: sessions > 0 ? ageSum / sessions : null,
			perNas,
			dbNow: toDate(rows[0]?.['db_now']) ?? new Date(),
		};
	}

	/** Stale sessions per NAS and distinct users online: a pass over every open row, so asked for less often. */
	async staleAndUsers(): Promise<StaleAndUsers> {
		const rows = await this.#run(buildStaleAndUsersQuery(this.#staleAfter, this.#columns));
		const stalePerNas = new Map<string, number>();
		let uniqueUsers = 0;
		for (const row of rows) {
			if (row['nasipaddress'] === null) uniqueUsers = toNumber(row['users']) ?? 0;
			else stalePerNas.set(String(row['nasipaddress']), toNumber(row['stale']) ?? 0);
		}
		return {uniqueUsers, stalePerNas, at: new Date()};
	}

	/** Open sessions network-wide and per NAS, unique users, mean age, stale count. */
	async stats(): Promise<SessionStats> {
		return combineStats(await this.openCounts(), await this.staleAndUsers());
	}

	/** Whether nasreload is read, and why not (for doctor and the commands that read it). */
	get nasReload(): NasReloadTable {
		return this.#nasReload;
	}

	/** Each NAS's last reload: one read of the tiny nasreload, nothing (and the reason) when it is not readable. */
	async nasReloads(): Promise<NasReloads> {
		return readNasReloads(this.#db, this.#nasReload);
	}

	/** One session by radacctid, or undefined. */
	async session(radacctid: string): Promise<Session | undefined> {
		if (!/^\d{1,19}$/.test(radacctid)) return undefined;
		const rows = await this.#run(buildSessionQuery(radacctid, this.#columns));
		return rows[0] ? sessionFromRow(rows[0], this.#nameOf) : undefined;
	}

	/** A user's sessions, newest first, at most `limit` (optionally only those started since `since`). */
	async history(username: string, limit = 20, since?: Date): Promise<Session[]> {
		const rows = await this.#run(buildHistoryQuery(username, limit, this.#columns, since));
		return rows.map((row) => sessionFromRow(row, this.#nameOf));
	}

	/** How many open sessions each of `usernames` has, in one statement; a user with none is absent. */
	async userOpenCounts(usernames: readonly string[]): Promise<ReadonlyMap<string, number>> {
		const query = buildUserOpenCountsQuery(usernames);
		const counts = new Map<string, number>();
		if (!query) return counts;
		for (const row of await this.#run(query)) counts.set(String(row['username']), toNumber(row['sessions']) ?? 0);
		return counts;
	}

	/**
	 * Open sessions per NAS at each point of the window ending now, counted by the server in one statement. It
	 * runs in a read-only transaction of its own with its own statement timeout (the client-side deadline of
	 * `db/deadline.ts` follows it), so a slow history on a big radacct ends with an error instead of holding a
	 * connection the poll needs; a database that cannot lend a connection (a lone client) runs it as it is.
	 */
	async onlineHistory(window: HistoryWindow): Promise<OnlineHistory> {
		const query = buildOnlineHistoryQuery(window);
		const rows = await runWithTimeout(this.#db, query, this.#historyTimeoutMs);
		const perNas = rows.map((row) => {
			const ip = String(row['nasipaddress']);
			const online = Array.isArray(row['online']) ? (row['online'] as unknown[]).map((value) => toNumber(value) ?? 0) : [];
			return {nasipaddress: ip, nasname: this.#nas.nameOf(ip), online};
		});
		perNas.sort((a, b) => (b.online.at(-1) ?? 0) - (a.online.at(-1) ?? 0) || a.nasipaddress.localeCompare(b.nasipaddress));
		return {end: toDate(rows[0]?.['db_now']) ?? new Date(), stepSeconds: window.stepSeconds, perNas};
	}

	/** Resolves NAS names or IPs given by a user to the IPs to filter on. */
	resolveNas(values: readonly string[]): string[] {
		return [...new Set(values.flatMap((value) => this.#nas.resolve(value)))];
	}

	readonly #nameOf = (ip: string) => this.#nas.nameOf(ip);

	/** The NAS IPs and networks of a `region:` term, the names read through the NAS known now. */
	readonly regionNas = (region: string): RegionSql => regionSql(this.regions, region, this.#nas.entries());

	async #run(query: SqlQuery): Promise<Row[]> {
		const result = await this.#db.query(query.text, [...query.values]);
		return result.rows as Row[];
	}
}

/** A radacct row (as selected by `selectList`) as a Session, the NAS named by `nameOf`. */
export function sessionFromRow(row: Row, nameOf: (ip: string) => string | null): Session {
	const ip = String(row['nasipaddress']);
	return {
		radacctid: String(row['radacctid']),
		acctsessionid: toText(row['acctsessionid']) ?? '',
		acctuniqueid: toText(row['acctuniqueid']) ?? '',
		username: toText(row['username']),
		realm: toText(row['realm']),
		nasipaddress: ip,
		nasname: nameOf(ip),
		nasportid: toText(row['nasportid']),
		nasporttype: toText(row['nasporttype']),
		acctstarttime: toDate(row['acctstarttime']),
		acctupdatetime: toDate(row['acctupdatetime']),
		acctstoptime: toDate(row['acctstoptime']),
		acctinterval: toNumber(row['acctinterval']),
		acctsessiontime: toNumber(row['acctsessiontime']),
		acctauthentic: toText(row['acctauthentic']),
		connectinfo_start: toText(row['connectinfo_start']),
		connectinfo_stop: toText(row['connectinfo_stop']),
		acctinputoctets: toNumber(row['acctinputoctets']),
		acctoutputoctets: toNumber(row['acctoutputoctets']),
		calledstationid: toText(row['calledstationid']),
		callingstationid: toText(row['callingstationid']),
		acctterminatecause: toText(row['acctterminatecause']),
		servicetype: toText(row['servicetype']),
		framedprotocol: toText(row['framedprotocol']),
		framedipaddress: toText(row['framedipaddress']),
		framedipv6address: toText(row['framedipv6address']),
		framedipv6prefix: toText(row['framedipv6prefix']),
		framedinterfaceid: toText(row['framedinterfaceid']),
		delegatedipv6prefix: toText(row['delegatedipv6prefix']),
		class: toText(row['class']),
	};
}

/** Throws SchemaError naming what makes this radacct unusable: absent, unreadable, or lacking FreeRADIUS columns. */
export function checkRadacct(columns: RadacctColumns): void {
	if (columns.all.size === 0) {
		throw new SchemaError('no radacct table in this database: is it the FreeRADIUS database (and search_path right)?');
	}
	const missing = REQUIRED_COLUMNS.filter((column) => !columns.all.has(column));
	if (missing.length > 0) {
		throw new SchemaError(`radacct lacks FreeRADIUS column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
	}
	if (columns.readable.size === 0)
		throw new SchemaError('this database role may not read radacct (permission denied): GRANT SELECT ON radacct');
}
