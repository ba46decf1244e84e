/**
 * Opens the database radtop reads: a small pg Pool on a real server, or the embedded PGlite behind its
 * loopback socket with exactly one connection. Every statement is short and autocommit.
 */
import pg from 'pg';
import {describeDatabaseUrl, describeEnvironmentDatabase, type DatabaseTarget} from './database-target.js';
import type {EmbeddedDatabase, EmbeddedSeed} from './embedded-database.js';
import type {Queryable} from './queryable.js';

export interface Database {
	/** Where radtop is connected, for the header: "user@host:port/db", never with a password. */
	readonly label: string;
	readonly pool: Queryable;
	/** The embedded database, when radtop runs on it (the demo). */
	readonly embedded?: EmbeddedDatabase;
	close(): Promise<void>;
}

export interface ConnectOptions {
	/** Server-side statement timeout, so a runaway query cannot pile up behind the poll. */
	readonly statementTimeoutMs?: number;
	readonly connectTimeoutMs?: number;
	readonly onProgress?: (message: string) => void;
	readonly env?: NodeJS.ProcessEnv;
	/** Writes the demo network, for a demo target (the demo's code, handed down by the caller). */
	readonly demoSeed?: EmbeddedSeed;
}

function makePool(config: pg.PoolConfig): pg.Pool {
	const pool = new pg.Pool(config);
	// An idle connection that the server drops emits 'error' on the pool; without a listener Node would
	// crash. The next query reports the outage instead.
	pool.on('error', () => undefined);
	return pool;
}

export async function connectDatabase(target: DatabaseTarget, options: ConnectOptions = {}): Promise<Database> {
	const common: pg.PoolConfig = {
		application_name: 'radtop',
		connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
		statement_timeout: options.statementTimeoutMs ?? 15_000,
		idleTimeoutMillis: 30_000,
		keepAlive: true,
	};
	if (target.kind === 'demo') {
		// PGlite is large: loaded only when the demo asks for it, so every other command starts fast.
		if (!options.demoSeed) throw new Error('the demo database needs the demo network to seed it');
		const {startEmbeddedDatabase} = await import('./embedded-database.js');
		const embedded = await startEmbeddedDatabase({contents: 'demo', seed: options.demoSeed, onProgress: options.onProgress});
		const pool = makePool({...common, connectionString: embedded.url, max: 1, idleTimeoutMillis: 0});
		return {
			label: 'demo (embedded)',
			pool,
			embedded,
			async close() {
				await pool.end().catch(() => undefined);
				await embedded.close();
			},
		};
	}
	// radtop's statements are short; JIT compilation would cost more than it saves (tens of ms per poll).
	const server: pg.PoolConfig = {...common, max: 2, options: '-c jit=off'};
	const pool = target.kind === 'url' ? makePool({...server, connectionString: target.url}) : makePool(server);
	return {
		label: target.kind === 'url' ? describeDatabaseUrl(target.url) : describeEnvironmentDatabase(options.env ?? process.env),
		pool,
		async close() {
			await pool.end().catch(() => undefined);
		},
	};
}
