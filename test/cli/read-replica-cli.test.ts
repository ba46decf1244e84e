/**
 * A read replica from the command line, the built CLI against a real primary and its real hot standby
 * (pg_basebackup -R): `config set read-database` (a password never from argv, never printed), `sessions`
 * reading the standby (what the primary got while replay is paused is not there), `sweep --apply` writing the
 * primary with the standby as the read database, and `doctor` reporting both: reachable, recovery, the lag
 * against the profile's poll interval, the same cluster or not.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {StoredConfig} from '../../source/config/profile.js';
import {assertBuilt, runCli, runMainInProcess, type CliRun} from '../helpers/cli.js';
import {standbyGate, type StandbyPair} from '../helpers/standby-cluster.js';
import {insertSessions} from '../helpers/test-database.js';

const PASSWORD = 'ro-pw-5e2a';
let dir: string;
let configDir: string;

beforeAll(() => {
	assertBuilt();
	dir = mkdtempSync(join(tmpdir(), 'radtop-replica-cli-'));
	configDir = join(dir, 'radtop');
});

afterAll(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
});

describe('radtop config set read-database', () => {
	const env = () => ({RADTOP_CONFIG_DIR: configDir});

	it('is taken as database is: checked, a password only from stdin, printed without it', async () => {
		const refused = await runMainInProcess(['config', 'set', 'read-database', `postgres://ro:${PASSWORD}@standby/radius`], {
			env: env(),
		});
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/^radtop: a database URL with a password is refused on the command line/);
		const invalid = await runMainInProcess(['config', 'set', 'read-database', 'mysql://standby/radius'], {env: env()});
		expect(invalid.code).toBe(2);
		expect(invalid.stderr).toBe('radtop: read-database must be a postgres:// or postgresql:// URL, not mysql://\n');

		const set = await runCli(['config', 'set', 'read-database', '--stdin', '--profile', 'noc'], {
			env: env(),
			input: `postgres://ro:${PASSWORD}@standby-1:5433/radius\n`,
		});
		expect(set.code, set.stderr).toBe(0);
		expect(set.stdout).toBe('profile "noc": read-database = postgres://ro@standby-1:5433/radius (password stored, not shown)\n');
		const stored = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as StoredConfig;
		expect(stored.profiles?.['noc']?.readDatabase).toBe(`postgres://ro:${PASSWORD}@standby-1:5433/radius`);
		const got = await runCli(['config', 'get', 'read-database', '--profile', 'noc'], {env: env()});
		expect(got.stdout).toBe('postgres://ro@standby-1:5433/radius\n');
		for (const run of [refused, invalid, set, got]) expect(run.stdout + run.stderr).not.toContain(PASSWORD);
	});

	it('refuses --read-db that is not a URL, and with --demo', async () => {
		const bad = await runMainInProcess(['sessions', '--read-db', 'standby-1'], {env: env()});
		expect(bad.code).toBe(2);
		expect(bad.stderr).toBe('radtop: --read-db is not a valid postgres:// URL\n');
		const demo = await runMainInProcess(['sessions', '--demo', '--read-db', 'postgres://standby/radius'], {env: env()});
		expect(demo.code).toBe(2);
		expect(demo.stderr).toBe('radtop: --read-db does not go with --demo\n');
	});
});

const gate = standbyGate();

describe('a primary and its hot standby from the command line', () => {
	let pair: StandbyPair;
	let primary: pg.Pool;
	let standby: pg.Pool;
	let profileDir: string;

	beforeAll(async () => {
		const started = await gate.start();
		if (!started) return;
		pair = started;
		primary = new pg.Pool({connectionString: pair.primaryUrl, max: 2});
		standby = new pg.Pool({connectionString: pair.standbyUrl, max: 2});
		// The profile names the primary and its standby, and polls every second.
		profileDir = join(dir, 'profile');
		mkdirSync(profileDir, {recursive: true});
		const config: StoredConfig = {
			defaultProfile: 'site',
			profiles: {site: {database: pair.primaryUrl, readDatabase: pair.standbyUrl, interval: 1}},
		};
		writeFileSync(join(profileDir, 'config.json'), JSON.stringify(config), {mode: 0o600});
	}, 120_000);

	afterAll(async () => {
		await standby?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
		await standby?.end();
		await primary?.end();
		await pair?.stop();
	});

	const radtop = (args: readonly string[]): Promise<CliRun> => runCli(args, {env: {RADTOP_CONFIG_DIR: profileDir}, timeoutMs: 40_000});
	const users = (run: CliRun): string[] =>
		(JSON.parse(run.stdout) as {sessions: Array<{username: string}>}).sessions.map((session) => session.username).sort();
	const port = (url: string) => new URL(url).port;
	const itWithStandby = gate.skip ? it.skip : it;

	itWithStandby('sessions and export read the standby, through the profile and through --read-db', async () => {
		await primary.query('TRUNCATE radacct');
		await insertSessions(primary, [{username: 'early-alice', startedAgo: 600, updatedAgo: 60}]);
		await pair.waitForReplay();
		await standby.query('SELECT pg_wal_replay_pause()');
		try {
			await insertSessions(primary, [{username: 'late-bob', startedAgo: 30, updatedAgo: 5}]);
			const viaProfile = await radtop(['sessions', '--json']);
			expect(viaProfile.code, viaProfile.stderr).toBe(0);
			expect(users(viaProfile)).toEqual(['early-alice']);
			const viaFlag = await radtop(['sessions', '--json', '--db', pair.primaryUrl, '--read-db', pair.standbyUrl]);
			expect(users(viaFlag)).toEqual(['early-alice']);
			const exported = await radtop(['export']);
			expect(exported.code, exported.stderr).toBe(0);
			expect(exported.stdout).toContain('early-alice');
			expect(exported.stdout).not.toContain('late-bob');
			// --db alone names another primary: the profile's read-database is not its standby, the primary is read.
			const primaryOnly = await radtop(['sessions', '--json', '--db', pair.primaryUrl]);
			expect(users(primaryOnly)).toEqual(['early-alice', 'late-bob']);
		} finally {
			await standby.query('SELECT pg_wal_replay_resume()');
		}
	});

	itWithStandby('sweep --apply closes on the primary while reads go to the standby', async () => {
		await primary.query('TRUNCATE radacct');
		const [ghost] = await insertSessions(primary, [{username: 'ghost-carol', startedAgo: 20_000, updatedAgo: 9000}]);
		await pair.waitForReplay();
		const dry = await radtop(['sweep', '--json']);
		expect(dry.code, dry.stderr).toBe(0);
		expect(dry.stdout).toContain('ghost-carol');
		const applied = await radtop(['sweep', '--apply', '--yes', '--reason', 'replica test', '--audit-log', join(dir, 'audit.log')]);
		expect(applied.code, applied.stderr).toBe(0);
		const {rows} = await primary.query('SELECT acctstoptime, acctterminatecause FROM radacct WHERE radacctid = $1::bigint', [ghost]);
		expect(rows[0].acctstoptime).not.toBeNull();
		expect(rows[0].acctterminatecause).toBe('Lost-Carrier');
		await pair.waitForReplay();
		const onStandby = await standby.query('SELECT acctstoptime FROM radacct WHERE radacctid = $1::bigint', [ghost]);
		expect(onStandby.rows[0].acctstoptime).not.toBeNull();
	});

	itWithStandby('doctor reports the primary and the standby: reachable, recovery, lag, the same cluster', async () => {
		await pair.waitForReplay();
		const run = await radtop(['doctor', '--no-nas']);
		const lines = run.stdout.split('\n');
		const line = (check: string) => lines.find((text) => text.includes(`  ${check}`)) ?? '';
		expect(line(`primary (postgres@127.0.0.1:${port(pair.primaryUrl)}/radius)`)).toMatch(
			/^pass .*reachable and not in recovery: sweep --apply writes here$/,
		);
		expect(line(`read database (postgres@127.0.0.1:${port(pair.standbyUrl)}/radius)`)).toMatch(
			/^pass .*a hot standby \(pg_is_in_recovery\(\)\), streaming from the primary$/,
		);
		expect(line('replication lag')).toMatch(/^pass .*caught up: the standby has replayed all the WAL it received$/);
		const {rows} = await primary.query('SELECT system_identifier::text AS id FROM pg_control_system()');
		expect(line('read database: same data')).toMatch(
			new RegExp(`^pass .*the same cluster \\(system identifier ${rows[0].id}\\) and database \\(radius\\)$`),
		);
		// What sweep --apply needs is checked on the primary: no "hot standby" warning from the standby's session.
		expect(line('writes (sweep --apply)')).toMatch(/^pass /);
		expect(run.stdout).not.toContain('radtop sweep --apply cannot close sessions here');
		// The poll's queries are timed where they run: on the standby.
		expect(run.code, run.stdout).toBe(0);
	});

	itWithStandby('doctor warns when the lag exceeds the poll interval, and says so of replay paused', async () => {
		await standby.query('SELECT pg_wal_replay_pause()');
		try {
			await primary.query("INSERT INTO nas (nasname, shortname, secret) VALUES ('10.9.9.9', 'lag-probe', 'x')");
			await new Promise((resolve) => setTimeout(resolve, 2500));
			const run = await radtop(['doctor', '--no-nas', '--json']);
			const checks = (JSON.parse(run.stdout) as {checks: Array<{check: string; status: string; detail: string; fix?: string}>})
				.checks;
			const lag = checks.find((check) => check.check === 'replication lag');
			expect(lag?.status).toBe('warn');
			expect(lag?.detail).toMatch(
				/^up to \ds behind the primary \(the age of the last transaction it replayed\), more than the 1s poll interval$/,
			);
			expect(lag?.fix).toBe('replay is paused on the standby: SELECT pg_wal_replay_resume(); there');
		} finally {
			await standby.query('SELECT pg_wal_replay_resume()');
		}
	});

	itWithStandby('doctor says when the read URL is a primary, and when it is another cluster', async () => {
		const itself = await radtop(['doctor', '--no-nas', '--db', pair.primaryUrl, '--read-db', pair.primaryUrl]);
		expect(itself.stdout).toMatch(/pass {2}read database \(.*\) +a primary, not a hot standby \(pg_is_in_recovery\(\) is false\)/);
		expect(itself.stdout).toMatch(/pass {2}read database: same data +the same cluster/);
		expect(itself.stdout).not.toContain('replication lag');
		const other = process.env['DATABASE_URL'];
		if (other === undefined) return;
		const elsewhere = await radtop(['doctor', '--no-nas', '--db', pair.primaryUrl, '--read-db', other]);
		expect(elsewhere.code).toBe(1);
		expect(elsewhere.stdout).toMatch(/fail {2}read database: same data +another cluster: system identifier \d+, the primary's \d+/);
	});

	itWithStandby('doctor fails a read database that cannot be reached, and still checks the primary', async () => {
		const run = await radtop(['doctor', '--no-nas', '--db', pair.primaryUrl, '--read-db', 'postgres://postgres@127.0.0.1:1/radius']);
		expect(run.code).toBe(1);
		expect(run.stdout).toMatch(/fail {2}read database \(postgres@127\.0\.0\.1:1\/radius\) +unreachable: /);
		expect(run.stdout).toMatch(/pass {2}primary \(.*\) +reachable and not in recovery/);
	});
});
