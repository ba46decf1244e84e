/**
 * Secrets on the edges of a command line: a password libpq's password file gave, echoed back by a server; a
 * password inside --db; a URL whose password holds an unencoded delimiter; a library's warning.
 */
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type AddressInfo, type Server} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {assertBuilt, runCli, startCli} from '../helpers/cli.js';

/**
 * A server speaking just enough of PostgreSQL's protocol to ask for a cleartext password and answer the
 * password it got inside its error message, as a careless proxy might.
 */
function startEchoingServer(): Promise<Server> {
	const server = createServer((socket) => {
		let buffered = Buffer.alloc(0);
		let started = false;
		socket.on('data', (chunk) => {
			buffered = Buffer.concat([buffered, chunk]);
			if (!started && buffered.length >= 4 && buffered.length >= buffered.readInt32BE(0)) {
				buffered = buffered.subarray(buffered.readInt32BE(0));
				started = true;
				const ask = Buffer.alloc(9);
				ask.write('R', 0);
				ask.writeInt32BE(8, 1);
				ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
				socket.write(ask);
			}
			if (started && buffered.length >= 5 && buffered[0] === 0x70 && buffered.length >= 1 + buffered.readInt32BE(1)) {
				const password = buffered.subarray(5, buffered.readInt32BE(1)).toString('utf8').replace(/\0$/, '');
				const fields = Buffer.from(
					`SFATAL\0C28P01\0Mpassword authentication failed for user "radtop" (password "${password}")\0\0`,
					'utf8',
				);
				const error = Buffer.alloc(5);
				error.write('E', 0);
				error.writeInt32BE(4 + fields.length, 1);
				socket.end(Buffer.concat([error, fields]));
			}
		});
		socket.on('error', () => undefined);
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server: Server;
let port: number;
let home: string;

beforeAll(async () => {
	assertBuilt();
	server = await startEchoingServer();
	port = (server.address() as AddressInfo).port;
	home = mkdtempSync(join(tmpdir(), 'radtop-secret-edges-'));
});

afterAll(() => {
	server?.close();
	rmSync(home, {recursive: true, force: true});
});

describe('secrets on the edges', () => {
	it("scrubs a password from libpq's password file when the server echoes it", async () => {
		const pgpass = join(home, '.pgpass');
		writeFileSync(pgpass, `# radtop's database\n127.0.0.1:${port}:radius:radtop:Pgp4ss\\:s3cret-word\n`);
		chmodSync(pgpass, 0o600);
		const run = await runCli(['sessions', '--db', `postgres://radtop@127.0.0.1:${port}/radius`], {env: {HOME: home}});
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('password authentication failed');
		expect(run.stderr).toContain('***');
		expect(run.stderr).not.toContain('s3cret-word');
		expect(run.stderr).not.toContain('Pgp4ss');
		// pg's deprecation notice for its .pgpass support is not the operator's business.
		expect(run.stderr).not.toMatch(/deprecat/i);
		expect(run.stderr.trim().split('\n')).toHaveLength(1);
	});

	it('warns of a password inside --db and hides it from the process list', async () => {
		const child = startCli(['sessions', '--db', `postgres://radtop:Argv-s3cret@127.0.0.1:${port}/radius`], {env: {HOME: home}});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		await new Promise<void>((resolve) => {
			const check = () => (stderr.includes('--db') ? resolve() : setTimeout(check, 20));
			check();
		});
		const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
		await new Promise((resolve) => child.on('close', resolve));
		expect(stderr).toContain('the password in --db can be read by other users of this host');
		expect(stderr).not.toContain('Argv-s3cret');
		expect(cmdline).not.toContain('Argv-s3cret');
	});

	it('refuses a URL whose password holds an unencoded delimiter, printing none of it', async () => {
		const run = await runCli(['sessions', '--db', 'postgres://radtop:sec?r3t#x@127.0.0.1:9/radius'], {env: {HOME: home}});
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('must be percent-encoded');
		for (const part of ['sec', 'r3t', 'x@']) expect(run.stderr.replace('--db', '')).not.toContain(part);
	});

	it("folds the driver's sslmode notice into one radtop line", async () => {
		const run = await runCli(['sessions', '--db', `postgres://radtop@127.0.0.1:9/radius?sslmode=require`], {env: {HOME: home}});
		const lines = run.stderr.trim().split('\n');
		expect(lines.every((line) => line.startsWith('radtop: '))).toBe(true);
		expect(lines.some((line) => line.includes("treated as aliases for 'verify-full'"))).toBe(true);
	});
});
