/**
 * The profile's regions in `radtop doctor`: each region with the NAS it holds now, and a warning for each
 * member that matches no NAS in the nas table, radtop's config or radacct (a typo, a NAS renamed or gone).
 * Pure: the NAS known are handed in.
 */
import {resolveRegions, type KnownNas, type Regions} from '../sessions/regions.js';
import {result, type CheckResult} from './check.js';

export function regionChecks(regions: Regions | undefined, known: readonly KnownNas[]): CheckResult[] {
	return resolveRegions(regions, known).map((region) => {
		const check = `region ${region.name}`;
		const names = region.nas.map((nas) => nas.name ?? nas.ip);
		const holds = `${names.length} NAS${names.length > 0 ? ` (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})` : ''}`;
		if (region.unmatched.length === 0) return result(check, 'pass', holds);
		const members = region.unmatched.map((member) => JSON.stringify(member)).join(', ');
		return result(
			check,
			'warn',
			`${members} match${region.unmatched.length === 1 ? 'es' : ''} no NAS in the nas table, radtop's config or radacct; it holds ${holds}`,
			`radtop config set region.${region.name} with the NAS names, IPs or networks it should hold (radtop nas list shows them)`,
		);
	});
}
