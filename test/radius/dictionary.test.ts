import {describe, expect, it} from 'vitest';
import {ATTRIBUTES, attributeName, describeErrorCause} from '../../source/radius/dictionary.js';

describe('dictionary', () => {
	it('describes Error-Cause values by name and number', () => {
		expect(describeErrorCause(503)).toBe('Session-Context-Not-Found (503)');
		expect(describeErrorCause(403)).toBe('NAS-Identification-Mismatch (403)');
		expect(describeErrorCause(508)).toBe('Multiple-Session-Selection-Unsupported (508)');
		expect(describeErrorCause(999)).toBe('Unknown (999)');
	});

	it('maps type numbers back to names', () => {
		expect(attributeName(44)).toBe('Acct-Session-Id');
		expect(attributeName(168)).toBe('Framed-IPv6-Address');
		expect(attributeName(200)).toBeUndefined();
	});

	it('has one name per type number', () => {
		const types = Object.values(ATTRIBUTES).map((definition) => definition.type);
		expect(new Set(types).size).toBe(types.length);
	});
});
