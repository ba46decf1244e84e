/**
 * Opens the database radtop reads: a small pg Pool on a real server, or the embedded PGlite behind its
 * loopback socket with exactly one connection. Every statement is short and autocommit.
 *
 * Every statement has a client-side deadline (`deadline.ts`): a server that stops answering is detected
 * within 5 s of a statement's start (3 s, then a 2 s look from another connection), a new connection waits at
 * most 5 s (connectionTimeoutMillis), and no statement waits past the statement timeout + 5 s. A connection
 * that missed its deadline is destroyed, and the pool opens a new one for the next statement. TCP keepalive
 * (first probe after 10 s idle) lets the kernel find a connection cut by a partition while it sits idle.
 */
import pg from 'pg';
import {WaitMonitor} from './database-wait.js';
import {DEFAULT_DEADLINES, DeadlineClient, type DeadlineConfig, type Deadlines} from './deadline.js';
import {describeDatabaseUrl, describeEnvironmentDatabase, type DatabaseTarget} from './database-target.js';
import type {EmbeddedDatabase, EmbeddedSeed} from './embedded-database.js';
import type {Queryable} from './queryable.js';

export interface Database {
	/** Where radtop is connected, for the header: "user@host:port/db", never with a password. */
	readonly label: string;
	readonly pool: Queryable;
	/** The embedded database, when radtop runs on it (the demo). */
	readonly embedded?: EmbeddedDatabase;
	/** What statements in flight are waiting for (a lock, a server that does not answer), as it is seen. */
	readonly waits?: WaitMonitor;
	close(): Promise<void>;
}

export interface ConnectOptions {
	/** Server-side statement timeout, so a runaway query cannot pile up behind the poll. */
	readonly statementTimeoutMs?: number;
	readonly connectTimeoutMs?: number;
	/** Client-side deadlines of each statement; default: 3 s before a look, 2 s for it, statement timeout + 5 s in all. */
	readonly deadlines?: Partial<Deadlines>;
	readonly onProgress?: (message: string) => void;
	readonly env?: NodeJS.ProcessEnv;
	/** Writes the demo network, for a demo target (the demo's code, handed down by the caller). */
	readonly demoSeed?: EmbeddedSeed;
}

function makePool(config: pg.PoolConfig & DeadlineConfig): pg.Pool {
	const pool = new pg.Pool({...config, Client: DeadlineClient});
	// An idle connection that the server drops emits 'error' on the pool; without a listener Node would
	// crash. The next query reports the outage instead.
	pool.on('error', () => undefined);
	return pool;
}

/**
 * Ends the pool: each connection says goodbye, but one to a server that stopped answering would wait for its
 * close for as long as the freeze lasts, so after 1 s what is left is destroyed.
 */
async function endPool(pool: pg.Pool): Promise<void> {
	const clients = [...((pool as unknown as {_clients?: pg.Client[]})._clients ?? [])];
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<void>((resolve) => {
		timer = setTimeout(resolve, 1000);
	});
	await Promise.race([pool.end().catch(() => undefined), late]);
	clearTimeout(timer);
	for (const client of clients) (client as unknown as {connection?: {stream?: {destroy(): void}}}).connection?.stream?.destroy();
}

export async function connectDatabase(target: DatabaseTarget, options: ConnectOptions = {}): Promise<Database> {
	const statementTimeout = options.statementTimeoutMs ?? 15_000;
	const waits = new WaitMonitor();
	const common: pg.PoolConfig & DeadlineConfig = {
		application_name: 'radtop',
		connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
		statement_timeout: statementTimeout,
		idleTimeoutMillis: 30_000,
		keepAlive: true,
		keepAliveInitialDelayMillis: 10_000,
		radtopDeadlines: {...DEFAULT_DEADLINES, queryMs: statementTimeout + 5000, ...options.deadlines},
		radtopWaits: waits,
	};
	if (target.kind === 'demo') {
		// PGlite is large: loaded only when the demo asks for it, so every other command starts fast.
		if (!options.demoSeed) throw new Error('the demo database needs the demo network to seed it');
		const {startEmbeddedDatabase} = await import('./embedded-database.js');
		const embedded = await startEmbeddedDatabase({
			contents: 'demo',
			seed: options.demoSeed,
			onProgress: options.onProgress,
			...(target.site ? {site: target.site} : {}),
		});
		// One connection only: no second one can look at a wait, so only the hard deadline applies.
		const pool = makePool({...common, connectionString: embedded.url, max: 1, idleTimeoutMillis: 0, radtopProbe: false});
		return {
			label: target.site ? `demo ${target.site} (embedded)` : 'demo (embedded)',
			pool,
			embedded,
			waits,
			async close() {
				await endPool(pool);
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
		waits,
		async close() {
			await endPool(pool);
		},
	};
}
