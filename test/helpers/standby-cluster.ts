/**
 * A primary and its hot standby of one test file's own, on loopback ports: a throwaway cluster made with
 * initdb (the FreeRADIUS tables in its `radius` database), and a standby cloned from it with
 * `pg_basebackup -R` (streaming replication, `hot_standby` on), as a site's read replica would be.
 *
 * Needs PostgreSQL's server binaries (/usr/lib/postgresql/N/bin); run as root it runs them as the postgres
 * user, as CI does. {@link standbyUnavailable} says why none can be made here.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {FREERADIUS_SCHEMA_SQL} from '../../source/db/freeradius-schema.js';

const asRoot = process.getuid?.() === 0;

function binDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((name) => ['initdb', 'pg_ctl', 'pg_basebackup'].every((tool) => existsSync(join(root, name, 'bin', tool))))
		.sort((a, b) => Number(b) - Number(a));
	return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Why no primary and standby can be started here, or undefined when they can. */
export function standbyUnavailable(): string | undefined {
	if (!binDir()) return 'PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found under /usr/lib/postgresql';
	if (asRoot && spawnSync('id', ['-u', 'postgres']).status !== 0)
		return 'running as root, but there is no postgres user to run initdb as';
	return undefined;
}

function run(bin: string, args: readonly string[]): string {
	const command = asRoot ? 'runuser' : bin;
	const argv = asRoot ? ['-u', 'postgres', '--', bin, ...args] : [...args];
	return execFileSync(command, argv, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
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
	const bin = binDir()!;
	const dir = mkdtempSync(join(tmpdir(), 'radtop-standby-'));
	chmodSync(dir, 0o777);
	if (asRoot) execFileSync('chown', ['postgres:', dir]);
	const primaryData = join(dir, 'primary');
	const standbyData = join(dir, 'standby');
	const started: string[] = [];
	const pgCtl = join(bin, 'pg_ctl');
	const start = (data: string, port: number, log: string) => {
		const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=30 -c shared_buffers=16MB`;
		run(pgCtl, ['-D', data, '-l', join(dir, log), '-w', '-t', '60', '-o', options, 'start']);
		started.push(data);
	};
	const stop = async () => {
		for (const data of started.splice(0).reverse()) {
			try {
				run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} catch {
				// already down
			}
		}
		rmSync(dir, {recursive: true, force: true});
	};
	try {
		run(join(bin, 'initdb'), ['-D', primaryData, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
		const primaryPort = await freePort();
		start(primaryData, primaryPort, 'primary.log');
		const admin = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
		await query(admin, 'CREATE DATABASE radius');
		const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/radius`;
		await query(primaryUrl, FREERADIUS_SCHEMA_SQL);
		run(join(bin, 'pg_basebackup'), [
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
