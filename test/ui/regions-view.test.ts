/**
 * Regions in the console, without a terminal: their counts from the poll's per-NAS counts, the NAS picker's
 * region entries (`n` filters on `region:NAME`, `X` previews the disconnect of all the region's NAS), and the
 * region pills of the stats line at 80 columns and narrower.
 */
import {describe, expect, it} from 'vitest';
import type {SessionStats} from '../../source/sessions/session.js';
import {formatCount} from '../../source/sessions/format.js';
import {stringWidth} from '../../source/terminal/text.js';
import {statsLineWithRegions} from '../../source/ui/components/StatsBar.js';
import {nasPickerLines} from '../../source/ui/nas-picker-lines.js';
import {regionCounts, regionPills, searchWithRegion} from '../../source/ui/region-choices.js';
import {initialState, nasChoices, queryKey, reducer} from '../../source/ui/state.js';
import type {UiAction, UiState} from '../../source/ui/state-types.js';

const perNas = [
	{nasipaddress: '10.20.0.1', nasname: 'bng-1', sessions: 779, stale: 0},
	{nasipaddress: '10.20.0.2', nasname: 'bng-2', sessions: 626, stale: 0},
	{nasipaddress: '10.20.0.3', nasname: 'bng-3', sessions: 600, stale: 0},
	{nasipaddress: '10.20.1.1', nasname: 'accel-1', sessions: 300, stale: 0},
	{nasipaddress: '10.30.0.1', nasname: null, sessions: 197, stale: 0},
];
const stats: SessionStats = {
	openSessions: 2502,
	uniqueUsers: 2433,
	averageDurationSeconds: 19 * 3600 + 53 * 60,
	staleSessions: 33,
	perNas,
	dbNow: new Date('2026-12-03T06:00:00Z'),
};
const REGIONS = {north: ['bng-1', 'BNG-2'], core: ['10.20.0.0/24', 'accel-1'], mall: ['10.30.0.0/24'], empty: ['bng-9']};

function loaded(regions = REGIONS): UiState {
	const state: UiState = {...initialState({pageSize: 10}), regions};
	return reducer(state, {
		type: 'snapshot',
		snapshot: {
			key: queryKey(state.query),
			offset: 0,
			rows: [],
			total: {total: 0, capped: false},
			stats,
			rates: new Map(),
			fetchedAt: 0,
			durationMs: 1,
		},
	});
}

const run = (state: UiState, ...actions: UiAction[]): UiState => actions.reduce(reducer, state);

describe('region counts', () => {
	it('sums the open sessions of each region, a NAS in several counted in each', () => {
		expect(regionCounts(REGIONS, perNas).map((region) => [region.name, region.nas.length, region.sessions])).toEqual([
			['north', 2, 1405],
			['core', 4, 2305],
			['mall', 1, 197],
			['empty', 0, 0],
		]);
		expect(regionCounts(undefined, perNas)).toEqual([]);
	});

	it('puts a picked region in the search in place of another region term', () => {
		expect(searchWithRegion('', 'north')).toBe('region:north');
		expect(searchWithRegion('user:ann region:core 100.64.', 'north')).toBe('user:ann 100.64. region:north');
	});
});

