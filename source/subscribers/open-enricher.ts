/**
 * Opens what one command needs for the subscriber columns: the probe of FreeRADIUS's authorisation tables
 * (once), the billing query's database (its own pool when the profile names a billing URL) and the enricher.
 */
import {connectDatabase, type Database} from '../db/connect.js';
import type {Queryable} from '../db/queryable.js';
import {BillingLookup, DEFAULT_BILLING_TIMEOUT_MS, type BillingDatabase} from './billing.js';
import {SubscriberEnricher} from './enricher.js';
import {probeSubscriberTables, type SubscriberTables} from './subscriber-tables.js';

export interface BillingSettings {
	readonly billingQuery?: string;
	readonly billingUrl?: string;
	/** Seconds. */
	readonly billingTimeout?: number;
}

export interface OpenedEnricher {
	readonly enricher: SubscriberEnricher;
	readonly tables: SubscriberTables;
	readonly billing: BillingLookup | undefined;
	/** The billing query has a database of its own: it may run while the subscriber tables are read. */
	readonly together: boolean;
	/** One more enricher over the same tables and databases, with its own billing cache, holding to `budgetMs`. */
	another(budgetMs: number): SubscriberEnricher;
	close(): Promise<void>;
}

export interface EnricherOptions {
	/**
	 * The database's one session is shared with other writers in this process (the embedded demo database, whose
	 * simulated NAS write through the same backend): the billing query then runs as one statement, never inside a
	 * transaction held across awaits (a READ ONLY transaction there would make the simulator's writes fail).
	 */
	readonly sharedSession?: boolean;
}

export async function openSubscriberEnricher(
	db: Queryable,
	settings: BillingSettings,
	options: EnricherOptions = {},
): Promise<OpenedEnricher> {
	const tables = await probeSubscriberTables(db).catch((error: Error): SubscriberTables => ({
		readable: new Set(),
		skipped: new Map([['radusergroup', `the tables could not be probed: ${error.message.split('\n')[0]}`]]),
	}));
	const timeoutMs = settings.billingTimeout !== undefined ? settings.billingTimeout * 1000 : DEFAULT_BILLING_TIMEOUT_MS;
	let billingDatabase: Database | undefined;
	let billing: BillingLookup | undefined;
	if (settings.billingQuery) {
		if (settings.billingUrl) {
			billingDatabase = await connectDatabase(
				{kind: 'url', url: settings.billingUrl, from: 'profile'},
				{statementTimeoutMs: timeoutMs, connectTimeoutMs: 3000},
			);
		}
	}
	const billingQuery = settings.billingQuery;
	// One statement at a time on a shared session: a lookup without connect() runs the query alone.
	const billingDb = (): BillingDatabase =>
		billingDatabase?.pool ??
		(options.sharedSession ? {query: (text: string, values?: unknown[]) => db.query(text, values)} : (db as BillingDatabase));
	if (billingQuery) billing = new BillingLookup(billingDb(), {query: billingQuery, timeoutMs});
	const together = billingDatabase !== undefined;
	return {
		enricher: new SubscriberEnricher(db, tables, billing, {budgetMs: timeoutMs + 1500, together}),
		tables,
		billing,
		together,
		another(budgetMs) {
			const own = billingQuery ? new BillingLookup(billingDb(), {query: billingQuery, timeoutMs}) : undefined;
			return new SubscriberEnricher(db, tables, own, {budgetMs, together});
		},
		async close() {
			await billingDatabase?.close();
		},
	};
}
