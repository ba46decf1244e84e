import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseSessionsFlags, SESSIONS_FLAGS} from '../../source/commands/sessions.js';
import {
	checkKnownFlags,
	choiceFlag,
	integerFlag,
	parseDurationSeconds,
	parseInstant,
	UsageError,
	type FlagSpec,
} from '../../source/commands/usage.js';

const FLAGS = {
	limit: {type: 'string'},
	staleAfter: {type: 'string'},
	search: {type: 'string', shortFlag: 's'},
	json: {type: 'boolean'},
	utc: {type: 'boolean', shortFlag: 'u'},
} as const satisfies Record<string, FlagSpec>;

const check = (...argv: string[]) => checkKnownFlags(argv, FLAGS, 'sessions');

function usageMessage(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		const message = (error as Error).message;
		expect(message).not.toContain('\n');
		return message;
	}
	throw new Error('expected a UsageError');
}

describe('checkKnownFlags', () => {
	it('accepts known flags, kebab-case names, values, --help and --version', () => {
		expect(() => check('--limit', '5', '--stale-after', '30m', '--json', '--search', 'alice', '--help', '--version')).not.toThrow();
		expect(() => check('-s', 'alice', '-u', '-h')).not.toThrow();
		expect(() => check()).not.toThrow();
	});

	it('rejects an unknown long flag, naming it and the command', () => {
		expect(usageMessage(() => check('--bogus'))).toBe('unknown flag --bogus (see radtop sessions --help)');
		expect(usageMessage(() => check('--json', '--bogus=1'))).toContain('unknown flag --bogus');
	});

	it('does not accept the camelCase spelling of a kebab-case flag', () => {
		expect(usageMessage(() => check('--staleAfter', '5m'))).toContain('unknown flag --staleAfter');
	});

	it('rejects an unknown short flag, also inside a group', () => {
		expect(usageMessage(() => check('-x'))).toBe('unknown flag -x (see radtop sessions --help)');
		expect(usageMessage(() => check('-ux'))).toContain('unknown flag -x');
	});

	it('rejects a flag that needs a value when none follows', () => {
		expect(usageMessage(() => check('--limit'))).toBe('--limit needs a value (see radtop sessions --help)');
		expect(usageMessage(() => check('--limit', '--json'))).toContain('--limit needs a value');
		expect(usageMessage(() => check('--search'))).toContain('--search needs a value');
	});

	it('rejects an empty value of a repeatable flag, which meow would drop as if the flag were not there', () => {
		const flags = {nas: {type: 'string', isMultiple: true}} as const satisfies Record<string, FlagSpec>;
		expect(() => checkKnownFlags(['--nas='], flags, 'doctor')).toThrow('--nas needs a value (see radtop doctor --help)');
		expect(() => checkKnownFlags(['--nas=bng-1'], flags, 'doctor')).not.toThrow();
	});

	it('accepts --flag=value without consuming the next token', () => {
		expect(() => check('--limit=5', '--json')).not.toThrow();
		// Had --limit=5 consumed the next token, --bogus would slip through as its value.
		expect(usageMessage(() => check('--limit=5', '--bogus'))).toContain('unknown flag --bogus');
	});

	it('consumes the value of a string flag, even when it looks like a flag', () => {
		expect(() => check('--search', '-x')).not.toThrow();
		expect(() => check('-s', '-x')).not.toThrow();
		expect(() => check('--limit', '-5')).not.toThrow();
	});

	it('accepts --no-<flag> only for booleans', () => {
		expect(() => check('--no-json')).not.toThrow();
		expect(() => check('--no-utc')).not.toThrow();
		expect(usageMessage(() => check('--no-limit'))).toContain('unknown flag --no-limit');
		expect(usageMessage(() => check('--no-bogus'))).toContain('unknown flag --no-bogus');
	});

	it('rejects a flag of one value given twice, long or short, but not a repeatable flag or a switch', () => {
		expect(usageMessage(() => check('--limit', '5', '--limit', '6'))).toBe('--limit given twice (see radtop sessions --help)');
		expect(usageMessage(() => check('--limit=5', '--limit=6'))).toBe('--limit given twice (see radtop sessions --help)');
		expect(usageMessage(() => check('-s', 'a', '--search', 'b'))).toBe('--search given twice (see radtop sessions --help)');
		expect(usageMessage(() => check('--search=a', '-s', 'b'))).toBe('--search given twice (see radtop sessions --help)');
		const nas = {nas: {type: 'string', isMultiple: true}, json: {type: 'boolean'}} as const satisfies Record<string, FlagSpec>;
		expect(() => checkKnownFlags(['--nas', 'a', '--nas', 'b', '--json', '--json'], nas, 'doctor')).not.toThrow();
		// A value that looks like the flag is a value, not the flag again.
		expect(() => check('--search', '-s', '--limit', '5')).not.toThrow();
	});

	it('takes true or false after a switch and =, nothing else', () => {
		expect(() => check('--json=true', '--utc=false')).not.toThrow();
		expect(usageMessage(() => check('--json=maybe'))).toBe('--json takes no value (or =true, =false) (see radtop sessions --help)');
		expect(usageMessage(() => check('--json='))).toContain('--json takes no value');
		expect(usageMessage(() => check('--json=1'))).toContain('--json takes no value');
		expect(usageMessage(() => check('--json=TRUE'))).toContain('--json takes no value');
		expect(usageMessage(() => check('--no-json=true'))).toBe('--no-json takes no value (see radtop sessions --help)');
		expect(usageMessage(() => check('--help=x'))).toContain('--help takes no value');
	});

	it('rejects a short flag that takes a value given none', () => {
		expect(usageMessage(() => check('-s'))).toBe('-s (--search) needs a value (see radtop sessions --help)');
		expect(usageMessage(() => check('-us'))).toBe('-s (--search) needs a value (see radtop sessions --help)');
		expect(usageMessage(() => check('-s', '--json'))).toContain('-s (--search) needs a value');
		expect(() => check('-s', 'alice', '--json')).not.toThrow();
		expect(() => check('-us', 'alice')).not.toThrow();
		expect(() => check('-s', '--')).not.toThrow();
	});

	it('ignores everything after --', () => {
		expect(() => check('--json', '--', '--bogus', '-x', '--limit')).not.toThrow();
		expect(usageMessage(() => check('--bogus', '--', '--json'))).toContain('--bogus');
	});

	it('lets negative numbers and plain words through as positional tokens', () => {
		expect(() => check('-1', 'word')).not.toThrow();
	});
});

