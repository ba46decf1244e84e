/**
 * Which name each NAS goes by: FreeRADIUS's `nas` table (nasname = IP, hostname or network; shortname = the
 * name) overridden by radtop's own config. Pure: the rows are loaded elsewhere. It sits with the sessions
 * because every session row is named through it and a `--nas` filter resolves through it; nas/registry.ts
 * builds the whole NAS (secret, CoA address, vendor, API) on top of it.
 */
import {isIP} from 'node:net';
import {normaliseIp} from '../net/address.js';
import type {NasRow} from '../db/nas-table.js';

export interface NasEntry {
	/** The NAS's IP address as radacct's nasipaddress holds it. */
	readonly ip: string;
	readonly name: string;
	readonly source: 'nas-table' | 'config';
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
