import {describe, expect, it} from 'vitest';
import {
	describeSearch,
	looksLikeMac,
	parseSearch,
	searchesAtInstant,
	SearchSyntaxError,
	type SearchTerm,
} from '../../source/sessions/search.js';
import {searchPredicates} from '../../source/sessions/search-sql.js';

const NOW = new Date('2026-11-20T15:00:00Z');

function only(text: string): SearchTerm {
	const {terms} = parseSearch(text, {now: NOW});
	expect(terms).toHaveLength(1);
	return terms[0]!;
}

function sql(text: string, available: readonly string[] = ['framedipv6address', 'framedipv6prefix', 'delegatedipv6prefix']) {
	const values: unknown[] = [];
	const predicates = searchPredicates(parseSearch(text, {now: NOW}), {
		add: (value) => {
			values.push(value);
			return `$${values.length}`;
		},
		available: new Set(available),
		nasIps: (nas) => (nas === 'bng-2' ? ['10.0.0.2'] : [nas]),
	});
	return {text: predicates.join(' AND '), values};
}

describe('bare terms', () => {
	it.each([
		['100.99.0.2', {kind: 'ip', address: '100.99.0.2', family: 4}],
		['2001:DB8:1::0:1', {kind: 'ip', address: '2001:db8:1::1', family: 6}],
		['100.64.0.0/10', {kind: 'network', network: '100.64.0.0/10', family: 4}],
		['2001:db8::/48', {kind: 'network', network: '2001:db8::/48', family: 6}],
		['100.64.', {kind: 'ip-start', start: '100.64.'}],
		['10.20', {kind: 'ip-start', start: '10.20'}],
		['aa:bb:cc', {kind: 'mac', digits: 'aabbcc', exact: false}],
		['AA-BB-CC-DD-EE-FF', {kind: 'mac', digits: 'aabbccddeeff', exact: false}],
		['aabb.ccdd.eeff', {kind: 'mac', digits: 'aabbccddeeff', exact: false}],
		['aabbccddeeff', {kind: 'mac', digits: 'aabbccddeeff', exact: false}],
		['alice', {kind: 'text', field: 'user', value: 'alice', exact: false}],
		// Hex-looking words and numbers are usernames, not MAC digits.
		['abe', {kind: 'text', field: 'user', value: 'abe', exact: false}],
		['c011', {kind: 'text', field: 'user', value: 'c011', exact: false}],
		['dead', {kind: 'text', field: 'user', value: 'dead', exact: false}],
		['100234', {kind: 'text', field: 'user', value: '100234', exact: false}],
	])('%s', (text, expected) => {
		expect(only(text)).toMatchObject({...expected, negated: false, source: text});
	});

	it('tells a MAC from a hex word', () => {
		expect(looksLikeMac('aa:bb')).toBe(true);
		expect(looksLikeMac('dead:beef')).toBe(false);
		expect(looksLikeMac('cafe')).toBe(false);
		expect(looksLikeMac('aabbccddeef')).toBe(false);
	});
});

describe('scoped terms', () => {
	it.each([
		['user:alice', {kind: 'text', field: 'user', value: 'alice', exact: false}],
		['user:=alice', {kind: 'text', field: 'user', value: 'alice', exact: true}],
		['USER:"ann lee"', {kind: 'text', field: 'user', value: 'ann lee', exact: false}],
		['sid:0000001a', {kind: 'text', field: 'sid', value: '0000001a', exact: false}],
		['uid:=5f1e', {kind: 'text', field: 'uid', value: '5f1e', exact: true}],
		['port:"ge-0/0/1.100"', {kind: 'text', field: 'port', value: 'ge-0/0/1.100', exact: false}],
		['cause:=Admin-Reset', {kind: 'text', field: 'cause', value: 'Admin-Reset', exact: true}],
		['called:hotspot-lobby', {kind: 'text', field: 'called', value: 'hotspot-lobby', exact: false}],
		['ip:100.99.0.2', {kind: 'ip', address: '100.99.0.2'}],
		['ip:10.', {kind: 'ip-start', start: '10.'}],
		['mac:DEAD', {kind: 'mac', digits: 'dead', exact: false}],
		['mac:=aa:bb:cc:dd:ee:ff', {kind: 'mac', digits: 'aabbccddeeff', exact: true}],
		['nas:bng-2', {kind: 'nas', nas: 'bng-2'}],
		['at:2026-11-20T14:05Z', {kind: 'time', op: 'at', instant: new Date('2026-11-20T14:05:00Z')}],
		['since:2h', {kind: 'time', op: 'since', instant: new Date('2026-11-20T13:00:00Z')}],
		['until:"2026-11-20 14:05"', {kind: 'time', op: 'until', instant: new Date(2026, 10, 20, 14, 5)}],
	])('%s', (text, expected) => {
		expect(only(text)).toMatchObject(expected);
	});

	it('negates with - or !, and ANDs the terms', () => {
		const {terms} = parseSearch('alice -nas:bng-2 !ip:100.64.0.0/10', {now: NOW});
		expect(terms.map((term) => [term.kind, term.negated])).toEqual([
			['text', false],
			['nas', true],
			['network', true],
		]);
	});

	it('knows when a search asks what was open at an instant', () => {
		expect(searchesAtInstant(parseSearch('ip:10.0.0.1 at:1h', {now: NOW}))).toBe(true);
		expect(searchesAtInstant(parseSearch('ip:10.0.0.1 since:1h', {now: NOW}))).toBe(false);
		expect(searchesAtInstant(parseSearch('-at:1h', {now: NOW}))).toBe(false);
	});
});