describe('integerFlag', () => {
	it('accepts whole numbers within bounds, from strings or numbers', () => {
		expect(integerFlag('50', 'limit', 1, 100)).toBe(50);
		expect(integerFlag(1, 'limit', 1, 100)).toBe(1);
		expect(integerFlag('100', 'limit', 1, 100)).toBe(100);
		expect(integerFlag('0', 'offset', 0, 10)).toBe(0);
	});

	it.each(['abc', '1.5', '0', '101', '-1', 'NaN', 'Infinity', undefined, null, {}])('rejects %j', (value) => {
		expect(usageMessage(() => integerFlag(value, 'limit', 1, 100))).toBe('--limit must be a whole number from 1 to 100');
	});

	// Number() takes all of these ('0x10' -> 16, '1e1' -> 10, '' -> 0, ' 5' -> 5): only plain digits may pass.
	it.each(['0x10', '1e1', '1e3', '', ' ', '+5', '0b101', '0o7', '5.0', '5.', '5 5', '١٢'])('rejects the string %j', (value) => {
		expect(usageMessage(() => integerFlag(value, 'offset', 0, 10_000))).toBe('--offset must be a whole number from 0 to 10000');
	});

	it('accepts plain digit strings with leading zeros, and spaces around the digits as radtop config set does', () => {
		expect(integerFlag('007', 'limit', 1, 100)).toBe(7);
		expect(integerFlag('0', 'offset', 0, 10)).toBe(0);
		expect(integerFlag(' 5', 'limit', 1, 100)).toBe(5);
		expect(integerFlag('5 ', 'limit', 1, 100)).toBe(5);
	});
});

