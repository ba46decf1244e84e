/**
 * An export of 500,000 sessions as the user runs it (`radtop export -o FILE`, the built CLI in a child
 * process): every row arrives, the file parses as RFC 4180, and the child's peak RSS stays under a fixed
 * bound, far below what holding the rows would take. About constant memory, not speed: bench:export
 * measures speed.
 *
 * With the embedded database (no DATABASE_URL), PGlite serves one socket connection: the child takes it, and
 * this process seeds and counts through the PGlite instance itself. The child must be spawned asynchronously:
 * PGlite answers from this process's event loop.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {DEFAULT_EXPORT_COLUMNS} from '../../source/sessions/export-sql.js';
import type {Queryable} from '../../source/db/queryable.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(ROOT, 'dist', 'main.js');
const ROWS = 500_000;
/** Node with radtop loaded takes about 75 MB; the rows themselves (95 MB of CSV) would take several times that. */
const PEAK_RSS_BOUND_MB = 200;

let database: TestDatabase;
let db: Queryable;
let dir: string;

beforeAll(async () => {
	if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first with "npx tsc -p tsconfig.build.json" (npm test does it)`);
	database = await createTestDatabase();
	db = database.pglite ?? database.pool;
	dir = mkdtempSync(join(tmpdir(), 'radtop-export-memory-'));
	// Closed sessions over 30 days with realistic widths; every 50,000th username needs quoting or the guard.
	await db.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, nasporttype, acctstarttime, acctupdatetime,
			acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid, acctterminatecause, framedipaddress)
		SELECT upper(lpad(to_hex(i), 8, '0')), md5('radtop-memory-' || i),
			CASE WHEN i % 50000 = 7 THEN '=cmd|'' /C calc''!A0' WHEN i % 50000 = 11 THEN E'two\\r\\nlines, "quoted"'
				ELSE 'user' || (i * 7919) % 60000 || '@isp.example' END,
			'10.20.0.0'::inet + (1 + i % 6), 'Virtual', start, start + interval '1 hour', start + interval '1 hour', 3600,
			i * 1000, i::bigint * 100000, 'AA:BB:CC:' || upper(lpad(to_hex(i % 256), 2, '0')) || ':00:01', 'User-Request',
			'100.64.0.0'::inet + i % 4000000
		FROM generate_series(1, $1::bigint) AS g(i)
		CROSS JOIN LATERAL (SELECT now() - interval '31 days' + i * interval '5 seconds' AS start) AS t`,
		[ROWS],
	);
}, 600_000);

afterAll(async () => {
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

interface ChildRun {
	readonly code: number | null;
	readonly stderr: string;
	readonly maxRssMb: number;
}

/** radtop's runMain() in a child that reports its own peak RSS (process.resourceUsage().maxRSS, in KiB) on exit. */
function exportInChild(args: readonly string[]): Promise<ChildRun> {
	const script =
		`const {runMain} = await import(${JSON.stringify(MAIN)});\n` +
		'const code = await runMain(process.argv.slice(1), {stdout: process.stdout, stderr: process.stderr, env: process.env});\n' +
		'process.stderr.write(`\\nmaxRSS=${process.resourceUsage().maxRSS}\\n`);\n' +
		'process.exit(code);\n';
	const env: NodeJS.ProcessEnv = {...process.env, RADTOP_CONFIG_DIR: dir, NO_COLOR: '1'};
	for (const name of ['DATABASE_URL', 'PGPASSWORD', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE']) delete env[name];
	return new Promise((resolvePromise, reject) => {
		const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
			cwd: dir,
			env,
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
		const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			const rss = /maxRSS=(\d+)/.exec(stderr);
			resolvePromise({code, stderr, maxRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN});
		});
	});
}

it(`exports ${ROWS.toLocaleString('en-US')} sessions whole, as valid CSV, with peak RSS under ${PEAK_RSS_BOUND_MB} MB`, async () => {
	const file = join(dir, 'history.csv');
	const from = new Date(Date.now() - 32 * 86_400_000).toISOString();
	const run = await exportInChild(['export', '--db', database.url, '--status', 'closed', '--from', from, '-o', file]);
	expect(run.code, run.stderr).toBe(0);
	expect(run.stderr).toContain(`wrote ${ROWS.toLocaleString('en-US')} sessions to ${file}`);
	expect(run.maxRssMb, run.stderr).toBeLessThan(PEAK_RSS_BOUND_MB);
	expect(statSync(file).size).toBeGreaterThan(50 * 1024 * 1024);

	const records = parseCsv(readFileSync(file, 'utf8'));
	expect(records[0]).toEqual([...DEFAULT_EXPORT_COLUMNS]);
	expect(records).toHaveLength(ROWS + 1);
	expect(records.every((record) => record.length === DEFAULT_EXPORT_COLUMNS.length)).toBe(true);
	// Newest first, each row exactly once.
	const ids = records.slice(1).map((record) => Number(record[0]));
	expect(new Set(ids).size).toBe(ROWS);
	expect(ids[0]).toBe(ROWS);
	expect(ids.at(-1)).toBe(1);
	const usernames = records.slice(1).map((record) => record[1]);
	expect(usernames.filter((name) => name === "'=cmd|' /C calc'!A0")).toHaveLength(ROWS / 50_000);
	expect(usernames.filter((name) => name === 'two\r\nlines, "quoted"')).toHaveLength(ROWS / 50_000);
	const {rows} = await db.query('SELECT sum(acctoutputoctets)::text AS down FROM radacct');
	expect(
		records
			.slice(1)
			.reduce((sum, record) => sum + BigInt(record[11]!), 0n)
			.toString(),
	).toBe(rows[0].down);
}, 600_000);
