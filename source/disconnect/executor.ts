/**
 * Runs a disconnect: re-reads the sessions from radacct, writes the opening audit record, sends through per-NAS
 * queues (a window of requests in flight per NAS, optional rate caps per NAS and overall: nas-pacer.ts), falls back from CoA to the RouterOS API
 * where asked, watches radacct for the Accounting-Stops, and writes the closing audit record. Every session
 * ends with exactly one outcome; nothing here throws or rejects once the opening audit record is written.
 */
import {randomUUID} from 'node:crypto';
import {AuditBatcher} from '../audit/audit-batcher.js';
import {currentOperator} from '../audit/audit-log.js';
import {disconnectAttributes} from '../nas/vendor-profiles.js';
import {describeCoaResult, type CoaTarget} from '../radius/coa-result.js';
import {PacketCode} from '../radius/dictionary.js';
import type {Session} from '../sessions/session.js';
import {beginRecord, endRecord, progressRecord, type AuditProgressEntry} from './audit-records.js';
import {describeProblem, type DisconnectTarget, type Plan, type PlanItem} from './plan.js';
import {ClosedCheck, closedReason, type StoppedSession} from './closed-check.js';
import {currentHolder, NasClaims, type ClaimResult} from './nas-claims.js';
import {ProgressTracker} from './progress.js';
import {ABORTED_BEFORE_SENDING, tallyOutcomes, type DisconnectResult, type Outcome, type SessionResult} from './result.js';
import {RouterOsPool} from './routeros-disconnect.js';
import {StopWatch} from './stop-watch.js';
import {preparePlan} from './prepare-plan.js';
import {pacerFor, type NasPacer} from './nas-pacer.js';
import {AuditError, DEFAULT_IN_FLIGHT_PER_NAS, type DisconnectDeps, type DisconnectOptions} from './executor-options.js';

export {AuditError, type DisconnectDeps, type DisconnectOptions} from './executor-options.js';

/**
 * Disconnects the sessions of a plan (re-read from radacct now) or of a target (read now). A plan covers the
 * sessions it previewed: sessions that opened since then are not added, closed ones end `already_closed`.
 *
 * Rejects only before anything is sent: RangeError for bad options, TargetError for a target over the cap,
 * database errors while reading the sessions, AuditError when the opening audit record cannot be written.
 */
export async function executeDisconnect(
	input: Plan | DisconnectTarget,
	deps: DisconnectDeps,
	options: DisconnectOptions = {},
): Promise<DisconnectResult> {
	const concurrency = options.concurrencyPerNas ?? DEFAULT_IN_FLIGHT_PER_NAS;
	if (!(Number.isInteger(concurrency) && concurrency >= 1))
		throw new RangeError(`concurrencyPerNas must be a positive integer, got ${concurrency}`);
	const pacer = pacerFor(options);
	const startedAt = new Date();
	const {plan, missing, vanished} = await preparePlan(input, deps, options);
	const actionId = randomUUID();
	const operator = options.operator ?? currentOperator();
	const dryRun = options.dryRun ?? false;
	const nameOf = (ip: string): string => deps.registry.get(ip).name;
	// Each NAS is claimed before the opening record: with the database answering, and before anything is sent.
	const claims = new NasClaims(deps.db, currentHolder(operator));
	const firstClaims = dryRun ? new Map<string, ClaimResult>() : await claimEach(plan, claims);
	try {
		await deps.audit.append(
			beginRecord({actionId, operator, reason: options.reason, via: options.via, plan, dryRun, startedAt, vanished, nameOf}),
		);
	} catch (error) {
		await claims.release();
		throw new AuditError(`cannot write the audit log, so nothing was sent: ${errorText(error)}`, {cause: error});
	}
	// Requests sent and outcomes go to the log as they happen, a batch at a time (a dry run sends nothing: its end says it all).
	const journal = dryRun
		? undefined
		: new AuditBatcher<AuditProgressEntry>({
				sink: deps.audit,
				record: (entries, batch) => progressRecord(actionId, batch, entries, new Date()),
				...(options.auditBatchSize === undefined ? {} : {size: options.auditBatchSize}),
				...(options.auditBatchMs === undefined ? {} : {intervalMs: options.auditBatchMs}),
			});
	const run = new Run(plan, vanished, deps, options, pacer, journal, {claims, first: firstClaims});
	await run.execute(concurrency, dryRun);
	const results = run.results();
	const journalFailure = await journal?.close();
	const finishedAt = new Date();
	let auditError: string | undefined = journalFailure === undefined ? undefined : `a progress record: ${errorText(journalFailure)}`;
	try {
		await deps.audit.append(endRecord({actionId, operator, dryRun, aborted: run.aborted, startedAt, finishedAt, results, missing}));
	} catch (error) {
		auditError = errorText(error);
	}
	return {
		actionId,
		dryRun,
		aborted: run.aborted,
		startedAt,
		finishedAt,
		results,
		missing,
		totals: tallyOutcomes(results),
		...(auditError === undefined ? {} : {auditError}),
	};
}

