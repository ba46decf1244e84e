import {describe, expect, it} from 'vitest';
import type {SessionSort, SessionStatus} from '../../source/sessions/session.js';
import {
	chooseColumns,
	COLUMN_GAP,
	columnTitle,
	TABLE_COLUMN_IDS,
	TABLE_COLUMNS,
	type PlacedTableColumn,
} from '../../source/ui/table-columns.js';

/** The cells' width at a terminal this wide: one column spare, three for the row gutter (marker, mark, space). */
const cells = (terminal: number) => terminal - 4;
const BY_START: SessionSort = {key: 'start', direction: 'desc'};

function used(columns: readonly PlacedTableColumn[]): number {
	return columns.reduce((sum, column) => sum + column.width, 0) + COLUMN_GAP * Math.max(0, columns.length - 1);
}

const ids = (columns: readonly PlacedTableColumn[]) => columns.map((column) => column.id);
const widths = (columns: readonly PlacedTableColumn[]) => Object.fromEntries(columns.map((column) => [column.id, column.width]));

function choose(terminal: number, status: SessionStatus, sort: SessionSort = BY_START, picked?: PlacedTableColumn['id'][]) {
	return chooseColumns({width: cells(terminal), status, sort, picked});
}

/** Every column, less those that need the subscriber tables or a billing query. */
const WITHOUT_SUBSCRIBERS = TABLE_COLUMN_IDS.filter((id) => id !== 'remaining' && id !== 'plan' && id !== 'billing');

describe('chooseColumns', () => {
	const open: Record<number, string[]> = {
		200: ['user', 'nas', 'status', 'ip', 'ipv6', 'duration', 'mac', 'vendor', 'down', 'up', 'rateDown', 'rateUp', 'start', 'sessionId'],
		// From 100 columns of cells NAS names show whole (16) before the upload rate.
		120: ['user', 'nas', 'ip', 'duration', 'mac', 'down', 'up', 'rateDown', 'start'],
		80: ['user', 'nas', 'ip', 'duration', 'down', 'up', 'start'],
		60: ['user', 'nas', 'ip', 'start'],
		40: ['user', 'start'],
	};
	const expected: Record<SessionStatus, Record<number, string[]>> = {
		active: open,
		stale: open,
		closed: {
			// IPv6, the least of them, gives way to VENDOR.
			200: WITHOUT_SUBSCRIBERS.filter((id) => id !== 'ipv6'),
			120: ['user', 'nas', 'status', 'ip', 'duration', 'down', 'start', 'stop', 'cause'],
			80: ['user', 'nas', 'status', 'start', 'stop', 'cause'],
			60: ['user', 'nas', 'status', 'duration', 'start'],
			40: ['user', 'start'],
		},
		all: {
			// IPv6, the least of them, gives way to VENDOR.
			200: WITHOUT_SUBSCRIBERS.filter((id) => id !== 'ipv6'),
			120: ['user', 'nas', 'status', 'ip', 'duration', 'down', 'start', 'stop', 'cause'],
			80: ['user', 'nas', 'status', 'ip', 'duration', 'start'],
			60: ['user', 'nas', 'status', 'duration', 'start'],
			40: ['user', 'start'],
		},
	};
	for (const status of ['active', 'closed', 'all'] as const) {
		for (const terminal of [200, 120, 80, 60, 40]) {
			it(`${status} at ${terminal} columns: ${expected[status][terminal]!.join(' ')}, filling the row exactly`, () => {
				const columns = choose(terminal, status);
				expect(ids(columns)).toEqual(expected[status][terminal]);
				expect(used(columns)).toBe(cells(terminal));
				for (const column of columns) expect(column.width).toBeGreaterThanOrEqual(column.min);
				// START shows whole wherever it shows.
				expect(widths(columns)['start']).toBe(14);
			});
		}
	}

	it('shows STATUS, STOP and CAUSE in closed and all views before RATE and SESSION ID', () => {
		for (const status of ['closed', 'all'] as const) {
			const columns = ids(choose(120, status));
			expect(columns).toEqual(expect.arrayContaining(['status', 'stop', 'cause']));
			expect(columns).not.toContain('rateDown');
			expect(columns).not.toContain('sessionId');
		}
		expect(ids(choose(200, 'active'))).not.toContain('stop');
		expect(ids(choose(200, 'active'))).not.toContain('cause');
	});

	it('gives NAS names 16 characters before the user column takes the slack', () => {
		const wide = widths(choose(200, 'active'));
		expect(wide['nas']).toBe(16);
		expect(wide['user']).toBe(cells(200) - used(choose(200, 'active')) + wide['user']!);
		expect(wide['user']).toBeGreaterThan(16);
		// Where the NAS column is below 16, the user column is at its minimum.
		for (const terminal of [120, 80, 60]) {
			const w = widths(choose(terminal, 'active'));
			if (w['nas']! < 16) expect(w['user']).toBe(TABLE_COLUMNS.user.min);
		}
	});

	it('always shows the sort column, marked in its head', () => {
		for (const key of ['start', 'duration', 'down', 'up', 'rate', 'user', 'nas', 'ip'] as const) {
			for (const terminal of [200, 80, 40]) {
				const columns = choose(terminal, 'active', {key, direction: 'asc'});
				const sorted = columns.filter((column) => column.sorted);
				expect(sorted).toHaveLength(1);
				expect(sorted[0]!.id).toBe(key === 'rate' ? 'rateDown' : key);
				expect(columnTitle(sorted[0]!)).toMatch(/▲$/);
				expect(sorted[0]!.width).toBeGreaterThanOrEqual(columnTitle(sorted[0]!).length);
				expect(used(columns)).toBeLessThanOrEqual(cells(terminal));
			}
		}
		expect(columnTitle(choose(80, 'closed', {key: 'duration', direction: 'desc'}).find((c) => c.id === 'duration')!)).toBe('DURATION▼');
	});

	it('shows only the picked columns (with the user and sort columns), in table order', () => {
		const columns = choose(200, 'closed', BY_START, ['cause', 'ip', 'stop']);
		expect(ids(columns)).toEqual(['user', 'ip', 'start', 'stop', 'cause']);
		expect(used(columns)).toBe(cells(200));
		// A picked column that does not fit still drops by priority.
		expect(ids(choose(60, 'closed', BY_START, ['mac', 'cause', 'stop']))).toEqual(['user', 'start', 'stop']);
	});
});