describe('the NAS picker with regions', () => {
	it('lists each NAS, then the regions with their counts', () => {
		const state = run(loaded(), {type: 'nas-picker-open'});
		const lines = nasPickerLines(nasChoices(state), state.nasCursor, null, 'filter', 80, 12).map((line) => line.text.trimEnd());
		expect(lines.slice(0, 3)).toEqual([
			'filter on a NAS · ↑↓ Enter · Esc cancels',
			'● all NAS                                  2,502',
			'  bng-1                10.20.0.1             779',
		]);
		expect(lines.slice(7, 11)).toEqual([
			'  region north         2 NAS               1,405',
			'  region core          4 NAS               2,305',
			'  region mall          1 NAS                 197',
			'  region empty         0 NAS                   0',
		]);
	});

	it('n, a region, Enter: the search holds region:NAME and the NAS filter is gone', () => {
		const state = run(loaded(), {type: 'nas-picker-open'}, {type: 'nas-picker-move', by: 7}, {type: 'nas-picker-choose'});
		expect(state.mode).toBe('table');
		expect(state.query).toMatchObject({search: 'region:core', nas: null});
	});

	it("draws a region the sum of its NAS's sparklines (an empty region none)", () => {
		const state = run(loaded(), {type: 'nas-picker-open'});
		// bng-1 rises from 0 to 8, bng-2 falls from 8 to 0: their sum, region north, stays level.
		const rising = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((online, index) => ({at: index * 1000, online}));
		const falling = rising.map((sample) => ({at: sample.at, online: 8 - sample.online}));
		const byIp: Record<string, typeof rising> = {'10.20.0.1': rising, '10.20.0.2': falling};
		const asked: string[][] = [];
		const trends = {
			of: (ip: string | null) => (ip === null ? [] : (byIp[ip] ?? [])),
			ofAll: (nas: ReadonlyArray<{readonly ip: string}>) => {
				asked.push(nas.map((entry) => entry.ip));
				return rising.map((sample, index) => ({
					at: sample.at,
					online: nas.reduce((sum, entry) => sum + (byIp[entry.ip]?.[index]?.online ?? 0), 0),
				}));
			},
			from: 0,
			to: 8000,
		};
		const lines = nasPickerLines(nasChoices(state), state.nasCursor, null, 'filter', 100, 12, new Date(8000), trends).map((line) =>
			line.text.trimEnd(),
		);
		const bng1 = lines.find((line) => line.startsWith('  bng-1 '))!;
		const north = lines.find((line) => line.startsWith('  region north '))!;
		expect(bng1).toMatch(/▁.*█$/);
		// Level: one block all along (a flat series is drawn at mid height).
		expect(north.split('  ').at(-1)).toMatch(/^(▄)\1{7,}$/);
		expect(asked).toContainEqual(['10.20.0.1', '10.20.0.2']);
		expect(lines.find((line) => line.startsWith('  region empty '))).toMatch(/ 0$/);
	});

	it('at 80 columns (79 drawn) a NAS that reloaded leaves room for the sparklines beside its reload', () => {
		const state = run(loaded(), {type: 'nas-picker-open'});
		const rising = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((online, index) => ({at: index * 1000, online}));
		const trends = {of: () => rising, ofAll: () => rising, from: 0, to: 8000};
		const choices = nasChoices(state).map((choice, index) => (index === 1 ? {...choice, reloadedAt: new Date(0)} : choice));
		const lines = nasPickerLines(choices, state.nasCursor, null, 'disconnect', 79, 12, new Date(8000), trends).map((line) => line.text);
		const bng1 = lines.find((line) => line.startsWith('  bng-1 '))!;
		expect(bng1).toMatch(/ {2}[▁▂▃▄▅▆▇█]{7} {2}reloaded /);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(79);
	});

	it('X offers the regions with sessions open; Enter previews every session of its NAS, its name to be typed', () => {
		let state = run(loaded(), {type: 'nas-picker-open', purpose: 'disconnect'});
		const labels = nasChoices(state).map((choice) => choice.label);
		expect(labels).toEqual(['bng-1', 'bng-2', 'bng-3', 'accel-1', '10.30.0.1', 'region north', 'region core', 'region mall']);
		state = run(state, {type: 'nas-picker-move', by: -10}, {type: 'nas-picker-move', by: 5}, {type: 'nas-picker-choose'});
		expect(state.mode).toBe('preview');
		expect(state.disconnect?.target).toEqual({
			kind: 'nas',
			nasIps: ['10.20.0.1', '10.20.0.2'],
			region: {
				name: 'north',
				nas: [
					{ip: '10.20.0.1', name: 'bng-1'},
					{ip: '10.20.0.2', name: 'bng-2'},
				],
			},
		});
		expect(state.disconnect?.label).toBe('ALL open sessions of region north (bng-1, bng-2)');
	});

	it('without regions the picker is as it was', () => {
		const state = run(loaded({} as typeof REGIONS), {type: 'nas-picker-open'});
		expect(nasChoices(state).map((choice) => choice.label)).toEqual(['all NAS', 'bng-1', 'bng-2', 'bng-3', 'accel-1', '10.30.0.1']);
	});
});

