/** The billing settings as typed with `radtop config set`: checked, stored, printed without a password. */
import {describe, expect, it} from 'vitest';
import {formatProfileValue, parseProfileValue, profileKey} from '../../source/config/profile-values.js';

describe('billing settings', () => {
	it('takes one query that names $1', () => {
		expect(profileKey('billing-query')).toBe('billingQuery');
		expect(parseProfileValue('billingQuery', ' SELECT username, name FROM subscribers WHERE username = ANY ($1::text[]); ')).toBe(
			'SELECT username, name FROM subscribers WHERE username = ANY ($1::text[])',
		);
		expect(() => parseProfileValue('billingQuery', 'SELECT username FROM subscribers')).toThrow(/\$1/);
		expect(() => parseProfileValue('billingQuery', 'SELECT username FROM s WHERE a = $1 AND b = $2')).toThrow(/one parameter/);
	});

	it('takes a URL, printed without its password, and a timeout', () => {
		const url = parseProfileValue('billingUrl', 'postgres://billing:s3cret-pw@10.0.0.5/billing');
		expect(formatProfileValue('billingUrl', url)).toEqual({text: 'postgres://billing@10.0.0.5/billing', hidden: true});
		expect(parseProfileValue('billingTimeout', '1.5s')).toBe(1.5);
		expect(() => parseProfileValue('billingTimeout', '5m')).toThrow();
	});
});
