import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {formatBytes, formatCount, formatDuration, formatRate, formatTimestamp} from '../../source/sessions/format.js';

const K = 1024;
const M = K * K;
const G = M * K;
const T = G * K;
const P = T * K;
const E = P * K;

describe('formatBytes', () => {
	it('shows whole bytes below 1000', () => {
		expect(formatBytes(0)).toBe('0B');
		expect(formatBytes(1)).toBe('1B');
		expect(formatBytes(999)).toBe('999B');
		expect(formatBytes(999.4)).toBe('999B');
	});

	it('switches to binary units where 3 digits no longer fit', () => {
		// 1000..1023 bytes would need "1000B".."1023B" (5 characters): 0.98K..1.0K rounds to "1.0K".
		expect(formatBytes(999.5)).toBe('1.0K');
		expect(formatBytes(1000)).toBe('1.0K');
		expect(formatBytes(1023)).toBe('1.0K');
		expect(formatBytes(1024)).toBe('1.0K');
		expect(formatBytes(1536)).toBe('1.5K');
		expect(formatBytes(M)).toBe('1.0M');
		expect(formatBytes(G)).toBe('1.0G');
		expect(formatBytes(T)).toBe('1.0T');
		expect(formatBytes(P)).toBe('1.0P');
	});

	it('keeps one decimal below 9.95 and none from there up', () => {
		expect(formatBytes(9.94 * K)).toBe('9.9K');
		// 9.96K would print "10.0K" with one decimal.
		expect(formatBytes(10_200)).toBe('10K');
		expect(formatBytes(9.95 * K)).toBe('10K');
		expect(formatBytes(9.99 * M)).toBe('10M');
		expect(formatBytes(10 * K)).toBe('10K');
		expect(formatBytes(44_000_000_000)).toBe('41G');
		expect(formatBytes(999 * M)).toBe('999M');
	});

	it('steps up a unit when rounding would print 4 digits of the smaller one', () => {
		expect(formatBytes(999.4 * K)).toBe('999K');
		expect(formatBytes(999.5 * K)).toBe('1.0M');
		expect(formatBytes(1023.4 * K)).toBe('1.0M');
		expect(formatBytes(1023.6 * K)).toBe('1.0M');
		expect(formatBytes(1023.6 * M)).toBe('1.0G');
	});

	it('reaches exbibytes, which covers every value a bigint octet counter can hold', () => {
		expect(formatBytes(2048 * P)).toBe('2.0E');
		expect(formatBytes(Number.MAX_SAFE_INTEGER)).toBe('8.0P');
		// 2^63 - 1, the bigint maximum (as the nearest double).
		expect(formatBytes(Number(2n ** 63n - 1n))).toBe('8.0E');
		expect(formatBytes(1e20)).toBe('87E');
		expect(formatBytes(999 * E)).toBe('999E');
		// Past what 4 characters can say: no invented unit, no overlong text.
		expect(formatBytes(1000 * E)).toBe('-');
		expect(formatBytes(Number.MAX_VALUE)).toBe('-');
	});

	it('never prints more than 4 characters, over many magnitudes', () => {
		for (let exponent = 0; exponent <= 70; exponent++) {
			for (const mantissa of [
				1, 1.5, 9.9, 9.94, 9.949, 9.95, 9.96, 10, 99.5, 999, 999.4, 999.5, 1000, 1023, 1023.4, 1023.5, 1023.6,
			]) {
				for (const value of [mantissa * 2 ** exponent, mantissa * 10 ** (exponent % 22)]) {
					const text = formatBytes(value);
					expect(text.length, `${value} -> ${text}`).toBeLessThanOrEqual(4);
					expect(text).toMatch(/^(?:\d{1,3}B|\d\.\d[KMGTPE]|\d{2,3}[KMGTPE]|-)$/);
				}
			}
		}
	});

	it('prints a dash for missing, non-finite or negative input', () => {
		expect(formatBytes(null)).toBe('-');
		expect(formatBytes(undefined)).toBe('-');
		expect(formatBytes(Number.NaN)).toBe('-');
		expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('-');
		expect(formatBytes(-5)).toBe('-');
		expect(formatBytes(-5 * G)).toBe('-');
		expect(formatBytes(-0.1)).toBe('-');
	});
});

