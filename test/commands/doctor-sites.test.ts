/**
 * `radtop doctor` over a profile that lists sites (runDoctor in this process, real databases): every site is
 * checked, each check named after its site; a site that cannot be reached fails its own checks while the other
 * is still checked, and the exit code fails; `--site` checks one site; a site's NAS settings are its own; and
 * with a real primary and hot standby (pg_basebackup -R) as one site's database and read database, the standby
 * and its lag are reported at that site and at no other.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseDoctorFlags, runDoctor} from '../../source/commands/doctor.js';
import {reportError} from '../../source/commands/context.js';
import type {CheckResult} from '../../source/doctor/check.js';
import type {SiteProfile, StoredConfig} from '../../source/config/profile.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {collector} from '../helpers/cli.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {standbyGate, type StandbyPair} from '../helpers/standby-cluster.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const SECRET = 'doctor-sites-secret';
/** Nothing listens on port 1 of loopback: a site that cannot be reached. */
const DOWN_URL = 'postgres://postgres@127.0.0.1:1/radius';

let north: TestDatabase;
let nas: FakeCoaNas;
let dir: string;

beforeAll(async () => {
	north = await createTestDatabase();
	nas = await startFakeCoaNas({
		secret: SECRET,
		answer: () => ({code: PacketCode.DisconnectNak, attributes: [{name: 'Error-Cause', value: 503}]}),
	});
	dir = mkdtempSync(join(tmpdir(), 'radtop-doctor-sites-'));
}, 60_000);

afterAll(async () => {
	await nas?.close();
	await north?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

/** A config dir whose profile `two` lists these sites, polled every second. */
function profileWith(name: string, sites: readonly SiteProfile[]): string {
	const config: StoredConfig = {profiles: {two: {sites, interval: 1}}};
	const configDir = mkdtempSync(join(dir, `${name}-`));
	writeFileSync(join(configDir, 'config.json'), JSON.stringify(config), {mode: 0o600});
	return configDir;
}

interface DoctorRun {
	readonly code: number;
	readonly stdout: string;
	readonly lines: readonly string[];
}

/** `radtop doctor --profile two ARGS` with 2 timed runs; a thrown error reported as main reports it. */
async function doctor(configDir: string, args: Record<string, unknown>): Promise<DoctorRun & {stderr: string}> {
	const stdout = collector();
	const stderr = collector();
	const env = {RADTOP_CONFIG_DIR: configDir, PATH: process.env['PATH'] ?? ''};
	let code: number;
	try {
		code = await runDoctor(parseDoctorFlags({profile: 'two', runs: '2', timeout: '300', ...args}), {
			stdout: stdout.stream,
			stderr: stderr.stream,
			env,
		});
	} catch (error) {
		code = reportError(error, [], stderr.stream);
	}
	return {code, stdout: stdout.text(), stderr: stderr.text(), lines: stdout.text().split('\n')};
}

/** The line of a check (`STATUS  CHECK  detail`). */
function line(run: DoctorRun, status: string, check: string): string {
	const found = run.lines.find((text) => text.startsWith(`${status}  ${check} `) || text === `${status}  ${check}`);
	expect(found, `no "${status}  ${check}" line in:\n${run.stdout}`).toBeDefined();
	return found!;
}

describe('doctor over a profile with two sites', () => {
	it('checks both; a site that cannot be reached fails its own checks, the other is still checked', async () => {
		const configDir = profileWith('down', [
			{name: 'north', database: north.url},
			{name: 'west', database: DOWN_URL},
		]);
		const run = await doctor(configDir, {noNas: true});
		expect(run.code, run.stdout + run.stderr).toBe(1);
		// north's own database, not west's nor the profile's.
		expect(line(run, 'pass', 'north: database')).toContain(`${new URL(north.url).pathname.slice(1)}: PostgreSQL`);
		line(run, 'pass', 'north: table radacct');
		line(run, 'pass', 'north: index radacct_bulk_close');
		expect(line(run, 'fail', 'west: database')).toContain('connection refused (127.0.0.1:1)');
		// Every check is one site's; the first site's database is never checked twice.
		const checks = run.lines.filter((text) => /^(pass|warn|fail) {2}/.test(text));
		expect(
			checks.every((text) => /^(pass|warn|fail) {2}(north|west): /.test(text)),
			run.stdout,
		).toBe(true);
		expect(checks.filter((text) => / {2}north: database /.test(text))).toHaveLength(1);
		// The sites in the profile's order: north first, west after it.
		expect(run.stdout.indexOf('north: database')).toBeLessThan(run.stdout.indexOf('west: database'));
		expect(run.lines.at(-2)).toMatch(/^radtop doctor: \d+ pass, \d+ warn, [1-9]\d* fail$/);
		const fails = checks.filter((text) => text.startsWith('fail'));
		expect(
			fails.every((text) => text.startsWith('fail  west: ')),
			run.stdout,
		).toBe(true);
	});

	it('--site checks that site alone, and names the sites when it names none', async () => {
		const configDir = profileWith('one', [
			{name: 'north', database: north.url},
			{name: 'west', database: DOWN_URL},
		]);
		const one = await doctor(configDir, {noNas: true, site: 'north', json: true});
		const {checks} = JSON.parse(one.stdout) as {checks: CheckResult[]};
		expect(checks.length).toBeGreaterThan(5);
		expect(
			checks.every((check) => check.check.startsWith('north: ')),
			one.stdout,
		).toBe(true);
		expect(checks.find((check) => check.check === 'north: database')?.status).toBe('pass');
		expect(one.code, one.stdout).toBe(0);
		const west = await doctor(configDir, {noNas: true, site: 'west'});
		expect(west.code).toBe(1);
		expect(west.stdout).not.toContain('north: ');
		line(west, 'fail', 'west: database');
		const unknown = await doctor(configDir, {noNas: true, site: 'south'});
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toBe('radtop: --site: no site "south" (sites: north, west)\n');
		expect(unknown.stdout).toBe('');
	});

	it("checks each site's own NAS, the same IP another NAS at another site; a --nas no site has is a usage error", async () => {
		const east = await createTestDatabase();
		try {
			const bng = (name: string) => ({
				ip: '10.30.0.1',
				name,
				secret: SECRET,
				coaHost: '127.0.0.1',
				coaPort: nas.port,
				vendor: 'mikrotik' as const,
			});
			const configDir = profileWith('nas', [
				{name: 'north', database: north.url, nas: {'10.30.0.1': bng('bng-north')}},
				{name: 'east', database: east.url, nas: {'10.30.0.1': bng('bng-east')}},
				{name: 'west', database: DOWN_URL},
			]);
			const byName = await doctor(configDir, {nas: ['bng-north']});
			expect(line(byName, 'pass', `north: nas bng-north (10.30.0.1): CoA 127.0.0.1:${nas.port}`)).toContain('NAK');
			// Neither east nor west has a bng-north: nothing is said of it there.
			expect(byName.stdout).not.toMatch(/(east|west): nas /);
			const byIp = await doctor(configDir, {nas: ['10.30.0.1']});
			line(byIp, 'pass', `north: nas bng-north (10.30.0.1): CoA 127.0.0.1:${nas.port}`);
			line(byIp, 'pass', `east: nas bng-east (10.30.0.1): CoA 127.0.0.1:${nas.port}`);
			expect(byIp.stdout).not.toMatch(/west: nas /);
			for (const run of [byName, byIp]) expect(run.stdout + run.stderr).not.toContain(SECRET);
			for (const unknown of ['bng-nowhere', '10.99.0.1']) {
				const run = await doctor(configDir, {nas: [unknown]});
				expect(run.code).toBe(2);
				expect(run.stderr).toBe(`radtop: --nas ${unknown}: no site has this NAS (sites: north, east, west)\n`);
			}
		} finally {
			await east.close();
		}
	});

	it('--site without a profile that lists sites is a usage error', async () => {
		const configDir = mkdtempSync(join(dir, 'plain-'));
		writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles: {two: {database: north.url}}}), {mode: 0o600});
		const run = await doctor(configDir, {noNas: true, site: 'north'});
		expect(run.code).toBe(2);
		expect(run.stderr).toBe('radtop: --site takes a site of a profile that lists sites (radtop config set sites)\n');
	});
});

