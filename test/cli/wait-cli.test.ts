/**
 * `radtop export` and `radtop sweep` waiting on a radacct another transaction holds locked: they say so on
 * stderr as it is seen (the pid and for how long), and finish once the lock is released. A PostgreSQL cluster
 * of this file's own, so that a lock held here slows no other test file.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {assertBuilt, startCli} from '../helpers/cli.js';
import {clusterUnavailable, startFrozenCluster, type FrozenCluster} from '../helpers/frozen-cluster.js';
import {insertSessions} from '../helpers/test-database.js';

const unavailable = clusterUnavailable();

/** Runs radtop with radacct locked; releases the lock once stderr says it is waiting for it. */
async function runWhileLocked(
	url: string,
	args: readonly string[],
	env: Record<string, string>,
): Promise<{code: number | null; stdout: string; stderr: string; pid: number; releasedAfterWaiting: boolean}> {
	const locker = new pg.Client({connectionString: url});
	await locker.connect();
	await locker.query('BEGIN');
	await locker.query('LOCK TABLE radacct IN ACCESS EXCLUSIVE MODE');
	const pid = (locker as unknown as {processID: number}).processID;
	try {
		return await new Promise((resolve, reject) => {
			const child = startCli(args, {env});
			child.stdin.end();
			let stdout = '';
			let stderr = '';
			let released = false;
			const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
				stderr += chunk;
				if (!released && /: waiting\n/.test(stderr)) {
					released = true;
					void locker.query('ROLLBACK');
				}
			});
			child.on('error', reject);
			child.on('close', (code) => {
				clearTimeout(timer);
				resolve({code, stdout, stderr, pid, releasedAfterWaiting: released});
			});
		});
	} finally {
		await locker.query('ROLLBACK').catch(() => undefined);
		await locker.end();
	}
}

describe.skipIf(unavailable !== undefined)(`radtop waiting on a lock${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
	let cluster: FrozenCluster;
	let dir: string;
	let env: Record<string, string>;

	beforeAll(async () => {
		assertBuilt();
		cluster = await startFrozenCluster();
		dir = mkdtempSync(join(tmpdir(), 'radtop-wait-cli-'));
		env = {RADTOP_CONFIG_DIR: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state')};
		const pool = new pg.Pool({connectionString: cluster.url, max: 1});
		await insertSessions(pool, [
			{username: 'alice', nasipaddress: '10.20.0.1'},
			{username: 'ghost', nasipaddress: '10.20.0.1', startedAgo: 90_000, updatedAgo: 80_000, acctinterval: 600},
		]);
		await pool.end();
	}, 60_000);

	afterAll(async () => {
		await cluster?.stop();
		if (dir) rmSync(dir, {recursive: true, force: true});
	}, 30_000);

	it('export -o says radacct is locked by the pid holding it, then writes the file once it is released', async () => {
		const output = join(dir, 'sessions.csv');
		const run = await runWhileLocked(cluster.url, ['export', '--db', cluster.url, '-o', output], env);
		expect(run.releasedAfterWaiting).toBe(true);
		expect(run.stderr).toMatch(new RegExp(`^radtop: radacct is locked by pid ${run.pid} for \\d+ s: waiting$`, 'm'));
		expect(run.code, run.stderr).toBe(0);
		expect(existsSync(output)).toBe(true);
		expect(readFileSync(output, 'utf8')).toContain('alice');
	}, 30_000);

	it('sweep says radacct is locked by the pid holding it, then lists the stale sessions once it is released', async () => {
		const run = await runWhileLocked(cluster.url, ['sweep', '--db', cluster.url], env);
		expect(run.releasedAfterWaiting).toBe(true);
		expect(run.stderr).toMatch(new RegExp(`^radtop: radacct is locked by pid ${run.pid} for \\d+ s: waiting$`, 'm'));
		expect(run.stdout).toContain('ghost');
	}, 30_000);
});
