/**
 * The audit records of a disconnect, built from the plan and the results: names, addresses, counts and
 * outcomes only (a Nas's secret and API password are never copied into them).
 */
import type {AuditSink, Operator} from '../audit/audit-log.js';
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

/** Written before anything is sent. */
export interface AuditBeginRecord {
	readonly event: 'disconnect.begin';
	readonly time: string;
	readonly actionId: string;
	readonly operator: Operator;
	readonly reason: string | null;
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

/** The records of a disconnect. */
export type DisconnectAuditRecord = AuditBeginRecord | AuditEndRecord;

/** Where a disconnect's audit records go; the audit log's AuditLog is the real one. */
export type DisconnectAuditSink = AuditSink<DisconnectAuditRecord>;

/** What {@link beginRecord} needs. */
export interface BeginRecordInput {
	readonly actionId: string;
	readonly operator: Operator;
	readonly reason: string | undefined;
	readonly plan: Plan;
	readonly dryRun: boolean;
	readonly startedAt: Date;
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
export function beginRecord({actionId, operator, reason, plan, dryRun, startedAt}: BeginRecordInput): AuditBeginRecord {
	const planned = plan.items.length + plan.alreadyClosed.length;
	return {
		event: 'disconnect.begin',
		time: startedAt.toISOString(),
		actionId,
		operator,
		reason: reason?.trim() || null,
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
	};
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
