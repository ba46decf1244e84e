/**
 * Which sessions an operator disconnected through radtop, from the audit log's disconnect records: radacctid ->
 * who, when, why, from where and how it ended. Pure; the records are JSON a user could have written, so every
 * field is checked and anything else is skipped. A session counts when its request was acknowledged (`coa`,
 * `api`) or, in a run killed before its outcome was written, when a progress record says the request went out
 * (`sent`). A session that was not sent anything (`not_sent`, a dry run, `already_closed`), that the NAS did not
 * have, or whose request failed is not annotated. When two runs name one session, the later one in the log wins.
 */
import {objectsField, operatorField, stringField, type ParsedAuditLog} from '../audit/audit-reader.js';
import {sessionKey} from '../sessions/session-key.js';
import type {DisconnectedBy, Session} from '../sessions/session.js';

/** radacctid (`site:radacctid` for a site's session: sessions/session-key.ts) -> who disconnected it. */
export type DisconnectedByIndex = ReadonlyMap<string, DisconnectedBy>;

const acked = (value: unknown): value is 'coa' | 'api' => value === 'coa' || value === 'api';

/** The index of a log read back (audit/audit-reader.ts parseAuditLog). */
export function disconnectedByIndex(log: ParsedAuditLog): DisconnectedByIndex {
	const index = new Map<string, DisconnectedBy>();
	for (const action of log.actions) {
		const begin = action.records.find((line) => line.event === 'disconnect.begin')?.record;
		if (begin === undefined || begin['dryRun'] === true) continue;
		const operator = operatorField(begin);
		if (operator === null) continue;
		const via = begin['via'] === 'console' || begin['via'] === 'command line' ? begin['via'] : null;
		const reason = stringField(begin, 'reason');
		// A run of one of several sites names its site: its radacctids are that site's.
		const site = stringField(begin, 'site');
		const run = new Map<string, {at: string; outcome: DisconnectedBy['outcome'] | null}>();
		const note = (radacctid: string | null, at: string | null, outcome: DisconnectedBy['outcome'] | null) => {
			if (radacctid === null) return;
			const earlier = run.get(radacctid);
			run.set(radacctid, {at: earlier?.at ?? at ?? stringField(begin, 'time') ?? '', outcome});
		};
		for (const {event, record} of action.records) {
			const at = stringField(record, 'time');
			if (event === 'disconnect.progress') {
				for (const entry of objectsField(record, 'sent')) {
					const radacctid = stringField(entry, 'radacctid');
					if (radacctid !== null && acked(entry['method']) && run.get(radacctid)?.outcome == null) note(radacctid, at, 'sent');
				}
				for (const entry of objectsField(record, 'outcomes')) {
					note(stringField(entry, 'radacctid'), at, acked(entry['outcome']) ? entry['outcome'] : null);
				}
			} else if (event === 'disconnect.end') {
				// The end record has every session's last word.
				for (const entry of objectsField(record, 'sessions')) {
					note(stringField(entry, 'radacctid'), at, acked(entry['outcome']) ? entry['outcome'] : null);
				}
			}
		}
		for (const [radacctid, {at, outcome}] of run) {
			if (outcome === null) continue;
			const key = sessionKey({radacctid, ...(site === null ? {} : {site})});
			index.delete(key);
			index.set(key, {
				operator: operator.user,
				sudoUser: operator.sudoUser,
				at,
				reason,
				via,
				outcome,
				actionId: action.actionId,
			});
		}
	}
	return index;
}

/** The sessions with their annotation, those the index does not name as they were. */
export function withDisconnectedBy<S extends Session>(sessions: readonly S[], index: DisconnectedByIndex): S[] {
	return sessions.map((session) => {
		const by = index.get(sessionKey(session));
		return by === undefined ? session : {...session, disconnectedBy: by};
	});
}
