/**
 * A throwaway PostgreSQL cluster for benchmarks: initdb into a temp dir, start it on a free loopback port with
 * trust auth and durability switched off, and remove everything on stop(), on Ctrl-C or when the process exits.
 *
 * As root, initdb and postgres refuse to run, so they run as the `postgres` system user (Debian's postgresql
 * package creates it) via runuser, and the temp dir is handed to that user.
 */
import {spawn, spawnSync} from 'node:child_process';
import {chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/** The bin directory of the newest PostgreSQL installed under /usr/lib/postgresql, or undefined. */
export function findPgBin() {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	const newest = versions[0];
	return newest === undefined ? undefined : join(root, newest, 'bin');
}

/** psql from the newest server install, else whatever `psql` is on PATH. */
export function findPsql() {
	const bin = findPgBin();
	return bin && existsSync(join(bin, 'psql')) ? join(bin, 'psql') : 'psql';
}

/** @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = /** @type {import('node:net').AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

/**
 * @param {string} user
 * @param {'-u' | '-g'} flag
 */
function idOf(user, flag) {
	const result = spawnSync('id', [flag, user], {encoding: 'utf8'});
	if (result.status !== 0) return undefined;
	return Number(result.stdout.trim());
}

/** @typedef {(file: string, args: string[]) => [string, string[]]} Wrap */

/**
 * How to run a server binary: directly, or as the postgres user when we are root.
 * Returns {command(args) -> [file, argv], uid, gid}.
 * @returns {{wrap: Wrap, owner: {uid: number, gid: number} | undefined}}
 */
function runner() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		return {wrap: (file, args) => [file, args], owner: undefined};
	}
	const uid = idOf('postgres', '-u');
	const gid = idOf('postgres', '-g');
	if (uid === undefined || gid === undefined) {
		throw new Error(
			"running as root, and there is no `postgres` system user to run initdb/postgres as (install Debian's postgresql package, or run as a normal user)",
		);
	}
	return {wrap: (file, args) => ['runuser', ['-u', 'postgres', '--', file, ...args]], owner: {uid, gid}};
}

/**
 * @param {Wrap} wrap
 * @param {string} file
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<string>} what the command printed
 */
function run(wrap, file, args, cwd) {
	const [command, argv] = wrap(file, args);
	return new Promise((resolve, reject) => {
		const child = spawn(command, argv, {cwd, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(output);
			else reject(new Error(`${file.split('/').pop()} ${args[0] ?? ''} failed (exit ${code}):\n${output.trim()}`));
		});
	});
}

/**
 * Starts a throwaway cluster. Resolves to {url, bin, stop()}: url is a postgres:// URL for the `postgres`
 * superuser on 127.0.0.1, stop() shuts the server down and deletes its files (safe to call twice).
 * `sharedBuffers`: the server's shared_buffers (default 256MB).
 */
/**
 * @param {{log?: (message: string) => void, sharedBuffers?: string}} [options]
 * @returns {Promise<{url: string, bin: string, dir: string, stop: () => Promise<void>}>}
 */
export async function startCluster({log = () => {}, sharedBuffers = '256MB'} = {}) {
	const bin = findPgBin();
	if (!bin)
		throw new Error('no PostgreSQL server under /usr/lib/postgresql/*/bin (apt-get install postgresql), and DATABASE_URL is not set');
	const {wrap, owner} = runner();
	const dir = mkdtempSync(join(tmpdir(), 'radtop-pg-'));
	const data = join(dir, 'data');
	const logFile = join(dir, 'server.log');
	if (owner) chownSync(dir, owner.uid, owner.gid);

	let stopped = false;
	const pgCtl = join(bin, 'pg_ctl');

	/**
	 * Synchronous, so it also works from an 'exit' or signal handler.
	 * @param {'fast' | 'immediate'} mode
	 */
	const stopNow = (mode) => {
		if (stopped) return;
		stopped = true;
		process.off('exit', onExit);
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		// A postmaster.pid means a server may be up, even if pg_ctl start itself failed or timed out.
		if (existsSync(join(data, 'postmaster.pid'))) {
			const [command, argv] = wrap(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
			spawnSync(command, argv, {cwd: dir, stdio: 'ignore'});
		}
		rmSync(dir, {recursive: true, force: true});
	};
	const onExit = () => stopNow('immediate');
	/** @param {NodeJS.Signals} signal */
	const onSignal = (signal) => {
		stopNow('immediate');
		process.exit(signal === 'SIGINT' ? 130 : 143);
	};
	process.on('exit', onExit);
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);

	try {
		log(`initdb (${bin})`);
		await run(wrap, join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], dir);
		let port;
		for (let attempt = 1; ; attempt++) {
			port = await freePort();
			const options = [
				`-p ${port}`,
				`-k ${dir}`,
				'-c listen_addresses=127.0.0.1',
				`-c shared_buffers=${sharedBuffers}`,
				'-c fsync=off',
				'-c synchronous_commit=off',
				'-c full_page_writes=off',
				// Bulk loading 5M rows would otherwise checkpoint every 1 GB of WAL.
				'-c max_wal_size=8GB',
			].join(' ');
			try {
				await run(wrap, pgCtl, ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', options, 'start'], dir);
				break;
			} catch (error) {
				// Someone may have taken the port between freePort() and the bind: try another one.
				if (attempt >= 3) {
					const serverLog = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n') : '';
					throw new Error(`${/** @type {Error} */ (error).message}\n${serverLog}`);
				}
			}
		}
		log(`running on 127.0.0.1:${port} (data in ${dir})`);
		return {
			url: `postgres://postgres@127.0.0.1:${port}/postgres`,
			bin,
			dir,
			stop: async () => stopNow('fast'),
		};
	} catch (error) {
		stopNow('immediate');
		throw error;
	}
}
