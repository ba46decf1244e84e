/**
 * `radtop config get|set|unset region.NAME`: a profile's regions, one at a time, validated as they are typed
 * (`radtop config set region.north bng-1,bng-2,10.20.0.0/24`).
 */
import type {ConfigStore} from '../config/config.js';
import type {Profile} from '../config/profile.js';
import {checkRegionName, findRegion, MAX_REGIONS, parseRegionMembers} from '../sessions/regions.js';
import {sanitize} from '../terminal/sanitize.js';
import {InvalidValueError} from '../values/values.js';
import {EXIT, UsageError} from './usage.js';

export type RegionRequest =
	| {readonly kind: 'region'; readonly action: 'get' | 'unset'; readonly name: string}
	| {readonly kind: 'region'; readonly action: 'set'; readonly name: string; readonly members: readonly string[]};

/** Whether a setting typed is a region (`region.NAME`, `regions.NAME`). */
export function isRegionKey(text: string | undefined): boolean {
	return text !== undefined && /^regions?\./i.test(text.trim());
}

/** Reads `region.NAME` and, for set, its members (pure: throws UsageError with one clear line). */
export function parseRegionRequest(action: 'get' | 'set' | 'unset', key: string, value: string | undefined): RegionRequest {
	try {
		const name = checkRegionName(key.trim().replace(/^regions?\./i, ''));
		if (action !== 'set') return {kind: 'region', action, name};
		if (value === undefined || value.trim() === '')
			throw new UsageError(`radtop config set region.${name} needs its NAS: names, IPs or CIDRs separated by commas`);
		return {kind: 'region', action, name, members: parseRegionMembers(value)};
	} catch (error) {
		if (error instanceof InvalidValueError) throw new UsageError(error.message);
		throw error;
	}
}

/** `region.north  bng-1,bng-2,10.20.0.0/24`: the lines of `config get` for the profile's regions. */
export function regionLines(profile: Profile): string[] {
	return Object.entries(profile.regions ?? {}).map(
		([name, members]) => `${`region.${sanitize(name)}`.padEnd(20)}${sanitize(members.join(','))}`,
	);
}

interface Io {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
}

/** Runs a region request on the profile; resolves to the exit code. */
export function runRegionRequest(request: RegionRequest, store: ConfigStore, profileName: string, io: Io): number {
	const profile = store.profile(profileName);
	const shownName = sanitize(profileName);
	const found = findRegion(profile?.regions, request.name);
	switch (request.action) {
		case 'get':
			if (!found) {
				io.stderr.write(`radtop: no region "${request.name}" in profile "${shownName}"\n`);
				return EXIT.failure;
			}
			io.stdout.write(`${sanitize(found.members.join(','))}\n`);
			return EXIT.ok;
		case 'unset':
			if (!found) {
				io.stderr.write(`radtop: no region "${request.name}" in profile "${shownName}"\n`);
				return EXIT.ok;
			}
			store.updateProfile(profileName, (before) => {
				const regions = {...before.regions};
				delete regions[found.name];
				const {regions: _dropped, ...rest} = before;
				return Object.keys(regions).length > 0 ? {...rest, regions} : rest;
			});
			io.stdout.write(`profile "${shownName}": region ${sanitize(found.name)} unset\n`);
			return EXIT.ok;
		case 'set': {
			// Set again under another case, the region keeps its first spelling.
			const name = found?.name ?? request.name;
			if (!found && Object.keys(profile?.regions ?? {}).length >= MAX_REGIONS)
				throw new UsageError(`a profile has at most ${MAX_REGIONS} regions`);
			store.updateProfile(profileName, (before) => ({...before, regions: {...before.regions, [name]: request.members}}));
			if (!profile) io.stderr.write(`radtop: created profile "${shownName}" in ${store.path}\n`);
			io.stdout.write(`profile "${shownName}": region ${sanitize(name)} = ${sanitize(request.members.join(','))}\n`);
			return EXIT.ok;
		}
	}
}
