import {describe, expect, it} from 'vitest';
import {vendorPrefixes} from '../../source/net/oui-registry.js';
import {describeSearch, MAX_VENDOR_PREFIXES, parseSearch, SearchSyntaxError, type SearchTerm} from '../../source/sessions/search.js';
import {searchPredicates} from '../../source/sessions/search-sql.js';

function only(text: string): SearchTerm {
	const {terms} = parseSearch(text);
	expect(terms).toHaveLength(1);
	return terms[0]!;
}

function sql(text: string) {
	const values: unknown[] = [];
	const predicates = searchPredicates(parseSearch(text), {
		add: (value) => {
			values.push(value);
			return `$${values.length}`;
		},
		nasIps: (nas) => [nas],
	});
	return {text: predicates.join(' AND '), values};
}

describe('vendor: terms', () => {
	it('a part of a vendor name, any case, or = its whole or short name', () => {
		expect(only('vendor:Apple')).toMatchObject({kind: 'vendor', name: 'Apple', exact: false, negated: false});
		expect(only('VENDOR:=apple')).toMatchObject({kind: 'vendor', name: 'apple', exact: true});
		expect(only('vendor:"Apple, Inc."')).toMatchObject({kind: 'vendor', name: 'Apple, Inc.'});
		expect(only('-vendor:apple')).toMatchObject({kind: 'vendor', negated: true});
		const term = only('vendor:apple');
		expect(term.kind === 'vendor' && term.prefixes).toEqual(vendorPrefixes('apple', false));
	});

	it('vendor:random is a locally administered MAC, in any case', () => {
		expect(only('vendor:random')).toMatchObject({kind: 'vendor', prefixes: 'random'});
		expect(only('vendor:RANDOM')).toMatchObject({kind: 'vendor', prefixes: 'random'});
	});

	it('a name no vendor has, an empty value and a name too common are refused, at the term', () => {
		expect(() => parseSearch('alice vendor:zzqxno')).toThrow(
			new SearchSyntaxError('vendor:zzqxno', 'vendor: no vendor in the IEEE registry has "zzqxno" in its name'),
		);
		expect(() => parseSearch('vendor:=Appl')).toThrow('no vendor in the IEEE registry is named "Appl"');
		expect(() => parseSearch('vendor:')).toThrow('vendor: needs a value');
		expect(() => parseSearch('vendor:a')).toThrow(/vendor: "a" matches [\d,]+ vendors, [\d,]+ prefixes \(at most 4,096\)/);
		expect(MAX_VENDOR_PREFIXES).toBe(4096);
		// Huawei, the vendor with most prefixes, fits.
		expect(only('vendor:huawei')).toMatchObject({kind: 'vendor'});
	});

	it('reads in words', () => {
		expect(describeSearch(parseSearch('vendor:apple -vendor:random'))).toBe('vendor contains "apple" · MAC not randomized');
		expect(describeSearch(parseSearch('vendor:=apple -vendor:=cisco'))).toBe('vendor is "apple" · vendor is not "cisco"');
		expect(describeSearch(parseSearch('vendor:random -vendor:intel'))).toBe('MAC randomized · vendor does not contain "intel"');
	});
});

describe('vendor: as SQL', () => {
	it('binds the MA-L prefixes as one text[] over the MAC digits, only where the Calling-Station-Id is a MAC', () => {
		const {text, values} = sql('vendor:apple');
		expect(text).toBe(
			"(callingstationid ~* '^(?:[0-9a-f]{2}(?::[0-9a-f]{2}){5}|[0-9a-f]{2}(?:-[0-9a-f]{2}){5}|[0-9a-f]{4}\\.[0-9a-f]{4}\\.[0-9a-f]{4}|[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}|[0-9a-f]{12})$' AND (left(regexp_replace(lower(callingstationid), '[^0-9a-f]', '', 'g'), 6) = ANY($1::text[])))",
		);
		expect(values).toEqual([vendorPrefixes('apple', false).l6]);
		expect(values[0]).toContain('f0d1a9');
	});

	it('an MA-M vendor by its first 7 digits, an MA-S one by 9', () => {
		const {text, values} = sql('vendor:="SYNERGY SYSTEMS AND SOLUTIONS"');
		const match = vendorPrefixes('SYNERGY SYSTEMS AND SOLUTIONS', true);
		expect(match.l6).toEqual([]);
		expect(text).toContain("left(regexp_replace(lower(callingstationid), '[^0-9a-f]', '', 'g'), 7) = ANY($1::text[])");
		expect(values[0]).toEqual(match.l7);
		const soredi = sql('vendor:"SOREDI touch"');
		expect(soredi.text).toContain(', 9) = ANY($1::text[])');
		expect(soredi.values[0]).toContain('70b3d5001');
	});

	it('random: the MAC second digit among those with the U/L bit', () => {
		const {text, values} = sql('vendor:random');
		expect(text).toMatch(
			/^\(callingstationid ~\* '.+' AND substr\(regexp_replace\(lower\(callingstationid\), '\[\^0-9a-f\]', '', 'g'\), 2, 1\) = ANY\(\$1::text\[\]\)\)$/,
		);
		expect(values).toEqual([['2', '3', '6', '7', 'a', 'b', 'e', 'f']]);
	});

	it('negated, a NULL Calling-Station-Id counts as not matching', () => {
		expect(sql('-vendor:random').text).toMatch(/^\(.+\) IS NOT TRUE$/);
	});

	it('no vendor value is ever SQL text', () => {
		const {text} = sql('vendor:"Apple, Inc."');
		expect(text).not.toContain('Apple');
		expect(text).not.toContain('f0d1a9');
	});
});
