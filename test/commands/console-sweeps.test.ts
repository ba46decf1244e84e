/**
 * What the console prints of its sweeps once its screen is gone: a line per sweep, and whether the exit code is 3.
 */
import {describe, expect, it} from 'vitest';
import {consoleSweepSummary} from '../../source/commands/console-sweeps.js';
import type {SweepRun} from '../../source/sweep/execute-sweep.js';
import {tallySweep, type SweepEntry, type SweepOutcome} from '../../source/sweep/sweep-plan.js';

function done(actionId: string, outcomes: readonly SweepOutcome[]): SweepRun {
	const entries: SweepEntry[] = outcomes.map((outcome, index) => ({
		radacctid: String(index + 1),
		username: `user${index + 1}`,
		acctsessionid: `s${index + 1}`,
		nasIp: '10.20.0.1',
		nasName: 'bng-1',
		framedIp: null,
		startedAt: null,
		lastUpdate: null,
		silentSeconds: 7200,
		outcome,
		detail: outcome,
		verifiedVia: null,
		reloadedAt: null,
	}));
	const result = {
		dryRun: false,
		selection: 'stale' as const,
		verified: true,
		cause: 'Lost-Carrier' as const,
		staleAfterSeconds: 1800,
		capped: false,
		entries,
		totals: tallySweep(entries),
	};
	return {kind: 'done', result, shown: entries, nothingToClose: false, actionId};
}

describe('consoleSweepSummary', () => {
	it('no sweep: nothing said, exit 0', () => {
		expect(consoleSweepSummary([], 'L')).toEqual({lines: [], partial: false});
	});

	it('a sweep that closed or found on its NAS every session: its line with the audit ID, exit 0', () => {
		expect(consoleSweepSummary([done('S1', ['closed', 'on_nas'])], '/x/audit.log')).toEqual({
			lines: [
				'radtop: sweep: 2 stale sessions: 1 closed in radacct (Lost-Carrier); 1 still on their NAS (radtop audit S1, /x/audit.log)',
			],
			partial: false,
		});
	});

	it('one left open because its NAS could not say, or radacct changed: exit 3, as radtop sweep', () => {
		const {lines, partial} = consoleSweepSummary([done('S1', ['closed']), done('S2', ['closed', 'unverified'])], 'L');
		expect(lines[1]).toBe(
			'radtop: sweep: 2 stale sessions: 1 closed in radacct (Lost-Carrier); 1 unverified (left open) (radtop audit S2, L)',
		);
		expect(partial).toBe(true);
	});

	it('a sweep stopped while asking: said, nothing closed, not partial', () => {
		expect(consoleSweepSummary([{kind: 'interrupted'}], 'L')).toEqual({
			lines: ['radtop: sweep: stopped while asking the NAS, nothing closed'],
			partial: false,
		});
	});
});

describe('consoleSweepSummary over several sites', () => {
	it("names each site's audit ID, and a site that closed nothing: exit 3", () => {
		const run = done('A B', ['closed', 'unverified']);
		const sited: SweepRun =
			run.kind === 'done'
				? {
						...run,
						siteActionIds: [{site: 'north', actionId: 'A'}],
						siteFailures: ['site south: nothing closed (connection refused); its 1 left open'],
					}
				: run;
		expect(consoleSweepSummary([sited], 'L')).toEqual({
			lines: [
				'radtop: sweep: 2 stale sessions: 1 closed in radacct (Lost-Carrier); 1 unverified (left open) (north: radtop audit A; L)',
				'radtop: sweep: site south: nothing closed (connection refused); its 1 left open',
			],
			partial: true,
		});
	});
});