describe('a region: term typed in the console', () => {
	it('an unknown region is refused as it is typed, naming those there are; the search in force stays', () => {
		let state = run(loaded(), {type: 'search-start'}, {type: 'search-input', text: 'region:west'}, {type: 'search-apply'});
		expect(state.searchError).toBe('search term "region:west": unknown region "west" (regions: core, empty, mall, north)');
		expect(state.query.search).toBe('');
		state = run(state, {type: 'search-input', text: '-region:NORTH'}, {type: 'search-apply'});
		expect(state.searchError).toBeUndefined();
		expect(state.query.search).toBe('-region:NORTH');
	});

	it('without regions, region: says the profile defines none', () => {
		const state = run(initialState({}), {type: 'search-start'}, {type: 'search-input', text: 'region:north'}, {type: 'search-apply'});
		expect(state.searchError).toMatch(/this profile defines no region/);
	});
});

describe('region pills on the stats line', () => {
	const line = (width: number, selected: string | null = null) => {
		const fitted = statsLineWithRegions(stats, perNas, selected, width, regionCounts(REGIONS, perNas));
		const nas = fitted.shown.map((entry) => `${entry.nasname ?? entry.nasipaddress} ${formatCount(entry.sessions)} `).join('');
		const more = fitted.more > 0 ? `+${fitted.more} more` : '';
		const text = `${fitted.totals}   ${nas}${more}${fitted.regions ? `${more ? ' ' : ''}${fitted.regions}` : ''}`;
		return {fitted, text};
	};

	it('a pill carries the sparkline it is given, and still fits the width', () => {
		const counts = regionCounts(REGIONS, perNas);
		const fitted = statsLineWithRegions(stats, perNas, null, 160, counts, (region) => (region.nas.length > 0 ? '▁▃▅█' : ''));
		expect(fitted.regions).toContain('[north 1,405 ▁▃▅█]');
		expect(fitted.regions).toContain('[empty 0]');
		const without = statsLineWithRegions(stats, perNas, null, 160, counts);
		expect(without.regions).toContain('[north 1,405]');
		for (const width of [80, 100, 160]) {
			const narrow = statsLineWithRegions(stats, perNas, null, width, counts, () => '▁▃▅▆▇█');
			expect(stringWidth(`${narrow.totals}   ${narrow.regions}`)).toBeLessThanOrEqual(width);
		}
	});

	it('at 80 columns the largest NAS keeps its pill, the regions follow, the average giving way, within the width', () => {
		const {fitted, text} = line(80);
		expect(text.trimEnd()).toBe('2,502 online · 2,433 users · 33 stale   bng-1 779 +4 more [north 1,405]');
		expect(stringWidth(text)).toBeLessThanOrEqual(80);
		expect(fitted.shown.map((nas) => nas.nasname)).toEqual(['bng-1']);
	});

	it('the filtered NAS keeps the first pill', () => {
		expect(line(80, '10.30.0.1').text).toMatch(/ {3}10\.30\.0\.1 197 \+4 more \[north 1,405\]/);
	});

	it('given room, every region with the whole totals, and NAS after them', () => {
		const {fitted, text} = line(160);
		expect(fitted.totals).toContain('avg 19h53m');
		expect(fitted.regions).toBe('[north 1,405] [core 2,305] [mall 197] [empty 0] ');
		expect(fitted.shown.length).toBeGreaterThan(0);
		expect(stringWidth(text)).toBeLessThanOrEqual(160);
	});

	it('at 60 columns and less, what fits and never wider', () => {
		expect(line(60).fitted.regions).toBe('');
		expect(line(60).fitted.shown.map((nas) => nas.nasname)).toEqual(['bng-1']);
		for (const width of [60, 50, 40])
			expect(stringWidth(line(width).text), `at ${width}: ${line(width).text}`).toBeLessThanOrEqual(width);
		expect(regionPills(regionCounts(REGIONS, perNas), 5)).toEqual({text: '', shown: 0});
	});
});