/** The state of one execution. */
class Run {
	readonly #plan: Plan;
	readonly #vanished: readonly Session[];
	readonly #deps: DisconnectDeps;
	readonly #signal: AbortSignal | undefined;
	readonly #pacer: NasPacer | undefined;
	readonly #pool: RouterOsPool;
	readonly #claims: NasClaims;
	readonly #firstClaims: ReadonlyMap<string, ClaimResult>;
	readonly #claimOptions: Pick<DisconnectOptions, 'waitForClaimedNas' | 'onClaimWait'>;
	readonly #closedCheck: ClosedCheck;
	readonly #watch: StopWatch | undefined;
	readonly #progress: ProgressTracker;
	readonly #results = new Map<string, SessionResult>();
	readonly #journal: AuditBatcher<AuditProgressEntry> | undefined;
	#abortedBeforeSending = false;

	constructor(
		plan: Plan,
		vanished: readonly Session[],
		deps: DisconnectDeps,
		options: DisconnectOptions,
		pacer: NasPacer | undefined,
		journal: AuditBatcher<AuditProgressEntry> | undefined,
		claims: {readonly claims: NasClaims; readonly first: ReadonlyMap<string, ClaimResult>},
	) {
		this.#journal = journal;
		this.#claims = claims.claims;
		this.#firstClaims = claims.first;
		this.#plan = plan;
		this.#vanished = vanished;
		this.#deps = deps;
		this.#signal = options.signal;
		this.#pacer = pacer;
		this.#pool = new RouterOsPool(deps.routerOsConnect, {timeoutMs: options.apiTimeoutMs});
		this.#claimOptions = options;
		this.#closedCheck = new ClosedCheck(deps.db);
		const withinMs = options.confirmStopWithinMs ?? 10_000;
		const unplanned = [...plan.alreadyClosed, ...vanished].map((session) => deps.registry.get(session.nasipaddress));
		this.#progress = new ProgressTracker([...plan.items.map((item) => item.nas), ...unplanned], {
			counts: () => ({awaitingStop: this.#watch?.pending ?? 0, confirmed: this.#watch?.confirmed ?? 0}),
			...(options.onProgress === undefined ? {} : {onProgress: options.onProgress}),
			intervalMs: options.progressIntervalMs ?? 100,
		});
		this.#watch =
			withinMs > 0
				? new StopWatch(deps.db, {
						withinMs,
						pollMs: options.confirmPollMs,
						signal: options.signal,
						onChange: () => {
							this.#progress.emit();
						},
					})
				: undefined;
	}

	/** True when the signal kept some session from being sent. */
	get aborted(): boolean {
		return this.#abortedBeforeSending;
	}

