import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {allBack, countRecovery, recoveryTargetOf, type RecoveryTarget} from '../../source/disconnect/recovery.js';
import {tallyOutcomes, type DisconnectResult, type Outcome, type SessionResult} from '../../source/disconnect/result.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
	database = await createTestDatabase();
});

afterAll(async () => {
	await database?.close();
});

beforeEach(async () => {
	await database.pool.query('TRUNCATE radacct');
});

const BNG1 = '10.20.0.1';
const BNG2 = '10.20.0.2';

function entry(id: number, username: string | null, nasIp: string, outcome: Outcome = 'coa'): SessionResult {
	return {
		radacctid: String(id),
		username,
		nasIp,
		nasName: nasIp === BNG1 ? 'bng-1' : 'bng-2',
		method: outcome === 'coa' || outcome === 'failed' ? 'coa' : undefined,
		outcome,
		reason: 'ACK',
	};
}

function resultOf(results: SessionResult[], startedAt: Date, dryRun = false): DisconnectResult {
	return {actionId: 'a', dryRun, aborted: false, startedAt, finishedAt: startedAt, results, missing: [], totals: tallyOutcomes(results)};
}

/** The database's now() less `seconds`: the run's start, on the clock radacct's times are written by. */
async function dbTimeAgo(seconds: number): Promise<Date> {
	const {rows} = await database.pool.query(`SELECT now() - $1 * interval '1 second' AS at`, [seconds]);
	return new Date((rows as Array<{at: Date}>)[0]!.at);
}

describe('recoveryTargetOf', () => {
	it('takes the users disconnected (coa or api), once per NAS; nothing for a dry run or when nobody was', () => {
		const at = new Date('2026-12-01T10:00:00Z');
		const target = recoveryTargetOf(
			resultOf(
				[
					entry(1, 'u1', BNG1),
					entry(2, 'u1', BNG1, 'api'),
					entry(3, 'u2', BNG1, 'failed'),
					entry(4, null, BNG1),
					entry(5, 'u1', BNG2),
					entry(6, 'u3', BNG2, 'already_closed'),
				],
				at,
			),
		);
		expect(target).toEqual({
			since: at,
			startedAt: at,
			perNas: [
				{ip: BNG1, name: 'bng-1', usernames: ['u1']},
				{ip: BNG2, name: 'bng-2', usernames: ['u1']},
			],
		});
		expect(recoveryTargetOf(resultOf([entry(1, 'u1', BNG1)], at, true))).toBeUndefined();
		expect(recoveryTargetOf(resultOf([entry(1, 'u1', BNG1, 'failed')], at))).toBeUndefined();
	});
});

describe('countRecovery against radacct', () => {
	it('counts a user back once they have an open session started since the run, per NAS they were disconnected from', async () => {
		const since = await dbTimeAgo(120);
		await insertSessions(database.pool, [
			// u1 dialled back on bng-1 (twice: one user), u2 came back and dropped again, u3's old session is still open.
			{username: 'u1', nasipaddress: BNG1, startedAgo: 60},
			{username: 'u1', nasipaddress: BNG1, startedAgo: 30},
			{username: 'u2', nasipaddress: BNG1, startedAgo: 90, stoppedAgo: 10},
			{username: 'u3', nasipaddress: BNG1, startedAgo: 3600},
			// v1 came back on another NAS: back all the same; v2 on its own.
			{username: 'v1', nasipaddress: BNG1, startedAgo: 20},
			{username: 'v2', nasipaddress: BNG2, startedAgo: 20},
			// Users the run did not disconnect count for nothing, however many came online since.
			{username: 'x1', nasipaddress: BNG1, startedAgo: 5},
			{username: 'x2', nasipaddress: BNG2, startedAgo: 5},
			{username: 'x3', nasipaddress: BNG2, startedAgo: 5},
		]);
		const target: RecoveryTarget = {
			since,
			startedAt: since,
			perNas: [
				{ip: BNG1, name: 'bng-1', usernames: ['u1', 'u2', 'u3', 'u4']},
				{ip: BNG2, name: 'bng-2', usernames: ['v1', 'v2']},
			],
		};
		const count = await countRecovery(database.pool, target);
		expect(count.perNas).toEqual([
			{ip: BNG1, name: 'bng-1', total: 4, back: 1},
			{ip: BNG2, name: 'bng-2', total: 2, back: 2},
		]);
		expect(allBack(count)).toBe(false);

		// u2, u3 and u4 dial in now: everyone is back, u3's old session still open beside the new one.
		await insertSessions(database.pool, [
			{username: 'u2', nasipaddress: BNG1, startedAgo: 1},
			{username: 'u3', nasipaddress: BNG2, startedAgo: 1},
			{username: 'u4', nasipaddress: BNG1, startedAgo: 0},
		]);
		const later = await countRecovery(database.pool, target);
		expect(later.perNas.map((nas) => [nas.name, nas.back, nas.total])).toEqual([
			['bng-1', 4, 4],
			['bng-2', 2, 2],
		]);
		expect(allBack(later)).toBe(true);
	});

	it('a session opened before the run does not count, even when it is open and the user is in the run', async () => {
		const since = await dbTimeAgo(60);
		await insertSessions(database.pool, [
			{username: 'u1', nasipaddress: BNG1, startedAgo: 61},
			{username: 'u2', nasipaddress: BNG1, startedAgo: 59},
		]);
		const count = await countRecovery(database.pool, {
			since,
			startedAt: since,
			perNas: [{ip: BNG1, name: 'bng-1', usernames: ['u1', 'u2']}],
		});
		expect(count.perNas).toEqual([{ip: BNG1, name: 'bng-1', total: 2, back: 1}]);
	});

	it('sorts the NAS with the most users still away first', async () => {
		const since = await dbTimeAgo(60);
		await insertSessions(database.pool, [{username: 'a1', nasipaddress: BNG1, startedAgo: 1}]);
		const count = await countRecovery(database.pool, {
			since,
			startedAt: since,
			perNas: [
				{ip: BNG1, name: 'bng-1', usernames: ['a1', 'a2']},
				{ip: BNG2, name: 'bng-2', usernames: ['b1', 'b2', 'b3']},
			],
		});
		expect(count.perNas.map((nas) => nas.name)).toEqual(['bng-2', 'bng-1']);
	});

	it("puts the run's start on the database's clock: a host an hour behind still counts only the new sessions", async () => {
		const dbStart = await dbTimeAgo(60);
		// This host's clock says the run began an hour before the database's does.
		const hostStart = new Date(dbStart.getTime() - 3_600_000);
		await insertSessions(database.pool, [
			{username: 'u1', nasipaddress: BNG1, startedAgo: 1800},
			{username: 'u2', nasipaddress: BNG1, startedAgo: 10},
		]);
		const result = resultOf([entry(1, 'u1', BNG1), entry(2, 'u2', BNG1)], hostStart);
		const skewed = recoveryTargetOf(result, 3_600_000)!;
		expect(skewed.since).toEqual(dbStart);
		expect(skewed.startedAt).toEqual(hostStart);
		const count = await countRecovery(database.pool, skewed, new Date(hostStart.getTime() + 240_000));
		expect(count.perNas).toEqual([{ip: BNG1, name: 'bng-1', total: 2, back: 1}]);
		// How long since the run is told on this host's clock.
		expect(count.since).toEqual(hostStart);
		// Left on this host's clock, u1's session of half an hour ago would have counted.
		expect((await countRecovery(database.pool, recoveryTargetOf(result)!)).perNas[0]?.back).toBe(2);
	});
});
