/**
 * The databases of two sites, `east` and `west`, each with FreeRADIUS's own stock schema (RADTOP_STOCK_SCHEMA, else
 * Debian's path; radtop's copy where neither is installed) and sessions of its own, for the exports over sites:
 *
 * - east: NAS bng-e (10.1.0.1); alice (started 1 h ago, group gold), carol (3 h ago).
 * - west: NAS bng-w (10.2.0.1); frank (30 min ago), bob (2 h ago, group silver).
 *
 * By start, newest first, the sites together are frank, alice, bob, carol; site by site, alice, carol, frank, bob.
 */
import {existsSync, readFileSync} from 'node:fs';
import type pg from 'pg';
import {createTestDatabase, insertSessions, type TestDatabase} from './test-database.js';

const STOCK_SCHEMA = process.env['RADTOP_STOCK_SCHEMA'] ?? '/etc/freeradius/3.0/mods-config/sql/main/postgresql/schema.sql';

/** A test database with the stock schema where it is installed. */
export async function createStockDatabase(): Promise<TestDatabase> {
	if (!existsSync(STOCK_SCHEMA)) return createTestDatabase();
	const database = await createTestDatabase({schema: false});
	const schema = readFileSync(STOCK_SCHEMA, 'utf8');
	if (database.pglite) await database.pglite.exec(schema);
	else await database.pool.query(schema);
	return database;
}

export interface SiteDatabases {
	readonly east: TestDatabase;
	readonly west: TestDatabase;
	close(): Promise<void>;
}

/** With PGlite a radtop child takes each database's one connection: the fixtures are written through PGlite itself. */
export const writerOf = (db: TestDatabase) => (db.pglite ?? db.pool) as unknown as pg.Pool;

/** Both sites' databases, with their NAS, sessions and groups. */
export async function createSiteDatabases(): Promise<SiteDatabases> {
	const [east, west] = await Promise.all([createStockDatabase(), createStockDatabase()]);
	const seed = async (db: TestDatabase, nas: {ip: string; name: string}, sessions: Array<[string, number]>, group: [string, string]) => {
		const writer = writerOf(db);
		await writer.query("INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, $2, 'other', 'site-nas-secret')", [
			nas.ip,
			nas.name,
		]);
		await insertSessions(
			writer,
			sessions.map(([username, startedAgo]) => ({username, nasipaddress: nas.ip, startedAgo, updatedAgo: 10})),
		);
		// The stock schema has FreeRADIUS's user tables; radtop's copy (where it is not installed) does not.
		await writer.query(
			'CREATE TABLE IF NOT EXISTS radusergroup (id serial PRIMARY KEY, username text NOT NULL, groupname text NOT NULL, priority integer NOT NULL DEFAULT 0)',
		);
		await writer.query('INSERT INTO radusergroup (username, groupname, priority) VALUES ($1, $2, 1)', group);
	};
	await seed(
		east,
		{ip: '10.1.0.1', name: 'bng-e'},
		[
			['alice', 3600],
			['carol', 3 * 3600],
		],
		['alice', 'gold'],
	);
	await seed(
		west,
		{ip: '10.2.0.1', name: 'bng-w'},
		[
			['frank', 1800],
			['bob', 2 * 3600],
		],
		['bob', 'silver'],
	);
	return {east, west, close: async () => void (await Promise.all([east.close(), west.close()]))};
}
