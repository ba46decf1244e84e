/**
 * The search grammar: the console's `/`, `--search`, `export`, `disconnect --all-matching` and the filter `A`
 * acts on all read a search through {@link parseSearch}. Terms are separated by spaces and all must hold.
 *
 * - A bare term: an IPv4 or IPv6 address matches that address exactly (the framed IP, or inside the session's
 *   IPv6 prefix or delegated prefix); a CIDR matches the addresses it contains; the start of a dotted IPv4
 *   address (`100.64.`) matches framed IPs that start so; a MAC (hex pairs with `:` or `-`, Cisco's
 *   `aabb.ccdd.eeff`, or 12 hex digits) matches those digits in the MAC however the NAS wrote it; anything
 *   else is a case-insensitive substring of the username.
 * - A scoped term: `user:` `ip:` `mac:` `sid:` (Acct-Session-Id) `uid:` (Acct-Unique-Id) `port:` (NAS-Port-Id)
 *   `nas:` (name or IP) `cause:` (terminate cause) `called:` (Called-Station-Id); `=` right after the colon for
 *   an exact value (`user:=alice`). `region:NAME` the NAS of one of the profile's regions (nas/regions.ts).
 * - `vendor:NAME`: sessions whose MAC's vendor in the IEEE registry has NAME in its name (`vendor:=NAME` its
 *   whole or short name); `vendor:random` those whose MAC is locally administered (a randomized MAC).
 * - Time terms: `at:TIME` (open at that instant: started at or before it, and stopped after it or still
 *   open; implies every status), `since:TIME` and `until:TIME` on the start. TIME as in values/instant.ts.
 * - `-` or `!` in front negates a term; double quotes keep spaces (`user:"ann lee"`, `at:"2026-11-20 14:05"`),
 *   with `\"` and `\\` inside them.
 *
 * Pure: the values never become SQL text (search-sql.ts binds each one).
 */
import {isIP} from 'node:net';
import {normaliseIp} from '../net/address.js';
import {prefixCount, vendorPrefixes, type VendorPrefixes} from '../net/oui-registry.js';
import {formatLocalInstant, parseInstant} from '../values/instant.js';
import {InvalidValueError} from '../values/values.js';

export type TextField = 'user' | 'sid' | 'uid' | 'port' | 'cause' | 'called';

export type SearchTerm = {readonly negated: boolean; readonly source: string} & (
	| {readonly kind: 'text'; readonly field: TextField; readonly value: string; readonly exact: boolean}
	| {readonly kind: 'ip'; readonly address: string; readonly family: 4 | 6}
	| {readonly kind: 'network'; readonly network: string; readonly family: 4 | 6}
	| {readonly kind: 'ip-start'; readonly start: string}
	| {readonly kind: 'mac'; readonly digits: string; readonly exact: boolean}
	| {readonly kind: 'nas'; readonly nas: string}
	| {readonly kind: 'region'; readonly region: string}
	| {
			readonly kind: 'vendor';
			readonly name: string;
			readonly exact: boolean;
			/** The registry prefixes of the vendors matched, or `random` for a locally administered MAC. */
			readonly prefixes: VendorPrefixes | 'random';
	  }
	| {readonly kind: 'time'; readonly op: 'at' | 'since' | 'until'; readonly instant: Date}
);

export interface ParsedSearch {
	readonly terms: readonly SearchTerm[];
}

/** A search radtop cannot read: `term` is the term as typed, `reason` why (the message says both). */
export class SearchSyntaxError extends Error {
	readonly term: string;
	readonly reason: string;
	constructor(term: string, reason: string) {
		super(term === '' ? `search: ${reason}` : `search term "${clip(term)}": ${reason}`);
		this.name = 'SearchSyntaxError';
		this.term = term;
		this.reason = reason;
	}
}

/** A search longer than this, or with more terms, is refused: nobody types it, and every term costs a predicate. */
export const MAX_SEARCH_LENGTH = 1000;
export const MAX_SEARCH_TERMS = 16;

