/**
 * `radtop simulate` as a tester runs it: the built CLI serves a simulated NAS for each NAS of a test
 * database's nas table; a real Disconnect-Request (our CoaClient, with the secret of the nas table) gets an
 * ACK and the Accounting-Stop lands in radacct; Ctrl-C prints what each NAS received.
 *
 * With the embedded database (no DATABASE_URL) the child takes PGlite's one socket connection, so this
 * process reads and writes through the PGlite instance itself.
 */
import type {ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DEMO_NAS} from '../../source/demo/network.js';
import {seedDemoDatabase} from '../../source/demo/seed.js';
import {disconnectAttributes} from '../../source/nas/vendor-profiles.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {sessionFromRow} from '../../source/sessions/session-source.js';
import type {Queryable} from '../../source/db/queryable.js';
import {selectList} from '../../source/sessions/radacct-sql.js';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';
import {assertBuilt, startCli} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let db: Queryable;
let child: ChildProcess;
let stdout = '';
let configDir: string;

function waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
	return new Promise((resolvePromise, reject) => {
		const deadline = setTimeout(() => reject(new Error(`no ${pattern} in radtop simulate's output:\n${stdout}`)), timeoutMs);
		const check = () => {
			const match = pattern.exec(stdout);
			if (!match) return;
			clearTimeout(deadline);
			child.stdout!.off('data', check);
			resolvePromise(match);
		};
		child.stdout!.on('data', check);
		check();
	});
}

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	db = database.pglite ?? database.pool;
	await seedDemoDatabase(db as Queryable & {exec?: (sql: string) => Promise<unknown>}, {openSessions: 12, closedSessions: 4, seed: 99});
	configDir = mkdtempSync(join(tmpdir(), 'radtop-simulate-'));
	child = startCli(['simulate', '--db', database.url, '--nas', 'bng-2'], {env: {RADTOP_CONFIG_DIR: configDir}});
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
}, 120_000);

afterAll(async () => {
	if (child && child.exitCode === null) child.kill('SIGKILL');
	await database?.close();
	if (configDir) rmSync(configDir, {recursive: true, force: true});
});

describe('radtop simulate', () => {
	it('answers a Disconnect-Request signed with the nas table secret, and the stop lands in radacct', async () => {
		const bng2 = DEMO_NAS.find((nas) => nas.name === 'bng-2')!;
		await waitForOutput(/secrets: those of the nas table/);
		const port = /^bng-2 +10\.20\.0\.2 +CoA 127\.0\.0\.1:(\d+)$/m.exec(stdout)?.[1];
		expect(port, stdout).toBeDefined();
		expect(stdout).not.toContain(bng2.secret);
		const {rows} = await db.query(
			`SELECT ${selectList(new Set(SESSION_COLUMNS))} FROM radacct WHERE nasipaddress = '10.20.0.2' AND acctstoptime IS NULL ORDER BY radacctid LIMIT 1`,
		);
		expect(rows).toHaveLength(1);
		const session = sessionFromRow(rows[0], () => 'bng-2');
		const client = new CoaClient({timeoutMs: 2000, retries: 1});
		try {
			const result = await client.send(
				{host: '127.0.0.1', port: Number(port), secret: bng2.secret, name: 'bng-2'},
				{code: PacketCode.DisconnectRequest, attributes: disconnectAttributes(session, 'mikrotik'), messageAuthenticator: true},
			);
			expect(result.kind).toBe('ack');
		} finally {
			await client.close();
		}
		let cause: unknown;
		for (let tries = 0; tries < 50 && !cause; tries++) {
			const stopped = await db.query('SELECT acctterminatecause FROM radacct WHERE radacctid = $1 AND acctstoptime IS NOT NULL', [
				session.radacctid,
			]);
			cause = stopped.rows[0]?.acctterminatecause;
			if (!cause) await new Promise((done) => setTimeout(done, 100));
		}
		expect(cause).toBe('Admin-Reset');
	}, 60_000);

	it('stops on Ctrl-C and says what each NAS received', async () => {
		const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
		child.kill('SIGINT');
		expect(await exited).toBe(0);
		expect(stdout).toMatch(/^bng-2: 1 received, 1 ACK, 0 NAK, 0 duplicates, 1 disconnected$/m);
	}, 30_000);
});
