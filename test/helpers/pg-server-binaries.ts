/**
 * What the test clusters of their own (frozen-cluster.ts, standby-cluster.ts) share: PostgreSQL's server
 * binaries, running them as the postgres user when the tests run as root (initdb and postgres refuse root, and
 * CI runs as root), and a free loopback port.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';

export const asRoot = process.getuid?.() === 0;

/** The bin directory of the newest /usr/lib/postgresql/N that has every one of `tools`, or undefined. */
export function serverBinDir(tools: readonly string[]): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((name) => tools.every((tool) => existsSync(join(root, name, 'bin', tool))))
		.sort((a, b) => Number(b) - Number(a));
	return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Why the server binaries `tools` cannot be run here, or undefined when they can. */
export function serverUnavailable(tools: readonly string[]): string | undefined {
	if (!serverBinDir(tools)) return `PostgreSQL server binaries (${tools.join(', ')}) not found under /usr/lib/postgresql`;
	if (asRoot && spawnSync('id', ['-u', 'postgres']).status !== 0)
		return 'running as root, but there is no postgres user to run initdb as';
	return undefined;
}

/** Runs a server binary, as the postgres user when root; its stdout. */
export function runServerBinary(bin: string, args: readonly string[]): string {
	const command = asRoot ? 'runuser' : bin;
	const argv = asRoot ? ['-u', 'postgres', '--', bin, ...args] : [...args];
	return execFileSync(command, argv, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

/** A loopback port free now. */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}
