import {describe, expect, it} from 'vitest';
import type {Session} from '../../source/sessions/session.js';
import {
	DEFAULT_STALE_AFTER_SECONDS,
	isStale,
	rateBetween,
	RateTracker,
	sessionDurationSeconds,
	sessionState,
} from '../../source/sessions/session-math.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const ago = (seconds: number): Date => new Date(NOW.getTime() - seconds * 1000);

function session(overrides: Partial<Session> = {}): Session {
	return makeSession({acctstarttime: ago(3600), ...overrides});
}

describe('sessionDurationSeconds', () => {
	it('measures an open session up to now', () => {
		expect(sessionDurationSeconds(session({acctstarttime: ago(3600)}), NOW)).toBe(3600);
	});

	it('measures a closed session up to its stop time, whatever now is', () => {
		const closed = session({acctstarttime: ago(7200), acctstoptime: ago(3600)});
		expect(sessionDurationSeconds(closed, NOW)).toBe(3600);
		expect(sessionDurationSeconds(closed, new Date(NOW.getTime() + 86_400_000))).toBe(3600);
	});

	it('floors fractions of a second', () => {
		const start = new Date(NOW.getTime() - 59_999);
		expect(sessionDurationSeconds(session({acctstarttime: start}), NOW)).toBe(59);
	});

	it('is null without a start time and never negative (start after now, clock skew)', () => {
		expect(sessionDurationSeconds(session({acctstarttime: null}), NOW)).toBeNull();
		expect(sessionDurationSeconds(session({acctstarttime: ago(-30)}), NOW)).toBe(0);
	});
});

describe('isStale', () => {
	it('allows twice the interim interval when the NAS reports one', () => {
		expect(isStale(session({acctinterval: 300, acctupdatetime: ago(599)}), NOW)).toBe(false);
		expect(isStale(session({acctinterval: 300, acctupdatetime: ago(600)}), NOW)).toBe(false);
		expect(isStale(session({acctinterval: 300, acctupdatetime: ago(601)}), NOW)).toBe(true);
	});

	it('the interval beats the threshold in both directions', () => {
		// 2 x 300 s is shorter than the 30-minute default: 700 s is stale.
		expect(isStale(session({acctinterval: 300, acctupdatetime: ago(700)}), NOW)).toBe(true);
		// 2 x 3600 s is longer than the default: 2000 s is not stale.
		expect(isStale(session({acctinterval: 3600, acctupdatetime: ago(2000)}), NOW)).toBe(false);
	});

	it('uses the threshold without an interval (null or 0)', () => {
		expect(DEFAULT_STALE_AFTER_SECONDS).toBe(1800);
		expect(isStale(session({acctinterval: null, acctupdatetime: ago(1799)}), NOW)).toBe(false);
		expect(isStale(session({acctinterval: null, acctupdatetime: ago(1801)}), NOW)).toBe(true);
		expect(isStale(session({acctinterval: 0, acctupdatetime: ago(1801)}), NOW)).toBe(true);
		expect(isStale(session({acctinterval: null, acctupdatetime: ago(61)}), NOW, 60)).toBe(true);
		expect(isStale(session({acctinterval: null, acctupdatetime: ago(59)}), NOW, 60)).toBe(false);
	});

	it('is never true for a closed session', () => {
		const closed = session({
			acctstarttime: ago(1_000_000),
			acctupdatetime: ago(900_000),
			acctstoptime: ago(800_000),
			acctinterval: 300,
		});
		expect(isStale(closed, NOW)).toBe(false);
	});

	it('falls back to the start time when there was no interim update', () => {
		expect(isStale(session({acctupdatetime: null, acctstarttime: ago(1801)}), NOW)).toBe(true);
		expect(isStale(session({acctupdatetime: null, acctstarttime: ago(100)}), NOW)).toBe(false);
		expect(isStale(session({acctupdatetime: null, acctstarttime: ago(601), acctinterval: 300}), NOW)).toBe(true);
	});

	it('a recent update wins over an old start', () => {
		expect(isStale(session({acctstarttime: ago(100_000), acctupdatetime: ago(10)}), NOW)).toBe(false);
	});

	it('cannot judge a session with neither update nor start time', () => {
		expect(isStale(session({acctupdatetime: null, acctstarttime: null}), NOW)).toBe(false);
	});
});

describe('sessionState', () => {
	it('is offline once stopped, stale when updates stopped, else online', () => {
		expect(sessionState(session({acctstoptime: ago(5), acctupdatetime: ago(100_000)}), NOW)).toBe('offline');
		expect(sessionState(session({acctupdatetime: ago(10)}), NOW)).toBe('online');
		expect(sessionState(session({acctupdatetime: ago(2000)}), NOW)).toBe('stale');
	});

	it('passes the threshold on', () => {
		expect(sessionState(session({acctupdatetime: ago(120)}), NOW, 60)).toBe('stale');
		expect(sessionState(session({acctupdatetime: ago(120)}), NOW, 3600)).toBe('online');
	});
});

