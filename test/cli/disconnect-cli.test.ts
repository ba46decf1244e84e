/**
 * `radtop disconnect` as an operator runs it: the built CLI in a child process, against a test database seeded
 * with a small network and a simulated NAS for each of its 6 NAS on 127.0.0.1 (in this process), reached
 * through the NAS overrides of a config profile. The simulator, not radtop, writes the Accounting-Stops.
 *
 * With the embedded database (no DATABASE_URL), PGlite serves one socket connection: the CLI child takes it,
 * and everything in this process (seeding, the simulator, the checks) goes to the PGlite instance directly.
 * The child must be spawned asynchronously: the simulator answers from this process's event loop.
 *
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.build.json` when running vitest on its own.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {AuditBeginRecord, AuditEndRecord, DisconnectAuditRecord} from '../../source/disconnect/audit-records.js';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {recordStarts, type StartEvent} from '../../source/demo/accounting.js';
import {simulatorOverrides} from '../../source/demo/demo-network.js';
import {DEMO_API_PASSWORD, demoSimulatorConfig, startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {DEMO_NAS} from '../../source/demo/network.js';
import {seedDemoDatabase} from '../../source/demo/seed.js';
import type {DisconnectResult} from '../../source/disconnect/result.js';
import type {Queryable} from '../../source/db/queryable.js';
import {assertBuilt, runCli, type CliRun} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const RUN_TIMEOUT_MS = 25_000;
const PROFILE = 'sim';
const TWICE = 'twice@isp.example';

const ip = (name: string): string => DEMO_NAS.find((nas) => nas.name === name)!.ip;

let database: TestDatabase;
/** This process's way into the database: PGlite itself when embedded, else the pool. */
let db: Queryable;
let simulator: NasSimulator;
let dir: string;
let configDir: string;
let stateDir: string;
/** The audit log every run writes to unless a test gives its own. */
let sharedAuditLog: string;
let secrets: string[];
const outputs: Array<{args: string; text: string}> = [];
/** Runs that reached the engine (so wrote a begin and an end record to the shared audit log). */
let auditedRuns = 0;

beforeAll(async () => {
	assertBuilt();
	database = await createTestDatabase();
	db = database.pglite ?? database.pool;
	await seedDemoDatabase(db as Queryable & {exec?: (sql: string) => Promise<unknown>}, {
		openSessions: 40,
		closedSessions: 20,
		seed: 4242,
	});
	// A user with two open sessions, on a MikroTik and on a Juniper, as FreeRADIUS records their starts.
	const now = Math.floor(Date.now() / 1000);
	const start = (nas: string, acctSessionId: string, framedIpAddress: string, mac: string): StartEvent => ({
		acctSessionId,
		acctUniqueId: `twice-${acctSessionId}`,
		userName: TWICE,
		realm: 'isp.example',
		nasIpAddress: ip(nas),
		nasPortId: 'vlan200',
		nasPortType: 'Ethernet',
		timestamp: now - 900,
		connectInfo: 'GPON',
		calledStationId: `pppoe-${nas}`,
		callingStationId: mac,
		serviceType: 'Framed-User',
		framedProtocol: 'PPP',
		framedIpAddress,
	});
	await recordStarts(db, [
		start('bng-1', 'f1a00001', '100.64.200.1', 'DC:2C:6E:AA:00:01'),
		start('bng-4', 'f4a00001', '100.112.200.1', 'dc:2c:6e:aa:00:02'),
	]);

	simulator = await startNasSimulator({db, nas: demoSimulatorConfig(), stopDelayMs: 20, seed: 7});
	const overrides: Record<string, NasOverride> = Object.fromEntries(
		simulatorOverrides(simulator.nas).map((override, index) => {
			const nas = simulator.nas[index]!;
			return [nas.name, {...override}];
		}),
	);
	dir = mkdtempSync(join(tmpdir(), 'radtop-disconnect-cli-'));
	configDir = join(dir, 'config');
	stateDir = join(dir, 'state');
	sharedAuditLog = join(dir, 'audit', 'audit.log');
	mkdirSync(configDir, {mode: 0o700});
	writeFileSync(
		join(configDir, 'config.json'),
		`${JSON.stringify({profiles: {[PROFILE]: {nas: overrides}, restricted: {nas: overrides, allowedNas: ['bng-1']}}}, null, '\t')}\n`,
		{mode: 0o600},
	);
	const urlPassword = decodeURIComponent(new URL(database.url).password);
	secrets = [...DEMO_NAS.map((nas) => nas.secret), DEMO_API_PASSWORD, ...(urlPassword ? [urlPassword] : [])];
});

