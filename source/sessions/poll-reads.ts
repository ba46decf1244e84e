/**
 * What one console poll reads of a SessionReader, as one request: the window, the open counts, the total when
 * the view is not every open session, the slow counts when they are due, the NAS reloads, and the open sessions
 * of the window's users. A reader over several
 * sites answers it with each site's reads in that site's own order (merged-source.ts), so a slow site holds back
 * none of the others' steps; any other reader reads them one after another ({@link readPoll}).
 */
import type {NasReloads} from '../db/nas-reload-table.js';
import type {Session, SessionFilter, SessionPage, SessionSort, SessionTotal, SessionWindow} from './session.js';
import type {OpenCounts, StaleAndUsers} from './session-stats.js';

export interface PollAsk {
	readonly filter: SessionFilter;
	readonly sort: SessionSort;
	readonly window: SessionWindow;
	/** Whether to count the filter's sessions (false: the open counts already say it). */
	readonly total: boolean;
	/** Whether the slow counts are due (SlowCounts). */
	readonly slow: boolean;
}

/** The users of a window's open rows: those whose open sessions a poll counts (the C and S marks). */
export function windowUsers(rows: readonly Session[]): string[] {
	return [...new Set(rows.filter((row) => row.acctstoptime === null && row.username).map((row) => row.username!))];
}

export interface PollReads {
	readonly page: SessionPage;
	readonly counts: OpenCounts;
	readonly total?: SessionTotal;
	readonly slow?: StaleAndUsers;
	readonly reloads: NasReloads;
	/**
	 * Open sessions per user for the users of the window's open rows (keyed by userCountKey), when the reader
	 * counts them and the window has an open row.
	 */
	readonly userCounts?: ReadonlyMap<string, number>;
}

/** The reads a poll makes of one database, in turn: one short statement each, nothing held open in between. */
export interface PollReader {
	list(filter: SessionFilter, sort: SessionSort, window: SessionWindow): Promise<SessionPage>;
	count(filter: SessionFilter): Promise<SessionTotal>;
	openCounts(): Promise<OpenCounts>;
	staleAndUsers(): Promise<StaleAndUsers>;
	nasReloads?(): Promise<NasReloads>;
	userOpenCounts?(usernames: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

const NO_RELOADS: NasReloads = {skipped: null, byIp: new Map()};

/** A poll's reads of one reader, one after another (one connection at a time). */
export async function readPoll(reader: PollReader, ask: PollAsk): Promise<PollReads> {
	const page = await reader.list(ask.filter, ask.sort, ask.window);
	const counts = await reader.openCounts();
	const total = ask.total ? await reader.count(ask.filter) : undefined;
	const slow = ask.slow ? await reader.staleAndUsers() : undefined;
	const reloads = reader.nasReloads ? await reader.nasReloads() : NO_RELOADS;
	const users = windowUsers(page.rows);
	const userCounts = reader.userOpenCounts && users.length > 0 ? await reader.userOpenCounts(users) : undefined;
	return {page, counts, reloads, ...(total ? {total} : {}), ...(slow ? {slow} : {}), ...(userCounts ? {userCounts} : {})};
}
