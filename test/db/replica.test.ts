/**
 * A read replica: the pure reading of REPLICA_QUERY's row, and a real primary with a real hot standby
 * (pg_basebackup -R) to prove the standby is detected, its lag measured (replay paused while the primary
 * writes) and the catching up seen, whatever the age of the last replayed transaction says.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import pg from 'pg';
import {connectDatabasePair, resolveReadUrl} from '../../source/db/database-pair.js';
import {
	formatLag,
	LagTracker,
	lagExceeds,
	readReplicaState,
	replicaBadge,
	replicaStateOf,
	type ReplicaState,
} from '../../source/db/replica.js';
import {standbyGate, type StandbyPair} from '../helpers/standby-cluster.js';

describe('replicaStateOf', () => {
	it('reads a primary', () => {
		expect(replicaStateOf({in_recovery: false, replayed_all: null, replay_age: null, paused: null, receiver: null})).toEqual({
			role: 'primary',
		});
	});

	it('takes a standby that replayed all it received while streaming as caught up, however old its last transaction', () => {
		const state = replicaStateOf({in_recovery: true, replayed_all: true, replay_age: 3600, paused: false, receiver: 'streaming'});
		expect(state).toEqual({role: 'standby', lagSeconds: 0, caughtUp: true, streaming: true, paused: false});
	});

	it('takes the age of the last replayed transaction as the lag when replay is behind what was received', () => {
		const state = replicaStateOf({in_recovery: true, replayed_all: false, replay_age: 42.4, paused: true, receiver: 'streaming'});
		expect(state).toEqual({role: 'standby', lagSeconds: 42.4, caughtUp: false, streaming: true, paused: true});
	});

	it('does not call a standby that is not streaming caught up', () => {
		const state = replicaStateOf({in_recovery: true, replayed_all: true, replay_age: 90, paused: false, receiver: null});
		expect(state).toMatchObject({lagSeconds: 90, caughtUp: false, streaming: false});
		expect(
			replicaStateOf({in_recovery: true, replayed_all: false, replay_age: null, paused: false, receiver: 'streaming'}),
		).toMatchObject({
			lagSeconds: null,
		});
	});
});

describe('replicaBadge', () => {
	const standby = (lagSeconds: number | null, extra: Partial<ReplicaState> = {}): ReplicaState =>
		({role: 'standby', lagSeconds, caughtUp: lagSeconds === 0, streaming: true, paused: false, ...extra}) as ReplicaState;

	it('shows nothing for a primary or before a reading', () => {
		expect(replicaBadge({role: 'primary'}, 5)).toBeNull();
		expect(replicaBadge(null, 5)).toBeNull();
	});

	it('shows the lag, and warns only above the poll interval', () => {
		expect(replicaBadge(standby(3), 5)).toEqual({text: 'standby · lag 3s', short: 'lag 3s', warn: false, status: null});
		expect(replicaBadge(standby(5), 5)?.warn).toBe(false);
		const late = replicaBadge(standby(250, {paused: true}), 5);
		expect(late?.text).toBe('standby · lag 4m 10s · replay paused');
		expect(late?.warn).toBe(true);
		expect(late?.status).toBe(
			'the standby is 4m 10s behind the primary (replay paused), more than the 5s poll: sessions shown may be that old',
		);
		expect(replicaBadge(standby(null), 5)?.status).toMatch(/^the standby cannot tell how far it is behind the primary/);
	});

	it('formats lags', () => {
		expect([formatLag(0), formatLag(59.6), formatLag(61), formatLag(7300), formatLag(null)]).toEqual([
			'0s',
			'1m 0s',
			'1m 1s',
			'2h 1m',
			'?',
		]);
		expect(lagExceeds({role: 'primary'}, 1)).toBe(false);
	});
});

describe('resolveReadUrl', () => {
	const profileTarget = {kind: 'url', url: 'postgres://radius@db1/radius', from: 'profile'} as const;

	it('takes --read-db first, then the profile read-database when the primary is the profile database', () => {
		expect(resolveReadUrl({flag: 'postgres://ro@db2/radius', profileReadDatabase: 'postgres://x@db3/r', primary: profileTarget})).toBe(
			'postgres://ro@db2/radius',
		);
		expect(resolveReadUrl({profileReadDatabase: 'postgres://x@db3/r', primary: profileTarget})).toBe('postgres://x@db3/r');
		expect(resolveReadUrl({primary: profileTarget})).toBeUndefined();
	});

	it('leaves the profile read-database out when --db or DATABASE_URL names another primary', () => {
		for (const from of ['flag', 'DATABASE_URL'] as const) {
			expect(resolveReadUrl({profileReadDatabase: 'postgres://x@db3/r', primary: {...profileTarget, from}})).toBeUndefined();
		}
	});

	it('refuses a read URL that is not postgres://, without printing it', () => {
		expect(() => resolveReadUrl({flag: 'mysql://u:hunter2@h/db', primary: profileTarget})).toThrow(
			'--read-db must be a postgres:// or postgresql:// URL, not mysql://',
		);
		expect(() => resolveReadUrl({flag: 'mysql://u:hunter2@h/db', primary: profileTarget})).not.toThrow(/hunter2/);
	});
});

const gate = standbyGate();

describe('a real hot standby', () => {
	let pair: StandbyPair;
	let primary: pg.Pool;
	let standby: pg.Pool;

	beforeAll(async () => {
		const started = await gate.start();
		if (!started) return;
		pair = started;
		primary = new pg.Pool({connectionString: pair.primaryUrl, max: 2});
		standby = new pg.Pool({connectionString: pair.standbyUrl, max: 2});
	}, 120_000);

	afterAll(async () => {
		await standby?.end();
		await primary?.end();
		await pair?.stop();
	});

	const itWithStandby = gate.skip ? it.skip : it;

	itWithStandby('tells the primary from the standby, and takes an idle primary for caught up', async () => {
		expect(await readReplicaState(primary)).toEqual({role: 'primary'});
		await primary.query('CREATE TABLE IF NOT EXISTS replica_probe (n int)');
		await primary.query('INSERT INTO replica_probe VALUES (1)');
		await pair.waitForReplay();
		// Nothing is written for 2 s: the last replayed transaction ages, the standby stays caught up.
		await new Promise((resolve) => setTimeout(resolve, 2100));
		const {rows} = await standby.query('SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS age');
		expect(Number(rows[0].age)).toBeGreaterThan(2);
		const state = await readReplicaState(standby);
		expect(state).toEqual({role: 'standby', lagSeconds: 0, caughtUp: true, streaming: true, paused: false});
		expect(replicaBadge(state, 1)).toEqual({text: 'standby · lag 0s', short: 'lag 0s', warn: false, status: null});
	});

	itWithStandby('measures the lag while replay is paused and the primary writes, and sees it caught up once resumed', async () => {
		await primary.query('CREATE TABLE IF NOT EXISTS replica_probe (n int)');
		await pair.waitForReplay();
		await standby.query('SELECT pg_wal_replay_pause()');
		try {
			await primary.query('INSERT INTO replica_probe VALUES (2)');
			// The insert reaches the standby's WAL but is not replayed: the lag is the age of the last replayed commit.
			let state = await readReplicaState(standby);
			const deadline = Date.now() + 10_000;
			while ((state.role !== 'standby' || (state.lagSeconds ?? 0) <= 1.5) && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 200));
				state = await readReplicaState(standby);
			}
			expect(state).toMatchObject({role: 'standby', caughtUp: false, streaming: true, paused: true});
			const first = state.role === 'standby' ? state.lagSeconds! : 0;
			expect(first).toBeGreaterThan(1.5);
			expect(lagExceeds(state, 1)).toBe(true);
			const badge = replicaBadge(state, 1)!;
			expect(badge.warn).toBe(true);
			expect(badge.text).toMatch(/^standby · lag \ds · replay paused$/);
			expect(badge.status).toMatch(/^the standby is \ds behind the primary \(replay paused\), more than the 1s poll/);
			await new Promise((resolve) => setTimeout(resolve, 1000));
			const later = await readReplicaState(standby);
			expect(later.role === 'standby' ? later.lagSeconds! : 0).toBeGreaterThan(first + 0.5);
			const {rows} = await standby.query('SELECT count(*)::int AS n FROM replica_probe WHERE n = 2');
			expect(rows[0].n).toBe(0);
		} finally {
			await standby.query('SELECT pg_wal_replay_resume()');
		}
		await pair.waitForReplay();
		const caughtUp = await readReplicaState(standby);
		expect(caughtUp).toEqual({role: 'standby', lagSeconds: 0, caughtUp: true, streaming: true, paused: false});
		expect(replicaBadge(caughtUp, 1)?.warn).toBe(false);
		const {rows} = await standby.query('SELECT count(*)::int AS n FROM replica_probe WHERE n = 2');
		expect(rows[0].n).toBe(1);
	});

	itWithStandby('opens the standby for reads and the primary for writes', async () => {
		const opened = await connectDatabasePair({kind: 'url', url: pair.primaryUrl, from: 'flag'}, pair.standbyUrl);
		try {
			expect(opened.separate).toBe(true);
			expect(opened.read.label).toBe(`postgres@127.0.0.1:${new URL(pair.standbyUrl).port}/radius`);
			expect(await readReplicaState(opened.read.pool)).toMatchObject({role: 'standby'});
			expect(await readReplicaState(opened.primary.pool)).toEqual({role: 'primary'});
		} finally {
			await opened.close();
		}
		const single = await connectDatabasePair({kind: 'url', url: pair.primaryUrl, from: 'flag'}, undefined);
		expect(single.read).toBe(single.primary);
		await single.close();
	});
});

describe('LagTracker', () => {
	const behind = (lagSeconds: number | null): ReplicaState => ({
		role: 'standby',
		lagSeconds,
		caughtUp: false,
		streaming: true,
		paused: true,
	});
	const caughtUp: ReplicaState = {role: 'standby', lagSeconds: 0, caughtUp: true, streaming: true, paused: false};

	it('bounds the lag by the time since the standby was last seen caught up', () => {
		const tracker = new LagTracker();
		// Nothing seen before: the age of the last replayed transaction is all there is.
		expect(tracker.observe(behind(600), 1_000)).toMatchObject({lagSeconds: 600});
		expect(tracker.observe(caughtUp, 10_000)).toBe(caughtUp);
		// The primary was idle for 10 min, then wrote while replay is paused: behind by at most 2.5 s.
		expect(tracker.observe(behind(600), 12_500)).toMatchObject({lagSeconds: 2.5});
		expect(tracker.observe(behind(1), 14_000)).toMatchObject({lagSeconds: 1});
		expect(tracker.observe(behind(null), 15_000)).toMatchObject({lagSeconds: 5});
	});

	it('forgets what it saw when the database turns out to be a primary', () => {
		const tracker = new LagTracker();
		tracker.observe(caughtUp, 1_000);
		expect(tracker.observe({role: 'primary'}, 2_000)).toEqual({role: 'primary'});
		expect(tracker.observe(behind(600), 3_000)).toMatchObject({lagSeconds: 600});
	});
});
