/**
 * `radtop export` with subscriber columns (plan, limits, remaining, the billing query's columns): the same
 * snapshot, filter, order and cap as the COPY export, but read through a cursor in batches of EXPORT_BATCH
 * rows, each batch enriched by one statement over radtop's view of FreeRADIUS's tables and one billing query,
 * both taking the usernames of that batch only (`$1::text[]`). Memory stays bounded by one batch.
 *
 * Everything runs on the export's one connection, in its read-only transaction; the billing query runs in a
 * savepoint under its own statement timeout, so one that fails leaves its cells empty (told once through
 * `onStatus`) and the export goes on. A billing database of its own is asked on its own pool.
 */
import type {Writable} from 'node:stream';
import {loadNasRows} from '../db/nas-table.js';
import {probeRadacctColumns} from '../db/radacct-columns.js';
import type {Queryable} from '../db/queryable.js';
import {withQueryDeadline} from '../db/deadline.js';
import {vendorField} from '../net/oui-registry.js';
import {csvField} from '../sessions/csv.js';
import {buildExportQuery, exportColumn, type ExportColumn} from '../sessions/export-sql.js';
import {
	DEFAULT_EXPORT_LIMIT,
	EXPORT_IDLE_MS,
	ExportAbortedError,
	ExportLimitError,
	type ExportOptions,
	type ExportResult,
	nasIpsOf,
	regionsOf,
} from '../sessions/export.js';
import {NasDirectory} from '../sessions/nas-directory.js';
import {buildCountQuery} from '../sessions/radacct-sql.js';
import type {Session, SessionFilter, SessionSort} from '../sessions/session.js';
import {DEFAULT_STALE_AFTER_SECONDS} from '../sessions/session-math.js';
import {sanitize} from '../terminal/sanitize.js';
import {BillingLookup, DEFAULT_BILLING_TIMEOUT_MS, type BillingDatabase} from './billing.js';
import {readSubscriberContexts} from './subscriber-reader.js';
import {EMPTY_CONTEXT} from './subscriber-sql.js';
import {probeSubscriberTables} from './subscriber-tables.js';
import {sessionSubscriber, SUBSCRIBER_COLUMNS, subscriberFields} from './subscriber-view.js';

/** Rows read, enriched and written at a time. */
export const EXPORT_BATCH = 1000;

export interface EnrichedExportOptions extends ExportOptions {
	/** The profile's billing query; absent: the billing columns are empty. */
	readonly billingQuery?: string;
	/** A billing database of its own; default: the sessions' database, inside the export's transaction. */
	readonly billingDatabase?: BillingDatabase;
	readonly billingTimeoutMs?: number;
	/** Told once, with the first line saying a part of the enrichment failed. */
	readonly onStatus?: (line: string) => void;
}

/** The device's columns: the MAC's vendor in the IEEE registry (`random` for a randomized MAC). */
export const DEVICE_COLUMNS = ['vendor'] as const;

function isDeviceColumn(name: string): boolean {
	return (DEVICE_COLUMNS as readonly string[]).includes(name.toLowerCase());
}

/** Whether a column name is radtop's own subscriber column, the device's vendor included. */
export function isSubscriberColumn(name: string): boolean {
	return (SUBSCRIBER_COLUMNS as readonly string[]).includes(name.toLowerCase()) || isDeviceColumn(name);
}

/** Whether an export of these columns needs the enrichment (any column that is not a radacct one). */
export function needsEnrichment(columns: readonly string[]): boolean {
	return columns.some((name) => !exportColumn(name));
}

interface Client {
	query(config: {text: string; values?: unknown[]}): Promise<{rows: Array<Record<string, unknown>>; fields?: Array<{name: string}>}>;
	release?(error?: Error | boolean): void;
}

const KEY_USER = 'radtop_key_user';
const KEY_START = 'radtop_key_start';
const KEY_STOPPED = 'radtop_key_stopped';
const KEY_MAC = 'radtop_key_mac';

