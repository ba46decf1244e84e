/**
 * The console over two sites, one of them read from a real hot standby (pg_basebackup -R of a real primary), the
 * other from a primary: the App rendered by ink-testing-library over the merged reader, each site's read
 * database probed as radtop's console probes it. The header shows the lag after the standby site's count alone;
 * with replay paused and the primary writing, that lag grows past the 1 s poll and the status line names that
 * site; once replay resumes the warning goes.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import pg from 'pg';
import {readReplicaState} from '../../source/db/replica.js';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import type {SiteReplicaProbe} from '../../source/ui/hooks/use-replica.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {renderAndWait} from '../helpers/render-and-wait.js';
import {standbyGate, type StandbyPair} from '../helpers/standby-cluster.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const gate = standbyGate();

describe('the console over two sites, one reading a real hot standby', () => {
	let pair: StandbyPair;
	let primary: pg.Pool;
	let standby: pg.Pool;
	let north: TestDatabase;

	beforeAll(async () => {
		const started = await gate.start();
		if (!started) return;
		pair = started;
		primary = new pg.Pool({connectionString: pair.primaryUrl, max: 2});
		standby = new pg.Pool({connectionString: pair.standbyUrl, max: 3});
		north = await createTestDatabase();
		await insertSessions(north.pool, [{username: 'north-nina', startedAgo: 300, updatedAgo: 30}]);
	}, 120_000);

	afterAll(async () => {
		await standby?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
		await standby?.end();
		await primary?.end();
		await north?.close();
		await pair?.stop();
	});

	(gate.skip ? it.skip : it)(
		"shows the standby site's lag after its count, and names it on the status line while it lags past the poll",
		async () => {
			await insertSessions(primary, [{username: 'south-early', startedAgo: 600, updatedAgo: 60}]);
			await pair.waitForReplay();
			const reader = new MergedSessionReader([
				{name: 'north', reader: await SessionSource.open(north.pool)},
				{name: 'south', reader: await SessionSource.open(standby)},
			]);
			const probes: SiteReplicaProbe[] = [
				{name: 'north', probe: () => readReplicaState(north.pool)},
				{name: 'south', probe: () => readReplicaState(standby)},
			];
			const app = renderAndWait(
				<ThemeContext.Provider value={PLAIN_THEME}>
					<App source={reader} databaseLabel="two sites" intervalSeconds={1} readOnly siteReplicas={probes} />
				</ThemeContext.Provider>,
			);
			app.resize(80, 24);
			const header = (frame: string) => frame.split('\n')[0] ?? '';
			const status = (frame: string) => frame.split('\n').at(-2) ?? '';
			try {
				const first = await app.waitForFrame(
					(frame) => frame.includes('south-early') && header(frame).includes('south 1 standby lag 0s'),
					15_000,
				);
				// north is a primary: nothing after its count.
				expect(header(first)).toMatch(/^radtop {2}north 1 · south 1 standby lag 0s +READ-ONLY /);
				expect(status(first)).toMatch(/^database: ok/);

				await standby.query('SELECT pg_wal_replay_pause()');
				await insertSessions(primary, [{username: 'south-late', startedAgo: 30, updatedAgo: 5}]);
				const lagging = await app.waitForFrame((frame) => /south 1 standby lag [2-9]s/.test(header(frame)), 15_000);
				expect(header(lagging)).toMatch(/^radtop {2}north 1 · south 1 standby lag [2-9]s /);
				expect(status(lagging)).toMatch(/^site south: the standby is \ds behind the primary \(replay paused\), more than/);
				// The south site is read from its standby: what its primary got after the pause is not on screen.
				expect(lagging).toContain('south-early');
				expect(lagging).not.toContain('south-late');

				await standby.query('SELECT pg_wal_replay_resume()');
				const caughtUp = await app.waitForFrame(
					(frame) =>
						frame.includes('south-late') && header(frame).includes('south 2 standby lag 0s') && !frame.includes('site south:'),
					15_000,
				);
				expect(status(caughtUp)).toMatch(/^database: ok/);
			} finally {
				app.unmount();
			}
		},
		60_000,
	);
});
