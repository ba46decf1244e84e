/**
 * `radtop disconnect` with targets other than a region over a profile that lists two sites: the built CLI in a
 * child process, two real databases (PostgreSQL when DATABASE_URL is set, else PGlite), each site's NAS a fake CoA
 * NAS on loopback. 10.20.0.1 is bng-1 at north (secret north-Secret) and hotspot-2 at south (south-Secret); alice is
 * online at both. Each site's Disconnect-Request reaches that site's NAS, verified there with that site's secret,
 * and each site's audit record names the site; --site narrows to one; a dry run sends nothing and writes each
 * site's dry-run records; a NAS name of one site hits that site alone; a bare radacctid asks for its site.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {getString} from '../../source/radius/packet.js';
import {assertBuilt, runCli} from '../helpers/cli.js';
import type {FakeCoaNas} from '../helpers/fake-coa-nas.js';
import type {TestDatabase} from '../helpers/test-database.js';
import {BNG_5, SHARED_IP, startTwoSiteNetwork, type TwoSiteNetwork} from '../helpers/two-site-network.js';

let network: TwoSiteNetwork;
let south: TestDatabase;
let northBng1: FakeCoaNas;
let southHotspot2: FakeCoaNas;
let southBng5: FakeCoaNas;
let dir: string;
let configDir: string;
let auditLog: string;
let southAlice: string;

interface AuditRecord {
	readonly event: string;
	readonly site?: string;
	readonly dryRun?: boolean;
	readonly target?: string;
	readonly reason?: string | null;
	readonly sessions?: ReadonlyArray<{readonly username: string}>;
}

/** What a NAS received: `user session-id` of each request that verified with its secret, else BAD SECRET. */
const requests = (nas: FakeCoaNas, from = 0) =>
	nas.received
		.slice(from)
		.map((request) =>
			request.packet ? `${getString(request.packet, 'User-Name')} ${getString(request.packet, 'Acct-Session-Id')}` : 'BAD SECRET',
		);

const records = (): AuditRecord[] =>
	readFileSync(auditLog, 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as AuditRecord);

const received = () => [northBng1, southHotspot2, southBng5].map((fake) => fake.received.length);

beforeAll(async () => {
	assertBuilt();
	network = await startTwoSiteNetwork({
		prefix: 'radtop-disconnect-sites-cli-',
		sessions: {
			north: [
				{username: 'alice', nasipaddress: SHARED_IP, acctsessionid: 'n-alice'},
				{username: 'carol', nasipaddress: SHARED_IP, acctsessionid: 'n-carol'},
			],
			south: [
				{username: 'alice', nasipaddress: SHARED_IP, acctsessionid: 's-alice'},
				{username: 'bob', nasipaddress: BNG_5, acctsessionid: 's-bob'},
			],
		},
	});
	({south, northBng1, southHotspot2, southBng5, dir, configDir, auditLog} = network);
	southAlice = network.ids.south[0]!;
}, 60_000);

afterAll(async () => {
	await network?.close();
});

const radtop = (args: readonly string[]) =>
	runCli(['disconnect', ...args, '--profile', 'two', '--audit-log', auditLog, '--confirm-within', '0'], {
		env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')},
		timeoutMs: 25_000,
	});