/** The key columns each row carries for its enrichment, never written. */
const KEY_COLUMNS: ExportColumn[] = [
	{name: KEY_USER, kind: 'value', reads: ['username'], sql: () => 'username'},
	{name: KEY_START, kind: 'value', reads: ['acctstarttime'], sql: () => '(extract(epoch FROM acctstarttime) * 1000)::bigint::text'},
	{name: KEY_STOPPED, kind: 'value', reads: ['acctstoptime'], sql: () => "(CASE WHEN acctstoptime IS NULL THEN '' ELSE 'y' END)"},
	{name: KEY_MAC, kind: 'value', reads: ['callingstationid'], sql: () => 'callingstationid'},
];

export async function exportEnrichedSessions(
	db: Queryable,
	filter: SessionFilter,
	sort: SessionSort,
	options: EnrichedExportOptions,
	out: Writable,
): Promise<ExportResult> {
	const names = [...(options.columns ?? [])];
	if (names.length === 0) throw new RangeError('an export needs at least one column');
	const limit = options.limit === undefined ? DEFAULT_EXPORT_LIMIT : options.limit;
	options.signal?.throwIfAborted();
	const pool = db as Queryable & {connect?: () => Promise<Client>};
	const client: Client = typeof pool.connect === 'function' ? await pool.connect() : (db as unknown as Client);
	const previousDeadline = withQueryDeadline(client, options.idleMs ?? EXPORT_IDLE_MS);
	const run = async (text: string, values: readonly unknown[] = []) => (await client.query({text, values: [...values]})).rows;
	const inSnapshot: Queryable = {query: (text, values = []) => client.query({text, values: [...values]})};
	let inTransaction = false;
	let broken: Error | undefined;
	let rows = 0;
	try {
		await run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
		inTransaction = true;
		await run('SET LOCAL statement_timeout = 0');
		const nasIps = nasIpsOf(options);
		const available = options.available ?? (await probeRadacctColumns(inSnapshot)).readable;
		let total: number | undefined;
		if (limit !== null) {
			const count = buildCountQuery(filter, limit, {available, nasIps, ...regionsOf(options)});
			total = Number((await run(count.text, count.values))[0]?.['total'] ?? 0);
			if (total > limit) throw new ExportLimitError(limit);
		}
		const radacct = names.map((name) => exportColumn(name)).filter((column): column is ExportColumn => !!column);
		const nas = radacct.some((column) => column.kind === 'nas')
			? (options.nas ?? NasDirectory.from((await loadNasRows(inSnapshot)).rows))
			: undefined;
		const query = buildExportQuery(filter, sort, {
			nasIps,
			...regionsOf(options),
			columns: [...radacct, ...KEY_COLUMNS],
			available,
			staleAfterSeconds: options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS,
			formulaGuard: !options.raw,
			nasNames: nas?.entries(),
		});
		await run(`DECLARE radtop_export NO SCROLL CURSOR FOR ${query.text}`, query.values);
		// The vendor alone is read from the MAC: FreeRADIUS's tables and the billing query are not asked.
		const subscribers = names.some((name) => !exportColumn(name) && !isDeviceColumn(name));
		const tables = subscribers ? await inSavepoint(client, 0, () => probeSubscriberTables(inSnapshot)) : undefined;
		const timeoutMs = options.billingTimeoutMs ?? DEFAULT_BILLING_TIMEOUT_MS;
		const billingDb: BillingDatabase = options.billingDatabase ?? {
			query: (text, values) => inSavepoint(client, timeoutMs, () => inSnapshot.query(text, values)),
		};
		const billing =
			subscribers && options.billingQuery ? new BillingLookup(billingDb, {query: options.billingQuery, timeoutMs}) : undefined;
		let told = false;
		const tell = (line: string | null) => {
			if (line === null || told) return;
			told = true;
			options.onStatus?.(line);
		};
		options.signal?.throwIfAborted();
		await options.ready?.(total);
		// The site's name is written here as every cell of this export is: radtop makes the CSV, not COPY.
		const site = options.site === undefined ? '' : `${csvField(options.site, {formulaGuard: false})},`;
		const header = [...(site === '' ? [] : ['site']), ...names.map((name) => exportColumn(name)?.name ?? name)];
		if (options.header ?? true) await write(out, `${header.map((name) => csvField(name, {formulaGuard: false})).join(',')}\r\n`);
		const now = new Date();
		const started = performance.now();
		for (;;) {
			if (options.signal?.aborted) throw new ExportAbortedError(rows);
			const batch = await run(`FETCH ${EXPORT_BATCH} FROM radtop_export`);
			if (batch.length === 0) break;
			const usernames = [
				...new Set(batch.map((row) => row[KEY_USER]).filter((name): name is string => typeof name === 'string' && name !== '')),
			];
			const contexts = tables
				? await inSavepoint(client, 0, () => readSubscriberContexts(inSnapshot, tables, usernames)).catch((error: Error) => {
						tell(`subscriber tables: ${error.message.split('\n')[0]}`);
						return new Map();
					})
				: new Map();
			const bought = billing ? await billing.lookup(usernames) : undefined;
			tell(bought?.status ?? null);
			let chunk = '';
			for (const row of batch) {
				const username = typeof row[KEY_USER] === 'string' ? row[KEY_USER] : null;
				const start = row[KEY_START];
				const session = {
					acctstarttime: typeof start === 'string' && start !== '' ? new Date(Number(start)) : null,
					acctstoptime: row[KEY_STOPPED] === 'y' ? now : null,
				} as unknown as Session;
				const subscriber = sessionSubscriber(
					session,
					(username && contexts.get(username)) || EMPTY_CONTEXT,
					(username && bought?.values.get(username)) || {},
					now,
				);
				const fields = username ? subscriberFields(subscriber, bought?.columns ?? []) : {};
				const cells = names.map((name) => {
					const column = exportColumn(name);
					if (column) return csvField(row[column.name] as string | null, {formulaGuard: false});
					if (isDeviceColumn(name))
						return csvField(vendorField(row[KEY_MAC] as string | null) ?? '', {formulaGuard: !options.raw});
					return csvField(fields[name] ?? '', {formulaGuard: !options.raw});
				});
				chunk += `${site}${cells.join(',')}\r\n`;
			}
			rows += batch.length;
			await write(out, options.forTerminal ? sanitizeLines(chunk) : chunk);
			options.onProgress?.({rows, elapsedMs: performance.now() - started});
		}
		await run('CLOSE radtop_export');
		await run('COMMIT');
		inTransaction = false;
		return {rows};
	} catch (error) {
		if (inTransaction) {
			await run('ROLLBACK').catch((rollback: Error) => {
				broken = rollback;
			});
		}
		if (options.signal?.aborted) throw new ExportAbortedError(rows);
		throw error;
	} finally {
		if (previousDeadline !== undefined) withQueryDeadline(client, previousDeadline);
		if (client !== (db as unknown)) client.release?.(broken ?? false);
	}
}

