import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {NasOverride} from '../../source/nas/nas-override.js';
import type {NasRow} from '../../source/db/nas-table.js';
import {describeNas, loadNasRegistry, nasLabel, NasRegistry} from '../../source/nas/registry.js';
import {UnknownNasError} from '../../source/sessions/nas-directory.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const ROWS: NasRow[] = [
	{nasname: '10.20.0.1', shortname: 'bng-1', type: 'other', secret: 'table-secret-1'},
	{nasname: '10.20.0.2', shortname: 'bng-2', type: 'Cisco', secret: 'table-secret-2'},
	{nasname: '10.20.0.3', shortname: 'bng-3', type: 'juniper', secret: 'table-secret-3'},
	{nasname: '10.20.0.1', shortname: 'duplicate', type: 'cisco', secret: 'ignored'},
	{nasname: '10.99.0.0/16', shortname: 'lab-net', type: 'mikrotik', secret: 'lab-secret'},
	{nasname: 'bng9.example.net', shortname: 'bng-9', type: 'other', secret: 'dns-secret'},
	{nasname: '2001:DB8:0::1', shortname: 'bng-v6', type: 'other', secret: 'v6-secret'},
];

const OVERRIDES: NasOverride[] = [
	{
		ip: '10.20.0.1',
		name: 'bng-1-edge',
		vendor: 'mikrotik',
		coaPort: 1700,
		api: {user: 'noc', password: 'api-Pa55', hotspot: true},
	},
	{ip: '10.20.0.2', secret: 'config-secret-2', coaHost: '192.0.2.2', messageAuthenticator: false},
	{ip: '10.20.0.4', name: 'bng-4', secret: 'config-secret-4', vendor: 'accel-ppp', api: {user: 'noc', password: 'pw', tls: true}},
	{ip: '10.20.0.5', api: {host: '192.0.2.5'}},
];

describe('NasRegistry', () => {
	const registry = NasRegistry.from(ROWS, OVERRIDES);

	it('takes name and secret from the nas table, config overrides field by field', () => {
		expect(registry.get('10.20.0.1')).toEqual({
			ip: '10.20.0.1',
			name: 'bng-1-edge',
			nameSource: 'config',
			secret: 'table-secret-1',
			secretSource: 'nas-table',
			coaHost: '10.20.0.1',
			coaPort: 1700,
			vendor: 'mikrotik',
			vendorSource: 'config',
			messageAuthenticator: true,
			api: {host: '10.20.0.1', port: 8728, user: 'noc', password: 'api-Pa55', tls: false, hotspot: true},
		});
		const bng2 = registry.get('10.20.0.2');
		expect(bng2).toMatchObject({name: 'bng-2', nameSource: 'nas-table', secret: 'config-secret-2', secretSource: 'config'});
		expect(bng2).toMatchObject({coaHost: '192.0.2.2', coaPort: 3799, messageAuthenticator: false, api: undefined});
	});

	it('guesses the vendor from nas.type (case-insensitive), generic otherwise', () => {
		expect(registry.get('10.20.0.2')).toMatchObject({vendor: 'cisco', vendorSource: 'nas-type'});
		expect(registry.get('10.20.0.3')).toMatchObject({vendor: 'juniper', vendorSource: 'nas-type'});
		expect(NasRegistry.from(ROWS).get('10.20.0.1')).toMatchObject({vendor: 'generic', vendorSource: 'default'});
	});

	it('keeps the first nas row of an address, as FreeRADIUS does', () => {
		const registry = NasRegistry.from(ROWS);
		expect(registry.get('10.20.0.1')).toMatchObject({name: 'bng-1', secret: 'table-secret-1'});
		expect(registry.directory.nameOf('10.20.0.1')).toBe('bng-1');
	});

	it('knows NAS only from the config, with API defaults (8729 with TLS)', () => {
		expect(registry.get('10.20.0.4')).toMatchObject({
			name: 'bng-4',
			secretSource: 'config',
			vendor: 'accel-ppp',
			api: {host: '10.20.0.4', port: 8729, tls: true, hotspot: false},
		});
	});

	it('has no API credentials without a user and password', () => {
		expect(registry.get('10.20.0.5').api).toBeUndefined();
	});

	it('gives a NAS in a nas-table network that network’s secret and type, named by its IP', () => {
		expect(registry.get('10.99.3.4')).toMatchObject({
			name: '10.99.3.4',
			nameSource: 'ip',
			secret: 'lab-secret',
			secretSource: 'nas-table',
			vendor: 'mikrotik',
		});
		expect(registry.knows('10.99.3.4')).toBe(true);
	});

	it('defaults an unknown NAS: named by its IP, no secret, generic, CoA on 3799, MA on', () => {
		expect(registry.knows('10.1.1.1')).toBe(false);
		expect(registry.get('10.1.1.1')).toEqual({
			ip: '10.1.1.1',
			name: '10.1.1.1',
			nameSource: 'ip',
			secret: undefined,
			secretSource: 'none',
			coaHost: '10.1.1.1',
			coaPort: 3799,
			vendor: 'generic',
			vendorSource: 'default',
			messageAuthenticator: true,
			api: undefined,
		});
	});

	it('matches IPv6 addresses however the nas table writes them', () => {
		expect(registry.get('2001:db8::1')).toMatchObject({name: 'bng-v6', secret: 'v6-secret'});
	});

	it('ignores nas rows named by host name (radacct holds addresses)', () => {
		expect(registry.entries().map((nas) => nas.name)).not.toContain('bng-9');
	});

	it('lists the NAS it knows by address, sorted by name', () => {
		expect(registry.entries().map((nas) => nas.name)).toEqual(['10.20.0.5', 'bng-1-edge', 'bng-2', 'bng-3', 'bng-4', 'bng-v6']);
	});

	it('resolves names and addresses like the session list does', () => {
		expect(registry.resolve('BNG-2')).toEqual(['10.20.0.2']);
		expect(registry.resolve('bng-1-edge')).toEqual(['10.20.0.1']);
		expect(registry.resolve('10.7.7.7')).toEqual(['10.7.7.7']);
		expect(() => registry.resolve('nope')).toThrow(UnknownNasError);
	});

	it('lists every secret and API password, for scrubbing', () => {
		expect(registry.secrets()).toEqual(
			expect.arrayContaining(['table-secret-1', 'config-secret-2', 'lab-secret', 'api-Pa55', 'pw', 'config-secret-4']),
		);
	});

	it('accepts the profile’s map of overrides', () => {
		expect(NasRegistry.from([], {edge: {ip: '10.0.0.9', name: 'edge'}}).get('10.0.0.9').name).toBe('edge');
	});

	it('takes the key of the profile’s map as the IP of an override without one', () => {
		const overrides = {'10.0.0.9': {secret: 'lab-secret', coaPort: 1700}} as unknown as Record<string, NasOverride>;
		const nas = NasRegistry.from([], overrides).get('10.0.0.9');
		expect(nas.secret).toBe('lab-secret');
		expect(nas.coaPort).toBe(1700);
	});
});

