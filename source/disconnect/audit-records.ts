/**
 * The audit records of a disconnect, built from the plan and the results: names, addresses, counts and
 * outcomes only (a Nas's secret and API password are never copied into them). A run writes a begin record
 * with every planned session before anything is sent, progress records as it goes (in batches: the requests
 * sent and the outcomes since the last one), and an end record with every session's outcome. A run killed
 * before its end record (SIGKILL, a crash) is told by its begin and progress records, one batch behind at most.
 */
import type {AuditSink, Operator} from '../audit/audit-log.js';
import type {Session} from '../sessions/session.js';
import {describeTarget, type DisconnectMethod, type Plan} from './plan.js';
import {tallyOutcomes, type Outcome, type OutcomeTotals, type SessionResult, type StopConfirmation} from './result.js';

/** Planned sessions on one NAS. */
export interface AuditNasCount {
	readonly nas: string;
	readonly ip: string;
	readonly sessions: number;
	/** Sessions that will be sent something. */
	readonly ready: number;
	readonly blocked: number;
}

/** A planned session, as the begin record lists it. */
export interface AuditPlannedSession {
	readonly radacctid: string;
	readonly username: string | null;
	readonly acctsessionid: string;
	readonly nas: string;
	readonly nasIp: string;
}

/** Written before anything is sent. */
export interface AuditBeginRecord {
	readonly event: 'disconnect.begin';
	readonly time: string;
	readonly actionId: string;
	readonly operator: Operator;
	readonly reason: string | null;
	/** Where the operator asked for it; absent in the records of an older radtop. */
	readonly via?: 'console' | 'command line';
	readonly target: string;
	readonly method: DisconnectMethod;
	readonly dryRun: boolean;
	readonly planned: {
		readonly total: number;
		readonly ready: number;
		readonly blocked: number;
		readonly alreadyClosed: number;
		readonly perNas: readonly AuditNasCount[];
	};
	/** Every session of the run: the planned ones, those already closed, those gone from radacct since the preview. */
	readonly sessions: readonly AuditPlannedSession[];
}

/** The outcome for one session. */
export interface AuditSessionOutcome {
	readonly radacctid: string;
	readonly username: string | null;
	readonly nas: string;
	readonly nasIp: string;
	readonly method: 'coa' | 'api' | null;
	readonly outcome: Outcome;
	readonly reason: string;
	readonly stop: StopConfirmation | null;
}

/** Written when the action is over. */
export interface AuditEndRecord {
	readonly event: 'disconnect.end';
	readonly time: string;
	readonly actionId: string;
	readonly operator: Operator;
	readonly dryRun: boolean;
	readonly aborted: boolean;
	readonly durationMs: number;
	readonly totals: OutcomeTotals;
	/** radacctids asked for that radacct does not have. */
	readonly missing: readonly string[];
	readonly sessions: readonly AuditSessionOutcome[];
}

/** A session's entry in a progress record: its request went out (`sent`), or it has its outcome. */
export type AuditProgressEntry =
	| {readonly radacctid: string; readonly sent: 'coa' | 'api'}
	| {
			readonly radacctid: string;
			readonly method: 'coa' | 'api' | null;
			readonly outcome: Outcome;
			readonly reason: string;
	  };

/**
 * Written while the run goes, every 100 sessions or every second: what happened since the last one. A session
 * appears once per record, with its latest news.
 */
export interface AuditProgressRecord {
	readonly event: 'disconnect.progress';
	readonly time: string;
	readonly actionId: string;
	/** 1 for the first progress record of the run, then 2, ... */
	readonly batch: number;
	/** Sessions whose request went out and that have no outcome yet. */
	readonly sent: ReadonlyArray<{readonly radacctid: string; readonly method: 'coa' | 'api'}>;
	/** Sessions that got their outcome. */
	readonly outcomes: ReadonlyArray<{
		readonly radacctid: string;
		readonly method: 'coa' | 'api' | null;
		readonly outcome: Outcome;
		readonly reason: string;
	}>;
}

/** The records of a disconnect. */
export type DisconnectAuditRecord = AuditBeginRecord | AuditProgressRecord | AuditEndRecord;

