/**
 * `radtop export` as a user runs it: the built CLI in a child process, against a test database. Exit codes,
 * one line on stderr for every mistake, CSV on stdout or in a file of mode 0600.
 *
 * With the embedded database (no DATABASE_URL), PGlite serves one socket connection: the CLI child takes it,
 * and this process seeds through the PGlite instance itself; the child is spawned asynchronously because
 * PGlite answers from this process's event loop.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DEFAULT_EXPORT_COLUMNS} from '../../source/sessions/export-sql.js';
import type {Queryable} from '../../source/db/queryable.js';
import {assertBuilt, CLI, cliEnv, runCli, runMainInProcess, startCli, type CliRun} from '../helpers/cli.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let db: Queryable;
let dir: string;

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	db = database.pglite ?? database.pool;
	dir = mkdtempSync(join(tmpdir(), 'radtop-export-cli-'));
	await db.query("INSERT INTO nas (nasname, shortname, type, secret) VALUES ('10.20.0.2', 'bng-2', 'other', 'nas-secret-2')");
	await db.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctstoptime,
			acctinputoctets, acctoutputoctets, callingstationid, framedipaddress, acctterminatecause)
		VALUES
			('a1', 'u1', 'alice', '10.20.0.2', now() - interval '2 hours', now() - interval '1 minute', NULL, 10, 20, 'AA:BB:CC:00:00:01', '100.64.0.1', NULL),
			('a2', 'u2', '@SUM(A1:A9)', '10.20.0.2', now() - interval '3 hours', now() - interval '1 minute', NULL, 10, 20, 'AA:BB:CC:00:00:02', '100.64.0.2', NULL),
			('a3', 'u3', 'carol', '10.20.0.3', now() - interval '3 days', now() - interval '2 days', now() - interval '2 days', 5, 6, 'AA:BB:CC:00:00:03', '100.64.0.3', 'User-Request')`,
	);
});

afterAll(async () => {
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

interface Run extends CliRun {
	readonly stderrLines: string[];
}

async function radtop(args: readonly string[]): Promise<Run> {
	const argv = ['export', ...args, '--db', database.url];
	const run = await runCli(argv, {env: {RADTOP_CONFIG_DIR: dir}, cwd: dir});
	return {...run, stderrLines: run.stderr.split('\n').filter((line) => line !== '')};
}

/** Exactly one `radtop: ...` line on stderr, nothing on stdout, no stack trace. */
function expectOneErrorLine(run: Run): string {
	expect(run.stderrLines, run.stderr).toHaveLength(1);
	expect(run.stderrLines[0]).toMatch(/^radtop: \S/);
	expect(run.stderr).not.toMatch(/^\s+at /m);
	expect(run.stdout).toBe('');
	return run.stderrLines[0]!;
}

