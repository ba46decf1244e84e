/**
 * The sweep's statements on a real database (PostgreSQL with DATABASE_URL, else PGlite): which sessions are
 * listed, what the close writes, and what it leaves alone when radacct changed after the listing, including an
 * Interim-Update that commits while the close is running (PostgreSQL only: PGlite serves one connection).
 */
import {probeRadacctColumns} from '../../source/db/radacct-columns.js';
import pg from 'pg';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';
import {closeStale, listStale, SWEEP_STATEMENT_TIMEOUT, type TransactionalDb} from '../../source/sweep/sweep.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
const noName = () => null;

beforeAll(async () => {
	database = await createTestDatabase();
});

afterAll(async () => {
	await database?.close();
});

beforeEach(async () => {
	await database.pool.query('DELETE FROM radacct');
});

async function stale(options: {staleAfterSeconds?: number; nasIps?: string[]; limit?: number} = {}) {
	const available = (await probeRadacctColumns(database.pool)).readable;
	return listStale(
		database.pool,
		{staleAfterSeconds: options.staleAfterSeconds ?? 1800, nasIps: options.nasIps, limit: options.limit ?? 100},
		available,
		noName,
	);
}

async function rowOf(id: string): Promise<Record<string, unknown>> {
	const {rows} = await database.pool.query(
		`SELECT acctstoptime, acctupdatetime, acctstarttime, acctsessiontime::float8 AS acctsessiontime, acctterminatecause,
			acctstoptime::text AS stop_text, acctupdatetime::text AS update_text
		FROM radacct WHERE radacctid = $1::bigint`,
		[id],
	);
	return rows[0] as Record<string, unknown>;
}

describe('listing', () => {
	it('lists open sessions silent past the threshold, or past 2 x the interval their NAS reports when longer, the longest silent first', async () => {
		const [quiet, chatty, noInterval, young, closed, neverUpdated, slowNas] = await insertSessions(database.pool, [
			{username: 'quiet', startedAgo: 7200, updatedAgo: 3700, acctinterval: 1800},
			{username: 'chatty', startedAgo: 7200, updatedAgo: 3500, acctinterval: 1800},
			{username: 'no-interval', startedAgo: 7200, updatedAgo: 2000},
			{username: 'young', startedAgo: 7200, updatedAgo: 1000},
			{username: 'closed', startedAgo: 7200, updatedAgo: 5000, stoppedAgo: 4000},
			{username: 'never', startedAgo: 9000},
			{username: 'slow-nas', nasipaddress: '10.20.0.7', startedAgo: 9000, updatedAgo: 8000, acctinterval: 3600},
		]);
		await database.pool.query('UPDATE radacct SET acctupdatetime = NULL WHERE radacctid = $1::bigint', [neverUpdated]);
		const {stale: listed, capped} = await stale();
		expect(listed.map((entry) => entry.session.radacctid)).toEqual([neverUpdated, slowNas, quiet]);
		expect(capped).toBe(false);
		// no-interval: its NAS's open sessions report 1800 s, so 2 x 1800 s, not the 30 min threshold, applies.
		for (const left of [chatty, noInterval, young, closed]) expect(listed.map((entry) => entry.session.radacctid)).not.toContain(left);
		const byUser = new Map(listed.map((entry) => [entry.session.username, entry]));
		expect(byUser.get('quiet')!.allowedSeconds).toBe(3600);
		expect(byUser.get('never')!.allowedSeconds).toBe(3600);
		expect(byUser.get('slow-nas')!.allowedSeconds).toBe(7200);
		expect(byUser.get('quiet')!.silentSeconds).toBeGreaterThanOrEqual(3700);
		expect(byUser.get('never')!.updateToken).toBeNull();
		expect(byUser.get('quiet')!.updateToken).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
	});

	it('an early interim update (acctinterval of a few seconds) does not make a live session stale', async () => {
		const [early, nullInterval, ghost] = await insertSessions(database.pool, [
			{username: 'early', startedAgo: 7200, updatedAgo: 595, acctinterval: 5},
			{username: 'null-interval', startedAgo: 7200, updatedAgo: 1000},
			{username: 'ghost', startedAgo: 7200, updatedAgo: 1900, acctinterval: 5},
		]);
		const listed = (await stale()).stale.map((entry) => entry.session.radacctid);
		expect(listed).not.toContain(early);
		expect(listed).not.toContain(nullInterval);
		expect(listed).toEqual([ghost]);
		// A NULL or tiny interval on a NAS whose other sessions report 1 h waits 2 h.
		await insertSessions(database.pool, [{username: 'hourly', startedAgo: 9000, updatedAgo: 60, acctinterval: 3600}]);
		expect((await stale()).stale).toEqual([]);
	});

	it('follows the threshold given, the NAS filter and the limit', async () => {
		await insertSessions(database.pool, [
			{username: 'a', nasipaddress: '10.20.0.1', startedAgo: 7200, updatedAgo: 4000},
			{username: 'b', nasipaddress: '10.20.0.2', startedAgo: 7200, updatedAgo: 3000},
			{username: 'c', nasipaddress: '10.20.0.2', startedAgo: 7200, updatedAgo: 1000},
		]);
		expect((await stale({staleAfterSeconds: 600})).stale.map((entry) => entry.session.username)).toEqual(['a', 'b', 'c']);
		expect((await stale({nasIps: ['10.20.0.2']})).stale.map((entry) => entry.session.username)).toEqual(['b']);
		const capped = await stale({staleAfterSeconds: 600, limit: 2});
		expect(capped.stale.map((entry) => entry.session.username)).toEqual(['a', 'b']);
		expect(capped.capped).toBe(true);
	});

	it('works on a radacct without acctinterval (older FreeRADIUS 3.0 schema): the threshold for every NAS', async () => {
		await insertSessions(database.pool, [{username: 'old', startedAgo: 7200, updatedAgo: 700, acctinterval: 3600}]);
		const available = new Set<string>(SESSION_COLUMNS.filter((column) => column !== 'acctinterval'));
		const listed = await listStale(database.pool, {staleAfterSeconds: 1800, limit: 10}, available, noName);
		expect(listed.stale).toEqual([]);
		const shorter = await listStale(database.pool, {staleAfterSeconds: 600, limit: 10}, available, noName);
		expect(shorter.stale.map((entry) => entry.session.username)).toEqual(['old']);
	});
});

