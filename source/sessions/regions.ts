/**
 * Regions: named sets of NAS a profile defines (`regions: {north: ["bng-1", "10.0.0.2", "10.1.0.0/24"]}`),
 * each member a NAS name (as the nas table or radtop's config names it, any case), an IP, or a CIDR. A NAS
 * may be in several regions. Pure: the NAS known (the nas table, the config, the IPs with open sessions)
 * are handed in, and a member that matches none of them is a warning, never an error.
 */
import {BlockList, isIP} from 'node:net';
import {normaliseIp} from '../net/address.js';
import {InvalidValueError} from '../values/values.js';

/** A profile's regions as stored: a name and its members. */
export type Regions = Readonly<Record<string, readonly string[]>>;

/** One member of a region, read. */
export type RegionMember =
	| {readonly kind: 'ip'; readonly ip: string}
	| {readonly kind: 'network'; readonly network: string; readonly family: 4 | 6; readonly prefix: number; readonly address: string}
	| {readonly kind: 'name'; readonly name: string};

/** A NAS as a region is matched against: its address and the name it goes by (null when nobody named it). */
export interface KnownNas {
	readonly ip: string;
	readonly name: string | null;
}

/** A region and the NAS it holds now; `unmatched` lists the members that match no NAS known. */
export interface ResolvedRegion {
	/** The name as the profile spells it. */
	readonly name: string;
	readonly nas: readonly KnownNas[];
	readonly unmatched: readonly string[];
}

/** At most this many regions in a profile, and members in a region: a region is a handful of NAS or networks. */
export const MAX_REGIONS = 64;
export const MAX_REGION_MEMBERS = 256;

/** A region's name: letters, digits, `.`, `_`, `-`, at most 32 (typed after `region:` and --region). */
export function checkRegionName(text: string): string {
	const name = text.trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(name))
		throw new InvalidValueError(`a region name must be letters, digits, ".", "_" and "-" (at most 32), not "${name.slice(0, 40)}"`);
	return name;
}

/** One member as typed: an IP, a CIDR (its host bits must be zero) or a NAS name. */
export function parseRegionMember(text: string): RegionMember {
	const value = text.trim();
	if (value === '') throw new InvalidValueError('a region member is empty (members are separated by commas)');
	if (isIP(value) !== 0) {
		if (value.includes('%')) throw new InvalidValueError(`a region member cannot carry a zone ("${value.slice(0, 45)}")`);
		return {kind: 'ip', ip: normaliseIp(value)};
	}
	const cidr = /^([^/]+)\/(\d{1,3})$/.exec(value);
	if (cidr) {
		const family = isIP(cidr[1]!);
		const prefix = Number(cidr[2]);
		if (family === 0 || cidr[1]!.includes('%') || prefix > (family === 6 ? 128 : 32))
			throw new InvalidValueError(`"${value.slice(0, 45)}" is not a network (a CIDR like 10.20.0.0/24)`);
		const address = normaliseIp(cidr[1]!);
		if (!isNetworkAddress(address, prefix, family))
			throw new InvalidValueError(`"${value.slice(0, 45)}" has host bits set: the network is written with them zero`);
		return {kind: 'network', network: `${address}/${prefix}`, family: family as 4 | 6, prefix, address};
	}
	if (value.length > 64 || /[\p{Cc}\p{Cf},]/u.test(value))
		throw new InvalidValueError(`"${value.slice(0, 45)}" is not a NAS name, an IP address or a CIDR`);
	return {kind: 'name', name: value};
}

