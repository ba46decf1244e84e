/**
 * A throwaway database with the FreeRADIUS tables for one test file: a fresh database on the PostgreSQL
 * server named by DATABASE_URL (CI), else the embedded PGlite (a fresh copy), reached through `pg` either way.
 */
import {randomBytes} from 'node:crypto';
import type {PGlite} from '@electric-sql/pglite';
import pg from 'pg';
import {startEmbeddedDatabase} from '../../source/db/embedded-database.js';
import {FREERADIUS_SCHEMA_SQL} from '../../source/db/freeradius-schema.js';

export interface TestDatabase {
	readonly kind: 'postgresql' | 'pglite';
	readonly url: string;
	/** One connection: the embedded database serves one at a time, and tests want a deterministic order. */
	readonly pool: pg.Pool;
	/**
	 * The embedded database's PGlite instance ('pglite' kind only), for in-process writers such as the NAS
	 * simulator: its loopback socket serves one connection, which a radtop child process may need.
	 */
	readonly pglite?: PGlite;
	close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}

export async function createTestDatabase(options: {schema?: boolean; embedded?: boolean} = {}): Promise<TestDatabase> {
	// `embedded`: the PGlite even when DATABASE_URL is set, for a test that runs against both.
	const adminUrl = options.embedded ? undefined : process.env['DATABASE_URL'];
	if (adminUrl) {
		const name = `radtop_test_${process.pid}_${randomBytes(4).toString('hex')}`;
		const admin = new pg.Client({connectionString: adminUrl});
		await admin.connect();
		await admin.query(`CREATE DATABASE ${name}`);
		await admin.end();
		const url = withDatabase(adminUrl, name);
		const pool = new pg.Pool({connectionString: url, max: 1});
		pool.on('error', () => undefined);
		if (options.schema ?? true) await pool.query(FREERADIUS_SCHEMA_SQL);
		return {
			kind: 'postgresql',
			url,
			pool,
			async close() {
				await pool.end();
				const cleanup = new pg.Client({connectionString: adminUrl});
				await cleanup.connect();
				await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
				await cleanup.end();
			},
		};
	}
	const embedded = await startEmbeddedDatabase({contents: 'empty'});
	const pool = new pg.Pool({connectionString: embedded.url, max: 1});
	pool.on('error', () => undefined);
	if (options.schema === false) await pool.query('DROP TABLE radacct; DROP TABLE nas');
	return {
		kind: 'pglite',
		url: embedded.url,
		pool,
		pglite: embedded.pglite,
		async close() {
			await pool.end();
			await embedded.close();
		},
	};
}

/** Columns a fixture may set; the rest take the values FreeRADIUS's Start query writes. */
export interface FixtureSession {
	username: string | null;
	nasipaddress?: string;
	acctsessionid?: string;
	acctuniqueid?: string;
	framedipaddress?: string | null;
	callingstationid?: string | null;
	/** Seconds before the database's now(). */
	startedAgo?: number;
	updatedAgo?: number | null;
	stoppedAgo?: number | null;
	acctinterval?: number | null;
	acctinputoctets?: number;
	acctoutputoctets?: number;
	acctterminatecause?: string | null;
}

let counter = 0;

/** Inserts sessions; returns their radacctids in order. */
export async function insertSessions(db: pg.Pool, sessions: readonly FixtureSession[]): Promise<string[]> {
	const ids: string[] = [];
	for (const session of sessions) {
		counter += 1;
		const started = session.startedAgo ?? 3600;
		const result = await db.query(
			`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime,
				acctstoptime, acctinterval, acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid,
				framedipaddress, acctterminatecause, nasporttype, servicetype, framedprotocol)
			VALUES ($1, $2, $3, $4::inet, now() - $5 * interval '1 second',
				CASE WHEN $6::float8 IS NULL THEN now() - $5 * interval '1 second' ELSE now() - $6 * interval '1 second' END,
				CASE WHEN $7::float8 IS NULL THEN NULL ELSE now() - $7 * interval '1 second' END,
				$8, 0, $9, $10, $11, $12::inet, $13, 'Ethernet', 'Framed-User', 'PPP')
			RETURNING radacctid::text AS id`,
			[
				session.acctsessionid ?? `s${counter.toString(16).padStart(8, '0')}`,
				session.acctuniqueid ?? `u${counter}-${randomBytes(6).toString('hex')}`,
				session.username,
				session.nasipaddress ?? '10.20.0.1',
				started,
				session.updatedAgo ?? null,
				session.stoppedAgo ?? null,
				session.acctinterval ?? null,
				session.acctinputoctets ?? 0,
				session.acctoutputoctets ?? 0,
				session.callingstationid === undefined ? 'AA:BB:CC:00:00:01' : session.callingstationid,
				session.framedipaddress === undefined ? '100.64.0.1' : session.framedipaddress,
				session.acctterminatecause ?? null,
			],
		);
		ids.push(result.rows[0].id as string);
	}
	return ids;
}
