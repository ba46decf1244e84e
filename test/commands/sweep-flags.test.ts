import {describe, expect, it} from 'vitest';
import {parseSweepFlags, sweepStaleAfter} from '../../source/commands/sweep.js';
import {DEFAULT_STALE_AFTER_SECONDS} from '../../source/sessions/session-math.js';
import {UsageError} from '../../source/commands/usage.js';

describe('parseSweepFlags', () => {
	it('is a dry run of every NAS by default, with Lost-Carrier and the profile’s threshold', () => {
		expect(parseSweepFlags({})).toEqual({
			nas: [],
			staleAfterSeconds: undefined,
			limit: 10_000,
			apply: false,
			verify: false,
			reloaded: false,
			cause: 'Lost-Carrier',
			reason: undefined,
			yes: false,
			json: false,
			concurrency: 32,
			timeoutMs: 3000,
			retries: 2,
			auditLog: undefined,
		});
	});

	it('--reloaded lists the ghost candidates, closes them as NAS-Reboot unless told otherwise, and takes no --stale-after', () => {
		expect(parseSweepFlags({reloaded: true})).toMatchObject({reloaded: true, cause: 'NAS-Reboot'});
		expect(parseSweepFlags({reloaded: true, cause: 'Admin-Reset'})).toMatchObject({reloaded: true, cause: 'Admin-Reset'});
		expect(() => parseSweepFlags({reloaded: true, staleAfter: '1h'})).toThrow(UsageError);
	});

	it('takes every flag', () => {
		const request = parseSweepFlags({
			nas: ['bng-2', '10.20.0.3'],
			staleAfter: '45m',
			limit: '500',
			apply: true,
			verify: true,
			cause: 'NAS-Reboot',
			reason: '  INC-4411  ',
			yes: true,
			json: true,
			concurrency: '8',
			timeout: '500',
			retries: '0',
			auditLog: '/var/log/radtop/audit.log',
		});
		expect(request).toMatchObject({
			nas: ['bng-2', '10.20.0.3'],
			staleAfterSeconds: 2700,
			limit: 500,
			apply: true,
			verify: true,
			cause: 'NAS-Reboot',
			reason: 'INC-4411',
		});
		expect(request).toMatchObject({
			yes: true,
			json: true,
			concurrency: 8,
			timeoutMs: 500,
			retries: 0,
			auditLog: '/var/log/radtop/audit.log',
		});
	});

	it.each([
		[{yes: true}, '--yes only makes sense with --apply'],
		[{cause: 'lost-carrier'}, '--cause must be one of'],
		[{staleAfter: '30s'}, '--stale-after must be at least 60s'],
		[{staleAfter: 'soon'}, '--stale-after must be a duration'],
		// Beyond the database's intervals: a usage error, not a database error.
		[{staleAfter: '999999999999d'}, '--stale-after must be at most 36500d (100 years)'],
		[{limit: '1000001'}, '--limit must be a whole number from 1 to 1000000'],
		[{nas: ['']}, '--nas needs a NAS name or IP address'],
		[{concurrency: '0'}, '--concurrency must be a whole number'],
	])('%j is a usage error', (flags, message) => {
		expect(() => parseSweepFlags(flags)).toThrow(UsageError);
		expect(() => parseSweepFlags(flags)).toThrow(message);
	});
});

describe('sweepStaleAfter', () => {
	it('takes --stale-after, else the profile’s staleAfter, else 30 min', () => {
		expect(sweepStaleAfter(120, 30, 'noc')).toBe(120);
		expect(sweepStaleAfter(undefined, 900, 'noc')).toBe(900);
		expect(sweepStaleAfter(undefined, undefined, 'noc')).toBe(DEFAULT_STALE_AFTER_SECONDS);
	});

	it('holds the profile’s staleAfter to the same 60 s minimum as --stale-after, naming the setting', () => {
		expect(() => sweepStaleAfter(undefined, 30, 'noc')).toThrow(UsageError);
		expect(() => sweepStaleAfter(undefined, 30, 'noc')).toThrow('profile "noc" sets stale-after to 30s; a sweep needs at least 60s');
		expect(sweepStaleAfter(undefined, 60)).toBe(60);
	});
});
