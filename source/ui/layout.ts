/**
 * Which session columns fit a terminal width, and how wide each is. Columns have a priority: when the
 * terminal narrows, the least important drop first; the flexible ones (user, NAS, MAC, session id) shrink
 * toward a minimum before anything drops. Pure.
 */

export type ColumnId =
	'user' | 'nas' | 'ip' | 'duration' | 'mac' | 'down' | 'up' | 'rateDown' | 'rateUp' | 'start' | 'sessionId' | 'status';

export interface ColumnSpec {
	readonly id: ColumnId;
	readonly title: string;
	readonly align: 'left' | 'right';
	/** Width it gets when there is room. */
	readonly preferred: number;
	/** Width it can shrink to (ellipsis) before columns of lower priority drop. */
	readonly min: number;
}

/** In priority order: the first ones stay longest. */
export const COLUMNS: readonly ColumnSpec[] = [
	{id: 'user', title: 'USER', align: 'left', preferred: 24, min: 16},
	{id: 'nas', title: 'NAS', align: 'left', preferred: 10, min: 7},
	{id: 'ip', title: 'FRAMED IP', align: 'left', preferred: 15, min: 15},
	{id: 'duration', title: 'DURATION', align: 'right', preferred: 8, min: 8},
	{id: 'mac', title: 'MAC', align: 'left', preferred: 17, min: 17},
	{id: 'down', title: 'DOWN', align: 'right', preferred: 5, min: 5},
	{id: 'up', title: 'UP', align: 'right', preferred: 5, min: 5},
	{id: 'rateDown', title: 'RATE↓', align: 'right', preferred: 6, min: 6},
	{id: 'rateUp', title: 'RATE↑', align: 'right', preferred: 6, min: 6},
	{id: 'start', title: 'START', align: 'left', preferred: 14, min: 11},
	{id: 'sessionId', title: 'SESSION ID', align: 'left', preferred: 16, min: 10},
	{id: 'status', title: 'STATUS', align: 'left', preferred: 7, min: 7},
];

export interface PlacedColumn extends ColumnSpec {
	readonly width: number;
}

/** Columns between cells. */
export const GAP = 1;

/**
 * The columns for a row of `width` columns (the two-character marker gutter already taken off):
 * as many as fit at their minimum, by priority, then the slack shared out up to each preferred width,
 * and whatever is left goes to the user column.
 */
export function layoutColumns(width: number): PlacedColumn[] {
	const chosen: ColumnSpec[] = [];
	let used = 0;
	for (const column of COLUMNS) {
		const need = column.min + (chosen.length > 0 ? GAP : 0);
		if (used + need > width) break;
		chosen.push(column);
		used += need;
	}
	const widths = chosen.map((column) => column.min);
	let slack = width - used;
	for (let index = 0; index < chosen.length && slack > 0; index++) {
		const grow = Math.min(slack, chosen[index]!.preferred - widths[index]!);
		widths[index]! += grow;
		slack -= grow;
	}
	if (slack > 0 && chosen.length > 0) widths[0]! += slack;
	return chosen.map((column, index) => ({...column, width: widths[index]!}));
}

/**
 * The smallest terminal every view holds in: below it the console draws only "terminal too small" and no
 * confirmation can be given. 12 rows leave the framed disconnect preview four lines (its title, the reason,
 * the confirmation and the line that says a typed confirmation does not match); 60 columns leave a typed
 * confirmation's prompt room for what is typed.
 */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;

/** The one line drawn instead of the console when the terminal is below the minimum, else undefined. */
export function tooSmallText(columns: number, rows: number): string | undefined {
	if (columns >= MIN_COLUMNS && rows >= MIN_ROWS) return undefined;
	return `terminal too small (need ${MIN_COLUMNS}x${MIN_ROWS})`;
}

/** Lines around a view: header, stats, filter, status, footer, and one spare so the frame is always shorter
 * than the terminal (Ink clears the whole screen otherwise). */
export const CHROME_LINES = 6;

/** The lines a view (the table with its column heads, the detail, help, a picker, a disconnect view) gets. */
export function bodyHeightFor(rows: number): number {
	return Math.max(1, rows - CHROME_LINES);
}

/** What a view is given at a terminal size: one column short of the terminal (a line that fills the last
 * column leaves the cursor in the terminal's pending-wrap state, and incremental redraws would land one line
 * off), and the lines between the chrome. */
export function viewArea(columns: number, rows: number): {width: number; height: number} {
	return {width: Math.max(20, columns - 1), height: bodyHeightFor(rows)};
}

/** What the preview's frame (a border and a column of padding each side) takes. */
export const FRAME = {columns: 4, rows: 2} as const;
