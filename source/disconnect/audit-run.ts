/**
 * A disconnect as its audit records tell it, for `radtop audit`: what was planned, what was sent, each
 * session's outcome. A run with an end record is complete and the end record has the last word; a run without
 * one (killed, crashed, or still going) is `interrupted`, told by its begin record and its progress records.
 * Pure; the records come from the log as JSON, so every field is checked, and a log of an older radtop
 * (begin records without the session list, no progress records) reads too.
 */
import {numberField, objectsField, operatorField, stringField, type AuditLine, type ReadOperator} from '../audit/audit-reader.js';
import {OUTCOMES, tallyOutcomes, type Outcome, type OutcomeTotals} from './result.js';

/** One session of a run. */
export interface DisconnectRunSession {
	readonly radacctid: string;
	readonly username: string | null;
	readonly acctsessionid: string | null;
	readonly nas: string | null;
	readonly nasIp: string | null;
	/** The request sent (the last method tried), null when nothing was sent or none is recorded. */
	readonly sent: 'coa' | 'api' | null;
	/** null: no outcome recorded. */
	readonly outcome: Outcome | null;
	readonly reason: string | null;
}

/** A disconnect run read from the log. */
export interface DisconnectRun {
	readonly kind: 'disconnect';
	readonly actionId: string;
	/** When it began (the begin record), else its first record. */
	readonly time: string | null;
	readonly finishedAt: string | null;
	readonly operator: ReadOperator | null;
	readonly reason: string | null;
	readonly target: string | null;
	readonly dryRun: boolean;
	/** `complete`: an end record; `interrupted`: none (killed, crashed, or still running). */
	readonly status: 'complete' | 'interrupted';
	/** The end record says it was stopped before every session was sent (Ctrl-C, a signal, `x`, `q`). */
	readonly stopped: boolean;
	/** Sessions the run set out to handle. */
	readonly planned: number;
	/** Sessions sent a request. */
	readonly sent: number;
	readonly outcomes: OutcomeTotals;
	/** Planned sessions without a recorded outcome that were sent a request: their answer is not in the log. */
	readonly inFlight: readonly string[];
	/** Planned sessions with neither a recorded request nor an outcome. */
	readonly notReached: readonly string[];
	/** How many: the list's length, or (an older log, without the list) what the counts leave. */
	readonly notReachedCount: number;
	/** Progress records read. */
	readonly batches: number;
	/** The begin record listed the sessions (radtop before that wrote counts only). */
	readonly listed: boolean;
	readonly sessions: readonly DisconnectRunSession[];
}

const isOutcome = (value: unknown): value is Outcome => typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
const method = (value: unknown): 'coa' | 'api' | null => (value === 'coa' || value === 'api' ? value : null);

/** True for the events of a disconnect. */
export function isDisconnectEvent(event: string): boolean {
	return event === 'disconnect.begin' || event === 'disconnect.progress' || event === 'disconnect.end';
}

/** The run of one action's records (those of a disconnect), or undefined when it has none. */
export function disconnectRun(actionId: string, records: readonly AuditLine[]): DisconnectRun | undefined {
	const own = records.filter((line) => isDisconnectEvent(line.event));
	if (own.length === 0) return undefined;
	const begin = own.find((line) => line.event === 'disconnect.begin')?.record;
	const end = own.findLast((line) => line.event === 'disconnect.end')?.record;
	const progress = own.filter((line) => line.event === 'disconnect.progress').map((line) => line.record);

	const sessions = new Map<string, {-readonly [K in keyof DisconnectRunSession]: DisconnectRunSession[K]}>();
	const session = (radacctid: string) => {
		let entry = sessions.get(radacctid);
		if (entry === undefined) {
			entry = {radacctid, username: null, acctsessionid: null, nas: null, nasIp: null, sent: null, outcome: null, reason: null};
			sessions.set(radacctid, entry);
		}
		return entry;
	};
	const listed = begin !== undefined && Array.isArray(begin['sessions']);
	for (const planned of begin ? objectsField(begin, 'sessions') : []) {
		const radacctid = stringField(planned, 'radacctid');
		if (radacctid === null) continue;
		Object.assign(session(radacctid), {
			username: stringField(planned, 'username'),
			acctsessionid: stringField(planned, 'acctsessionid'),
			nas: stringField(planned, 'nas'),
			nasIp: stringField(planned, 'nasIp'),
		});
	}
	for (const record of progress) {
		for (const entry of objectsField(record, 'sent')) {
			const radacctid = stringField(entry, 'radacctid');
			const how = method(entry['method']);
			if (radacctid !== null && how !== null) session(radacctid).sent = how;
		}
		for (const entry of objectsField(record, 'outcomes')) {
			const radacctid = stringField(entry, 'radacctid');
			if (radacctid === null || !isOutcome(entry['outcome'])) continue;
			const target = session(radacctid);
			target.outcome = entry['outcome'];
			target.reason = stringField(entry, 'reason');
			target.sent = method(entry['method']) ?? target.sent;
		}
	}
	// The end record has every session's last word.
	for (const entry of end ? objectsField(end, 'sessions') : []) {
		const radacctid = stringField(entry, 'radacctid');
		if (radacctid === null || !isOutcome(entry['outcome'])) continue;
		const target = session(radacctid);
		target.outcome = entry['outcome'];
		target.reason = stringField(entry, 'reason');
		target.sent = method(entry['method']);
		target.username ??= stringField(entry, 'username');
		target.nas ??= stringField(entry, 'nas');
		target.nasIp ??= stringField(entry, 'nasIp');
	}

	const all = [...sessions.values()].sort(
		(a, b) => a.radacctid.length - b.radacctid.length || (a.radacctid < b.radacctid ? -1 : a.radacctid > b.radacctid ? 1 : 0),
	);
	const plannedObject = begin?.['planned'];
	const plannedCounts = typeof plannedObject === 'object' && plannedObject !== null ? (plannedObject as Record<string, unknown>) : {};
	const counted = (numberField(plannedCounts, 'total') ?? 0) + (numberField(plannedCounts, 'alreadyClosed') ?? 0);
	const withOutcome = all.filter((entry) => entry.outcome !== null);
	const first = begin ?? own[0]!.record;
	const planned = listed ? all.length : Math.max(counted, all.length);
	const inFlight = all.filter((entry) => entry.outcome === null && entry.sent !== null).map((entry) => entry.radacctid);
	const notReached = all.filter((entry) => entry.outcome === null && entry.sent === null).map((entry) => entry.radacctid);
	return {
		kind: 'disconnect',
		actionId,
		time: stringField(first, 'time'),
		finishedAt: end ? stringField(end, 'time') : null,
		operator: operatorField(first) ?? (end ? operatorField(end) : null),
		reason: begin ? stringField(begin, 'reason') : null,
		target: begin ? stringField(begin, 'target') : null,
		dryRun: (begin ?? end)?.['dryRun'] === true,
		status: end ? 'complete' : 'interrupted',
		stopped: end?.['aborted'] === true,
		planned,
		sent: all.filter((entry) => entry.sent !== null).length,
		outcomes: tallyOutcomes(withOutcome as Array<{outcome: Outcome}>),
		inFlight,
		notReached,
		notReachedCount: listed ? notReached.length : Math.max(0, planned - withOutcome.length - inFlight.length),
		batches: progress.length,
		listed,
		sessions: all,
	};
}
