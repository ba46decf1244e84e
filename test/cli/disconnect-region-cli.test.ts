/**
 * `radtop disconnect --region NAME` as an operator runs it: the built CLI in a child process against a test
 * database, each NAS a fake CoA NAS on loopback reached through the profile's NAS overrides. The preview counts
 * every NAS of the region (those with nothing open too), a dry run sends nothing, a real run sends to the
 * region's NAS only and writes its audit record; an unknown region is a usage error.
 *
 * `npm test` builds dist/ first; run `npm run build` when running vitest on its own.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {AuditBeginRecord} from '../../source/disconnect/audit-records.js';
import {assertBuilt, runCli, type CliRun} from '../helpers/cli.js';
import {distinctRequestsSince, startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const NAS = [
	{name: 'bng-1', ip: '10.20.0.1', secret: 'region-Secret-1', sessions: 3},
	{name: 'bng-2', ip: '10.20.0.2', secret: 'region-Secret-2', sessions: 2},
	{name: 'bng-3', ip: '10.30.0.1', secret: 'region-Secret-3', sessions: 4},
	// Named, in the core network, with nothing open.
	{name: 'bng-4', ip: '10.20.0.4', secret: 'region-Secret-4', sessions: 0},
] as const;

const REGIONS = {
	// bng-9 is nowhere: a warning, not an error.
	north: ['bng-1', '10.20.0.2', 'bng-9'],
	core: ['10.20.0.0/24'],
};

let database: TestDatabase;
const fakes = new Map<string, FakeCoaNas>();
let dir: string;
let configDir: string;
let auditLog: string;

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	const db = database.pglite ?? database.pool;
	let user = 0;
	for (const nas of NAS) {
		const rows = Array.from({length: nas.sessions}, () => ({username: `${nas.name}-user-${++user}`, nasipaddress: nas.ip}));
		await insertSessions(db as typeof database.pool, rows);
		fakes.set(nas.name, await startFakeCoaNas({secret: nas.secret}));
	}
	dir = mkdtempSync(join(tmpdir(), 'radtop-disconnect-region-'));
	configDir = join(dir, 'config');
	auditLog = join(dir, 'audit.log');
	mkdirSync(configDir, {mode: 0o700});
	const overrides = Object.fromEntries(
		NAS.map((nas) => {
			const fake = fakes.get(nas.name)!;
			return [
				nas.name,
				{ip: nas.ip, name: nas.name, secret: nas.secret, coaHost: fake.address, coaPort: fake.port, vendor: 'mikrotik'},
			];
		}),
	);
	writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles: {noc: {nas: overrides, regions: REGIONS}}}), {mode: 0o600});
}, 60_000);

afterAll(async () => {
	for (const fake of fakes.values()) await fake.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

function radtop(args: readonly string[]): Promise<CliRun> {
	return runCli(['disconnect', ...args, '--db', database.url, '--profile', 'noc', '--audit-log', auditLog], {
		env: {RADTOP_CONFIG_DIR: configDir},
		timeoutMs: 25_000,
	});
}

const sent = (): Record<string, number> => Object.fromEntries(NAS.map((nas) => [nas.name, distinctRequestsSince(fakes.get(nas.name)!)]));

describe('radtop disconnect --region', () => {
	it('--dry-run previews every NAS of the region with its count, warns of a member that matches nothing, sends nothing', async () => {
		const run = await radtop(['--region', 'north', '--dry-run']);
		expect(run.code, run.stderr).toBe(0);
		const lines = run.stdout.split('\n');
		expect(lines[0]).toBe('region north (2 NAS): 5 open sessions');
		expect(lines[1]).toMatch(/^ {2}bng-1 \(10\.20\.0\.1\): 3 · CoA 127\.0\.0\.1:\d+$/);
		expect(lines[2]).toMatch(/^ {2}bng-2 \(10\.20\.0\.2\): 2 · CoA 127\.0\.0\.1:\d+$/);
		expect(run.stdout).not.toContain('bng-3');
		expect(run.stdout).toContain('dry run, nothing sent: 5 sessions');
		expect(run.stderr).toContain('radtop: region north: "bng-9" matches no NAS in the nas table, radtop\'s config or radacct');
		expect(sent()).toEqual({'bng-1': 0, 'bng-2': 0, 'bng-3': 0, 'bng-4': 0});
	});

	it('a region by network takes in its NAS with nothing open, shown with 0', async () => {
		const run = await radtop(['--region', 'CORE', '--dry-run']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout.split('\n')[0]).toBe('region core (3 NAS): 5 open sessions');
		expect(run.stdout).toContain('  bng-4 (10.20.0.4): 0 · no open session');
		expect(run.stderr).toBe('');
	});

	it('an unknown region is a usage error naming the regions there are', async () => {
		const run = await radtop(['--region', 'west', '--dry-run']);
		expect(run.code).toBe(2);
		expect(run.stderr.trimEnd()).toBe('radtop: unknown region "west" (regions: core, north)');
		expect(run.stdout).toBe('');
	});

	it('refuses a second target, and a whole region without --yes when stdin is not a terminal', async () => {
		const both = await radtop(['--region', 'north', '--nas', 'bng-3']);
		expect(both.code).toBe(2);
		expect(both.stderr).toMatch(/give exactly one target/);
		const unconfirmed = await radtop(['--region', 'north']);
		expect(unconfirmed.code).toBe(2);
		expect(unconfirmed.stderr).toContain('refusing to disconnect 5 sessions without --yes');
		expect(sent()).toEqual({'bng-1': 0, 'bng-2': 0, 'bng-3': 0, 'bng-4': 0});
	});

	it('export and sessions read region: through the profile, a network and negation too', async () => {
		const users = async (args: readonly string[]) => {
			const run = await runCli([...args, '--db', database.url, '--profile', 'noc'], {
				env: {RADTOP_CONFIG_DIR: configDir},
				timeoutMs: 25_000,
			});
			expect(run.code, run.stderr).toBe(0);
			return run.stdout.trim().split(/\r?\n/).slice(1).sort();
		};
		expect(await users(['export', '--search', 'region:north', '--columns', 'username'])).toEqual([
			'bng-1-user-1',
			'bng-1-user-2',
			'bng-1-user-3',
			'bng-2-user-4',
			'bng-2-user-5',
		]);
		expect(await users(['export', '--search=-region:core', '--columns', 'username'])).toEqual([
			'bng-3-user-6',
			'bng-3-user-7',
			'bng-3-user-8',
			'bng-3-user-9',
		]);
		const refused = await runCli(['sessions', '--search', 'region:west', '--db', database.url, '--profile', 'noc'], {
			env: {RADTOP_CONFIG_DIR: configDir},
			timeoutMs: 25_000,
		});
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain('unknown region "west" (regions: core, north)');
	});

	it('sends to the region NAS only, each session once, and writes the region in the audit record', async () => {
		const run = await radtop(['--region', 'north', '--yes', '--confirm-within', '0', '--reason', 'CHG-1 north']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain('5 sessions: 5 coa');
		expect(sent()).toEqual({'bng-1': 3, 'bng-2': 2, 'bng-3': 0, 'bng-4': 0});
		const records = readFileSync(auditLog, 'utf8')
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as {event: string});
		const begin = records.find(
			(record): record is AuditBeginRecord => record.event === 'disconnect.begin' && !(record as AuditBeginRecord).dryRun,
		);
		expect(begin?.target).toBe('region north: NAS bng-1, bng-2 (open sessions)');
		expect(begin?.reason).toBe('CHG-1 north');
		expect(begin?.planned.total).toBe(5);
	});
});
