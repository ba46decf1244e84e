/**
 * The console's sweep service on a real database (PostgreSQL with DATABASE_URL, else PGlite): the preview is
 * `radtop sweep`'s listing, with its defaults; the run closes only what the preview listed, each session only
 * if still exactly as listed, and writes the command's audit records.
 */
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {parseSweepFlags} from '../../source/commands/sweep.js';
import type {SweepAuditRecord} from '../../source/sweep/audit-records.js';
import {createSweepService, SWEEP_DEFAULTS} from '../../source/sweep/sweep-service.js';
import type {TransactionalDb} from '../../source/sweep/sweep.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
	database = await createTestDatabase();
});

afterAll(async () => {
	await database?.close();
});

beforeEach(async () => {
	await database.pool.query('DELETE FROM radacct');
});

class Records {
	readonly records: SweepAuditRecord[] = [];
	async append(record: SweepAuditRecord): Promise<void> {
		this.records.push(structuredClone(record));
	}
}

function service(audit = new Records(), staleAfterSeconds = 1800) {
	return createSweepService({db: database.pool as TransactionalDb, staleAfterSeconds, audit, typedAbove: 2});
}

describe('the console sweep service', () => {
	it("takes radtop sweep's defaults", () => {
		const flags = parseSweepFlags({});
		expect({
			limit: flags.limit,
			cause: flags.cause,
			concurrency: flags.concurrency,
			timeoutMs: flags.timeoutMs,
			retries: flags.retries,
		}).toEqual(SWEEP_DEFAULTS);
	});

	it('previews the stale sessions by NAS, the longest silent first, with the confirmation of radtop sweep', async () => {
		const [old, older, other] = await insertSessions(database.pool, [
			{username: 'old', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 4000},
			{username: 'older', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 5000},
			{username: 'other', nasipaddress: '10.20.0.2', startedAgo: 9000, updatedAgo: 3000},
			{username: 'fresh', nasipaddress: '10.20.0.2', startedAgo: 9000, updatedAgo: 60},
		]);
		const preview = await service().preview();
		expect(preview.stale.map((entry) => entry.session.radacctid)).toEqual([older, old, other]);
		expect(preview.perNas.map((share) => [share.ip, share.count, share.verify])).toEqual([
			['10.20.0.1', 2, 'none'],
			['10.20.0.2', 1, 'none'],
		]);
		expect(preview.confirmation).toMatchObject({kind: 'typed', expected: '3'});
		expect(preview).toMatchObject({capped: false, staleAfterSeconds: 1800, cause: 'Lost-Carrier', nasFilter: []});
		const one = await service().preview(['10.20.0.2']);
		expect(one.stale.map((entry) => entry.session.radacctid)).toEqual([other]);
		expect(one).toMatchObject({nasIps: ['10.20.0.2'], nasFilter: ['10.20.0.2'], confirmation: {kind: 'key'}});
	});

	it('closes only what the preview listed: a session stale since is not touched, one updated since is skipped', async () => {
		const [ghost, revived] = await insertSessions(database.pool, [
			{username: 'ghost', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 4000},
			{username: 'revived', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 4000},
		]);
		const audit = new Records();
		const sweeps = service(audit);
		const preview = await sweeps.preview();
		// After the preview: an interim update for one, and a new session that is stale already.
		await database.pool.query('UPDATE radacct SET acctupdatetime = now() WHERE radacctid = $1::bigint', [revived]);
		const [late] = await insertSessions(database.pool, [
			{username: 'late', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 5000},
		]);
		const run = await sweeps.execute(preview, {verify: false, reason: 'INC-1'});
		expect(run.kind).toBe('done');
		if (run.kind !== 'done') return;
		expect(run.result.entries.map((entry) => [entry.username, entry.outcome])).toEqual([
			['ghost', 'closed'],
			['revived', 'updated'],
		]);
		const {rows} = await database.pool.query(
			'SELECT radacctid::text AS id, acctstoptime IS NOT NULL AS stopped, acctterminatecause FROM radacct ORDER BY radacctid',
		);
		expect(rows).toEqual([
			{id: ghost, stopped: true, acctterminatecause: 'Lost-Carrier'},
			{id: revived, stopped: false, acctterminatecause: null},
			{id: late, stopped: false, acctterminatecause: null},
		]);
		expect(audit.records.map((record) => record.event)).toEqual(['sweep.begin', 'sweep.end']);
		expect(audit.records[0]).toMatchObject({
			reason: 'INC-1',
			listed: 2,
			verified: false,
			closing: [{radacctid: ghost}, {radacctid: revived}],
		});
		expect(audit.records[1]).toMatchObject({
			actionId: run.actionId,
			closed: [{radacctid: ghost}],
			skipped: [{radacctid: revived, outcome: 'updated'}],
		});
	});

	it('stopped while asking the NAS closes nothing and writes nothing', async () => {
		await insertSessions(database.pool, [{username: 'ghost', nasipaddress: '10.20.0.1', startedAgo: 9000, updatedAgo: 4000}]);
		const audit = new Records();
		const sweeps = service(audit);
		const preview = await sweeps.preview();
		const controller = new AbortController();
		controller.abort();
		expect(await sweeps.execute(preview, {verify: true, signal: controller.signal})).toEqual({kind: 'interrupted'});
		expect(audit.records).toEqual([]);
		const {rows} = await database.pool.query('SELECT count(*)::int AS open FROM radacct WHERE acctstoptime IS NULL');
		expect(rows[0].open).toBe(1);
	});

	it('refuses a threshold under a minute, as radtop sweep does', async () => {
		await expect(service(new Records(), 30).preview()).rejects.toThrow('the stale threshold is 30s; a sweep needs at least 60s');
	});
});
