/**
 * The vendor of a MAC, from the IEEE registries the `oui-data` package ships (MA-L: 24-bit prefixes, 6 hex
 * digits; MA-M: 28 bits, 7; MA-S: 36 bits, 9). MA-M and MA-S blocks are carved out of MA-L blocks assigned to
 * the IEEE Registration Authority, so the longest listed prefix names the vendor.
 *
 * The registry (5.6 MB of JSON) is read the first time a vendor is asked for, never at start: a radtop that
 * shows no vendor never reads it.
 */
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {isLocallyAdministered, normaliseMac} from './mac.js';

/** What the registry says of a Calling-Station-Id. */
export type MacVendor =
	/** Not a MAC (empty, or text a NAS put there): no vendor. */
	| {readonly kind: 'none'}
	/** A locally administered address (a phone's or laptop's private MAC): made up, no registry entry. */
	| {readonly kind: 'random'}
	/** A vendor's MAC whose prefix the registry does not list. */
	| {readonly kind: 'unregistered'}
	| {readonly kind: 'registered'; readonly name: string; readonly prefix: string};

interface Registry {
	/** The package's object: prefix (6, 7 or 9 upper-case hex digits) -> the organisation's name and address. */
	readonly entries: Readonly<Record<string, string>>;
	/** What the search needs; made on the first search. */
	index?: SearchIndex;
}

interface SearchIndex {
	/** Each organisation's name -> the name in lower case and its prefixes. */
	readonly byName: ReadonlyMap<string, {readonly lower: string; readonly prefixes: string[]}>;
	/** MA-L prefixes with MA-M or MA-S blocks inside them -> those blocks' prefixes. */
	readonly blocks: ReadonlyMap<string, readonly string[]>;
}

let registry: Registry | undefined;

/** The organisation's name: the first line of its entry, spaces collapsed. */
function nameOf(entry: string): string {
	const end = entry.indexOf('\n');
	return (end < 0 ? entry : entry.slice(0, end)).replace(/\s+/g, ' ').trim();
}

/**
 * Reads the registry the first time it is needed: one JSON.parse of the package's file, kept as it is (an
 * index of it would cost more time at the first vendor shown than it saves on each lookup).
 */
function loadRegistry(): Registry {
	if (registry) return registry;
	const file = createRequire(import.meta.url).resolve('oui-data');
	registry = {entries: JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>};
	return registry;
}

/** A prefix radtop looks up: 6, 7 or 9 hex digits, the U/L bit clear (a few 1980s MA-L entries have it set). */
function lookedUp(prefix: string): boolean {
	return /^[0-9A-F]{6}(?:[0-9A-F]|[0-9A-F]{3})?$/.test(prefix) && !isLocallyAdministered(prefix);
}

function searchIndex(loaded: Registry): SearchIndex {
	if (loaded.index) return loaded.index;
	const byName = new Map<string, {lower: string; prefixes: string[]}>();
	const blocks = new Map<string, string[]>();
	for (const prefix of Object.keys(loaded.entries)) {
		if (!lookedUp(prefix)) continue;
		const name = nameOf(loaded.entries[prefix]!);
		if (name === '') continue;
		const known = byName.get(name);
		if (known) known.prefixes.push(prefix);
		else byName.set(name, {lower: name.toLowerCase(), prefixes: [prefix]});
		if (prefix.length > 6) {
			const inside = blocks.get(prefix.slice(0, 6));
			if (inside) inside.push(prefix);
			else blocks.set(prefix.slice(0, 6), [prefix]);
		}
	}
	loaded.index = {byName, blocks};
	return loaded.index;
}

/** Whether the registry has been read (for the benchmark and the tests of its laziness). */
export function registryLoaded(): boolean {
	return registry !== undefined;
}

/** How many prefixes the registry lists that radtop looks up, by length (6, 7, 9). */
export function registrySize(): Readonly<Record<6 | 7 | 9, number>> {
	const size = {6: 0, 7: 0, 9: 0};
	for (const prefix of Object.keys(loadRegistry().entries)) if (lookedUp(prefix)) size[prefix.length as 6 | 7 | 9] += 1;
	return size;
}

