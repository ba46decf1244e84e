/** `radtop export`'s flags, checked without a database. */
import {describe, expect, it} from 'vitest';
import {parseExportFlags, progressLine} from '../../source/commands/export.js';
import {UsageError} from '../../source/commands/usage.js';
import {DEFAULT_EXPORT_LIMIT} from '../../source/sessions/export.js';
import {DEFAULT_EXPORT_COLUMNS} from '../../source/sessions/export-sql.js';

const NOW = new Date('2026-11-25T10:45:12Z');

describe('parseExportFlags', () => {
	it('defaults to open sessions, newest first, the columns of sessions --csv, the 500,000 cap, stdout', () => {
		expect(parseExportFlags({}, NOW)).toEqual({
			status: 'active',
			search: undefined,
			nas: [],
			startedFrom: undefined,
			startedTo: undefined,
			sort: {key: 'start', direction: 'desc'},
			columns: DEFAULT_EXPORT_COLUMNS,
			limit: DEFAULT_EXPORT_LIMIT,
			raw: false,
			output: undefined,
			staleAfterSeconds: undefined,
		});
	});

	it('takes the filters of radtop sessions, for history too', () => {
		const request = parseExportFlags(
			{status: 'closed', from: '2026-11-01T00:00:00Z', to: '1d', nas: ['bng-2', '10.20.0.3'], search: 'alice', sort: 'user'},
			NOW,
		);
		expect(request.status).toBe('closed');
		expect(request.startedFrom).toEqual(new Date('2026-11-01T00:00:00Z'));
		expect(request.startedTo).toEqual(new Date('2026-11-24T10:45:12Z'));
		expect(request.nas).toEqual(['bng-2', '10.20.0.3']);
		expect(request.search).toBe('alice');
		expect(request.sort).toEqual({key: 'user', direction: 'asc'});
	});

	it('reads --limit N, --no-limit (meow gives limit=false), --raw, --output and --columns', () => {
		expect(parseExportFlags({limit: '10'}, NOW).limit).toBe(10);
		expect(parseExportFlags({limit: false}, NOW).limit).toBeNull();
		expect(parseExportFlags({raw: true}, NOW).raw).toBe(true);
		expect(parseExportFlags({output: 'x.csv'}, NOW).output).toBe('x.csv');
		expect(parseExportFlags({columns: 'USERNAME,nas'}, NOW).columns).toEqual(['username', 'nas']);
		expect(parseExportFlags({columns: 'username,PLAN,remaining,full_name'}, NOW).columns).toEqual([
			'username',
			'plan',
			'remaining',
			'full_name',
		]);
	});

	it('does not take the window flags of radtop sessions for its cap', () => {
		// --limit is the cap here, not a page size: 500,000 is allowed, unlike sessions' 10,000.
		expect(parseExportFlags({limit: '500000'}, NOW).limit).toBe(500_000);
	});

	it.each([
		[{columns: 'username,secret;'}, /unknown column "secret;"/],
		[{columns: 'plan,PLAN'}, /column "plan" is listed twice/],
		[{columns: ' '}, /--columns needs/],
		[{limit: '-1'}, /--limit must be a whole number/],
		[{limit: '1e6'}, /--limit must be a whole number/],
		[{output: ''}, /--output needs a file name/],
		[{status: 'open'}, /--status must be one of/],
		[{from: '2026-11-25', to: '2026-11-01'}, /--from must be before --to/],
		// Beyond what a Date holds: a usage error, not an Invalid Date sent to the database.
		[{from: '99999999999d'}, /^--from must be at most 36500d \(100 years\)$/],
		[{to: '1969-07-20'}, /^--to must be a date from 1970-01-01 to 9999-12-31$/],
		[{staleAfter: '999999999999d'}, /^--stale-after must be at most 36500d/],
	])('rejects %j', (flags, message) => {
		expect(() => parseExportFlags(flags, NOW)).toThrow(UsageError);
		expect(() => parseExportFlags(flags, NOW)).toThrow(message);
	});
});

describe('progressLine', () => {
	it('counts rows against the total and shows the rate', () => {
		expect(progressLine({rows: 125_000, total: 500_000, elapsedMs: 2500})).toBe('exporting 125,000/500,000 sessions · 50,000/s');
		expect(progressLine({rows: 10, elapsedMs: 0})).toBe('exporting 10 sessions · 0/s');
	});
});