describe('radtop disconnect over two sites', () => {
	it('--user --dry-run previews the user at both sites as site/NAS, sends nothing, writes each site its dry-run records', async () => {
		const run = await radtop(['--user', 'alice', '--dry-run']);
		expect(run.code, run.stderr).toBe(0);
		// One IP, two NAS: each reached at its own site's CoA address.
		expect(run.stdout).toContain(`\n  north/bng-1 (10.20.0.1): 1 · CoA 127.0.0.1:${northBng1.port}\n`);
		expect(run.stdout).toContain(`\n  south/hotspot-2 (10.20.0.1): 1 · CoA 127.0.0.1:${southHotspot2.port}\n`);
		// The dry run's rows: each session by site:radacctid, its NAS site/name.
		expect(run.stdout).toMatch(/north:\d+ +alice +north\/bng-1 +coa/);
		expect(run.stdout).toMatch(new RegExp(`south:${southAlice} +alice +south/hotspot-2 +coa`));
		expect(run.stdout).toContain('dry run, nothing sent: 2 sessions');
		expect(received()).toEqual([0, 0, 0]);
		expect(records().map((record) => `${record.event} ${record.site} ${record.dryRun} ${record.target ?? ''}`)).toEqual(
			expect.arrayContaining([
				'disconnect.begin north true user "alice" (open sessions)',
				'disconnect.begin south true user "alice" (open sessions)',
				'disconnect.end north true ',
				'disconnect.end south true ',
			]),
		);
		expect(records()).toHaveLength(4);
	});

	it('without --yes and no terminal it refuses both sites at once; nothing is sent', async () => {
		const run = await radtop(['--user', 'alice']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('refusing to disconnect 2 sessions without --yes');
		expect(received()).toEqual([0, 0, 0]);
	});

	it('--user --yes: each site its own request, to its own NAS at the same IP with its own secret, audited with its site', async () => {
		const before = records().length;
		const run = await radtop(['--user', 'alice', '--yes', '--json', '--reason', 'reset at both']);
		expect(run.code, run.stderr).toBe(0);
		expect(requests(northBng1)).toEqual(['alice n-alice']);
		expect(requests(southHotspot2)).toEqual(['alice s-alice']);
		expect(southBng5.received).toHaveLength(0);
		const result = JSON.parse(run.stdout) as {results: Array<{radacctid: string; site: string; nasName: string; outcome: string}>};
		expect(
			result.results.map((entry) => `${entry.site} ${entry.radacctid.split(':')[0]} ${entry.nasName} ${entry.outcome}`).sort(),
		).toEqual(['north north bng-1 coa', 'south south hotspot-2 coa']);
		const begins = records()
			.slice(before)
			.filter((record) => record.event === 'disconnect.begin');
		expect(
			begins
				.map((record) => `${record.site} ${record.dryRun} ${record.reason}: ${record.sessions?.map((s) => s.username).join()}`)
				.sort(),
		).toEqual(['north false reset at both: alice', 'south false reset at both: alice']);
		expect(readFileSync(auditLog, 'utf8')).not.toMatch(/north-Secret|south-Secret/);
	});

	it('--site south narrows the user to that site', async () => {
		const before = received();
		const count = records().length;
		const run = await radtop(['--user', 'alice', '--site', 'south', '--yes']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toMatch(/coa +alice +south\/hotspot-2/);
		expect(received()).toEqual([before[0], before[1]! + 1, before[2]]);
		expect(requests(southHotspot2, before[1])).toEqual(['alice s-alice']);
		expect(
			records()
				.slice(count)
				.map((record) => `${record.event} ${record.site}`),
		).toEqual(['disconnect.begin south', 'disconnect.end south']);
		const unknown = await radtop(['--user', 'alice', '--site', 'east', '--yes']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toBe('radtop: --site: no site "east" (sites: north, south)\n');
	});

	it('--nas NAME of one site hits that site alone; its IP stands for the NAS at that address at each site', async () => {
		const byName = await radtop(['--nas', 'bng-1', '--dry-run']);
		expect(byName.code, byName.stderr).toBe(0);
		expect(byName.stdout.split('\n')[0]).toBe('NAS north/bng-1 (10.20.0.1): 2 open sessions');
		expect(byName.stdout).not.toContain('south');
		const byIp = await radtop(['--nas', SHARED_IP, '--dry-run']);
		expect(byIp.code, byIp.stderr).toBe(0);
		expect(byIp.stdout.split('\n')[0]).toBe('NAS north/bng-1 (10.20.0.1), south/hotspot-2 (10.20.0.1): 3 open sessions');
		const before = received();
		const run = await radtop(['--nas', 'bng-5', '--yes']);
		expect(run.code, run.stderr).toBe(0);
		expect(received()).toEqual([before[0], before[1], before[2]! + 1]);
		expect(requests(southBng5)).toEqual(['bob s-bob']);
		const unknown = await radtop(['--nas', 'bng-7', '--dry-run']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/bng-7/);
	});

	it('--all-matching reads the filter at every site; with --nas NAME, at the site of that NAS alone', async () => {
		const all = await radtop(['--all-matching', '--search', 'alice', '--dry-run']);
		expect(all.code, all.stderr).toBe(0);
		expect(all.stdout).toMatch(/north:\d+ +alice +north\/bng-1/);
		expect(all.stdout).toMatch(/south:\d+ +alice +south\/hotspot-2/);
		const one = await radtop(['--all-matching', '--search', 'alice', '--nas', 'hotspot-2', '--dry-run']);
		expect(one.code, one.stderr).toBe(0);
		expect(one.stdout).toMatch(/south:\d+ +alice +south\/hotspot-2/);
		expect(one.stdout).not.toMatch(/north/);
	});

	it('--session takes SITE:ID; a bare ID asks which site', async () => {
		const bare = await radtop(['--session', southAlice, '--dry-run']);
		expect(bare.code).toBe(2);
		expect(bare.stderr).toContain(`--session ${southAlice}: which site? give SITE:${southAlice} or --site NAME (sites: north, south)`);
		const keyed = await radtop(['--session', `south:${southAlice}`, '--dry-run']);
		expect(keyed.code, keyed.stderr).toBe(0);
		expect(keyed.stdout).toMatch(new RegExp(`south:${southAlice} +alice +south/hotspot-2`));
		expect(keyed.stdout).not.toMatch(/north:/);
		const withSite = await radtop(['--session', southAlice, '--site', 'south', '--dry-run']);
		expect(withSite.code, withSite.stderr).toBe(0);
		expect(withSite.stdout).toMatch(new RegExp(`south:${southAlice} +alice`));
	});

	it('with one database (--db wins over the sites) --site and SITE:ID are usage errors', async () => {
		const before = received();
		const site = await radtop(['--db', south.url, '--user', 'alice', '--site', 'south', '--dry-run']);
		expect(site.code).toBe(2);
		expect(site.stderr).toBe('radtop: --site takes a site of a profile that lists sites (radtop config set sites)\n');
		const keyed = await radtop(['--db', south.url, '--session', `south:${southAlice}`, '--dry-run']);
		expect(keyed.code).toBe(2);
		expect(keyed.stderr).toBe(`radtop: --session south:${southAlice} names a site: this profile lists no sites\n`);
		expect(received()).toEqual(before);
	});
});
