/**
 * A sweep as its audit records tell it, for `radtop audit`'s list beside the disconnects: what it set out to
 * close, what it closed, what it left open. Pure; every field of the JSON is checked.
 */
import {objectsField, operatorField, stringField, type AuditLine, type ReadOperator} from '../audit/audit-reader.js';

/** A sweep read from the log. */
export interface SweepRun {
	readonly kind: 'sweep';
	readonly actionId: string;
	readonly time: string | null;
	readonly finishedAt: string | null;
	readonly operator: ReadOperator | null;
	readonly reason: string | null;
	/** "every NAS", or the NAS it was limited to. */
	readonly target: string;
	/** `complete`: an end record; `interrupted`: none. */
	readonly status: 'complete' | 'interrupted';
	/** Sessions it was about to close. */
	readonly planned: number;
	readonly closed: number;
	readonly skipped: number;
	/** The database error that rolled the close back. */
	readonly error: string | null;
}

/** True for the events of a sweep. */
export function isSweepEvent(event: string): boolean {
	return event === 'sweep.begin' || event === 'sweep.end';
}

/** The sweep of one action's records, or undefined when it has none. */
export function sweepRun(actionId: string, records: readonly AuditLine[]): SweepRun | undefined {
	const own = records.filter((line) => isSweepEvent(line.event));
	if (own.length === 0) return undefined;
	const begin = own.find((line) => line.event === 'sweep.begin')?.record;
	const end = own.findLast((line) => line.event === 'sweep.end')?.record;
	const first = begin ?? own[0]!.record;
	const filter = begin && Array.isArray(begin['nasFilter']) ? begin['nasFilter'].filter((nas) => typeof nas === 'string') : [];
	// A site's sweep (several sites) names its site.
	const site = begin ? stringField(begin, 'site') : null;
	const at = site ? ` at ${site}` : '';
	return {
		kind: 'sweep',
		actionId,
		time: stringField(first, 'time'),
		finishedAt: end ? stringField(end, 'time') : null,
		operator: operatorField(first) ?? (end ? operatorField(end) : null),
		reason: begin ? stringField(begin, 'reason') : null,
		target: `${filter.length > 0 ? `ghost sessions on ${filter.join(', ')}` : 'ghost sessions on every NAS'}${at}`,
		status: end ? 'complete' : 'interrupted',
		planned: begin ? objectsField(begin, 'closing').length : 0,
		closed: end ? objectsField(end, 'closed').length : 0,
		skipped: end ? objectsField(end, 'skipped').length : 0,
		error: end ? stringField(end, 'error') : null,
	};
}
