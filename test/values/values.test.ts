/**
 * The value grammar that command-line flags and `radtop config set` share: what each parser takes, what it
 * refuses, its bounds, and the one-line message naming the flag or setting.
 */
import {describe, expect, it} from 'vitest';
import {
	InvalidValueError,
	isDurationWithUnit,
	MAX_DURATION_SECONDS,
	parseBoolean,
	parseChoice,
	parseDuration,
	parsePort,
	parseWholeNumber,
} from '../../source/values/values.js';

function refused(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidValueError);
		const message = (error as Error).message;
		expect(message).not.toContain('\n');
		return message;
	}
	throw new Error('expected an InvalidValueError');
}

describe('parseDuration', () => {
	it.each([
		['0', 0],
		['90', 90],
		['90s', 90],
		['15m', 900],
		['2h', 7200],
		['3d', 259_200],
		['1w', 604_800],
		['1.5h', 5400],
		['0.1m', 6],
		['0.25m', 15],
		['0.5s', 0.5],
		['007m', 420],
		[' 5m ', 300],
		['\t30m\n', 1800],
		['36500d', MAX_DURATION_SECONDS],
		['5214w', 5214 * 604_800],
	])('%j is %d s', (text, seconds) => {
		expect(parseDuration(text, '--stale-after')).toBe(seconds);
	});

	it.each(['', ' ', 'abc', 'm', '5x', '5mm', '5 m', '-5m', '+5m', '1e3', '1e3s', '.5h', '5.h', '5M', '1y', '0x10', '5,5m', '1h30m'])(
		'refuses %j, naming the flag or setting',
		(text) => {
			expect(refused(() => parseDuration(text, '--stale-after'))).toBe('--stale-after must be a duration like 90s, 30m, 2h or 7d');
			expect(refused(() => parseDuration(text, 'stale-after'))).toBe('stale-after must be a duration like 90s, 30m, 2h or 7d');
		},
	);

	it.each([
		[{min: 1}, '0', 'must be at least 1s'],
		[{min: 1}, '0.5s', 'must be at least 1s'],
		[{min: 60}, '59s', 'must be at least 60s'],
		[{min: 3600}, '59m', 'must be at least 1h'],
		[{max: 3600}, '61m', 'must be at most 1h'],
		[{max: 3600}, '2h', 'must be at most 1h'],
		[{max: 30 * 86_400}, '5w', 'must be at most 30d'],
		[{max: 90}, '91', 'must be at most 90s'],
		[{}, '36501d', 'must be at most 36500d (100 years)'],
		[{}, `${'9'.repeat(400)}w`, 'must be at most 36500d (100 years)'],
		[{}, `1.${'0'.repeat(400)}1w`, undefined],
		[{whole: true}, '1.5', 'must be a whole number of seconds, like 90s, 30m or 2h'],
		[{whole: true}, '0.01m', 'must be a whole number of seconds, like 90s, 30m or 2h'],
	] as const)('with bounds %j, %j: %s', (bounds, text, message) => {
		if (message === undefined) expect(parseDuration(text, 'x', bounds)).toBeCloseTo(604_800);
		else expect(refused(() => parseDuration(text, 'stale-after', bounds))).toBe(`stale-after ${message}`);
	});

	it('takes the bounds themselves', () => {
		expect(parseDuration('1s', 'interval', {min: 1, max: 3600, whole: true})).toBe(1);
		expect(parseDuration('1h', 'interval', {min: 1, max: 3600, whole: true})).toBe(3600);
		expect(parseDuration('0.5m', 'interval', {min: 1, max: 3600, whole: true})).toBe(30);
		expect(parseDuration('30d', 'stale-after', {min: 1, max: 30 * 86_400})).toBe(30 * 86_400);
	});

	it('tells a duration with a unit from a bare number or a date', () => {
		for (const text of ['6h', ' 2d ', '1.5w', '90s']) expect(isDurationWithUnit(text)).toBe(true);
		for (const text of ['90', '2026-11-24', '6 h', 'h', '']) expect(isDurationWithUnit(text)).toBe(false);
	});
});

