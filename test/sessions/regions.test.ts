import {describe, expect, it} from 'vitest';
import {
	checkRegionName,
	knownNas,
	memberMatches,
	parseRegionMember,
	parseRegionMembers,
	regionSql,
	regionsOf,
	regionWarnings,
	resolveRegion,
	resolveRegions,
	UnknownRegionError,
} from '../../source/sessions/regions.js';
import {InvalidValueError} from '../../source/values/values.js';

const NAMED = [
	{ip: '10.20.0.1', name: 'bng-1'},
	{ip: '10.20.0.2', name: 'bng-2'},
	{ip: '10.30.0.1', name: 'BNG-South'},
	{ip: '2001:db8::1', name: 'bng-v6'},
];
// 10.20.0.9 has open sessions but no name anywhere.
const KNOWN = knownNas(NAMED, ['10.20.0.9', '10.20.0.1', '192.0.2.7']);

const REGIONS = {
	north: ['bng-1', '10.20.0.2'],
	core: ['10.20.0.0/24'],
	south: ['bng-south', '2001:db8::/64'],
	ghosts: ['bng-9', '10.99.0.0/16', 'bng-2'],
};

describe('region members', () => {
	it('reads names, IPs and CIDRs, spelt as stored', () => {
		expect(parseRegionMember(' bng-1 ')).toEqual({kind: 'name', name: 'bng-1'});
		expect(parseRegionMember('2001:DB8:0::1')).toEqual({kind: 'ip', ip: '2001:db8::1'});
		expect(parseRegionMember('10.20.0.0/24')).toMatchObject({kind: 'network', network: '10.20.0.0/24', family: 4, prefix: 24});
		expect(parseRegionMembers('bng-1, 10.20.0.0/24,BNG-1,2001:db8:0:0::/64')).toEqual(['bng-1', '10.20.0.0/24', '2001:db8::/64']);
	});

	it('refuses a network with host bits, a bad prefix, an empty member and a bad region name', () => {
		expect(() => parseRegionMember('10.20.0.1/24')).toThrow(/host bits/);
		expect(() => parseRegionMember('10.20.0.0/33')).toThrow(InvalidValueError);
		expect(() => parseRegionMember('2001:db8::1/64')).toThrow(/host bits/);
		expect(() => parseRegionMembers('bng-1,,bng-2')).toThrow(/empty/);
		expect(() => checkRegionName('north region')).toThrow(/region name/);
		expect(checkRegionName(' north-1 ')).toBe('north-1');
	});

	it('matches a CIDR by address, only within its family', () => {
		const network = parseRegionMember('10.20.0.0/23');
		expect(memberMatches(network, {ip: '10.20.1.255', name: null})).toBe(true);
		expect(memberMatches(network, {ip: '10.20.2.0', name: null})).toBe(false);
		expect(memberMatches(network, {ip: '::ffff:10.20.0.1', name: null})).toBe(false);
		expect(memberMatches(parseRegionMember('2001:db8::/32'), {ip: '2001:DB8:ffff::1', name: null})).toBe(true);
		expect(memberMatches(parseRegionMember('0.0.0.0/0'), {ip: '203.0.113.1', name: null})).toBe(true);
	});
});

describe('resolving a region', () => {
	it('resolves names (any case) and IPs to the NAS known', () => {
		expect(resolveRegion(REGIONS, 'NORTH', KNOWN)).toEqual({
			name: 'north',
			nas: [
				{ip: '10.20.0.1', name: 'bng-1'},
				{ip: '10.20.0.2', name: 'bng-2'},
			],
			unmatched: [],
		});
	});

	it('takes in a CIDR the named NAS and the IPs with open sessions nobody named', () => {
		expect(resolveRegion(REGIONS, 'core', KNOWN).nas.map((nas) => nas.ip)).toEqual(['10.20.0.1', '10.20.0.2', '10.20.0.9']);
		expect(resolveRegion(REGIONS, 'south', KNOWN).nas.map((nas) => nas.name)).toEqual(['BNG-South', 'bng-v6']);
	});

	it('lets a NAS be in several regions', () => {
		expect(regionsOf(REGIONS, {ip: '10.20.0.2', name: 'bng-2'})).toEqual(['north', 'core', 'ghosts']);
		expect(regionsOf(REGIONS, {ip: '192.0.2.7', name: null})).toEqual([]);
		expect(resolveRegions(REGIONS, KNOWN).map((region) => [region.name, region.nas.length])).toEqual([
			['north', 2],
			['core', 3],
			['south', 2],
			['ghosts', 1],
		]);
	});

	it('warns of members that match nothing, and keeps the rest', () => {
		const ghosts = resolveRegion(REGIONS, 'ghosts', KNOWN);
		expect(ghosts.nas).toEqual([{ip: '10.20.0.2', name: 'bng-2'}]);
		expect(ghosts.unmatched).toEqual(['bng-9', '10.99.0.0/16']);
		expect(regionWarnings(ghosts)).toEqual([
			'region ghosts: "bng-9" matches no NAS in the nas table, radtop\'s config or radacct',
			'region ghosts: "10.99.0.0/16" matches no NAS in the nas table, radtop\'s config or radacct',
		]);
	});

	it('names the regions there are for an unknown one', () => {
		expect(() => resolveRegion(REGIONS, 'west', KNOWN)).toThrow(UnknownRegionError);
		expect(() => resolveRegion(REGIONS, 'west', KNOWN)).toThrow('unknown region "west" (regions: core, ghosts, north, south)');
		expect(() => resolveRegion(undefined, 'west', KNOWN)).toThrow(/defines no region/);
	});

	it('gives SQL the IPs of names and addresses, and the networks as they are', () => {
		expect(regionSql(REGIONS, 'north', NAMED)).toEqual({ips: ['10.20.0.1', '10.20.0.2'], networks: []});
		expect(regionSql(REGIONS, 'south', NAMED)).toEqual({ips: ['10.30.0.1'], networks: ['2001:db8::/64']});
		expect(regionSql(REGIONS, 'ghosts', NAMED)).toEqual({ips: ['10.20.0.2'], networks: ['10.99.0.0/16']});
		expect(() => regionSql(REGIONS, 'west', NAMED)).toThrow(UnknownRegionError);
	});
});
