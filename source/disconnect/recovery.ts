/**
 * Recovery after a disconnect run: of the users whose sessions it disconnected, how many have an open session
 * again, per NAS of the run (the NAS they were disconnected from; a user back on another NAS counts as back).
 * A user is back when radacct has an open session of theirs that started at or after the run began: their old
 * session, still open until its Accounting-Stop comes, does not count.
 *
 * One statement per count, over the run's usernames as `$1::text[]`: it reads only the sessions started since
 * the run (the stock `radacct_start_user_idx` on (acctstarttime, username)), however large radacct is.
 */
import type {Queryable} from '../db/queryable.js';
import type {SqlQuery} from '../sessions/radacct-sql.js';
import {parseSessionKey} from '../sessions/session-key.js';
import type {DisconnectResult} from './result.js';

/** What a recovery count is over: the users a run disconnected, with their NAS, and when the run began. */
export interface RecoveryTarget {
	/** The run's start on the database's clock: sessions started since are the users' new ones. */
	readonly since: Date;
	/** The run's start on this host's clock (how long ago the run was is told from it). */
	readonly startedAt: Date;
	/** Each NAS of the run and the users disconnected from it, each once. */
	readonly perNas: ReadonlyArray<{
		readonly ip: string;
		readonly name: string;
		readonly usernames: readonly string[];
		/** The site of the NAS, for a run over several sites (its name is then `site/name`). */
		readonly site?: string;
	}>;
}

/** Of one NAS's disconnected users, how many are back. */
export interface RecoveryNas {
	readonly ip: string;
	readonly name: string;
	readonly total: number;
	readonly back: number;
}

/** A count, the NAS with the most users still away first. */
export interface RecoveryCount {
	/** When it was counted, and when the run began, on this host's clock. */
	readonly at: Date;
	readonly since: Date;
	readonly perNas: readonly RecoveryNas[];
}

/**
 * The users a run disconnected (outcome coa or api, with a username), per NAS; undefined for a dry run or a
 * run that disconnected nobody. `clockSkewMs`: how far the database's clock is ahead of this host's (the run's
 * start is on this host's clock, radacct's times on the database's and the NAS's).
 */
export function recoveryTargetOf(result: DisconnectResult, clockSkewMs = 0): RecoveryTarget | undefined {
	if (result.dryRun) return undefined;
	const perNas = new Map<string, {ip: string; name: string; usernames: Set<string>; site?: string}>();
	for (const entry of result.results) {
		if ((entry.outcome !== 'coa' && entry.outcome !== 'api') || !entry.username) continue;
		// A run over several sites keys its sessions `site:radacctid`: the same IP can be a NAS at each site.
		const {site} = parseSessionKey(entry.radacctid);
		const key = site === undefined ? entry.nasIp : `${site}:${entry.nasIp}`;
		let nas = perNas.get(key);
		if (nas === undefined)
			perNas.set(
				key,
				(nas = {
					ip: entry.nasIp,
					name: site === undefined ? entry.nasName : `${site}/${entry.nasName}`,
					usernames: new Set(),
					...(site === undefined ? {} : {site}),
				}),
			);
		nas.usernames.add(entry.username);
	}
	if (perNas.size === 0) return undefined;
	return {
		since: new Date(result.startedAt.getTime() + clockSkewMs),
		startedAt: result.startedAt,
		perNas: [...perNas.values()].map((nas) => ({...nas, usernames: [...nas.usernames]})),
	};
}

/**
 * The count's statement: `$1` the usernames and `$2` their NAS IPs (pairs, one per user and NAS), `$3` the run's
 * start. One row per NAS: `nas`, `total`, `back`.
 */
export function buildRecoveryQuery(target: RecoveryTarget): SqlQuery {
	const usernames: string[] = [];
	const nas: string[] = [];
	for (const entry of target.perNas) {
		for (const username of entry.usernames) {
			usernames.push(username);
			nas.push(entry.ip);
		}
	}
	return {
		text:
			'SELECT t.nas, count(*)::bigint AS total, count(b.username)::bigint AS back ' +
			'FROM (SELECT DISTINCT u.username, u.nas FROM unnest($1::text[], $2::text[]) AS u(username, nas)) AS t ' +
			'LEFT JOIN (SELECT DISTINCT username FROM radacct WHERE acctstarttime >= $3::timestamptz ' +
			'AND acctstoptime IS NULL AND username = ANY ($1::text[])) AS b ON b.username = t.username ' +
			'GROUP BY t.nas',
		values: [usernames, nas, target.since.toISOString()],
	};
}

/** Counts who is back, now. Rejects when the database does (the caller tries again at its next poll). */
export async function countRecovery(db: Queryable, target: RecoveryTarget, now = new Date()): Promise<RecoveryCount> {
	const query = buildRecoveryQuery(target);
	const result = await db.query(query.text, [...query.values]);
	const back = new Map<string, number>();
	for (const row of result.rows as Array<Record<string, unknown>>) back.set(String(row['nas']), Number(row['back'] ?? 0));
	const perNas = target.perNas.map((nas): RecoveryNas => ({
		ip: nas.ip,
		name: nas.name,
		total: nas.usernames.length,
		back: Math.min(nas.usernames.length, back.get(nas.ip) ?? 0),
	}));
	return {at: now, since: target.startedAt, perNas: byMostAway(perNas)};
}

/** The NAS with the most users still away first, then by name. */
export function byMostAway(perNas: readonly RecoveryNas[]): RecoveryNas[] {
	return [...perNas].sort((a, b) => b.total - b.back - (a.total - a.back) || a.name.localeCompare(b.name) || a.ip.localeCompare(b.ip));
}

/** Every user of the run is back. */
export function allBack(count: RecoveryCount): boolean {
	return count.perNas.every((nas) => nas.back >= nas.total);
}