describe('choiceFlag', () => {
	it('returns an allowed word', () => {
		expect(choiceFlag('closed', 'status', ['active', 'closed', 'all'])).toBe('closed');
	});

	it('lists the choices and shows (a bounded part of) what it got', () => {
		expect(usageMessage(() => choiceFlag('nope', 'status', ['active', 'closed', 'all']))).toBe(
			'--status must be one of active, closed, all (got "nope")',
		);
		const long = usageMessage(() => choiceFlag('x'.repeat(500), 'status', ['active']));
		expect(long).toContain(`(got "${'x'.repeat(40)}")`);
		expect(long.length).toBeLessThan(120);
	});

	it('is case-sensitive', () => {
		expect(() => choiceFlag('ACTIVE', 'status', ['active'])).toThrow(UsageError);
	});
});

describe('parseDurationSeconds', () => {
	it.each([
		['90', 90],
		['90s', 90],
		['30m', 1800],
		['2h', 7200],
		['7d', 604_800],
		['1w', 604_800],
		['1.5h', 5400],
		[' 5m ', 300],
	])('%j -> %i s', (text, seconds) => {
		expect(parseDurationSeconds(text, 'stale-after')).toBe(seconds);
	});

	it.each(['', 'abc', '5x', '-5m', '5 m', 'm', '1e3', '5mm'])('rejects %j', (text) => {
		expect(usageMessage(() => parseDurationSeconds(text, 'stale-after'))).toBe(
			'--stale-after must be a duration like 90s, 30m, 2h or 7d',
		);
	});

	it('takes zero without a minimum, and rejects less than the minimum', () => {
		expect(parseDurationSeconds('0', 'stale-after')).toBe(0);
		expect(parseDurationSeconds('1s', 'stale-after', 1)).toBe(1);
		expect(parseDurationSeconds('1m', 'stale-after', 1)).toBe(60);
		for (const text of ['0', '0s', '0m', '0.5s', '0.0h']) {
			expect(usageMessage(() => parseDurationSeconds(text, 'stale-after', 1))).toBe('--stale-after must be at least 1s');
		}
	});

	it('rejects more than 100 years, which the database cannot take as an interval', () => {
		expect(parseDurationSeconds('36500d', 'stale-after')).toBe(36_500 * 86_400);
		expect(parseDurationSeconds('5214w', 'stale-after')).toBe(5214 * 604_800);
		for (const text of ['36501d', '999999999999d', '99999999999999999999999s', `${'9'.repeat(400)}w`]) {
			expect(usageMessage(() => parseDurationSeconds(text, 'stale-after', 60))).toBe(
				'--stale-after must be at most 36500d (100 years)',
			);
		}
	});
});

