/**
 * Whether a database is a hot standby, and how far its replay is behind the primary: one cheap statement
 * ({@link REPLICA_QUERY}) read by the console every poll interval and by doctor, and the pure reading of it.
 *
 * The lag. `now() - pg_last_xact_replay_timestamp()` is the age of the last transaction replayed, which is the
 * lag only while the primary keeps writing: on a primary that has been idle for an hour it says an hour of a
 * standby that is fully caught up. So the WAL positions decide first: when everything the standby received
 * (`pg_last_wal_receive_lsn()`) has been replayed (`pg_last_wal_replay_lsn()`) while its WAL receiver is
 * streaming, the standby is caught up and the lag is 0, whatever the timestamp says. Only when replay is
 * behind what was received (replay paused, or slow), or the standby is not streaming (the primary is gone or
 * unreachable, or WAL comes from an archive), is the timestamp's age the lag: then it is an upper bound that
 * grows with every second the standby falls, or may have fallen, behind. Right after an idle spell that bound
 * says the whole spell, so a reader that reads again and again ({@link LagTracker}, the console) tightens it
 * with its own earlier readings: a standby seen caught up at T holds nothing unreplayed from before T.
 */
import {toNumber, type Queryable} from './queryable.js';

/** What a database is, read by {@link readReplicaState}. */
export type ReplicaState =
	| {readonly role: 'primary'}
	| {
			readonly role: 'standby';
			/** Seconds behind the primary; null when it cannot be told (nothing replayed since the standby started). */
			readonly lagSeconds: number | null;
			/** Everything received has been replayed, and the WAL receiver is streaming. */
			readonly caughtUp: boolean;
			/** The WAL receiver is connected to the primary and streaming. */
			readonly streaming: boolean;
			/** Replay was paused (`pg_wal_replay_pause()`): the lag grows until `pg_wal_replay_resume()`. */
			readonly paused: boolean;
	  };

/**
 * One row: in recovery or not; on a standby the WAL received and replayed, the age of the last replayed
 * transaction, whether replay is paused and the WAL receiver's status. The standby-only functions are guarded
 * by the CASE: `pg_is_wal_replay_paused()` is an error on a primary.
 */
export const REPLICA_QUERY = `SELECT pg_is_in_recovery() AS in_recovery,
	CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() END AS replayed_all,
	CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS replay_age,
	CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS paused,
	CASE WHEN pg_is_in_recovery() THEN (SELECT status FROM pg_stat_wal_receiver LIMIT 1) END AS receiver`;

/** The state from {@link REPLICA_QUERY}'s row (pure). */
export function replicaStateOf(row: Readonly<Record<string, unknown>> | undefined): ReplicaState {
	if (!row || row['in_recovery'] !== true) return {role: 'primary'};
	const streaming = row['receiver'] === 'streaming';
	const paused = row['paused'] === true;
	const caughtUp = streaming && row['replayed_all'] === true;
	const age = toNumber(row['replay_age']);
	const lagSeconds = caughtUp ? 0 : age === null ? null : Math.max(0, age);
	return {role: 'standby', lagSeconds, caughtUp, streaming, paused};
}

/** Asks a database what it is (one statement). */
export async function readReplicaState(db: Queryable): Promise<ReplicaState> {
	const {rows} = await db.query(REPLICA_QUERY, []);
	return replicaStateOf(rows[0]);
}

/**
 * Tightens a standby's lag with the readings before it: once a reading saw the standby caught up (at T), what
 * it has not replayed since came after T, so its lag is at most now - T, whatever the age of the last
 * transaction it replayed (which, after the primary was idle, is the whole idle spell). Without such a
 * reading, or on a primary, the state is left as read.
 */
export class LagTracker {
	private caughtUpAt: number | null = null;

	/** The state read at `atMs` (epoch ms), its lag tightened. */
	observe(state: ReplicaState, atMs: number): ReplicaState {
		if (state.role === 'primary') {
			this.caughtUpAt = null;
			return state;
		}
		if (state.caughtUp) {
			this.caughtUpAt = atMs;
			return state;
		}
		if (this.caughtUpAt === null) return state;
		const since = Math.max(0, (atMs - this.caughtUpAt) / 1000);
		return {...state, lagSeconds: state.lagSeconds === null ? since : Math.min(state.lagSeconds, since)};
	}
}

/** True when a standby is further behind than `intervalSeconds` (or its lag cannot be told). */
export function lagExceeds(state: ReplicaState, intervalSeconds: number): boolean {
	if (state.role === 'primary') return false;
	return state.lagSeconds === null || state.lagSeconds > intervalSeconds;
}

/** "3s", "4m 10s", "2h 5m": a lag as the header shows it. */
export function formatLag(seconds: number | null): string {
	if (seconds === null) return '?';
	const whole = Math.round(seconds);
	if (whole < 60) return `${whole}s`;
	if (whole < 3600) return `${Math.floor(whole / 60)}m ${whole % 60}s`;
	return `${Math.floor(whole / 3600)}h ${Math.floor((whole % 3600) / 60)}m`;
}

/** What the console shows of a database's role: `standby · lag 3s`, or nothing for a primary. */
export interface ReplicaBadge {
	readonly text: string;
	/** `lag 3s`: what is left of it on a narrow header. */
	readonly short: string;
	/** The lag is above the poll interval: the header's warning colour, and {@link ReplicaBadge.status}. */
	readonly warn: boolean;
	/** The status line's sentence when `warn`. */
	readonly status: string | null;
}

/** The header's badge and the status line's warning for a state read at this poll interval (pure). */
export function replicaBadge(state: ReplicaState | null, intervalSeconds: number): ReplicaBadge | null {
	if (state === null || state.role === 'primary') return null;
	const paused = state.paused ? ' · replay paused' : '';
	const short = `lag ${formatLag(state.lagSeconds)}`;
	const text = `standby · ${short}${paused}`;
	if (!lagExceeds(state, intervalSeconds)) return {text, short, warn: false, status: null};
	const behind =
		state.lagSeconds === null
			? 'the standby cannot tell how far it is behind the primary'
			: `the standby is ${formatLag(state.lagSeconds)} behind the primary`;
	const why = state.paused ? ' (replay paused)' : state.streaming ? '' : ' (not streaming from the primary)';
	return {text, short, warn: true, status: `${behind}${why}, more than the ${intervalSeconds}s poll: sessions shown may be that old`};
}
