/**
 * Which name each NAS goes by: FreeRADIUS's `nas` table (nasname = IP, hostname or network; shortname = the
 * name) overridden by radtop's own config. Pure: the rows are loaded elsewhere. It sits with the sessions
 * because every session row is named through it and a `--nas` filter resolves through it; nas/registry.ts
 * builds the whole NAS (secret, CoA address, vendor, API) on top of it.
 */
import {isIP} from 'node:net';
import type {NasRow} from '../db/nas-table.js';

export interface NasEntry {
	/** The NAS's IP address as radacct's nasipaddress holds it. */
	readonly ip: string;
	readonly name: string;
	readonly source: 'nas-table' | 'config';
}

/**
 * One spelling per address, so the nas table, radtop's config, a `--nas` value and radacct agree: IPv6 in
 * lower case and compressed as RFC 5952 (and PostgreSQL's `host()`) print it: the longest run of two or
 * more zero groups becomes `::` (the first on a tie), leading zeros go, and an IPv4-mapped address keeps
 * its dotted quad (`::ffff:10.0.0.1`). A zone (`%eth0`) is kept as given. Anything that is not an IPv6
 * address comes back trimmed.
 */
export function normaliseIp(ip: string): string {
	const trimmed = ip.trim();
	if (!trimmed.includes(':') || isIP(trimmed) !== 6) return trimmed;
	const zoneAt = trimmed.indexOf('%');
	const zone = zoneAt < 0 ? '' : trimmed.slice(zoneAt);
	let address = (zoneAt < 0 ? trimmed : trimmed.slice(0, zoneAt)).toLowerCase();
	const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
	if (quad) {
		const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
		address = `${address.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	// Eight 16-bit words, `::` expanded (isIP has vouched for the syntax).
	const [head = '', tail] = address.split('::');
	const split = (part: string) => (part ? part.split(':') : []);
	const groups = tail === undefined ? split(head) : [...split(head), ...split(tail)];
	if (tail !== undefined) groups.splice(split(head).length, 0, ...Array<string>(8 - groups.length).fill('0'));
	const words = groups.map((group) => Number.parseInt(group, 16));
	if (words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff) {
		const [high, low] = [words[6]!, words[7]!];
		return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}${zone}`;
	}
	let bestStart = -1;
	let bestLength = 1;
	for (let start = 0; start < 8; start++) {
		let end = start;
		while (end < 8 && words[end] === 0) end++;
		if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
	}
	const hex = words.map((word) => word.toString(16));
	if (bestStart < 0) return `${hex.join(':')}${zone}`;
	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}${zone}`;
}

/** Names by IP; resolves a NAS given by name or IP to the IPs to filter on. IPv6 is compared normalised. */
export class NasDirectory {
	readonly #byIp = new Map<string, NasEntry>();

	constructor(entries: Iterable<NasEntry> = []) {
		for (const entry of entries) {
			const ip = normaliseIp(entry.ip);
			this.#byIp.set(ip, ip === entry.ip ? entry : {...entry, ip});
		}
	}

	/** From the nas table (only rows whose nasname is a single IP name a NAS) plus config overrides. */
	static from(
		rows: readonly Pick<NasRow, 'nasname' | 'shortname'>[],
		overrides: ReadonlyArray<{ip: string; name?: string}> = [],
	): NasDirectory {
		const entries: NasEntry[] = [];
		for (const row of rows) {
			const ip = normaliseIp(row.nasname);
			if (isIP(ip) && row.shortname) entries.push({ip, name: row.shortname, source: 'nas-table'});
		}
		for (const override of overrides) {
			if (override.name) entries.push({ip: override.ip, name: override.name, source: 'config'});
		}
		return new NasDirectory(entries);
	}

	/** The name of the NAS at this IP, or null. */
	nameOf(ip: string): string | null {
		return this.#byIp.get(normaliseIp(ip))?.name ?? null;
	}

	entries(): NasEntry[] {
		return [...this.#byIp.values()];
	}

	/**
	 * The IPs a user means by `nas`: the address itself, or every NAS of that name (case-insensitive).
	 * Throws a message naming the value when it is neither.
	 */
	resolve(nas: string): string[] {
		const wanted = nas.trim();
		if (isIP(wanted)) return [normaliseIp(wanted)];
		const lower = wanted.toLowerCase();
		const ips = this.entries()
			.filter((entry) => entry.name.toLowerCase() === lower)
			.map((entry) => entry.ip);
		if (ips.length === 0) {
			throw new UnknownNasError(
				wanted,
				this.entries().map((entry) => entry.name),
			);
		}
		return ips;
	}
}

/** A value shown in a message: its first 40 characters, as the other usage errors show them. */
const cut = (text: string): string => text.slice(0, 40);

export class UnknownNasError extends Error {
	constructor(nas: string, known: readonly string[]) {
		const names = [...new Set(known.map(cut))].sort().slice(0, 12);
		const hint = names.length > 0 ? `; known NAS: ${names.join(', ')}` : '';
		super(`unknown NAS "${cut(nas)}": not an IP address, nor a name in the nas table or radtop's config${hint}`);
		this.name = 'UnknownNasError';
	}
}
