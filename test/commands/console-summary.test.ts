/**
 * What the console prints once its screen is gone: a line per disconnect run, and whether the exit code is 3.
 */
import {describe, expect, it} from 'vitest';
import {consoleRunSummary} from '../../source/commands/console.js';
import {tallyOutcomes, type DisconnectResult, type Outcome, type SessionResult} from '../../source/disconnect/result.js';

function run(actionId: string, outcomes: readonly Outcome[], aborted = false): DisconnectResult {
	const results: SessionResult[] = outcomes.map((outcome, index) => ({
		radacctid: String(index + 1),
		username: `user${index + 1}`,
		nasIp: '10.20.0.1',
		nasName: 'bng-1',
		method: outcome === 'coa' ? 'coa' : undefined,
		outcome,
		reason: outcome,
	}));
	const at = new Date('2026-11-25T12:00:00Z');
	return {actionId, dryRun: false, aborted, startedAt: at, finishedAt: at, results, missing: [], totals: tallyOutcomes(results)};
}

describe('consoleRunSummary', () => {
	it('no run: nothing said, exit 0', () => {
		expect(consoleRunSummary([], new Map(), '/var/log/a')).toEqual({lines: [], partial: false});
	});

	it('one clean run: one line with its audit ID, exit 0', () => {
		const {lines, partial} = consoleRunSummary([run('A1', ['coa', 'coa'])], new Map(), '/x/audit.log');
		expect(lines).toEqual(['radtop: disconnect: 2 sessions: 2 coa (radtop audit A1, /x/audit.log)']);
		expect(partial).toBe(false);
	});

	it('every run numbered in order; a failed session makes it exit 3', () => {
		const {lines, partial} = consoleRunSummary([run('A1', ['coa']), run('A2', ['coa', 'failed'])], new Map(), 'L');
		expect(lines).toEqual([
			'radtop: disconnect 1 of 2: 1 session: 1 coa (radtop audit A1, L)',
			'radtop: disconnect 2 of 2: 2 sessions: 1 coa · 1 failed (radtop audit A2, L)',
		]);
		expect(partial).toBe(true);
	});

	it('a run the quit stopped says so; one stopped earlier by x still makes it exit 3', () => {
		const stoppedByQuit = consoleRunSummary([run('A1', ['coa']), run('A2', ['coa', 'not_sent'], true)], new Map([['A2', 'quit']]), 'L');
		expect(stoppedByQuit.lines[1]).toBe(
			'radtop: quit: the disconnect was stopped, requests in flight finished, the rest not sent: 2 sessions: 1 coa · 1 not sent · stopped before the end (radtop audit A2, L)',
		);
		expect(stoppedByQuit.partial).toBe(true);
		const byX = consoleRunSummary([run('A1', ['coa', 'not_sent'], true)], new Map(), 'L');
		expect(byX.lines[0]).toMatch(/^radtop: disconnect: .* stopped before the end/);
		expect(byX.partial).toBe(true);
	});
});