describe('formatDuration', () => {
	it('shows seconds below a minute', () => {
		expect(formatDuration(0)).toBe('0s');
		expect(formatDuration(42.9)).toBe('42s');
		expect(formatDuration(59)).toBe('59s');
	});

	it('shows minutes and zero-padded seconds below an hour', () => {
		expect(formatDuration(60)).toBe('1m00s');
		expect(formatDuration(307)).toBe('5m07s');
		expect(formatDuration(3599)).toBe('59m59s');
	});

	it('shows hours and zero-padded minutes below a day', () => {
		expect(formatDuration(3600)).toBe('1h00m');
		expect(formatDuration(2 * 3600 + 14 * 60 + 59)).toBe('2h14m');
		expect(formatDuration(86_399)).toBe('23h59m');
	});

	it('shows days and zero-padded hours from a day on', () => {
		expect(formatDuration(86_400)).toBe('1d00h');
		expect(formatDuration(5 * 86_400 + 3 * 3600 + 59 * 60)).toBe('5d03h');
		expect(formatDuration(400 * 86_400 + 23 * 3600)).toBe('400d23h');
	});

	it('prints a dash for missing, non-finite or negative input', () => {
		expect(formatDuration(null)).toBe('-');
		expect(formatDuration(undefined)).toBe('-');
		expect(formatDuration(Number.NaN)).toBe('-');
		expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('-');
		expect(formatDuration(-1)).toBe('-');
	});
});

describe('formatRate', () => {
	it('shows kbit/s below 1000', () => {
		expect(formatRate(0)).toBe('0');
		expect(formatRate(0.4)).toBe('0');
		expect(formatRate(1)).toBe('1k');
		expect(formatRate(850)).toBe('850k');
		expect(formatRate(999.4)).toBe('999k');
		// Would round to "1000k" (5 characters).
		expect(formatRate(999.5)).toBe('1.0M');
	});

	it('shows Mbit/s and Gbit/s with one decimal below 10', () => {
		expect(formatRate(1000)).toBe('1.0M');
		expect(formatRate(8400)).toBe('8.4M');
		expect(formatRate(9940)).toBe('9.9M');
		// Would print "10.0M" with one decimal.
		expect(formatRate(9960)).toBe('10M');
		expect(formatRate(10_000)).toBe('10M');
		expect(formatRate(85_000)).toBe('85M');
		expect(formatRate(999_000)).toBe('999M');
		expect(formatRate(999_600)).toBe('1.0G');
		expect(formatRate(1_000_000)).toBe('1.0G');
		expect(formatRate(1_200_000)).toBe('1.2G');
		expect(formatRate(40_000_000)).toBe('40G');
	});

	it('prints a dash for missing, non-finite or negative input', () => {
		expect(formatRate(null)).toBe('-');
		expect(formatRate(undefined)).toBe('-');
		expect(formatRate(Number.NaN)).toBe('-');
		expect(formatRate(Number.POSITIVE_INFINITY)).toBe('-');
		expect(formatRate(-1)).toBe('-');
	});

	it('never prints more than 4 characters, over many magnitudes', () => {
		for (let exponent = 0; exponent <= 20; exponent++) {
			for (const mantissa of [1, 1.5, 9.9, 9.94, 9.95, 9.96, 10, 99.5, 999, 999.4, 999.5, 999.6]) {
				const value = mantissa * 10 ** exponent;
				const text = formatRate(value);
				expect(text.length, `${value} -> ${text}`).toBeLessThanOrEqual(4);
				expect(text).toMatch(/^(?:\d{1,3}k|\d\.\d[MGT]|\d{2,3}[MGT]|-)$/);
			}
		}
	});
});

describe('formatTimestamp', () => {
	const originalTz = process.env['TZ'];

	beforeAll(() => {
		// A zone with an offset, so local and UTC output differ (Node re-reads TZ when it is assigned).
		process.env['TZ'] = 'Asia/Kolkata';
	});

	afterAll(() => {
		if (originalTz === undefined) delete process.env['TZ'];
		else process.env['TZ'] = originalTz;
	});

	it('formats in UTC when asked', () => {
		expect(formatTimestamp(new Date('2026-11-25T05:31:02Z'), true)).toBe('2026-11-25 05:31:02');
		expect(formatTimestamp(new Date('2026-01-02T03:04:05.999Z'), true)).toBe('2026-01-02 03:04:05');
	});

	it('formats in local time by default', () => {
		// Asia/Kolkata is UTC+05:30 all year.
		expect(formatTimestamp(new Date('2026-11-25T05:31:02Z'))).toBe('2026-11-25 11:01:02');
		expect(formatTimestamp(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01 01:30:00');
	});

	it('prints a dash without a date', () => {
		expect(formatTimestamp(null)).toBe('-');
		expect(formatTimestamp(undefined, true)).toBe('-');
	});
});

describe('formatCount', () => {
	it('groups thousands with commas and rounds', () => {
		expect(formatCount(0)).toBe('0');
		expect(formatCount(999)).toBe('999');
		expect(formatCount(3118)).toBe('3,118');
		expect(formatCount(1_234_567.6)).toBe('1,234,568');
	});

	it('prints a dash for NaN and infinities', () => {
		expect(formatCount(Number.NaN)).toBe('-');
		expect(formatCount(Number.POSITIVE_INFINITY)).toBe('-');
		expect(formatCount(Number.NEGATIVE_INFINITY)).toBe('-');
	});
});
