/**
 * Reads a disconnect's sessions from radacct at execution time, so what is sent matches the table as it is now
 * rather than as it was when the operator looked at it.
 */
import {probeRadacctColumns} from '../db/radacct-columns.js';
import {sessionFromRow} from '../sessions/session-source.js';
import {toDate, toText, type Queryable} from '../db/queryable.js';
import type {Session} from '../sessions/session.js';
import type {DisconnectTarget} from './plan.js';
import type {RegionSql} from '../sessions/regions.js';
import {buildStoppedQuery, buildTargetQuery, DEFAULT_TARGET_CAP} from './target-sql.js';

/** A target that cannot be read: a malformed radacctid, or more sessions than the cap allows. */
export class TargetError extends Error {
	override name = 'TargetError';
}

/** Options of {@link readTargets}. */
export interface ReadTargetsOptions {
	/** At most this many sessions; more is a {@link TargetError}. Default 100,000. */
	readonly cap?: number;
	/** NAS names for the sessions' `nasname`. */
	readonly nameOf?: (ip: string) => string | null;
	/** The IPs of a search's `nas:` name (the NAS registry's resolve). */
	readonly nasIps?: (nas: string) => readonly string[];
	/** The NAS of a search's `region:` term (nas/regions.ts); absent: no region is defined. */
	readonly regionNas?: (region: string) => RegionSql;
	/** radacct's columns, when the caller knows them already (saves a catalogue query). */
	readonly columns?: ReadonlySet<string>;
}

/** What a target covers now. */
export interface TargetSessions {
	/** Open sessions, and for session/list targets closed ones too, by radacctid. */
	readonly sessions: readonly Session[];
	/** radacctids asked for by a session/list target that radacct does not have. */
	readonly missing: readonly string[];
}

/** The stop of a session seen in radacct. */
export interface StoppedSession {
	readonly stoppedAt: Date;
	readonly cause: string | null;
}

/** Reads the target's sessions in one bounded query. Throws TargetError (and database errors as they are). */
export async function readTargets(db: Queryable, target: DisconnectTarget, options: ReadTargetsOptions = {}): Promise<TargetSessions> {
	const cap = options.cap ?? DEFAULT_TARGET_CAP;
	if (target.kind === 'sessions' && target.radacctids.length > cap) throw tooMany(cap);
	const columns = options.columns ?? (await probeRadacctColumns(db)).readable;
	let query;
	try {
		query = buildTargetQuery(target, columns, cap, {
			...(options.nasIps ? {nasIps: options.nasIps} : {}),
			...(options.regionNas ? {regionNas: options.regionNas} : {}),
		});
	} catch (error) {
		throw new TargetError(error instanceof Error ? error.message : String(error));
	}
	const {rows} = await db.query(query.text, [...query.values]);
	if (rows.length > cap) throw tooMany(cap);
	const nameOf = options.nameOf ?? (() => null);
	const sessions = rows.map((row: Record<string, unknown>) => sessionFromRow(row, nameOf));
	let missing: string[] = [];
	if (target.kind === 'session' || target.kind === 'sessions') {
		const found = new Set(sessions.map((session) => session.radacctid));
		const asked = target.kind === 'session' ? [target.radacctid] : target.radacctids;
		missing = [...new Set(asked.map((id) => String(BigInt(id))))].filter((id) => !found.has(id));
	}
	return {sessions, missing};
}

/** Which of the sessions have stopped, by radacctid. */
export async function readStopped(db: Queryable, radacctids: readonly string[]): Promise<Map<string, StoppedSession>> {
	const stopped = new Map<string, StoppedSession>();
	if (radacctids.length === 0) return stopped;
	const query = buildStoppedQuery(radacctids);
	const {rows} = await db.query(query.text, [...query.values]);
	for (const row of rows as Array<Record<string, unknown>>) {
		stopped.set(String(row['radacctid']), {
			stoppedAt: toDate(row['acctstoptime']) ?? new Date(),
			cause: toText(row['acctterminatecause']),
		});
	}
	return stopped;
}

function tooMany(cap: number): TargetError {
	return new TargetError(
		`the target covers more than ${cap.toLocaleString('en-US')} sessions, the most one action may disconnect: narrow it (by NAS, user or filter)`,
	);
}
