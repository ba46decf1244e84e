/**
 * Reading the audit log back: its JSON lines as records, grouped by the action that wrote them. Pure: what a
 * record says is for the action that defines it (disconnect/audit-run.ts, sweep/audit-run.ts) to read. A line
 * that is not a JSON object with an event and an action id (the half-written last line of a crash, a line
 * from elsewhere) is counted and skipped, never fatal.
 */

/** A record as read: any JSON object with a string `event` and `actionId`. */
export interface AuditLine {
	/** 1-based line number in the log. */
	readonly line: number;
	readonly event: string;
	readonly actionId: string;
	readonly record: Readonly<Record<string, unknown>>;
}

/** The records of one action, in log order. */
export interface AuditAction {
	readonly actionId: string;
	readonly records: readonly AuditLine[];
}

/** A log read back. */
export interface ParsedAuditLog {
	/** Actions in the order of their first record. */
	readonly actions: readonly AuditAction[];
	/** Lines that were not a record (empty lines not counted). */
	readonly skipped: number;
}

/** The records of a log's text, grouped by action. */
export function parseAuditLog(text: string): ParsedAuditLog {
	const actions = new Map<string, AuditLine[]>();
	let skipped = 0;
	const lines = text.split('\n');
	for (let index = 0; index < lines.length; index++) {
		const raw = lines[index]!.trim();
		if (raw === '') continue;
		let value: unknown;
		try {
			value = JSON.parse(raw);
		} catch {
			skipped++;
			continue;
		}
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			skipped++;
			continue;
		}
		const record = value as Record<string, unknown>;
		const {event, actionId} = record;
		if (typeof event !== 'string' || typeof actionId !== 'string' || actionId === '') {
			skipped++;
			continue;
		}
		let action = actions.get(actionId);
		if (action === undefined) actions.set(actionId, (action = []));
		action.push({line: index + 1, event, actionId, record});
	}
	return {actions: [...actions].map(([actionId, records]) => ({actionId, records})), skipped};
}

/** A string field, else null. */
export function stringField(record: Readonly<Record<string, unknown>>, key: string): string | null {
	const value = record[key];
	return typeof value === 'string' ? value : null;
}

/** A number field, else null. */
export function numberField(record: Readonly<Record<string, unknown>>, key: string): number | null {
	const value = record[key];
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The objects of an array field (anything else in it dropped), else []. */
export function objectsField(record: Readonly<Record<string, unknown>>, key: string): Array<Readonly<Record<string, unknown>>> {
	const value = record[key];
	if (!Array.isArray(value)) return [];
	return value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !Array.isArray(item));
}

/** Who acted, as the record has it; null when it is not there. */
export interface ReadOperator {
	readonly user: string;
	readonly sudoUser: string | null;
	readonly sshClient: string | null;
}

/** The `operator` field of a record. */
export function operatorField(record: Readonly<Record<string, unknown>>): ReadOperator | null {
	const value = record['operator'];
	if (typeof value !== 'object' || value === null) return null;
	const operator = value as Record<string, unknown>;
	const user = stringField(operator, 'user');
	if (user === null) return null;
	return {user, sudoUser: stringField(operator, 'sudoUser'), sshClient: stringField(operator, 'sshClient')};
}
