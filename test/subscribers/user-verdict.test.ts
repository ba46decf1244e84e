/** The pure parts of the user view: which attributes are passwords, Expiration's formats, the short times. */
import {describe, expect, it} from 'vitest';
import {isPasswordAttribute} from '../../source/subscribers/user-sql.js';
import {agoText, parseExpiration, shortTime} from '../../source/subscribers/user-verdict.js';

describe('password attributes', () => {
	it('matches every *-Password, Password and Password-With-Header in any case', () => {
		for (const attribute of [
			'Cleartext-Password',
			'User-Password',
			'Crypt-Password',
			'MD5-Password',
			'SMD5-Password',
			'SHA-Password',
			'SHA2-Password',
			'SHA2-256-Password',
			'SSHA-Password',
			'SSHA2-512-Password',
			'NT-Password',
			'LM-Password',
			'PBKDF2-Password',
			'password-with-header',
			'PASSWORD',
			' nt-password ',
		]) {
			expect(isPasswordAttribute(attribute), attribute).toBe(true);
		}
		for (const attribute of ['Auth-Type', 'Expiration', 'Password-Retry', 'Simultaneous-Use', 'Passwordless', 'Reply-Message']) {
			expect(isPasswordAttribute(attribute), attribute).toBe(false);
		}
	});
});

describe('Expiration', () => {
	it('reads the formats rlm_expiration takes and ISO dates, and nothing else', () => {
		expect(parseExpiration('01 Nov 2026')?.getTime()).toBe(new Date(2026, 10, 1).getTime());
		expect(parseExpiration('Nov 1 2026 12:30:00')?.getTime()).toBe(new Date(2026, 10, 1, 12, 30).getTime());
		expect(parseExpiration('1 November 2026')?.getTime()).toBe(new Date(2026, 10, 1).getTime());
		expect(parseExpiration('2026-11-01')?.getTime()).toBe(new Date(2026, 10, 1).getTime());
		expect(parseExpiration('soon')).toBeNull();
		expect(parseExpiration('12345')).toBeNull();
		expect(parseExpiration('')).toBeNull();
	});

	it('says a time of today as HH:MM, of another day with the date', () => {
		const now = new Date(Date.UTC(2026, 11, 3, 9, 30));
		expect(shortTime(new Date(Date.UTC(2026, 11, 3, 9, 12)), now, true)).toBe('09:12');
		expect(shortTime(new Date(Date.UTC(2026, 11, 2, 23, 5)), now, true)).toBe('12-02 23:05');
		expect(shortTime(new Date(Date.UTC(2025, 11, 2, 23, 5)), now, true)).toBe('2025-12-02 23:05');
	});
});

describe('how long ago', () => {
	it('says seconds, then whole minutes, then the two largest units', () => {
		expect([agoText(-3), agoText(42), agoText(180), agoText(3599), agoText(8040), agoText(450_000)]).toEqual([
			'0s',
			'42s',
			'3m',
			'59m',
			'2h14m',
			'5d05h',
		]);
	});
});
