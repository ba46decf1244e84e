/**
 * The NAS picker's text for a given width and height. Pure; NasPicker only paints these lines. The first
 * line says what the pick does (filter, or disconnect a whole NAS) and always shows; the NAS list keeps the
 * cursor in view, centred when it can be. A NAS that FreeRADIUS's nasreload says rebooted says when
 * (`reloaded 2h14m ago`). Given the online history, each NAS has a sparkline of its open sessions over it, and each
 * region the sum of its NAS's.
 */
import {formatCount} from '../sessions/format.js';
import {reloadedAgo} from '../sessions/ghost.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, truncate} from '../terminal/text.js';
import type {ViewLine} from './view-line.js';
import type {RegionCount} from './region-choices.js';
import type {Series} from '../sessions/online-history.js';
import {seriesSparkline} from './sparkline.js';

/** The online count over time of each choice (null: every NAS; with its site over several), drawn over [from, to] (epoch ms). */
export interface NasTrends {
	of(ip: string | null, site?: string): Series;
	/** The sum of these NAS's counts, point by point (a region's); absent: regions get no sparkline. */
	ofAll?(nas: ReadonlyArray<{readonly ip: string; readonly site?: string}>): Series;
	readonly from: number;
	readonly to: number;
}

/** The widest sparkline beside a NAS (the narrowest drawn: 6). */
const TREND_WIDTH = 24;

export interface NasChoice {
	readonly ip: string | null;
	readonly label: string;
	readonly sessions: number;
	/** When the NAS last reloaded (FreeRADIUS's nasreload), if known. */
	readonly reloadedAt?: Date;
	/** Shown where a NAS shows its IP (a region: how many NAS). */
	readonly detail?: string;
	/** A region of the profile (region-choices.ts), not one NAS. */
	readonly region?: RegionCount;
	/** The NAS's site, when the profile lists several. */
	readonly site?: string;
}

/** A line of the picker; `inverse` marks the one under the cursor. */
export interface PickerLine extends ViewLine {
	readonly inverse?: boolean;
}

export function nasPickerLines(
	choices: readonly NasChoice[],
	cursor: number,
	current: string | null,
	purpose: 'filter' | 'disconnect',
	width: number,
	height: number,
	now: Date = new Date(),
	trends?: NasTrends,
): PickerLine[] {
	const title: PickerLine =
		purpose === 'disconnect'
			? {text: truncate('disconnect every session of which NAS? · ↑↓ Enter previews · Esc cancels', width), bold: true, tone: 'warn'}
			: {text: truncate('filter on a NAS · ↑↓ Enter · Esc cancels', width), bold: true, tone: 'accent'};
	const room = Math.max(0, height - 1);
	const first = Math.max(0, Math.min(cursor - Math.floor(room / 2), choices.length - room));
	// The sparklines line up in one column, leaving room for `reloaded ... ago` after them when a NAS says it.
	const reloadRoom = choices.some((choice) => choice.reloadedAt) ? 22 : 0;
	const lines = choices.slice(first, first + room).map((choice, index): PickerLine => {
		const marker = choice.ip === current && !choice.region ? '● ' : '  ';
		const reloaded = choice.reloadedAt ? `  ${reloadedAgo(choice.reloadedAt, now)}` : '';
		const counted = `${marker}${fit(sanitize(choice.label), 20)} ${fit(choice.ip ?? choice.detail ?? '', 15)} ${fit(formatCount(choice.sessions), 9, 'right')}`;
		const columns = Math.min(TREND_WIDTH, width - counted.length - 2 - reloadRoom);
		// A region's is the sum of its NAS's; a region with no NAS open has none.
		const series = !trends
			? undefined
			: choice.region
				? choice.region.nas.length > 0
					? trends.ofAll?.(choice.region.nas)
					: undefined
				: trends.of(choice.ip, choice.site);
		const trend = trends && series && columns >= 6 ? `  ${seriesSparkline(series, trends.from, trends.to, columns)}` : '';
		const text = `${counted}${trend}${reloaded}`;
		return {text: truncate(text, width), ...(first + index === cursor ? {inverse: true} : {})};
	});
	return [title, ...lines].slice(0, Math.max(1, height));
}
