/**
 * `radtop doctor` as an operator runs it: the built CLI in a child process against a database with the stock
 * FreeRADIUS schema, and NAS on loopback given in a config profile: a healthy setup (a NAS that NAKs a session
 * that cannot exist, signed with the right secret; a RouterOS API that accepts the login) and broken ones
 * (a missing index, no radacct, a NAS whose CoA port is closed, one with another secret, a wrong API password).
 *
 * With the embedded database (no DATABASE_URL), PGlite serves one socket connection: the CLI child takes it,
 * and this process changes the database through the PGlite instance itself.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import dgram from 'node:dgram';
import {once} from 'node:events';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {NasOverride} from '../../source/nas/nas-override.js';
import type {CheckResult} from '../../source/doctor/check.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {FakeRouterOs} from '../helpers/fake-routeros.js';
import {assertBuilt, runCli, runMainInProcess, type CliRun} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const RUN_TIMEOUT_MS = 60_000;
const STOCK_SCHEMA = process.env['RADTOP_STOCK_SCHEMA'] ?? '/etc/freeradius/3.0/mods-config/sql/main/postgresql/schema.sql';
const SECRET = 'doctor-cli-secret';
const OTHER_SECRET = 'the-nas-has-another';
const API_PASSWORD = 'doctor-api-pass';
const WRONG_API_PASSWORD = 'doctor-wrong-pass';
const NAK_503 = {code: PacketCode.DisconnectNak, attributes: [{name: 'Error-Cause', value: 503}]} as const;

let database: TestDatabase;
let good: FakeCoaNas;
let otherSecret: FakeCoaNas;
let shortSecret: FakeCoaNas;
let router: FakeRouterOs;
let dir: string;
let configDir: string;

/** Runs SQL in this process without taking the embedded database's one socket connection. */
function exec(sql: string): Promise<unknown> {
	return database.pglite ? database.pglite.exec(sql) : database.pool.query(sql);
}

async function freeUdpPort(): Promise<number> {
	const socket = dgram.createSocket('udp4');
	socket.bind(0, '127.0.0.1');
	await once(socket, 'listening');
	const {port} = socket.address();
	await new Promise<void>((resolvePromise) => socket.close(() => resolvePromise()));
	return port;
}

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	if (existsSync(STOCK_SCHEMA)) {
		// FreeRADIUS's own file, where it is installed (CI); else radtop's copy, which stock-schema.test.ts holds to it.
		await exec('DROP TABLE radacct; DROP TABLE nas;');
		await exec(readFileSync(STOCK_SCHEMA, 'utf8'));
	}
	await exec(`
		INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctinterval, framedipaddress)
		VALUES ('81a00001', 'u1', 'alice', '10.20.0.1', now() - interval '1 hour', now() - interval '1 minute', 300, '100.64.0.1'),
			('81a00002', 'u2', 'bob', '10.20.0.1', now() - interval '2 hours', now() - interval '2 minutes', 300, '100.64.0.2');
		INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctstoptime)
		VALUES ('81a00003', 'u3', 'carol', '10.20.0.1', now() - interval '3 hours', now() - interval '1 hour');
	`);

	good = await startFakeCoaNas({secret: SECRET, answer: () => NAK_503});
	// Answers (it knows us), but signs with the secret it has, not ours.
	otherSecret = await startFakeCoaNas({secret: SECRET, answer: () => ({...NAK_503, secret: OTHER_SECRET})});
	// A secret that is also a word of radtop's own text; the NAS answers with another.
	shortSecret = await startFakeCoaNas({secret: 'secret', answer: () => ({...NAK_503, secret: 'not-that-one'})});
	router = await FakeRouterOs.start({user: 'radtop', password: API_PASSWORD});
	const closedPort = await freeUdpPort();

	const nas = (ip: string, name: string, coaPort: number, password?: string): NasOverride => ({
		ip,
		name,
		secret: SECRET,
		coaHost: '127.0.0.1',
		coaPort,
		vendor: 'mikrotik',
		...(password ? {api: {host: '127.0.0.1', port: router.port, user: 'radtop', password}} : {}),
	});
	const profiles = {
		healthy: {nas: {'10.20.0.1': nas('10.20.0.1', 'bng-1', good.port, API_PASSWORD)}},
		short: {nas: {'10.20.0.4': {...nas('10.20.0.4', 'bng-4', shortSecret.port), secret: 'secret', vendor: 'cisco'}}},
		broken: {
			nas: {
				'10.20.0.1': nas('10.20.0.1', 'bng-1', good.port, WRONG_API_PASSWORD),
				'10.20.0.2': {...nas('10.20.0.2', 'bng-2', closedPort), vendor: 'cisco'},
				'10.20.0.3': {...nas('10.20.0.3', 'bng-3', otherSecret.port), vendor: 'cisco'},
			},
		},
	} satisfies Record<string, {nas: Record<string, NasOverride>}>;
	dir = mkdtempSync(join(tmpdir(), 'radtop-doctor-cli-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	writeFileSync(join(configDir, 'config.json'), `${JSON.stringify({profiles}, null, '\t')}\n`, {mode: 0o600});
}, 120_000);

