/**
 * The billing join: one SQL query of the profile's, run with the usernames in view as one array parameter
 * (`$1::text[]`), returning `username` and any other columns, shown as extra columns. It runs read-only, under
 * its own statement timeout and a client-side deadline a little past it, at most one at a time; each user's
 * values are kept `cacheMs` so a poll asks only for users not seen lately. A failure or a query past its
 * deadline leaves the values empty and says so in one status line; it never holds the poll.
 */
import type {Queryable} from '../db/queryable.js';

interface Client {
	query(text: string, values?: unknown[]): Promise<{rows: unknown[]; fields?: Array<{name: string}>}>;
	release(destroy?: boolean | Error): void;
}

/** A pool the billing query runs on: node-postgres's Pool (a transaction of its own on one connection). */
export interface BillingDatabase extends Queryable {
	connect?(): Promise<Client>;
}

export interface BillingOptions {
	readonly query: string;
	/** The statement timeout of the billing query, in ms (default 2000). */
	readonly timeoutMs?: number;
	/** How long a user's values are kept, in ms (default 10 s). */
	readonly cacheMs?: number;
	readonly now?: () => number;
}

export interface BillingResult {
	/** Each username asked for; an unknown or failed one maps to {}. */
	readonly values: ReadonlyMap<string, Readonly<Record<string, string>>>;
	/** The query's columns other than username, in its order (the last ones seen when this run failed). */
	readonly columns: readonly string[];
	/** One line for the status bar when the query failed or was late; null when it answered. */
	readonly status: string | null;
}

export const DEFAULT_BILLING_TIMEOUT_MS = 2000;
/** The client-side deadline is the statement timeout plus this much. */
const DEADLINE_MARGIN_MS = 1000;

function asText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) return value.toISOString();
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

function firstLine(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return (message.split('\n')[0] ?? '').slice(0, 160);
}

export class BillingLookup {
	readonly #db: BillingDatabase;
	readonly #query: string;
	readonly #timeoutMs: number;
	readonly #cacheMs: number;
	readonly #now: () => number;
	readonly #cache = new Map<string, {at: number; values: Record<string, string>}>();
	#columns: string[] = [];
	#running: Promise<unknown> | undefined;

	constructor(db: BillingDatabase, options: BillingOptions) {
		this.#db = db;
		this.#query = options.query;
		this.#timeoutMs = options.timeoutMs ?? DEFAULT_BILLING_TIMEOUT_MS;
		this.#cacheMs = options.cacheMs ?? 10_000;
		this.#now = options.now ?? Date.now;
	}

	async lookup(usernames: readonly string[]): Promise<BillingResult> {
		const users = [...new Set(usernames)];
		const now = this.#now();
		const wanted = users.filter((name) => {
			const cached = this.#cache.get(name);
			return !cached || now - cached.at >= this.#cacheMs;
		});
		let status: string | null = null;
		if (wanted.length > 0) {
			if (this.#running) status = 'billing query: the previous one has not answered yet';
			else status = await this.#fetch(wanted, now);
		}
		const values = new Map<string, Record<string, string>>();
		for (const name of users) values.set(name, this.#cache.get(name)?.values ?? {});
		return {values, columns: [...this.#columns], status};
	}

	/**
	 * The query's columns before any row is asked for: the query run once for no usernames (it returns no rows,
	 * and its column names). The console lays its table out with them from the first frame.
	 */
	async columns(): Promise<readonly string[]> {
		if (!this.#running) await this.#fetch([], this.#now());
		return [...this.#columns];
	}

	async #fetch(usernames: string[], now: number): Promise<string | null> {
		const run = this.#run(usernames);
		this.#running = run;
		run.then(
			() => undefined,
			() => undefined,
		).finally(() => {
			if (this.#running === run) this.#running = undefined;
		});
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<'late'>((resolve) => {
			timer = setTimeout(() => resolve('late'), this.#timeoutMs + DEADLINE_MARGIN_MS);
		});
		try {
			const outcome = await Promise.race([run, late]);
			if (outcome === 'late') return `billing query: no answer within ${(this.#timeoutMs / 1000).toFixed(1)} s`;
			const columns = outcome.fields.filter((name) => name !== 'username');
			this.#columns = columns;
			const found = new Map<string, Record<string, string>>();
			for (const row of outcome.rows) {
				const name = asText(row['username']);
				if (found.has(name)) continue;
				found.set(name, Object.fromEntries(columns.map((column) => [column, asText(row[column])])));
			}
			for (const name of usernames) this.#cache.set(name, {at: now, values: found.get(name) ?? {}});
			return outcome.fields.includes('username') ? null : 'billing query: it returns no username column';
		} catch (error) {
			const message = firstLine(error);
			if (/statement timeout/i.test(message)) return `billing query: no answer within ${(this.#timeoutMs / 1000).toFixed(1)} s`;
			return `billing query failed: ${message}`;
		} finally {
			clearTimeout(timer);
		}
	}

	async #run(usernames: string[]): Promise<{rows: Array<Record<string, unknown>>; fields: string[]}> {
		const timeout = `SET LOCAL statement_timeout = ${Math.max(1, Math.round(this.#timeoutMs))}`;
		if (!this.#db.connect) {
			const result = (await this.#db.query(this.#query, [usernames])) as {
				rows: Array<Record<string, unknown>>;
				fields?: Array<{name: string}>;
			};
			return {rows: result.rows, fields: result.fields?.map((field) => field.name) ?? Object.keys(result.rows[0] ?? {})};
		}
		const client = await this.#db.connect();
		let broken: Error | undefined;
		try {
			await client.query('BEGIN READ ONLY');
			await client.query(timeout);
			const result = await client.query(this.#query, [usernames]);
			await client.query('COMMIT');
			return {rows: result.rows as Array<Record<string, unknown>>, fields: result.fields?.map((field) => field.name) ?? []};
		} catch (error) {
			await client.query('ROLLBACK').catch((rollback: Error) => {
				broken = rollback;
			});
			throw error;
		} finally {
			client.release(broken);
		}
	}
}
