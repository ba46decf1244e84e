/**
 * The history view's text for a given width and height: a title, where the counts come from, then the
 * network's chart and, under it, one NAS's. Pure; HistoryView only paints these lines. At 80x24 each chart
 * gets six rows; a taller terminal gives them more, a wider one more columns (one column is one instant).
 */
import {formatCount, formatTimestamp} from '../sessions/format.js';
import type {Series} from '../sessions/online-history.js';
import {sanitize} from '../terminal/sanitize.js';
import {truncate} from '../terminal/text.js';
import {chartLines, seriesSparkline} from './sparkline.js';
import type {ViewLine} from './view-line.js';

/** One chart: what it counts and the series. */
export interface HistoryChart {
	/** "network", or the NAS's name and IP (from the database: sanitised here). */
	readonly label: string;
	readonly series: Series;
}

export interface HistoryViewInput {
	readonly network: HistoryChart;
	/** The NAS under the network, when one is picked. */
	readonly nas?: HistoryChart;
	/** The right edge of the charts (epoch ms, the database's clock) and how far back they go. */
	readonly end: number;
	readonly hours: number;
	/** When radacct's history was last read, and why it failed if it did; absent: not read (yet). */
	readonly read?: {
		readonly at?: number;
		readonly historyEnd?: number;
		readonly error?: string;
		/** Read from several sites: those whose history is missing from it, and why. */
		readonly missingSites?: ReadonlyArray<{readonly site: string; readonly error: string}>;
	};
	readonly width: number;
	readonly height: number;
	readonly utc?: boolean;
}

/** What a chart's label line says beside the name: the count now and the least and most of the window. */
function summary(series: Series, from: number): string {
	const inWindow = series.filter((sample) => sample.at >= from);
	const last = series.at(-1);
	if (!last || inWindow.length === 0) return 'no counts yet';
	const counts = inWindow.map((sample) => sample.online);
	return `${formatCount(last.online)} open · least ${formatCount(Math.min(...counts))} · most ${formatCount(Math.max(...counts))}`;
}

/** Where the counts come from, in one line. */
function sourceLine(input: HistoryViewInput): ViewLine {
	const read = input.read;
	const clock = (at: number) => formatTimestamp(new Date(at), input.utc).slice(11);
	if (!read) return {text: "reading radacct's history… meanwhile the console's own counts", tone: 'muted'};
	if (read.error) {
		const kept = read.historyEnd === undefined ? '' : ` (history up to ${clock(read.historyEnd)} kept)`;
		return {text: `history: ${sanitize(read.error)}${kept}; then the console's polls`, tone: 'error'};
	}
	const at = read.historyEnd === undefined ? '' : ` up to ${clock(read.historyEnd)}`;
	const missing = read.missingSites ?? [];
	if (missing.length > 0) {
		// The site names first: a narrow line may cut the errors.
		const which = missing.map((site) => `${sanitize(site.site)} (${sanitize(site.error)})`).join(', ');
		return {
			text: `no history from site${missing.length > 1 ? 's' : ''} ${which}; the rest from radacct${at}, then polls`,
			tone: 'error',
		};
	}
	return {text: `from radacct, a point a minute${at}; then the console's polls`, tone: 'muted'};
}

/** A chart with its label line in `height` lines: the chart when it fits (3 lines or more), else a sparkline. */
function chartBlock(chart: HistoryChart, input: HistoryViewInput, height: number): ViewLine[] {
	const from = input.end - input.hours * 3_600_000;
	const label = `${sanitize(chart.label)}  ${summary(chart.series, from)}`;
	const head: ViewLine = {text: truncate(label, input.width), bold: true};
	if (height < 2) return [head].slice(0, height);
	const lines = chartLines(chart.series, {
		width: input.width,
		height: height - 1,
		from,
		to: input.end,
		...(input.utc ? {utc: true} : {}),
	});
	if (lines.length >= 3) return [head, ...lines.map((text) => ({text}))];
	return [head, {text: seriesSparkline(chart.series, from, input.end, input.width)}].slice(0, height);
}

export function historyViewLines(input: HistoryViewInput): ViewLine[] {
	const {width, height} = input;
	if (height < 1) return [];
	const title: ViewLine = {
		text: truncate(`online sessions, last ${input.hours} hours · ↑↓ NAS · r read again · Esc back`, width),
		bold: true,
		tone: 'accent',
	};
	const lines: ViewLine[] = [title];
	if (height >= 2) lines.push({...sourceLine(input), text: truncate(sourceLine(input).text, width)});
	const room = height - lines.length;
	if (room <= 0) return lines.slice(0, height);
	if (!input.nas) return [...lines, ...chartBlock(input.network, input, room)];
	const upper = Math.ceil(room / 2);
	return [...lines, ...chartBlock(input.network, input, upper), ...chartBlock(input.nas, input, room - upper)];
}