afterAll(async () => {
	await Promise.all([good?.close(), otherSecret?.close(), shortSecret?.close(), router?.close()]);
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

interface Run extends CliRun {
	readonly lines: string[];
}

/** `doctor ARGS` with --db, --runs and --timeout unless given. */
function doctorArgv(args: readonly string[]): string[] {
	const defaults = [
		['--db', database.url],
		['--runs', '2'],
		['--timeout', '300'],
	]
		.filter(([flag]) => !args.includes(flag!))
		.flat();
	return ['doctor', ...defaults, ...args];
}

/** `radtop doctor ARGS` (with --db unless given), spawned asynchronously: the fakes answer from this process. */
async function doctor(args: readonly string[]): Promise<Run> {
	const run = await runCli(doctorArgv(args), {env: {RADTOP_CONFIG_DIR: configDir}, timeoutMs: RUN_TIMEOUT_MS});
	return {...run, lines: run.stdout.split('\n')};
}

/** The line of a check, and its fix line when it has one. */
function line(run: Run, status: string, check: string): {text: string; fix?: string} {
	const index = run.lines.findIndex((candidate) => candidate.startsWith(`${status}  ${check} `) || candidate === `${status}  ${check}`);
	expect(index, `no "${status}  ${check}" line in:\n${run.stdout}${run.stderr}`).toBeGreaterThanOrEqual(0);
	const next = run.lines[index + 1];
	return {text: run.lines[index]!, ...(next?.startsWith('      fix: ') ? {fix: next.slice('      fix: '.length)} : {})};
}

function expectNoSecret(run: Run): void {
	for (const secret of [SECRET, OTHER_SECRET, API_PASSWORD, WRONG_API_PASSWORD])
		expect(run.stdout + run.stderr, 'a secret was printed').not.toContain(secret);
}

describe('radtop doctor', () => {
	it('passes a healthy setup: stock indexes, a NAS that NAKs with our secret, an API that lets us in', async () => {
		const run = await doctor(['--profile', 'healthy']);
		expect(
			run.lines.filter((text) => text.startsWith('fail')),
			run.stdout,
		).toEqual([]);
		expect(run.code, run.stdout + run.stderr).toBe(0);
		line(run, 'pass', 'database');
		line(run, 'pass', 'table radacct');
		for (const index of ['radacct_pkey', 'radacct_bulk_close', 'radacct_start_user_idx', 'radacct_active_session_idx'])
			line(run, 'pass', `index ${index}`);
		expect(line(run, 'pass', 'rows').text).toContain('3 rows (counted), 2 open');
		expect(run.lines.some((text) => / {2}poll: per-NAS open counts {2,}p50 [\d.]+ m?s over 2 runs/.test(text))).toBe(true);
		expect(line(run, 'pass', 'nas bng-1 (10.20.0.1): secret').text).toContain('2 open sessions');
		expect(line(run, 'pass', 'nas bng-1 (10.20.0.1): source address').text).toContain('the NAS sees radtop as 127.0.0.1');
		expect(line(run, 'pass', `nas bng-1 (10.20.0.1): CoA 127.0.0.1:${good.port}`).text).toContain(
			'NAK (Session-Context-Not-Found (503))',
		);
		expect(line(run, 'pass', 'nas bng-1 (10.20.0.1): RouterOS API').text).toContain(`logged in at 127.0.0.1:${router.port} as radtop`);
		expect(run.lines.at(-2)).toMatch(/^radtop doctor: \d+ pass, \d+ warn, 0 fail$/);
		expectNoSecret(run);
	});

	it('fails a closed CoA port, a NAS with another secret and a wrong API password, each with its fix', async () => {
		const run = await doctor(['--profile', 'broken']);
		expect(run.code, run.stdout + run.stderr).toBe(1);
		const api = line(run, 'fail', 'nas bng-1 (10.20.0.1): RouterOS API');
		expect(api.text).toContain('login refused: invalid user name or password');
		expect(api.fix).toContain('check the API user and password');
		const silent = line(run, 'fail', 'nas bng-2 (10.20.0.2): CoA');
		expect(silent.text).toContain('no answer in 2 tries');
		expect(silent.text).toContain('the NAS does not know this host as a client / wrong secret');
		const wrong = line(run, 'fail', 'nas bng-3 (10.20.0.3): CoA');
		expect(wrong.text).toContain('wrong shared secret');
		expect(wrong.fix).toContain('the one the NAS has for the client 127.0.0.1');
		line(run, 'pass', `nas bng-1 (10.20.0.1): CoA 127.0.0.1:${good.port}`);
		expectNoSecret(run);
	});

	it('scrubs a secret out of what the NAS and the database say, not out of its own words', async () => {
		const run = await doctor(['--profile', 'short']);
		expect(run.code, run.stdout + run.stderr).toBe(1);
		expect(line(run, 'pass', 'nas bng-4 (10.20.0.4): secret').text).toContain("secret from radtop's config");
		const coa = line(run, 'fail', `nas bng-4 (10.20.0.4): CoA 127.0.0.1:${shortSecret.port}`);
		expect(coa.text).toContain('wrong shared secret');
		expect(run.stdout).not.toContain('***');
	});

	it('fails a missing index the poll relies on, with the statement that creates it', async () => {
		await exec('DROP INDEX radacct_bulk_close');
		try {
			const run = await doctor(['--profile', 'healthy', '--no-nas']);
			expect(run.code, run.stdout + run.stderr).toBe(1);
			expect(line(run, 'fail', 'index radacct_bulk_close').fix).toBe(
				'CREATE INDEX CONCURRENTLY radacct_bulk_close ON radacct (nasipaddress, acctstarttime) WHERE acctstoptime IS NULL;',
			);
			expect(run.stdout).not.toContain('nas bng-1');
		} finally {
			await exec('CREATE INDEX radacct_bulk_close ON radacct (nasipaddress, acctstarttime) WHERE acctstoptime IS NULL');
		}
	});

	it.runIf(Boolean(process.env['DATABASE_URL']))(
		'reports a radacct locked by another session as a fail line and prints every other check',
		async () => {
			const holder = new pg.Client({connectionString: database.url});
			await holder.connect();
			try {
				await holder.query('BEGIN');
				await holder.query('LOCK TABLE radacct IN ACCESS EXCLUSIVE MODE');
				const run = await doctor(['--profile', 'healthy']);
				expect(run.code, run.stdout + run.stderr).toBe(1);
				expect(line(run, 'fail', 'rows').text).toContain('statement timeout');
				line(run, 'pass', 'table radacct');
				// pg_get_indexdef waits for the lock as well.
				expect(line(run, 'fail', 'indexes').text).toContain('statement timeout');
				line(run, 'pass', 'table nas');
				line(run, 'pass', 'nas bng-1 (10.20.0.1): RouterOS API');
				expect(run.lines.at(-2)).toMatch(/^radtop doctor: \d+ pass, \d+ warn, 2 fail$/);
				expect(run.stderr).toBe('');
			} finally {
				await holder.query('ROLLBACK');
				await holder.end();
			}
		},
	);

	it('fails a database without radacct and stops the database checks there', async () => {
		await exec('ALTER TABLE radacct RENAME TO radacct_elsewhere');
		try {
			const run = await doctor(['--no-nas']);
			expect(run.code, run.stdout + run.stderr).toBe(1);
			const table = line(run, 'fail', 'table radacct');
			expect(table.text).toContain('no radacct table in');
			expect(table.fix).toContain("point radtop at FreeRADIUS's database");
			expect(run.stdout).not.toContain('index radacct_bulk_close');
			expect(run.stderr).toBe('');
		} finally {
			await exec('ALTER TABLE radacct_elsewhere RENAME TO radacct');
		}
	});

	it('fails an unreachable database as one line, and still checks the NAS of the config', async () => {
		const port = await freeUdpPort();
		const run = await doctor(['--db', `postgres://radtop@127.0.0.1:${port}/radius`, '--profile', 'healthy']);
		expect(run.code).toBe(1);
		expect(line(run, 'fail', 'database').text).toContain(`connection refused (127.0.0.1:${port})`);
		line(run, 'pass', 'nas bng-1 (10.20.0.1): RouterOS API');
	});

	it('prints JSON for scripts, limited to the NAS asked for', async () => {
		const run = await doctor(['--profile', 'broken', '--nas', 'bng-3', '--json']);
		expect(run.code).toBe(1);
		const report = JSON.parse(run.stdout) as {checks: CheckResult[]; summary: {pass: number; warn: number; fail: number}};
		const nasChecks = report.checks.filter((check) => check.check.startsWith('nas '));
		expect(new Set(nasChecks.map((check) => check.check.split(':')[0]))).toEqual(new Set(['nas bng-3 (10.20.0.3)']));
		expect(report.checks.find((check) => check.check.startsWith('nas bng-3 (10.20.0.3): CoA'))).toMatchObject({
			status: 'fail',
			fix: expect.any(String),
		});
		expect(report.summary.fail).toBe(report.checks.filter((check) => check.status === 'fail').length);
		expectNoSecret(run);
	});

	it('refuses bad flags with one line and exit code 2', async () => {
		for (const args of [['--runs', '0'], ['--nas', 'bng-1', '--no-nas'], ['--bogus'], ['--profile', 'healthy', '--nas=']]) {
			const run = await runMainInProcess(doctorArgv(args), {env: {RADTOP_CONFIG_DIR: configDir}});
			expect(run.code, args.join(' ')).toBe(2);
			expect(run.stderr).toMatch(/^radtop: [^\n]+\n$/);
			expect(run.stdout).toBe('');
		}
		// An unknown NAS is found once the profile is read, by the command itself: the built CLI.
		const run = await doctor(['--profile', 'healthy', '--nas', 'no-such-nas']);
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/^radtop: [^\n]+\n$/);
		expect(run.stdout).toBe('');
	});
});
