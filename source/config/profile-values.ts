/**
 * The values of profile settings and NAS overrides as typed on the command line: parsed, checked, formatted.
 */
import {TABLE_COLUMN_IDS, type TableColumnId} from '../sessions/session-columns.js';
import {isIP} from 'node:net';
import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import {checkUrl, withoutPassword} from '../db/database-target.js';
import {normaliseIp} from '../net/address.js';
import {NAS_VENDORS, type NasOverride, type NasVendor} from '../nas/nas-override.js';
import type {Profile, SiteProfile} from './profile.js';
import {formatSites, parseSites} from './site-values.js';
import {InvalidValueError, parseBoolean, parseChoice, parseDuration, parseWholeNumber} from '../values/values.js';

// The commands that edit NAS overrides and settings take these from here with the checks below.
export {InvalidValueError, parsePort} from '../values/values.js';

/** A profile name: letters, digits, `.`, `_`, `-`, at most 64 (typed after --profile, shown in lists). */
export function checkProfileName(name: string, what = 'a profile name'): string {
	if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
		throw new InvalidValueError(`${what} must be letters, digits, ".", "_" and "-" (at most 64)`);
	return name;
}

/** The profile settings `radtop config get|set|unset` knows, as stored (camelCase). */
export const PROFILE_KEYS = [
	'database',
	'readDatabase',
	'interval',
	'staleAfter',
	'readOnly',
	'auditLog',
	'allowedNas',
	'confirmTypedAbove',
	'disconnectRate',
	'disconnectRatePerNas',
	'disconnectInFlightPerNas',
	'billingQuery',
	'billingUrl',
	'billingTimeout',
	'columns',
	'sites',
] as const;

export type ProfileKey = (typeof PROFILE_KEYS)[number];

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** A profile key as a user may type it: `staleAfter`, `stale-after` or `stale_after`. */
export function profileKey(text: string): ProfileKey {
	const wanted = text.trim().toLowerCase().replace(/[-_]/g, '');
	const key = PROFILE_KEYS.find((candidate) => candidate.toLowerCase() === wanted);
	if (key) return key;
	if (wanted === 'nas') throw new InvalidValueError('NAS overrides are set with radtop nas add|set|remove');
	throw new InvalidValueError(`unknown setting "${text.slice(0, 40)}" (settings: ${PROFILE_KEYS.map(kebab).join(', ')})`);
}

/** `staleAfter` -> `stale-after`, as the help and messages spell settings. */
export function profileKeyLabel(key: ProfileKey): string {
	return kebab(key);
}

/** One of radtop's vendor profiles, any case. */
export function parseVendor(text: string, what = 'vendor'): NasVendor {
	return parseChoice(text, what, NAS_VENDORS, {anyCase: true});
}

/** A NAS's address, spelt as radacct's nasipaddress holds it (IPv6 compressed, lower case). */
export function checkNasIp(text: string): string {
	const trimmed = text.trim();
	if (isIP(trimmed) === 0 || trimmed.includes('%')) {
		throw new InvalidValueError(`"${trimmed.slice(0, 45)}" is not an IP address (a NAS is keyed by the NAS-IP-Address radacct holds)`);
	}
	return normaliseIp(trimmed);
}

/** A NAS name: printable, at most 64 characters, and not an address (names and IPs must not be confused). */
export function checkNasName(text: string): string {
	const name = text.trim();
	if (name === '' || name.length > 64 || /[\p{Cc}\p{Cf}]/u.test(name)) {
		throw new InvalidValueError('a NAS name must be 1 to 64 printable characters');
	}
	if (isIP(name) !== 0) throw new InvalidValueError(`a NAS name cannot be an IP address ("${name}")`);
	return name;
}

/** The address Disconnect-Requests go to: an IP literal (radtop sends CoA to addresses, it resolves no names). */
export function checkCoaHost(text: string, what: string): string {
	const host = text.trim();
	if (isIP(host) === 0 || host.includes('%')) {
		throw new InvalidValueError(
			`${what} must be an IP address: CoA requests are sent to an address, not a host name (got "${host.slice(0, 45)}")`,
		);
	}
	return normaliseIp(host);
}

/** A host name or address to send API requests to. */
export function checkHost(text: string, what: string): string {
	const host = text.trim();
	if (isIP(host) !== 0) return normaliseIp(host);
	if (!/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(host)) {
		throw new InvalidValueError(`${what} must be an IP address or a host name (got "${host.slice(0, 45)}")`);
	}
	return host;
}

/**
 * A RADIUS shared secret or an API password as typed or piped: not empty, no control characters (a stray
 * one is nearly always a paste or encoding accident, and some NAS refuse them), at most 256 characters.
 */
export function checkSecret(text: string, what: string): string {
	if (text === '') throw new InvalidValueError(`the ${what} is empty`);
	if (text.length > 256) throw new InvalidValueError(`the ${what} is longer than 256 characters`);
	if (/[\p{Cc}]/u.test(text)) throw new InvalidValueError(`the ${what} contains a control character`);
	return text;
}

