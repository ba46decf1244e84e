/**
 * Regions over two sites, against two real databases (PostgreSQL when DATABASE_URL is set, else PGlite). One IP,
 * 10.20.0.1, is `bng-1` at north and `hotspot-2` at south, each a fake CoA NAS of its own with its site's secret;
 * the region `metro` names north's bng-1 and south's bng-5. `region:` over the merged reader, the console's `X` on
 * the region and `radtop disconnect --region` each hit exactly the region's NAS at each site, never the same-IP
 * NAS of the other site, and the audit records name the site and the region.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stream} from '../helpers/cli.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {consoleDisconnects} from '../../source/commands/console.js';
import type {CommandContext} from '../../source/commands/context.js';
import {runSitesDisconnect} from '../../source/commands/disconnect-sites.js';
import {openSites, type OpenedSites} from '../../source/commands/sites-context.js';
import {previewLines} from '../../source/disconnect/report.js';
import {getString} from '../../source/radius/packet.js';
import {regionCounts, regionDisconnect} from '../../source/ui/region-choices.js';
import type {FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {ackAndStop, writer} from '../helpers/site-nas.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const SHARED_IP = '10.20.0.1';
const BNG_5 = '10.30.0.5';
const OTHER_NORTH = '10.20.0.9';
const REGIONS = {metro: ['bng-1', 'bng-5'], solo: ['bng-1']};

let north: TestDatabase;
let south: TestDatabase;
let northBng1: FakeCoaNas;
let southHotspot2: FakeCoaNas;
let southBng5: FakeCoaNas;
let sites: OpenedSites;
let directory: string;

/** The users whose requests a NAS received and verified with its own secret (a wrong secret leaves packet unset). */
function usersAt(nas: FakeCoaNas, from = 0): Array<string | undefined> {
	return nas.received.slice(from).map((request) => (request.packet ? getString(request.packet, 'User-Name') : 'BAD SECRET'));
}

