/**
 * End to end on short terminals (80x15 and 60x15, tmux, a real database): a whole-NAS disconnect started with
 * `X`, the NAS and its name typed, runs against a NAS on loopback paced by the profile's disconnect rate; `q`
 * during the run asks `a disconnect is running (N/M): stop it and quit? y/N` on a line that fits, `n` keeps it
 * running, `q` then `y` stops it; once the screen is restored the run's summary is on the terminal and radtop
 * exits 3. The summary's count of requests sent is the NAS's own count.
 */
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {insertBulk} from '../disconnect/fixtures.js';
import {distinctRequestsSince, startSlowAckNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';
import {
	CLI,
	FIRST_SCREEN_MS,
	firstScreenReady,
	PRELAUNCH,
	processAlive,
	radtopPid,
	Terminal,
	tmux,
	tmuxAvailable,
} from '../helpers/tmux-terminal.js';

const SECRET = 'small-quit-Secret-1';
const SESSIONS = 400;
/** Requests the console starts per second (the profile's disconnectRate): the run would last 10 s. */
const RATE = 40;
/** The NAS acknowledges each request this long after it came. */
const ANSWER_DELAY_MS = 20;
const RUN_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: TestDatabase;
let nas: FakeCoaNas;
let dir: string;
let configDir: string;
const terms: Terminal[] = [];

/** The console and its disconnect hold several connections at once: the PostgreSQL server of CI, not PGlite. */
const realServer = Boolean(process.env['DATABASE_URL']);

beforeAll(async () => {
	if (!tmuxAvailable || !realServer) return;
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
	database = await createTestDatabase();
	nas = await startSlowAckNas(SECRET, ANSWER_DELAY_MS);
	dir = mkdtempSync(join(tmpdir(), 'radtop-small-quit-'));
	configDir = join(dir, 'config');
	mkdirSync(configDir, {mode: 0o700});
	const override = {ip: '10.20.0.1', name: 'bng-1', secret: SECRET, coaHost: nas.address, coaPort: nas.port, vendor: 'mikrotik'};
	const profile = {disconnectRate: RATE, nas: {'bng-1': override}};
	writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles: {small: profile}}), {mode: 0o600});
}, 60_000);

afterAll(async () => {
	for (const term of terms) {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
	}
	await nas?.close();
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

/** Distinct requests (first copies that verified) the NAS received from index `from` on. */
const requestsSince = (from: number): number => distinctRequestsSince(nas, from);

const QUESTION = /^a disconnect is running \(([\d,]+)\/400\): stop it and quit\? y\/N$/;

describe.skipIf(!tmuxAvailable || !realServer)('q during a disconnect on short terminals', () => {
	it.each([
		[80, 15],
		[60, 15],
	])(
		'%ix%i: the question fits, n keeps the run, q y stops it; the summary once the screen is back, exit 3',
		async (columns, rows) => {
			const db = (database.pglite ?? database.pool) as unknown as pg.Pool;
			await db.query('DELETE FROM radacct');
			await insertBulk(db, SESSIONS, '10.20.0.1', `q${columns}`);
			const term = new Terminal(`quit${columns}x${rows}`, columns, rows);
			terms.push(term);
			term.start(
				['--db', database.url, '--profile', 'small', '--interval', '2'],
				{RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: join(dir, `state-${columns}`)},
				{demo: false},
			);
			await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
			const pid = radtopPid(term);
			term.keys('X');
			const picker = await term.waitFor(
				'the NAS picker',
				(lines, text) => text.includes('disconnect every session of which NAS?') && lines,
			);
			// Its title line is cut at 60 columns: the keys are in the footer as well.
			expect(picker.at(-2)).toBe('↑↓ move  ⏎ choose  Esc cancel');
			term.keys('Home', 'Enter');
			await term.waitFor('the typed confirmation', (_lines, text) => text.includes('type the NAS name (bng-1) to confirm:'));
			const from = nas.received.length;
			term.type('bng-1');
			term.keys('Enter');
			await term.waitFor(
				'the run under way',
				(_lines, text) => /Disconnecting [1-9][\d,]*\/400/.test(text) && requestsSince(from) > 0,
			);

			term.keys('q');
			const asked = await term.waitFor('the question', (lines) => (lines.some((line) => QUESTION.test(line)) ? lines : undefined));
			term.assertFits();
			// The whole question, and nothing after it that would push its y/N off the line.
			expect(asked.find((line) => QUESTION.test(line))!.length).toBeLessThan(columns);
			// The footer names the answers.
			expect(asked.at(-2)).toMatch(/^y stop it and quit {2}n\/Esc/);

			term.keys('n');
			await term.waitFor('the answer no', (lines) => lines.some((line) => line.startsWith('the disconnect goes on')));
			expect(processAlive(pid), 'n quit radtop').toBe(true);
			const sentAtNo = requestsSince(from);
			// Still sending: the NAS keeps receiving requests.
			await nas.waitForRequests(nas.received.length + 5);
			expect(requestsSince(from)).toBeGreaterThan(sentAtNo);
			term.assertFits();

			term.keys('q');
			await term.waitFor('the question again', (lines) => lines.some((line) => QUESTION.test(line)));
			term.keys('y');
			const screen = await term.waitFor('the exit', (_lines, text) => text.includes('EXITED:') && text, RUN_MS);
			expect(screen).toContain('EXITED:3');
			// The screen radtop found is back (the line printed before it started), with the summary under it.
			expect(screen).toContain(PRELAUNCH);
			expect(screen).not.toContain('Disconnecting');
			// The pane wraps the summary at its width; read without white space.
			const summary =
				/radtop:quit:thedisconnectwasstopped,requestsinflightfinished,therestnotsent:400sessions:([\d,]+)coa·([\d,]+)notsent/.exec(
					screen.replace(/\s+/g, ''),
				);
			expect(summary, screen).not.toBeNull();
			const [coa, notSent] = [Number(summary![1]!.replace(/,/g, '')), Number(summary![2]!.replace(/,/g, ''))];
			expect(coa + notSent).toBe(SESSIONS);
			expect(notSent, 'the run was over before y').toBeGreaterThan(0);
			const deadline = Date.now() + 10_000;
			while (processAlive(pid) && Date.now() < deadline) await sleep(100);
			expect(processAlive(pid), 'radtop is still running').toBe(false);
			expect(coa, `the summary says ${coa} sent, the NAS received ${requestsSince(from)}`).toBe(requestsSince(from));
		},
		FIRST_SCREEN_MS + RUN_MS * 2,
	);
});