describe('the subscriber columns', () => {
	const subscribers = {plan: true, billing: ['full_name', 'service', 'location']};
	const withSubscribers = (terminal: number, status: SessionStatus = 'active', sort: SessionSort = BY_START) =>
		chooseColumns({width: cells(terminal), status, sort, subscribers});
	const keys = (columns: readonly PlacedTableColumn[]) => columns.map((column) => column.field ?? column.id);

	it('are never drawn where radtop reads no subscriber tables and no billing query', () => {
		for (const terminal of [200, 120, 80]) {
			for (const status of ['active', 'closed', 'all'] as const) {
				const shown = ids(choose(terminal, status));
				expect(shown).not.toContain('plan');
				expect(shown).not.toContain('remaining');
				expect(shown).not.toContain('billing');
			}
		}
		// Tables but no billing query: PLAN and REMAINING only.
		const tablesOnly = chooseColumns({width: cells(200), status: 'active', sort: BY_START, subscribers: {plan: true, billing: []}});
		expect(ids(tablesOnly)).toEqual(expect.arrayContaining(['plan', 'remaining']));
		expect(ids(tablesOnly)).not.toContain('billing');
	});

	it('at 120 columns the open view shows REMAINING, PLAN, the first billing column and VENDOR before the MAC', () => {
		const columns = withSubscribers(120);
		// Where radtop knows the subscribers, the device (VENDOR) comes before the MAC and the traffic.
		expect(keys(columns)).toEqual(['user', 'nas', 'ip', 'duration', 'remaining', 'plan', 'full_name', 'vendor', 'start']);
		expect(used(columns)).toBe(cells(120));
		const billing = columns.find((column) => column.field === 'full_name')!;
		expect(billing).toMatchObject({id: 'billing', title: 'FULL NAME', align: 'left'});
		expect(columns.find((column) => column.id === 'remaining')!.align).toBe('right');
	});

	it('the other billing columns come after the rest, each titled by its name', () => {
		const wide = keys(withSubscribers(260));
		expect(wide).toEqual(expect.arrayContaining(['service', 'location']));
		// Drawn in the table's order: the billing columns together, after PLAN.
		const at = (key: string) => wide.indexOf(key);
		expect(at('plan')).toBeLessThan(at('full_name'));
		expect(at('service')).toBe(at('full_name') + 1);
		expect(at('location')).toBe(at('service') + 1);
		// At 200 the later billing columns are the first to go.
		expect(keys(withSubscribers(200))).not.toContain('location');
	});

	it('the sort by time left always shows REMAINING, marked', () => {
		const columns = withSubscribers(60, 'active', {key: 'remaining', direction: 'asc'});
		const remaining = columns.find((column) => column.id === 'remaining')!;
		expect(remaining.sorted).toBe('asc');
		expect(columnTitle(remaining)).toBe('REMAINING▲');
		expect(used(columns)).toBe(cells(60));
	});

	it('a billing column name from the query is sanitised in its head', () => {
		const columns = chooseColumns({
			width: cells(200),
			status: 'active',
			sort: BY_START,
			subscribers: {plan: false, billing: ['evil\x1b[2J_name']},
		});
		expect(columns.find((column) => column.id === 'billing')!.title).toBe('EVIL\\x1b[2J NAME');
	});

	it('a billing column on a wide terminal is never narrower than 10', () => {
		for (const terminal of [120, 160, 200]) {
			for (const column of withSubscribers(terminal)) if (column.id === 'billing') expect(column.width).toBeGreaterThanOrEqual(10);
		}
	});
});