/** The billing query: one statement that names `$1` (the usernames in view) and reads `username`. */
export function checkBillingQuery(text: string): string {
	const query = text.trim().replace(/;\s*$/, '');
	if (query === '' || query.length > 4000) throw new InvalidValueError('billing-query must be one SQL query of at most 4000 characters');
	if (!/\$1\b/.test(query))
		throw new InvalidValueError('billing-query must take the usernames as $1 (e.g. WHERE username = ANY ($1::text[]))');
	if (/\$[2-9]/.test(query)) throw new InvalidValueError('billing-query takes one parameter, $1 (the usernames in view)');
	if (/[\p{Cc}]/u.test(query.replace(/[\n\t\r]/g, ' '))) throw new InvalidValueError('billing-query contains a control character');
	return query;
}

/**
 * The console's columns as typed: names separated by commas, in any case and as `session-id` or
 * `sessionId`; each once, in the table's order.
 */
export function parseColumns(text: string): TableColumnId[] {
	const byName = new Map(TABLE_COLUMN_IDS.map((id) => [id.toLowerCase(), id]));
	const picked = new Set<TableColumnId>();
	for (const name of text.split(',')) {
		const id = byName.get(name.trim().toLowerCase().replace(/[-_]/g, ''));
		if (!id) {
			throw new InvalidValueError(
				`columns must be column names separated by commas (columns: ${TABLE_COLUMN_IDS.map(kebab).join(', ')})`,
			);
		}
		picked.add(id);
	}
	return TABLE_COLUMN_IDS.filter((id) => picked.has(id));
}

/** Parses what a user typed for a profile setting into the value to store. */
export function parseProfileValue<K extends ProfileKey>(
	key: K,
	text: string,
	options: {cwd?: string; home?: string} = {},
): NonNullable<Profile[K]> {
	const label = profileKeyLabel(key);
	const parse = (): unknown => {
		switch (key) {
			case 'database':
			case 'readDatabase':
				try {
					return checkUrl(text.trim(), label);
				} catch (error) {
					throw new InvalidValueError((error as Error).message);
				}
			case 'interval':
				return parseDuration(text, label, {min: 1, max: 3600, whole: true});
			case 'staleAfter':
				return parseDuration(text, label, {min: 1, max: 30 * 86_400, whole: true});
			case 'readOnly':
				return parseBoolean(text, label);
			case 'confirmTypedAbove':
				return parseWholeNumber(text, label, 1, 1_000_000);
			case 'disconnectRate':
			case 'disconnectRatePerNas':
				return parseWholeNumber(text, label, 0, 1_000_000);
			case 'disconnectInFlightPerNas':
				return parseWholeNumber(text, label, 1, 1024);
			case 'billingQuery':
				return checkBillingQuery(text);
			case 'billingUrl':
				try {
					return checkUrl(text.trim(), 'billing-url');
				} catch (error) {
					throw new InvalidValueError((error as Error).message);
				}
			case 'billingTimeout':
				return parseDuration(text, label, {min: 0.1, max: 60});
			case 'auditLog': {
				const path = text.trim();
				if (path === '' || /[\p{Cc}]/u.test(path)) throw new InvalidValueError('audit-log must be a file path');
				// Stored absolute: radtop runs from any directory.
				const home = options.home ?? homedir();
				return resolve(
					options.cwd ?? process.cwd(),
					path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path,
				);
			}
			case 'columns':
				return parseColumns(text);
			case 'sites':
				return parseSites(text);
			case 'allowedNas': {
				const names = text.split(',').map((name) => name.trim());
				if (names.some((name) => name === ''))
					throw new InvalidValueError('allowed-nas must be NAS names or IPs separated by commas');
				return [...new Set(names.map((name) => (isIP(name) !== 0 ? normaliseIp(name) : checkNasName(name))))];
			}
		}
		throw new InvalidValueError(`unknown setting "${String(key)}"`);
	};
	return parse() as NonNullable<Profile[K]>;
}

/**
 * A stored profile value as `radtop config get` prints it. A database URL loses its password (and any
 * `password` query parameter): `hidden` says something was left out.
 */
export function formatProfileValue(key: ProfileKey, value: unknown): {text: string; hidden: boolean} {
	if ((key === 'database' || key === 'readDatabase' || key === 'billingUrl') && typeof value === 'string') {
		const {url, hadPassword} = withoutPassword(value);
		return {text: url, hidden: hadPassword};
	}
	if ((key === 'allowedNas' || key === 'columns') && Array.isArray(value)) return {text: value.join(','), hidden: false};
	if (key === 'sites' && Array.isArray(value)) return formatSites(value as SiteProfile[]);
	return {text: String(value), hidden: false};
}

/** The profile's override for a NAS given by IP (any spelling) or name (any case), with the key it is kept under. */
export function findNasOverride(profile: Profile, ipOrName: string): {key: string; override: NasOverride} | undefined {
	const wanted = ipOrName.trim();
	const entries = Object.entries(profile.nas ?? {});
	if (isIP(wanted) !== 0) {
		const ip = normaliseIp(wanted);
		const found = entries.find(([, override]) => normaliseIp(override.ip) === ip);
		return found ? {key: found[0], override: found[1]} : undefined;
	}
	const lower = wanted.toLowerCase();
	const found = entries.find(([, override]) => override.name?.toLowerCase() === lower);
	return found ? {key: found[0], override: found[1]} : undefined;
}