describe('closing', () => {
	it("writes what FreeRADIUS's stop query would: stop = last update exactly, session time from start to stop, the cause", async () => {
		const [updated, never] = await insertSessions(database.pool, [
			{username: 'updated', startedAgo: 10_000, updatedAgo: 4000, acctinterval: 300},
			{username: 'never', startedAgo: 9000},
		]);
		// Microseconds that a JavaScript Date could not carry back to the database.
		await database.pool.query(
			"UPDATE radacct SET acctupdatetime = acctupdatetime + interval '123.456 microseconds' WHERE radacctid = $1::bigint",
			[updated],
		);
		await database.pool.query('UPDATE radacct SET acctupdatetime = NULL WHERE radacctid = $1::bigint', [never]);
		const before = await rowOf(updated!);
		const {stale: listed} = await stale();
		const outcome = await closeStale(database.pool, listed, 'NAS-Reboot');
		expect([...outcome.closed].sort()).toEqual([updated, never].sort());
		expect(outcome.skipped.size).toBe(0);

		const closed = await rowOf(updated!);
		expect(closed['stop_text']).toBe(before['update_text']);
		expect(closed['update_text']).toBe(before['update_text']);
		expect(closed['acctterminatecause']).toBe('NAS-Reboot');
		expect(closed['acctsessiontime']).toBe(6000);

		const closedNever = await rowOf(never!);
		expect((closedNever['acctstoptime'] as Date).getTime()).toBe((closedNever['acctstarttime'] as Date).getTime());
		expect(closedNever['acctupdatetime']).toEqual(closedNever['acctstarttime']);
		expect(closedNever['acctsessiontime']).toBe(0);
	});

	it('leaves alone a session that got an interim update, a stop, or was deleted after it was listed', async () => {
		const [ghost, revived, stopped, deleted, wasNull] = await insertSessions(database.pool, [
			{username: 'ghost', startedAgo: 7200, updatedAgo: 4000},
			{username: 'revived', startedAgo: 7200, updatedAgo: 4000},
			{username: 'stopped', startedAgo: 7200, updatedAgo: 4000},
			{username: 'deleted', startedAgo: 7200, updatedAgo: 4000},
			{username: 'was-null', startedAgo: 7200},
		]);
		await database.pool.query('UPDATE radacct SET acctupdatetime = NULL WHERE radacctid = $1::bigint', [wasNull]);
		const {stale: listed} = await stale();
		expect(listed).toHaveLength(5);
		// What FreeRADIUS's interim-update and stop queries write meanwhile.
		await database.pool.query('UPDATE radacct SET acctupdatetime = now(), acctinputoctets = 5000 WHERE radacctid = ANY($1::bigint[])', [
			[revived, wasNull],
		]);
		await database.pool.query(
			"UPDATE radacct SET acctstoptime = now(), acctterminatecause = 'User-Request' WHERE radacctid = $1::bigint",
			[stopped],
		);
		await database.pool.query('DELETE FROM radacct WHERE radacctid = $1::bigint', [deleted]);

		const outcome = await closeStale(database.pool, listed, 'Lost-Carrier');
		expect([...outcome.closed]).toEqual([ghost]);
		expect(outcome.skipped.get(revived!)).toMatchObject({stopped: false});
		expect(outcome.skipped.get(wasNull!)).toMatchObject({stopped: false});
		expect(outcome.skipped.get(stopped!)).toMatchObject({stopped: true, acctterminatecause: 'User-Request'});
		expect(outcome.skipped.has(deleted!)).toBe(true);
		expect(outcome.skipped.get(deleted!)).toBeUndefined();

		expect((await rowOf(revived!))['acctstoptime']).toBeNull();
		expect((await rowOf(wasNull!))['acctstoptime']).toBeNull();
		expect((await rowOf(stopped!))['acctterminatecause']).toBe('User-Request');
		expect((await rowOf(ghost!))['acctterminatecause']).toBe('Lost-Carrier');
	});

	it('a second sweep of the same listing closes nothing more', async () => {
		await insertSessions(database.pool, [{username: 'ghost', startedAgo: 7200, updatedAgo: 4000}]);
		const {stale: listed} = await stale();
		expect((await closeStale(database.pool, listed, 'Lost-Carrier')).closed.size).toBe(1);
		const again = await closeStale(database.pool, listed, 'Admin-Reset');
		expect(again.closed.size).toBe(0);
		expect([...again.skipped.values()][0]).toMatchObject({stopped: true, acctterminatecause: 'Lost-Carrier'});
	});
});

