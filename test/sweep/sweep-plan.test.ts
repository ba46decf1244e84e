import {describe, expect, it} from 'vitest';
import {confirms} from '../../source/disconnect/confirmation.js';
import {
	selectForClose,
	skippedOutcome,
	sweepConfirmation,
	sweepEntry,
	sweepExitCode,
	sweepSummary,
	sweepTable,
	tallySweep,
	type StaleSession,
	type SweepEntry,
	type SweepOutcome,
	type SweepResult,
	type Verification,
} from '../../source/sweep/sweep-plan.js';
import {makeSession} from '../helpers/sessions.js';

function stale(id: string, username = `user${id}`): StaleSession {
	return {
		session: makeSession({radacctid: id, username, nasipaddress: '10.20.0.2', framedipaddress: '100.64.0.9'}),
		updateToken: '2026-11-25T08:00:00.000001Z',
		silentSeconds: 5400,
		allowedSeconds: 600,
	};
}

function result(outcomes: readonly SweepOutcome[], dryRun = false): SweepResult {
	const entries = outcomes.map((outcome, index) => sweepEntry(stale(String(index + 1)), 'bng-2', outcome, 'why'));
	return {dryRun, verified: false, cause: 'Lost-Carrier', staleAfterSeconds: 1800, capped: false, entries, totals: tallySweep(entries)};
}

describe('selectForClose', () => {
	const listed = [stale('1'), stale('2'), stale('3'), stale('4')];

	it('closes everything listed without verification', () => {
		const selection = selectForClose(listed);
		expect(selection.toClose).toEqual(listed);
		expect(selection.kept.size).toBe(0);
	});

	it('with verification closes only what the NAS said it does not have', () => {
		const verifications = new Map<string, Verification>([
			['1', {presence: 'absent', via: 'coa', detail: 'CoA-NAK: Session-Context-Not-Found (503)'}],
			['2', {presence: 'present', via: 'api', detail: '/ppp/active lists it'}],
			['3', {presence: 'unknown', via: 'coa', detail: 'bng-2 did not answer'}],
		]);
		const selection = selectForClose(listed, verifications);
		expect(selection.toClose.map((entry) => entry.session.radacctid)).toEqual(['1']);
		expect(selection.kept.get('2')).toEqual({outcome: 'on_nas', detail: '/ppp/active lists it'});
		expect(selection.kept.get('3')).toEqual({outcome: 'unverified', detail: 'bng-2 did not answer'});
		expect(selection.kept.get('4')).toEqual({outcome: 'unverified', detail: 'not asked'});
	});
});

describe('skippedOutcome', () => {
	it('tells a deleted row, a stop, and an interim update apart', () => {
		expect(skippedOutcome('a', undefined).outcome).toBe('gone');
		expect(skippedOutcome('a', {stopped: true, acctterminatecause: 'User-Request', updateToken: 'b'})).toEqual({
			outcome: 'stopped',
			detail: 'closed after it was listed (User-Request)',
		});
		expect(skippedOutcome(null, {stopped: false, acctterminatecause: null, updateToken: 'b'}).outcome).toBe('updated');
		expect(skippedOutcome('a', {stopped: false, acctterminatecause: null, updateToken: 'b'}).detail).toContain('interim update');
	});
});

describe('sweepExitCode', () => {
	it('is 0 for a dry run whatever it found', () => {
		expect(sweepExitCode(result(['would_close', 'unverified', 'on_nas'], true))).toBe(0);
	});

	it('is 0 when every listed session was closed or found on its NAS', () => {
		expect(sweepExitCode(result(['closed', 'closed', 'on_nas']))).toBe(0);
	});

	it('is 3 when some were left open unverified or because radacct changed after the listing', () => {
		for (const outcome of ['unverified', 'updated', 'stopped', 'gone'] as const) {
			expect(sweepExitCode(result(['closed', outcome]))).toBe(3);
		}
	});
});

describe('sweepConfirmation', () => {
	it('asks more the more it closes, as radtop disconnect does', () => {
		expect(sweepConfirmation(1).kind).toBe('key');
		const few = sweepConfirmation(12);
		expect(few).toMatchObject({kind: 'count', count: 12});
		expect(confirms(few, 'y')).toBe(true);
		expect(confirms(few, '')).toBe(false);
		const many = sweepConfirmation(1234);
		expect(many).toMatchObject({kind: 'typed', expected: '1234'});
		expect(confirms(many, 'y')).toBe(false);
		expect(confirms(many, '1,234')).toBe(true);
	});
});

describe('sweepTable', () => {
	it('fits 80 columns and makes database text harmless', () => {
		const evil: SweepEntry = {
			...sweepEntry(stale('7', 'eve\x1b]52;c;aGk=\x07'), 'bng-\x1b[2J', 'would_close', ''),
			framedIp: '100.64.0.9',
		};
		const [header, line] = sweepTable([evil]);
		expect(header!.length).toBeLessThanOrEqual(80);
		expect(line!.length).toBeLessThanOrEqual(80);
		expect(line).not.toContain('\x1b');
		expect(line).toContain('eve\\x1b');
		expect(line).toContain('1h30m');
	});

	it('says how the NAS was asked, and with details why a session stays open', () => {
		const closed = sweepEntry(stale('1'), 'bng-2', 'closed', 'CoA-NAK: Session-Context-Not-Found (503)', 'coa');
		const kept = sweepEntry(stale('2'), 'bng-2', 'on_nas', '/ppp/active lists it (name=user2)', 'api');
		const [, first, second] = sweepTable([closed, kept], {details: true});
		expect(first).toMatch(/closed \(not on NAS, asked by CoA\)$/);
		expect(second).toMatch(/on NAS: \/ppp\/active lists it \(name=user2\)$/);
	});
});

describe('sweepSummary', () => {
	it('counts what was closed and why the rest stayed open', () => {
		expect(sweepSummary(result(['closed', 'closed', 'updated', 'on_nas']))).toBe(
			'4 stale sessions: 2 closed in radacct (Lost-Carrier); 1 still on their NAS, 1 updated since listed',
		);
		expect(sweepSummary(result(['would_close'], true))).toBe(
			'1 stale session: dry run, 1 would be closed (Lost-Carrier); --apply closes them',
		);
		expect(sweepSummary({...result(['would_close'], true), capped: true})).toContain('1+ stale sessions');
	});
});
