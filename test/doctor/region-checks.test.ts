import {describe, expect, it} from 'vitest';
import {regionChecks} from '../../source/doctor/region-checks.js';
import {knownNas} from '../../source/sessions/regions.js';

const KNOWN = knownNas(
	[
		{ip: '10.20.0.1', name: 'bng-1'},
		{ip: '10.20.0.2', name: 'bng-2'},
	],
	['10.20.0.9'],
);

describe('regionChecks', () => {
	it('passes a region whose members all match, naming the NAS it holds', () => {
		expect(regionChecks({north: ['bng-1', '10.20.0.0/24']}, KNOWN)).toEqual([
			{check: 'region north', status: 'pass', detail: '3 NAS (bng-1, bng-2, 10.20.0.9)'},
		]);
	});

	it('warns of the members that match nothing, with the fix', () => {
		const [check] = regionChecks({south: ['bng-9', '10.99.0.0/16', 'bng-2']}, KNOWN);
		expect(check).toEqual({
			check: 'region south',
			status: 'warn',
			detail: `"bng-9", "10.99.0.0/16" match no NAS in the nas table, radtop's config or radacct; it holds 1 NAS (bng-2)`,
			fix: 'radtop config set region.south with the NAS names, IPs or networks it should hold (radtop nas list shows them)',
		});
		expect(regionChecks({empty: ['bng-9']}, KNOWN)[0]).toMatchObject({
			status: 'warn',
			detail: `"bng-9" matches no NAS in the nas table, radtop's config or radacct; it holds 0 NAS`,
		});
	});

	it('has nothing to say without regions', () => {
		expect(regionChecks(undefined, KNOWN)).toEqual([]);
	});
});
