/**
 * The columns and the statement of `radtop export`. Pure. PostgreSQL formats every value as text (timestamps
 * as ISO 8601 in UTC, octets as exact digits, addresses without a prefix length, the formula guard on text)
 * and COPY writes the CSV, so the client parses nothing: it only passes bytes on.
 */
import type {RegionSql} from './regions.js';
import {filterPredicates, Parameters, sortPlan, staleExpression, type SqlQuery} from './radacct-sql.js';
import type {SessionFilter, SessionSort} from './session.js';

/** How a column's text is treated in the CSV. */
export type ExportKind =
	/** Free text from a NAS or a subscriber: subject to the formula guard. */
	| 'text'
	/** Digits, timestamps, addresses and words PostgreSQL wrote: never a formula, written as they are. */
	| 'value'
	/** The NAS's name, looked up by radtop from the NAS address the query returns. */
	| 'nas';

export interface ExportColumn {
	readonly name: string;
	readonly kind: ExportKind;
	/** The radacct columns it reads; when one is missing from an older schema the column is NULL. */
	readonly reads: readonly string[];
	/** Its SQL, of type text (open sessions' durations and states are taken at the transaction's now()). */
	readonly sql: (context: ColumnContext) => string;
}

interface ColumnContext {
	readonly available: ReadonlySet<string>;
	/** Placeholder of the stale threshold in seconds. */
	readonly staleAfter: string;
}