/** The vendor of a Calling-Station-Id; reads the registry only for a MAC that is not locally administered. */
export function macVendor(callingStationId: string | null | undefined): MacVendor {
	const digits = normaliseMac(callingStationId);
	if (digits === null) return {kind: 'none'};
	if (isLocallyAdministered(digits)) return {kind: 'random'};
	const {entries} = loadRegistry();
	for (const length of [9, 7, 6]) {
		const prefix = digits.slice(0, length);
		if (!Object.hasOwn(entries, prefix)) continue;
		const name = nameOf(entries[prefix]!);
		if (name !== '') return {kind: 'registered', name, prefix};
	}
	return {kind: 'unregistered'};
}

/**
 * The vendor as a field of `radtop sessions --json` and of `radtop export`: the registry's name, `random` for
 * a locally administered MAC, null when there is none (no MAC, or one the registry does not list).
 */
export function vendorField(callingStationId: string | null | undefined): string | null {
	const vendor = macVendor(callingStationId);
	return vendor.kind === 'registered' ? vendor.name : vendor.kind === 'random' ? 'random' : null;
}

/** Corporate endings that say nothing about who made the device. */
const ENDINGS =
	/[\s,.，]+(?:co|company|corp|corporation|corporate|inc|incorporated|ltd|limited|llc|gmbh|ag|kg|sa|s\.a|srl|s\.r\.l|bv|b\.v|oy|ab|a\/s|as|plc|pty|pte|spa|s\.p\.a|technologies|technology|tech|electronics|electronic|international|group|holdings|communications|communication|systems)\.?$/i;

/**
 * A vendor's name short enough for a table cell: `Apple, Inc.` -> `Apple`, `HUAWEI TECHNOLOGIES CO.,LTD` ->
 * `HUAWEI`, `Zyxel Communications Corporation` -> `Zyxel`. A name that is nothing but such words stays whole.
 */
export function shortVendorName(name: string): string {
	let short = name.trim();
	for (;;) {
		const next = short.replace(ENDINGS, '').replace(/[\s,.，&+-]+$/, '');
		if (next === short || next === '') break;
		short = next;
	}
	return short;
}

/** What a `vendor:` term matches: the prefixes of each vendor whose name matches, lower case. */
export interface VendorPrefixes {
	/** The vendors whose name matched. */
	readonly vendors: number;
	/** MA-L (6 digits), MA-M (7) and MA-S (9) prefixes of those vendors. */
	readonly l6: readonly string[];
	readonly l7: readonly string[];
	readonly l9: readonly string[];
	/** MA-M and MA-S blocks inside a matched MA-L block that belong to another vendor, so do not match. */
	readonly except7: readonly string[];
	readonly except9: readonly string[];
}

/** Every prefix a `vendor:` predicate carries. */
export function prefixCount(match: VendorPrefixes): number {
	return match.l6.length + match.l7.length + match.l9.length + match.except7.length + match.except9.length;
}

const matchCache = new Map<string, VendorPrefixes>();
const MATCH_CACHE_SIZE = 32;

/**
 * The prefixes of the vendors whose name contains `text` (any case), or, `exact`, whose whole name or short
 * name (shortVendorName) is `text` (any case). Reads the registry.
 */
export function vendorPrefixes(text: string, exact: boolean): VendorPrefixes {
	const needle = text.trim().toLowerCase();
	const key = `${exact ? '=' : '~'}${needle}`;
	const cached = matchCache.get(key);
	if (cached) return cached;
	const {byName, blocks} = searchIndex(loadRegistry());
	let vendors = 0;
	const matched = new Set<string>();
	for (const [name, {lower, prefixes}] of byName) {
		// A short name is the start of its name: only those are shortened.
		const hit = exact
			? lower === needle || (lower.startsWith(needle) && shortVendorName(name).toLowerCase() === needle)
			: lower.includes(needle);
		if (!hit) continue;
		vendors += 1;
		for (const prefix of prefixes) matched.add(prefix);
	}
	const except = [...matched]
		.filter((prefix) => prefix.length === 6)
		.flatMap((prefix) => blocks.get(prefix) ?? [])
		.filter((block) => !matched.has(block));
	const sorted = (list: Iterable<string>, length: number) =>
		[...list]
			.filter((prefix) => prefix.length === length)
			.map((prefix) => prefix.toLowerCase())
			.sort();
	const result: VendorPrefixes = {
		vendors,
		l6: sorted(matched, 6),
		l7: sorted(matched, 7),
		l9: sorted(matched, 9),
		except7: sorted(except, 7),
		except9: sorted(except, 9),
	};
	if (matchCache.size >= MATCH_CACHE_SIZE) matchCache.delete(matchCache.keys().next().value!);
	matchCache.set(key, result);
	return result;
}