/** Where a disconnect's audit records go; the audit log's AuditLog is the real one. */
export type DisconnectAuditSink = AuditSink<DisconnectAuditRecord>;

/** What {@link beginRecord} needs. */
export interface BeginRecordInput {
	readonly actionId: string;
	readonly operator: Operator;
	readonly reason: string | undefined;
	readonly via?: 'console' | 'command line' | undefined;
	readonly plan: Plan;
	readonly dryRun: boolean;
	readonly startedAt: Date;
	/** Sessions of a previewed plan that are no longer in radacct. */
	readonly vanished?: readonly Session[];
	/** The NAS name of an address, for sessions outside the plan's items. Default: the address. */
	readonly nameOf?: (ip: string) => string;
}

/** What {@link endRecord} needs. */
export interface EndRecordInput {
	readonly actionId: string;
	readonly operator: Operator;
	readonly dryRun: boolean;
	readonly aborted: boolean;
	readonly startedAt: Date;
	readonly finishedAt: Date;
	readonly results: readonly SessionResult[];
	readonly missing: readonly string[];
}

/** The record written before anything is sent. */
export function beginRecord({
	actionId,
	operator,
	reason,
	via,
	plan,
	dryRun,
	startedAt,
	vanished = [],
	nameOf,
}: BeginRecordInput): AuditBeginRecord {
	const planned = plan.items.length + plan.alreadyClosed.length;
	const listed = (session: Session, nas: string): AuditPlannedSession => ({
		radacctid: session.radacctid,
		username: session.username,
		acctsessionid: session.acctsessionid,
		nas,
		nasIp: session.nasipaddress,
	});
	const named = (session: Session) => listed(session, nameOf?.(session.nasipaddress) ?? session.nasipaddress);
	return {
		event: 'disconnect.begin',
		time: startedAt.toISOString(),
		actionId,
		operator,
		reason: reason?.trim() || null,
		...(via === undefined ? {} : {via}),
		target: plan.target === undefined ? `${planned} planned session${planned === 1 ? '' : 's'}` : describeTarget(plan.target),
		method: plan.options.method,
		dryRun,
		planned: {
			total: plan.items.length,
			ready: plan.ready,
			blocked: plan.blocked.length,
			alreadyClosed: plan.alreadyClosed.length,
			perNas: plan.perNas.map(({nas, total, ready, blocked}) => ({nas: nas.name, ip: nas.ip, sessions: total, ready, blocked})),
		},
		sessions: [
			...plan.items.map((item) => listed(item.session, item.nas.name)),
			...plan.alreadyClosed.map(named),
			...vanished.map(named),
		],
	};
}

/** A progress record of the entries since the last one. */
export function progressRecord(actionId: string, batch: number, entries: readonly AuditProgressEntry[], time: Date): AuditProgressRecord {
	const sent: Array<AuditProgressRecord['sent'][number]> = [];
	const outcomes: Array<AuditProgressRecord['outcomes'][number]> = [];
	for (const entry of entries) {
		if ('sent' in entry) sent.push({radacctid: entry.radacctid, method: entry.sent});
		else outcomes.push({radacctid: entry.radacctid, method: entry.method, outcome: entry.outcome, reason: entry.reason});
	}
	return {event: 'disconnect.progress', time: time.toISOString(), actionId, batch, sent, outcomes};
}

/** The record written when the action is over, with one entry per session. */
export function endRecord({actionId, operator, dryRun, aborted, startedAt, finishedAt, results, missing}: EndRecordInput): AuditEndRecord {
	return {
		event: 'disconnect.end',
		time: finishedAt.toISOString(),
		actionId,
		operator,
		dryRun,
		aborted,
		durationMs: finishedAt.getTime() - startedAt.getTime(),
		totals: tallyOutcomes(results),
		missing,
		sessions: results.map((result) => ({
			radacctid: result.radacctid,
			username: result.username,
			nas: result.nasName,
			nasIp: result.nasIp,
			method: result.method ?? null,
			outcome: result.outcome,
			reason: result.reason,
			stop: result.stop ?? null,
		})),
	};
}