const addNas = (db: TestDatabase, ip: string, name: string, secret: string) =>
	writer(db).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, $2, 'other', $3)`, [ip, name, secret]);

beforeAll(async () => {
	[north, south] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	[northBng1, southHotspot2, southBng5] = await Promise.all([
		ackAndStop(() => north, 'north-secret'),
		ackAndStop(() => south, 'south-secret'),
		ackAndStop(() => south, 'south-secret'),
	]);
	await addNas(north, SHARED_IP, 'bng-1', 'north-secret');
	await addNas(north, OTHER_NORTH, 'bng-9', 'north-secret');
	await addNas(south, SHARED_IP, 'hotspot-2', 'south-secret');
	await addNas(south, BNG_5, 'bng-5', 'south-secret');
	await insertSessions(writer(north), [
		{username: 'alice', nasipaddress: SHARED_IP, acctsessionid: 'n0000001'},
		{username: 'carol', nasipaddress: SHARED_IP, acctsessionid: 'n0000002'},
		{username: 'nina', nasipaddress: OTHER_NORTH, acctsessionid: 'n0000003'},
	]);
	await insertSessions(writer(south), [
		{username: 'bob', nasipaddress: SHARED_IP, acctsessionid: 's0000001'},
		{username: 'dave', nasipaddress: BNG_5, acctsessionid: 's0000002'},
		{username: 'erin', nasipaddress: BNG_5, acctsessionid: 's0000003'},
	]);
	const at = (nas: FakeCoaNas) => ({coaHost: nas.address, coaPort: nas.port});
	sites = await openSites(
		[
			{name: 'north', database: north.url, nas: {[SHARED_IP]: {ip: SHARED_IP, ...at(northBng1)}}},
			{
				name: 'south',
				database: south.url,
				nas: {[SHARED_IP]: {ip: SHARED_IP, ...at(southHotspot2)}, [BNG_5]: {ip: BNG_5, ...at(southBng5)}},
			},
		],
		{regions: REGIONS},
	);
	directory = mkdtempSync(join(tmpdir(), 'radtop-sites-regions-'));
});

afterAll(async () => {
	await sites?.close();
	await Promise.all([northBng1?.close(), southHotspot2?.close(), southBng5?.close()]);
	await Promise.all([north?.close(), south?.close()]);
	if (directory) rmSync(directory, {recursive: true, force: true});
});

const contextWith = (auditLog: string) => ({profile: {auditLog, regions: REGIONS}, secrets: [], sites}) as unknown as CommandContext;

/** The open sessions a search finds over both sites, `site/user`, sorted. */
async function found(search: string): Promise<string[]> {
	const page = await sites.merged.list({status: 'active', search}, {key: 'user', direction: 'asc'}, {limit: 50});
	return page.rows.map((row) => `${row.site}/${row.username}`);
}

function auditRecords(path: string): Array<Record<string, unknown>> {
	return readFileSync(path, 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('regions over two sites', () => {
	it('the merged reader has the regions; region: reads each site against its own NAS', async () => {
		expect(sites.merged.regions).toEqual(REGIONS);
		// bng-1 is north's 10.20.0.1; south's hotspot-2 at the same IP is no NAS of metro.
		expect(await found('region:metro')).toEqual(['north/alice', 'north/carol', 'south/dave', 'south/erin']);
		// A region with no NAS at south matches nothing there, not everything.
		expect(await found('region:solo')).toEqual(['north/alice', 'north/carol']);
		expect(await found('-region:metro')).toEqual(['south/bob', 'north/nina']);
	});

	it('region counts come per site from the merged counts, summed', async () => {
		const counts = regionCounts(REGIONS, (await sites.merged.openCounts()).perNas);
		const metro = counts.find((region) => region.name === 'metro')!;
		expect(metro.sessions).toBe(4);
		expect(metro.nas.map((nas) => `${nas.site}/${nas.name}`).sort()).toEqual(['north/bng-1', 'south/bng-5']);
		expect(counts.find((region) => region.name === 'solo')!.sessions).toBe(2);
	});

	it('X on a region sends each site exactly its NAS of the region, with that site secret, and audits it by site and region', async () => {
		const auditLog = join(directory, 'console.jsonl');
		const engine = consoleDisconnects(contextWith(auditLog));
		try {
			const metro = regionCounts(REGIONS, (await sites.merged.openCounts()).perNas).find((region) => region.name === 'metro')!;
			const {target, label} = regionDisconnect(metro);
			expect(label).toMatch(/north\/bng-1/);
			expect(label).toMatch(/south\/bng-5/);
			const preview = await engine.service.preview(target);
			expect(preview.plan.items.map((item) => `${item.session.site}/${item.session.username}`).sort()).toEqual([
				'north/alice',
				'north/carol',
				'south/dave',
				'south/erin',
			]);
			expect(preview.plan.perNas.map((nas) => `${nas.nas.name}=${nas.total}`)).toEqual(['north/bng-1=2', 'south/bng-5=2']);
			expect(previewLines(preview.plan).slice(0, 3)).toEqual([
				'region metro (2 NAS): 4 open sessions',
				expect.stringMatching(/^ {2}north\/bng-1 \(10\.20\.0\.1\): 2 · /),
				expect.stringMatching(/^ {2}south\/bng-5 \(10\.30\.0\.5\): 2 · /),
			]);
			expect(preview.confirmation).toMatchObject({kind: 'typed', expected: 'metro'});
			const result = await engine.service.execute(preview, {reason: 'region over sites'});
			expect(result.totals).toMatchObject({coa: 4, failed: 0});
			expect(usersAt(northBng1).sort()).toEqual(['alice', 'carol']);
			expect(usersAt(southBng5).sort()).toEqual(['dave', 'erin']);
			expect(usersAt(southHotspot2)).toEqual([]);
			const begins = auditRecords(auditLog).filter((record) => record['event'] === 'disconnect.begin');
			expect(begins.map((record) => `${String(record['site'])}: ${String(record['target'])}`).sort()).toEqual([
				expect.stringMatching(/^north: region metro: NAS bng-1 /),
				expect.stringMatching(/^south: region metro: NAS bng-5 /),
			]);
			expect(readFileSync(auditLog, 'utf8')).not.toMatch(/north-secret|south-secret/);
			const open = async (db: TestDatabase) =>
				(await writer(db).query('SELECT username FROM radacct WHERE acctstoptime IS NULL ORDER BY username')).rows.map(
					(row: {username: string}) => row.username,
				);
			expect(await open(north)).toEqual(['nina']);
			expect(await open(south)).toEqual(['bob']);
		} finally {
			await engine.close();
		}
	});

	it('radtop disconnect --region over sites: the preview lists site/name, the region name is typed, each site its own part', async () => {
		await insertSessions(writer(north), [{username: 'frank', nasipaddress: SHARED_IP, acctsessionid: 'n0000010'}]);
		await insertSessions(writer(south), [
			{username: 'gina', nasipaddress: BNG_5, acctsessionid: 's0000010'},
			{username: 'hugo', nasipaddress: SHARED_IP, acctsessionid: 's0000011'},
		]);
		const before = {north: northBng1.received.length, hotspot: southHotspot2.received.length, bng5: southBng5.received.length};
		const auditLog = join(directory, 'cli.jsonl');
		const stdout = stream();
		const stderr = stream();
		const asked: string[] = [];
		const request = {
			target: {kind: 'nas' as const, nasIps: []},
			nas: [],
			region: 'metro',
			method: 'coa' as const,
			concurrency: 4,
			timeoutMs: 1000,
			retries: 0,
			confirmWithinMs: 2000,
			dryRun: false,
			yes: false,
			json: false,
			reason: 'cli region',
			auditLog,
		};
		const io = {
			stdout: stdout as unknown as NodeJS.WriteStream,
			stderr: stderr as unknown as NodeJS.WriteStream,
			stdinIsTerminal: false,
			ask: async (prompt: string) => {
				asked.push(prompt);
				return 'metro';
			},
		};
		// A wrong name sends nothing.
		const refused = await runSitesDisconnect(contextWith(auditLog), request, {...io, ask: async () => 'metr'});
		expect(refused).toBe(1);
		expect(northBng1.received.length).toBe(before.north);
		const code = await runSitesDisconnect(contextWith(auditLog), request, io);
		expect(stderr.text()).toContain('region metro (2 NAS): 2 open sessions');
		expect(stderr.text()).toMatch(/north\/bng-1 \(10\.20\.0\.1\): 1 · /);
		expect(stderr.text()).toMatch(/south\/bng-5 \(10\.30\.0\.5\): 1 · /);
		expect(asked.at(-1)).toContain('type the region');
		expect(code).toBe(0);
		expect(stdout.text()).toContain('2 sessions');
		expect(usersAt(northBng1, before.north)).toEqual(['frank']);
		expect(usersAt(southBng5, before.bng5)).toEqual(['gina']);
		expect(usersAt(southHotspot2, before.hotspot)).toEqual([]);
		const begins = auditRecords(auditLog).filter((record) => record['event'] === 'disconnect.begin');
		expect(begins.map((record) => `${String(record['site'])} ${String(record['via'])} ${String(record['target'])}`).sort()).toEqual([
			expect.stringMatching(/^north command line region metro: NAS bng-1 /),
			expect.stringMatching(/^south command line region metro: NAS bng-5 /),
		]);
	});

	it('an unknown region is a usage error naming the regions', async () => {
		const request = {
			target: {kind: 'nas' as const, nasIps: []},
			nas: [],
			region: 'nowhere',
			method: 'coa' as const,
			concurrency: 1,
			timeoutMs: 500,
			retries: 0,
			confirmWithinMs: 0,
		};
		const io = {
			stdout: stream() as unknown as NodeJS.WriteStream,
			stderr: stream() as unknown as NodeJS.WriteStream,
			stdinIsTerminal: false,
		};
		await expect(
			runSitesDisconnect(contextWith(join(directory, 'x.jsonl')), {...request, dryRun: true, yes: false, json: false}, io),
		).rejects.toThrow(/unknown region "nowhere" \(regions: metro, solo\)/);
	});
});
