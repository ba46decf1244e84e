/** The open-session counts of a poll: the cheap ones, the costlier ones read less often, and the two as one. */
import type {NasCount, SessionStats} from './session.js';
import {nasCountKey} from './session-key.js';

/** Open-session counts, cheap enough for every poll. */
export interface OpenCounts {
	readonly openSessions: number;
	readonly averageDurationSeconds: number | null;
	readonly perNas: ReadonlyArray<Omit<NasCount, 'stale'>>;
	readonly dbNow: Date;
}

/** The costlier aggregates over open sessions, refreshed less often than the poll. */
export interface StaleAndUsers {
	readonly uniqueUsers: number;
	readonly stalePerNas: ReadonlyMap<string, number>;
	/** When they were counted. */
	readonly at: Date;
}

/** Open counts and the (possibly older) stale and user counts, as one SessionStats. */
export function combineStats(counts: OpenCounts, slow: StaleAndUsers | undefined): SessionStats {
	const perNas = counts.perNas.map((nas) => ({...nas, stale: slow?.stalePerNas.get(nasCountKey(nas)) ?? 0}));
	return {
		openSessions: counts.openSessions,
		uniqueUsers: slow?.uniqueUsers ?? 0,
		averageDurationSeconds: counts.averageDurationSeconds,
		staleSessions: perNas.reduce((sum, nas) => sum + nas.stale, 0),
		perNas,
		dbNow: counts.dbNow,
		...(slow ? {slowCountsAt: slow.at} : {}),
	};
}
