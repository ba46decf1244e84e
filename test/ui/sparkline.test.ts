import {describe, expect, it} from 'vitest';
import {PollSamples, mergedSeries, resample, historySeries} from '../../source/sessions/online-history.js';
import {chartLines, fitToWidth, niceCeiling, seriesSparkline, sparkline} from '../../source/ui/sparkline.js';

describe('sparkline', () => {
	it('draws the lowest value ▁ and the highest █, scaled between', () => {
		expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
		expect(sparkline([10, 17, 10])).toBe('▁█▁');
		expect(sparkline([100, 104, 108], undefined, {fromZero: true})).toBe('▇██');
	});

	it('squeezes a long series to the width, each column the mean of its values', () => {
		expect(fitToWidth([1, 3, 5, 7, 9, 11], 3)).toEqual([2, 6, 10]);
		const line = sparkline(
			Array.from({length: 361}, (_, index) => index),
			12,
		);
		expect(line).toHaveLength(12);
		expect(line[0]).toBe('▁');
		expect(line.at(-1)).toBe('█');
	});

	it('right-aligns a short series so the newest value is the last character, and leaves gaps blank', () => {
		expect(sparkline([1, 2], 5)).toBe('   ▁█');
		expect(sparkline([1, undefined, 2], 3)).toBe('▁ █');
	});

	it('draws a flat series at the floor when it is zero and in the middle otherwise', () => {
		expect(sparkline([0, 0, 0])).toBe('▁▁▁');
		expect(sparkline([42, 42])).toBe('▄▄');
		expect(sparkline([], 4)).toBe('    ');
		expect(sparkline([5], 0)).toBe('');
	});

	it('draws a series over a span of time, blank before its first sample', () => {
		const series = [
			{at: 5_000, online: 1},
			{at: 8_000, online: 9},
		];
		expect(seriesSparkline(series, 0, 9_000, 10)).toBe('     ▁▁▁██');
	});
});

describe('resampling and merging', () => {
	it('holds each count until the next sample', () => {
		const series = [
			{at: 10, online: 1},
			{at: 20, online: 2},
			{at: 30, online: 3},
		];
		expect(resample(series, 0, 40, 5)).toEqual([undefined, 1, 2, 3, 3]);
	});

	it('continues the history with the poll samples taken after its last point; samples alone without one', () => {
		const samples = new PollSamples();
		samples.add(50_000, [{nasipaddress: 'a', sessions: 4}]);
		samples.add(130_000, [
			{nasipaddress: 'a', sessions: 5},
			{nasipaddress: 'b', sessions: 2},
		]);
		samples.add(140_000, [{nasipaddress: 'b', sessions: 3}]);
		const history = {
			end: new Date(120_000),
			stepSeconds: 60,
			perNas: [
				{nasipaddress: 'a', nasname: null, online: [1, 2, 3]},
				{nasipaddress: 'b', nasname: null, online: [0, 1, 1]},
			],
		};
		expect(historySeries(history)).toEqual([
			{at: 0, online: 1},
			{at: 60_000, online: 3},
			{at: 120_000, online: 4},
		]);
		expect(mergedSeries(history, samples).map((sample) => [sample.at, sample.online])).toEqual([
			[0, 1],
			[60_000, 3],
			[120_000, 4],
			[130_000, 7],
			// a went silent in the last poll: it had no open session then.
			[140_000, 3],
		]);
		expect(mergedSeries(history, samples, ['b']).map((sample) => sample.online)).toEqual([0, 1, 1, 2, 3]);
		expect(mergedSeries(undefined, samples, ['a']).map((sample) => sample.online)).toEqual([4, 5, 0]);
	});

	it('keeps a bounded ring per NAS, oldest dropped first, and ignores a poll that is not newer', () => {
		const samples = new PollSamples(3);
		for (let at = 1; at <= 5; at++) samples.add(at, [{nasipaddress: 'a', sessions: at * 10}]);
		samples.add(5, [{nasipaddress: 'a', sessions: 999}]);
		expect(samples.of('a')).toEqual([
			{at: 3, online: 30},
			{at: 4, online: 40},
			{at: 5, online: 50},
		]);
	});
});

describe('chart', () => {
	const minute = 60_000;
	const from = Date.UTC(2026, 11, 7, 12, 0);
	const to = from + 60 * minute;

	it('fills exactly its width and height, with counts on the y-axis and times on the x-axis', () => {
		const series = Array.from({length: 61}, (_, index) => ({at: from + index * minute, online: index * 100}));
		const lines = chartLines(series, {width: 40, height: 8, from, to, utc: true});
		expect(lines).toHaveLength(8);
		for (const line of lines) expect(line).toHaveLength(40);
		expect(lines[0]).toMatch(/^10,000 ┤/);
		expect(lines[6]).toMatch(/^ {5}0 ┤/);
		expect(lines.some((line) => /^ 5,000 ┤/.test(line))).toBe(true);
		expect(lines[7]).toMatch(/^ {7}└12:00─+.*13:00$/);
		expect(lines.slice(0, 7).every((line) => line.indexOf('┤') === 7)).toBe(true);
	});

	it('draws in eighths of a row: a count at half the bound fills the lower half of the rows', () => {
		const series = [
			{at: from, online: 0},
			{at: from + 30 * minute, online: 5},
			{at: from + 45 * minute, online: 10},
		];
		const lines = chartLines(series, {width: 20, height: 5, from, to, utc: true});
		// Bound 10 over 4 rows: 5 is the two lower rows, 10 all four; before 30 minutes, nothing.
		const plot = lines.slice(0, 4).map((line) => line.slice(line.indexOf('┤') + 1));
		expect(plot[0]).toMatch(/^ {2,}█+$/);
		expect(plot[1]).toBe(plot[0]);
		expect(plot[2]).toMatch(/^ {2,}█+$/);
		expect(plot[3]).toBe(plot[2]);
		expect(plot[2]!.trimStart().length).toBeGreaterThan(plot[0]!.trimStart().length);
		const eighths = chartLines(
			[
				{at: from, online: 3},
				{at: from + minute, online: 10},
			],
			{width: 14, height: 3, from, to, utc: true},
		);
		// Bound 10 over 2 rows (16 eighths): 3 is 5 eighths of the lower row, 10 both rows.
		expect(eighths[0]).toMatch(/┤ █{9}$/);
		expect(eighths[1]).toMatch(/┤▅█{9}$/);
	});

	it('leaves the time before the first sample blank, and gives nothing when too small', () => {
		const series = [{at: from + 50 * minute, online: 3}];
		const lines = chartLines(series, {width: 30, height: 4, from, to, utc: true});
		const plot = lines.slice(0, 3).map((line) => line.slice(line.indexOf('┤') + 1));
		expect(plot[2]!.trimStart().length).toBeLessThan(plot[2]!.length / 2);
		expect(chartLines(series, {width: 10, height: 4, from, to})).toEqual([]);
		expect(chartLines(series, {width: 40, height: 1, from, to})).toEqual([]);
	});

	it('bounds the y-axis at 1, 2 or 5 times a power of ten', () => {
		expect([0, 1, 3, 7, 12, 180, 99_000].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 200, 100_000]);
	});
});