describe('radtop export', () => {
	it('writes every matching session as CSV on stdout', async () => {
		const run = await radtop(['--status', 'all', '--sort', 'user']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toBe('');
		const records = parseCsv(run.stdout);
		expect(records[0]).toEqual([...DEFAULT_EXPORT_COLUMNS]);
		expect(records.slice(1).map((record) => [record[1], record[2]])).toEqual([
			["'@SUM(A1:A9)", 'bng-2'],
			['alice', 'bng-2'],
			['carol', '10.20.0.3'],
		]);
	});

	it('exports history with --status closed --from --to, and the raw values with --raw', async () => {
		const closed = await radtop(['--status', 'closed', '--from', '7d', '--to', '1d', '--columns', 'username,acctterminatecause']);
		expect(closed.code, closed.stderr).toBe(0);
		expect(parseCsv(closed.stdout)).toEqual([
			['username', 'acctterminatecause'],
			['carol', 'User-Request'],
		]);
		const raw = await radtop(['--search', 'SUM', '--columns', 'username', '--raw']);
		expect(parseCsv(raw.stdout)).toEqual([['username'], ['@SUM(A1:A9)']]);
	});

	it('writes a file of mode 0600 and says where', async () => {
		const file = join(dir, 'open.csv');
		const run = await radtop(['--nas', 'bng-2', '-o', file]);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toBe('');
		expect(run.stderrLines).toEqual([`radtop: wrote 2 sessions to ${file}`]);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(parseCsv(readFileSync(file, 'utf8'))).toHaveLength(3);
	});

	it('refuses a directory for -o with exit 2 and one line, writing nothing', async () => {
		const folder = join(dir, 'exports');
		mkdirSync(folder);
		const run = await radtop(['-o', folder]);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toBe(`radtop: --output: ${folder} is a directory: name a file to write`);
		expect(readdirSync(folder)).toEqual([]);
		expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
	});

	it('writes -o /dev/fd/1 directly when it is a pipe, and refuses a socket with exit 2', async () => {
		// Here the pipe is the shell's: a child's stdout from Node is a socket. (/dev/fd/N, not /dev/stdout: an
		// export that renamed its temporary file over the path would replace a link in /dev when run as root.)
		const shell = await new Promise<{status: number | null; stdout: string; stderr: string}>((resolvePromise, reject) => {
			const env = cliEnv({RADTOP_CONFIG_DIR: dir});
			const command = `"${process.execPath}" "${CLI}" export --nas bng-2 --columns username -o /dev/fd/1 --db "${database.url}" | cat`;
			const child = spawn('sh', ['-c', command], {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe']});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
			child.on('error', reject);
			child.on('close', (status) => resolvePromise({status, stdout, stderr}));
		});
		expect(shell.status, shell.stderr).toBe(0);
		expect(parseCsv(shell.stdout)).toEqual([['username'], ['alice'], ["'@SUM(A1:A9)"]]);
		expect(shell.stderr).toBe('radtop: wrote 2 sessions to /dev/fd/1\n');
		const socket = await radtop(['--nas', 'bng-2', '-o', '/dev/fd/1']);
		expect(socket.code).toBe(2);
		expect(expectOneErrorLine(socket)).toMatch(/^radtop: --output: \/dev\/fd\/1 is a socket, which cannot be opened/);
	});

	it('refuses beyond the cap with one line, exit 1, nothing on stdout and no file', async () => {
		const file = join(dir, 'capped.csv');
		const run = await radtop(['--status', 'all', '--limit', '2', '-o', file]);
		expect(run.code).toBe(1);
		expect(expectOneErrorLine(run)).toBe(
			'radtop: more than 2 sessions match: narrow the filter (--from, --to, --nas, --search) or pass --no-limit',
		);
		expect(existsSync(file)).toBe(false);
		expect(readdirSync(dir).filter((name) => name.includes('capped'))).toEqual([]);
		const stdout = await radtop(['--status', 'all', '--limit', '2']);
		expect(stdout.code).toBe(1);
		expectOneErrorLine(stdout);
		const unlimited = await radtop(['--status', 'all', '--no-limit']);
		expect(unlimited.code, unlimited.stderr).toBe(0);
		expect(parseCsv(unlimited.stdout)).toHaveLength(4);
	});

	it.each([
		[['--columns', 'username,pass word'], /--columns: unknown column "pass word"/],
		[['--columns', ''], /--columns needs/],
		[['--limit', 'lots'], /--limit must be a whole number/],
		[['--limit', '0'], /--limit must be a whole number/],
		[['--status', 'gone'], /--status must be one of active, stale, closed, all/],
		[['--from', '2026-11-25', '--to', '2026-11-24'], /--from must be before --to/],
		[['--output'], /--output needs a value/],
		[['--from', '99999999999d'], /--from must be at most 36500d/],
		[['--format', 'xlsx'], /unknown flag --format/],
	])('rejects %j with exit 2 and one line', async (args, message) => {
		// Refused before the command starts: radtop's main in this process, which writes usage errors to the streams given.
		const result = await runMainInProcess(['export', ...args], {env: {RADTOP_CONFIG_DIR: dir}});
		const run = {...result, stderrLines: result.stderr.split('\n').filter((line) => line !== '')};
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toMatch(message);
	});

	it('names an unknown NAS with exit 2', async () => {
		const run = await radtop(['--nas', 'bng-9']);
		expect(run.code).toBe(2);
		expect(expectOneErrorLine(run)).toMatch(/bng-9/);
	});

	it.each(['SIGTERM', 'SIGHUP'] as const)(
		'stops on %s mid-export: exit 1, one line, no file and no partial file',
		async (signal) => {
			await db.query(
				`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctstoptime)
			SELECT 'bulk' || i, 'bulk-${signal}-' || i, 'bulk' || i, '10.40.0.1', now() - interval '2 days', now() - interval '1 day'
			FROM generate_series(1, 50000) AS i`,
			);
			const file = join(dir, `${signal}.csv`);
			const partials = () => readdirSync(dir).filter((name) => name.startsWith(`.${signal}.csv.`) && name.endsWith('.partial'));
			const argv = ['export', '--status', 'closed', '--nas', '10.40.0.1', '--no-limit', '-o', file, '--db', database.url];
			const child = startCli(argv, {env: {RADTOP_CONFIG_DIR: dir}, cwd: dir});
			let stderr = '';
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
			const closed = new Promise<number | null>((resolvePromise) => child.on('close', resolvePromise));
			// The export has begun: its temporary file is there. (With the embedded database, this process computes
			// the COPY's rows, and would see the file fill only late.)
			let sent = false;
			while (!sent && child.exitCode === null) {
				if (partials().length > 0) {
					child.kill(signal);
					sent = true;
				} else await new Promise((resolvePromise) => setTimeout(resolvePromise, 5));
			}
			const status = await closed;
			await db.query(`DELETE FROM radacct WHERE nasipaddress = '10.40.0.1'`);
			expect(sent, 'the export ended before it was signalled').toBe(true);
			expect(status, stderr).toBe(1);
			expect(stderr).toMatch(
				new RegExp(
					`^radtop: export interrupted after [\\d,]+ rows; ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was not written\\n$`,
				),
			);
			expect(partials()).toEqual([]);
			expect(existsSync(file)).toBe(false);
		},
		60_000,
	);

	it('documents its flags, columns and exit codes in --help', async () => {
		const run = await runMainInProcess(['export', '--help']);
		expect(run.code).toBe(0);
		for (const text of ['--output', '--columns', '--no-limit', '--raw', 'acctterminatecause', 'delegatedipv6prefix', 'Exit codes:']) {
			expect(run.stdout).toContain(text);
		}
	});
});
