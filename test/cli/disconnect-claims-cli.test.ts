/**
 * Two operators, one NAS: two `radtop disconnect --nas X --yes` processes at once, the built CLI against a
 * PostgreSQL server (two processes need two connections, which the embedded PGlite does not serve), with a
 * simulated NAS in this process counting every request it receives. Each session is sent exactly once in all;
 * the radtop that finds the NAS claimed says who holds it.
 *
 * `npm test` builds dist/ first; run `npm run build` when running vitest on its own.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {simulatorOverrides} from '../../source/demo/demo-network.js';
import {demoSimulatorConfig, startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {DEMO_NAS} from '../../source/demo/network.js';
import {seedDemoDatabase} from '../../source/demo/seed.js';
import type {Queryable} from '../../source/db/queryable.js';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {assertBuilt, runCli, type CliRun} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const RUN_TIMEOUT_MS = 40_000;
const onServer = Boolean(process.env['DATABASE_URL']);
const ip = (name: string): string => DEMO_NAS.find((nas) => nas.name === name)!.ip;

let database: TestDatabase;
let simulator: NasSimulator;
let dir: string;
let configDir: string;

beforeAll(async () => {
	if (!onServer) return;
	assertBuilt();
	database = await createTestDatabase();
	await seedDemoDatabase(database.pool as Queryable & {exec?: (sql: string) => Promise<unknown>}, {
		openSessions: 120,
		closedSessions: 0,
		seed: 77,
	});
	simulator = await startNasSimulator({db: database.pool, nas: demoSimulatorConfig(), stopDelayMs: 20, seed: 7});
	const overrides: Record<string, NasOverride> = Object.fromEntries(
		simulatorOverrides(simulator.nas).map((override, index) => [simulator.nas[index]!.name, {...override}]),
	);
	dir = mkdtempSync(join(tmpdir(), 'radtop-claims-cli-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	writeFileSync(join(configDir, 'config.json'), `${JSON.stringify({profiles: {sim: {nas: overrides}}})}\n`, {mode: 0o600});
}, 60_000);

afterAll(async () => {
	await simulator?.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

function radtop(args: readonly string[]): Promise<CliRun> {
	return runCli(['disconnect', ...args, '--db', database.url, '--profile', 'sim', '--audit-log', join(dir, 'audit.log')], {
		env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')},
		timeoutMs: RUN_TIMEOUT_MS,
	});
}

/** Requests the simulated NAS has received: CoA datagrams and API commands. */
function requests(nasName: string): number {
	const stats = simulator.stats(nasName);
	return stats.received + stats.apiCommands;
}

async function open(nasName: string): Promise<number> {
	const {rows} = await database.pool.query(
		'SELECT count(*)::int AS n FROM radacct WHERE nasipaddress = $1::inet AND acctstoptime IS NULL',
		[ip(nasName)],
	);
	return (rows[0] as {n: number}).n;
}

/** The operator as radtop names them, as the holder message shows them. */
const WHO = `${process.env['SUDO_USER'] || userInfo().username}@${hostname()}`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.runIf(onServer)('two radtop disconnecting one NAS at once', () => {
	it('without --wait: every session is sent once in all; the second is told who holds the NAS and sends nothing', async () => {
		const sessions = await open('bng-2');
		expect(sessions).toBeGreaterThanOrEqual(10);
		const before = requests('bng-2');
		// Paced, so the first still holds the NAS when the second gets to it.
		const args = ['--nas', 'bng-2', '--yes', '--rate', '8', '--method', 'coa'];
		const runs = await Promise.all([radtop(args), radtop(args)]);
		expect(requests('bng-2') - before).toBe(sessions);
		expect(await open('bng-2')).toBe(0);
		const codes = runs.map((run) => run.code).sort();
		expect(codes, runs.map((run) => run.stdout + run.stderr).join('\n---\n')).toEqual([0, 3]);
		const first = runs.find((run) => run.code === 0)!;
		const second = runs.find((run) => run.code === 3)!;
		expect(first.stdout).toContain(`${sessions} sessions: ${sessions} coa`);
		// It planned when it started, and read radacct again when it ran: a few may have been closed by then.
		expect(second.stdout).toMatch(/^\d+ sessions?: (\d+ already closed · )?\d+ not sent$/m);
		const holder = new RegExp(`bng-2 is being disconnected by ${escape(WHO.slice(0, 20))}\\S* \\(pid \\d+, \\d+ s ago\\)`);
		expect(second.stderr).toMatch(new RegExp(`radtop: ${holder.source}: nothing sent to it \\(--wait waits for it\\)`));
		expect(second.stdout).toMatch(holder);
		expect(second.stdout).not.toMatch(/not on NAS/);
	});

	it('with --wait: the second waits, then finds every session closed and sends nothing', async () => {
		const sessions = await open('bng-3');
		expect(sessions).toBeGreaterThanOrEqual(10);
		const before = requests('bng-3');
		const first = radtop(['--nas', 'bng-3', '--yes', '--rate', '8', '--method', 'coa']);
		// The second starts once the first has sent some: it finds the NAS claimed.
		const deadline = Date.now() + 20_000;
		while (requests('bng-3') === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
		const second = radtop(['--nas', 'bng-3', '--yes', '--wait', '--method', 'coa']);
		const [one, two] = await Promise.all([first, second]);
		expect(requests('bng-3') - before).toBe(sessions);
		expect(one.code, one.stdout + one.stderr).toBe(0);
		expect(two.code, two.stdout + two.stderr).toBe(0);
		expect(two.stderr).toMatch(/radtop: waiting: bng-3 is being disconnected by \S+ \(pid \d+, \d+ s ago\)/);
		// Whatever the first had not closed when the second planned is closed by now: reported, not sent again.
		expect(two.stdout).toMatch(/^(\d+) sessions?: \1 already closed$/m);
		expect(await open('bng-3')).toBe(0);
	});
});
