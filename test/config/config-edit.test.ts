import {chmodSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {
	checkCoaHost,
	checkHost,
	checkNasIp,
	checkNasName,
	checkSecret,
	findNasOverride,
	formatProfileValue,
	InvalidValueError,
	parsePort,
	parseProfileValue,
	parseVendor,
	profileKey,
} from '../../source/config/profile-values.js';
import {ConfigStore} from '../../source/config/config.js';
import {type Profile, type StoredConfig} from '../../source/config/profile.js';
import {urlHasPassword, withoutPassword} from '../../source/db/database-target.js';

const directories: string[] = [];

function freshStore(): ConfigStore {
	const parent = mkdtempSync(join(tmpdir(), 'radtop-config-edit-'));
	directories.push(parent);
	return ConfigStore.open({RADTOP_CONFIG_DIR: join(parent, 'radtop')});
}

const mode = (path: string): number => statSync(path).mode & 0o777;
const onDisk = (store: ConfigStore): StoredConfig => JSON.parse(readFileSync(store.path, 'utf8')) as StoredConfig;

function invalid(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidValueError);
		return (error as Error).message;
	}
	throw new Error('expected an InvalidValueError');
}

afterEach(() => {
	for (const dir of directories.splice(0)) rmSync(dir, {recursive: true, force: true});
});

describe('value checks', () => {
	it('ports are whole numbers from 1 to 65535', () => {
		expect(parsePort('1', 'p')).toBe(1);
		expect(parsePort('65535', 'p')).toBe(65_535);
		expect(parsePort(' 1700 ', 'p')).toBe(1700);
		for (const bad of ['0', '65536', '-1', '1.5', '0x10', '1e3', '', 'abc']) {
			expect(invalid(() => parsePort(bad, '--coa-port'))).toBe('--coa-port must be a whole number from 1 to 65535');
		}
	});

	it("vendors are the registry's, in any case", () => {
		expect(parseVendor('MikroTik')).toBe('mikrotik');
		expect(parseVendor('accel-ppp')).toBe('accel-ppp');
		expect(invalid(() => parseVendor('huawei', '--vendor'))).toBe(
			'--vendor must be one of mikrotik, cisco, juniper, accel-ppp, generic (got "huawei")',
		);
	});

	it('durations of settings are whole seconds from the bounds of each key, in any unit the flags take', () => {
		expect(parseProfileValue('interval', '5')).toBe(5);
		expect(parseProfileValue('interval', '90s')).toBe(90);
		expect(parseProfileValue('interval', '1h')).toBe(3600);
		expect(parseProfileValue('staleAfter', '1w')).toBe(604_800);
		expect(parseProfileValue('staleAfter', '1.5h')).toBe(5400);
		expect(parseProfileValue('staleAfter', '30d')).toBe(30 * 86_400);
		expect(invalid(() => parseProfileValue('interval', '0'))).toBe('interval must be at least 1s');
		expect(invalid(() => parseProfileValue('interval', '2h'))).toBe('interval must be at most 1h');
		expect(invalid(() => parseProfileValue('staleAfter', '5w'))).toBe('stale-after must be at most 30d');
		expect(invalid(() => parseProfileValue('interval', '1.5'))).toBe('interval must be a whole number of seconds, like 90s, 30m or 2h');
		for (const bad of ['5x', '', '-5', '1y'])
			expect(invalid(() => parseProfileValue('staleAfter', bad))).toBe('stale-after must be a duration like 90s, 30m, 2h or 7d');
	});

	it('booleans of settings take true/false, yes/no, on/off, 1/0', () => {
		expect(parseProfileValue('readOnly', 'Off')).toBe(false);
		expect(invalid(() => parseProfileValue('readOnly', 'maybe'))).toBe('read-only must be true or false (also yes/no, on/off, 1/0)');
	});

	it('NAS IPs are normalised as radacct holds them; anything else is refused', () => {
		expect(checkNasIp(' 10.20.0.2 ')).toBe('10.20.0.2');
		expect(checkNasIp('2001:DB8:0:0::1')).toBe('2001:db8::1');
		for (const bad of ['bng-2', '10.20.0.256', '10.0.0.0/24', 'fe80::1%eth0', ''])
			expect(invalid(() => checkNasIp(bad))).toMatch(/is not an IP address/);
	});

	it('NAS names are printable, short, and not addresses', () => {
		expect(checkNasName(' bng-2 ')).toBe('bng-2');
		expect(invalid(() => checkNasName('10.0.0.1'))).toMatch(/cannot be an IP address/);
		expect(invalid(() => checkNasName('a\u001b[2Jb'))).toMatch(/printable/);
		expect(invalid(() => checkNasName('x'.repeat(65)))).toMatch(/1 to 64/);
	});

	it('API hosts are addresses or DNS names', () => {
		expect(checkHost('127.0.0.1', '--api-host')).toBe('127.0.0.1');
		expect(checkHost('bng-2.pop1.isp.example', '--api-host')).toBe('bng-2.pop1.isp.example');
		expect(invalid(() => checkHost('bad host', '--api-host'))).toMatch(/^--api-host must be an IP address or a host name/);
		expect(invalid(() => checkHost('-x.example', '--api-host'))).toMatch(/host name/);
	});

	it('the CoA host is an IP address only (CoA is sent to addresses)', () => {
		expect(checkCoaHost(' 127.0.0.1 ', '--coa-host')).toBe('127.0.0.1');
		expect(checkCoaHost('2001:DB8:0::9', '--coa-host')).toBe('2001:db8::9');
		expect(invalid(() => checkCoaHost('bng-2.pop1.isp.example', '--coa-host'))).toMatch(
			/^--coa-host must be an IP address: CoA requests are sent to an address/,
		);
		expect(invalid(() => checkCoaHost('fe80::1%eth0', '--coa-host'))).toMatch(/must be an IP address/);
	});

	it('secrets are non-empty, printable, at most 256 characters; the message never holds them', () => {
		expect(checkSecret('s3cr3t with spaces', 'RADIUS secret')).toBe('s3cr3t with spaces');
		expect(invalid(() => checkSecret('', 'RADIUS secret'))).toBe('the RADIUS secret is empty');
		const message = invalid(() => checkSecret('abc\u0007def', 'RADIUS secret'));
		expect(message).toBe('the RADIUS secret contains a control character');
		expect(invalid(() => checkSecret('x'.repeat(257), 'API password'))).toMatch(/longer than 256/);
	});
});