const gate = standbyGate();

describe('doctor over two sites, one reading a real hot standby', () => {
	let pair: StandbyPair | undefined;

	beforeAll(async () => {
		pair = await gate.start();
	}, 120_000);

	afterAll(async () => {
		await pair?.stop();
	});

	(gate.skip ? it.skip : it)('reports the primary, the standby and its lag at the site that reads it, and at no other', async () => {
		const {primaryUrl, standbyUrl} = pair!;
		await pair!.waitForReplay();
		const configDir = profileWith('standby', [
			{name: 'north', database: north.url},
			{name: 'south', database: primaryUrl, readDatabase: standbyUrl},
		]);
		const run = await doctor(configDir, {noNas: true});
		const port = (url: string) => new URL(url).port;
		expect(line(run, 'pass', `south: primary (postgres@127.0.0.1:${port(primaryUrl)}/radius)`)).toMatch(
			/reachable and not in recovery: sweep --apply writes here$/,
		);
		expect(line(run, 'pass', `south: read database (postgres@127.0.0.1:${port(standbyUrl)}/radius)`)).toMatch(
			/a hot standby \(pg_is_in_recovery\(\)\), streaming from the primary$/,
		);
		expect(line(run, 'pass', 'south: replication lag')).toMatch(/caught up|within the 1s poll interval/);
		line(run, 'pass', 'south: read database: same data');
		// The poll's queries are timed on the standby, the database checks made there too.
		expect(line(run, 'pass', 'south: database')).toContain(`127.0.0.1:${port(standbyUrl)}`);
		// north is a primary read directly: no standby, no lag.
		line(run, 'pass', 'north: database');
		expect(run.stdout).not.toMatch(/north: (primary|read database|replication lag)/);
		expect(run.code, run.stdout).toBe(0);
	});
});
