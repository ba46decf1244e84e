/**
 * radtop against a PostgreSQL that stops answering (a cluster of this file's own, frozen with SIGSTOP: never
 * the shared server other files use) and against a radacct locked by another transaction: the console's poll,
 * a disconnect's stop watch, an export and a sweep each end within their bound and say why.
 */
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {connectDatabase, type Database} from '../../source/db/connect.js';
import {DatabaseLockedError, DatabaseNotAnsweringError, describeWait, type DatabaseWait} from '../../source/db/database-wait.js';
import {describeError} from '../../source/db/errors.js';
import type {DisconnectAuditRecord} from '../../source/disconnect/audit-records.js';
import {executeDisconnect} from '../../source/disconnect/executor.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {exportSessionsToFile} from '../../source/sessions/export-file.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {listStale} from '../../source/sweep/sweep.js';
import {requestFor, startSessionPolling} from '../../source/ui/session-polling.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiState} from '../../source/ui/state-types.js';
import {statusLine} from '../../source/ui/status-line.js';
import {registryFor, testCoaClient} from '../disconnect/harness.js';
import {startFakeCoaNas} from '../helpers/fake-coa-nas.js';
import {clusterUnavailable, startFrozenCluster, type FrozenCluster} from '../helpers/frozen-cluster.js';
import {insertSessions} from '../helpers/test-database.js';

