/**
 * A PostgreSQL cluster of one test file's own, which the test may freeze (SIGSTOP to the postmaster and every
 * backend: the server stops answering while the kernel still holds its sockets open, as in a network
 * partition without a reset) and thaw (SIGCONT). Never the shared server other test files use.
 *
 * Needs PostgreSQL's server binaries (/usr/lib/postgresql/N/bin: initdb, pg_ctl); run as root it runs them as
 * the postgres user. `clusterUnavailable()` says why a test must skip, or undefined.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, chmodSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {FREERADIUS_SCHEMA_SQL} from '../../source/db/freeradius-schema.js';
import {asRoot, freePort, runServerBinary, serverBinDir, serverUnavailable} from './pg-server-binaries.js';

/** The server binaries it runs. */
const TOOLS = ['initdb', 'pg_ctl'];

/** Why no cluster can be made here, or undefined when one can. */
export function clusterUnavailable(): string | undefined {
	return serverUnavailable(TOOLS);
}

export interface FrozenCluster {
	/** postgres://postgres@127.0.0.1:PORT/radius, with the FreeRADIUS tables loaded. */
	readonly url: string;
	/** Stops the postmaster and every backend (SIGSTOP). */
	freeze(): void;
	/** Lets them run again (SIGCONT). */
	thaw(): void;
	stop(): Promise<void>;
}

/** The pids of the postmaster and all its children. */
function clusterPids(postmaster: number): number[] {
	const pids = [postmaster];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === postmaster) pids.push(Number(entry));
		} catch {
			// gone meanwhile
		}
	}
	return pids;
}

export async function startFrozenCluster(): Promise<FrozenCluster> {
	const bin = serverBinDir(TOOLS)!;
	const dir = mkdtempSync(join(tmpdir(), 'radtop-frozen-pg-'));
	chmodSync(dir, 0o777);
	const data = join(dir, 'data');
	if (asRoot) execFileSync('chown', ['postgres:', dir]);
	runServerBinary(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
	const port = await freePort();
	runServerBinary(join(bin, 'pg_ctl'), [
		'-D',
		data,
		'-l',
		join(dir, 'server.log'),
		'-w',
		'-o',
		`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40 -c shared_buffers=16MB`,
		'start',
	]);
	const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
	const admin = new pg.Client({connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`});
	await admin.connect();
	await admin.query('CREATE DATABASE radius');
	await admin.end();
	const url = `postgres://postgres@127.0.0.1:${port}/radius`;
	const schema = new pg.Client({connectionString: url});
	await schema.connect();
	await schema.query(FREERADIUS_SCHEMA_SQL);
	await schema.end();
	let frozen: number[] = [];
	const thaw = () => {
		for (const pid of frozen) {
			try {
				process.kill(pid, 'SIGCONT');
			} catch {
				// exited
			}
		}
		frozen = [];
	};
	return {
		url,
		freeze() {
			frozen = [];
			for (const pid of clusterPids(postmaster)) {
				try {
					process.kill(pid, 'SIGSTOP');
					frozen.push(pid);
				} catch (error) {
					// A backend that ended between the listing and the signal has nothing left to freeze.
					if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
				}
			}
		},
		thaw,
		async stop() {
			thaw();
			try {
				runServerBinary(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} catch {
				try {
					process.kill(postmaster, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
