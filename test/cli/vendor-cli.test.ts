/**
 * The MAC's vendor as a user gets it from the built CLI, against a real database (PostgreSQL when
 * DATABASE_URL is set, else the embedded PGlite): `sessions --json`, `sessions --search vendor:`, and
 * `export --columns ...,vendor` (FreeRADIUS's subscriber tables absent: the vendor needs none of them).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type pg from 'pg';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let db: TestDatabase;

beforeAll(async () => {
	assertBuilt();
	db = await createTestDatabase();
	await insertSessions((db.pglite ?? db.pool) as unknown as pg.Pool, [
		{username: 'apple', callingstationid: 'f0d1.a912.3456'},
		{username: 'phone', callingstationid: 'DA:A1:19:00:00:01'},
		{username: 'unlisted', callingstationid: '00-AB-E0-00-00-01'},
		{username: 'hotspot', callingstationid: 'guest@lobby'},
		{username: 'nomac', callingstationid: null},
	]);
}, 60_000);

afterAll(async () => {
	await db?.close();
});

describe('the vendor from the command line', () => {
	it('sessions --json gives each session its vendor: the registry name, random, or null', async () => {
		const run = await runCli(['sessions', '--db', db.url, '--json', '--sort', 'user']);
		expect(run.code).toBe(0);
		const sessions = (JSON.parse(run.stdout) as {sessions: Array<{username: string; vendor: string | null}>}).sessions;
		expect(Object.fromEntries(sessions.map((session) => [session.username, session.vendor]))).toEqual({
			apple: 'Apple, Inc.',
			phone: 'random',
			unlisted: null,
			hotspot: null,
			nomac: null,
		});
	});

	it('sessions --search vendor:apple and vendor:random; a vendor no one has is a usage error', async () => {
		const apple = await runCli(['sessions', '--db', db.url, '--json', '--search', 'vendor:apple']);
		expect((JSON.parse(apple.stdout) as {sessions: Array<{username: string}>}).sessions.map((s) => s.username)).toEqual(['apple']);
		const random = await runCli(['sessions', '--db', db.url, '--json', '--search', 'vendor:random']);
		expect((JSON.parse(random.stdout) as {sessions: Array<{username: string}>}).sessions.map((s) => s.username)).toEqual(['phone']);
		const none = await runCli(['sessions', '--db', db.url, '--search', 'vendor:zzqxno']);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain('no vendor in the IEEE registry has "zzqxno" in its name');
	});

	it('export --columns username,callingstationid,vendor', async () => {
		const run = await runCli([
			'export',
			'--db',
			db.url,
			'--columns',
			'username,callingstationid,vendor',
			'--sort',
			'user',
			'--order',
			'asc',
		]);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(parseCsv(run.stdout)).toEqual([
			['username', 'callingstationid', 'vendor'],
			['apple', 'f0d1.a912.3456', 'Apple, Inc.'],
			['hotspot', 'guest@lobby', ''],
			['nomac', '', ''],
			['phone', 'DA:A1:19:00:00:01', 'random'],
			['unlisted', '00-AB-E0-00-00-01', ''],
		]);
		const help = await runCli(['export', '--help']);
		expect(help.stdout).toContain('Device: vendor');
		expect(help.stdout).toContain('called: vendor: at:');
		expect((await runCli(['sessions', '--help'])).stdout).toContain("vendor:apple the MAC's vendor, vendor:random a randomized MAC");
	});
});
