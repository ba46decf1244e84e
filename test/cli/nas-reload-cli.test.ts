/**
 * FreeRADIUS's nasreload on the command line, as an operator runs it (the built CLI in a child process, a test
 * database, simulated NAS in this process): `nas list` says when each NAS reloaded, `sessions --json` marks
 * the ghost candidates, `sweep` marks them in its plan and `sweep --reloaded` closes exactly them, with its
 * preview, confirmation, --verify and audit records. Then without nasreload: nothing marked, no error, and
 * doctor says why.
 *
 * bng-2 reloaded 10 minutes ago. Its sessions last heard of before that are ghost candidates, however short
 * their silence; one updated after the reload is not. bng-1 never reloaded: its stale session is only stale.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type pg from 'pg';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {simulatorOverrides} from '../../source/demo/demo-network.js';
import {demoSimulatorConfig, startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {DEMO_NAS} from '../../source/demo/network.js';
import type {Queryable} from '../../source/db/queryable.js';
import type {NasListEntry} from '../../source/nas/nas-list.js';
import type {NasOverride} from '../../source/nas/nas-override.js';
import type {AuditSweepBeginRecord, AuditSweepEndRecord} from '../../source/sweep/audit-records.js';
import type {SweepResult} from '../../source/sweep/sweep-plan.js';
import {assertBuilt, runCli, type CliRun} from '../helpers/cli.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const RUN_TIMEOUT_MS = 25_000;
const PROFILE = 'sim';
const ip = (name: string): string => DEMO_NAS.find((nas) => nas.name === name)!.ip;

let database: TestDatabase;
let db: Queryable;
let simulator: NasSimulator;
let dir: string;
let configDir: string;
let auditLog: string;
/** radacctids of the fixture, by username. */
let ids: Record<string, string>;

/** The ghost candidates, by name. */
const GHOSTS = ['ghost-older', 'ghost-recent', 'ghost-stale'];

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	db = database.pglite ?? database.pool;
	// As FreeRADIUS's accounting-on query records bng-2's reboot; the simulated bng-2 reads it when it starts.
	await db.query("INSERT INTO nasreload (nasipaddress, reloadtime) VALUES ($1::inet, now() - interval '10 minutes')", [ip('bng-2')]);
	simulator = await startNasSimulator({db, nas: demoSimulatorConfig(), stopDelayMs: 20, seed: 5});
	const overrides: Record<string, NasOverride> = Object.fromEntries(
		simulatorOverrides(simulator.nas).map((override, index) => {
			const nas = simulator.nas[index]!;
			// CoA only: the questions of --verify go to the simulated NAS's CoA port.
			const {api: _api, ...coa} = override;
			return [nas.name, {name: nas.name, secret: nas.secret, ...coa}];
		}),
	);
	dir = mkdtempSync(join(tmpdir(), 'radtop-nas-reload-cli-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	writeFileSync(join(configDir, 'config.json'), `${JSON.stringify({profiles: {[PROFILE]: {nas: overrides}}}, null, '\t')}\n`, {
		mode: 0o600,
	});
});