describe('describeNas', () => {
	const registry = NasRegistry.from(ROWS, OVERRIDES);

	it('tells where things come from and never includes a secret or password', () => {
		const lines = ['10.20.0.1', '10.20.0.2', '10.20.0.4', '10.99.3.4', '10.1.1.1'].map((ip) => describeNas(registry.get(ip)));
		expect(lines[0]).toBe(
			'bng-1-edge (10.20.0.1): CoA 10.20.0.1:1700, mikrotik, Message-Authenticator on, secret from the nas table; API 10.20.0.1:8728 as noc, hotspot',
		);
		expect(lines[1]).toBe(
			"bng-2 (10.20.0.2): CoA 192.0.2.2:3799, cisco, Message-Authenticator off, secret from radtop's config; no API credentials",
		);
		expect(lines[2]).toContain('API 10.20.0.4:8729 (TLS) as noc');
		expect(lines[4]).toBe('10.1.1.1: CoA 10.1.1.1:3799, generic (default), Message-Authenticator on, no secret; no API credentials');
		for (const line of lines) {
			for (const secret of registry.secrets().filter((secret) => secret.length > 2)) expect(line).not.toContain(secret);
		}
	});

	it('labels a NAS by name and address, or address alone', () => {
		expect(nasLabel({ip: '10.0.0.2', name: 'bng-2'})).toBe('bng-2 (10.0.0.2)');
		expect(nasLabel({ip: '10.0.0.2', name: '10.0.0.2'})).toBe('10.0.0.2');
	});
});

describe('loadNasRegistry', () => {
	let database: TestDatabase;

	beforeAll(async () => {
		database = await createTestDatabase();
	});

	afterAll(async () => {
		await database.close();
	});

	it('reads the nas table and applies the overrides', async () => {
		await database.pool.query(
			`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('10.20.0.1', 'bng-1', 'cisco', 'db-secret-1'), ('10.20.0.2', 'bng-2', 'other', 'db-secret-2')`,
		);
		const registry = await loadNasRegistry(database.pool, [{ip: '10.20.0.2', vendor: 'mikrotik'}]);
		expect(registry.get('10.20.0.1')).toMatchObject({name: 'bng-1', secret: 'db-secret-1', vendor: 'cisco'});
		expect(registry.get('10.20.0.2')).toMatchObject({name: 'bng-2', secret: 'db-secret-2', vendor: 'mikrotik'});
		expect(registry.warnings).toEqual([]);
	});

	it('works without a nas table, from the config alone', async () => {
		await database.pool.query('DROP TABLE nas');
		const registry = await loadNasRegistry(database.pool, [{ip: '10.20.0.7', name: 'bng-7', secret: 'cfg'}]);
		expect(registry.entries().map((nas) => [nas.name, nas.secretSource])).toEqual([['bng-7', 'config']]);
	});
});
