import {describe, expect, it} from 'vitest';
import type {OnlineHistory} from '../../source/sessions/online-history.js';
import {historyReducer} from '../../source/ui/history-state.js';
import {historyViewLines} from '../../source/ui/history-view-lines.js';
import {initialState} from '../../source/ui/state.js';

const HOUR = 3_600_000;
const END = Date.UTC(2026, 11, 7, 12, 0);
const series = Array.from({length: 361}, (_, index) => ({at: END - 6 * HOUR + index * 60_000, online: 100 + (index % 50)}));

describe('history view lines', () => {
	for (const [width, height] of [
		[59, 9],
		[79, 18],
		[159, 42],
		[79, 4],
		[79, 2],
	] as const) {
		it(`hold in ${width}x${height}: never more lines or columns than given`, () => {
			const lines = historyViewLines({
				network: {label: 'network', series},
				nas: {label: 'bng-1 \u001b[31m10.20.0.1', series},
				end: END,
				hours: 6,
				read: {at: END, historyEnd: END},
				width,
				height,
				utc: true,
			});
			expect(lines.length).toBeLessThanOrEqual(height);
			for (const line of lines) expect([...line.text].length).toBeLessThanOrEqual(width);
			// A string from the database never carries an escape sequence to the terminal.
			for (const line of lines) expect(line.text).not.toContain('\u001b');
			if (height >= 9) expect(lines.filter((line) => line.text.includes('┤')).length).toBeGreaterThanOrEqual(2);
		});
	}

	it('without room for a chart, the label and a sparkline', () => {
		const lines = historyViewLines({network: {label: 'network', series}, end: END, hours: 6, width: 40, height: 4, utc: true});
		expect(lines.map((line) => line.text)).toHaveLength(4);
		expect(lines[2]!.text).toBe('network  110 open · least 100 · most 149');
		expect(lines[3]!.text).toMatch(/^[▁▂▃▄▅▆▇█]{40}$/);
	});
});

describe('history state', () => {
	const history: OnlineHistory = {
		end: new Date(END),
		stepSeconds: 60,
		perNas: [{nasipaddress: '10.20.0.1', nasname: 'bng-1', online: [1, 2]}],
	};

	it('keeps the last history when a read fails, and ignores an answer to an older read', () => {
		let state = historyReducer(initialState(), {type: 'history-open'});
		state = historyReducer(state, {type: 'history-loaded', seq: 0, at: 1, history});
		state = historyReducer(state, {type: 'history-refresh'});
		expect(state.onlineHistory?.seq).toBe(1);
		expect(historyReducer(state, {type: 'history-loaded', seq: 0, at: 2, error: 'late'})).toBe(state);
		state = historyReducer(state, {type: 'history-loaded', seq: 1, at: 3, error: 'statement timeout'});
		expect(state.onlineHistory).toEqual({seq: 1, readAt: 3, history, error: 'statement timeout'});
		state = historyReducer(state, {type: 'history-close'});
		expect(state.mode).toBe('table');
		expect(state.historyView).toBeUndefined();
	});
});
