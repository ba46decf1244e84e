/**
 * The help overlay's text for a given width and height. Pure, so it is tested without a terminal; HelpOverlay
 * only paints these lines. The first line (which keys these are and how to close) always shows; the bindings
 * follow one a line, or two a line from HELP_TWO_COLUMNS columns on, and scroll with ↑↓ when they do not fit.
 */
import {fit, truncate} from '../terminal/text.js';
import {MIN_COLUMNS, MIN_ROWS} from './layout.js';
import {rowMarkLegend} from './row-marks.js';
import type {ViewLine} from './view-line.js';

/** From this width the bindings are drawn two a line. */
export const HELP_TWO_COLUMNS = 96;

/** A binding's key (padded to this) and what it does. */
const LABEL_WIDTH = 7;

export interface HelpEntry {
	readonly label: string;
	readonly description: string;
}

function entryText(entry: HelpEntry, width: number): string {
	return truncate(`${fit(entry.label, LABEL_WIDTH)} ${entry.description}`, width);
}

/** The help's last line: the size below which the console draws nothing else. */
export const SIZE_NOTE = `needs ${MIN_COLUMNS}x${MIN_ROWS} at least: smaller, it says so and takes no confirmation`;

/** What the `~` before a duration means. */
export const STALE_NOTE = '~ stale: no interim update for 2 x its interval (or stale-after when none); t shows them';

/** The notes after the bindings: the stale marker, the row marks, the minimum size. */
const NOTES = (): string[] => [STALE_NOTE, ...rowMarkLegend(), SIZE_NOTE];

/** The lines of bindings at a width, before scrolling, and the notes. */
function bindingLines(entries: readonly HelpEntry[], width: number): string[] {
	const notes = NOTES().map((note) => truncate(note, width));
	if (width < HELP_TWO_COLUMNS) return [...entries.map((entry) => entryText(entry, width)), ...notes];
	const half = Math.floor((width - 1) / 2);
	const lines: string[] = [];
	for (let index = 0; index < entries.length; index += 2) {
		const right = entries[index + 1];
		lines.push(`${fit(entryText(entries[index]!, half), half)}${right ? ` ${entryText(right, half)}` : ''}`.trimEnd());
	}
	return [...lines, ...notes];
}

/** How far ↑↓ may scroll the help in `height` lines at the narrowest (one binding a line, and the notes). */
export function helpScrollLimit(entries: number, height: number): number {
	return Math.max(0, entries + NOTES().length - Math.max(1, height - 1));
}

/** The help in at most `height` lines, its bindings scrolled down by `top` lines (clamped to the last page). */
export function helpLines(entries: readonly HelpEntry[], readOnly: boolean, width: number, height: number, top: number): ViewLine[] {
	const bindings = bindingLines(entries, width);
	const room = Math.max(0, height - 1);
	const first = Math.max(0, Math.min(top, bindings.length - room));
	const shown = bindings.slice(first, first + room);
	const position = shown.length < bindings.length ? ` · ↑↓ ${first + 1}-${first + shown.length} of ${bindings.length}` : '';
	const title = `keys${readOnly ? ' (read-only: actions that disconnect are off)' : ''} · ? or Esc closes${position}`;
	const head: ViewLine = {text: truncate(title, width), bold: true, tone: 'accent'};
	return [head, ...shown.map((text): ViewLine => ({text}))].slice(0, Math.max(1, height));
}