describe('timeouts and a failed follow-up', () => {
	/** The pool, with every statement of its lent connections recorded, and the skipped-state lookup failing when asked. */
	function recording(options: {failStateLookup?: boolean} = {}) {
		const statements: string[] = [];
		const db: TransactionalDb = {
			query: async (text: string, values?: unknown[]) => {
				statements.push(text);
				if (options.failStateLookup && text.includes('acctstoptime IS NOT NULL AS stopped'))
					throw new Error('connection terminated unexpectedly');
				return database.pool.query(text, values);
			},
			connect: async () => {
				const client = await database.pool.connect();
				return {
					query: async (text: string, values?: unknown[]) => {
						statements.push(text);
						return client.query(text, values);
					},
					release: (error?: Error | boolean) => client.release(error),
				};
			},
		};
		return {db, statements};
	}

	it("lists and closes under a generous statement timeout of their own, not the pool's 15 s", async () => {
		await insertSessions(database.pool, [{username: 'ghost', startedAgo: 7200, updatedAgo: 4000}]);
		const {db, statements} = recording();
		const available = (await probeRadacctColumns(database.pool)).readable;
		const {stale: listed} = await listStale(db, {staleAfterSeconds: 1800, limit: 10}, available, noName);
		expect((await closeStale(db, listed, 'Lost-Carrier')).closed.size).toBe(1);
		const timeout = `SET LOCAL statement_timeout = '${SWEEP_STATEMENT_TIMEOUT}'`;
		const list = statements.findIndex((text) => text.includes('AS update_token'));
		const close = statements.findIndex((text) => text.startsWith('UPDATE radacct'));
		expect(statements.slice(0, list)).toContain(timeout);
		expect(statements.slice(list + 1, close)).toContain(timeout);
		expect(statements.slice(list + 1, close)).toContain('BEGIN');
	});

	it('a close that committed is reported even when reading the rows it left alone fails', async () => {
		const [ghost, revived] = await insertSessions(database.pool, [
			{username: 'ghost', startedAgo: 7200, updatedAgo: 4000},
			{username: 'revived', startedAgo: 7200, updatedAgo: 4000},
		]);
		const {stale: listed} = await stale();
		await database.pool.query('UPDATE radacct SET acctupdatetime = now() WHERE radacctid = $1::bigint', [revived]);
		const outcome = await closeStale(recording({failStateLookup: true}).db, listed, 'Lost-Carrier');
		expect([...outcome.closed]).toEqual([ghost]);
		expect(outcome.skippedUnknown).toBe('connection terminated unexpectedly');
		expect([...outcome.skipped.keys()]).toEqual([revived]);
		expect((await rowOf(ghost!))['acctterminatecause']).toBe('Lost-Carrier');
	});
});

