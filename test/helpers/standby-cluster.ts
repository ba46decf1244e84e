/**
 * A primary and its hot standby of one test file's own, on loopback ports: a throwaway cluster made with
 * initdb (the FreeRADIUS tables in its `radius` database), and a standby cloned from it with
 * `pg_basebackup -R` (streaming replication, `hot_standby` on), as a site's read replica would be.
 *
 * Needs PostgreSQL's server binaries (/usr/lib/postgresql/N/bin); run as root it runs them as the postgres
 * user, as CI does. {@link standbyUnavailable} says why none can be made here.
 */
import {execFileSync} from 'node:child_process';
import {chmodSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {FREERADIUS_SCHEMA_SQL} from '../../source/db/freeradius-schema.js';
import {asRoot, freePort, runServerBinary, serverBinDir, serverUnavailable} from './pg-server-binaries.js';

/** The server binaries it runs. */
const TOOLS = ['initdb', 'pg_ctl', 'pg_basebackup'];

/** Why no primary and standby can be started here, or undefined when they can. */
export function standbyUnavailable(): string | undefined {
	return serverUnavailable(TOOLS);
}

export interface StandbyPair {
	/** postgres://postgres@127.0.0.1:PORT/radius of the primary, with the FreeRADIUS tables. */
	readonly primaryUrl: string;
	/** The same database on the hot standby. */
	readonly standbyUrl: string;
	/** Resolves once the standby has replayed everything the primary has written so far. */
	waitForReplay(timeoutMs?: number): Promise<void>;
	stop(): Promise<void>;
}

async function query(url: string, text: string): Promise<Record<string, unknown>[]> {
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		return (await client.query(text)).rows as Record<string, unknown>[];
	} finally {
		await client.end();
	}
}

/** Starts the primary, clones the standby from it and starts that; stop() removes both. */
export async function startStandbyPair(): Promise<StandbyPair> {
	const bin = serverBinDir(TOOLS)!;
	const dir = mkdtempSync(join(tmpdir(), 'radtop-standby-'));
	chmodSync(dir, 0o777);
	if (asRoot) execFileSync('chown', ['postgres:', dir]);
	const primaryData = join(dir, 'primary');
	const standbyData = join(dir, 'standby');
	const started: string[] = [];
	const pgCtl = join(bin, 'pg_ctl');
	const start = (data: string, port: number, log: string) => {
		const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=30 -c shared_buffers=16MB`;
		runServerBinary(pgCtl, ['-D', data, '-l', join(dir, log), '-w', '-t', '60', '-o', options, 'start']);
		started.push(data);
	};
	const stop = async () => {
		for (const data of started.splice(0).reverse()) {
			try {
				runServerBinary(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} catch {
				// already down
			}
		}
		rmSync(dir, {recursive: true, force: true});
	};
	try {
		runServerBinary(join(bin, 'initdb'), ['-D', primaryData, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
		const primaryPort = await freePort();
		start(primaryData, primaryPort, 'primary.log');
		const admin = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
		await query(admin, 'CREATE DATABASE radius');
		const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/radius`;
		await query(primaryUrl, FREERADIUS_SCHEMA_SQL);
		runServerBinary(join(bin, 'pg_basebackup'), [
			'-h',
			'127.0.0.1',
			'-p',
			String(primaryPort),
			'-U',
			'postgres',
			'-D',
			standbyData,
			'-R',
			'-X',
			'stream',
			// A fast checkpoint: the default spread one waits for most of checkpoint_timeout.
			'--checkpoint=fast',
			'--no-sync',
		]);
		const standbyPort = await freePort();
		start(standbyData, standbyPort, 'standby.log');
		const standbyUrl = `postgres://postgres@127.0.0.1:${standbyPort}/radius`;
		const waitForReplay = async (timeoutMs = 20_000) => {
			const [{lsn}] = (await query(primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn')) as [{lsn: string}];
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const [row] = await query(standbyUrl, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`);
				const [receiver] = await query(standbyUrl, 'SELECT status FROM pg_stat_wal_receiver');
				if (row?.['done'] === true && receiver?.['status'] === 'streaming') return;
				if (Date.now() > deadline) throw new Error(`the standby did not replay up to ${lsn} within ${timeoutMs} ms`);
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
		};
		await waitForReplay();
		return {primaryUrl, standbyUrl, waitForReplay, stop};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** A test file's real-standby tests: whether they are skipped here, and how they start their pair. */
export interface StandbyGate {
	/** No standby can be started and none is required (no DATABASE_URL): the tests are reported skipped. */
	readonly skip: boolean;
	/** The pair, or undefined where the tests are skipped; throws where a server is the test bed and none can start. */
	start(): Promise<StandbyPair | undefined>;
}

/** Where a PostgreSQL server is the test bed (DATABASE_URL, as in CI) a standby must be startable: no silent skip. */
export function standbyGate(env: NodeJS.ProcessEnv = process.env): StandbyGate {
	const unavailable = standbyUnavailable();
	const mustRun = Boolean(env['DATABASE_URL']);
	return {
		skip: unavailable !== undefined && !mustRun,
		async start() {
			if (unavailable === undefined) return startStandbyPair();
			if (mustRun) throw new Error(`no hot standby can be started for this test: ${unavailable}`);
			return undefined;
		},
	};
}
