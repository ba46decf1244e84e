import {describe, expect, it} from 'vitest';
import {COLUMNS, GAP, layoutColumns, type PlacedColumn} from '../../source/ui/layout.js';

/** Display columns a row of these cells takes, gaps included. */
function used(columns: readonly PlacedColumn[]): number {
	return columns.reduce((sum, column) => sum + column.width, 0) + GAP * Math.max(0, columns.length - 1);
}

const ids = (columns: readonly PlacedColumn[]) => columns.map((column) => column.id);

describe('layoutColumns', () => {
	it('fits user, NAS, IP, duration, MAC and down at 80 columns (78 after the gutter)', () => {
		const columns = layoutColumns(78);
		expect(ids(columns)).toEqual(['user', 'nas', 'ip', 'duration', 'mac', 'down']);
		expect(used(columns)).toBe(78);
		expect(Object.fromEntries(columns.map((column) => [column.id, column.width]))).toEqual({
			user: 21,
			nas: 7,
			ip: 15,
			duration: 8,
			mac: 17,
			down: 5,
		});
	});

	it('shows all twelve columns at 160 (158 after the gutter)', () => {
		const columns = layoutColumns(158);
		expect(ids(columns)).toEqual(COLUMNS.map((column) => column.id));
		expect(used(columns)).toBe(158);
		for (const column of columns) expect(column.width).toBeGreaterThanOrEqual(column.preferred);
	});

	it('keeps only the first few at 40', () => {
		const columns = layoutColumns(40);
		expect(ids(columns)).toEqual(['user', 'nas', 'ip']);
		expect(used(columns)).toBe(40);
	});

	it('shows nothing when not even the user column fits', () => {
		expect(layoutColumns(COLUMNS[0]!.min - 1)).toEqual([]);
		expect(layoutColumns(0)).toEqual([]);
	});

	it('drops columns from the lowest priority up, and only ever adds as the width grows', () => {
		let previous: string[] = [];
		for (let width = 0; width <= 200; width++) {
			const current = ids(layoutColumns(width));
			expect(current).toEqual(COLUMNS.slice(0, current.length).map((column) => column.id));
			expect(current.length).toBeGreaterThanOrEqual(previous.length);
			previous = current;
		}
	});

	it('never goes below a minimum and fills the width exactly whenever a column fits', () => {
		const wrong: string[] = [];
		for (let width = 0; width <= 200; width++) {
			const columns = layoutColumns(width);
			for (const column of columns) if (column.width < column.min) wrong.push(`${column.id} ${column.width} at ${width}`);
			if (columns.length > 0 && used(columns) !== width) wrong.push(`${used(columns)} used at ${width}`);
		}
		expect(wrong).toEqual([]);
	});

	it('grows columns toward their preferred width in priority order before widening the user column', () => {
		const atPreferred = COLUMNS.reduce((sum, column) => sum + column.preferred, 0) + GAP * (COLUMNS.length - 1);
		const columns = layoutColumns(atPreferred);
		for (const column of columns) expect(column.width).toBe(column.preferred);
		const wider = layoutColumns(atPreferred + 10);
		expect(wider[0]!.width).toBe(COLUMNS[0]!.preferred + 10);
	});
});
