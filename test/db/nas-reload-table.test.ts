/**
 * FreeRADIUS's nasreload read on a real database (PostgreSQL when DATABASE_URL is set, else the embedded
 * PGlite): with rows, empty, missing, and unreadable by the role, always without an error; and the poll's
 * snapshot carrying it, with the ghost candidates it makes of the sessions read in the same poll.
 */
import type pg from 'pg';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {loadNasReloads, probeNasReloadTable, readNasReloads} from '../../source/db/nas-reload-table.js';
import {isGhostCandidate} from '../../source/sessions/ghost.js';
import {RateTracker} from '../../source/sessions/session-math.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {fetchSnapshot} from '../../source/sessions/snapshot.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
});

afterAll(async () => {
	await db?.close();
});

beforeEach(async () => {
	await db.pool.query('DROP TABLE IF EXISTS nasreload');
	await db.pool.query('CREATE TABLE nasreload (nasipaddress inet PRIMARY KEY, reloadtime timestamp with time zone NOT NULL)');
	await db.pool.query('DELETE FROM radacct');
});

async function reloadAgo(ip: string, seconds: number): Promise<void> {
	await db.pool.query("INSERT INTO nasreload (nasipaddress, reloadtime) VALUES ($1::inet, now() - $2 * interval '1 second')", [
		ip,
		seconds,
	]);
}

describe('reading nasreload', () => {
	it('gives each NAS its reload by its address as radacct is read, IPv6 included', async () => {
		await db.pool.query(
			"INSERT INTO nasreload VALUES ('10.20.0.2/32', '2026-12-03T09:12:05.250Z'), ('2001:0db8:0:0::2', '2026-12-01T23:00:00Z')",
		);
		const reloads = await loadNasReloads(db.pool);
		expect(reloads.skipped).toBeNull();
		expect([...reloads.byIp.keys()].sort()).toEqual(['10.20.0.2', '2001:db8::2']);
		expect(reloads.byIp.get('10.20.0.2')!.toISOString()).toBe('2026-12-03T09:12:05.250Z');
		expect(reloads.byIp.get('2001:db8::2')!.toISOString()).toBe('2026-12-01T23:00:00.000Z');
	});

	it('an empty table is read, and knows no reload', async () => {
		const reloads = await loadNasReloads(db.pool);
		expect(reloads).toEqual({skipped: null, byIp: new Map()});
	});

	it('a missing table is skipped with the reason, never an error', async () => {
		await db.pool.query('DROP TABLE nasreload');
		const table = await probeNasReloadTable(db.pool);
		expect(table).toEqual({readable: false, skipped: 'there is no nasreload table'});
		expect(await readNasReloads(db.pool, table)).toEqual({skipped: 'there is no nasreload table', byIp: new Map()});
	});

	it('a table dropped after the probe is skipped with the reason', async () => {
		const table = await probeNasReloadTable(db.pool);
		await db.pool.query('DROP TABLE nasreload');
		const reloads = await readNasReloads(db.pool, table);
		expect(reloads.byIp.size).toBe(0);
		expect(reloads.skipped).toMatch(/^nasreload could not be read: relation "nasreload" does not exist/);
		// The embedded database's socket drops a connection after a failed statement: the pool opens another.
		await db.pool.query('SELECT 1').catch(() => undefined);
	});

	it('a table without the stock columns is skipped', async () => {
		await db.pool.query('DROP TABLE nasreload; CREATE TABLE nasreload (nasipaddress inet PRIMARY KEY, reloaded timestamptz)');
		expect(await probeNasReloadTable(db.pool)).toEqual({readable: false, skipped: 'nasreload has no reloadtime column'});
	});

	it('a table this role may not read is skipped, without a permission error', async () => {
		await reloadAgo('10.20.0.2', 600);
		const role = `radtop_noreload_${process.pid}`;
		await db.pool.query(`CREATE ROLE ${role}`);
		await db.pool.query(`GRANT SELECT ON radacct, nas TO ${role}`);
		const client = await db.pool.connect();
		try {
			await client.query(`SET ROLE ${role}`);
			const reloads = await loadNasReloads(client);
			expect(reloads).toEqual({skipped: 'nasreload may not be read by this database role', byIp: new Map()});
		} finally {
			await client.query('RESET ROLE');
			client.release();
			await db.pool.query(`REVOKE ALL ON radacct, nas FROM ${role}; DROP ROLE ${role}`);
		}
	});
});

describe('the poll', () => {
	async function snapshotOf() {
		const source = await SessionSource.open(db.pool);
		const request = {key: 'k', filter: {status: 'active'}, sort: {key: 'start', direction: 'desc'}, offset: 0, limit: 20} as const;
		return fetchSnapshot(source, request, new RateTracker());
	}

	it('reads nasreload once per snapshot, and marks exactly the sessions last heard of before the reload', async () => {
		await reloadAgo('10.20.0.2', 600);
		const ids = await insertSessions(db.pool as pg.Pool, [
			{username: 'ghost', nasipaddress: '10.20.0.2', startedAgo: 7200, updatedAgo: 900},
			{username: 'survivor', nasipaddress: '10.20.0.2', startedAgo: 7200, updatedAgo: 60},
			{username: 'after', nasipaddress: '10.20.0.2', startedAgo: 300, updatedAgo: 60},
			{username: 'no-update', nasipaddress: '10.20.0.2', startedAgo: 1200, updatedAgo: 1200},
			{username: 'other-nas', nasipaddress: '10.20.0.1', startedAgo: 7200, updatedAgo: 900},
			{username: 'closed', nasipaddress: '10.20.0.2', startedAgo: 7200, updatedAgo: 900, stoppedAgo: 800},
		]);
		const statements: string[] = [];
		const source = await SessionSource.open({
			query: (text: string, values?: unknown[]) => {
				statements.push(text);
				return db.pool.query(text, values);
			},
		});
		statements.length = 0;
		const snapshot = await fetchSnapshot(
			source,
			{key: 'k', filter: {status: 'all'}, sort: {key: 'start', direction: 'desc'}, offset: 0, limit: 20},
			new RateTracker(),
		);
		expect(statements.filter((text) => text.includes('FROM nasreload'))).toHaveLength(1);
		expect([...snapshot.reloads!.keys()]).toEqual(['10.20.0.2']);
		const ghosts = snapshot.rows.filter((row) => isGhostCandidate(row, snapshot.reloads!.get(row.nasipaddress)));
		expect(ghosts.map((row) => row.username).sort()).toEqual(['ghost', 'no-update']);
		expect(ids).toHaveLength(6);
	});

	it('without nasreload the snapshot knows no reload, and the poll goes on', async () => {
		await db.pool.query('DROP TABLE nasreload');
		await insertSessions(db.pool as pg.Pool, [{username: 'alice', nasipaddress: '10.20.0.2', startedAgo: 7200, updatedAgo: 900}]);
		const snapshot = await snapshotOf();
		expect(snapshot.rows.map((row) => row.username)).toEqual(['alice']);
		expect(snapshot.reloads?.size).toBe(0);
	});

	it('an empty nasreload marks nothing', async () => {
		await insertSessions(db.pool as pg.Pool, [{username: 'alice', nasipaddress: '10.20.0.2', startedAgo: 7200, updatedAgo: 900}]);
		const snapshot = await snapshotOf();
		expect(snapshot.reloads?.size).toBe(0);
		expect(snapshot.rows.filter((row) => isGhostCandidate(row, snapshot.reloads!.get(row.nasipaddress)))).toEqual([]);
	});
});
