/** The gutter's concurrent-login marks: S over Simultaneous-Use, C more than one open session, in their precedence. Pure. */
import {describe, expect, it} from 'vitest';
import {EMPTY_CONTEXT} from '../../source/subscribers/subscriber-sql.js';
import type {SessionSubscriber} from '../../source/subscribers/subscriber-view.js';
import {helpLines} from '../../source/ui/help-lines.js';
import {ROW_MARKS, rowFactsOf, rowMark, rowMarkLegend} from '../../source/ui/row-marks.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function subscriber(simultaneousUse: number | null, sessionTimeout: number | null = null): SessionSubscriber {
	return {context: {...EMPTY_CONTEXT, simultaneousUse, sessionTimeout}, billing: {}, remaining: null};
}

const open = makeSession({acctstarttime: new Date('2026-11-25T11:00:00Z')});

describe('concurrent marks', () => {
	it('C: the user has more than one open session', () => {
		expect(rowMark(rowFactsOf(open, undefined, NOW, 2))).toBe('C');
		expect(rowMark(rowFactsOf(open, subscriber(null), NOW, 3))).toBe('C');
		expect(rowMark(rowFactsOf(open, subscriber(2), NOW, 2))).toBe('C');
	});

	it('S: more open sessions than Simultaneous-Use, and S wins over C', () => {
		expect(rowMark(rowFactsOf(open, subscriber(1), NOW, 2))).toBe('S');
		expect(rowMark(rowFactsOf(open, subscriber(2), NOW, 3))).toBe('S');
	});

	it('one open session, or a count not known yet: no mark', () => {
		expect(rowMark(rowFactsOf(open, subscriber(1), NOW, 1))).toBe(' ');
		expect(rowMark(rowFactsOf(open, subscriber(1), NOW))).toBe(' ');
		expect(rowMark(rowFactsOf(open, undefined, NOW))).toBe(' ');
	});

	it('a closed row is not marked for its user’s open sessions', () => {
		const closed = makeSession({acctstoptime: new Date('2026-11-25T11:30:00Z')});
		expect(rowMark(rowFactsOf(closed, subscriber(1), NOW, 3))).toBe(' ');
	});

	it('C wins over T (past its expected end), as row-marks.ts orders them', () => {
		// Started an hour ago with a 10 minute Session-Timeout: past its end.
		const over = rowFactsOf(open, subscriber(null, 600), NOW, 2);
		expect(over.overTime).toBe(true);
		expect(rowMark(over)).toBe('C');
		expect(rowMark(rowFactsOf(open, subscriber(null, 600), NOW, 1))).toBe('T');
		const order = ROW_MARKS.map((mark) => mark.mark);
		expect(order.indexOf('S')).toBeLessThan(order.indexOf('C'));
		expect(order.indexOf('C')).toBeLessThan(order.indexOf('T'));
	});

	it('the help lists both in its legend', () => {
		expect(rowMarkLegend()).toContain('S beside a row: its user has more open sessions than Simultaneous-Use allows');
		expect(rowMarkLegend()).toContain('C beside a row: its user has more than one open session (C shows only those)');
		const lines = helpLines([], false, 100, 30, 0).map((line) => line.text);
		expect(lines.some((line) => line.startsWith('S beside a row'))).toBe(true);
		expect(lines.some((line) => line.startsWith('C beside a row'))).toBe(true);
	});
});
