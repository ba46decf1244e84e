/**
 * `radtop nas list` as data and as a table: every NAS the registry knows, where each setting comes from, and
 * the open sessions on it. Never a secret, only whether one is set and where. Pure.
 */
import {formatEndpoint} from '../net/address.js';
import {normaliseIp} from '../net/address.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth} from '../terminal/text.js';
import {formatDuration} from '../sessions/format.js';
import type {NasOverride, NasVendor} from './nas-override.js';
import {DEFAULT_API_PORT, DEFAULT_API_TLS_PORT, DEFAULT_COA_PORT, type Nas, type NasRegistry} from './registry.js';

/** One line of `radtop nas list`, as JSON prints it: never a secret, only where it comes from. */
export interface NasListEntry {
	readonly name: string;
	readonly nameSource: Nas['nameSource'];
	readonly ip: string;
	readonly coa: {readonly host: string; readonly port: number};
	readonly vendor: NasVendor;
	readonly vendorSource: Nas['vendorSource'];
	readonly messageAuthenticator: boolean;
	readonly secret: {readonly set: boolean; readonly source: Nas['secretSource']};
	/** Complete credentials, or `incomplete` when the config names an API user without a password. */
	readonly api:
		| {readonly user: string; readonly host: string; readonly port: number; readonly tls: boolean; readonly hotspot: boolean}
		| {readonly incomplete: true; readonly user: string}
		| null;
	/** Open sessions in radacct; null when the database was not read. */
	readonly openSessions: number | null;
	/** True when the config has an override for this NAS. */
	readonly inConfig: boolean;
	/** When the NAS last reloaded (FreeRADIUS's nasreload: Accounting-On or -Off), ISO 8601; null when not known. */
	readonly reloaded_at: string | null;
}

/** A line of `radtop nas list` over a profile's sites: the site whose NAS it is. */
export type SiteNasListEntry = NasListEntry & {readonly site?: string};

/**
 * Every NAS of the registry, plus any NAS with open sessions that neither the nas table nor the config
 * names (it has no secret: a disconnect there cannot work), sorted by name. Pure.
 */
export function nasListEntries(
	registry: NasRegistry,
	overrides: readonly NasOverride[],
	openSessions?: ReadonlyMap<string, number>,
	reloads?: ReadonlyMap<string, Date>,
): NasListEntry[] {
	const overrideOf = (ip: string) => overrides.find((override) => normaliseIp(override.ip) === ip);
	const byIp = new Map(registry.entries().map((nas) => [nas.ip, nas]));
	for (const ip of openSessions?.keys() ?? []) if (!byIp.has(registry.get(ip).ip)) byIp.set(registry.get(ip).ip, registry.get(ip));
	return [...byIp.values()]
		.sort((a, b) => a.name.localeCompare(b.name) || a.ip.localeCompare(b.ip))
		.map((nas) => {
			const override = overrideOf(nas.ip);
			const incompleteUser = nas.api === undefined && override?.api?.user ? override.api.user : undefined;
			return {
				name: nas.name,
				nameSource: nas.nameSource,
				ip: nas.ip,
				coa: {host: nas.coaHost, port: nas.coaPort},
				vendor: nas.vendor,
				vendorSource: nas.vendorSource,
				messageAuthenticator: nas.messageAuthenticator,
				secret: {set: nas.secretSource !== 'none', source: nas.secretSource},
				api: nas.api
					? {user: nas.api.user, host: nas.api.host, port: nas.api.port, tls: nas.api.tls, hotspot: nas.api.hotspot}
					: incompleteUser
						? {incomplete: true, user: incompleteUser}
						: null,
				openSessions: openSessions ? (openSessions.get(nas.ip) ?? 0) : null,
				inConfig: override !== undefined,
				reloaded_at: reloads?.get(nas.ip)?.toISOString() ?? null,
			};
		});
}

/** The secret column: `set (nas table)`, `set (config)` or `none`. */
export function secretLabel(source: Nas['secretSource']): string {
	return source === 'none' ? 'none' : `set (${source === 'nas-table' ? 'nas table' : 'config'})`;
}

