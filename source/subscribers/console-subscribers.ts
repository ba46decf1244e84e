/**
 * What the console reads of the subscribers: one enrichment per poll for the window's rows, held to a short
 * budget so the table never waits for it (a late answer keeps the last values known), and one for the
 * session a detail view opens on, which may take the billing query's whole timeout.
 */
import type {Session} from '../sessions/session.js';
import type {Enrichment} from './enricher.js';
import type {OpenedEnricher} from './open-enricher.js';

/** How long a poll's enrichment may take before the rows are shown with the last values known. */
export const POLL_ENRICHMENT_BUDGET_MS = 300;

export interface ConsoleSubscribers {
	/** The window's rows of one poll. */
	poll(sessions: readonly Session[], now: Date): Promise<Enrichment>;
	/** The session of the detail view. */
	detail(session: Session, now: Date): Promise<Enrichment>;
}

export function consoleSubscribers(opened: OpenedEnricher, budgetMs = POLL_ENRICHMENT_BUDGET_MS): ConsoleSubscribers {
	// Its own enricher and billing cache: the detail's read is never turned away because a poll's still runs.
	const polls = opened.another(budgetMs);
	return {
		poll: (sessions, now) => polls.enrich(sessions, now),
		detail: (session, now) => opened.enricher.enrich([session], now),
	};
}
