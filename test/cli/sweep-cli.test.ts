/**
 * `radtop sweep` as an operator runs it: the built CLI in a child process, against a test database with a few
 * ghost sessions, and simulated NAS on 127.0.0.1 (in this process) that lost every session silent for more than
 * 50 minutes, as after a reboot without Accounting-Stops.
 *
 * With the embedded database (no DATABASE_URL), PGlite serves one socket connection: the CLI child takes it,
 * and everything in this process goes to the PGlite instance directly. The child must be spawned
 * asynchronously: the simulator answers from this process's event loop.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type pg from 'pg';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {simulatorOverrides} from '../../source/demo/demo-network.js';
import {DEMO_API_PASSWORD, demoSimulatorConfig, startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {DEMO_NAS} from '../../source/demo/network.js';
import type {Queryable} from '../../source/db/queryable.js';
import type {AuditSweepBeginRecord, AuditSweepEndRecord} from '../../source/sweep/audit-records.js';
import type {SweepResult} from '../../source/sweep/sweep-plan.js';
import {assertBuilt, runCli, runMainInProcess, type CliRun} from '../helpers/cli.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const RUN_TIMEOUT_MS = 25_000;
const PROFILE = 'sim';
const EVIL = 'eve\x1b]52;c;aGk=\x07';

const ip = (name: string): string => DEMO_NAS.find((nas) => nas.name === name)!.ip;

let database: TestDatabase;
let db: Queryable;
let simulator: NasSimulator;
let dir: string;
let configDir: string;
let auditLog: string;
let secrets: string[];
/** radacctids of the fixture, by username. */
let ids: Record<string, string>;

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	db = database.pglite ?? database.pool;
	simulator = await startNasSimulator({db, nas: demoSimulatorConfig(), stopDelayMs: 20, seed: 11, ghostAfterSeconds: 3000});
	const overrides: Record<string, NasOverride> = Object.fromEntries(
		simulatorOverrides(simulator.nas).map((override, index) => {
			const nas = simulator.nas[index]!;
			return [nas.name, {name: nas.name, secret: nas.secret, ...override}];
		}),
	);
	dir = mkdtempSync(join(tmpdir(), 'radtop-sweep-cli-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	writeFileSync(join(configDir, 'config.json'), `${JSON.stringify({profiles: {[PROFILE]: {nas: overrides}}}, null, '\t')}\n`, {
		mode: 0o600,
	});
	const urlPassword = decodeURIComponent(new URL(database.url).password);
	secrets = [...DEMO_NAS.map((nas) => nas.secret), DEMO_API_PASSWORD, ...(urlPassword ? [urlPassword] : [])];
});