describe.runIf(process.env['DATABASE_URL'])('racing FreeRADIUS on PostgreSQL', () => {
	it('an interim update committed while the close waits for its row lock wins: that session stays open', async () => {
		const [ghost, racing] = await insertSessions(database.pool, [
			{username: 'ghost', startedAgo: 7200, updatedAgo: 4000},
			{username: 'racing', acctuniqueid: 'racing-unique', startedAgo: 7200, updatedAgo: 4000},
		]);
		const {stale: listed} = await stale();
		expect(listed).toHaveLength(2);

		const freeradius = new pg.Client({connectionString: database.url});
		await freeradius.connect();
		const sweeper = new pg.Pool({connectionString: database.url, max: 1});
		try {
			// FreeRADIUS's interim-update query, in a transaction still open when the close starts.
			await freeradius.query('BEGIN');
			await freeradius.query(
				"UPDATE radacct SET acctupdatetime = now(), acctinputoctets = 7777 WHERE acctuniqueid = 'racing-unique' AND acctstoptime IS NULL",
			);
			const closing = closeStale(sweeper, listed, 'Lost-Carrier');
			// The close must be waiting on the racing row's lock before the interim update commits.
			await waitFor(async () => {
				const {rows} = await database.pool.query(
					"SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE radacct SET acctstoptime%'",
				);
				return (rows[0] as {waiting: number}).waiting === 1;
			});
			await freeradius.query('COMMIT');
			const outcome = await closing;
			expect([...outcome.closed]).toEqual([ghost]);
			expect(outcome.skipped.get(racing!)).toMatchObject({stopped: false});
			const row = await rowOf(racing!);
			expect(row['acctstoptime']).toBeNull();
		} finally {
			await freeradius.end();
			await sweeper.end();
		}
	});

	it('a close that commits first makes the racing interim update find no open row, as FreeRADIUS expects of a stopped session', async () => {
		const [racing] = await insertSessions(database.pool, [
			{username: 'racing', acctuniqueid: 'racing-first', startedAgo: 7200, updatedAgo: 4000},
		]);
		const {stale: listed} = await stale();
		const sweeper = new pg.Pool({connectionString: database.url, max: 1});
		try {
			expect((await closeStale(sweeper, listed, 'Lost-Carrier')).closed.has(racing!)).toBe(true);
		} finally {
			await sweeper.end();
		}
		const late = await database.pool.query(
			"UPDATE radacct SET acctupdatetime = now() WHERE acctuniqueid = 'racing-first' AND acctstoptime IS NULL",
		);
		expect(late.rowCount).toBe(0);
	});
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
