/**
 * How the terminal is shared between the views: the smallest size every view holds in, the area a view may
 * draw in, and the table's body. The table's columns are chosen in table-columns.ts. Pure.
 */

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