	async execute(concurrency: number, dryRun: boolean): Promise<void> {
		const {registry} = this.#deps;
		for (const session of this.#vanished) {
			this.#settle({session, nas: registry.get(session.nasipaddress)}, 'not_sent', undefined, 'no longer in radacct');
		}
		for (const session of this.#plan.alreadyClosed) {
			const cause = session.acctterminatecause ? ` (${session.acctterminatecause})` : '';
			const reason = `closed in radacct at ${session.acctstoptime?.toISOString()}${cause}`;
			this.#settle({session, nas: registry.get(session.nasipaddress)}, 'already_closed', undefined, reason);
		}
		const queues = new Map<string, PlanItem[]>();
		for (const item of this.#plan.items) {
			if (item.problem !== undefined) {
				this.#settle(item, 'not_sent', undefined, describeProblem(item.problem, item.nas));
			} else if (dryRun) {
				this.#settle(
					item,
					'not_sent',
					undefined,
					`dry run: would use ${item.method}${item.fallback ? ` then ${item.fallback}` : ''}`,
				);
			} else {
				let queue = queues.get(item.nas.ip);
				if (queue === undefined) queues.set(item.nas.ip, (queue = []));
				queue.push(item);
			}
		}
		await this.#claimAndDrain([...queues.values()], concurrency);
		await this.#pool.close();
		this.#progress.setPhase('confirming');
		await this.#watch?.finish();
		// Held until the stops are in, so a radtop that waited for a NAS finds its sessions closed.
		await this.#claims.release();
		this.#progress.finish();
	}

	/** One result per session, in radacctid order, with the stop watch's findings. */
	results(): SessionResult[] {
		return [...this.#results.values()]
			.map((result) => this.#withStop(result))
			.sort(
				(a, b) => a.radacctid.length - b.radacctid.length || (a.radacctid < b.radacctid ? -1 : a.radacctid > b.radacctid ? 1 : 0),
			);
	}

	/**
	 * Claims each queue's NAS for this run (nas-claims.ts), then sends what radacct still has open. A NAS another
	 * radtop holds gets nothing: its sessions end `not_sent` with who holds it (or it is waited for, when asked).
	 * The first tries and the look at radacct come one after another, before anything is sent: a database that
	 * serves one connection only is never asked two things at once.
	 */
	async #claimAndDrain(queues: readonly (readonly PlanItem[])[], concurrency: number): Promise<void> {
		const {waitForClaimedNas, onClaimWait} = this.#claimOptions;
		const first: ClaimResult[] = [];
		for (const queue of queues) first.push(this.#firstClaims.get(queue[0]!.nas.ip) ?? (await this.#claims.claim(queue[0]!.nas)));
		const claimedNow = queues.filter((_, index) => first[index]!.claimed);
		let stopped = await this.#stoppedOf(claimedNow.flat());
		const lanes = queues.map(async (queue, index) => {
			let claim = first[index]!;
			if (!claim.claimed && claim.reason === 'held' && waitForClaimedNas) {
				claim = await this.#claims.claim(queue[0]!.nas, {
					wait: true,
					...(this.#signal === undefined ? {} : {signal: this.#signal}),
					...(onClaimWait === undefined ? {} : {onWaiting: onClaimWait}),
				});
				// Sessions the other radtop disconnected while this one waited are closed by now.
				if (claim.claimed) stopped = new Map([...stopped, ...(await this.#stoppedOf(queue))]);
			}
			if (!claim.claimed) {
				if (claim.reason === 'aborted') this.#abortedBeforeSending = true;
				for (const item of queue)
					this.#settle(item, 'not_sent', undefined, claim.reason === 'aborted' ? ABORTED_BEFORE_SENDING : claim.message);
				return;
			}
			for (const item of queue) {
				const stop = stopped.get(item.session.radacctid);
				if (stop) this.#settle(item, 'already_closed', undefined, closedReason(stop));
			}
			await this.#drain(
				queue.filter((item) => !stopped.has(item.session.radacctid)),
				concurrency,
			);
		});
		await Promise.all(lanes);
	}

	/** Which of the items radacct has closed now (none when it cannot be read: they are sent, as planned). */
	async #stoppedOf(items: readonly PlanItem[]): Promise<Map<string, StoppedSession>> {
		return this.#closedCheck.stopped(items.map((item) => item.session.radacctid));
	}

	/** True (and the session settled `already_closed`) when radacct had it closed before the request went out. */
	async #closedBefore(item: PlanItem, sentAt: number | undefined, method: 'coa' | 'api', answer: string): Promise<boolean> {
		const stop = await this.#closedCheck.closedBefore(item.session.radacctid, sentAt);
		if (stop) this.#settle(item, 'already_closed', method, `${closedReason(stop)} before the request; ${answer}`);
		return stop !== undefined;
	}

	async #drain(queue: readonly PlanItem[], concurrency: number): Promise<void> {
		let next = 0;
		const lane = async (): Promise<void> => {
			while (next < queue.length) {
				const item = queue[next++]!;
				try {
					await this.#disconnect(item);
				} catch (error) {
					this.#settle(item, 'failed', undefined, `internal error: ${errorText(error)}`);
				}
			}
		};
		await Promise.all(Array.from({length: Math.min(concurrency, queue.length)}, lane));
	}

	async #disconnect(item: PlanItem): Promise<void> {
		if (item.method === 'api') {
			await this.#viaApi(item, undefined);
			return;
		}
		if (!(await this.#mayStart(item, 'coa'))) {
			this.#settle(item, 'not_sent', undefined, ABORTED_BEFORE_SENDING);
			return;
		}
		const {session, nas} = item;
		const target: CoaTarget = {
			host: nas.coaHost,
			port: nas.coaPort,
			secret: nas.secret ?? '',
			...(nas.nameSource === 'ip' ? {} : {name: nas.name}),
		};
		const attributes = disconnectAttributes(session, nas.vendor);
		const sentAt = Date.now();
		const result = await this.#deps.coaClient.send(target, {
			code: PacketCode.DisconnectRequest,
			attributes,
			messageAuthenticator: nas.messageAuthenticator,
		});
		const reason = describeCoaResult(result, target);
		if (result.kind === 'ack') {
			if (await this.#closedBefore(item, sentAt, 'coa', reason)) return;
			this.#settle(item, 'coa', 'coa', reason);
			this.#watch?.watch(session.radacctid);
			return;
		}
		if (result.kind === 'aborted') {
			this.#settle(item, result.sent ? 'failed' : 'not_sent', result.sent ? 'coa' : undefined, reason);
			return;
		}
		// RFC 5176 §3.5: Error-Cause 503 Session-Context-Not-Found, the NAS has no such session.
		const outcome: Outcome = result.kind === 'nak' && result.errorCause === 503 ? 'not_on_nas' : 'failed';
		if (outcome === 'not_on_nas' && (await this.#closedBefore(item, undefined, 'coa', reason))) return;
		if (item.fallback === 'api') {
			await this.#viaApi(item, {outcome, reason});
			return;
		}
		this.#settle(item, outcome, 'coa', reason);
	}

	/** Disconnects through the API, after CoA when `coa` tells how that went. */
	async #viaApi(item: PlanItem, coa: {readonly outcome: Outcome; readonly reason: string} | undefined): Promise<void> {
		if (!(await this.#mayStart(item, 'api'))) {
			if (coa === undefined) this.#settle(item, 'not_sent', undefined, ABORTED_BEFORE_SENDING);
			else this.#settle(item, coa.outcome, 'coa', `${coa.reason}; API fallback not tried: aborted`);
			return;
		}
		const sentAt = Date.now();
		const api = await this.#pool.disconnect(item.nas, item.session);
		const reason = coa === undefined ? api.detail : `CoA: ${coa.reason}; API: ${api.detail}`;
		if (api.kind !== 'failed' && (await this.#closedBefore(item, api.kind === 'removed' ? sentAt : undefined, 'api', reason))) return;
		const outcome: Outcome = api.kind === 'removed' ? 'api' : api.kind === 'not-found' ? 'not_on_nas' : 'failed';
		this.#settle(item, outcome, 'api', reason);
		if (outcome === 'api') this.#watch?.watch(item.session.radacctid);
	}

	/**
	 * Waits for room in the audit log's batch (at most one batch of requests sent is not yet in the log) and for
	 * the rate caps (the NAS's and the overall one), and notes the request as sent; false when the signal says to
	 * stop sending, or the log cannot be written any more. A request goes out as it gets its token: when the batch
	 * filled up while it waited for the token, it waits for room and for a new token, so a log slow to write holds
	 * requests back rather than letting them out together later, over the caps.
	 */
	async #mayStart(item: PlanItem, method: 'coa' | 'api'): Promise<boolean> {
		let go = false;
		for (;;) {
			await this.#journal?.room();
			if (!this.#mayGoOn() || (this.#pacer !== undefined && !(await this.#pacer.take(item.nas.ip)))) break;
			go = this.#mayGoOn();
			if (!go || !this.#journal?.full) break;
			go = false;
		}
		if (!go) this.#abortedBeforeSending = true;
		else this.#journal?.add(item.session.radacctid, {radacctid: item.session.radacctid, sent: method});
		return go;
	}

	#mayGoOn(): boolean {
		return !this.#signal?.aborted && this.#journal?.failure === undefined;
	}

	#settle(item: Pick<PlanItem, 'session' | 'nas'>, outcome: Outcome, method: 'coa' | 'api' | undefined, reason: string): void {
		const {session, nas} = item;
		// Exactly one outcome per session: a second one would be a bug, and the first stands.
		if (this.#results.has(session.radacctid)) return;
		this.#results.set(session.radacctid, {
			radacctid: session.radacctid,
			username: session.username,
			nasIp: nas.ip,
			nasName: nas.name,
			method,
			outcome,
			reason,
		});
		this.#progress.record(nas.ip, outcome);
		this.#journal?.add(session.radacctid, {radacctid: session.radacctid, method: method ?? null, outcome, reason});
	}

	#withStop(result: SessionResult): SessionResult {
		if (this.#watch === undefined || (result.outcome !== 'coa' && result.outcome !== 'api')) return result;
		const stop = this.#watch.result(result.radacctid);
		if (stop?.confirmed) return {...result, stop: 'confirmed', stoppedAt: stop.stoppedAt, terminateCause: stop.cause};
		return {...result, stop: 'not_confirmed'};
	}
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Claims, one after another, every NAS the plan will send to (a database serving one connection is asked one thing at a time). */
async function claimEach(plan: Plan, claims: NasClaims): Promise<Map<string, ClaimResult>> {
	const first = new Map<string, ClaimResult>();
	for (const item of plan.items) {
		if (item.problem !== undefined || first.has(item.nas.ip)) continue;
		first.set(item.nas.ip, await claims.claim(item.nas));
	}
	return first;
}