afterAll(async () => {
	await simulator?.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

beforeEach(async () => {
	await db.query('DELETE FROM radacct');
	const fixture = [
		// Last heard of 12 and 15 minutes ago, before the reload: ghosts, not yet stale (30 minutes, 2 x 300 s).
		{username: 'ghost-recent', nasipaddress: ip('bng-2'), startedAgo: 7200, updatedAgo: 720, acctinterval: 300},
		{username: 'ghost-older', nasipaddress: ip('bng-2'), startedAgo: 10_800, updatedAgo: 900, acctinterval: 300},
		// Silent for two hours: stale, and a ghost too.
		{username: 'ghost-stale', nasipaddress: ip('bng-2'), startedAgo: 18_000, updatedAgo: 7200, acctinterval: 300},
		// Started before the reload, updated after it: the NAS still has it.
		{username: 'survivor', nasipaddress: ip('bng-2'), startedAgo: 7200, updatedAgo: 60, acctinterval: 300},
		{username: 'redialled', nasipaddress: ip('bng-2'), startedAgo: 300, updatedAgo: 300, acctinterval: 300},
		// On a NAS that never reloaded: stale only.
		{username: 'stale-bng-1', nasipaddress: ip('bng-1'), startedAgo: 18_000, updatedAgo: 3600, acctinterval: 300},
		{username: 'fresh-bng-1', nasipaddress: ip('bng-1'), startedAgo: 7200, updatedAgo: 60, acctinterval: 300},
	];
	const inserted = await insertSessions(db as unknown as pg.Pool, fixture);
	ids = Object.fromEntries(fixture.map((session, index) => [session.username, inserted[index]!]));
	auditLog = join(dir, `audit-${Date.now()}-${Math.random().toString(16).slice(2)}.log`);
});

function radtop(args: readonly string[]): Promise<CliRun> {
	const argv = [...args, '--db', database.url, '--profile', PROFILE];
	return runCli(argv, {env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')}, timeoutMs: RUN_TIMEOUT_MS});
}

const sweep = (args: readonly string[]) => radtop(['sweep', ...args, '--audit-log', auditLog]);

async function openUsers(): Promise<string[]> {
	const {rows} = await db.query('SELECT username FROM radacct WHERE acctstoptime IS NULL ORDER BY username');
	return (rows as Array<{username: string}>).map((row) => row.username);
}

function readAudit(): Array<AuditSweepBeginRecord | AuditSweepEndRecord> {
	return readFileSync(auditLog, 'utf8')
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => JSON.parse(line) as AuditSweepBeginRecord | AuditSweepEndRecord);
}

describe('with nasreload', () => {
	it('nas list says when each NAS reloaded, as text and as JSON', async () => {
		const text = await radtop(['nas', 'list']);
		expect(text.code).toBe(0);
		const lines = text.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^NAME\s+IP\s+COA\s+VENDOR\s+SECRET\s+API\s+RELOADED\s+OPEN$/);
		expect(lines.find((line) => line.startsWith('bng-2 '))).toMatch(/\s(9m5\ds|10m0\ds) ago\s+5$/);
		expect(lines.find((line) => line.startsWith('bng-1 '))).toMatch(/\s-\s+2$/);
		const json = await radtop(['nas', 'list', '--json']);
		const entries = (JSON.parse(json.stdout) as {nas: NasListEntry[]}).nas;
		const {rows} = await db.query('SELECT reloadtime FROM nasreload');
		expect(entries.find((entry) => entry.name === 'bng-2')!.reloaded_at).toBe((rows[0] as {reloadtime: Date}).reloadtime.toISOString());
		expect(entries.find((entry) => entry.name === 'bng-1')!.reloaded_at).toBeNull();
	});

	it('sessions --json marks exactly the ghost candidates', async () => {
		const run = await radtop(['sessions', '--json']);
		expect(run.code).toBe(0);
		const {sessions} = JSON.parse(run.stdout) as {sessions: Array<{username: string; ghost_candidate: boolean | null}>};
		expect(sessions).toHaveLength(7);
		expect(
			sessions
				.filter((session) => session.ghost_candidate)
				.map((session) => session.username)
				.sort(),
		).toEqual(GHOSTS);
		expect(sessions.every((session) => typeof session.ghost_candidate === 'boolean')).toBe(true);
	});

	it('a plain sweep lists the stale sessions and marks the ghost among them', async () => {
		const run = await sweep([]);
		expect(run.code).toBe(0);
		const lines = run.stdout.trimEnd().split('\n');
		const row = (user: string) => lines.find((line) => line.includes(` ${user} `))!;
		expect(lines.slice(1, -1)).toHaveLength(2);
		expect(row('ghost-stale')).toMatch(/would close · ghost: NAS reloaded after start$/);
		expect(row('stale-bng-1')).toMatch(/would close$/);
		expect(lines.at(-1)).toBe(
			'2 stale sessions (1 started before their NAS reloaded): dry run, 2 would be closed (Lost-Carrier); --apply closes them',
		);
	});

	it('sweep --reloaded lists exactly the ghost candidates, stale or not, and writes nothing', async () => {
		const before = await openUsers();
		const run = await sweep(['--reloaded', '--json']);
		expect(run.code).toBe(0);
		const result = JSON.parse(run.stdout) as SweepResult;
		expect(result).toMatchObject({dryRun: true, selection: 'reloaded', cause: 'NAS-Reboot'});
		expect(result.entries.map((entry) => entry.username)).toEqual(['ghost-stale', 'ghost-older', 'ghost-recent']);
		expect(result.entries.every((entry) => entry.outcome === 'would_close' && entry.reloadedAt !== null)).toBe(true);
		expect(await openUsers()).toEqual(before);

		const text = await sweep(['--reloaded']);
		expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
			'3 ghost candidates (started before their NAS reloaded): dry run, 3 would be closed (NAS-Reboot); --apply closes them',
		);
		expect(text.stdout).toContain('would close · ghost: NAS reloaded after start');
	});

	it('sweep --reloaded without --yes on a pipe refuses, closing nothing', async () => {
		const before = await openUsers();
		const run = await sweep(['--reloaded', '--apply']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('refusing to close 3 sessions without --yes');
		expect(await openUsers()).toEqual(before);
	});

	it('sweep --reloaded --apply closes exactly the ghosts, as FreeRADIUS would, and audits it', async () => {
		const run = await sweep(['--reloaded', '--apply', '--yes', '--reason', 'INC-5 bng-2 rebooted']);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('3 ghost candidates (started before their NAS reloaded): 3 closed in radacct (NAS-Reboot)');
		expect(await openUsers()).toEqual(['fresh-bng-1', 'redialled', 'stale-bng-1', 'survivor']);
		const {rows} = await db.query(
			`SELECT username, acctstoptime = acctupdatetime AS at_last_update, acctterminatecause AS cause
			FROM radacct WHERE acctstoptime IS NOT NULL ORDER BY username`,
		);
		expect(rows).toEqual(GHOSTS.map((username) => ({username, at_last_update: true, cause: 'NAS-Reboot'})));

		const [begin, end] = readAudit() as [AuditSweepBeginRecord, AuditSweepEndRecord];
		expect(begin).toMatchObject({
			event: 'sweep.begin',
			selection: 'reloaded',
			reason: 'INC-5 bng-2 rebooted',
			cause: 'NAS-Reboot',
			listed: 3,
		});
		expect(begin.closing.map((session) => session.radacctid).sort()).toEqual(GHOSTS.map((name) => ids[name]).sort());
		expect(begin.closing.every((session) => session.nas === 'bng-2' && typeof session.reloadedAt === 'string')).toBe(true);
		expect(end).toMatchObject({event: 'sweep.end', actionId: begin.actionId, error: null, skipped: []});
		expect(end.closed).toHaveLength(3);

		const again = await sweep(['--reloaded']);
		expect(again.stdout).toBe('no ghost candidates (no open session started before its NAS last reloaded)\n');
	});

	it('sweep --reloaded --verify asks the NAS first: the rebooted bng-2 has none of them', async () => {
		const run = await sweep(['--reloaded', '--verify', '--apply', '--yes', '--json', '--timeout', '500']);
		expect(run.code).toBe(0);
		const result = JSON.parse(run.stdout) as SweepResult;
		expect(result.totals).toMatchObject({closed: 3});
		expect(result.entries.map((entry) => [entry.username, entry.verifiedVia, entry.detail])).toEqual(
			['ghost-stale', 'ghost-older', 'ghost-recent'].map((user) => [user, 'coa', 'CoA-NAK: Session-Context-Not-Found (503)']),
		);
		expect(await openUsers()).toEqual(['fresh-bng-1', 'redialled', 'stale-bng-1', 'survivor']);
	});

	it('--reloaded and --stale-after do not go together', async () => {
		const run = await sweep(['--reloaded', '--stale-after', '1h']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('--stale-after and --reloaded do not go together');
	});
});

describe('without nasreload', () => {
	beforeAll(async () => {
		await db.query('DROP TABLE nasreload');
	});

	it('nothing is marked and nothing is an error', async () => {
		const list = await radtop(['nas', 'list']);
		expect(list.code).toBe(0);
		expect(list.stderr).toBe('');
		expect(list.stdout.split('\n')[0]).not.toContain('RELOADED');
		const sessions = await radtop(['sessions', '--json']);
		expect(sessions.code).toBe(0);
		expect(sessions.stderr).toBe('');
		const parsed = JSON.parse(sessions.stdout) as {sessions: Array<{ghost_candidate: boolean | null}>};
		expect(parsed.sessions.every((session) => session.ghost_candidate === null)).toBe(true);
		const plain = await sweep([]);
		expect(plain.code).toBe(0);
		expect(plain.stdout).not.toContain('ghost:');
	});

	it('sweep --reloaded says it needs nasreload, exit 1, nothing closed', async () => {
		const before = await openUsers();
		const run = await sweep(['--reloaded', '--apply', '--yes']);
		expect(run.code).toBe(1);
		expect(run.stderr).toBe("radtop: sweep --reloaded reads FreeRADIUS's nasreload: there is no nasreload table\n");
		expect(await openUsers()).toEqual(before);
	});

	it('doctor says why it is skipped', async () => {
		const run = await radtop(['doctor', '--no-nas', '--runs', '1', '--json']);
		const report = JSON.parse(run.stdout) as {checks: Array<{check: string; status: string; detail: string; fix?: string}>};
		expect(report.checks.find((check) => check.check === 'table nasreload')).toEqual({
			check: 'table nasreload',
			status: 'warn',
			detail: 'skipped: there is no nasreload table; sessions a rebooted NAS left open are not marked as ghost candidates (G)',
			fix:
				"FreeRADIUS records NAS reboots there when accounting-on's query is the nasreload one (queries.conf); " +
				'create it as schema.sql does and GRANT SELECT ON nasreload TO this role',
		});
	});
});
