/**
 * Everything radtop needs to act on a NAS: its name, the RADIUS secret it shares with us, where its Dynamic
 * Authorization server listens, which vendor's rules it follows, and its RouterOS API account. Built from
 * FreeRADIUS's `nas` table and overridden, field by field, by radtop's config.
 */
import {BlockList, isIP} from 'node:net';
import {loadNasRows, type NasRow} from '../db/nas-table.js';
import type {Queryable} from '../db/queryable.js';
import {NasDirectory} from '../sessions/nas-directory.js';
import {normaliseIp} from '../net/address.js';
import {formatEndpoint} from '../net/address.js';
import {NAS_VENDORS, type NasOverride, type NasVendor} from './nas-override.js';

/** The Dynamic Authorization port IANA assigned for RFC 5176 ("radius-dynauth"). */
export const DEFAULT_COA_PORT = 3799;
/** RouterOS `/ip service` api. */
export const DEFAULT_API_PORT = 8728;
/** RouterOS `/ip service` api-ssl. */
export const DEFAULT_API_TLS_PORT = 8729;

/** How to reach a MikroTik's API, complete (user and password are both known). */
export interface NasApiCredentials {
	readonly host: string;
	readonly port: number;
	readonly user: string;
	readonly password: string;
	readonly tls: boolean;
	/** Sessions live in `/ip/hotspot/active` instead of `/ppp/active`. */
	readonly hotspot: boolean;
}

/** One NAS as the disconnect engine sees it. */
export interface Nas {
	/** The NAS's address as radacct's nasipaddress holds it. */
	readonly ip: string;
	/** Its short name, or the IP when nobody named it. */
	readonly name: string;
	readonly nameSource: 'nas-table' | 'config' | 'ip';
	readonly secret: string | undefined;
	/** `nas-table` also covers a secret inherited from a network row (nasname `10.0.0.0/24`). */
	readonly secretSource: 'nas-table' | 'config' | 'none';
	readonly coaHost: string;
	readonly coaPort: number;
	readonly vendor: NasVendor;
	/** `nas-type` when guessed from the nas table's type column. */
	readonly vendorSource: 'config' | 'nas-type' | 'default';
	/** Sign Disconnect-Requests with Message-Authenticator; on unless the config turns it off. */
	readonly messageAuthenticator: boolean;
	/** Undefined unless the config gives at least an API user and password. */
	readonly api: NasApiCredentials | undefined;
}

/** Config overrides as a list, or as the profile's map of them (`profile.nas`). */
export type NasOverrides = readonly NasOverride[] | Readonly<Record<string, NasOverride>>;

interface NetworkRow {
	readonly prefix: number;
	readonly network: BlockList;
	readonly family: 'ipv4' | 'ipv6';
	readonly row: NasRow;
}

/** The NAS of a network: what `radtop` knows about each NAS, by IP. Pure once built. */
export class NasRegistry {
	/** Merges the nas table's rows (first row per IP wins, as FreeRADIUS refuses duplicates) with the overrides. */
	static from(rows: readonly NasRow[], overrides: NasOverrides = [], warnings: readonly string[] = []): NasRegistry {
		const exact = new Map<string, NasRow>();
		const networks: NetworkRow[] = [];
		for (const row of rows) {
			const nasname = row.nasname.trim();
			const ip = normalizeIp(nasname);
			if (ip !== undefined) {
				if (!exact.has(ip)) exact.set(ip, row);
				continue;
			}
			const network = parseNetwork(nasname);
			if (network !== undefined) networks.push({...network, row});
			// A host name would need DNS, and radacct holds addresses: such rows name no NAS here.
		}
		networks.sort((a, b) => b.prefix - a.prefix);
		const byIp = new Map<string, NasOverride>();
		for (const override of overrideList(overrides)) {
			const ip = typeof override.ip === 'string' ? normalizeIp(override.ip.trim()) : undefined;
			if (ip !== undefined) byIp.set(ip, override);
		}
		return new NasRegistry(exact, networks, byIp, warnings);
	}

