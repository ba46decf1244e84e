/** The sweep's plan, preview and audit record with ghost candidates (their NAS reloaded after them). Pure. */
import {describe, expect, it} from 'vitest';
import {sweepBeginRecord} from '../../source/sweep/audit-records.js';
import {
	GHOST_MARK,
	sweepEntry,
	sweepSummary,
	sweepTable,
	tallySweep,
	type StaleSession,
	type SweepResult,
} from '../../source/sweep/sweep-plan.js';
import {makeSession} from '../helpers/sessions.js';

const RELOAD = new Date('2026-12-03T09:12:00Z');

function listed(id: string, reloadedAt: Date | null): StaleSession {
	return {
		session: makeSession({radacctid: id, username: `user${id}`, nasipaddress: '10.20.0.2', framedipaddress: '100.64.0.9'}),
		updateToken: '2026-12-03T09:00:00.000001Z',
		silentSeconds: 900,
		allowedSeconds: 1800,
		reloadedAt,
	};
}

function result(sessions: readonly StaleSession[], selection: 'stale' | 'reloaded'): SweepResult {
	const entries = sessions.map((entry) => sweepEntry(entry, 'bng-2', 'would_close', 'stale'));
	return {
		dryRun: true,
		selection,
		verified: false,
		cause: 'NAS-Reboot',
		staleAfterSeconds: 1800,
		capped: false,
		entries,
		totals: tallySweep(entries),
	};
}

describe('ghost candidates in a sweep', () => {
	it('are marked in the plan and the preview, the others not', () => {
		const entries = [
			sweepEntry(listed('1', RELOAD), 'bng-2', 'would_close', ''),
			sweepEntry(listed('2', null), 'bng-2', 'would_close', ''),
		];
		expect(entries.map((entry) => entry.reloadedAt)).toEqual(['2026-12-03T09:12:00.000Z', null]);
		const [, ghost, other] = sweepTable(entries);
		expect(ghost).toBe(
			'         1  user1                bng-2      100.64.0.9       15m00s  would close · ghost: NAS reloaded after start',
		);
		expect(other).toBe('         2  user2                bng-2      100.64.0.9       15m00s  would close');
		expect(GHOST_MARK).toBe('ghost: NAS reloaded after start');
	});

	it('are counted in the summary of a plain sweep, and named in that of --reloaded', () => {
		expect(sweepSummary(result([listed('1', RELOAD), listed('2', null)], 'stale'))).toBe(
			'2 stale sessions (1 started before their NAS reloaded): dry run, 2 would be closed (NAS-Reboot); --apply closes them',
		);
		expect(sweepSummary(result([listed('2', null)], 'stale'))).toBe(
			'1 stale session: dry run, 1 would be closed (NAS-Reboot); --apply closes them',
		);
		expect(sweepSummary(result([listed('1', RELOAD)], 'reloaded'))).toBe(
			'1 ghost candidate (started before their NAS reloaded): dry run, 1 would be closed (NAS-Reboot); --apply closes them',
		);
	});

	it('are said so in the audit record written before the close', () => {
		const record = sweepBeginRecord({
			actionId: 'a1',
			operator: {user: 'noc', sshClient: null},
			reason: 'bng-2 rebooted',
			nasFilter: ['bng-2'],
			selection: 'reloaded',
			staleAfterSeconds: 1800,
			cause: 'NAS-Reboot',
			verified: false,
			listed: 2,
			closing: [listed('1', RELOAD), listed('2', null)],
			nameOf: () => 'bng-2',
			startedAt: new Date('2026-12-03T09:30:00Z'),
		});
		expect(record.selection).toBe('reloaded');
		expect(record.closing.map((session) => session.reloadedAt)).toEqual(['2026-12-03T09:12:00.000Z', undefined]);
		expect('reloadedAt' in record.closing[1]!).toBe(false);
	});
});