describe('rateBetween', () => {
	it('gives kbit/s from the user point of view (output octets are the download)', () => {
		const rate = rateBetween(
			{updatedAt: 0, input: 1_000, output: 2_000},
			{updatedAt: 60_000, input: 1_000 + 750_000, output: 2_000 + 7_500_000},
		);
		expect(rate).toEqual({downKbps: 1000, upKbps: 100});
	});

	it('gives no rate without elapsed time or when a counter went backwards', () => {
		expect(rateBetween({updatedAt: 1000, input: 0, output: 0}, {updatedAt: 1000, input: 10, output: 10})).toBeUndefined();
		expect(rateBetween({updatedAt: 2000, input: 0, output: 0}, {updatedAt: 1000, input: 10, output: 10})).toBeUndefined();
		expect(rateBetween({updatedAt: 0, input: 500, output: 0}, {updatedAt: 1000, input: 400, output: 10})).toBeUndefined();
		expect(rateBetween({updatedAt: 0, input: 0, output: 500}, {updatedAt: 1000, input: 10, output: 400})).toBeUndefined();
	});

	it('is zero for idle counters', () => {
		expect(rateBetween({updatedAt: 0, input: 5, output: 5}, {updatedAt: 300_000, input: 5, output: 5})).toEqual({
			downKbps: 0,
			upKbps: 0,
		});
	});
});

describe('RateTracker', () => {
	const at = (radacctid: string, updatedAgo: number, input: number | null, output: number | null): Session =>
		session({radacctid, acctupdatetime: ago(updatedAgo), acctinputoctets: input, acctoutputoctets: output});

	it('knows no rate from a single sample', () => {
		const tracker = new RateTracker();
		tracker.observe([at('1', 60, 0, 0)]);
		expect(tracker.rateOf('1')).toBeUndefined();
		expect(tracker.rateOf('never-seen')).toBeUndefined();
	});

	it('derives the rate between two interim updates', () => {
		const tracker = new RateTracker();
		tracker.observe([at('1', 60, 1_000_000, 10_000_000)]);
		tracker.observe([at('1', 0, 1_000_000 + 1_500_000, 10_000_000 + 7_500_000)]);
		expect(tracker.rateOf('1')).toEqual({downKbps: 1000, upKbps: 200});
	});

	it('takes no new sample when the same update is seen again (a poll between interim updates)', () => {
		const tracker = new RateTracker();
		tracker.observe([at('1', 120, 0, 0)]);
		tracker.observe([at('1', 60, 0, 7_500_000)]);
		expect(tracker.rateOf('1')?.downKbps).toBe(1000);
		// Seen again at the same acctupdatetime (even with other counters): the rate stays as it was.
		tracker.observe([at('1', 60, 0, 7_500_000)]);
		tracker.observe([at('1', 60, 0, 99_000_000)]);
		expect(tracker.rateOf('1')?.downKbps).toBe(1000);
	});

	it('ignores an update older than the latest one seen', () => {
		const tracker = new RateTracker();
		tracker.observe([at('1', 60, 0, 0)]);
		tracker.observe([at('1', 120, 0, 0)]);
		expect(tracker.rateOf('1')).toBeUndefined();
	});

	it('gives no rate after counters went backwards, then recovers from the new baseline', () => {
		const tracker = new RateTracker();
		tracker.observe([at('1', 120, 0, 9_000_000)]);
		tracker.observe([at('1', 60, 0, 1_000)]);
		expect(tracker.rateOf('1')).toBeUndefined();
		tracker.observe([at('1', 0, 0, 1_000 + 7_500_000)]);
		expect(tracker.rateOf('1')?.downKbps).toBe(1000);
	});

	it('skips sessions without an update time or counters', () => {
		const tracker = new RateTracker();
		tracker.observe([session({radacctid: '1', acctupdatetime: null})]);
		tracker.observe([at('1', 0, 100, 100)]);
		expect(tracker.rateOf('1')).toBeUndefined();
		tracker.observe([at('2', 60, 0, 0)]);
		tracker.observe([at('2', 0, null, 100)]);
		expect(tracker.rateOf('2')).toBeUndefined();
	});

	it('keeps sessions apart', () => {
		const tracker = new RateTracker();
		tracker.observe([at('1', 60, 0, 0), at('2', 60, 0, 0)]);
		tracker.observe([at('1', 0, 0, 7_500_000), at('2', 0, 0, 750_000)]);
		expect(tracker.rateOf('1')?.downKbps).toBe(1000);
		expect(tracker.rateOf('2')?.downKbps).toBe(100);
	});

	it('forgets the least recently updated session past its capacity', () => {
		const tracker = new RateTracker(2);
		tracker.observe([at('a', 60, 0, 0), at('b', 60, 0, 0)]);
		// a gets a second sample, so it becomes the most recent entry; then c pushes out b.
		tracker.observe([at('a', 0, 0, 7_500_000)]);
		tracker.observe([at('c', 60, 0, 0)]);
		tracker.observe([at('b', 0, 0, 7_500_000), at('c', 0, 0, 7_500_000)]);
		expect(tracker.rateOf('c')?.downKbps).toBe(1000);
		// b was evicted: its new sample is a first sample again, so no rate.
		expect(tracker.rateOf('b')).toBeUndefined();
		// a was evicted by b's re-entry (a was then the oldest).
		expect(tracker.rateOf('a')).toBeUndefined();
	});
});
