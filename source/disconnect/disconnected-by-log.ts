/**
 * The audit log's disconnects put on the sessions radtop shows: the end of the log (audit/audit-tail.ts, at
 * most 8 MiB) read when a user's history is, so a disconnect made a second ago (here or by another radtop) shows.
 * The index of a log that has not changed since (same size and modification time) is kept, not read again.
 */
import {stat} from 'node:fs/promises';
import {parseAuditLog} from '../audit/audit-reader.js';
import {readAuditTail} from '../audit/audit-tail.js';
import type {Session} from '../sessions/session.js';
import type {SessionReader} from '../sessions/session-source.js';
import {disconnectedByIndex, withDisconnectedBy, type DisconnectedByIndex} from './disconnected-by.js';

/** Who disconnected which session, from the log at `path`; empty when it is missing or unreadable. */
export async function loadDisconnectedBy(path: string): Promise<DisconnectedByIndex> {
	let version: string;
	try {
		const {size, mtimeMs} = await stat(path);
		version = `${size}:${mtimeMs}`;
	} catch {
		return new Map();
	}
	const kept = cache.get(path);
	if (kept?.version === version) return kept.index;
	const index = disconnectedByIndex(parseAuditLog(await readAuditTail(path)));
	cache.set(path, {version, index});
	return index;
}

/** The last index read per log, with the size and modification time it was read at. */
const cache = new Map<string, {readonly version: string; readonly index: DisconnectedByIndex}>();

/** The sessions annotated from the log at `path`. */
export async function annotateFromLog<S extends Session>(sessions: readonly S[], path: string): Promise<S[]> {
	if (sessions.length === 0) return [];
	return withDisconnectedBy(sessions, await loadDisconnectedBy(path));
}

/** A reader whose history() rows carry who disconnected them through radtop. */
export function historyWithDisconnects(reader: SessionReader, path: string): SessionReader {
	return new Proxy(reader, {
		get(target, key) {
			if (key === 'history') {
				return async (username: string, limit?: number, since?: Date) =>
					annotateFromLog(await target.history(username, limit, since), path);
			}
			const value: unknown = Reflect.get(target, key);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}
