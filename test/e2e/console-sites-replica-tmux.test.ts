/**
 * End to end in tmux (80x24): the built console on a profile that lists two sites, north read from a primary and
 * south from a real hot standby of its primary (pg_basebackup -R). The header shows the lag after south's count
 * alone; with south's replay paused and its primary writing, the lag passes the 1 s poll and the status line names
 * south; once replay resumes the warning is gone.
 */
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {StoredConfig} from '../../source/config/profile.js';
import {FREERADIUS_SCHEMA_SQL} from '../../source/db/freeradius-schema.js';
import {standbyGate, type StandbyPair} from '../helpers/standby-cluster.js';
import {insertSessions} from '../helpers/test-database.js';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const gate = standbyGate();

/** Runs one statement on a database of its own connection. */
async function run(url: string, text: string): Promise<void> {
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}

describe.skipIf(!tmuxAvailable)('the console on two sites, one read from a standby, in a terminal', () => {
	const term = new Terminal('sitesreplica80', 80, 24);
	const configDir = mkdtempSync(join(tmpdir(), 'radtop-e2e-sites-replica-'));
	let pair: StandbyPair;
	let primary: pg.Pool;
	let standby: pg.Pool;
	let north: pg.Pool;

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		const started = await gate.start();
		if (!started) return;
		pair = started;
		// north is another database of the same server, read from the primary itself.
		const northUrl = Object.assign(new URL(pair.primaryUrl), {pathname: '/north'}).toString();
		await run(Object.assign(new URL(pair.primaryUrl), {pathname: '/postgres'}).toString(), 'CREATE DATABASE north');
		await run(northUrl, FREERADIUS_SCHEMA_SQL);
		primary = new pg.Pool({connectionString: pair.primaryUrl, max: 2});
		standby = new pg.Pool({connectionString: pair.standbyUrl, max: 2});
		north = new pg.Pool({connectionString: northUrl, max: 1});
		await insertSessions(north, [{username: 'north.nina', startedAgo: 300, updatedAgo: 30}]);
		await insertSessions(primary, [{username: 'south.early', startedAgo: 600, updatedAgo: 30}]);
		await pair.waitForReplay();
		const config: StoredConfig = {
			profiles: {
				noc: {
					interval: 1,
					sites: [
						{name: 'north', database: northUrl},
						{name: 'south', database: pair.primaryUrl, readDatabase: pair.standbyUrl},
					],
				},
			},
		};
		writeFileSync(join(configDir, 'config.json'), JSON.stringify(config), {mode: 0o600});
		term.start(['--profile', 'noc', '--read-only'], {RADTOP_CONFIG_DIR: configDir}, {demo: false});
		await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	}, FIRST_SCREEN_MS + 120_000);

	afterAll(async () => {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
		await standby?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
		await Promise.all([standby?.end(), primary?.end(), north?.end()]);
		await pair?.stop();
		rmSync(configDir, {recursive: true, force: true});
	});

	(gate.skip ? it.skip : it)(
		"shows south's lag after its count, and names south on the status line while it lags past the poll",
		async () => {
			const first = await term.waitFor(
				"south's standby lag",
				(lines, text) => lines[0]!.includes('south 1 standby lag 0s') && text.includes('south.early') && lines,
			);
			expect(first[0]).toMatch(/^radtop {2}north 1 · south 1 standby lag 0s +READ-ONLY /);
			term.assertFits();

			await standby.query('SELECT pg_wal_replay_pause()');
			await insertSessions(primary, [{username: 'south.late', startedAgo: 20, updatedAgo: 5}]);
			const lagging = await term.waitFor(
				'the lag warning',
				(lines, text) => /south 1 standby lag [2-9]s/.test(lines[0]!) && text.includes('site south: the standby is') && lines,
				20_000,
			);
			expect(lagging[0]).toMatch(/^radtop {2}north 1 · south 1 standby lag [2-9]s /);
			expect(lagging.join('\n')).toMatch(/site south: the standby is \ds behind the primary \(replay paused\)/);
			expect(lagging.join('\n')).not.toContain('south.late');
			term.assertFits();

			await standby.query('SELECT pg_wal_replay_resume()');
			const caughtUp = await term.waitFor(
				'caught up',
				(lines, text) =>
					text.includes('south.late') && lines[0]!.includes('south 2 standby lag 0s') && !text.includes('site south:') && text,
				20_000,
			);
			expect(caughtUp).toMatch(/database: ok/);
			term.keys('q');
			await term.waitFor('the console to exit', (_lines, text) => text.includes('EXITED:0'));
		},
		90_000,
	);
});
