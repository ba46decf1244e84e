/**
 * End to end in tmux (80x24): the built console started with `--db PRIMARY --read-db STANDBY` on a real primary
 * and its real hot standby. The header says `standby · lag 0s`; with replay paused and the primary writing,
 * the lag passes the 1 s poll, the status line says how far behind the standby is and the session the primary
 * got meanwhile is not shown; once replay resumes it is, and the warning is gone.
 */
import {existsSync} from 'node:fs';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {standbyGate, type StandbyPair} from '../helpers/standby-cluster.js';
import {insertSessions} from '../helpers/test-database.js';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const gate = standbyGate();

describe.skipIf(!tmuxAvailable)('the console on a read replica in a terminal', () => {
	const term = new Terminal('replica80', 80, 24);
	let pair: StandbyPair;
	let primary: pg.Pool;
	let standby: pg.Pool;

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		const started = await gate.start();
		if (!started) return;
		pair = started;
		primary = new pg.Pool({connectionString: pair.primaryUrl, max: 2});
		standby = new pg.Pool({connectionString: pair.standbyUrl, max: 2});
		await insertSessions(primary, [{username: 'early.alice', startedAgo: 600, updatedAgo: 30}]);
		await pair.waitForReplay();
		term.start(['--db', pair.primaryUrl, '--read-db', pair.standbyUrl, '--interval', '1', '--read-only'], {}, {demo: false});
		await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	}, FIRST_SCREEN_MS + 120_000);

	afterAll(async () => {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
		await standby?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
		await standby?.end();
		await primary?.end();
		await pair?.stop();
	});

	(gate.skip ? it.skip : it)(
		'shows the standby and its lag, warns past the poll interval, and reads the standby',
		async () => {
			const port = new URL(pair.standbyUrl).port;
			const first = await term.waitFor('the standby badge', (lines) => lines[0]!.includes('standby · lag 0s') && lines);
			expect(first[0]).toMatch(new RegExp(`^radtop {2}postgres@127\\.0\\.0\\.1:${port}/radius {2}standby · lag 0s +READ-ONLY `));
			term.assertFits();

			await standby.query('SELECT pg_wal_replay_pause()');
			await insertSessions(primary, [{username: 'late.bob', startedAgo: 20, updatedAgo: 5}]);
			const lagging = await term.waitFor(
				'the lag warning',
				// At 80 columns the badge is `lag Ns` alone beside this database and READ-ONLY.
				(lines, text) => / {2}lag [2-9]s +READ-ONLY/.test(lines[0]!) && text.includes('behind the primary') && lines,
				20_000,
			);
			expect(lagging.join('\n')).toMatch(/the standby is \ds behind the primary \(replay paused\), more than the 1s poll/);
			expect(lagging.join('\n')).toContain('early.alice');
			expect(lagging.join('\n')).not.toContain('late.bob');
			term.assertFits();

			await standby.query('SELECT pg_wal_replay_resume()');
			const caughtUp = await term.waitFor(
				'caught up',
				(lines, text) =>
					text.includes('late.bob') && lines[0]!.includes('standby · lag 0s') && !text.includes('behind the primary') && text,
				20_000,
			);
			expect(caughtUp).toMatch(/database: ok/);
			term.keys('q');
			await term.waitFor('the console to exit', (_lines, text) => text.includes('EXITED:0'));
		},
		90_000,
	);
});
