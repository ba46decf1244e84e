/**
 * The `sites` profile setting as typed (`radtop config set sites JSON`): a JSON array of sites, each a name, its
 * radacct database and optionally its hot standby and its NAS settings; checked, and shown without secrets.
 */
import {isIP} from 'node:net';
import {checkUrl, withoutPassword} from '../db/database-target.js';
import type {NasOverride} from '../nas/nas-override.js';
import {normaliseIp} from '../net/address.js';
import {InvalidValueError} from '../values/values.js';
import type {SiteProfile} from './profile.js';

/** A site's name: what the SITE column, --site and `:site` show and take. */
export const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

const SITE_KEYS = new Set(['name', 'database', 'readDatabase', 'nas']);

function url(value: unknown, what: string): string {
	if (typeof value !== 'string') throw new InvalidValueError(`sites: ${what} must be a postgres:// URL`);
	try {
		return checkUrl(value.trim(), `sites: ${what}`);
	} catch (error) {
		throw new InvalidValueError((error as Error).message);
	}
}

/** The NAS settings of a site, keyed by IP as the profile's own `nas` is. */
function nasOf(value: unknown, site: string): Record<string, NasOverride> {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new InvalidValueError(`sites: the nas of ${site} must be an object keyed by NAS IP`);
	const nas: Record<string, NasOverride> = {};
	for (const [key, override] of Object.entries(value as Record<string, unknown>)) {
		if (isIP(key) === 0) throw new InvalidValueError(`sites: the nas of ${site} is keyed by IP ("${key.slice(0, 45)}" is not one)`);
		if (typeof override !== 'object' || override === null || Array.isArray(override))
			throw new InvalidValueError(`sites: the nas ${key} of ${site} must be an object of NAS settings`);
		const ip = normaliseIp(key);
		nas[ip] = {...(override as Omit<NasOverride, 'ip'>), ip};
	}
	return nas;
}

/** `[{"name": "east", "database": "postgres://..."}, ...]`, checked: names unique, URLs postgres://. */
export function parseSites(text: string): SiteProfile[] {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw new InvalidValueError('sites must be JSON: [{"name": "east", "database": "postgres://..."}, ...]');
	}
	if (!Array.isArray(value) || value.length === 0)
		throw new InvalidValueError('sites must be a JSON array of at least one site: [{"name": "east", "database": "postgres://..."}]');
	const seen = new Set<string>();
	return value.map((entry: unknown, index): SiteProfile => {
		if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
			throw new InvalidValueError(`sites: entry ${index + 1} must be an object with a name and a database`);
		const site = entry as Record<string, unknown>;
		const unknown = Object.keys(site).find((key) => !SITE_KEYS.has(key));
		if (unknown !== undefined)
			throw new InvalidValueError(`sites: unknown key "${unknown.slice(0, 40)}" (keys: ${[...SITE_KEYS].join(', ')})`);
		const name = site['name'];
		if (typeof name !== 'string' || !SITE_NAME.test(name))
			throw new InvalidValueError(`sites: entry ${index + 1} needs a name of letters, digits, ".", "_" and "-" (at most 32)`);
		if (seen.has(name)) throw new InvalidValueError(`sites: the name ${name} is given twice`);
		seen.add(name);
		return {
			name,
			database: url(site['database'], `the database of ${name}`),
			...(site['readDatabase'] === undefined ? {} : {readDatabase: url(site['readDatabase'], `the readDatabase of ${name}`)}),
			...(site['nas'] === undefined ? {} : {nas: nasOf(site['nas'], name)}),
		};
	});
}

/** The sites as `config get` shows them: URLs without passwords, NAS secrets and API passwords left out. */
export function formatSites(sites: readonly SiteProfile[]): {text: string; hidden: boolean} {
	let hidden = false;
	const plain = (value: string) => {
		const shown = withoutPassword(value);
		hidden ||= shown.hadPassword;
		return shown.url;
	};
	const shown = sites.map((site) => ({
		name: site.name,
		database: plain(site.database),
		...(site.readDatabase === undefined ? {} : {readDatabase: plain(site.readDatabase)}),
		...(site.nas === undefined
			? {}
			: {
					nas: Object.fromEntries(
						Object.entries(site.nas).map(([ip, {secret, api, ...rest}]) => {
							if (secret !== undefined || api?.password !== undefined) hidden = true;
							const {password: _password, ...apiRest} = api ?? {};
							return [ip, {...rest, ...(api === undefined ? {} : {api: apiRest})}];
						}),
					),
				}),
	}));
	return {text: JSON.stringify(shown), hidden};
}
