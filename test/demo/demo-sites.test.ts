/**
 * The demo's two sites: the first is the network the demo always had, the second its own network on its own NAS
 * (one of them at an IP the first site also uses), each built as an embedded database of its own.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {afterAll, describe, expect, it} from 'vitest';
import {demoSeed} from '../../source/commands/context.js';
import {startEmbeddedDatabase, type EmbeddedDatabase} from '../../source/db/embedded-database.js';
import {DEMO_NAS, DEMO_REGIONS, DEMO_SITES, SOUTH_NAS} from '../../source/demo/network.js';
import {DEMO_RELOAD, demoSiteSeedOptions, generateDemoNetwork} from '../../source/demo/seed.js';

const NOW = new Date('2026-12-07T09:00:00Z');
const [NORTH, SOUTH] = DEMO_SITES as [(typeof DEMO_SITES)[number], (typeof DEMO_SITES)[number]];

describe('the demo sites', () => {
	it('seeds the first site exactly as the one-site demo was seeded', () => {
		const before = generateDemoNetwork({now: NOW, reload: DEMO_RELOAD});
		const north = generateDemoNetwork(demoSiteSeedOptions(NORTH, NOW));
		expect(north.starts).toEqual(before.starts);
		expect(north.stops).toEqual(before.stops);
		expect(north.reloads).toEqual(before.reloads);
		expect(north.nas).toBe(DEMO_NAS);
	});

	it('homes every subscriber of the second site on its own NAS, with its own users and no reload', () => {
		const north = generateDemoNetwork(demoSiteSeedOptions(NORTH, NOW));
		const south = generateDemoNetwork(demoSiteSeedOptions(SOUTH, NOW));
		const southIps = new Set(SOUTH_NAS.map((nas) => nas.ip));
		expect(south.starts.length).toBeGreaterThan(0);
		expect(south.starts.every((start) => southIps.has(start.nasIpAddress))).toBe(true);
		expect(new Set(south.starts.map((start) => start.nasIpAddress))).toEqual(southIps);
		expect(south.reloads).toEqual([]);
		const open = south.starts.length - south.stops.length;
		expect(open).toBe(SOUTH.openSessions);
		const northUsers = new Set(north.starts.map((start) => start.userName));
		const shared = new Set(south.starts.map((start) => start.userName).filter((name) => northUsers.has(name)));
		// Drawn from the same name lists, a few names meet by chance; most do not.
		expect(shared.size).toBeLessThan(new Set(south.starts.map((start) => start.userName)).size / 4);
	});

	it('has one IP that is a different NAS at each site, and regions over NAS of both', () => {
		const shared = SOUTH_NAS.filter((south) => DEMO_NAS.some((north) => north.ip === south.ip));
		expect(shared.map((nas) => nas.name)).toEqual(['hotspot-2']);
		expect(DEMO_NAS.find((nas) => nas.ip === shared[0]!.ip)?.name).toBe('bng-1');
		const names = (site: typeof DEMO_NAS) => site.flatMap((nas) => [nas.name, nas.ip]);
		for (const members of Object.values(DEMO_REGIONS)) {
			expect(members.some((member) => names(DEMO_NAS).includes(member))).toBe(true);
			expect(members.some((member) => names(SOUTH_NAS).includes(member))).toBe(true);
		}
	});

	describe('as embedded databases', () => {
		const opened: EmbeddedDatabase[] = [];
		let cacheDir: string | undefined;
		afterAll(async () => {
			for (const database of opened) await database.close();
			if (cacheDir) await rm(cacheDir, {recursive: true, force: true});
		});

		it('builds and caches each site apart: its NAS table and its open sessions', async () => {
			cacheDir = await mkdtemp(join(tmpdir(), 'radtop-demo-sites-'));
			const counts: Record<string, {nas: string[]; open: number}> = {};
			for (const site of DEMO_SITES) {
				const database = await startEmbeddedDatabase({contents: 'demo', seed: demoSeed, site: site.name, cacheDir});
				opened.push(database);
				const client = new pg.Client({connectionString: database.url});
				await client.connect();
				try {
					const nas = await client.query<{shortname: string}>('SELECT shortname FROM nas ORDER BY shortname');
					const open = await client.query<{open: number}>('SELECT count(*)::int AS open FROM radacct WHERE acctstoptime IS NULL');
					counts[site.name] = {nas: nas.rows.map((row) => row.shortname), open: open.rows[0]!.open};
				} finally {
					await client.end();
				}
			}
			expect(counts['north']).toEqual({nas: DEMO_NAS.map((nas) => nas.name).sort(), open: NORTH.openSessions + DEMO_RELOAD.ghosts});
			expect(counts['south']).toEqual({nas: SOUTH_NAS.map((nas) => nas.name).sort(), open: SOUTH.openSessions});
		}, 180_000);

		it('refuses a site name that is not one', async () => {
			await expect(startEmbeddedDatabase({contents: 'demo', seed: demoSeed, site: '../x', cacheDir: tmpdir()})).rejects.toThrow(
				/not a demo site name/,
			);
		});
	});
});
