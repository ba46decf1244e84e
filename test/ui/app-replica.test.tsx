/**
 * The console reading a real hot standby (pg_basebackup -R of a real primary): the App rendered by
 * ink-testing-library, polling the standby through SessionSource with the replica probe of radtop's console.
 * The header says `standby · lag 0s` while it is caught up; with replay paused and the primary writing, the
 * lag grows past the 1 s poll, the header and the status line warn, and the session written meanwhile is not
 * on screen (the poll reads the standby); once replay resumes the session shows and the warning goes.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import pg from 'pg';
import {readReplicaState} from '../../source/db/replica.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {App} from '../../source/ui/app.js';
import {headerParts, replicaText} from '../../source/ui/components/Header.js';
import {statusLine} from '../../source/ui/status-line.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {renderAndWait} from '../helpers/render-and-wait.js';
import {standbyGate, type StandbyPair} from '../helpers/standby-cluster.js';
import {insertSessions} from '../helpers/test-database.js';

describe('the standby badge in the header', () => {
	const timing = {intervalSeconds: 5, nextInSeconds: 3, paused: false, ageSeconds: 2, durationMs: 14, readOnly: false};
	const database = 'radtop@standby-1.dc1:5432/radius';
	const replica = {text: 'standby · lag 3s', short: 'lag 3s', warn: false, status: null};

	it('is whole at 80 columns beside the whole database', () => {
		const badge = replicaText({...timing, database, replica, width: 80});
		expect(badge).toBe('  standby · lag 3s');
		const parts = headerParts({...timing, database, badges: badge, width: 80});
		expect(parts.database).toBe(database);
		expect('radtop  '.length + parts.database.length + 1 + badge.length + parts.right.length).toBeLessThanOrEqual(80);
	});

	it('keeps the lag alone at 60 columns, and the database whole', () => {
		const badge = replicaText({...timing, database, replica, width: 60});
		expect(badge).toBe('  lag 3s');
		const parts = headerParts({...timing, database, badges: badge, width: 60});
		expect(parts.database).toBe(database);
		expect(parts.right).toBe('2s ago');
	});

	it('is nothing without a standby', () => {
		expect(replicaText({...timing, database, replica: null, width: 80})).toBe('');
	});

	it('puts the lag warning on the status line when the poll works', () => {
		const base = {
			error: null,
			message: null,
			wait: null,
			pollStartedAt: null,
			fetchedAt: 1000,
			now: 2000,
			intervalSeconds: 5,
			paused: false,
			retryInSeconds: 3,
		};
		const warning = 'the standby is 42s behind the primary, more than the 5s poll: sessions shown may be that old';
		expect(statusLine({...base, replica: warning})).toEqual({text: warning, tone: 'error', position: true});
		expect(statusLine({...base, replica: null}).text).toBe('database: ok');
		// A poll that fails says so first.
		expect(statusLine({...base, replica: warning, error: {kind: 'error', message: 'boom', since: 0}} as never).text).toMatch(
			/^database unreachable/,
		);
	});
});

const gate = standbyGate();

describe('the console on a real hot standby', () => {
	let pair: StandbyPair;
	let primary: pg.Pool;
	let standby: pg.Pool;

	beforeAll(async () => {
		const started = await gate.start();
		if (!started) return;
		pair = started;
		primary = new pg.Pool({connectionString: pair.primaryUrl, max: 2});
		standby = new pg.Pool({connectionString: pair.standbyUrl, max: 3});
	}, 120_000);

	afterAll(async () => {
		await standby?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
		await standby?.end();
		await primary?.end();
		await pair?.stop();
	});

	(gate.skip ? it.skip : it)(
		'shows the standby and its lag, warns while replay lags past the poll interval, and reads from the standby',
		async () => {
			await insertSessions(primary, [{username: 'early-alice', startedAgo: 600, updatedAgo: 60}]);
			await pair.waitForReplay();
			const source = await SessionSource.open(standby, {});
			const app = renderAndWait(
				<ThemeContext.Provider value={PLAIN_THEME}>
					<App
						source={source}
						databaseLabel="postgres@standby/radius"
						intervalSeconds={1}
						readOnly
						replica={() => readReplicaState(standby)}
					/>
				</ThemeContext.Provider>,
			);
			app.resize(100, 24);
			try {
				const first = await app.waitForFrame(
					(frame) => frame.includes('early-alice') && frame.includes('standby · lag 0s'),
					15_000,
				);
				expect(first.split('\n')[0]).toMatch(/^radtop {2}postgres@standby\/radius {2}standby · lag 0s +READ-ONLY /);

				await standby.query('SELECT pg_wal_replay_pause()');
				await insertSessions(primary, [{username: 'late-bob', startedAgo: 30, updatedAgo: 5}]);
				const lagging = await app.waitForFrame((frame) => /standby · lag [2-9]s · replay paused/.test(frame), 15_000);
				const lines = lagging.split('\n');
				expect(lines.at(-2)).toMatch(/^the standby is \ds behind the primary \(replay paused\), more than the 1s poll/);
				// The poll reads the standby: what the primary got after the pause is not on screen.
				expect(lagging).toContain('early-alice');
				expect(lagging).not.toContain('late-bob');
				const {rows} = await primary.query("SELECT count(*)::int AS n FROM radacct WHERE username = 'late-bob'");
				expect(rows[0].n).toBe(1);

				await standby.query('SELECT pg_wal_replay_resume()');
				const caughtUp = await app.waitForFrame(
					(frame) => frame.includes('late-bob') && frame.includes('standby · lag 0s') && !frame.includes('behind the primary'),
					15_000,
				);
				expect(caughtUp.split('\n').at(-2)).toMatch(/^database: ok/);
			} finally {
				app.unmount();
			}
		},
		60_000,
	);
});
