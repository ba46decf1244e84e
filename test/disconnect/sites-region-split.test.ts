/** A region target over several sites, split per site (pure): each part names its own site's NAS of the region alone. */
import {describe, expect, it} from 'vitest';
import {splitTarget} from '../../source/disconnect/sites-disconnect.js';
import {regionCounts, regionDisconnect} from '../../source/ui/region-choices.js';

const REGIONS = {metro: ['bng-1', 'bng-5'], solo: ['bng-1'], byIp: ['10.20.0.1']};
// 10.20.0.1 is bng-1 at north and hotspot-2 at south.
const PER_NAS = [
	{nasipaddress: '10.20.0.1', nasname: 'bng-1', sessions: 7, site: 'north'},
	{nasipaddress: '10.20.0.1', nasname: 'hotspot-2', sessions: 5, site: 'south'},
	{nasipaddress: '10.40.0.1', nasname: 'bng-5', sessions: 3, site: 'south'},
];

describe('a region over sites', () => {
	it('counts each NAS at its own site: a name is the NAS of the site that has it, an IP that address at each', () => {
		const counts = Object.fromEntries(regionCounts(REGIONS, PER_NAS).map((region) => [region.name, region.sessions]));
		expect(counts).toEqual({metro: 10, solo: 7, byIp: 12});
	});

	it('splits X on a region into one part per site with that site NAS only; a site without any gets no part', () => {
		const [metro, solo] = regionCounts(REGIONS, PER_NAS);
		const {target, label} = regionDisconnect(metro!);
		expect(label).toBe('ALL open sessions of region metro (north/bng-1, south/bng-5)');
		expect(Object.fromEntries(splitTarget(target, ['north', 'south']))).toEqual({
			north: {kind: 'nas', nasIps: ['10.20.0.1'], region: {name: 'metro', nas: [{ip: '10.20.0.1', name: 'bng-1'}]}},
			south: {kind: 'nas', nasIps: ['10.40.0.1'], region: {name: 'metro', nas: [{ip: '10.40.0.1', name: 'bng-5'}]}},
		});
		expect([...splitTarget(regionDisconnect(solo!).target, ['north', 'south']).keys()]).toEqual(['north']);
	});
});
