/**
 * End to end in tmux (80x24) on a database of our own: the console's stale view, `W`, `y`, and the stale
 * sessions are closed in radacct with the audit records of `radtop sweep --apply`; once the screen is gone the
 * console says what its sweep did, with its `radtop audit` ID.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {AuditSweepBeginRecord, AuditSweepEndRecord} from '../../source/sweep/audit-records.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, STEP_MS, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const footer = (lines: string[]) => lines[22] ?? '';

describe.skipIf(!tmuxAvailable)('sweeping the stale view from the console in a terminal', () => {
	const term = new Terminal('sweep80', 80, 24);
	let database: TestDatabase;
	let state: string;
	let ids: string[];

	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
		database = await createTestDatabase();
		state = mkdtempSync(join(tmpdir(), 'radtop-sweep-e2e-'));
		// PGlite serves one socket connection, which the console takes: this process writes to PGlite itself.
		ids = await insertSessions((database.pglite ?? database.pool) as Parameters<typeof insertSessions>[0], [
			{username: 'ghost.one', nasipaddress: '10.20.0.1', startedAgo: 20_000, updatedAgo: 9000},
			{username: 'ghost.two', nasipaddress: '10.20.0.1', startedAgo: 20_000, updatedAgo: 8000},
			{username: 'ghost.three', nasipaddress: '10.20.0.2', startedAgo: 20_000, updatedAgo: 7000},
			{username: 'alive.one', nasipaddress: '10.20.0.2', startedAgo: 600, updatedAgo: 30},
		]);
		term.start(['--db', database.url, '--interval', '1'], {XDG_STATE_HOME: state}, {demo: false});
		await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
	}, FIRST_SCREEN_MS + 30_000);

	afterAll(async () => {
		try {
			tmux('kill-session', '-t', term.name);
		} catch {
			// already gone
		}
		await database?.close();
		if (state) rmSync(state, {recursive: true, force: true});
	});

	it(
		't, W, y: the three ghosts closed and audited, the live one kept; the summary after q',
		async () => {
			term.keys('t');
			await term.waitFor('the stale view', (_lines, text) => text.includes('stale · all NAS') && text.includes('1 of 3'));
			term.keys('W');
			const preview = await term.waitFor(
				'the preview',
				(_lines, text) => text.includes('close these 3 sessions in radacct? y') && text,
			);
			expect(preview).toContain('Sweep 3 stale sessions on every NAS: close in radacct');
			expect(preview).toMatch(/10\.20\.0\.1 +2/);
			expect(preview).toMatch(/10\.20\.0\.2 +1/);
			term.assertFits();
			term.keys('y');
			const results = await term.waitFor('the results', (_lines, text) => text.includes('3 closed in radacct') && text);
			const actionId = /radtop audit ([0-9a-f-]{36})/.exec(results)?.[1];
			expect(actionId).toBeDefined();
			term.keys('Escape');
			await term.waitFor('the table', (lines) => footer(lines).includes('q quit'));
			term.keys('q');
			const after = await term.waitFor('the exit', (_lines, text) => text.includes('EXITED:') && text.replace(/\n/g, ''));
			expect(after).toContain(`radtop: sweep: 3 stale sessions: 3 closed in radacct (Lost-Carrier) (radtop audit ${actionId}, `);
			expect(after).toContain('EXITED:0');

			const db = (database.pglite ?? database.pool) as Parameters<typeof insertSessions>[0];
			const {rows} = await db.query(
				'SELECT radacctid::text AS id, acctterminatecause AS cause FROM radacct WHERE acctstoptime IS NOT NULL ORDER BY radacctid',
			);
			expect(rows).toEqual(ids.slice(0, 3).map((id) => ({id, cause: 'Lost-Carrier'})));
			const records = readFileSync(join(state, 'radtop', 'audit.log'), 'utf8')
				.trim()
				.split('\n')
				.map((line) => JSON.parse(line) as AuditSweepBeginRecord | AuditSweepEndRecord);
			expect(records.map((record) => [record.event, record.actionId])).toEqual([
				['sweep.begin', actionId],
				['sweep.end', actionId],
			]);
			expect((records[1] as AuditSweepEndRecord).closed.map((session) => session.radacctid)).toEqual(ids.slice(0, 3));
		},
		STEP_MS * 6,
	);
});