const unavailable = clusterUnavailable();

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const started = performance.now();
	while (!check()) {
		if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

async function timed<T>(work: Promise<T>): Promise<{ms: number; value?: T; error?: unknown}> {
	const started = performance.now();
	try {
		return {ms: performance.now() - started, value: await work};
	} catch (error) {
		return {ms: performance.now() - started, error};
	}
}

describe.skipIf(unavailable !== undefined)(`a database that stops answering${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
	let cluster: FrozenCluster;
	let writer: pg.Pool;
	let database: Database;
	let locker: pg.Client | undefined;

	beforeAll(async () => {
		cluster = await startFrozenCluster();
		writer = new pg.Pool({connectionString: cluster.url, max: 1});
		writer.on('error', () => undefined);
	}, 60_000);

	afterAll(async () => {
		cluster?.thaw();
		await writer?.end();
		await cluster?.stop();
	}, 30_000);

	beforeEach(async () => {
		await writer.query('TRUNCATE radacct');
		database = await connectDatabase({kind: 'url', url: cluster.url, from: 'flag'}, {statementTimeoutMs: 8000});
	});

	afterEach(async () => {
		cluster.thaw();
		await locker?.query('ROLLBACK').catch(() => undefined);
		await locker?.end().catch(() => undefined);
		locker = undefined;
		await database.close();
	}, 20_000);

	/** Holds ACCESS EXCLUSIVE on radacct in an open transaction; returns the holder's pid. */
	async function lockRadacct(): Promise<number> {
		locker = new pg.Client({connectionString: cluster.url});
		await locker.connect();
		await locker.query('BEGIN');
		await locker.query('LOCK TABLE radacct IN ACCESS EXCLUSIVE MODE');
		return (locker as unknown as {processID: number}).processID;
	}

	/** The console's poll as use-sessions runs it, folded into the console's state. */
	async function console(intervalMs: number) {
		const source = await SessionSource.open(database.pool);
		const box = {state: initialState({intervalSeconds: intervalMs / 1000}) as UiState};
		const dispatch = (action: Parameters<typeof reducer>[1]) => {
			box.state = reducer(box.state, action);
		};
		const polling = startSessionPolling(source, requestFor(box.state.query, 0, 10), dispatch, {intervalMs, maxBackoffMs: 2000});
		const status = () =>
			statusLine({
				error: box.state.error,
				message: box.state.message,
				wait: box.state.dbWait,
				pollStartedAt: box.state.pollStartedAt,
				fetchedAt: box.state.snapshot?.fetchedAt ?? null,
				now: Date.now(),
				intervalSeconds: box.state.intervalSeconds,
				paused: false,
				retryInSeconds: null,
			}).text;
		return {box, status, stop: () => polling.stop()};
	}

	it('the console says the database is not answering within the interval + 5 s, then recovers after the thaw', async () => {
		await insertSessions(writer, [{username: 'alice', nasipaddress: '10.20.0.1'}]);
		const view = await console(1000);
		try {
			await until(() => view.box.state.snapshot !== null, 10_000, 'a first snapshot');
			expect(view.status()).toBe('database: ok');
			cluster.freeze();
			const frozenAt = Date.now();
			await until(() => view.box.state.error?.kind === 'not-answering', 9000, 'not answering');
			// The bound: one interval (1 s) + 5 s, with slack for a loaded machine.
			expect(Date.now() - frozenAt).toBeLessThan(8500);
			expect(view.status()).toMatch(/^database not answering for \d+ s · showing data from \d+ s ago, retrying$/);
			await new Promise((resolve) => setTimeout(resolve, 3000));
			// The failures go on; the line still says since when, never ok.
			expect(view.status()).toMatch(/^database not answering for \d+ s · showing data from \d+ s ago/);
			cluster.thaw();
			const thawedAt = Date.now();
			await until(() => (view.box.state.snapshot?.fetchedAt ?? 0) > thawedAt, 10_000, 'a snapshot after the thaw');
			expect(view.box.state.error).toBeNull();
			expect(view.status()).toBe('database reachable again');
			expect(view.box.state.snapshot?.rows.map((row) => row.username)).toEqual(['alice']);
		} finally {
			view.stop();
		}
	}, 40_000);

	it('the console names a lock on radacct and the pid holding it, then reads again once it is released', async () => {
		await insertSessions(writer, [{username: 'alice', nasipaddress: '10.20.0.1'}]);
		const view = await console(1000);
		try {
			await until(() => view.box.state.snapshot !== null, 10_000, 'a first snapshot');
			const pid = await lockRadacct();
			await until(() => view.box.state.dbWait !== null, 8000, 'the lock reported');
			expect(view.status()).toMatch(
				new RegExp(`^radacct is locked by pid ${pid} for \\d+ s: waiting · showing data from \\d+ s ago$`),
			);
			expect(view.status()).not.toMatch(/unreachable/);
			await locker!.query('ROLLBACK');
			const releasedAt = Date.now();
			await until(() => (view.box.state.snapshot?.fetchedAt ?? 0) > releasedAt, 8000, 'a snapshot after the lock');
			expect(view.box.state.dbWait).toBeNull();
		} finally {
			view.stop();
		}
	}, 40_000);

	it('a disconnect whose stop-watch reads hang ends at --confirm-within, and writes its end record with the stops unconfirmed', async () => {
		const ids = await insertSessions(writer, [
			{username: 'alice', nasipaddress: '10.20.0.1', acctsessionid: 'f1'},
			{username: 'bob', nasipaddress: '10.20.0.1', acctsessionid: 'f2'},
		]);
		const nas = await startFakeCoaNas({secret: 'coa-Secret-for-bng-1', answer: () => ({code: PacketCode.DisconnectAck})});
		const coaClient = testCoaClient();
		const records: Array<DisconnectAuditRecord & {at: number}> = [];
		// The database freezes the moment the begin record is written: every request is ACKed, no stop can be read.
		const audit = {
			async append(record: DisconnectAuditRecord) {
				records.push({...structuredClone(record), at: performance.now()});
				if (records.length === 1) cluster.freeze();
			},
		};
		try {
			const result = await executeDisconnect(
				{kind: 'sessions', radacctids: ids},
				{db: database.pool, registry: registryFor(nas), coaClient, audit},
				{method: 'coa', confirmStopWithinMs: 2000, confirmPollMs: 200},
			);
			// Progress records may come between (they go to the log, not to the frozen database).
			const ends = records.filter((record) => record.event !== 'disconnect.progress');
			expect(ends.map((record) => record.event)).toEqual(['disconnect.begin', 'disconnect.end']);
			// Sent and ACKed in well under a second, then 2 s of watching, and the bounded looks at radacct around
			// the sending (0.5 s before, 0.5 s after the ACKs, 0.3 s to unlock): not the 5 s a hung read would take.
			expect(ends[1]!.at - ends[0]!.at).toBeLessThan(4000);
			expect(result.results.map((entry) => [entry.outcome, entry.stop])).toEqual([
				['coa', 'not_confirmed'],
				['coa', 'not_confirmed'],
			]);
			const end = ends[1] as unknown as {sessions: Array<{stop: string | null}>};
			expect(end.sessions.map((entry) => entry.stop)).toEqual(['not_confirmed', 'not_confirmed']);
		} finally {
			cluster.thaw();
			await coaClient.close();
			await nas.close();
		}
	}, 30_000);

	describe('export', () => {
		let directory: string;

		beforeEach(() => {
			directory = mkdtempSync(join(tmpdir(), 'radtop-frozen-export-'));
		});

		afterEach(() => {
			rmSync(directory, {recursive: true, force: true});
		});

		const sort = {key: 'start', direction: 'desc'} as const;

		it('on a frozen server ends with a clear error within its bound, and leaves no file', async () => {
			await insertSessions(writer, [{username: 'alice'}]);
			await database.pool.query('SELECT 1');
			cluster.freeze();
			const path = join(directory, 'sessions.csv');
			const run = await timed(exportSessionsToFile(database.pool, {status: 'active'}, sort, {idleMs: 30_000}, path));
			expect(run.error).toBeInstanceOf(DatabaseNotAnsweringError);
			expect(describeError(run.error)).toBe('database not answering (no reply in 5 s)');
			expect(run.ms).toBeLessThan(8000);
			expect(readdirSync(directory)).toEqual([]);
		}, 20_000);

		it('waiting on a lock, says who holds it, ends at the idle deadline naming the lock, and leaves no file', async () => {
			await insertSessions(writer, [{username: 'alice'}]);
			const pid = await lockRadacct();
			const waits: Array<DatabaseWait | null> = [];
			const unsubscribe = database.waits!.subscribe((wait) => waits.push(wait));
			const path = join(directory, 'sessions.csv');
			const run = await timed(exportSessionsToFile(database.pool, {status: 'active'}, sort, {idleMs: 6000}, path));
			unsubscribe();
			expect(waits.find((wait) => wait?.kind === 'lock')).toMatchObject({relation: 'radacct', blockers: [pid]});
			expect(run.error).toBeInstanceOf(DatabaseLockedError);
			expect(describeError(run.error)).toMatch(
				new RegExp(`^radacct is locked by pid ${pid} for \\d+ s \\(nothing received for 6 s\\)$`),
			);
			expect(run.ms).toBeGreaterThan(5500);
			expect(run.ms).toBeLessThan(9000);
			expect(readdirSync(directory)).toEqual([]);
		}, 20_000);
	});

	describe('sweep', () => {
		const listing = {staleAfterSeconds: 600, limit: 100};

		it('on a frozen server the listing ends within 5 s with a clear error', async () => {
			const source = await SessionSource.open(database.pool);
			cluster.freeze();
			const run = await timed(listStale(database.pool, listing, source.columns, () => null));
			expect(run.error).toBeInstanceOf(DatabaseNotAnsweringError);
			expect(run.ms).toBeLessThan(8000);
		}, 20_000);

		it('waiting on a lock, reports it as it is seen, and lists once it is released', async () => {
			const source = await SessionSource.open(database.pool);
			await insertSessions(writer, [{username: 'ghost', startedAgo: 7200, updatedAgo: 3600}]);
			const pid = await lockRadacct();
			const waits: Array<DatabaseWait | null> = [];
			const unsubscribe = database.waits!.subscribe((wait) => waits.push(wait));
			const listed = listStale(database.pool, listing, source.columns, () => null);
			await until(() => waits.some((wait) => wait?.kind === 'lock'), 8000, 'the lock reported');
			expect(describeWait(waits.find((wait) => wait?.kind === 'lock')!)).toMatch(
				new RegExp(`^radacct is locked by pid ${pid} for \\d+ s$`),
			);
			await locker!.query('ROLLBACK');
			const {stale} = await listed;
			unsubscribe();
			expect(stale.map((entry) => entry.session.username)).toEqual(['ghost']);
			expect(waits.at(-1)).toBeNull();
		}, 20_000);
	});
});