describe('parseInstant', () => {
	const NOW = new Date('2026-11-25T12:00:00Z');
	const originalTz = process.env['TZ'];

	beforeAll(() => {
		// A zone away from UTC, so local midnight and UTC midnight differ (Node re-reads TZ when assigned).
		process.env['TZ'] = 'America/New_York';
	});

	afterAll(() => {
		if (originalTz === undefined) delete process.env['TZ'];
		else process.env['TZ'] = originalTz;
	});

	it('takes a date alone as local midnight', () => {
		const date = parseInstant('2026-11-24', 'from', NOW);
		expect(date.getTime()).toBe(new Date(2026, 10, 24, 0, 0, 0).getTime());
		// New York is UTC-5 in November.
		expect(date.toISOString()).toBe('2026-11-24T05:00:00.000Z');
	});

	it('honours an explicit zone', () => {
		expect(parseInstant('2026-11-24T08:00:00Z', 'from', NOW).toISOString()).toBe('2026-11-24T08:00:00.000Z');
		expect(parseInstant('2026-11-24T08:00+02:00', 'from', NOW).toISOString()).toBe('2026-11-24T06:00:00.000Z');
	});

	it('takes a date-time without zone as local time', () => {
		expect(parseInstant('2026-11-24T08:00', 'from', NOW).toISOString()).toBe('2026-11-24T13:00:00.000Z');
	});

	it('takes an age as that long before now', () => {
		expect(parseInstant('6h', 'from', NOW).toISOString()).toBe('2026-11-25T06:00:00.000Z');
		expect(parseInstant('2d', 'from', NOW).toISOString()).toBe('2026-11-23T12:00:00.000Z');
		expect(parseInstant(' 90s ', 'from', NOW).toISOString()).toBe('2026-11-25T11:58:30.000Z');
	});

	it('accepts the last day of each month, and 29 February in a leap year', () => {
		expect(parseInstant('2026-01-31', 'from', NOW).getTime()).toBe(new Date(2026, 0, 31).getTime());
		expect(parseInstant('2026-02-28', 'from', NOW).getTime()).toBe(new Date(2026, 1, 28).getTime());
		expect(parseInstant('2028-02-29T08:00:00Z', 'from', NOW).toISOString()).toBe('2028-02-29T08:00:00.000Z');
		expect(parseInstant('2026-04-30T23:59', 'from', NOW).getTime()).toBe(new Date(2026, 3, 30, 23, 59).getTime());
	});

	it('rejects instants before 1970 or past 9999 with one line, also for ages', () => {
		for (const text of ['1969-12-31', '0000-01-01', '1900-06-01T00:00:00Z']) {
			expect(usageMessage(() => parseInstant(text, 'from', NOW))).toBe('--from must be a date from 1970-01-01 to 9999-12-31');
		}
		// 20,000 days back is 1972; 30,000 is 1944.
		expect(parseInstant('20000d', 'from', NOW).getUTCFullYear()).toBe(1972);
		expect(usageMessage(() => parseInstant('30000d', 'from', NOW))).toBe('--from must be a date from 1970-01-01 to 9999-12-31');
		// An age beyond 100 years would be an invalid Date (beyond 275,760 years), which the database cannot take.
		expect(usageMessage(() => parseInstant('99999999999d', 'from', NOW))).toBe('--from must be at most 36500d (100 years)');
		expect(parseInstant('1970-01-01', 'from', NOW).getTime()).toBe(new Date(1970, 0, 1).getTime());
		expect(parseInstant('9999-12-31T23:59:59Z', 'to', NOW).toISOString()).toBe('9999-12-31T23:59:59.000Z');
	});

	it.each([
		'yesterday',
		'',
		'6',
		'6 h',
		'h',
		'24-11-2026',
		'2026-13-01',
		'2026-00-10',
		'2026-11-00',
		// Days the Date parser would silently roll over into the next month.
		'2026-02-30',
		'2026-02-29',
		'2026-02-31T08:00:00Z',
		'2026-04-31',
		'2026-06-31T00:00',
		'Nov 24 2026',
		'2026-11-24garbage',
	])('rejects %j with one line naming the flag', (text) => {
		expect(usageMessage(() => parseInstant(text, 'to', NOW))).toMatch(/^--to must be a date like /);
	});

	it('says which time of day does not exist', () => {
		expect(usageMessage(() => parseInstant('2026-11-24T25:00', 'to', NOW))).toBe('--to has no such time of day: 25:00:00');
	});

	it("reads a date and time with a space as the operator's local time", () => {
		expect(parseInstant('2026-11-20 14:05', 'from', NOW).getTime()).toBe(new Date(2026, 10, 20, 14, 5).getTime());
	});
});