/** The API column: `radtop@10.0.0.2:8729 tls`, `radtop (no password)` or `none`. */
export function apiLabel(api: NasListEntry['api']): string {
	if (api === null) return 'none';
	if ('incomplete' in api) return `${api.user} (no password)`;
	return `${api.user}@${formatEndpoint(api.host, api.port)}${api.tls ? ' tls' : ''}${api.hotspot ? ' hotspot' : ''}`;
}

const VENDOR_SOURCE: Record<Nas['vendorSource'], string> = {config: 'config', 'nas-type': 'nas type', default: 'default'};

/** The RELOADED column: `2h14m ago`, or `-` when nasreload has no row for the NAS (or was not read). */
export function reloadedLabel(reloadedAt: string | null, now: Date): string {
	if (reloadedAt === null) return '-';
	const seconds = (now.getTime() - new Date(reloadedAt).getTime()) / 1000;
	return seconds < 1 ? 'just now' : `${formatDuration(seconds)} ago`;
}

/**
 * The aligned table of `radtop nas list` (pure; every field sanitised: names come from the database), with a
 * SITE column first when the entries name their sites. The RELOADED column shows only when some NAS has a
 * reload, measured against `now` (the database's clock).
 */
export function nasListTable(entries: readonly SiteNasListEntry[], now: Date = new Date()): string[] {
	const reloaded = entries.some((entry) => entry.reloaded_at !== null);
	// Over a profile's sites the same IP can be a NAS at each: the SITE column tells them apart.
	const sited = entries.some((entry) => entry.site !== undefined);
	const header = [...(sited ? ['SITE'] : []), 'NAME', 'IP', 'COA', 'VENDOR', 'SECRET', 'API', ...(reloaded ? ['RELOADED'] : []), 'OPEN'];
	const rows = entries.map((entry) => [
		...(sited ? [sanitize(entry.site ?? '-')] : []),
		sanitize(entry.name),
		entry.ip,
		formatEndpoint(sanitize(entry.coa.host), entry.coa.port),
		`${entry.vendor} (${VENDOR_SOURCE[entry.vendorSource]})`,
		secretLabel(entry.secret.source),
		sanitize(apiLabel(entry.api)),
		...(reloaded ? [reloadedLabel(entry.reloaded_at, now)] : []),
		entry.openSessions === null ? '-' : entry.openSessions.toLocaleString('en-US'),
	]);
	const widths = header.map((title, column) =>
		Math.min(column === (sited ? 1 : 0) ? 24 : 40, Math.max(stringWidth(title), ...rows.map((row) => stringWidth(row[column]!)))),
	);
	const line = (cells: readonly string[]) =>
		cells
			.map((cell, column) => fit(cell, widths[column]!, column === cells.length - 1 ? 'right' : 'left'))
			.join('  ')
			.trimEnd();
	return [line(header), ...rows.map(line)];
}

/** A short account of an override for the line `nas add` and `nas set` print: never a secret. */
export function describeOverride(override: NasOverride): string {
	const parts = [
		`CoA ${formatEndpoint(override.coaHost ?? override.ip, override.coaPort ?? DEFAULT_COA_PORT)}`,
		override.vendor ?? 'vendor from the nas table (else generic)',
		override.secret ? 'secret set (config)' : 'secret from the nas table',
	];
	if (override.messageAuthenticator === false) parts.push('Message-Authenticator off');
	const api = override.api;
	if (api?.user) {
		const tls = api.tls ?? false;
		const where = formatEndpoint(api.host ?? override.ip, api.port ?? (tls ? DEFAULT_API_TLS_PORT : DEFAULT_API_PORT));
		parts.push(
			`API ${api.user}@${where}${tls ? ' tls' : ''}${api.hotspot ? ' hotspot' : ''}${api.password === undefined ? ' (no password)' : ''}`,
		);
	} else parts.push('API none');
	return parts.join(', ');
}