afterAll(async () => {
	await simulator?.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

afterEach(() => {
	for (const nas of simulator.nas) simulator.setFaults(nas.name, {nakAll: false, wrongSecret: false, dropRate: 0});
});

/** `radtop disconnect ARGS --db URL --profile sim --audit-log ...`, with stdin a pipe (not a terminal) closed at once. */
async function radtop(args: readonly string[], options: {auditLog?: string; profile?: string} = {}): Promise<CliRun> {
	const argv = [
		'disconnect',
		...args,
		'--db',
		database.url,
		'--profile',
		options.profile ?? PROFILE,
		'--audit-log',
		options.auditLog ?? sharedAuditLog,
	];
	const run = await runCli(argv, {env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: stateDir}, timeoutMs: RUN_TIMEOUT_MS});
	outputs.push({args: args.join(' '), text: run.stdout + run.stderr});
	return run;
}

function expectNoSecret(text: string): void {
	for (const secret of secrets) expect(text, 'a secret was printed').not.toContain(secret);
}

/** CoA datagrams and API sentences the simulated NAS have received, all together. */
function received(): number {
	return simulator.nas.reduce((sum, nas) => {
		const stats = simulator.stats(nas.name);
		return sum + stats.received + stats.apiCommands;
	}, 0);
}

async function openSessions(nasName: string): Promise<Array<{id: string; username: string}>> {
	const {rows} = await db.query(
		'SELECT radacctid::text AS id, username FROM radacct WHERE nasipaddress = $1::inet AND acctstoptime IS NULL ORDER BY radacctid',
		[ip(nasName)],
	);
	return rows as Array<{id: string; username: string}>;
}

async function row(id: string): Promise<{stopped: boolean; cause: string | null}> {
	const {rows} = await db.query(
		'SELECT acctstoptime IS NOT NULL AS stopped, acctterminatecause AS cause FROM radacct WHERE radacctid = $1::bigint',
		[id],
	);
	return rows[0] as {stopped: boolean; cause: string | null};
}

async function snapshot(): Promise<string> {
	const {rows} = await db.query(
		`SELECT radacctid::text AS id, acctstoptime::text AS stop, acctterminatecause AS cause, acctupdatetime::text AS updated,
			acctinputoctets::text AS input, acctoutputoctets::text AS output FROM radacct ORDER BY radacctid`,
	);
	return JSON.stringify(rows);
}

function readAudit(path: string): DisconnectAuditRecord[] {
	return readFileSync(path, 'utf8')
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => JSON.parse(line) as DisconnectAuditRecord);
}

