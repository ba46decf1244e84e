/**
 * `radtop export --columns` with the subscriber columns, run as a user runs it against a real database: plan,
 * limits, remaining and the billing query's columns beside radacct's, over more sessions than one batch of
 * the enrichment; a billing query that errors leaves its cells empty with one line on stderr, and the file
 * is still written.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {EXPORT_BATCH} from '../../source/subscribers/enriched-export.js';
import {assertBuilt, runCli} from '../helpers/cli.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const PASSWORD = 'cleartext-never-exported-7';
/** More sessions than one batch: the enrichment of every batch is seen. */
const BULK = EXPORT_BATCH + 25;
let db: TestDatabase;
let configDir: string;

function exec(sql: string): Promise<unknown> {
	return db.pglite ? db.pglite.exec(sql) : db.pool.query(sql);
}

function profile(settings: Record<string, unknown>): void {
	writeFileSync(
		join(configDir, 'config.json'),
		JSON.stringify({defaultProfile: 'noc', profiles: {noc: {database: db.url, ...settings}}}),
		{mode: 0o600},
	);
}

async function radtopExport(args: readonly string[]) {
	const run = await runCli(['export', '--sort', 'user', '--order', 'asc', ...args], {
		env: {RADTOP_CONFIG_DIR: configDir},
		cwd: configDir,
		timeoutMs: 60_000,
	});
	expect(run.stdout + run.stderr).not.toContain(PASSWORD);
	return {...run, stderrLines: run.stderr.split('\n').filter((line) => line !== '')};
}

beforeAll(async () => {
	assertBuilt();
	configDir = mkdtempSync(join(tmpdir(), 'radtop-export-subscriber-'));
	db = await createTestDatabase();
	await exec(FREERADIUS_AUTHORISATION_SQL);
	await exec(`
		CREATE TABLE subscribers (username text PRIMARY KEY, full_name text, service text);
		INSERT INTO subscribers VALUES ('alice', 'Alice Liddell', 'Fiber 100'), ('bob', '=HYPERLINK("x")', 'DSL');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'fiber-100', 1), ('bob', 'dsl-20', 1);
		INSERT INTO radusergroup (username, groupname, priority) SELECT 'bulk' || lpad(n::text, 5, '0'), 'bulk-plan', 1 FROM generate_series(1, ${BULK}) AS n;
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
			('fiber-100', 'Session-Timeout', '=', '86400'), ('fiber-100', 'Mikrotik-Rate-Limit', '=', '100M/100M'),
			('dsl-20', 'Session-Timeout', '=', '3600'), ('bulk-plan', 'Session-Timeout', '=', '7200');
		INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES ('fiber-100', 'Simultaneous-Use', ':=', '2');
		INSERT INTO radcheck (username, attribute, op, value) VALUES ('alice', 'Cleartext-Password', ':=', '${PASSWORD}');
		INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime) VALUES
			('s-alice', 'u-alice', 'alice', '10.20.0.2', now() - interval '1 hour', now()),
			('s-bob', 'u-bob', 'bob', '10.20.0.2', now() - interval '72 minutes', now());
		INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime)
			SELECT 's-' || n, 'u-' || n, 'bulk' || lpad(n::text, 5, '0'), '10.20.0.3', now() - interval '1 hour', now() FROM generate_series(1, ${BULK}) AS n;
	`);
}, 120_000);

afterAll(async () => {
	await db?.close();
	if (configDir) rmSync(configDir, {recursive: true, force: true});
});

const COLUMNS = 'username,plan,session_timeout,rate_limit,simultaneous_use,remaining,over_time,full_name,service';

describe('radtop export with subscriber columns', () => {
	it('writes plan, limits, remaining and the billing columns for every batch of rows', async () => {
		profile({billingQuery: 'SELECT username, full_name, service FROM subscribers WHERE username = ANY ($1::text[])'});
		const run = await radtopExport(['--columns', COLUMNS, '-o', 'out.csv']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderrLines).toEqual([expect.stringMatching(/^radtop: wrote 1,027 sessions to /)]);
		const records = parseCsv(readFileSync(join(configDir, 'out.csv'), 'utf8'));
		expect(records[0]).toEqual(COLUMNS.split(','));
		expect(records).toHaveLength(BULK + 3);
		const alice = records[1]!;
		expect(alice.slice(0, 5)).toEqual(['alice', 'fiber-100', '86400', '100M/100M', '2']);
		expect(alice[5]).toMatch(/^2[23]h\d*m? \(9[56]%\)$/);
		expect(alice.slice(6)).toEqual(['', 'Alice Liddell', 'Fiber 100']);
		const bob = records[2]!;
		expect(bob.slice(0, 5)).toEqual(['bob', 'dsl-20', '3600', '', '']);
		expect(bob[5]).toMatch(/^over by 1[12]m/);
		// The billing value a spreadsheet would run is guarded like radacct's text.
		expect(bob.slice(6)).toEqual(['yes', `'=HYPERLINK("x")`, 'DSL']);
		const bulk = records.slice(3);
		expect(bulk.every((record) => record[1] === 'bulk-plan' && record[2] === '7200' && /^(59|1h)/.test(record[5]!))).toBe(true);
		expect(bulk.at(-1)![0]).toBe(`bulk${String(BULK).padStart(5, '0')}`);
	}, 60_000);

	it('a billing query that errors: empty billing cells, one line on stderr, the file still written', async () => {
		profile({billingQuery: 'SELECT username, full_name FROM no_such_billing WHERE username = ANY ($1::text[])'});
		const run = await radtopExport(['--columns', 'username,plan,full_name', '-o', 'failed.csv']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderrLines).toEqual([
			'radtop: billing query failed: relation "no_such_billing" does not exist',
			expect.stringMatching(/^radtop: wrote 1,027 sessions to /),
		]);
		const records = parseCsv(readFileSync(join(configDir, 'failed.csv'), 'utf8'));
		expect(records).toHaveLength(BULK + 3);
		expect(records[1]).toEqual(['alice', 'fiber-100', '']);
		expect(records.slice(1).every((record) => record[2] === '')).toBe(true);
	}, 60_000);

	it('streams to stdout, and refuses a billing column without a billing query', async () => {
		profile({});
		const run = await radtopExport(['--columns', 'username,plan,remaining', '--search', 'alice']);
		expect(run.code, run.stderr).toBe(0);
		expect(
			parseCsv(run.stdout)
				.slice(0, 2)
				.map((record) => record.slice(0, 2)),
		).toEqual([
			['username', 'plan'],
			['alice', 'fiber-100'],
		]);
		const refused = await radtopExport(['--columns', 'username,full_name']);
		expect(refused.code).toBe(2);
		expect(refused.stderrLines).toEqual([
			expect.stringMatching(/^radtop: --columns: unknown column "full_name" \(no billing-query is set/),
		]);
		expect(refused.stdout).toBe('');
		profile({billingQuery: 'SELECT username, full_name FROM subscribers WHERE username = ANY ($1::text[])'});
		const missing = await radtopExport(['--columns', 'username,password', '-o', 'never.csv']);
		expect(missing.code).toBe(2);
		expect(missing.stderrLines).toEqual(['radtop: --columns: unknown column "password" (the billing query returns full_name)']);
		expect(existsSync(join(configDir, 'never.csv'))).toBe(false);
	}, 60_000);
});
