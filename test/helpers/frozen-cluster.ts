/**
 * A PostgreSQL cluster of one test file's own, which the test may freeze (SIGSTOP to the postmaster and every
 * backend: the server stops answering while the kernel still holds its sockets open, as in a network
 * partition without a reset) and thaw (SIGCONT). Never the shared server other test files use.
 *
 * Needs PostgreSQL's server binaries (/usr/lib/postgresql/N/bin: initdb, pg_ctl); run as root it runs them as
 * the postgres user. `clusterUnavailable()` says why a test must skip, or undefined.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chmodSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {FREERADIUS_SCHEMA_SQL} from '../../source/db/freeradius-schema.js';

function binDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((name) => existsSync(join(root, name, 'bin', 'initdb')) && existsSync(join(root, name, 'bin', 'pg_ctl')))
		.sort((a, b) => Number(b) - Number(a));
	return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

const asRoot = process.getuid?.() === 0;

/** Why no cluster can be made here, or undefined when one can. */
export function clusterUnavailable(): string | undefined {
	if (!binDir()) return 'PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql';
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
	const bin = binDir()!;
	const dir = mkdtempSync(join(tmpdir(), 'radtop-frozen-pg-'));
	chmodSync(dir, 0o777);
	const data = join(dir, 'data');
	if (asRoot) execFileSync('chown', ['postgres:', dir]);
	run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
	const port = await freePort();
	run(join(bin, 'pg_ctl'), [
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
				run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
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
