/**
 * How each session of a disconnect ended, and the progress events on the way there.
 */

/**
 * One outcome per session:
 * - `coa`: the NAS acknowledged the Disconnect-Request;
 * - `api`: the session was removed through the RouterOS API;
 * - `already_closed`: radacct had it closed when the action ran, so nothing was sent;
 * - `not_on_nas`: the NAS does not have it (NAK 503 Session-Context-Not-Found, or no API entry matches);
 * - `failed`: no answer, another NAK, or an error (see the reason);
 * - `not_sent`: nothing was sent (aborted first, a plan problem, a dry run, or the row vanished from radacct).
 */
export type Outcome = 'coa' | 'api' | 'already_closed' | 'not_on_nas' | 'failed' | 'not_sent';

/** Every {@link Outcome}, in report order. */
export const OUTCOMES: readonly Outcome[] = ['coa', 'api', 'already_closed', 'not_on_nas', 'failed', 'not_sent'];

/** Whether the Accounting-Stop of a disconnected session showed up in radacct in time. */
export type StopConfirmation = 'confirmed' | 'not_confirmed';

/** The result for one session. */
export interface SessionResult {
	readonly radacctid: string;
	readonly username: string | null;
	readonly nasIp: string;
	readonly nasName: string;
	/** The last method tried; undefined when nothing was sent. */
	readonly method: 'coa' | 'api' | undefined;
	readonly outcome: Outcome;
	/** For a human: `ACK in 3.1 ms`, `NAK: Session-Context-Not-Found (503)`, `bng-2 (10.0.0.2:3799) did not answer 3 tries in 9 s`. */
	readonly reason: string;
	/** Set for `coa` and `api` outcomes when the stop was watched for. */
	readonly stop?: StopConfirmation;
	readonly stoppedAt?: Date;
	readonly terminateCause?: string | null;
	/** The site whose radacct the session is in, when a disconnect covered several sites. */
	readonly site?: string;
}

/** Counts per outcome. */
export type OutcomeTotals = Readonly<Record<Outcome, number>>;

/** Progress of one NAS's queue. */
export interface NasProgress {
	readonly ip: string;
	readonly name: string;
	readonly done: number;
	readonly total: number;
	readonly failed: number;
}

/** A progress event; `done` counts sessions with an outcome. */
export interface DisconnectProgress {
	readonly phase: 'sending' | 'confirming' | 'done';
	readonly done: number;
	readonly total: number;
	readonly failed: number;
	/** Sessions with each outcome so far. */
	readonly totals: OutcomeTotals;
	/** Outcomes per second, over the last two seconds or so. */
	readonly ratePerSecond: number;
	readonly perNas: readonly NasProgress[];
	/** Disconnected sessions whose Accounting-Stop is still awaited. */
	readonly awaitingStop: number;
	readonly confirmed: number;
}

/** The result of an action. */
export interface DisconnectResult {
	/** Also in the audit log's records. */
	readonly actionId: string;
	readonly dryRun: boolean;
	/** The AbortSignal fired before every session was sent. */
	readonly aborted: boolean;
	readonly startedAt: Date;
	readonly finishedAt: Date;
	/** Exactly one per session, in radacctid order. */
	readonly results: readonly SessionResult[];
	/** radacctids asked for that radacct does not have. */
	readonly missing: readonly string[];
	readonly totals: OutcomeTotals;
	/** Set when the closing audit record could not be written (the opening one was). */
	readonly auditError?: string;
}

/** The reason of a session left `not_sent` because the action was stopped before its turn. */
export const ABORTED_BEFORE_SENDING = 'aborted before sending';

const retryableOf = new WeakMap<DisconnectResult, readonly SessionResult[]>();

/**
 * Sessions worth sending again: those that failed, and those a stop kept from being sent. Kept per result
 * (a result never changes): the console asks at every render of the results view.
 */
export function retryable(result: DisconnectResult): readonly SessionResult[] {
	let again = retryableOf.get(result);
	if (again === undefined) {
		again = result.results.filter(
			(entry) => entry.outcome === 'failed' || (entry.outcome === 'not_sent' && entry.reason === ABORTED_BEFORE_SENDING),
		);
		retryableOf.set(result, again);
	}
	return again;
}

/** Counts the outcomes. */
export function tallyOutcomes(results: readonly Pick<SessionResult, 'outcome'>[]): OutcomeTotals {
	const totals = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
	for (const result of results) totals[result.outcome]++;
	return totals;
}