	/** Problems met while loading (e.g. the nas table exists but may not be read); empty when all went well. */
	readonly warnings: readonly string[];
	readonly #exact: ReadonlyMap<string, NasRow>;
	readonly #networks: readonly NetworkRow[];
	readonly #overrides: ReadonlyMap<string, NasOverride>;
	readonly #cache = new Map<string, Nas>();
	readonly #directory: NasDirectory;

	private constructor(
		exact: ReadonlyMap<string, NasRow>,
		networks: readonly NetworkRow[],
		overrides: ReadonlyMap<string, NasOverride>,
		warnings: readonly string[],
	) {
		this.#exact = exact;
		this.#networks = networks;
		this.#overrides = overrides;
		this.warnings = warnings;
		this.#directory = NasDirectory.from(
			[...exact].map(([ip, row]) => ({nasname: ip, shortname: row.shortname})),
			[...overrides].map(([ip, override]) => (override.name ? {ip, name: override.name} : {ip})),
		);
	}

	/** Names by IP, for code that only needs names (same rules as the session list uses). */
	get directory(): NasDirectory {
		return this.#directory;
	}

	/** The NAS at `ip`; one nobody configured gets the defaults (named by its IP, no secret, generic). */
	get(ip: string): Nas {
		const key = normalizeIp(ip.trim()) ?? ip.trim();
		let nas = this.#cache.get(key);
		if (nas === undefined) {
			nas = this.#build(key);
			this.#cache.set(key, nas);
		}
		return nas;
	}

	/** True when the nas table (by address or network) or the config knows `ip`. */
	knows(ip: string): boolean {
		const key = normalizeIp(ip.trim()) ?? ip.trim();
		return this.#exact.has(key) || this.#overrides.has(key) || (isIP(key) !== 0 && this.#network(key) !== undefined);
	}

	/** Every NAS named by address in the nas table or the config, sorted by name. */
	entries(): Nas[] {
		const ips = new Set([...this.#exact.keys(), ...this.#overrides.keys()]);
		return [...ips].map((ip) => this.get(ip)).sort((a, b) => a.name.localeCompare(b.name) || a.ip.localeCompare(b.ip));
	}

	/** The IPs meant by a NAS name or address; throws UnknownNasError for neither. */
	resolve(nameOrIp: string): string[] {
		return this.#directory.resolve(nameOrIp);
	}

	/** Every secret and API password known, to scrub from anything written out. */
	secrets(): string[] {
		const secrets = new Set<string>();
		for (const row of [...this.#exact.values(), ...this.#networks.map((network) => network.row)]) {
			if (row.secret) secrets.add(row.secret);
		}
		for (const override of this.#overrides.values()) {
			if (override.secret) secrets.add(override.secret);
			if (override.api?.password) secrets.add(override.api.password);
		}
		return [...secrets];
	}

	#network(ip: string): NasRow | undefined {
		const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
		return this.#networks.find((network) => network.family === family && network.network.check(ip, family))?.row;
	}

	#build(ip: string): Nas {
		const row = this.#exact.get(ip);
		const networkRow = row === undefined && isIP(ip) !== 0 ? this.#network(ip) : undefined;
		const override = this.#overrides.get(ip);
		const tableSecret = (row ?? networkRow)?.secret || undefined;
		const secret = override?.secret || tableSecret;
		const shortname = row?.shortname?.trim() || undefined;
		const name = override?.name || shortname || ip;
		const guessed = guessVendor((row ?? networkRow)?.type);
		const vendor = override?.vendor ?? guessed ?? 'generic';
		return {
			ip,
			name,
			nameSource: override?.name ? 'config' : shortname ? 'nas-table' : 'ip',
			secret,
			secretSource: override?.secret ? 'config' : tableSecret ? 'nas-table' : 'none',
			coaHost: override?.coaHost || ip,
			coaPort: override?.coaPort ?? DEFAULT_COA_PORT,
			vendor,
			vendorSource: override?.vendor ? 'config' : guessed ? 'nas-type' : 'default',
			messageAuthenticator: override?.messageAuthenticator ?? true,
			api: apiCredentials(ip, override?.api),
		};
	}
}