/** Runs `work` in a savepoint (under a statement timeout when `timeoutMs` > 0): a failure leaves the transaction usable. */
async function inSavepoint<T>(client: Client, timeoutMs: number, work: () => Promise<T>): Promise<T> {
	await client.query({text: 'SAVEPOINT radtop_enrich'});
	try {
		if (timeoutMs > 0) await client.query({text: `SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`});
		const result = await work();
		// SET LOCAL outlives RELEASE: the export's own statements have no timeout.
		if (timeoutMs > 0) await client.query({text: 'SET LOCAL statement_timeout = 0'});
		await client.query({text: 'RELEASE SAVEPOINT radtop_enrich'});
		return result;
	} catch (error) {
		await client.query({text: 'ROLLBACK TO SAVEPOINT radtop_enrich'});
		await client.query({text: 'RELEASE SAVEPOINT radtop_enrich'});
		throw error;
	}
}

/** Control characters in each line shown as escapes, for a terminal. */
function sanitizeLines(chunk: string): string {
	return chunk
		.split('\r\n')
		.map((line) => sanitize(line))
		.join('\r\n');
}

/** Writes and waits for the output to drain when it is full. */
function write(out: Writable, text: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const onError = (error: Error) => reject(error);
		out.once('error', onError);
		const ready = out.write(text, (error) => {
			if (error) reject(error);
		});
		const done = () => {
			out.removeListener('error', onError);
			resolve();
		};
		if (ready) done();
		else out.once('drain', done);
	});
}
