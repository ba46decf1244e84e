/** Time remaining: start + Session-Timeout against now, the REMAINING cell, the over-time marker. */
import {describe, expect, it} from 'vitest';
import {formatRemaining, remainingOf, shortSpan} from '../../source/sessions/session-math.js';
import type {Session} from '../../source/sessions/session.js';

const now = new Date('2026-03-01T12:00:00Z');

function session(startedAgoSeconds: number | null, stopped = false): Session {
	return {
		acctstarttime: startedAgoSeconds === null ? null : new Date(now.getTime() - startedAgoSeconds * 1000),
		acctstoptime: stopped ? now : null,
	} as unknown as Session;
}

describe('remaining', () => {
	it('is start + Session-Timeout minus now, with the share left', () => {
		// 4 h timeout, 2 h 15 m in: 1 h 45 m left, 44 %.
		const remaining = remainingOf(session(8100), 14_400, now);
		expect(remaining).toEqual({seconds: 6300, percent: 44, over: false});
		expect(formatRemaining(remaining)).toBe('1h45m (44%)');
		expect(formatRemaining(remainingOf(session(1800), 4500, now))).toBe('45m (60%)');
	});

	it('marks a session past its expected end', () => {
		const remaining = remainingOf(session(3600 + 720), 3600, now);
		expect(remaining).toEqual({seconds: -720, percent: 0, over: true});
		expect(formatRemaining(remaining)).toBe('over by 12m');
	});

	it('is unknown without a timeout, a start, or for a stopped session', () => {
		expect(remainingOf(session(60), null, now)).toBeNull();
		expect(remainingOf(session(60), 0, now)).toBeNull();
		expect(remainingOf(session(null), 3600, now)).toBeNull();
		expect(remainingOf(session(60, true), 3600, now)).toBeNull();
		expect(formatRemaining(null)).toBe('');
	});

	it('spells spans with their two largest units', () => {
		expect(shortSpan(0)).toBe('0s');
		expect(shortSpan(40)).toBe('40s');
		expect(shortSpan(3600)).toBe('1h');
		expect(shortSpan(86_400 * 2 + 3 * 3600 + 59)).toBe('2d3h');
		expect(shortSpan(61)).toBe('1m1s');
	});
});