/**
 * One line about a NAS for previews and logs, e.g.
 * `bng-2 (10.0.0.2): CoA 10.0.0.2:3799, mikrotik, Message-Authenticator on, secret from the nas table; API 10.0.0.2:8728 as radtop`.
 * It never contains the secret or the API password.
 */
export function describeNas(nas: Nas): string {
	const secret = {'nas-table': 'secret from the nas table', config: "secret from radtop's config", none: 'no secret'}[nas.secretSource];
	const vendor = nas.vendorSource === 'default' ? 'generic (default)' : nas.vendor;
	const parts = [
		`CoA ${formatEndpoint(nas.coaHost, nas.coaPort)}`,
		vendor,
		`Message-Authenticator ${nas.messageAuthenticator ? 'on' : 'off'}`,
		secret,
	];
	const api = nas.api
		? `API ${formatEndpoint(nas.api.host, nas.api.port)}${nas.api.tls ? ' (TLS)' : ''} as ${nas.api.user}${nas.api.hotspot ? ', hotspot' : ''}`
		: 'no API credentials';
	return `${nasLabel(nas)}: ${parts.join(', ')}; ${api}`;
}

/** `bng-2 (10.0.0.2)`, or just the IP for a NAS nobody named. */
export function nasLabel(nas: Pick<Nas, 'ip' | 'name'>): string {
	return nas.name === nas.ip ? nas.ip : `${nas.name} (${nas.ip})`;
}

/**
 * Reads the nas table (when the database has one) and applies the overrides. A nas table radtop's database
 * role may not read is not fatal: the registry then says so in {@link NasRegistry.warnings}.
 */
export async function loadNasRegistry(db: Queryable, overrides: NasOverrides = []): Promise<NasRegistry> {
	const {rows, warnings} = await loadNasRows(db);
	return NasRegistry.from(rows, overrides, warnings);
}

function overrideList(overrides: NasOverrides): readonly NasOverride[] {
	if (Array.isArray(overrides)) return overrides as readonly NasOverride[];
	// The config keys overrides by IP: one without "ip" is the NAS its key names.
	return Object.entries(overrides as Readonly<Record<string, NasOverride>>).map(([key, override]) =>
		typeof override.ip === 'string' ? override : {...override, ip: key},
	);
}

/** FreeRADIUS's nas.type is free text ('cisco', 'other', ...): only an exact vendor name counts. */
function guessVendor(type: string | null | undefined): NasVendor | undefined {
	const lower = type?.trim().toLowerCase();
	return NAS_VENDORS.find((vendor) => vendor !== 'generic' && vendor === lower);
}

function apiCredentials(ip: string, api: NasOverride['api']): NasApiCredentials | undefined {
	if (!api?.user || api.password === undefined) return undefined;
	const tls = api.tls ?? false;
	return {
		host: api.host || ip,
		port: api.port ?? (tls ? DEFAULT_API_TLS_PORT : DEFAULT_API_PORT),
		user: api.user,
		password: api.password,
		tls,
		hotspot: api.hotspot ?? false,
	};
}

/** The address in the form radacct's host() prints it, or undefined for what is not an IP address. */
function normalizeIp(text: string): string | undefined {
	return isIP(text) === 0 ? undefined : normaliseIp(text);
}

function parseNetwork(text: string): Omit<NetworkRow, 'row'> | undefined {
	const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
	const address = match?.[1] === undefined ? undefined : normalizeIp(match[1]);
	if (match?.[2] === undefined || address === undefined) return undefined;
	const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
	const prefix = Number(match[2]);
	if (prefix > (family === 'ipv6' ? 128 : 32)) return undefined;
	const network = new BlockList();
	network.addSubnet(address, prefix, family);
	return {prefix, network, family};
}