describe('radtop disconnect against simulated NAS', () => {
	it("a profile's allowedNas holds here too: the dry run shows what it leaves out", async () => {
		// First: later tests disconnect this user.
		const run = await radtop(['--user', TWICE, '--dry-run'], {profile: 'restricted'});
		// A dry run is audited too.
		auditedRuns++;
		expect(run.code).toBe(0);
		expect(run.stdout).toContain(`user "${TWICE}" (open sessions): 2 open sessions`);
		expect(run.stdout).toMatch(/not sent \(1\): bng-4 \(10\.20\.0\.4\) is not among the NAS this action may touch/);
		expect(run.stdout).toMatch(/bng-4 +not sent: bng-4 \(10\.20\.0\.4\) is not among the NAS/);
	});

	it('a dry run in which every session would be not sent exits 3; one that would send some exits 0', async () => {
		const sessions = await openSessions('bng-4');
		expect(sessions.length).toBeGreaterThan(0);
		const packets = received();
		const blocked = await radtop(['--nas', 'bng-4', '--dry-run'], {profile: 'restricted'});
		auditedRuns++;
		expect(blocked.code, blocked.stderr + blocked.stdout).toBe(3);
		expect(blocked.stdout).toContain(`${sessions.length} not sent`);
		const allowed = await radtop(['--nas', 'bng-1', '--dry-run'], {profile: 'restricted'});
		auditedRuns++;
		expect(allowed.code, allowed.stderr + allowed.stdout).toBe(0);
		expect(received()).toBe(packets);
	});

	it('nothing matched is exit 3 alike for --session, --user, --nas and a filter, and sends nothing', async () => {
		const packets = received();
		const runs = {
			session: await radtop(['--session', '987654320', '--dry-run']),
			user: await radtop(['--user', 'nobody-at-all@isp.example', '--yes']),
			filter: await radtop(['--all-matching', '--search', 'nobody-at-all', '--yes']),
			nas: await radtop(['--nas', 'bng-4', '--search', 'nobody-at-all', '--all-matching', '--yes']),
		};
		for (const [flag, run] of Object.entries(runs)) {
			expect(run.code, `${flag}: ${run.stderr}`).toBe(3);
			expect(run.stderr, flag).toContain('radtop: no open session to disconnect');
		}
		expect(received()).toBe(packets);
	});

	it('--dry-run --nas bng-2 lists every session with its method and sends nothing', async () => {
		const sessions = await openSessions('bng-2');
		expect(sessions.length).toBeGreaterThanOrEqual(2);
		const before = await snapshot();
		const packets = received();
		const run = await radtop(['--dry-run', '--nas', 'bng-2']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain(`bng-2 (${ip('bng-2')}): ${sessions.length} · CoA 127.0.0.1:`);
		expect(run.stdout).toContain('then RouterOS API if no answer');
		expect(run.stdout).toMatch(/RADACCTID\s+USER\s+NAS\s+METHOD/);
		for (const session of sessions) {
			expect(run.stdout).toMatch(new RegExp(`^\\s*${session.id}\\s+\\S.*\\sbng-2\\s+coa then api$`, 'm'));
		}
		expect(run.stdout).toContain(`dry run, nothing sent: ${sessions.length} sessions: ${sessions.length} not sent`);
		expect(received()).toBe(packets);
		expect(await snapshot()).toBe(before);
		auditedRuns++;
	});

	it('--session ID disconnects one session without --yes: ACK, and the Accounting-Stop the NAS wrote confirms it', async () => {
		const [session] = await openSessions('bng-1');
		const stopsBefore = simulator.stats('bng-1').stopsWritten;
		const run = await radtop(['--session', session!.id]);
		expect(run.code, run.stderr + run.stdout).toBe(0);
		expect(run.stdout).toMatch(new RegExp(`^coa\\s+${escape(session!.username)}\\s+bng-1\\s+ACK in [\\d.]+ ms · stop confirmed$`, 'm'));
		expect(run.stdout).toContain('1 session: 1 coa · 1 of 1 confirmed by Accounting-Stop');
		expect(run.stderr).toContain(`session ${session!.id}: 1 open session`);
		expect(await row(session!.id)).toEqual({stopped: true, cause: 'Admin-Reset'});
		// The simulated NAS wrote that stop (as FreeRADIUS records a NAS's Accounting-Stop); radtop writes none.
		expect(simulator.stats('bng-1')).toMatchObject({acked: 1, disconnects: 1});
		expect(simulator.stats('bng-1').stopsWritten).toBe(stopsBefore + 1);
		auditedRuns++;
	});

	it('--user with 2 sessions: refused without --yes when stdin is not a terminal, nothing sent; done with --yes', async () => {
		const packets = received();
		const refused = await radtop(['--user', TWICE]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain('radtop: refusing to disconnect 2 sessions without --yes (stdin is not a terminal)');
		expect(refused.stdout).toBe('');
		expect(received()).toBe(packets);
		const {rows: open} = await db.query(
			'SELECT radacctid::text AS id FROM radacct WHERE username = $1 AND acctstoptime IS NULL ORDER BY radacctid',
			[TWICE],
		);
		expect(open).toHaveLength(2);

		const done = await radtop(['--user', TWICE, '--yes', '--reason', 'customer asked for a reset']);
		expect(done.code, done.stderr + done.stdout).toBe(0);
		expect(done.stdout).toMatch(new RegExp(`^coa\\s+${escape(TWICE)}\\s+bng-1\\s+ACK in`, 'm'));
		expect(done.stdout).toMatch(new RegExp(`^coa\\s+${escape(TWICE)}\\s+bng-4\\s+ACK in`, 'm'));
		expect(done.stdout).toContain('2 sessions: 2 coa · 2 of 2 confirmed by Accounting-Stop');
		for (const {id} of open as Array<{id: string}>) expect(await row(id)).toEqual({stopped: true, cause: 'Admin-Reset'});
		auditedRuns++;
	});

	it('an already closed session: "already closed", nothing sent, exit 0; also in --json', async () => {
		const {rows} = await db.query(
			"SELECT radacctid::text AS id, username FROM radacct WHERE acctstoptime IS NOT NULL AND acctterminatecause <> 'Admin-Reset' ORDER BY radacctid LIMIT 1",
		);
		const {id, username} = rows[0] as {id: string; username: string};
		const before = await snapshot();
		const packets = received();
		const run = await radtop(['--session', id]);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain(`session ${id}: 0 open sessions, 1 already closed (nothing sent)`);
		expect(run.stdout).toMatch(new RegExp(`^already closed ${escape(username)}\\s+\\S+\\s+closed in radacct at \\S+ \\(\\S+\\)$`, 'm'));
		expect(run.stdout).toContain('1 session: 1 already closed');
		auditedRuns++;

		const json = await radtop(['--session', id, '--json']);
		expect(json.code, json.stderr).toBe(0);
		const result = JSON.parse(json.stdout) as DisconnectResult;
		expect(result.results).toEqual([expect.objectContaining({radacctid: id, outcome: 'already_closed'})]);
		expect(result.results[0]!.method).toBeUndefined();
		auditedRuns++;
		expect(received()).toBe(packets);
		expect(await snapshot()).toBe(before);
	});

	it('a radacctid radacct does not have makes the run a partial failure (exit 3), in text and in --json', async () => {
		const [session] = await openSessions('bng-1');
		const absent = '987654321';
		const run = await radtop(['--session', session!.id, '--session', absent, '--confirm-within', '0']);
		expect(run.code, run.stderr + run.stdout).toBe(3);
		expect(run.stderr).toContain(`session ${absent} is not in radacct`);
		expect(run.stdout).toMatch(/^1 session: 1 coa$/m);
		auditedRuns++;

		const alone = await radtop(['--session', absent, '--json']);
		expect(alone.code).toBe(3);
		expect(JSON.parse(alone.stdout)).toMatchObject({results: [], missing: [absent]});
		expect(alone.stderr).toContain('radtop: no open session to disconnect');
	});

	it('a NAS that NAKs everything: failed with the NAK reason, exit 3, the session stays open', async () => {
		simulator.setFaults('bng-3', {nakAll: true});
		const [session] = await openSessions('bng-3');
		const run = await radtop(['--session', session!.id]);
		expect(run.code).toBe(3);
		expect(run.stdout).toMatch(
			new RegExp(`^failed\\s+${escape(session!.username)}\\s+bng-3\\s+NAK: Resources-Unavailable \\(506\\)$`, 'm'),
		);
		expect(run.stdout).toContain('1 session: 1 failed');
		expect(simulator.stats('bng-3').naksByCause[506]).toBe(1);
		expect(await row(session!.id)).toEqual({stopped: false, cause: null});
		auditedRuns++;
	});

	it('a NAS that signs with another secret: failed, "did not answer", after --retries 1 (2 tries of --timeout 200)', async () => {
		simulator.setFaults('bng-4', {wrongSecret: true});
		const [session] = await openSessions('bng-4');
		const before = simulator.stats('bng-4').received;
		const run = await radtop(['--session', session!.id, '--timeout', '200', '--retries', '1']);
		expect(run.code).toBe(3);
		expect(run.stdout).toMatch(
			new RegExp(
				`^failed\\s+${escape(session!.username)}\\s+bng-4\\s+bng-4 \\(127\\.0\\.0\\.1:\\d+\\) did not answer 2 tries in 0\\.\\d s$`,
				'm',
			),
		);
		expect(simulator.stats('bng-4').received - before).toBe(2);
		auditedRuns++;
	});

	it('--json: one result per session', async () => {
		const sessions = await openSessions('accel-1');
		expect(sessions.length).toBeGreaterThanOrEqual(2);
		const run = await radtop(['--nas', 'accel-1', '--yes', '--json', '--confirm-within', '5']);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout) as DisconnectResult;
		expect(result.results.map((entry) => entry.radacctid).sort()).toEqual(sessions.map((session) => session.id).sort());
		for (const entry of result.results) {
			expect(entry).toMatchObject({
				nasName: 'accel-1',
				nasIp: ip('accel-1'),
				method: 'coa',
				outcome: 'coa',
				stop: 'confirmed',
				terminateCause: 'Admin-Reset',
			});
		}
		expect(result.totals.coa).toBe(sessions.length);
		expect(result.missing).toEqual([]);
		expect(await openSessions('accel-1')).toEqual([]);
		auditedRuns++;
	});

	it('the audit log: a begin and an end record for the action, with operator, reason and outcomes; 0600; no secret', async () => {
		const auditLog = join(dir, 'audit-one', 'audit.log');
		const [session] = await openSessions('hotspot-1');
		const run = await radtop(['--session', session!.id, '--method', 'api', '--reason', 'CHG-2211 abuse report'], {auditLog});
		expect(run.code, run.stderr + run.stdout).toBe(0);
		expect(run.stdout).toMatch(/^api\s+\S+\s+hotspot-1\s+.*· stop confirmed$/m);
		expect(statSync(auditLog).mode & 0o777).toBe(0o600);
		expectNoSecret(readFileSync(auditLog, 'utf8'));
		// Progress records may come between (every 100 sessions or second); the begin and end records frame the run.
		const records = readAudit(auditLog).filter((record) => record.event !== 'disconnect.progress');
		expect(records).toHaveLength(2);
		const [begin, end] = records as [AuditBeginRecord, AuditEndRecord];
		expect(begin).toMatchObject({
			event: 'disconnect.begin',
			reason: 'CHG-2211 abuse report',
			method: 'api',
			dryRun: false,
			target: expect.stringContaining(session!.id),
			planned: {total: 1, ready: 1, blocked: 0, alreadyClosed: 0, perNas: [{nas: 'hotspot-1', ip: ip('hotspot-1'), sessions: 1}]},
		});
		expect(begin.sessions).toEqual([
			{
				radacctid: session!.id,
				username: session!.username,
				acctsessionid: expect.any(String),
				nas: 'hotspot-1',
				nasIp: ip('hotspot-1'),
			},
		]);
		expect(begin.operator.user).toMatch(/\S/);
		expect(begin.operator.sshClient).toBeNull();
		expect(end).toMatchObject({
			event: 'disconnect.end',
			actionId: begin.actionId,
			operator: begin.operator,
			aborted: false,
			missing: [],
		});
		expect(end.totals.api).toBe(1);
		expect(end.sessions).toEqual([
			expect.objectContaining({
				radacctid: session!.id,
				nas: 'hotspot-1',
				nasIp: ip('hotspot-1'),
				method: 'api',
				outcome: 'api',
				stop: 'confirmed',
			}),
		]);
		expect(Date.parse(begin.time)).toBeLessThanOrEqual(Date.parse(end.time));
		expect(await row(session!.id)).toEqual({stopped: true, cause: 'Admin-Reset'});
	});

	it('the shared audit log has a begin and an end line for every action run, 0600, and no secret', () => {
		expect(statSync(sharedAuditLog).mode & 0o777).toBe(0o600);
		const text = readFileSync(sharedAuditLog, 'utf8');
		expectNoSecret(text);
		const all = readAudit(sharedAuditLog);
		const begun = new Set(all.filter((record) => record.event === 'disconnect.begin').map((record) => record.actionId));
		for (const record of all.filter((entry) => entry.event === 'disconnect.progress')) expect(begun.has(record.actionId)).toBe(true);
		const records = all.filter((record) => record.event !== 'disconnect.progress');
		expect(records).toHaveLength(2 * auditedRuns);
		for (let index = 0; index < records.length; index += 2) {
			const begin = records[index] as AuditBeginRecord;
			const end = records[index + 1] as AuditEndRecord;
			expect(begin.event).toBe('disconnect.begin');
			expect(end.event).toBe('disconnect.end');
			expect(end.actionId).toBe(begin.actionId);
			expect(end.sessions.length).toBe(begin.planned.total + begin.planned.alreadyClosed);
			expect(begin.sessions.map((entry) => entry.radacctid).sort()).toEqual(end.sessions.map((entry) => entry.radacctid).sort());
			for (const entry of end.sessions) expect(entry.outcome).toMatch(/^(coa|api|already_closed|not_on_nas|failed|not_sent)$/);
		}
		const reasons = records
			.filter((record): record is AuditBeginRecord => record.event === 'disconnect.begin')
			.map((record) => record.reason);
		expect(reasons).toContain('customer asked for a reset');
	});

	it('no NAS secret, API password or database password appears in the output of any run', () => {
		expect(outputs.length).toBeGreaterThanOrEqual(12);
		for (const {args, text} of outputs) {
			for (const secret of secrets) expect(text, `radtop disconnect ${args}`).not.toContain(secret);
		}
	});
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