afterAll(async () => {
	await simulator?.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

beforeEach(async () => {
	await db.query('DELETE FROM radacct');
	const names = ['ghost-1', 'alive-1', 'fresh-1', 'ghost-3', EVIL];
	const inserted = await insertSessions(db as unknown as pg.Pool, [
		// Silent for over an hour on a MikroTik (API): its NAS lost it.
		{
			username: 'ghost-1',
			nasipaddress: ip('bng-1'),
			startedAgo: 9000,
			updatedAgo: 4000,
			acctinterval: 300,
			framedipaddress: '100.64.9.1',
		},
		// Stale by the rule (40 min > 30 min and > 2 x 300 s) but still on its NAS.
		{
			username: 'alive-1',
			nasipaddress: ip('bng-1'),
			startedAgo: 9000,
			updatedAgo: 2400,
			acctinterval: 300,
			framedipaddress: '100.64.9.2',
		},
		{
			username: 'fresh-1',
			nasipaddress: ip('bng-1'),
			startedAgo: 9000,
			updatedAgo: 60,
			acctinterval: 300,
			framedipaddress: '100.64.9.3',
		},
		// A Cisco (CoA only), silent for over an hour.
		{
			username: 'ghost-3',
			nasipaddress: ip('bng-3'),
			startedAgo: 9000,
			updatedAgo: 5000,
			acctinterval: 600,
			framedipaddress: '100.96.9.4',
		},
		{username: EVIL, nasipaddress: ip('bng-3'), startedAgo: 9000, updatedAgo: 6000, acctinterval: 600, framedipaddress: '100.96.9.5'},
	]);
	ids = Object.fromEntries(names.map((name, index) => [name, inserted[index]!]));
	auditLog = join(dir, `audit-${Date.now()}-${Math.random().toString(16).slice(2)}.log`);
});

afterEach(() => {
	for (const nas of simulator.nas) simulator.setFaults(nas.name, {nakAll: false});
});

/** `radtop sweep ARGS --db URL --profile sim --audit-log ...`, with stdin a pipe (not a terminal) closed at once. */
function sweep(args: readonly string[], options: {inProcess?: boolean} = {}): Promise<CliRun> {
	const argv = ['sweep', ...args, '--db', database.url, '--profile', PROFILE, '--audit-log', auditLog];
	const env = {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')};
	// A flag refused before the command starts needs no child: radtop's main here writes the usage error to the streams given.
	return options.inProcess ? runMainInProcess(argv, {env}) : runCli(argv, {env, timeoutMs: RUN_TIMEOUT_MS});
}

function expectNoSecret(text: string): void {
	for (const secret of secrets) expect(text, 'a secret was printed').not.toContain(secret);
}

async function openUsers(): Promise<string[]> {
	const {rows} = await db.query('SELECT username FROM radacct WHERE acctstoptime IS NULL ORDER BY username');
	return (rows as Array<{username: string}>).map((row) => row.username);
}

async function snapshot(): Promise<string> {
	const {rows} = await db.query(
		'SELECT radacctid::text AS id, acctstoptime::text AS stop, acctterminatecause AS cause, acctupdatetime::text AS updated FROM radacct ORDER BY radacctid',
	);
	return JSON.stringify(rows);
}

function readAudit(): Array<AuditSweepBeginRecord | AuditSweepEndRecord> {
	return readFileSync(auditLog, 'utf8')
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => JSON.parse(line) as AuditSweepBeginRecord | AuditSweepEndRecord);
}

describe('usage', () => {
	// An unknown NAS is found once the command has read the profile: the built CLI for that one.
	it.each([
		[['--cause', 'Bogus'], '--cause must be one of', true],
		[['--yes'], '--yes only makes sense with --apply', true],
		[['--stale-after', '10s'], '--stale-after must be at least 60s', true],
		[['--limit', '0'], '--limit must be a whole number', true],
		[['--nas', 'no-such-nas'], 'no-such-nas', false],
		[['--bogus'], 'unknown flag --bogus', true],
	])('%j: one line, exit 2, nothing changed', async (args, message, inProcess) => {
		const before = await snapshot();
		const run = await sweep(args, {inProcess});
		expect(run.code).toBe(2);
		expect(run.stderr.trim().split('\n')).toHaveLength(1);
		expect(run.stderr).toMatch(/^radtop: /);
		expect(run.stderr).toContain(message);
		expect(await snapshot()).toBe(before);
	});
});

describe('dry run', () => {
	it('lists exactly the stale sessions, the longest silent first, and writes nothing', async () => {
		const before = await snapshot();
		const run = await sweep([]);
		expect(run.code).toBe(0);
		const lines = run.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^ RADACCTID {2}USER/);
		expect(lines.slice(1, -1).map((line) => line.trim().split(/\s+/)[0])).toEqual([
			ids[EVIL],
			ids['ghost-3'],
			ids['ghost-1'],
			ids['alive-1'],
		]);
		expect(lines.at(-1)).toBe('4 stale sessions: dry run, 4 would be closed (Lost-Carrier); --apply closes them');
		expect(run.stdout).not.toContain('\x1b');
		expect(run.stdout).toContain('eve\\x1b]52;c;aGk=');
		expect(await snapshot()).toBe(before);
		expect(existsSync(auditLog)).toBe(false);
	});

	it('--verify --json says what the NAS answered, still writing nothing', async () => {
		const before = await snapshot();
		const run = await sweep(['--verify', '--json']);
		expect(run.code).toBe(0);
		const result = JSON.parse(run.stdout) as SweepResult;
		expect(result).toMatchObject({dryRun: true, verified: true, cause: 'Lost-Carrier', staleAfterSeconds: 1800, capped: false});
		const byUser = new Map(result.entries.map((entry) => [entry.username, entry]));
		expect(byUser.get('ghost-1')).toMatchObject({outcome: 'would_close', verifiedVia: 'api'});
		expect(byUser.get('alive-1')).toMatchObject({outcome: 'on_nas', verifiedVia: 'api'});
		expect(byUser.get('ghost-3')).toMatchObject({
			outcome: 'would_close',
			verifiedVia: 'coa',
			detail: 'CoA-NAK: Session-Context-Not-Found (503)',
		});
		expect(byUser.has('fresh-1')).toBe(false);
		expect(result.totals).toMatchObject({would_close: 3, on_nas: 1});
		expectNoSecret(run.stdout + run.stderr);
		expect(await snapshot()).toBe(before);
	});

	it('--nas limits the listing to that NAS', async () => {
		const run = await sweep(['--nas', 'bng-3', '--json']);
		expect(run.code).toBe(0);
		const result = JSON.parse(run.stdout) as SweepResult;
		expect(result.entries.map((entry) => entry.username).sort()).toEqual([EVIL, 'ghost-3'].sort());
	});
});

describe('--apply', () => {
	it('refuses to close several sessions without --yes when stdin is not a terminal', async () => {
		const before = await snapshot();
		const run = await sweep(['--apply']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('refusing to close 4 sessions without --yes');
		expect(await snapshot()).toBe(before);
	});

	it('--verify closes only what the NAS lost, as FreeRADIUS would, and audits who, why and what', async () => {
		const run = await sweep(['--verify', '--apply', '--yes', '--cause', 'NAS-Reboot', '--reason', 'INC-4411 bng reboot']);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('4 stale sessions: 3 closed in radacct (NAS-Reboot); 1 still on their NAS');
		expect(await openUsers()).toEqual(['alive-1', 'fresh-1']);
		const {rows} = await db.query(
			`SELECT acctstoptime = acctupdatetime AS at_last_update, acctsessiontime::float8 AS seconds, acctterminatecause AS cause
			FROM radacct WHERE radacctid = $1::bigint`,
			[ids['ghost-3']],
		);
		expect(rows[0]).toEqual({at_last_update: true, seconds: 4000, cause: 'NAS-Reboot'});

		const records = readAudit();
		expect(records.map((record) => record.event)).toEqual(['sweep.begin', 'sweep.end']);
		const [begin, end] = records as [AuditSweepBeginRecord, AuditSweepEndRecord];
		expect(begin).toMatchObject({reason: 'INC-4411 bng reboot', cause: 'NAS-Reboot', verified: true, listed: 4});
		expect(begin.operator.user).toBeTruthy();
		expect(begin.closing.map((session) => session.radacctid).sort()).toEqual([ids['ghost-1'], ids['ghost-3'], ids[EVIL]].sort());
		expect(end.actionId).toBe(begin.actionId);
		expect(end.error).toBeNull();
		expect(end.closed).toHaveLength(3);
		expect(end.skipped).toEqual([
			expect.objectContaining({radacctid: ids['alive-1'], username: 'alive-1', nas: 'bng-1', outcome: 'on_nas'}),
		]);
		expectNoSecret(run.stdout + run.stderr + readFileSync(auditLog, 'utf8'));
	});

	it('leaves open, and exits 3 for, sessions whose NAS cannot say', async () => {
		simulator.setFaults('bng-3', {nakAll: true});
		const run = await sweep(['--verify', '--apply', '--yes', '--nas', 'bng-3', '--timeout', '200', '--retries', '0']);
		expect(run.code).toBe(3);
		expect(run.stdout).toContain('unverified: CoA-NAK: Resources-Unavailable (506)');
		expect(run.stdout).toContain('2 unverified (left open)');
		expect(run.stderr).toContain('nothing to close');
		expect(await openUsers()).toContain('ghost-3');
	});

	it('without --verify closes every stale session; a second sweep finds none', async () => {
		const run = await sweep(['--apply', '--yes', '--json']);
		expect(run.code).toBe(0);
		const result = JSON.parse(run.stdout) as SweepResult;
		expect(result.totals).toMatchObject({closed: 4, updated: 0});
		expect(await openUsers()).toEqual(['fresh-1']);
		const again = await sweep([]);
		expect(again.code).toBe(0);
		expect(again.stdout).toBe('no stale sessions\n');
	});

	it('one session needs only --apply', async () => {
		await db.query('DELETE FROM radacct WHERE username = $1', ['alive-1']);
		const run = await sweep(['--apply', '--nas', 'bng-1']);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('1 stale session: 1 closed in radacct (Lost-Carrier)');
		expect(await openUsers()).not.toContain('ghost-1');
	});
});
