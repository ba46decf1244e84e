/**
 * Two operators, one NAS: two `radtop disconnect --nas X --yes` processes at once, the built CLI against a
 * PostgreSQL server (two processes need two connections, which the embedded PGlite does not serve), with a
 * simulated NAS in this process counting every request it receives. Each session is sent exactly once in all;
 * the radtop that finds the NAS claimed says who holds it.
 *
 * `npm test` builds dist/ first; run `npm run build` when running vitest on its own.
 */
import {spawn, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {simulatorOverrides} from '../../source/demo/demo-network.js';
import {demoSimulatorConfig, startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {DEMO_NAS} from '../../source/demo/network.js';
import {seedDemoDatabase} from '../../source/demo/seed.js';
import {holderLabel, nasClaimKey} from '../../source/disconnect/nas-claims.js';
import type {Queryable} from '../../source/db/queryable.js';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {assertBuilt, CLI, cliEnv, ROOT, runCli, type CliRun} from '../helpers/cli.js';
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

function argv(args: readonly string[]): string[] {
	return ['disconnect', ...args, '--db', database.url, '--profile', 'sim', '--audit-log', join(dir, 'audit.log')];
}

const env = () => ({RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, 'state')});

function radtop(args: readonly string[]): Promise<CliRun> {
	return runCli(argv(args), {env: env(), timeoutMs: RUN_TIMEOUT_MS});
}

const scriptAvailable = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0;

/** `radtop ARGS` on a terminal (a pty of script(1)), typing each answer once its prompt has been printed. */
function onTerminal(
	args: readonly string[],
	answers: Array<[prompt: string, answer: string]>,
): Promise<{code: number | null; output: string}> {
	const command = [process.execPath, CLI, ...argv(args)].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
	return new Promise((resolve) => {
		const child = spawn('script', ['-qec', command, '/dev/null'], {cwd: ROOT, env: cliEnv(env()), stdio: 'pipe'});
		const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
		let output = '';
		let seen = 0;
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			output += chunk;
			const next = answers[0];
			const at = next === undefined ? -1 : output.indexOf(next[0], seen);
			if (next !== undefined && at >= 0) {
				seen = at + next[0].length;
				answers.shift();
				child.stdin.write(next[1]);
			}
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({code, output});
		});
	});
}

/** Another radtop's claim on the NAS: a connection of its own holding the lock, named as radtop names it. */
async function claimedByAnna(nasName: string): Promise<{release: () => Promise<void>}> {
	const since = new Date(Date.now() - 38_000);
	const client = new pg.Client({
		connectionString: database.url,
		application_name: holderLabel({operator: 'noc-anna', host: 'noc1', pid: 4242, since}),
	});
	await client.connect();
	await client.query('SELECT pg_advisory_lock($1::int4, $2::int4)', [...nasClaimKey(ip(nasName))]);
	return {release: async () => client.end()};
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

	it.runIf(scriptAvailable)('on a terminal without --yes: says who holds the NAS and asks; stop sends nothing, wait waits', async () => {
		const sessions = await open('bng-4');
		expect(sessions).toBeGreaterThanOrEqual(1);
		const before = requests('bng-4');
		const anna = await claimedByAnna('bng-4');
		try {
			const stopped = await onTerminal(['--nas', 'bng-4', '--method', 'coa'], [['[w/s]', 's\r']]);
			expect(stopped.output).toMatch(/radtop: bng-4 is being disconnected by noc-anna@noc1 \(pid 4242, 3\d s ago\)/);
			expect(stopped.output).toContain('Wait until it is done, or stop? [w/s]');
			expect(stopped.output).toContain('radtop: stopped, nothing sent');
			expect(stopped.code).toBe(1);
			expect(requests('bng-4')).toBe(before);

			const release = setTimeout(() => void anna.release(), 2500);
			// Waiting, then the confirmation as usual: a whole NAS is confirmed by typing its name.
			const waited = await onTerminal(
				['--nas', 'bng-4', '--method', 'coa', '--confirm-within', '0'],
				[
					['[w/s]', 'w\r'],
					['type the NAS name', 'bng-4\r'],
				],
			);
			clearTimeout(release);
			expect(waited.output).toMatch(/radtop: waiting: bng-4 is being disconnected by noc-anna@noc1 \(pid 4242, \d+ s ago\)/);
			expect(waited.output).toMatch(new RegExp(`${sessions} sessions: ${sessions} coa`));
			expect(waited.code, waited.output).toBe(0);
			expect(requests('bng-4') - before).toBe(sessions);
		} finally {
			await anna.release().catch(() => undefined);
		}
	});
});
