import {describe, expect, it} from 'vitest';
import {csvField, csvRecord} from '../../source/sessions/csv.js';
import {CSV_COLUMNS, recordsToCsv, type SessionRecord} from '../../source/sessions/session-view.js';
import {parseCsv} from '../helpers/parse-csv.js';

describe('parseCsv (the test oracle)', () => {
	it('parses quoted and bare fields', () => {
		expect(parseCsv('a,"b,c","d""e","f\r\ng"\r\n,x\r\n')).toEqual([
			['a', 'b,c', 'd"e', 'f\r\ng'],
			['', 'x'],
		]);
		expect(() => parseCsv('a\n')).toThrow();
		expect(() => parseCsv('a"b\r\n')).toThrow();
	});
});

describe('csvField', () => {
	it('leaves plain text bare', () => {
		expect(csvField('alice')).toBe('alice');
		expect(csvField('Zoë 李雷')).toBe('Zoë 李雷');
		expect(csvField("o'brien")).toBe("o'brien");
		expect(csvField('')).toBe('');
	});

	it('quotes fields holding a comma, quote, CR or LF, doubling quotes', () => {
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('a\rb')).toBe('"a\rb"');
		expect(csvField('a\nb')).toBe('"a\nb"');
		expect(csvField('"')).toBe('""""');
	});

	it('writes null and undefined as empty fields and numbers as they are', () => {
		expect(csvField(null)).toBe('');
		expect(csvField(undefined)).toBe('');
		expect(csvField(0)).toBe('0');
		expect(csvField(1234567)).toBe('1234567');
		expect(csvField(1.5)).toBe('1.5');
	});

	it('neutralises strings a spreadsheet would run as a formula', () => {
		expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
		expect(csvField('+1+1')).toBe("'+1+1");
		expect(csvField('-2+3')).toBe("'-2+3");
		expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvField('\t=1')).toBe("'\t=1");
		expect(csvField('\0=1')).toBe("'\0=1");
		// A leading CR is guarded and, holding a CR, also quoted.
		expect(csvField('\r=1')).toBe(`"'\r=1"`);
	});

	it('guards only a leading formula character', () => {
		expect(csvField('a=b')).toBe('a=b');
		expect(csvField('alice-1')).toBe('alice-1');
		expect(csvField('user@realm')).toBe('user@realm');
	});

	it('never guards numbers: a negative number stays a number', () => {
		expect(csvField(-5)).toBe('-5');
		expect(csvField(-0.25)).toBe('-0.25');
	});

	it('does not guard when the guard is off', () => {
		expect(csvField('=1+1', {formulaGuard: false})).toBe('=1+1');
		expect(csvField('-5', {formulaGuard: false})).toBe('-5');
		expect(csvField('=a,b', {formulaGuard: false})).toBe('"=a,b"');
	});
});

describe('csvRecord', () => {
	it('joins fields with commas and ends the record with CRLF', () => {
		expect(csvRecord(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
		expect(csvRecord([])).toBe('\r\n');
	});

	it('passes the options to every field', () => {
		expect(csvRecord(['=x', '=y'])).toBe("'=x,'=y\r\n");
		expect(csvRecord(['=x', '=y'], {formulaGuard: false})).toBe('=x,=y\r\n');
	});
});

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
	return {
		radacctid: '42',
		username: 'alice',
		nas: 'bng-1',
		nasipaddress: '10.0.0.1',
		framedipaddress: '100.64.0.10',
		callingstationid: 'AA:BB:CC:00:00:01',
		acctsessionid: '81000001',
		acctstarttime: '2026-11-25T10:00:00.000Z',
		acctupdatetime: null,
		acctstoptime: null,
		durationSeconds: 7200,
		downOctets: 5_000_000,
		upOctets: 400_000,
		state: 'online',
		acctterminatecause: null,
		framedipv6address: null,
		framedipv6prefix: '2001:db8:1::/64',
		delegatedipv6prefix: null,
		...overrides,
	};
}

describe('recordsToCsv', () => {
	const hostile = record({
		radacctid: '7',
		username: '=cmd|"/c calc"!A1,evil\r\nnext',
		callingstationid: '-1+2',
		acctsessionid: 'a "quoted", id\n',
		acctterminatecause: '@SUM(1)',
		durationSeconds: -3,
		downOctets: 0,
		upOctets: null,
	});

	it('writes a header row then one CRLF-terminated row per record', () => {
		const csv = recordsToCsv([record(), record({radacctid: '43'})]);
		expect(csv.endsWith('\r\n')).toBe(true);
		const rows = parseCsv(csv);
		expect(rows).toHaveLength(3);
		expect(rows[0]).toEqual([...CSV_COLUMNS]);
		expect(rows[1]![0]).toBe('42');
		expect(rows[2]![0]).toBe('43');
		for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
	});

	it('round-trips through an RFC 4180 parser, with guarded formulas and exact numbers', () => {
		const rows = parseCsv(recordsToCsv([record(), hostile]));
		const byColumn = (row: readonly string[]) => Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, row[index]]));
		const plain = byColumn(rows[1]!);
		expect(plain).toMatchObject({
			radacctid: '42',
			username: 'alice',
			callingstationid: 'AA:BB:CC:00:00:01',
			acctupdatetime: '',
			durationSeconds: '7200',
			downOctets: '5000000',
			upOctets: '400000',
			state: 'online',
		});
		const evil = byColumn(rows[2]!);
		expect(evil['username']).toBe(`'=cmd|"/c calc"!A1,evil\r\nnext`);
		expect(evil['callingstationid']).toBe("'-1+2");
		expect(evil['acctsessionid']).toBe('a "quoted", id\n');
		expect(evil['acctterminatecause']).toBe("'@SUM(1)");
		expect(evil['durationSeconds']).toBe('-3');
		expect(evil['downOctets']).toBe('0');
		expect(evil['upOctets']).toBe('');
	});

	it('round-trips the raw text when the guard is off', () => {
		const rows = parseCsv(recordsToCsv([hostile], {formulaGuard: false}));
		expect(rows[1]![CSV_COLUMNS.indexOf('username')]).toBe(hostile.username);
		expect(rows[1]![CSV_COLUMNS.indexOf('callingstationid')]).toBe('-1+2');
	});

	it('shows control characters visibly when writing to a terminal', () => {
		const csv = recordsToCsv([record({username: 'x\x1b]0;owned\x07\r\ny'})], {sanitizeText: true});
		expect(csv).not.toContain('\x1b');
		expect(csv).not.toContain('\x07');
		const rows = parseCsv(csv);
		expect(rows).toHaveLength(2);
		expect(rows[1]![CSV_COLUMNS.indexOf('username')]).toBe('x\\x1b]0;owned\\x07\\r\\ny');
	});

	it('is just the header for no records', () => {
		expect(parseCsv(recordsToCsv([]))).toEqual([[...CSV_COLUMNS]]);
	});
});