describe('profile settings', () => {
	it('keys are accepted in camelCase, kebab-case or snake_case', () => {
		expect(profileKey('staleAfter')).toBe('staleAfter');
		expect(profileKey('stale-after')).toBe('staleAfter');
		expect(profileKey('CONFIRM_TYPED_ABOVE')).toBe('confirmTypedAbove');
		expect(invalid(() => profileKey('colour'))).toMatch(
			/^unknown setting "colour" \(settings: database, read-database, interval, stale-after, read-only, audit-log, allowed-nas, confirm-typed-above, disconnect-rate, disconnect-rate-per-nas, disconnect-in-flight-per-nas, billing-query, billing-url, billing-timeout, columns, sites\)/,
		);
		expect(invalid(() => profileKey('nas'))).toMatch(/radtop nas add\|set\|remove/);
	});

	it('values are parsed and checked per key', () => {
		expect(parseProfileValue('interval', '10s')).toBe(10);
		expect(parseProfileValue('staleAfter', '30m')).toBe(1800);
		expect(parseProfileValue('readOnly', 'yes')).toBe(true);
		expect(parseProfileValue('confirmTypedAbove', '200')).toBe(200);
		expect(parseProfileValue('disconnectRate', '0')).toBe(0);
		expect(parseProfileValue('disconnectRate', '500')).toBe(500);
		expect(invalid(() => parseProfileValue('disconnectRate', '-1'))).toMatch(/^disconnect-rate must be a whole number/);
		expect(parseProfileValue('disconnectRatePerNas', '0')).toBe(0);
		expect(parseProfileValue(profileKey('disconnect-rate-per-nas'), '50')).toBe(50);
		expect(invalid(() => parseProfileValue('disconnectRatePerNas', 'fast'))).toMatch(/^disconnect-rate-per-nas must be a whole number/);
		expect(parseProfileValue(profileKey('disconnect_in_flight_per_nas'), '8')).toBe(8);
		expect(invalid(() => parseProfileValue('disconnectInFlightPerNas', '0'))).toMatch(
			/^disconnect-in-flight-per-nas must be a whole number/,
		);
		expect(parseProfileValue('allowedNas', 'bng-1, 2001:DB8::1,bng-1')).toEqual(['bng-1', '2001:db8::1']);
		expect(parseProfileValue('auditLog', 'logs/audit.log', {cwd: '/srv/noc'})).toBe('/srv/noc/logs/audit.log');
		expect(parseProfileValue('auditLog', '~/audit.log', {home: '/home/noc'})).toBe('/home/noc/audit.log');
		expect(parseProfileValue('database', 'postgres://radtop@db1/radius')).toBe('postgres://radtop@db1/radius');
		expect(invalid(() => parseProfileValue('interval', 'soon'))).toMatch(/^interval must be a duration/);
		expect(invalid(() => parseProfileValue('allowedNas', 'bng-1,,bng-2'))).toMatch(/separated by commas/);
		expect(invalid(() => parseProfileValue('confirmTypedAbove', '0'))).toMatch(/^confirm-typed-above must be a whole number from 1/);
		expect(invalid(() => parseProfileValue('database', 'mysql://u:pw123@h/db'))).toMatch(/must be a postgres:\/\//);
		expect(invalid(() => parseProfileValue('database', 'u:pw123@h'))).not.toContain('pw123');
	});

	it('a database URL is shown without its password, wherever it was', () => {
		expect(withoutPassword('postgres://radtop:s3cr3tpw@db1:5432/radius?sslmode=require')).toEqual({
			url: 'postgres://radtop@db1:5432/radius?sslmode=require',
			hadPassword: true,
		});
		expect(withoutPassword('postgres://radtop@db1/radius?password=s3cr3tpw&sslmode=require')).toEqual({
			url: 'postgres://radtop@db1/radius?sslmode=require',
			hadPassword: true,
		});
		expect(withoutPassword('postgres://radtop@db1/radius')).toEqual({url: 'postgres://radtop@db1/radius', hadPassword: false});
		expect(urlHasPassword('postgres://u:p@h/db')).toBe(true);
		expect(formatProfileValue('database', 'postgres://u:s3cr3tpw@h/db')).toEqual({text: 'postgres://u@h/db', hidden: true});
		expect(formatProfileValue('allowedNas', ['bng-1', 'bng-2'])).toEqual({text: 'bng-1,bng-2', hidden: false});
	});
});

describe('findNasOverride', () => {
	const profile: Profile = {
		nas: {
			'10.20.0.2': {ip: '10.20.0.2', name: 'bng-2'},
			// Keyed by name, as some hand-written files are.
			'bng-6': {ip: '2001:db8::6', name: 'BNG-6'},
		},
	};

	it('finds an override by IP in any spelling, or by name in any case, with the key it is kept under', () => {
		expect(findNasOverride(profile, '10.20.0.2')?.key).toBe('10.20.0.2');
		expect(findNasOverride(profile, 'BNG-2')?.override.ip).toBe('10.20.0.2');
		expect(findNasOverride(profile, '2001:DB8:0::6')?.key).toBe('bng-6');
		expect(findNasOverride(profile, 'bng-6')?.key).toBe('bng-6');
		expect(findNasOverride(profile, 'bng-3')).toBeUndefined();
		expect(findNasOverride({}, '10.20.0.2')).toBeUndefined();
	});
});

describe('ConfigStore edits', () => {
	it('creates a profile on its first setting, sets and removes keys, and keeps the file 0600 after each write', () => {
		const store = freshStore();
		store.setProfileValue('noc', 'interval', 10);
		expect(mode(store.path)).toBe(0o600);
		store.setProfileValue('noc', 'readOnly', true);
		expect(onDisk(store).profiles?.['noc']).toEqual({interval: 10, readOnly: true});
		chmodSync(store.path, 0o644);
		store.setProfileValue('noc', 'interval', undefined);
		expect(mode(store.path)).toBe(0o600);
		expect(onDisk(store).profiles?.['noc']).toEqual({readOnly: true});
	});

	it('stores a NAS override under its normalised IP, replacing the one for the same NAS under another key', () => {
		const store = freshStore();
		store.setProfile('noc', {interval: 5, nas: {'bng-6': {ip: '2001:DB8::6', name: 'bng-6', secret: 'old-secret'}}});
		store.setNasOverride('noc', {ip: '2001:db8:0::6', name: 'bng-6', coaPort: 1700});
		expect(onDisk(store).profiles?.['noc']).toEqual({
			interval: 5,
			nas: {'2001:db8::6': {ip: '2001:db8::6', name: 'bng-6', coaPort: 1700}},
		});
		expect(mode(store.path)).toBe(0o600);
		expect(() => store.setNasOverride('noc', {ip: 'bng-7'})).toThrow(InvalidValueError);
	});

	it('removes an override by name or IP, and the empty nas map with the last one', () => {
		const store = freshStore();
		store.setNasOverride('noc', {ip: '10.20.0.2', name: 'bng-2'});
		store.setNasOverride('noc', {ip: '10.20.0.3', name: 'bng-3'});
		expect(store.removeNasOverride('noc', 'BNG-2')).toEqual({ip: '10.20.0.2', name: 'bng-2'});
		expect(store.removeNasOverride('noc', 'bng-2')).toBeUndefined();
		expect(store.removeNasOverride('other', 'bng-3')).toBeUndefined();
		expect(store.removeNasOverride('noc', '10.20.0.3')?.name).toBe('bng-3');
		expect(onDisk(store).profiles?.['noc']).toEqual({});
		expect(mode(store.path)).toBe(0o600);
	});

	it('removes a profile and the default that named it', () => {
		const store = freshStore();
		store.setProfile('a', {interval: 5});
		store.setProfile('b', {interval: 6});
		store.setDefaultProfile('a');
		expect(store.removeProfile('a')).toBe(true);
		expect(store.removeProfile('a')).toBe(false);
		expect(onDisk(store)).toEqual({profiles: {b: {interval: 6}}});
	});
});
