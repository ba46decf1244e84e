/**
 * The audit records of a sweep that closes sessions: one before the close with every session it is about to
 * close, one after with what was closed and what was left open and why. Names, addresses and counts only.
 */
import type {AuditSink, Operator} from '../audit/audit-log.js';
import type {StaleSession, SweepEntry, SweepOutcome, SweepTotals} from './sweep-plan.js';
import type {TerminateCause} from './sweep-sql.js';

/** A session in a sweep record. */
export interface AuditSweepSession {
	readonly radacctid: string;
	readonly username: string | null;
	readonly acctsessionid: string;
	readonly nas: string;
	readonly nasIp: string;
	/** acctupdatetime as listed; the close stops the session at this instant. */
	readonly lastUpdate: string | null;
	/** A ghost candidate: its NAS's last reload (nasreload), after it started and was last heard of. */
	readonly reloadedAt?: string;
}

/** A session a sweep left open, and why. */
export interface AuditSweepSkipped extends AuditSweepSession {
	readonly outcome: Exclude<SweepOutcome, 'closed' | 'would_close'>;
	readonly reason: string;
}

/** Written before the close. */
export interface AuditSweepBeginRecord {
	readonly event: 'sweep.begin';
	readonly time: string;
	readonly actionId: string;
	readonly operator: Operator;
	readonly reason: string | null;
	/** The NAS the sweep was limited to (names or addresses as given), empty for every NAS. */
	readonly nasFilter: readonly string[];
	/** What was listed: the stale sessions, or (`--reloaded`) the ghost candidates whatever their silence. */
	readonly selection: 'stale' | 'reloaded';
	readonly staleAfterSeconds: number;
	readonly cause: TerminateCause;
	readonly verified: boolean;
	readonly listed: number;
	/** The sessions about to be closed (each only if still exactly as listed). */
	readonly closing: readonly AuditSweepSession[];
}

/** Written once the close committed (or failed). */
export interface AuditSweepEndRecord {
	readonly event: 'sweep.end';
	readonly time: string;
	readonly actionId: string;
	readonly operator: Operator;
	readonly durationMs: number;
	/** The database error that rolled the close back, null when it committed. */
	readonly error: string | null;
	readonly totals: SweepTotals;
	readonly closed: readonly AuditSweepSession[];
	readonly skipped: readonly AuditSweepSkipped[];
}

export type SweepAuditRecord = AuditSweepBeginRecord | AuditSweepEndRecord;

/** Where a sweep's audit records go; the audit log's AuditLog is the real one. */
export type SweepAuditSink = AuditSink<SweepAuditRecord>;

/** What {@link sweepBeginRecord} needs. */
export interface SweepBeginInput {
	readonly actionId: string;
	readonly operator: Operator;
	readonly reason: string | undefined;
	readonly nasFilter: readonly string[];
	readonly selection?: 'stale' | 'reloaded';
	readonly staleAfterSeconds: number;
	readonly cause: TerminateCause;
	readonly verified: boolean;
	readonly listed: number;
	readonly closing: readonly StaleSession[];
	readonly nameOf: (ip: string) => string;
	readonly startedAt: Date;
}

/** The record written before the close. */
export function sweepBeginRecord(input: SweepBeginInput): AuditSweepBeginRecord {
	return {
		event: 'sweep.begin',
		time: input.startedAt.toISOString(),
		actionId: input.actionId,
		operator: input.operator,
		reason: input.reason?.trim() || null,
		nasFilter: input.nasFilter,
		selection: input.selection ?? 'stale',
		staleAfterSeconds: input.staleAfterSeconds,
		cause: input.cause,
		verified: input.verified,
		listed: input.listed,
		closing: input.closing.map(({session, updateToken, reloadedAt}) => ({
			radacctid: session.radacctid,
			username: session.username,
			acctsessionid: session.acctsessionid,
			nas: input.nameOf(session.nasipaddress),
			nasIp: session.nasipaddress,
			lastUpdate: updateToken,
			...(reloadedAt ? {reloadedAt: reloadedAt.toISOString()} : {}),
		})),
	};
}

/** The record written after the close, from the entries of the result. */
export function sweepEndRecord(input: {
	readonly actionId: string;
	readonly operator: Operator;
	readonly startedAt: Date;
	readonly finishedAt: Date;
	readonly error: string | null;
	readonly entries: readonly SweepEntry[];
	readonly totals: SweepTotals;
}): AuditSweepEndRecord {
	const session = (entry: SweepEntry): AuditSweepSession => ({
		radacctid: entry.radacctid,
		username: entry.username,
		acctsessionid: entry.acctsessionid,
		nas: entry.nasName,
		nasIp: entry.nasIp,
		lastUpdate: entry.lastUpdate,
		...(entry.reloadedAt ? {reloadedAt: entry.reloadedAt} : {}),
	});
	const skipped: AuditSweepSkipped[] = [];
	for (const entry of input.entries) {
		if (entry.outcome !== 'closed' && entry.outcome !== 'would_close')
			skipped.push({...session(entry), outcome: entry.outcome, reason: entry.detail});
	}
	return {
		event: 'sweep.end',
		time: input.finishedAt.toISOString(),
		actionId: input.actionId,
		operator: input.operator,
		durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
		error: input.error,
		totals: input.totals,
		closed: input.entries.filter((entry) => entry.outcome === 'closed').map(session),
		skipped,
	};
}