describe('parseWholeNumber', () => {
	it.each([
		['0', 0, 10, 0],
		['10', 0, 10, 10],
		['007', 1, 100, 7],
		[' 42 ', 1, 100, 42],
		['1000000', 1, 1_000_000, 1_000_000],
		[5, 1, 10, 5],
	] as const)('%j within %d..%d is %d', (value, min, max, n) => {
		expect(parseWholeNumber(value, '--limit', min, max)).toBe(n);
	});

	it.each([
		'',
		' ',
		'abc',
		'-1',
		'+5',
		'1.5',
		'5.0',
		'5.',
		'0x10',
		'0b101',
		'0o7',
		'1e3',
		'5 5',
		'5s',
		'١٢',
		'NaN',
		'Infinity',
		'9'.repeat(400),
		1.5,
		Number.NaN,
		undefined,
		null,
		{},
	])('refuses %j', (value) => {
		expect(refused(() => parseWholeNumber(value, '--limit', 0, 100))).toBe('--limit must be a whole number from 0 to 100');
	});

	it.each([
		['0', 1, 100],
		['101', 1, 100],
		['1000001', 1, 1_000_000],
	] as const)('refuses %j outside %d..%d', (text, min, max) => {
		expect(refused(() => parseWholeNumber(text, 'confirm-typed-above', min, max))).toBe(
			`confirm-typed-above must be a whole number from ${min} to ${max}`,
		);
	});
});

describe('parsePort', () => {
	it.each([
		['1', 1],
		['1700', 1700],
		['3799', 3799],
		['65535', 65_535],
		[' 8729 ', 8729],
	])('%j is port %d', (text, port) => {
		expect(parsePort(text, '--coa-port')).toBe(port);
	});

	it.each(['0', '65536', '-1', '1.5', '0x10', '1e3', '', 'abc', 'http'])('refuses %j', (text) => {
		expect(refused(() => parsePort(text, '--coa-port'))).toBe('--coa-port must be a whole number from 1 to 65535');
	});
});

describe('parseBoolean', () => {
	it.each(['true', 'TRUE', 'yes', 'Yes', 'on', 'ON', '1', ' true '])('%j is true', (text) => {
		expect(parseBoolean(text, 'read-only')).toBe(true);
	});

	it.each(['false', 'False', 'no', 'NO', 'off', 'Off', '0', ' no '])('%j is false', (text) => {
		expect(parseBoolean(text, 'read-only')).toBe(false);
	});

	it.each(['', 'maybe', 'y', 'n', 't', 'f', '2', '01', 'enabled', 'yes please'])('refuses %j', (text) => {
		expect(refused(() => parseBoolean(text, 'read-only'))).toBe('read-only must be true or false (also yes/no, on/off, 1/0)');
	});
});

describe('parseChoice', () => {
	const STATUS = ['active', 'closed', 'all'] as const;

	it('takes an allowed word exactly, or in any case and with spaces around it when asked', () => {
		expect(parseChoice('closed', '--status', STATUS)).toBe('closed');
		expect(parseChoice(' Closed ', '--status', STATUS, {anyCase: true})).toBe('closed');
	});

	it.each(['ACTIVE', ' active', 'act', ''])('refuses %j when the case must match', (text) => {
		expect(refused(() => parseChoice(text, '--status', STATUS))).toBe(`--status must be one of active, closed, all (got "${text}")`);
	});

	it('shows at most 40 characters of what it got', () => {
		const message = refused(() => parseChoice('x'.repeat(500), 'vendor', STATUS, {anyCase: true}));
		expect(message).toBe(`vendor must be one of active, closed, all (got "${'x'.repeat(40)}")`);
	});
});
