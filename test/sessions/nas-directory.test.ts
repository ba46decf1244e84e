import {describe, expect, it} from 'vitest';
import {normaliseIp} from '../../source/net/address.js';
import {NasDirectory, UnknownNasError} from '../../source/sessions/nas-directory.js';

const ROWS = [
	{nasname: '10.20.0.1', shortname: 'bng-1'},
	{nasname: ' 10.20.0.2 ', shortname: 'BNG-2'},
	{nasname: '2001:db8::1', shortname: 'bng-v6'},
	{nasname: 'bng3.example.net', shortname: 'bng-3'},
	{nasname: '10.99.0.0/16', shortname: 'lab-net'},
	{nasname: '10.20.0.9', shortname: null},
	{nasname: '10.20.0.10', shortname: ''},
];

function unknown(run: () => unknown): UnknownNasError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(UnknownNasError);
		return error as UnknownNasError;
	}
	throw new Error('expected an UnknownNasError');
}

describe('normaliseIp', () => {
	it.each([
		['2001:DB8::1', '2001:db8::1'],
		['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
		['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
		['2001:db8::0:1', '2001:db8::1'],
		['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
		['2001:db8:0:0:1::1', '2001:db8::1:0:0:1'],
		['fe80:0:0:0:0:0:0:0', 'fe80::'],
		['0:0:0:0:0:0:0:1', '::1'],
		['::', '::'],
		['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
		['::FFFF:10.0.0.1', '::ffff:10.0.0.1'],
		['0:0:0:0:0:ffff:a00:1', '::ffff:10.0.0.1'],
		['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
		['FE80::ABCD%eth0', 'fe80::abcd%eth0'],
		[' 2001:DB8::A ', '2001:db8::a'],
		['10.20.0.1', '10.20.0.1'],
		[' 10.20.0.1 ', '10.20.0.1'],
		['bng3.example.net', 'bng3.example.net'],
		['2001:db8::/32', '2001:db8::/32'],
	])('%s -> %s', (input, output) => {
		expect(normaliseIp(input)).toBe(output);
	});

	it('gives every spelling of an address the same form', () => {
		const spellings = ['2001:db8:0:0:0:0:2:1', '2001:DB8::2:1', '2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8:0::0:2:1'];
		expect(new Set(spellings.map(normaliseIp))).toEqual(new Set(['2001:db8::2:1']));
	});
});

describe('NasDirectory.from', () => {
	it('names only the nas-table rows whose nasname is a single IP and that have a shortname', () => {
		const directory = NasDirectory.from(ROWS);
		expect(directory.entries()).toEqual([
			{ip: '10.20.0.1', name: 'bng-1', source: 'nas-table'},
			{ip: '10.20.0.2', name: 'BNG-2', source: 'nas-table'},
			{ip: '2001:db8::1', name: 'bng-v6', source: 'nas-table'},
		]);
		expect(directory.nameOf('10.20.0.1')).toBe('bng-1');
		expect(directory.nameOf('10.20.0.2')).toBe('BNG-2');
		expect(directory.nameOf('10.99.0.0/16')).toBeNull();
		expect(directory.nameOf('10.99.0.1')).toBeNull();
		expect(directory.nameOf('10.20.0.9')).toBeNull();
	});

	it('lets radtop config override the nas table, and adds NAS the table lacks', () => {
		const directory = NasDirectory.from(ROWS, [
			{ip: '10.20.0.1', name: 'core-bng-1'},
			{ip: '10.30.0.1', name: 'pppoe-lab'},
			{ip: '10.20.0.2'},
		]);
		expect(directory.nameOf('10.20.0.1')).toBe('core-bng-1');
		expect(directory.entries().find((entry) => entry.ip === '10.20.0.1')?.source).toBe('config');
		expect(directory.nameOf('10.30.0.1')).toBe('pppoe-lab');
		// An override without a name keeps the table's name.
		expect(directory.nameOf('10.20.0.2')).toBe('BNG-2');
		expect(() => directory.resolve('bng-1')).toThrow(UnknownNasError);
		expect(directory.resolve('core-bng-1')).toEqual(['10.20.0.1']);
	});

	it('matches IPv6 addresses however the nas table, the config and radacct spell them', () => {
		const directory = NasDirectory.from(
			[
				{nasname: '2001:DB8:0:0:0:0:0:A', shortname: 'bng-a'},
				{nasname: '2001:0db8::b', shortname: 'bng-b'},
			],
			[{ip: '2001:db8:0::B', name: 'core-b'}],
		);
		expect(directory.entries()).toEqual([
			{ip: '2001:db8::a', name: 'bng-a', source: 'nas-table'},
			{ip: '2001:db8::b', name: 'core-b', source: 'config'},
		]);
		// radacct (host(nasipaddress)) prints the compressed lower-case form; other spellings match too.
		expect(directory.nameOf('2001:db8::a')).toBe('bng-a');
		expect(directory.nameOf('2001:DB8::A')).toBe('bng-a');
		expect(directory.nameOf('2001:db8:0:0:0:0:0:b')).toBe('core-b');
		expect(new NasDirectory([{ip: '2001:DB8::C', name: 'c', source: 'config'}]).nameOf('2001:db8::c')).toBe('c');
	});

	it('is empty without rows', () => {
		expect(NasDirectory.from([]).entries()).toEqual([]);
		expect(new NasDirectory().nameOf('10.0.0.1')).toBeNull();
	});
});

describe('NasDirectory.resolve', () => {
	const directory = NasDirectory.from(ROWS, [{ip: '10.20.0.5', name: 'bng-1'}]);

	it('takes an IP address as it is, known or not', () => {
		expect(directory.resolve('10.20.0.2')).toEqual(['10.20.0.2']);
		expect(directory.resolve(' 192.0.2.7 ')).toEqual(['192.0.2.7']);
		expect(directory.resolve('2001:db8::1')).toEqual(['2001:db8::1']);
	});

	it('returns an IPv6 address normalised', () => {
		expect(directory.resolve('2001:DB8:0:0:0:0:0:1')).toEqual(['2001:db8::1']);
		expect(directory.resolve(' 2001:0db8::0001 ')).toEqual(['2001:db8::1']);
	});

	it('finds a name case-insensitively', () => {
		expect(directory.resolve('bng-2')).toEqual(['10.20.0.2']);
		expect(directory.resolve('Bng-V6')).toEqual(['2001:db8::1']);
		expect(directory.resolve(' BNG-2 ')).toEqual(['10.20.0.2']);
	});

	it('returns every IP of a name that several NAS share', () => {
		expect(directory.resolve('BNG-1').sort()).toEqual(['10.20.0.1', '10.20.0.5']);
	});

	it('throws UnknownNasError naming the value and listing the known names, sorted and deduplicated', () => {
		const error = unknown(() => directory.resolve('bng-9'));
		expect(error.message).toBe(
			`unknown NAS "bng-9": not an IP address, nor a name in the nas table or radtop's config; known NAS: BNG-2, bng-1, bng-v6`,
		);
		// Hostnames and networks from the nas table are not names of a NAS.
		expect(() => directory.resolve('lab-net')).toThrow(UnknownNasError);
		expect(() => directory.resolve('bng3.example.net')).toThrow(UnknownNasError);
		expect(() => directory.resolve('10.99.0.0/16')).toThrow(UnknownNasError);
	});

	it('cuts the value, and each known name, to 40 characters', () => {
		const huge = 'x'.repeat(131_072);
		const long = NasDirectory.from([{nasname: '10.0.0.1', shortname: `n${'y'.repeat(50_000)}`}]);
		const message = unknown(() => long.resolve(huge)).message;
		expect(message).toBe(
			`unknown NAS "${'x'.repeat(40)}": not an IP address, nor a name in the nas table or radtop's config; known NAS: n${'y'.repeat(39)}`,
		);
	});

	it('says nothing about known NAS when there are none, and lists at most 12', () => {
		expect(unknown(() => new NasDirectory().resolve('x')).message).not.toContain('; known NAS');
		const many = NasDirectory.from(
			Array.from({length: 20}, (_, index) => ({nasname: `10.0.0.${index + 1}`, shortname: `n${String(index).padStart(2, '0')}`})),
		);
		const message = unknown(() => many.resolve('nope')).message;
		expect(message).toContain('; known NAS: n00, n01');
		expect(message).toContain('n11');
		expect(message).not.toContain('n12');
	});
});
