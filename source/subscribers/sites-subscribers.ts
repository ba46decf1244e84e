/**
 * The console's subscriber reads over several sites: each site's own (its authorisation tables and billing query
 * run on its own database), one poll's rows sent each to its site's, the answers merged. Rows are keyed by
 * sessions/session-key.ts, so two sites' equal radacctids stay two subscribers. A site without reads (its tables
 * could not be opened) leaves its rows without subscriber columns. Pure apart from what it calls.
 */
import type {TimeoutTables} from '../sessions/remaining-sql.js';
import type {Session} from '../sessions/session.js';
import type {ConsoleSubscribers} from './console-subscribers.js';
import type {Enrichment} from './enricher.js';
import type {SessionSubscriber} from './subscriber-view.js';

const NONE: Enrichment = {subscribers: new Map(), billingColumns: [], status: null};

/** One reads over `bySite`, by site name; undefined when no site has any. */
export function sitesConsoleSubscribers(bySite: ReadonlyMap<string, ConsoleSubscribers>): ConsoleSubscribers | undefined {
	const all = [...bySite.values()];
	const first = all[0];
	if (!first) return undefined;
	const billingColumns = [...new Set(all.flatMap((reads) => reads.billingColumns))];
	const enrich = async (sessions: readonly Session[], ask: (reads: ConsoleSubscribers, rows: Session[]) => Promise<Enrichment>) => {
		const groups = new Map<string, Session[]>();
		for (const session of sessions) {
			const site = session.site;
			if (site === undefined || !bySite.has(site)) continue;
			groups.set(site, [...(groups.get(site) ?? []), session]);
		}
		const answers = await Promise.all(
			[...groups].map(async ([site, rows]) => {
				const reads = bySite.get(site)!;
				const answer = await ask(reads, rows).catch((error: unknown) => ({...NONE, status: (error as Error).message}));
				return {site, answer};
			}),
		);
		return mergeEnrichments(answers, billingColumns);
	};
	return {
		readsPlan: all.some((reads) => reads.readsPlan),
		// The remaining sort reads each site's own tables (each site's source is told its own); this is the first's.
		timeoutTables: first.timeoutTables satisfies TimeoutTables,
		billingColumns,
		poll: (sessions, now) => enrich(sessions, (reads, rows) => reads.poll(rows, now)),
		detail: (session, now) => enrich([session], (reads, rows) => reads.detail(rows[0]!, now)),
	};
}

/** The sites' answers as one: every subscriber, the billing columns of all, each site's trouble named. */
export function mergeEnrichments(
	answers: ReadonlyArray<{readonly site: string; readonly answer: Enrichment}>,
	billingColumns: readonly string[] = [],
): Enrichment {
	const subscribers = new Map<string, SessionSubscriber>();
	const columns = new Set(billingColumns);
	const statuses: string[] = [];
	for (const {site, answer} of answers) {
		for (const [key, subscriber] of answer.subscribers) subscribers.set(key, subscriber);
		for (const column of answer.billingColumns) columns.add(column);
		if (answer.status) statuses.push(`${site}: ${answer.status}`);
	}
	return {subscribers, billingColumns: [...columns], status: statuses.length > 0 ? statuses.join(' · ') : null};
}
