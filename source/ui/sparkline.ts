/**
 * Counts over time drawn with block characters: a one-line sparkline (▁▂▃▄▅▆▇█) fit to a width, and a small
 * chart at terminal resolution (columns of blocks in eighths of a row, a y-axis of counts and an x-axis of
 * times). Pure: both take plain numbers and return strings.
 */
import {formatCount} from '../sessions/format.js';
import {resample, type Series} from '../sessions/online-history.js';

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
/** Eighths of a cell, bottom up, for the chart's top cell of a column (index 0: empty). */
const EIGHTHS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * `values` (oldest first) squeezed or stretched to `width` columns: each column shows the mean of the values
 * that fall in it (stretching repeats a value). Undefined values are gaps; a column of gaps is undefined.
 */
export function fitToWidth(values: ReadonlyArray<number | undefined>, width: number): Array<number | undefined> {
	const columns = Math.max(0, Math.floor(width));
	if (columns === 0 || values.length === 0) return [];
	const result: Array<number | undefined> = [];
	for (let column = 0; column < columns; column++) {
		const from = Math.floor((column * values.length) / columns);
		const to = Math.max(from + 1, Math.floor(((column + 1) * values.length) / columns));
		let sum = 0;
		let count = 0;
		for (let index = from; index < to; index++) {
			const value = values[index];
			if (value === undefined || !Number.isFinite(value)) continue;
			sum += value;
			count += 1;
		}
		result.push(count === 0 ? undefined : sum / count);
	}
	return result;
}

/**
 * A sparkline of `values` (oldest first) in exactly `width` characters (`values.length` when omitted): the
 * lowest value ▁, the highest █, scaled between them (from 0 when `fromZero`). A flat series is a row of ▁ at
 * zero and of ▄ otherwise; a gap (undefined) is a space. Shorter series are right-aligned: the newest is
 * always the last character.
 */
export function sparkline(values: ReadonlyArray<number | undefined>, width?: number, options: {fromZero?: boolean} = {}): string {
	const columns = Math.max(0, Math.floor(width ?? values.length));
	const fitted = values.length > columns ? fitToWidth(values, columns) : [...values];
	const present = fitted.filter((value): value is number => value !== undefined && Number.isFinite(value));
	const low = options.fromZero ? Math.min(0, ...present) : Math.min(...present);
	const high = Math.max(...present);
	const cells = fitted.map((value) => {
		if (value === undefined || !Number.isFinite(value)) return ' ';
		if (high === low) return high === 0 ? BARS[0] : BARS[3];
		const level = Math.round(((value - low) / (high - low)) * (BARS.length - 1));
		return BARS[Math.max(0, Math.min(BARS.length - 1, level))];
	});
	return cells.join('').padStart(columns, ' ');
}

/** A sparkline of a series' counts over [from, to] (ms), one column per equal slice of the time. */
export function seriesSparkline(series: Series, from: number, to: number, width: number): string {
	if (width < 1) return '';
	const points = Math.max(width, Math.min(series.length, width * 8));
	return sparkline(resample(series, from, to, points), width);
}

/** "14:05" in local time, or in UTC when asked. */
function clock(at: number, utc: boolean): string {
	const date = new Date(at);
	const pad = (n: number) => String(n).padStart(2, '0');
	return utc ? `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}` : `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A y-axis bound at or above `value`: 1, 2 or 5 times a power of ten, so the labels read well. */
export function niceCeiling(value: number): number {
	if (!(value > 0)) return 1;
	const power = 10 ** Math.floor(Math.log10(value));
	for (const factor of [1, 2, 5, 10]) if (factor * power >= value) return factor * power;
	return 10 * power;
}

export interface ChartOptions {
	/** The whole chart's width and height in cells, axes included. */
	readonly width: number;
	readonly height: number;
	/** The time span drawn (ms); the series is sampled at one point per column. */
	readonly from: number;
	readonly to: number;
	readonly utc?: boolean;
}

/**
 * A chart of the series' counts over [from, to]: `height - 1` rows of columns (each cell in eighths) under a
 * y-axis labelled with counts (the top bound, its half and 0), then an x-axis of times (the start, the end and
 * what fits between). Each column is the count at its instant (the last sample at or before it); a column
 * before the first sample is blank. Exactly `height` lines of exactly `width` characters (none when too small).
 */
export function chartLines(series: Series, options: ChartOptions): string[] {
	const {width, height, from, to} = options;
	const utc = options.utc ?? false;
	const rows = height - 1;
	if (rows < 1 || width < 12) return [];
	const nice = niceCeiling(Math.max(0, ...series.map((sample) => sample.online)));
	// An even bound, so that its half is a whole count.
	const top = nice % 2 === 0 ? nice : nice + 1;
	const labels = [formatCount(top), formatCount(top / 2), '0'];
	const gutter = Math.max(...labels.map((label) => label.length)) + 1;
	const plotWidth = width - gutter - 1;
	if (plotWidth < 4) return [];
	const columns = resample(series, from, to, plotWidth);
	// The top label is the top row's upper edge, the half the upper edge of the row it falls on, 0 the baseline.
	const middle = rows >= 3 ? rows - Math.round(rows / 2) : -1;
	const lines: string[] = [];
	for (let row = 0; row < rows; row++) {
		// Row 0 is the top; the cell spans [bottom, bottom + 1) rows above the axis, in units of top / rows.
		const bottom = rows - 1 - row;
		const label = row === 0 ? labels[0] : row === rows - 1 ? labels[2] : row === middle ? labels[1] : '';
		const cells = columns.map((value) => {
			if (value === undefined) return ' ';
			const eighths = Math.round((Math.max(0, value) / top) * rows * 8) - bottom * 8;
			return EIGHTHS[Math.max(0, Math.min(8, eighths))];
		});
		lines.push(`${(label ?? '').padStart(gutter - 1)} ┤${cells.join('')}`);
	}
	lines.push(axisLine(from, to, plotWidth, gutter, utc));
	return lines.map((line) => line.slice(0, width).padEnd(width));
}

/** Tick intervals the x-axis picks from (ms): the smallest that leaves room between its labels. */
const TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((minutes) => minutes * 60_000);

/**
 * The x-axis: └ under the y-axis, then times at whole multiples of a tick interval (14:00, 15:00, ... or
 * 14:10, 14:20, ...), as many as fit with room between them.
 */
function axisLine(from: number, to: number, plotWidth: number, gutter: number, utc: boolean): string {
	const cells = Array.from({length: plotWidth}, () => '─');
	const label = 5;
	const span = Math.max(1, to - from);
	const room = Math.max(1, Math.floor(plotWidth / (label + 3)));
	const interval = TICKS.find((tick) => span / tick <= room) ?? TICKS.at(-1)!;
	// Local midnight and whole hours: the offset of the zone at the window's end.
	const offset = utc ? 0 : -new Date(to).getTimezoneOffset() * 60_000;
	let last = -Infinity;
	for (let at = Math.ceil((from + offset) / interval) * interval - offset; at <= to; at += interval) {
		const column = Math.round(((at - from) / span) * (plotWidth - 1));
		const start = Math.max(0, Math.min(plotWidth - label, column - 2));
		if (start < last + label + 1) continue;
		const text = clock(at, utc);
		for (let index = 0; index < label; index++) cells[start + index] = text[index]!;
		last = start;
	}
	return `${' '.repeat(gutter - 1)} └${cells.join('')}`;
}
