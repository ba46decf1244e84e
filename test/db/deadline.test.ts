/**
 * The client-side deadlines against a real PostgreSQL that stops answering: a cluster of this file's own,
 * frozen with SIGSTOP (never the shared server), and a radacct locked by another transaction.
 */
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectDatabase, type Database} from '../../source/db/connect.js';
import {DatabaseLockedError, DatabaseNotAnsweringError, describeWait, type DatabaseWait} from '../../source/db/database-wait.js';
import {DeadlineClient} from '../../source/db/deadline.js';
import {describeError} from '../../source/db/errors.js';
import {clusterUnavailable, startFrozenCluster, type FrozenCluster} from '../helpers/frozen-cluster.js';

const unavailable = clusterUnavailable();

async function timed<T>(work: Promise<T>): Promise<{ms: number; value?: T; error?: unknown}> {
	const started = performance.now();
	try {
		const value = await work;
		return {ms: performance.now() - started, value};
	} catch (error) {
		return {ms: performance.now() - started, error};
	}
}

describe.skipIf(unavailable !== undefined)(`client-side deadlines${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
	let cluster: FrozenCluster;
	let database: Database;

	beforeAll(async () => {
		cluster = await startFrozenCluster();
		database = await connectDatabase({kind: 'url', url: cluster.url, from: 'flag'}, {statementTimeoutMs: 6000});
	}, 60_000);

	afterAll(async () => {
		cluster?.thaw();
		await database?.close();
		await cluster?.stop();
	}, 30_000);

	it('fails a statement on a frozen server within 5 s, destroys its connection, and reconnects after the thaw', async () => {
		expect((await database.pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
		const waits: Array<DatabaseWait | null> = [];
		const unsubscribe = database.waits!.subscribe((wait) => waits.push(wait));
		cluster.freeze();
		try {
			const frozen = await timed(database.pool.query('SELECT 2 AS two'));
			expect(frozen.error).toBeInstanceOf(DatabaseNotAnsweringError);
			expect(describeError(frozen.error)).toMatch(/^database not answering \(no reply in 5 s\)$/);
			// 3 s before the look, 2 s for it: the bound, with a little slack for a loaded machine.
			expect(frozen.ms).toBeGreaterThan(4500);
			expect(frozen.ms).toBeLessThan(7500);
			expect(waits.some((wait) => wait?.kind === 'not-answering')).toBe(true);
			// The next statement needs a new connection: the connection timeout bounds it.
			const again = await timed(database.pool.query('SELECT 3'));
			expect(again.error).toBeDefined();
			expect(describeError(again.error)).toBe('connection timed out');
			expect(again.ms).toBeLessThan(7500);
		} finally {
			cluster.thaw();
			unsubscribe();
		}
		expect((await database.pool.query('SELECT 4 AS four')).rows[0].four).toBe(4);
	}, 30_000);

	it('reports a lock wait with the pid holding radacct, and names the lock when the statement times out', async () => {
		const locker = new pg.Client({connectionString: cluster.url});
		await locker.connect();
		try {
			await locker.query('BEGIN');
			await locker.query('LOCK TABLE radacct IN ACCESS EXCLUSIVE MODE');
			const lockerPid = (locker as unknown as {processID: number}).processID;
			const waits: Array<DatabaseWait | null> = [];
			const unsubscribe = database.waits!.subscribe((wait) => waits.push(wait));
			const blocked = await timed(database.pool.query('SELECT count(*) FROM radacct'));
			unsubscribe();
			const lock = waits.find((wait): wait is DatabaseWait & {kind: 'lock'} => wait?.kind === 'lock');
			expect(lock).toMatchObject({kind: 'lock', relation: 'radacct', blockers: [lockerPid]});
			expect(describeWait(lock!)).toMatch(new RegExp(`^radacct is locked by pid ${lockerPid} for \\d+ s$`));
			expect(waits.at(-1)).toBeNull();
			// The server's statement timeout (6 s here) ended it; the error says why.
			expect(blocked.error).toBeInstanceOf(DatabaseLockedError);
			expect(describeError(blocked.error)).toMatch(
				new RegExp(`^radacct is locked by pid ${lockerPid} for \\d+ s \\(statement timeout\\)$`),
			);
			expect(blocked.ms).toBeLessThan(8000);
		} finally {
			await locker.query('ROLLBACK').catch(() => undefined);
			await locker.end();
		}
		expect((await database.pool.query('SELECT count(*)::int AS n FROM radacct')).rows[0].n).toBe(0);
	}, 30_000);

	it('without a look (the embedded database), the hard deadline ends a statement; a longer statement timeout moves it', async () => {
		const pool = new pg.Pool({
			connectionString: cluster.url,
			max: 1,
			Client: DeadlineClient,
			radtopProbe: false,
			radtopDeadlines: {probeAfterMs: 1000, probeMs: 1000, queryMs: 1500},
		} as pg.PoolConfig);
		pool.on('error', () => undefined);
		try {
			const client = await pool.connect();
			await client.query('SELECT 1');
			// 1 s of statement timeout: radtop waits that + 5 s, never less than its own 1.5 s.
			await client.query('SET statement_timeout = 1000');
			cluster.freeze();
			const longer = await timed(client.query('SELECT 2'));
			expect(longer.error).toBeInstanceOf(DatabaseNotAnsweringError);
			expect(longer.ms).toBeGreaterThan(5500);
			expect(longer.ms).toBeLessThan(8000);
			client.release(longer.error as Error);
			cluster.thaw();
			const fresh = await pool.connect();
			expect((fresh as unknown as DeadlineClient).queryDeadlineMs).toBe(1500);
			await fresh.query('SELECT 3');
			cluster.freeze();
			const plain = await timed(fresh.query('SELECT 4'));
			expect(plain.error).toBeInstanceOf(DatabaseNotAnsweringError);
			expect(plain.ms).toBeGreaterThan(1400);
			expect(plain.ms).toBeLessThan(3500);
			fresh.release(plain.error as Error);
		} finally {
			cluster.thaw();
			await pool.end();
		}
	}, 30_000);
});
