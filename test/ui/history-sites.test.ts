/**
 * The history view's state and lines over several sites, without a terminal: the NAS list keyed by site and IP,
 * the NAS filter's NAS at the `:site` narrowed to (else the first site that has it), the charts' titles, and
 * the source line naming the sites whose history is missing.
 */
import {describe, expect, it} from 'vitest';
import {PollSamples, type OnlineHistory} from '../../source/sessions/online-history.js';
import {historyCharts} from '../../source/ui/history-charts.js';
import {historyNasList, historyReducer} from '../../source/ui/history-state.js';
import {historyViewLines} from '../../source/ui/history-view-lines.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiState} from '../../source/ui/state-types.js';

const END = Date.UTC(2026, 11, 7, 1, 0, 0);
const history: OnlineHistory = {
	end: new Date(END),
	stepSeconds: 60,
	perNas: [
		{nasipaddress: '10.9.9.9', nasname: 'edge-7', online: [3, 4], site: 'south'},
		{nasipaddress: '10.9.9.9', nasname: 'bng-1', online: [1, 2], site: 'north'},
		{nasipaddress: '10.3.0.1', nasname: null, online: [5, 0], site: 'north'},
	],
};

function withHistory(query: Partial<UiState['query']> = {}): UiState {
	const state = initialState();
	return {...state, query: {...state.query, ...query}, onlineHistory: {seq: 0, readAt: END, history}};
}

describe('the history view over several sites', () => {
	it('lists every site’s NAS by site and IP; ↓ steps through them', () => {
		let state = withHistory();
		expect(historyNasList(state)).toEqual(['south:10.9.9.9', 'north:10.9.9.9', 'north:10.3.0.1']);
		state = historyReducer(state, {type: 'history-open'});
		expect(state.historyView?.nas).toBeNull();
		state = historyReducer(state, {type: 'history-nas', by: 1});
		state = historyReducer(state, {type: 'history-nas', by: 1});
		expect(state.historyView?.nas).toBe('north:10.9.9.9');
		expect(historyCharts(state, new PollSamples()).nas).toEqual({
			label: 'north/bng-1 10.9.9.9',
			series: [
				{at: END - 60_000, online: 1},
				{at: END, online: 2},
			],
		});
	});

	it('opens on the NAS filter’s NAS at the site narrowed to, else at the first site that has it', () => {
		expect(historyReducer(withHistory({nas: '10.9.9.9'}), {type: 'history-open'}).historyView?.nas).toBe('south:10.9.9.9');
		const narrowed = historyReducer(withHistory({nas: '10.9.9.9', site: 'north'}), {type: 'history-open'});
		expect(narrowed.historyView?.nas).toBe('north:10.9.9.9');
		// The network chart is then that site's total.
		expect(historyCharts(narrowed, new PollSamples()).network).toEqual({
			label: 'site north',
			series: [
				{at: END - 60_000, online: 6},
				{at: END, online: 2},
			],
		});
		expect(historyCharts(withHistory(), new PollSamples()).network.series.map((sample) => sample.online)).toEqual([9, 6]);
	});

	it('names the sites whose history is missing on the source line, within the width', () => {
		const lines = historyViewLines({
			network: {label: 'network', series: []},
			end: END,
			hours: 6,
			read: {
				at: END,
				historyEnd: END,
				missingSites: [
					{site: 'west', error: 'no answer in 3 s'},
					{site: 'east\u001b[2J', error: 'connect ECONNREFUSED'},
				],
			},
			width: 80,
			height: 24,
			utc: true,
		});
		expect(lines[1]).toEqual({
			text: 'no history from sites west (no answer in 3 s), east\\x1b[2J (connect ECONNREFUSE…',
			tone: 'error',
		});
	});
});

describe('the command line opened in the history view', () => {
	const run = (state: UiState, text: string) => {
		let next = reducer(state, {type: 'command-start'});
		next = reducer(next, {type: 'command-input', text});
		return reducer(next, {type: 'command-run'});
	};
	const opened = () => {
		const state = withHistory();
		const sites = [
			{name: 'north', dataAt: END, stale: false, error: null, openSessions: 3},
			{name: 'south', dataAt: END, stale: false, error: null, openSessions: 1},
		];
		const snapshot = {
			key: '',
			rows: [],
			stats: {perNas: [], openSessions: 4, dbNow: new Date(END)},
			sites,
		} as unknown as UiState['snapshot'];
		return reducer({...state, ...(snapshot ? {snapshot} : {})}, {type: 'history-open'});
	};

	it('goes back to the view: :site narrows it, :nas puts that NAS under it, Esc on the line returns to it', () => {
		let state = run(opened(), 'site north');
		expect(state.mode).toBe('history');
		expect(state.query.site).toBe('north');
		expect(historyCharts(state, new PollSamples()).network.label).toBe('site north');
		state = run(state, 'nas 10.9.9.9');
		expect(state.mode).toBe('history');
		expect(state.historyView?.nas).toBe('north:10.9.9.9');
		state = reducer(reducer(state, {type: 'command-start'}), {type: 'command-cancel'});
		expect(state.mode).toBe('history');
		state = reducer(state, {type: 'command-start'});
		state = reducer(state, {type: 'command-input', text: 'site nowhere'});
		state = reducer(state, {type: 'command-run'});
		expect(state.mode).toBe('command');
		expect(state.historyView).toBeDefined();
	});

	it('a command that opens another view, or a line opened from the table, keeps no history view', () => {
		const help = run(opened(), 'help');
		expect(help.mode).toBe('help');
		expect(help.historyView).toBeUndefined();
		// A history view left over in the state (as after a view that replaced it) is not gone back to.
		const fromTable = run({...opened(), mode: 'table'}, 'site north');
		expect(fromTable.mode).toBe('table');
		expect(fromTable.historyView).toBeUndefined();
	});
});
