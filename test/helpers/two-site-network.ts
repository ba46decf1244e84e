/**
 * Two sites for the CLI's tests over a profile that lists sites: two real databases (PostgreSQL when DATABASE_URL
 * is set, else PGlite) and three fake CoA NAS on loopback. 10.20.0.1 is bng-1 at north (secret north-Secret) and
 * hotspot-2 at south (south-Secret); 10.40.0.1 is south's bng-5. The profile `two` in a config directory of its
 * own names both sites with each NAS's CoA address, plus what the test adds to it (regions).
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startFakeCoaNas, type FakeCoaNas} from './fake-coa-nas.js';
import {writer} from './site-nas.js';
import {createTestDatabase, insertSessions, type FixtureSession, type TestDatabase} from './test-database.js';

export const SHARED_IP = '10.20.0.1';
export const BNG_5 = '10.40.0.1';

export interface TwoSiteNetwork {
	readonly north: TestDatabase;
	readonly south: TestDatabase;
	readonly northBng1: FakeCoaNas;
	readonly southHotspot2: FakeCoaNas;
	readonly southBng5: FakeCoaNas;
	/** The radacctids of each site's sessions, in the order given. */
	readonly ids: {readonly north: readonly string[]; readonly south: readonly string[]};
	readonly dir: string;
	readonly configDir: string;
	readonly auditLog: string;
	close(): Promise<void>;
}

export async function startTwoSiteNetwork(options: {
	readonly sessions: {readonly north: readonly FixtureSession[]; readonly south: readonly FixtureSession[]};
	/** More of the profile `two` (its `sites` are given). */
	readonly profile?: Record<string, unknown>;
	readonly prefix: string;
}): Promise<TwoSiteNetwork> {
	const [north, south] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	const [northBng1, southHotspot2, southBng5] = await Promise.all([
		startFakeCoaNas({secret: 'north-Secret'}),
		startFakeCoaNas({secret: 'south-Secret'}),
		startFakeCoaNas({secret: 'south-Secret'}),
	]);
	const nas = (db: TestDatabase, ip: string, name: string, secret: string) =>
		writer(db).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, $2, 'other', $3)`, [ip, name, secret]);
	await nas(north, SHARED_IP, 'bng-1', 'north-Secret');
	await nas(south, SHARED_IP, 'hotspot-2', 'south-Secret');
	await nas(south, BNG_5, 'bng-5', 'south-Secret');
	const ids = {
		north: await insertSessions(writer(north), options.sessions.north),
		south: await insertSessions(writer(south), options.sessions.south),
	};
	const dir = mkdtempSync(join(tmpdir(), options.prefix));
	const configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	const at = (fake: FakeCoaNas) => ({coaHost: fake.address, coaPort: fake.port});
	const sites = [
		{name: 'north', database: north.url, nas: {[SHARED_IP]: {ip: SHARED_IP, ...at(northBng1)}}},
		{
			name: 'south',
			database: south.url,
			nas: {[SHARED_IP]: {ip: SHARED_IP, ...at(southHotspot2)}, [BNG_5]: {ip: BNG_5, ...at(southBng5)}},
		},
	];
	writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles: {two: {sites, ...options.profile}}}), {mode: 0o600});
	return {
		north,
		south,
		northBng1,
		southHotspot2,
		southBng5,
		ids,
		dir,
		configDir,
		auditLog: join(dir, 'audit.log'),
		async close() {
			await Promise.all([northBng1.close(), southHotspot2.close(), southBng5.close()]);
			await Promise.all([north.close(), south.close()]);
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
