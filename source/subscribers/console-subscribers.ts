/**
 * What the console reads of the subscribers: one enrichment per poll for the window's rows, held to a short
 * budget so the table never waits for it (a late answer keeps the last values known), and one for the
 * session a detail view opens on, which may take the billing query's whole timeout.
 */
import type {TimeoutTables} from '../sessions/remaining-sql.js';
import type {Session} from '../sessions/session.js';
import {within, type Enrichment} from './enricher.js';
import type {OpenedEnricher} from './open-enricher.js';
import {timeoutTablesOf} from './subscriber-tables.js';

/** How long a poll's enrichment may take before the rows are shown with the last values known. */
export const POLL_ENRICHMENT_BUDGET_MS = 300;

export interface ConsoleSubscribers {
	/** radtop reads the user's groups or reply attributes: PLAN and REMAINING are worth a column. */
	readonly readsPlan: boolean;
	/** The reply tables the `remaining` sort can read. */
	readonly timeoutTables: TimeoutTables;
	/** The billing query's columns as found when the console opened (each a table column from the first frame). */
	readonly billingColumns: readonly string[];
	/** The window's rows of one poll. */
	poll(sessions: readonly Session[], now: Date): Promise<Enrichment>;
	/** The session of the detail view. */
	detail(session: Session, now: Date): Promise<Enrichment>;
}

export function consoleSubscribers(
	opened: OpenedEnricher,
	budgetMs = POLL_ENRICHMENT_BUDGET_MS,
	billingColumns: readonly string[] = [],
): ConsoleSubscribers {
	// Its own enricher and billing cache: the detail's read is never turned away because a poll's still runs.
	const polls = opened.another(budgetMs);
	const readable = opened.tables.readable;
	return {
		readsPlan: readable.has('radusergroup') || readable.has('radreply'),
		timeoutTables: timeoutTablesOf(readable),
		billingColumns,
		poll: (sessions, now) => polls.enrich(sessions, now),
		detail: (session, now) => opened.enricher.enrich([session], now),
	};
}

/** How long the console waits, when it opens, for the billing query's columns. */
export const BILLING_COLUMNS_BUDGET_MS = 1500;

/** The billing query's columns, asked once as the console opens; none when it fails or takes too long. */
export async function billingColumnsOf(opened: OpenedEnricher, budgetMs = BILLING_COLUMNS_BUDGET_MS): Promise<readonly string[]> {
	if (!opened.billing) return [];
	const columns = await within(
		opened.billing.columns().catch((): readonly string[] => []),
		budgetMs,
	);
	return columns === 'late' ? [] : columns;
}