/** `2026-11-25T10:45:12.000Z`: the same form as JSON's and `radtop sessions --csv`'s (JavaScript's toISOString). */
function isoUtc(column: string): string {
	return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

const text = (column: string): ExportColumn => ({name: column, kind: 'text', reads: [column], sql: () => column});
const digits = (column: string, name = column): ExportColumn => ({name, kind: 'value', reads: [column], sql: () => `${column}::text`});
const host = (column: string): ExportColumn => ({name: column, kind: 'value', reads: [column], sql: () => `host(${column})`});
const prefix = (column: string): ExportColumn => ({name: column, kind: 'value', reads: [column], sql: () => `${column}::text`});
const instant = (column: string): ExportColumn => ({name: column, kind: 'value', reads: [column], sql: () => isoUtc(column)});

/**
 * Every column an export can have. The first fifteen, in this order, are the default and match the columns of
 * `radtop sessions --csv`; the rest are the remaining radacct columns under their own names.
 */
export const EXPORT_COLUMNS: readonly ExportColumn[] = [
	digits('radacctid'),
	text('username'),
	{name: 'nas', kind: 'nas', reads: ['nasipaddress'], sql: () => 'host(nasipaddress)'},
	host('nasipaddress'),
	host('framedipaddress'),
	text('callingstationid'),
	text('acctsessionid'),
	instant('acctstarttime'),
	instant('acctupdatetime'),
	instant('acctstoptime'),
	{
		name: 'durationSeconds',
		kind: 'value',
		reads: ['acctstarttime', 'acctstoptime'],
		// Whole seconds, never negative, as sessionDurationSeconds computes them.
		sql: () => 'GREATEST(0, floor(extract(epoch FROM COALESCE(acctstoptime, now()) - acctstarttime)))::bigint::text',
	},
	digits('acctoutputoctets', 'downOctets'),
	digits('acctinputoctets', 'upOctets'),
	{
		name: 'state',
		kind: 'value',
		reads: ['acctstoptime', 'acctupdatetime', 'acctstarttime'],
		sql: ({available, staleAfter}) =>
			`CASE WHEN acctstoptime IS NOT NULL THEN 'offline' WHEN ${staleExpression(staleAfter, available.has('acctinterval'))} THEN 'stale' ELSE 'online' END`,
	},
	text('acctterminatecause'),
	text('acctuniqueid'),
	text('realm'),
	text('nasportid'),
	text('nasporttype'),
	digits('acctinterval'),
	digits('acctsessiontime'),
	text('acctauthentic'),
	text('connectinfo_start'),
	text('connectinfo_stop'),
	digits('acctinputoctets'),
	digits('acctoutputoctets'),
	text('calledstationid'),
	text('servicetype'),
	text('framedprotocol'),
	host('framedipv6address'),
	prefix('framedipv6prefix'),
	text('framedinterfaceid'),
	prefix('delegatedipv6prefix'),
	text('class'),
];

/** The columns of an export when none are asked for: those of `radtop sessions --csv`. */
export const DEFAULT_EXPORT_COLUMNS: readonly string[] = [
	...EXPORT_COLUMNS.slice(0, 15).map((column) => column.name),
	'framedipv6address',
	'framedipv6prefix',
	'delegatedipv6prefix',
];

const BY_NAME = new Map(EXPORT_COLUMNS.map((column) => [column.name.toLowerCase(), column]));

/** The export column of this name (any case), or undefined. */
export function exportColumn(name: string): ExportColumn | undefined {
	return BY_NAME.get(name.trim().toLowerCase());
}

export interface ExportQueryOptions {
	readonly columns: readonly ExportColumn[];
	/** radacct's columns in this database. */
	readonly available: ReadonlySet<string>;
	readonly staleAfterSeconds: number;
	/** Guard fields a spreadsheet would run as a formula (see csv.ts); default true. */
	readonly formulaGuard?: boolean;
	/** Names of NAS by IP address, for the `nas` column (a NAS without one is shown by its IP). */
	readonly nasNames?: ReadonlyArray<{readonly ip: string; readonly name: string}>;
	/** The IPs of a search's `nas:` name. */
	readonly nasIps?: (nas: string) => readonly string[];
	/** The NAS of a search's `region:` term. */
	readonly regionNas?: (region: string) => RegionSql;
	/**
	 * The site of a profile that lists sites: a first column `site` holding this name, which travels as a
	 * parameter like every other value.
	 */
	readonly site?: string;
}

/**
 * A text expression with the formula guard of csv.ts: a value starting with `=`, `+`, `-`, `@`, tab or CR
 * gets a leading `'`. NULL stays NULL.
 */
export function guardedSql(expression: string): string {
	// PostgreSQL text cannot hold NUL, csv.ts's last formula start.
	return `(CASE WHEN left(${expression}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || ${expression} ELSE ${expression} END)`;
}

/**
 * The SELECT of an export: the chosen columns, each as text under its export name, of every session matching
 * the filter, in the sort's order with radacctid breaking ties (so two exports of the same data list rows
 * identically). Text columns carry the formula guard unless `formulaGuard` is false. With `site`, the site's
 * name comes first, under `site`.
 */
export function buildExportQuery(filter: SessionFilter, sort: SessionSort, options: ExportQueryOptions): SqlQuery {
	if (options.columns.length === 0) throw new RangeError('an export needs at least one column');
	const parameters = new Parameters();
	const guard = options.formulaGuard ?? true;
	const needsStale = options.columns.some((column) => column.name === 'state');
	const context: ColumnContext = {
		available: options.available,
		staleAfter: needsStale ? parameters.add(Math.round(options.staleAfterSeconds)) : '',
	};
	let join = '';
	if (options.columns.some((column) => column.kind === 'nas')) {
		const names = options.nasNames ?? [];
		const ips = parameters.add(names.map((entry) => entry.ip));
		const labels = parameters.add(names.map((entry) => entry.name));
		join = ` LEFT JOIN unnest(${ips}::inet[], ${labels}::text[]) AS nas_names(ip, name) ON nas_names.ip = radacct.nasipaddress`;
	}
	const list = options.columns
		.map((column) => {
			let sql = column.reads.every((name) => options.available.has(name)) ? column.sql(context) : 'NULL::text';
			if (column.kind === 'nas') sql = 'COALESCE(nas_names.name, host(radacct.nasipaddress))';
			if (guard && column.kind !== 'value') sql = guardedSql(sql);
			return `${sql} AS "${column.name}"`;
		})
		.join(', ');
	const site = options.site === undefined ? '' : `${parameters.add(options.site)}::text AS "site", `;
	// The stale view's rows by the same threshold as its STATE column (the console's, the profile's).
	const withStale = filter.staleAfterSeconds === undefined ? {...filter, staleAfterSeconds: options.staleAfterSeconds} : filter;
	const predicates = filterPredicates(withStale, parameters, {
		available: options.available,
		...(options.nasIps ? {nasIps: options.nasIps} : {}),
		...(options.regionNas ? {regionNas: options.regionNas} : {}),
	});
	const plan = sortPlan(sort, filter.status);
	const where = predicates.length > 0 ? ` WHERE ${predicates.join(' AND ')}` : '';
	return {
		text: `SELECT ${site}${list} FROM radacct${join}${where} ORDER BY ${plan.expression} ${plan.direction}, radacct.radacctid ${plan.direction}`,
		values: parameters.values,
	};
}

/** The name of the setting that carries parameter `n` of a COPY (custom settings need a dotted name). */
const setting = (n: number) => `radtop.export_${n}`;

/** A value as the text PostgreSQL reads back with a cast: arrays as array literals, instants in ISO 8601. */
function settingText(value: unknown): string {
	if (Array.isArray(value)) return `{${value.map((item) => `"${String(item).replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
	if (value instanceof Date) return value.toISOString();
	return String(value);
}

function settingType(value: unknown): string {
	if (Array.isArray(value)) return 'text[]';
	if (value instanceof Date) return 'timestamptz';
	if (typeof value === 'number') return Number.isInteger(value) ? 'bigint' : 'float8';
	return 'text';
}

export interface CopyPlan {
	/** Sets the statement's parameters as transaction-local settings (absent when it has none). */
	readonly settings?: SqlQuery;
	/** `COPY (...) TO STDOUT` as CSV with a header row, reading its parameters from those settings. */
	readonly copy: string;
}

/**
 * A query as a COPY TO STDOUT, which streams rows the server has already formatted as CSV. COPY takes no
 * bind parameters, so each value still travels as one (to set_config, in the same transaction) and the
 * COPY reads it back with current_setting, once per statement: no user value is ever spliced into SQL.
 */
export function buildExportCopy(query: SqlQuery): CopyPlan {
	const text = query.text.replace(/\$(\d+)(?!\d)/g, (_match, digits: string) => {
		const n = Number(digits);
		if (n < 1 || n > query.values.length) throw new RangeError(`no value for $${n}`);
		return `(SELECT current_setting('${setting(n)}')::${settingType(query.values[n - 1])})`;
	});
	const copy = `COPY (${text}) TO STDOUT WITH (FORMAT csv, HEADER)`;
	if (query.values.length === 0) return {copy};
	const calls = query.values.map((_value, index) => `set_config('${setting(index + 1)}', $${index + 1}, true)`);
	return {settings: {text: `SELECT ${calls.join(', ')}`, values: query.values.map(settingText)}, copy};
}

/**
 * The column list a user typed (`--columns username,framedipaddress,downOctets`), checked; throws RangeError
 * naming an unknown or repeated column.
 */
export function parseExportColumns(list: string): ExportColumn[] {
	const names = list.split(',').map((name) => name.trim());
	if (names.some((name) => name === '')) throw new RangeError('an empty column name');
	const seen = new Set<string>();
	return names.map((name) => {
		const column = exportColumn(name);
		if (!column) throw new RangeError(`unknown column "${name.slice(0, 40)}"`);
		if (seen.has(column.name)) throw new RangeError(`column "${column.name}" is listed twice`);
		seen.add(column.name);
		return column;
	});
}

/** A file name for an export made now, e.g. `radtop-sessions-20261125-104512.csv` (local time). */
export function exportFileName(now: Date): string {
	const two = (n: number) => String(n).padStart(2, '0');
	const date = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`;
	const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
	return `radtop-sessions-${date}-${time}.csv`;
}
