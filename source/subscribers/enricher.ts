/**
 * One enrichment per poll: the subscriber context of the users in the window and the billing query's values,
 * both bounded by `budgetMs` so a slow table or billing database never delays the rows. A late or failed
 * part keeps the last values known for these users and says so in `status`.
 */
import {sessionKey} from '../sessions/session-key.js';
import type {Queryable} from '../db/queryable.js';
import type {Session} from '../sessions/session.js';
import type {BillingLookup} from './billing.js';
import {readSubscriberContexts} from './subscriber-reader.js';
import {EMPTY_CONTEXT, type SubscriberContext} from './subscriber-sql.js';
import type {SubscriberTables} from './subscriber-tables.js';
import {sessionSubscriber, type SessionSubscriber} from './subscriber-view.js';

export interface Enrichment {
	/** By session key (sessions/session-key.ts): every session of the window with a username. */
	readonly subscribers: ReadonlyMap<string, SessionSubscriber>;
	readonly billingColumns: readonly string[];
	/** One line when part of it failed or was late; null when all answered. */
	readonly status: string | null;
}

export const DEFAULT_ENRICHMENT_BUDGET_MS = 1500;

/** `work`'s answer, or 'late' when it takes longer than `ms` (the work itself goes on). */
export function within<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<'late'>((resolve) => {
		timer = setTimeout(() => resolve('late'), ms);
	});
	return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export class SubscriberEnricher {
	readonly #db: Queryable;
	readonly #tables: SubscriberTables;
	readonly #billing: BillingLookup | undefined;
	readonly #budgetMs: number;
	readonly #together: boolean;
	readonly #known = new Map<string, SubscriberContext>();
	#reading: Promise<unknown> | undefined;

	/**
	 * `together`: the billing query runs on a database of its own, so both parts may run at once. On the
	 * sessions' database they run one after the other: radtop's pool there never holds two statements at once
	 * (the embedded database serves one connection).
	 */
	constructor(db: Queryable, tables: SubscriberTables, billing?: BillingLookup, options: {budgetMs?: number; together?: boolean} = {}) {
		this.#db = db;
		this.#tables = tables;
		this.#billing = billing;
		this.#budgetMs = options.budgetMs ?? DEFAULT_ENRICHMENT_BUDGET_MS;
		this.#together = options.together ?? false;
	}

	async enrich(sessions: readonly Session[], now: Date): Promise<Enrichment> {
		const usernames = [...new Set(sessions.map((session) => session.username).filter((name): name is string => !!name))];
		const statuses: string[] = [];
		const contexts = this.#reading ? undefined : this.#readContexts(usernames);
		const readBilling = () =>
			this.#billing?.lookup(usernames).catch((error: Error) => ({
				values: new Map<string, Record<string, string>>(),
				columns: [] as string[],
				status: `billing query failed: ${error.message.split('\n')[0]}`,
			}));
		const readTables = contexts ? within(contexts, this.#budgetMs) : Promise.resolve('late' as const);
		const first = this.#together ? undefined : await readTables;
		const billing = readBilling();
		const [read, bought] = await Promise.all([
			first ?? readTables,
			billing ? within(billing, this.#budgetMs) : Promise.resolve(undefined),
		]);
		if (read === 'late') statuses.push('subscriber tables: no answer in time, showing the last values');
		else if (read instanceof Error) statuses.push(`subscriber tables: ${read.message.split('\n')[0]}`);
		if (bought === 'late') statuses.push('billing query: no answer in time');
		else if (bought?.status) statuses.push(bought.status);
		const billingValues = bought && bought !== 'late' ? bought.values : new Map<string, Record<string, string>>();
		const subscribers = new Map<string, SessionSubscriber>();
		for (const session of sessions) {
			if (!session.username) continue;
			const context = this.#known.get(session.username) ?? EMPTY_CONTEXT;
			subscribers.set(sessionKey(session), sessionSubscriber(session, context, billingValues.get(session.username) ?? {}, now));
		}
		return {
			subscribers,
			billingColumns: bought && bought !== 'late' ? bought.columns : [],
			status: statuses.length > 0 ? statuses.join(' · ') : null,
		};
	}

	/** Reads the contexts into the last-known map; resolves to an Error rather than throwing. */
	#readContexts(usernames: string[]): Promise<Error | undefined> {
		const reading = readSubscriberContexts(this.#db, this.#tables, usernames).then(
			(contexts) => {
				for (const [name, context] of contexts) this.#known.set(name, context);
				if (this.#known.size > 20_000) {
					for (const name of [...this.#known.keys()].slice(0, this.#known.size - 20_000)) this.#known.delete(name);
				}
				return undefined;
			},
			(error: Error) => error,
		);
		this.#reading = reading;
		void reading.finally(() => {
			if (this.#reading === reading) this.#reading = undefined;
		});
		return reading;
	}
}