describe('parseSessionsFlags', () => {
	const NOW = new Date('2026-11-25T12:00:00Z');

	it('defaults to active sessions, newest start first, 50 rows, a table', () => {
		const request = parseSessionsFlags({}, NOW);
		expect(request).toMatchObject({
			status: 'active',
			sort: {key: 'start', direction: 'desc'},
			limit: 50,
			offset: 0,
			format: 'table',
			utc: false,
			nas: [],
		});
		expect(request.search).toBeUndefined();
		expect(request.startedFrom).toBeUndefined();
		expect(request.staleAfterSeconds).toBeUndefined();
	});

	it('meow-style defaults (strings) give the same request', () => {
		const defaults = Object.fromEntries(
			Object.entries(SESSIONS_FLAGS).flatMap(([name, spec]) => ('default' in spec ? [[name, spec.default]] : [])),
		);
		expect(parseSessionsFlags(defaults, NOW)).toEqual(parseSessionsFlags({}, NOW));
	});

	it('text sorts default to ascending, numeric ones to descending', () => {
		expect(parseSessionsFlags({sort: 'user'}, NOW).sort).toEqual({key: 'user', direction: 'asc'});
		expect(parseSessionsFlags({sort: 'nas'}, NOW).sort.direction).toBe('asc');
		expect(parseSessionsFlags({sort: 'ip'}, NOW).sort.direction).toBe('asc');
		expect(parseSessionsFlags({sort: 'down'}, NOW).sort.direction).toBe('desc');
		expect(parseSessionsFlags({sort: 'duration'}, NOW).sort.direction).toBe('desc');
		expect(parseSessionsFlags({sort: 'user', order: 'desc'}, NOW).sort.direction).toBe('desc');
	});

	it('rejects --json with --csv', () => {
		expect(usageMessage(() => parseSessionsFlags({json: true, csv: true}, NOW))).toBe('--json and --csv cannot be used together');
		expect(parseSessionsFlags({csv: true}, NOW).format).toBe('csv');
		expect(parseSessionsFlags({json: true}, NOW).format).toBe('json');
	});

	it('rejects --from at or after --to', () => {
		expect(usageMessage(() => parseSessionsFlags({from: '2026-11-24', to: '2026-11-23'}, NOW))).toBe('--from must be before --to');
		expect(() => parseSessionsFlags({from: '1d', to: '1d'}, NOW)).toThrow('--from must be before --to');
		const request = parseSessionsFlags({from: '2d', to: '1d'}, NOW);
		expect(request.startedFrom?.toISOString()).toBe('2026-11-23T12:00:00.000Z');
		expect(request.startedTo?.toISOString()).toBe('2026-11-24T12:00:00.000Z');
	});

	it('rejects a bad status, listing the choices', () => {
		expect(usageMessage(() => parseSessionsFlags({status: 'nope'}, NOW))).toBe(
			'--status must be one of active, stale, closed, all (got "nope")',
		);
	});

	it('rejects a bad sort or order, listing the choices', () => {
		const sort = usageMessage(() => parseSessionsFlags({sort: 'password'}, NOW));
		for (const key of ['start', 'duration', 'down', 'up', 'user', 'nas', 'ip']) expect(sort).toContain(key);
		expect(usageMessage(() => parseSessionsFlags({order: 'up'}, NOW))).toContain('asc, desc');
	});

	it('checks limit, offset and stale-after', () => {
		expect(usageMessage(() => parseSessionsFlags({limit: 'abc'}, NOW))).toContain('--limit must be a whole number from 1 to 10000');
		expect(() => parseSessionsFlags({limit: '0'}, NOW)).toThrow(UsageError);
		expect(() => parseSessionsFlags({limit: '10001'}, NOW)).toThrow(UsageError);
		expect(() => parseSessionsFlags({offset: '-1'}, NOW)).toThrow(UsageError);
		expect(parseSessionsFlags({limit: '10000', offset: '20'}, NOW)).toMatchObject({limit: 10_000, offset: 20});
		expect(parseSessionsFlags({staleAfter: '10m'}, NOW).staleAfterSeconds).toBe(600);
		expect(() => parseSessionsFlags({staleAfter: 'soon'}, NOW)).toThrow('--stale-after');
		expect(usageMessage(() => parseSessionsFlags({staleAfter: '0'}, NOW))).toBe('--stale-after must be at least 1s');
		expect(() => parseSessionsFlags({staleAfter: '0m'}, NOW)).toThrow(UsageError);
		expect(parseSessionsFlags({staleAfter: '1'}, NOW).staleAfterSeconds).toBe(1);
		expect(() => parseSessionsFlags({limit: '0x10'}, NOW)).toThrow('--limit must be a whole number');
		expect(() => parseSessionsFlags({offset: '1e3'}, NOW)).toThrow('--offset must be a whole number');
		expect(() => parseSessionsFlags({limit: ''}, NOW)).toThrow('--limit must be a whole number');
	});

	it('collects --nas values and rejects an empty one', () => {
		expect(parseSessionsFlags({nas: ['bng-1', '10.0.0.2']}, NOW).nas).toEqual(['bng-1', '10.0.0.2']);
		expect(parseSessionsFlags({nas: 'bng-1'}, NOW).nas).toEqual(['bng-1']);
		expect(usageMessage(() => parseSessionsFlags({nas: ['bng-1', ' ']}, NOW))).toBe('--nas needs a NAS name or IP address');
	});

	it('keeps a search as given and drops an empty one', () => {
		expect(parseSessionsFlags({search: ' alice '}, NOW).search).toBe(' alice ');
		expect(parseSessionsFlags({search: ''}, NOW).search).toBeUndefined();
	});
});
