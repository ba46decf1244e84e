/**
 * doctor's checks of a read replica, pure: the primary (reachable, not in recovery, what sweep --apply needs),
 * the read database (reachable, a hot standby or a primary, streaming), its replication lag against the poll
 * interval, and whether it holds the same data (the same cluster's system identifier).
 */
import {formatLag, lagExceeds} from '../db/replica.js';
import {result, type CheckResult} from './check.js';
import {writeCheck} from './database-checks.js';
import type {ServerFacts} from './replica-facts.js';

/** The lag check of a standby, or nothing for a primary. */
export function lagCheck(read: ServerFacts, intervalSeconds: number): CheckResult[] {
	const state = read.state;
	if (state?.role !== 'standby') return [];
	const check = 'replication lag';
	const lag = formatLag(state.lagSeconds);
	if (!lagExceeds(state, intervalSeconds)) {
		const detail = state.caughtUp
			? 'caught up: the standby has replayed all the WAL it received'
			: `up to ${lag} behind the primary, within the ${intervalSeconds}s poll interval`;
		return [result(check, 'pass', detail)];
	}
	const detail =
		state.lagSeconds === null
			? 'the standby cannot tell how far it is behind the primary (nothing replayed since it started)'
			: `up to ${lag} behind the primary (the age of the last transaction it replayed), more than the ${intervalSeconds}s poll interval`;
	const fix = state.paused
		? 'replay is paused on the standby: SELECT pg_wal_replay_resume(); there'
		: state.streaming
			? "see pg_stat_replication on the primary (replay_lag) and the standby's load; or point read-database at a closer standby"
			: "the standby is not streaming from the primary: check its primary_conninfo, the primary's pg_hba.conf and the standby's log";
	return [result(check, 'warn', detail, fix)];
}

/** The checks of a primary with a read database beside it. */
export function replicaChecks(primary: ServerFacts, read: ServerFacts, intervalSeconds: number): CheckResult[] {
	const checks: CheckResult[] = [];
	const primaryCheck = `primary (${primary.label})`;
	if (primary.error !== undefined) {
		checks.push(
			result(
				primaryCheck,
				'fail',
				`unreachable: ${primary.error}; sweep --apply writes there`,
				'check the profile database / --db: host, port, user, password, pg_hba.conf',
			),
		);
	} else if (primary.state?.role === 'standby') {
		checks.push(
			result(
				primaryCheck,
				'warn',
				'is itself a hot standby (pg_is_in_recovery()): sweep --apply cannot write there',
				'set database (or --db) to the primary, and read-database (or --read-db) to the standby',
			),
		);
	} else {
		checks.push(result(primaryCheck, 'pass', 'reachable and not in recovery: sweep --apply writes here'));
		if (primary.writes) checks.push(writeCheck(primary.writes, primary.user ?? 'radtop'));
		else if (primary.writesError !== undefined)
			checks.push(
				result('writes (sweep --apply)', 'warn', `could not read whether this role may UPDATE radacct: ${primary.writesError}`),
			);
	}
	const readCheck = `read database (${read.label})`;
	if (read.error !== undefined) {
		checks.push(
			result(
				readCheck,
				'fail',
				`unreachable: ${read.error}; the console, sessions, export and doctor read there`,
				'check the profile read-database / --read-db (or unset it to read from the primary)',
			),
		);
		return checks;
	}
	if (read.state?.role !== 'standby') {
		checks.push(
			result(
				readCheck,
				'pass',
				'a primary, not a hot standby (pg_is_in_recovery() is false): reads go there, which works, but they do not leave the primary alone if it is the same server',
			),
		);
	} else if (!read.state.streaming) {
		checks.push(
			result(
				readCheck,
				'warn',
				'a hot standby that is not streaming from the primary (no WAL receiver): it falls behind',
				"check the standby's primary_conninfo, the primary's pg_hba.conf (replication) and the standby's log",
			),
		);
	} else {
		checks.push(result(readCheck, 'pass', 'a hot standby (pg_is_in_recovery()), streaming from the primary'));
	}
	checks.push(...lagCheck(read, intervalSeconds));
	if (primary.error === undefined) checks.push(sameDataCheck(primary, read));
	return checks;
}

/** Whether the read database is a copy of the primary's: the same cluster, the same database name. */
function sameDataCheck(primary: ServerFacts, read: ServerFacts): CheckResult {
	const check = 'read database: same data';
	if (!primary.systemId || !read.systemId) {
		const why = primary.systemIdError ?? read.systemIdError ?? 'no system identifier';
		return result(
			check,
			'warn',
			`could not be checked: pg_control_system() could not be read (${why})`,
			"compare SELECT system_identifier FROM pg_control_system(); on both as a superuser: a standby has its primary's",
		);
	}
	if (primary.systemId !== read.systemId) {
		return result(
			check,
			'fail',
			`another cluster: system identifier ${read.systemId}, the primary's ${primary.systemId}; the console would show other sessions than sweep --apply closes`,
			'set read-database (or --read-db) to a standby made from the primary (pg_basebackup -R), or unset it',
		);
	}
	if (primary.database !== read.database) {
		return result(
			check,
			'warn',
			`the same cluster (system identifier ${read.systemId}), but database ${read.database ?? '?'} where the primary's is ${primary.database ?? '?'}`,
			'name the same database in read-database as in database',
		);
	}
	return result(check, 'pass', `the same cluster (system identifier ${read.systemId}) and database (${read.database ?? '?'})`);
}
