import {describe, expect, it} from 'vitest';
import {isLocallyAdministered, LOCAL_SECOND_DIGITS, normaliseMac} from '../../source/net/mac.js';

describe('a Calling-Station-Id read as a MAC', () => {
	it.each([
		['f0:d1:a9:12:34:56', 'F0D1A9123456'],
		['F0:D1:A9:12:34:56', 'F0D1A9123456'],
		['F0-D1-A9-12-34-56', 'F0D1A9123456'],
		['f0d1.a912.3456', 'F0D1A9123456'],
		['f0d1-a912-3456', 'F0D1A9123456'],
		['f0d1a9123456', 'F0D1A9123456'],
		['F0d1A9123456', 'F0D1A9123456'],
	])('%s is the MAC %s', (text, digits) => {
		expect(normaliseMac(text)).toBe(digits);
	});

	it.each([
		['', 'empty'],
		['alice@hotspot', 'a hotspot user'],
		['100.64.0.1', 'an IPv4 address'],
		['f0:d1:a9:12:34', 'five octets'],
		['f0:d1:a9:12:34:56:78', 'seven octets'],
		['f0:d1-a9:12:34:56', 'two separators'],
		['f0d1.a912-3456', 'two separators between groups of four'],
		['f0:d1:a9:12:34:5g', 'a letter that is not hex'],
		[' f0:d1:a9:12:34:56', 'a space in front'],
		['f0d1a91234567', '13 digits'],
		['f:d1:a9:12:34:56', 'a one-digit octet'],
	])('%j is not a MAC (%s)', (text) => {
		expect(normaliseMac(text)).toBeNull();
	});

	it('null and undefined are not MACs', () => {
		expect(normaliseMac(null)).toBeNull();
		expect(normaliseMac(undefined)).toBeNull();
	});
});

describe('the U/L bit', () => {
	it('is the second-least-significant bit of the first octet', () => {
		expect(isLocallyAdministered('02AABBCCDDEE')).toBe(true);
		expect(isLocallyAdministered('DAA119000001')).toBe(true);
		expect(isLocallyAdministered('F6D1A9123456')).toBe(true);
		expect(isLocallyAdministered('00AABBCCDDEE')).toBe(false);
		expect(isLocallyAdministered('F0D1A9123456')).toBe(false);
		// The multicast bit (the least significant) is not the U/L bit.
		expect(isLocallyAdministered('01005E000001')).toBe(false);
	});

	it('is set for exactly the second digits 2 3 6 7 a b e f', () => {
		expect(LOCAL_SECOND_DIGITS).toEqual(['2', '3', '6', '7', 'a', 'b', 'e', 'f']);
		for (const digit of '0123456789ABCDEF')
			expect(isLocallyAdministered(`0${digit}0000000000`)).toBe(LOCAL_SECOND_DIGITS.includes(digit.toLowerCase()));
	});
});
