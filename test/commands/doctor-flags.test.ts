import {describe, expect, it} from 'vitest';
import {parseDoctorFlags} from '../../source/commands/doctor.js';
import {UsageError} from '../../source/commands/usage.js';

describe('parseDoctorFlags', () => {
	it('has defaults that probe every NAS and measure nothing', () => {
		expect(parseDoctorFlags({})).toEqual({
			nas: [],
			checkNas: true,
			measure: false,
			runs: 5,
			timeoutMs: 2000,
			concurrency: 8,
			staleAfterSeconds: undefined,
			json: false,
			db: undefined,
			profile: undefined,
			demo: false,
		});
	});

	it('takes --nas several times, and --no-nas as meow hands it over (a false among the --nas values)', () => {
		expect(parseDoctorFlags({nas: ['bng-1', '10.20.0.2']}).nas).toEqual(['bng-1', '10.20.0.2']);
		expect(parseDoctorFlags({nas: [false]}).checkNas).toBe(false);
		expect(parseDoctorFlags({noNas: true}).checkNas).toBe(false);
		expect(() => parseDoctorFlags({nas: ['bng-1', false]})).toThrow(UsageError);
		expect(() => parseDoctorFlags({nas: ['  ']})).toThrow('--nas needs a NAS name or IP');
	});

	it('bounds the numbers', () => {
		expect(parseDoctorFlags({runs: '3', timeout: '500', concurrency: '2', staleAfter: '10m'})).toMatchObject({
			runs: 3,
			timeoutMs: 500,
			concurrency: 2,
			staleAfterSeconds: 600,
		});
		expect(() => parseDoctorFlags({runs: '0'})).toThrow('--runs must be a whole number from 1 to 100');
		expect(() => parseDoctorFlags({timeout: '10'})).toThrow(UsageError);
		expect(() => parseDoctorFlags({concurrency: 'many'})).toThrow(UsageError);
	});
});