/**
 * A `vendor:` term matching more registry prefixes than this is refused: Huawei's 2,058 and Apple's 1,553 fit;
 * `vendor:a` (41,757) asks nothing useful and would bind a 300 KB array into every poll.
 */
export const MAX_VENDOR_PREFIXES = 4096;

/** The `vendor:` value that means a locally administered (randomized) MAC. */
export const RANDOM_VENDOR = 'random';

const SCOPES = ['user', 'ip', 'mac', 'sid', 'uid', 'port', 'nas', 'region', 'cause', 'called', 'vendor', 'at', 'since', 'until'] as const;
type Scope = (typeof SCOPES)[number];

const TEXT_FIELDS: Readonly<Record<TextField, string>> = {
	user: 'username',
	sid: 'Acct-Session-Id',
	uid: 'Acct-Unique-Id',
	port: 'NAS-Port-Id',
	cause: 'terminate cause',
	called: 'Called-Station-Id',
};

function clip(text: string): string {
	return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** The words of a search, quotes honoured: each with its text as typed and its value with quotes removed. */
function tokenise(text: string): Array<{source: string; value: string}> {
	const tokens: Array<{source: string; value: string}> = [];
	let index = 0;
	while (index < text.length) {
		while (index < text.length && /\s/.test(text[index]!)) index++;
		if (index >= text.length) break;
		const start = index;
		let value = '';
		let quoted = false;
		while (index < text.length && (quoted || !/\s/.test(text[index]!))) {
			const char = text[index]!;
			if (char === '"') quoted = !quoted;
			else if (quoted && char === '\\' && index + 1 < text.length) value += text[++index];
			else value += char;
			index++;
		}
		const source = text.slice(start, index);
		if (quoted) throw new SearchSyntaxError(source, 'the quote is not closed');
		tokens.push({source, value});
	}
	return tokens;
}

/**
 * A MAC or part of one: hex groups of one or two digits joined by `:` (`aa:bb`), of one to four joined by `-`
 * (`AA-BB-CC`, `dead-beef`), Cisco's
 * dotted groups of four (`aabb.ccdd.eeff`, a fragment `aabb.cc`), or 12 hex digits. Dotted decimals are IPv4.
 */
export function looksLikeMac(text: string): boolean {
	if (/^[0-9a-f]{1,2}(?::[0-9a-f]{1,2})+$/i.test(text)) return true;
	// Dashes also join groups of four (`dead-beef-0001`, as Huawei and H3C write MACs); colons there are IPv6.
	if (/^[0-9a-f]{1,4}(?:-[0-9a-f]{1,4})+$/i.test(text)) return true;
	if (/^[0-9a-f]{12}$/i.test(text)) return true;
	if (/^\d{1,3}(?:\.\d{0,3})+$/.test(text)) return false;
	return /^[0-9a-f]{1,4}(?:\.[0-9a-f]{4})*\.[0-9a-f]{0,4}$/i.test(text) && /[0-9a-f]\.[0-9a-f]/i.test(text);
}

/** `10.`, `100.64`, `100.64.7.`: the start of a dotted IPv4 address, not a whole one. */
function isIpv4Start(text: string): boolean {
	return (
		/^\d{1,3}\.(?:\d{1,3}\.?){0,2}$/.test(text) &&
		text.split('.').every((part) => part === '' || Number(part) <= 255) &&
		isIP(text) === 0
	);
}

function network(text: string): {network: string; family: 4 | 6} | undefined {
	const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
	if (!match) return undefined;
	const family = isIP(match[1]!);
	if (family === 0 || Number(match[2]) > (family === 6 ? 128 : 32)) return undefined;
	return {network: `${normaliseIp(match[1]!)}/${Number(match[2])}`, family: family as 4 | 6};
}

/** A term before its sign and its text as typed are added. */
type TermBody = SearchTerm extends infer T ? (T extends unknown ? Omit<T, 'negated' | 'source'> : never) : never;

function addressTerm(value: string): TermBody | undefined {
	const family = isIP(value);
	if (family !== 0) return {kind: 'ip', address: normaliseIp(value), family: family as 4 | 6};
	const cidr = network(value);
	if (cidr) return {kind: 'network', ...cidr};
	if (isIpv4Start(value)) return {kind: 'ip-start', start: value};
	return undefined;
}

function bareTerm(value: string): TermBody {
	const address = addressTerm(value);
	if (address) return address;
	if (looksLikeMac(value)) return {kind: 'mac', digits: value.replace(/[:.-]/g, '').toLowerCase(), exact: false};
	return {kind: 'text', field: 'user', value, exact: false};
}

function scopedTerm(scope: Scope, raw: string, source: string, now: Date): TermBody {
	const exact = raw.startsWith('=');
	const value = exact ? raw.slice(1) : raw;
	if (value.trim() === '') throw new SearchSyntaxError(source, `${scope}: needs a value`);
	switch (scope) {
		case 'ip': {
			const address = addressTerm(value.trim());
			if (!address)
				throw new SearchSyntaxError(
					source,
					'ip: takes an IPv4 or IPv6 address, a CIDR like 100.64.0.0/10, or the start of an IPv4 address',
				);
			return address;
		}
		case 'mac': {
			const trimmed = value.trim();
			if (!/^[0-9a-f:.-]+$/i.test(trimmed))
				throw new SearchSyntaxError(source, 'mac: takes hex digits, with or without : - . between them');
			const digits = trimmed.replace(/[:.-]/g, '').toLowerCase();
			if (digits.length < 2) throw new SearchSyntaxError(source, 'mac: needs at least two hex digits');
			if (exact && digits.length !== 12) throw new SearchSyntaxError(source, 'mac:= needs a whole MAC (12 hex digits)');
			return {kind: 'mac', digits, exact};
		}
		case 'nas':
			return {kind: 'nas', nas: value.trim()};
		case 'region':
			return {kind: 'region', region: value.trim()};
		case 'vendor':
			return vendorTerm(value.trim(), exact, source);
		case 'at':
		case 'since':
		case 'until':
			try {
				return {kind: 'time', op: scope, instant: parseInstant(value, `${scope}:`, now)};
			} catch (error) {
				if (error instanceof InvalidValueError) throw new SearchSyntaxError(source, error.message);
				throw error;
			}
		default:
			return {kind: 'text', field: scope, value, exact};
	}
}

/** A `vendor:` term: the registry read, the prefixes of the vendors it names counted against the cap. */
function vendorTerm(name: string, exact: boolean, source: string): TermBody {
	if (name.toLowerCase() === RANDOM_VENDOR) return {kind: 'vendor', name: RANDOM_VENDOR, exact: true, prefixes: 'random'};
	const prefixes = vendorPrefixes(name, exact);
	if (prefixes.vendors === 0)
		throw new SearchSyntaxError(
			source,
			exact
				? `vendor: no vendor in the IEEE registry is named "${clip(name)}"`
				: `vendor: no vendor in the IEEE registry has "${clip(name)}" in its name`,
		);
	const count = prefixCount(prefixes);
	if (count > MAX_VENDOR_PREFIXES) {
		const many = (n: number) => n.toLocaleString('en-US');
		throw new SearchSyntaxError(
			source,
			`vendor: "${clip(name)}" matches ${many(prefixes.vendors)} vendor${prefixes.vendors === 1 ? '' : 's'}, ${many(count)} prefixes (at most ${many(MAX_VENDOR_PREFIXES)}): more of the name, or vendor:= for the whole name`,
		);
	}
	return {kind: 'vendor', name, exact, prefixes};
}

/** Reads a search; throws SearchSyntaxError at the first term it cannot read. An empty search has no terms. */
export function parseSearch(text: string | undefined, options: {readonly now?: Date} = {}): ParsedSearch {
	if (text === undefined || text.trim() === '') return {terms: []};
	if (text.length > MAX_SEARCH_LENGTH) throw new SearchSyntaxError('', `longer than ${MAX_SEARCH_LENGTH} characters`);
	const now = options.now ?? new Date();
	const tokens = tokenise(text);
	if (tokens.length > MAX_SEARCH_TERMS) throw new SearchSyntaxError('', `more than ${MAX_SEARCH_TERMS} terms`);
	const terms = tokens.map(({source, value}): SearchTerm => {
		// A sign is typed outside quotes: `"-x"` is the text -x.
		const negated = source.length > 1 && (source.startsWith('-') || source.startsWith('!'));
		if (source === '-' || source === '!') throw new SearchSyntaxError(source, 'negates nothing');
		const body = negated ? value.slice(1) : value;
		const colon = body.indexOf(':');
		const prefix = colon > 0 ? body.slice(0, colon).toLowerCase() : '';
		let term: TermBody;
		if (SCOPES.includes(prefix as Scope)) term = scopedTerm(prefix as Scope, body.slice(colon + 1), source, now);
		else if (/^[a-z]+$/.test(prefix) && !/^[0-9a-f]+$/.test(prefix) && !looksLikeMac(body) && isIP(body) === 0) {
			// `usr:alice` is a typo of a scope, not a username with a colon in it.
			throw new SearchSyntaxError(
				source,
				`unknown scope "${clip(prefix)}:" (scopes: ${SCOPES.map((scope) => `${scope}:`).join(' ')})`,
			);
		} else term = bareTerm(body);
		return {...term, negated, source} as SearchTerm;
	});
	return {terms};
}

/** True when the search asks what was open at an instant: every status then counts. */
export function searchesAtInstant(search: ParsedSearch): boolean {
	return search.terms.some((term) => term.kind === 'time' && term.op === 'at' && !term.negated);
}

/** One term in words, e.g. `username contains "alice"`, `framed IP in 100.64.0.0/10`, `not on bng-2`. */
export function describeTerm(term: SearchTerm, nasName: (nas: string) => string = (nas) => nas): string {
	const not = term.negated;
	switch (term.kind) {
		case 'text': {
			const field = TEXT_FIELDS[term.field];
			if (term.exact) return `${field} is${not ? ' not' : ''} ${JSON.stringify(term.value)}`;
			return `${field} ${not ? 'does not contain' : 'contains'} ${JSON.stringify(term.value)}`;
		}
		case 'ip':
			return term.family === 4
				? `framed IP is${not ? ' not' : ''} ${term.address}`
				: `IPv6 address or prefix ${not ? 'does not hold' : 'holds'} ${term.address}`;
		case 'network':
			return `${term.family === 4 ? 'framed IP' : 'IPv6 address or prefix'}${not ? ' not' : ''} in ${term.network}`;
		case 'ip-start':
			return `framed IP ${not ? 'does not start' : 'starts'} with ${term.start}`;
		case 'mac':
			return term.exact
				? `MAC is${not ? ' not' : ''} ${macText(term.digits)}`
				: `MAC ${not ? 'does not contain' : 'contains'} ${term.digits}`;
		case 'nas':
			return `${not ? 'not ' : ''}on ${nasName(term.nas)}`;
		case 'region':
			return `${not ? 'not ' : ''}in region ${term.region}`;
		case 'vendor':
			if (term.prefixes === 'random') return `MAC ${not ? 'not ' : ''}randomized`;
			return `vendor ${term.exact ? `is${not ? ' not' : ''}` : not ? 'does not contain' : 'contains'} ${JSON.stringify(term.name)}`;
		case 'time': {
			const when = formatLocalInstant(term.instant);
			if (term.op === 'at') return `${not ? 'not ' : ''}open at ${when}`;
			return term.op === 'since'
				? `started ${not ? 'before' : 'at or after'} ${when}`
				: `started ${not ? 'at or after' : 'before'} ${when}`;
		}
	}
}

/** The whole search in words, terms joined by ` · `; empty for no terms. */
export function describeSearch(search: ParsedSearch, nasName?: (nas: string) => string): string {
	return search.terms.map((term) => describeTerm(term, nasName)).join(' · ');
}

/** A search as radtop understood it, for a preview's title; as typed (quoted) when it does not read. */
export function searchInWords(search: string): string {
	try {
		return describeSearch(parseSearch(search));
	} catch {
		return `search ${JSON.stringify(search.trim())}`;
	}
}

function macText(digits: string): string {
	return digits.match(/../g)!.join(':');
}
