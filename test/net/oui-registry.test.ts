import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {describe, expect, it} from 'vitest';
import {macVendor, prefixCount, registryLoaded, registrySize, shortVendorName, vendorPrefixes} from '../../source/net/oui-registry.js';

/** The package's own file, read here independently of the code under test. */
const raw = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('oui-data'), 'utf8')) as Record<string, string>;
const nameIn = (prefix: string) => raw[prefix]!.split('\n')[0]!.trim();

describe('the registry', () => {
	it('is not read for what is not a MAC, nor for a randomized MAC', () => {
		expect(macVendor('alice@hotspot')).toEqual({kind: 'none'});
		expect(macVendor(null)).toEqual({kind: 'none'});
		expect(macVendor('DA:A1:19:00:00:01')).toEqual({kind: 'random'});
		expect(macVendor('02-00-00-00-00-01')).toEqual({kind: 'random'});
		expect(registryLoaded()).toBe(false);
	});

	it('names the MA-L vendor of a MAC in every spelling', () => {
		expect(nameIn('F0D1A9')).toBe('Apple, Inc.');
		for (const mac of ['f0:d1:a9:12:34:56', 'F0-D1-A9-12-34-56', 'f0d1.a912.3456', 'f0d1-a912-3456', 'F0D1A9123456'])
			expect(macVendor(mac)).toEqual({kind: 'registered', name: 'Apple, Inc.', prefix: 'F0D1A9'});
		expect(registryLoaded()).toBe(true);
		expect(macVendor('00:0C:42:01:02:03')).toEqual({kind: 'registered', name: nameIn('000C42'), prefix: '000C42'});
	});

	it('takes the longest prefix: an MA-M (28-bit) or MA-S (36-bit) block inside an IEEE Registration Authority MA-L', () => {
		expect(nameIn('C85CE2')).toBe('IEEE Registration Authority');
		expect(macVendor('C8:5C:E2:7A:BC:DE')).toEqual({kind: 'registered', name: nameIn('C85CE27'), prefix: 'C85CE27'});
		expect(macVendor('70:B3:D5:00:1A:BC')).toEqual({kind: 'registered', name: nameIn('70B3D5001'), prefix: '70B3D5001'});
		// A block of that MA-L the registry does not list: the MA-L's own entry.
		const unlisted = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'].find(
			(digit) => raw[`C85CE2${digit}`] === undefined,
		);
		if (unlisted) expect(macVendor(`C85CE2${unlisted}00000`)).toMatchObject({name: 'IEEE Registration Authority', prefix: 'C85CE2'});
	});

	it('says when a vendor MAC has no registry entry', () => {
		expect(raw['00ABE0']).toBeUndefined();
		expect(macVendor('00:AB:E0:00:00:01')).toEqual({kind: 'unregistered'});
	});

	it('holds the three registries, without the prefixes that have the U/L bit set', () => {
		const size = registrySize();
		const lengths = Object.keys(raw).map((prefix) => prefix.length);
		expect(size[7]).toBe(lengths.filter((length) => length === 7).length);
		expect(size[9]).toBe(lengths.filter((length) => length === 9).length);
		expect(size[6]).toBeLessThan(lengths.filter((length) => length === 6).length);
		expect(size[6]).toBeGreaterThan(30_000);
		// 3Com's 02-60-8C has the U/L bit set: such a MAC shows as random.
		expect(raw['02608C']).toBeDefined();
		expect(macVendor('02:60:8C:00:00:01')).toEqual({kind: 'random'});
	});
});

describe('short vendor names', () => {
	it.each([
		['Apple, Inc.', 'Apple'],
		['HUAWEI TECHNOLOGIES CO.,LTD', 'HUAWEI'],
		['Samsung Electronics Co.,Ltd', 'Samsung'],
		['TP-LINK TECHNOLOGIES CO.,LTD.', 'TP-LINK'],
		['Intel Corporate', 'Intel'],
		['Cisco Systems, Inc', 'Cisco'],
		['Zyxel Communications Corporation', 'Zyxel'],
		['Lemke Diagnostics GmbH', 'Lemke Diagnostics'],
		['Micro Technic A/S', 'Micro Technic'],
		['Routerboard.com', 'Routerboard.com'],
		['IEEE Registration Authority', 'IEEE Registration Authority'],
		['Limited', 'Limited'],
	])('%s -> %s', (name, short) => {
		expect(shortVendorName(name)).toBe(short);
	});
});

describe('the prefixes of a vendor:', () => {
	const ofName = (test: (name: string) => boolean) =>
		Object.keys(raw)
			.filter((prefix) => test(nameIn(prefix)) && (Number.parseInt(prefix[1]!, 16) & 2) === 0)
			.map((prefix) => prefix.toLowerCase())
			.sort();

	it('a part of the name, any case: every prefix of every vendor with it in its name', () => {
		const apple = vendorPrefixes('APPLE', false);
		expect(apple.vendors).toBeGreaterThanOrEqual(1);
		expect([...apple.l6, ...apple.l7, ...apple.l9].sort()).toEqual(ofName((name) => name.toLowerCase().includes('apple')));
		expect(apple.l6).toContain('f0d1a9');
		expect(apple.except7).toEqual([]);
	});

	it('= the whole name or the short name', () => {
		const exact = vendorPrefixes('apple, inc.', true);
		expect([...exact.l6, ...exact.l7, ...exact.l9].sort()).toEqual(ofName((name) => name.toLowerCase() === 'apple, inc.'));
		expect(vendorPrefixes('Apple', true).l6).toEqual(exact.l6);
		expect(vendorPrefixes('Appl', true).vendors).toBe(0);
	});

	it('an MA-M vendor is found by its 7 digits; the IEEE Registration Authority leaves out the blocks it gave away', () => {
		const synergy = vendorPrefixes('SYNERGY SYSTEMS AND SOLUTIONS', true);
		expect(synergy.l7).toContain('c85ce27');
		expect(synergy.l6).not.toContain('c85ce2');
		const authority = vendorPrefixes('IEEE Registration Authority', true);
		expect(authority.l6).toContain('c85ce2');
		expect(authority.except7).toContain('c85ce27');
		expect(authority.except9).toContain('70b3d5001');
		expect(prefixCount(authority)).toBeGreaterThan(10_000);
	});

	it('a name no vendor has matches none', () => {
		expect(vendorPrefixes('no such vendor zzqx', false)).toEqual({vendors: 0, l6: [], l7: [], l9: [], except7: [], except9: []});
	});
});