/** A region's members as typed after `config set region.NAME`: separated by commas, each once, spelt as stored. */
export function parseRegionMembers(text: string): string[] {
	const parts = text.split(',');
	if (parts.length > MAX_REGION_MEMBERS) throw new InvalidValueError(`a region has at most ${MAX_REGION_MEMBERS} members`);
	const members = parts.map((part) => memberText(parseRegionMember(part)));
	const seen = new Set<string>();
	return members.filter((member) => {
		const key = member.toLowerCase();
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

function memberText(member: RegionMember): string {
	return member.kind === 'ip' ? member.ip : member.kind === 'network' ? member.network : member.name;
}

/** The 128-bit value of an address (an IPv4 one in the low 32 bits). */
function addressValue(address: string, family: number): bigint {
	if (family === 4) return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
	const [head = '', tail] = address.split('::');
	const words = (part: string): string[] => (part ? part.split(':') : []);
	const expand = (part: string[]): string[] =>
		part.flatMap((word) => {
			if (!word.includes('.')) return [word];
			const value = addressValue(word, 4);
			return [(value >> 16n).toString(16), (value & 0xffffn).toString(16)];
		});
	const left = expand(words(head));
	const right = expand(tail === undefined ? [] : words(tail));
	const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
	return all.reduce((value, word) => (value << 16n) | BigInt(Number.parseInt(word, 16)), 0n);
}

function isNetworkAddress(address: string, prefix: number, family: number): boolean {
	const bits = family === 4 ? 32 : 128;
	const host = (1n << BigInt(bits - prefix)) - 1n;
	return (addressValue(address, family) & host) === 0n;
}

/** Whether the NAS is this member: the same IP, inside the network, or the name (any case). */
export function memberMatches(member: RegionMember, nas: KnownNas): boolean {
	switch (member.kind) {
		case 'ip':
			return normaliseIp(nas.ip) === member.ip;
		case 'name':
			return nas.name !== null && nas.name.toLowerCase() === member.name.toLowerCase();
		case 'network': {
			const ip = normaliseIp(nas.ip);
			const family = isIP(ip);
			if (family !== member.family) return false;
			const list = new BlockList();
			list.addSubnet(member.address, member.prefix, family === 6 ? 'ipv6' : 'ipv4');
			return list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
		}
	}
}

/** The region of this name (any case) and its members, or undefined. */
export function findRegion(regions: Regions | undefined, name: string): {name: string; members: readonly string[]} | undefined {
	const wanted = name.trim().toLowerCase();
	const found = Object.entries(regions ?? {}).find(([candidate]) => candidate.toLowerCase() === wanted);
	return found ? {name: found[0], members: found[1]} : undefined;
}

/** A region the profile does not define; the message names the regions it does. */
export class UnknownRegionError extends Error {
	constructor(name: string, regions: Regions | undefined) {
		const names = Object.keys(regions ?? {}).sort();
		super(
			names.length > 0
				? `unknown region "${name.slice(0, 40)}" (regions: ${names.slice(0, 12).join(', ')})`
				: `unknown region "${name.slice(0, 40)}": this profile defines no region (radtop config set region.NAME MEMBERS)`,
		);
		this.name = 'UnknownRegionError';
	}
}

/** Members that do not read (a hand-edited config) are left out; the rest are read once. */
function readMembers(members: readonly string[]): Array<{text: string; member: RegionMember}> {
	const read: Array<{text: string; member: RegionMember}> = [];
	for (const text of members) {
		try {
			read.push({text, member: parseRegionMember(text)});
		} catch {
			// A member that does not read matches nothing; resolveRegion reports it as unmatched.
		}
	}
	return read;
}

/**
 * The NAS of a region among those known (each once, in the order known), and the members that matched none.
 * Throws UnknownRegionError for a region the profile does not define.
 */
export function resolveRegion(regions: Regions | undefined, name: string, known: readonly KnownNas[]): ResolvedRegion {
	const region = findRegion(regions, name);
	if (!region) throw new UnknownRegionError(name, regions);
	const read = readMembers(region.members);
	const matched = new Set<string>();
	const nas = known.filter((entry) => read.some(({member}) => memberMatches(member, entry)));
	for (const {text, member} of read) if (known.some((entry) => memberMatches(member, entry))) matched.add(text);
	return {name: region.name, nas, unmatched: region.members.filter((text) => !matched.has(text))};
}

/** Every region with the NAS it holds, in the profile's order. */
export function resolveRegions(regions: Regions | undefined, known: readonly KnownNas[]): ResolvedRegion[] {
	return Object.keys(regions ?? {}).map((name) => resolveRegion(regions, name, known));
}

/** The regions a NAS is in, in the profile's order. */
export function regionsOf(regions: Regions | undefined, nas: KnownNas): string[] {
	return Object.entries(regions ?? {})
		.filter(([, members]) => readMembers(members).some(({member}) => memberMatches(member, nas)))
		.map(([name]) => name);
}

/** One warning per member that matches no NAS known: `region north: "bng-9" matches no NAS known`. */
export function regionWarnings(region: ResolvedRegion): string[] {
	return region.unmatched.map(
		(member) => `region ${region.name}: "${member.slice(0, 45)}" matches no NAS in the nas table, radtop's config or radacct`,
	);
}

/**
 * The NAS known, once each by IP: the directory's (the nas table and the config, with their names) and then
 * the IPs with open sessions that nobody named.
 */
export function knownNas(named: readonly KnownNas[], openIps: readonly string[] = []): KnownNas[] {
	const byIp = new Map<string, KnownNas>();
	for (const entry of named) byIp.set(normaliseIp(entry.ip), {ip: normaliseIp(entry.ip), name: entry.name});
	for (const ip of openIps) if (!byIp.has(normaliseIp(ip))) byIp.set(normaliseIp(ip), {ip: normaliseIp(ip), name: null});
	return [...byIp.values()];
}

/**
 * What a `region:` search term matches in SQL: the IPs of the members given by IP or by a name known, and the
 * members' networks (matched in the database, so a NAS nobody named is in its network's region too).
 */
export interface RegionSql {
	readonly ips: readonly string[];
	readonly networks: readonly string[];
}

/** A region as SQL values; `named` are the NAS with names (the directory's). Throws UnknownRegionError. */
export function regionSql(regions: Regions | undefined, name: string, named: readonly KnownNas[]): RegionSql {
	const region = findRegion(regions, name);
	if (!region) throw new UnknownRegionError(name, regions);
	const ips = new Set<string>();
	const networks: string[] = [];
	for (const {member} of readMembers(region.members)) {
		if (member.kind === 'ip') ips.add(member.ip);
		else if (member.kind === 'network') networks.push(member.network);
		else for (const entry of named) if (memberMatches(member, entry)) ips.add(normaliseIp(entry.ip));
	}
	return {ips: [...ips], networks};
}