describe('malformed searches are refused at the term', () => {
	it.each([
		['usr:alice', 'unknown scope "usr:"'],
		['ip:alice', 'ip: takes an IPv4 or IPv6 address'],
		['ip:100.64.0.0/33', 'ip: takes'],
		['mac:xyz', 'mac: takes hex digits'],
		['mac:=aa:bb', 'mac:= needs a whole MAC'],
		['user:', 'user: needs a value'],
		['user:"alice', 'the quote is not closed'],
		['at:yesterday', 'at: must be a date like'],
		['at:2026-02-30', 'at: must be a date like'],
		['at:"2026-11-20 25:00"', 'no such time of day'],
		['alice -', 'negates nothing'],
	])('%s', (text, reason) => {
		let caught: unknown;
		try {
			parseSearch(text, {now: NOW});
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(SearchSyntaxError);
		expect((caught as Error).message).toContain(reason);
	});

	it('refuses hostile sizes', () => {
		expect(() => parseSearch('a'.repeat(1001))).toThrow(/longer than 1000/);
		expect(() => parseSearch(Array.from({length: 17}, (_, index) => `u${index}`).join(' '))).toThrow(/more than 16 terms/);
	});
});

describe('the filter as understood', () => {
	it('reads back in words', () => {
		const search = parseSearch('alice ip:100.64.0.0/10 -nas:bng-2 user:=bob at:2026-11-20T14:05', {now: NOW});
		expect(describeSearch(search)).toBe(
			'username contains "alice" · framed IP in 100.64.0.0/10 · not on bng-2 · username is "bob" · open at 2026-11-20 14:05:00',
		);
	});
});

describe('SQL of a search', () => {
	it('binds every value, hostile text included', () => {
		const hostile = `x'; DROP TABLE radacct; --`;
		const query = sql(`user:"${hostile}" port:"${hostile}"`);
		expect(query.text).not.toContain('DROP');
		expect(query.values).toEqual([`%${hostile}%`, `%${hostile}%`]);
	});

	it('compares an exact address with = and a CIDR with <<=', () => {
		expect(sql('100.99.0.2')).toEqual({text: 'framedipaddress = $1::inet', values: ['100.99.0.2']});
		expect(sql('ip:100.64.0.0/10')).toEqual({text: 'framedipaddress <<= $1::inet', values: ['100.64.0.0/10']});
	});

	it('finds IPv6 in the address, the prefix and the delegated prefix, where radacct has them', () => {
		expect(sql('2001:db8:1::7').text).toBe(
			'(framedipv6address = $1::inet OR $1::inet <<= framedipv6prefix OR $1::inet <<= delegatedipv6prefix)',
		);
		expect(sql('2001:db8:1::7', []).text).toBe('FALSE');
	});

	it('negates with IS NOT TRUE, so a NULL column does not match the term', () => {
		expect(sql('-cause:idle').text).toBe("(acctterminatecause ILIKE $1 ESCAPE '!') IS NOT TRUE");
	});

	it('resolves a NAS name to its IPs', () => {
		expect(sql('nas:bng-2')).toEqual({text: 'nasipaddress = ANY($1::inet[])', values: [['10.0.0.2']]});
	});

	it('reads at: as open at the instant', () => {
		const query = sql('at:2026-11-20T14:05Z');
		expect(query.text).toBe('(acctstarttime <= $1::timestamptz AND (acctstoptime IS NULL OR acctstoptime > $1::timestamptz))');
		expect(query.values).toEqual([new Date('2026-11-20T14:05:00Z')]);
	});
});
