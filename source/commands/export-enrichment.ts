/**
 * The exporter of `radtop export` when the columns ask for subscriber or billing columns: the profile's billing
 * query, checked for the columns asked before any row is read, on its own database when it has one.
 */
import {connectDatabase, type Database} from '../db/connect.js';
import {exportColumn} from '../sessions/export-sql.js';
import type {Exporter} from '../sessions/export-file.js';
import {BillingLookup, DEFAULT_BILLING_TIMEOUT_MS, type BillingDatabase} from '../subscribers/billing.js';
import {exportEnrichedSessions, isSubscriberColumn} from '../subscribers/enriched-export.js';
import type {CommandContext} from './context.js';
import {billingSettingsOf} from './subscriber-settings.js';
import {UsageError} from './usage.js';

/** An exporter with the subscriber columns, and what it opened. */
export interface EnrichedExporter {
	readonly exporter: Exporter;
	/** Closes the billing database, when it has one of its own. */
	close(): Promise<void>;
}

/**
 * The exporter of these columns with the profile's billing settings. A column that is neither radacct's nor a
 * subscriber column must be one the billing query returns: it is asked once, for a name no one has, and a name it
 * lacks is a UsageError. `tell` hears the first line saying part of the enrichment failed. The billing query runs
 * on the billing database, else on the database of each export (the site's, on a profile that lists sites).
 */
export async function openEnrichedExporter(
	context: CommandContext,
	columns: readonly string[],
	tell: (line: string) => void,
): Promise<EnrichedExporter> {
	const settings = billingSettingsOf(context);
	const unknown = columns.find((name) => !exportColumn(name) && !isSubscriberColumn(name));
	if (unknown !== undefined && !settings.billingQuery)
		throw new UsageError(`--columns: unknown column "${unknown}" (no billing-query is set; see radtop export --help for the columns)`);
	const billingTimeoutMs = settings.billingTimeout !== undefined ? settings.billingTimeout * 1000 : DEFAULT_BILLING_TIMEOUT_MS;
	let billingDatabase: Database | undefined;
	if (settings.billingQuery && settings.billingUrl) {
		billingDatabase = await connectDatabase(
			{kind: 'url', url: settings.billingUrl, from: 'profile'},
			{statementTimeoutMs: billingTimeoutMs, connectTimeoutMs: 3000},
		);
	}
	try {
		if (unknown !== undefined && settings.billingQuery) {
			// The billing query asked once for a name no one has: its columns, so a name it lacks is refused before any row is read.
			const probe = new BillingLookup((billingDatabase?.pool ?? context.database.pool) as BillingDatabase, {
				query: settings.billingQuery,
				timeoutMs: billingTimeoutMs,
			});
			const answer = await probe.lookup(['radtop-export-probe']);
			if (answer.status === null) {
				const missing = columns.find((name) => !exportColumn(name) && !isSubscriberColumn(name) && !answer.columns.includes(name));
				if (missing !== undefined)
					throw new UsageError(
						`--columns: unknown column "${missing}" (the billing query returns ${answer.columns.join(', ') || 'no column but username'})`,
					);
			} else tell(answer.status);
		}
	} catch (error) {
		await billingDatabase?.close();
		throw error;
	}
	const enriched = {
		billingQuery: settings.billingQuery,
		billingDatabase: billingDatabase?.pool,
		billingTimeoutMs,
		onStatus: tell,
	};
	return {
		exporter: (db, filter, sort, options, out) => exportEnrichedSessions(db, filter, sort, {...options, ...enriched}, out),
		close: async () => billingDatabase?.close(),
	};
}
