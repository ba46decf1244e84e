/**
 * `radtop disconnect --region NAME` over a profile that lists two sites: the built CLI in a child process, two real
 * databases (PostgreSQL when DATABASE_URL is set, else PGlite), each site's NAS a fake CoA NAS of its own. 10.20.0.1
 * is bng-1 at north and hotspot-2 at south; the region metro names north's bng-1 and south's bng-5. The preview
 * names each NAS `site/name` and writes each site's dry-run records; a run sends each site's share to its own NAS
 * with its own secret, none to hotspot-2, one audit record per site naming the site and the region.
 *
 * `npm test` builds dist/ first; run `npm run build` when running vitest on its own.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {getString} from '../../source/radius/packet.js';
import {assertBuilt, runCli} from '../helpers/cli.js';
import type {FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {BNG_5, SHARED_IP, startTwoSiteNetwork, type TwoSiteNetwork} from '../helpers/two-site-network.js';

let network: TwoSiteNetwork;
let northBng1: FakeCoaNas;
let southHotspot2: FakeCoaNas;
let southBng5: FakeCoaNas;
let dir: string;
let configDir: string;
let auditLog: string;

const users = (nas: FakeCoaNas) =>
	[...new Set(nas.received.map((request) => (request.packet ? getString(request.packet, 'User-Name') : 'BAD SECRET')))].sort();

beforeAll(async () => {
	assertBuilt();
	network = await startTwoSiteNetwork({
		prefix: 'radtop-region-sites-cli-',
		sessions: {
			north: [
				{username: 'alice', nasipaddress: SHARED_IP},
				{username: 'carol', nasipaddress: SHARED_IP},
			],
			south: [
				{username: 'bob', nasipaddress: SHARED_IP},
				{username: 'dave', nasipaddress: BNG_5},
			],
		},
		profile: {regions: {metro: ['bng-1', 'bng-5']}},
	});
	({northBng1, southHotspot2, southBng5, dir, configDir, auditLog} = network);
}, 60_000);

afterAll(async () => {
	await network?.close();
});

const radtop = (args: readonly string[]) =>
	runCli(['disconnect', ...args, '--profile', 'two', '--audit-log', auditLog], {
		env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')},
		timeoutMs: 25_000,
	});

describe('radtop disconnect --region over two sites', () => {
	it('--dry-run previews every NAS of the region as site/name with its count, sends nothing', async () => {
		const run = await radtop(['--region', 'metro', '--dry-run']);
		expect(run.code, run.stderr).toBe(0);
		const lines = run.stdout.split('\n');
		expect(lines[0]).toBe('region metro (2 NAS): 3 open sessions');
		expect(lines[1]).toMatch(/^ {2}north\/bng-1 \(10\.20\.0\.1\): 2 · CoA 127\.0\.0\.1:\d+$/);
		expect(lines[2]).toMatch(/^ {2}south\/bng-5 \(10\.40\.0\.1\): 1 · CoA 127\.0\.0\.1:\d+$/);
		expect(run.stdout).not.toContain('hotspot-2');
		expect(run.stdout).toContain('dry run, nothing sent: 3 sessions');
		expect([northBng1, southHotspot2, southBng5].map((fake) => fake.received.length)).toEqual([0, 0, 0]);
		// Each site's part leaves its dry-run records, naming the site.
		const records = readFileSync(auditLog, 'utf8')
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as {event: string; site?: string; dryRun?: boolean});
		expect(records.map((record) => `${record.event} ${record.site} ${record.dryRun}`).sort()).toEqual([
			'disconnect.begin north true',
			'disconnect.begin south true',
			'disconnect.end north true',
			'disconnect.end south true',
		]);
	});

	it('without --yes and no terminal it refuses; with --yes each site its share, audited by site and region', async () => {
		const refused = await radtop(['--region', 'metro']);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain('refusing to disconnect 3 sessions without --yes');
		const run = await radtop(['--region', 'metro', '--yes', '--reason', 'CHG-1 metro', '--confirm-within', '0']);
		expect(run.stdout).toMatch(/3 sessions: 3 coa/);
		expect(users(northBng1)).toEqual(['alice', 'carol']);
		expect(users(southBng5)).toEqual(['dave']);
		expect(southHotspot2.received).toHaveLength(0);
		const begins = readFileSync(auditLog, 'utf8')
			.trim()
			.split('\n')
			.map(
				(line) =>
					JSON.parse(line) as {event: string; site?: string; target?: string; via?: string; reason?: string; dryRun?: boolean},
			)
			.filter((record) => record.event === 'disconnect.begin' && !record.dryRun);
		expect(begins.map((record) => `${record.site} ${record.via} ${record.reason}: ${record.target}`).sort()).toEqual([
			'north command line CHG-1 metro: region metro: NAS bng-1 (open sessions)',
			'south command line CHG-1 metro: region metro: NAS bng-5 (open sessions)',
		]);
		expect(readFileSync(auditLog, 'utf8')).not.toMatch(/north-Secret|south-Secret/);
	});
});
