/**
 * `radtop sessions --user X --status all` says which of the subscriber's sessions an operator disconnected
 * through radtop: a real `radtop disconnect --session ... --reason ... --yes` against a NAS on loopback that
 * ACKs, the row then closed as the NAS's Accounting-Stop would close it, and the history read back, as a table
 * and as JSON. Sessions radtop did not disconnect are left as they were.
 *
 * `npm test` builds dist/ first; run `npm run build` when running vitest on its own.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type pg from 'pg';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const SECRET = 'history-test-Secret-1';
const USER = 'hist.user@isp.example';

let database: TestDatabase;
let db: pg.Pool;
let nas: FakeCoaNas;
let dir: string;
let configDir: string;
let auditLog: string;
let ids: string[];

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	db = (database.pglite ?? database.pool) as unknown as pg.Pool;
	ids = await insertSessions(db, [
		{username: USER, acctsessionid: 'h-old', startedAgo: 86_400, stoppedAgo: 80_000, acctterminatecause: 'Lost-Carrier'},
		{username: USER, acctsessionid: 'h-cut', startedAgo: 3600},
		{username: 'someone.else', acctsessionid: 'h-other', startedAgo: 3600},
	]);
	nas = await startFakeCoaNas({secret: SECRET});
	dir = mkdtempSync(join(tmpdir(), 'radtop-history-'));
	configDir = join(dir, 'config');
	auditLog = join(dir, 'audit.log');
	mkdirSync(configDir, {mode: 0o700});
	const override = {ip: '10.20.0.1', name: 'bng-1', secret: SECRET, coaHost: nas.address, coaPort: nas.port, vendor: 'mikrotik'};
	writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles: {hist: {nas: {'bng-1': override}, auditLog}}}), {
		mode: 0o600,
	});
}, 60_000);

afterAll(async () => {
	await nas?.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

const env = () => ({RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state'), SUDO_USER: ''});

interface JsonSession {
	readonly radacctid: string;
	readonly acctterminatecause: string | null;
	readonly disconnectedBy: {operator: string; reason: string | null; via: string | null; outcome: string; at: string} | null;
}

describe('radtop sessions --user X --status all after radtop disconnect', () => {
	it('names the operator, where from and the reason in CAUSE, and --json has disconnectedBy', async () => {
		const [old, cut] = ids as [string, string, string];
		const started = Date.now();
		const run = await runCli(
			[
				'disconnect',
				'--session',
				cut,
				'--reason',
				'CHG-2211 maintenance',
				'--yes',
				'--confirm-within',
				'0',
				'--db',
				database.url,
				'--profile',
				'hist',
			],
			{env: env()},
		);
		expect(run.code, run.stderr + run.stdout).toBe(0);
		expect(nas.received.filter((request) => request.packet !== undefined)).toHaveLength(1);
		// The NAS's Accounting-Stop, as FreeRADIUS records it.
		await db.query("UPDATE radacct SET acctstoptime = now(), acctterminatecause = 'Admin-Reset' WHERE radacctid = $1", [cut]);

		const me = userInfo().username;
		const table = await runCli(['sessions', '--user', USER, '--status', 'all', '--db', database.url, '--profile', 'hist'], {
			env: env(),
		});
		expect(table.code, table.stderr).toBe(0);
		const lines = table.stdout.split('\n');
		const cutLine = lines.find((line) => line.includes('h-cut'))!;
		expect(cutLine.endsWith(`Admin-Reset · by ${me} via radtop: CHG-2211 maintenance`)).toBe(true);
		const oldLine = lines.find((line) => line.includes('h-old'))!;
		expect(oldLine.trimEnd().endsWith('Lost-Carrier')).toBe(true);
		expect(oldLine).not.toContain(' by ');

		const json = await runCli(['sessions', '--user', USER, '--status', 'all', '--json', '--db', database.url, '--profile', 'hist'], {
			env: env(),
		});
		expect(json.code, json.stderr).toBe(0);
		const sessions = (JSON.parse(json.stdout) as {sessions: JsonSession[]}).sessions;
		expect(sessions.map((session) => session.radacctid).sort()).toEqual([old, cut].sort());
		const annotated = sessions.find((session) => session.radacctid === cut)!;
		expect(annotated.acctterminatecause).toBe('Admin-Reset');
		expect(annotated.disconnectedBy).toMatchObject({operator: me, reason: 'CHG-2211 maintenance', via: 'command line', outcome: 'coa'});
		expect(Date.parse(annotated.disconnectedBy!.at)).toBeGreaterThanOrEqual(started - 1000);
		expect(sessions.find((session) => session.radacctid === old)!.disconnectedBy).toBeNull();
	});

	it('a missing audit log: no annotations, no error', async () => {
		const run = await runCli(
			[
				'sessions',
				'--user',
				USER,
				'--status',
				'all',
				'--json',
				'--audit-log',
				join(dir, 'none.log'),
				'--db',
				database.url,
				'--profile',
				'hist',
			],
			{env: env()},
		);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toBe('');
		const sessions = (JSON.parse(run.stdout) as {sessions: JsonSession[]}).sessions;
		expect(sessions).toHaveLength(2);
		for (const session of sessions) expect(session.disconnectedBy).toBeNull();
	});
});
