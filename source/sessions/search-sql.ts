/**
 * A parsed search as WHERE predicates over radacct: every value a bind parameter (an address compared as
 * inet with `=`, a CIDR with `<<=`), negation as `IS NOT TRUE` so a NULL column counts as "does not match".
 * The IPv6 columns (framedipv6address, framedipv6prefix, delegatedipv6prefix: FreeRADIUS 3.2) are used where
 * radacct has them; without them an IPv6 term matches nothing.
 */
import {LOCAL_SECOND_DIGITS, MAC_PATTERN} from '../net/mac.js';
import type {VendorPrefixes} from '../net/oui-registry.js';
import {UnknownRegionError, type RegionSql} from './regions.js';
import {SearchSyntaxError, type SearchTerm, type ParsedSearch} from './search.js';

/** What the predicates need from the query being built. */
export interface SearchSqlContext {
	/** Adds a value and returns its placeholder (`$3`). */
	readonly add: (value: unknown) => string;
	/** radacct's columns; undefined when unknown (the FreeRADIUS 3.2 columns are then assumed absent). */
	readonly available?: ReadonlySet<string>;
	/** The IPs of a `nas:` value (a name or an IP); throws when the NAS is unknown. */
	readonly nasIps: (nas: string) => readonly string[];
	/** The NAS IPs and networks of a `region:` value; throws when the region is unknown (absent: no region is). */
	readonly regionNas?: (region: string) => RegionSql;
}

const TEXT_COLUMNS = {
	user: 'username',
	sid: 'acctsessionid',
	uid: 'acctuniqueid',
	port: 'nasportid',
	cause: 'acctterminatecause',
	called: 'calledstationid',
} as const;

const IPV6_COLUMNS = ['framedipv6address', 'framedipv6prefix', 'delegatedipv6prefix'] as const;

/** Escapes LIKE's wildcards with `!` (an escape character that needs no backslash quoting). */
export function escapeLike(text: string): string {
	return text.replace(/[!%_]/g, (character) => `!${character}`);
}

/** The MAC's hex digits however the NAS wrote it (`AA:BB..`, `aa-bb..`, `aabb.cc..`). */
const MAC_DIGITS = "regexp_replace(lower(callingstationid), '[^0-9a-f]', '', 'g')";

/** A Calling-Station-Id that is a MAC as net/mac.ts reads one (the same pattern): only those have a vendor. */
const IS_MAC = `callingstationid ~* '${MAC_PATTERN}'`;

/**
 * A `vendor:` term: the MAC's first 6, 7 or 9 digits among the vendor's MA-L, MA-M or MA-S prefixes (an MA-L
 * block's MA-M and MA-S blocks of other vendors left out), each list one bound text[]; `random`, the U/L bit
 * (the MAC's second digit). The registry's prefixes with that bit set are never looked up (oui-registry.ts),
 * so a locally administered MAC matches no vendor.
 */
function vendorPredicate(prefixes: VendorPrefixes | 'random', add: SearchSqlContext['add']): string {
	if (prefixes === 'random') return `(${IS_MAC} AND substr(${MAC_DIGITS}, 2, 1) = ANY(${add([...LOCAL_SECOND_DIGITS])}::text[]))`;
	const inList = (length: number, list: readonly string[]) => `left(${MAC_DIGITS}, ${length}) = ANY(${add([...list])}::text[])`;
	const parts: string[] = [];
	if (prefixes.l6.length > 0) {
		const except = [
			...(prefixes.except7.length > 0 ? [inList(7, prefixes.except7)] : []),
			...(prefixes.except9.length > 0 ? [inList(9, prefixes.except9)] : []),
		];
		parts.push(except.length > 0 ? `(${inList(6, prefixes.l6)} AND NOT (${except.join(' OR ')}))` : inList(6, prefixes.l6));
	}
	if (prefixes.l7.length > 0) parts.push(inList(7, prefixes.l7));
	if (prefixes.l9.length > 0) parts.push(inList(9, prefixes.l9));
	if (parts.length === 0) return 'FALSE';
	return `(${IS_MAC} AND (${parts.join(' OR ')}))`;
}

function ipv6Columns(context: SearchSqlContext): string[] {
	return IPV6_COLUMNS.filter((column) => context.available?.has(column));
}

function termPredicate(term: SearchTerm, context: SearchSqlContext): string {
	const {add} = context;
	switch (term.kind) {
		case 'text': {
			const column = TEXT_COLUMNS[term.field];
			if (!term.exact) return `${column} ILIKE ${add(`%${escapeLike(term.value)}%`)} ESCAPE '!'`;
			// A terminate cause is a word NAS spell in any case (User-Request, user-request).
			if (term.field === 'cause') return `lower(${column}) = lower(${add(term.value)})`;
			return `${column} = ${add(term.value)}`;
		}
		case 'ip': {
			const value = `${add(term.address)}::inet`;
			if (term.family === 4) return `framedipaddress = ${value}`;
			const columns = ipv6Columns(context);
			if (columns.length === 0) return 'FALSE';
			// An address is the session's own, or inside the prefix it was given or delegated.
			const parts = columns.map((column) => (column === 'framedipv6address' ? `${column} = ${value}` : `${value} <<= ${column}`));
			return `(${parts.join(' OR ')})`;
		}
		case 'network': {
			const value = `${add(term.network)}::inet`;
			if (term.family === 4) return `framedipaddress <<= ${value}`;
			const columns = ipv6Columns(context);
			if (columns.length === 0) return 'FALSE';
			return `(${columns.map((column) => `${column} <<= ${value}`).join(' OR ')})`;
		}
		case 'ip-start':
			return `host(framedipaddress) LIKE ${add(`${escapeLike(term.start)}%`)} ESCAPE '!'`;
		case 'mac':
			return term.exact ? `${MAC_DIGITS} = ${add(term.digits)}` : `${MAC_DIGITS} LIKE ${add(`%${term.digits}%`)}`;
		case 'nas':
			return `nasipaddress = ANY(${add([...context.nasIps(term.nas)])}::inet[])`;
		case 'region': {
			if (!context.regionNas) throw new SearchSyntaxError(term.source, 'this profile defines no region');
			let region: RegionSql;
			try {
				region = context.regionNas(term.region);
			} catch (error) {
				if (error instanceof UnknownRegionError) throw new SearchSyntaxError(term.source, error.message);
				throw error;
			}
			const {ips, networks} = region;
			// A network matches in the database: a NAS nobody named is in its network's region too.
			return `(nasipaddress = ANY(${add([...ips])}::inet[]) OR nasipaddress <<= ANY(${add([...networks])}::inet[]))`;
		}
		case 'vendor':
			return vendorPredicate(term.prefixes, add);
		case 'time': {
			const instant = `${add(term.instant)}::timestamptz`;
			if (term.op === 'at') return `(acctstarttime <= ${instant} AND (acctstoptime IS NULL OR acctstoptime > ${instant}))`;
			return term.op === 'since' ? `acctstarttime >= ${instant}` : `acctstarttime < ${instant}`;
		}
	}
}

/** One predicate per term, ANDed by the caller. */
export function searchPredicates(search: ParsedSearch, context: SearchSqlContext): string[] {
	return search.terms.map((term) => {
		const predicate = termPredicate(term, context);
		return term.negated ? `(${predicate}) IS NOT TRUE` : predicate;
	});
}
