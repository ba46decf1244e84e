/**
 * Which session columns the table shows, in what order and how wide: a pure function of the terminal width,
 * the status view, the sort and the columns the user picked. Each view has its own priorities (a closed
 * session's stop time and cause matter more than its rate); when the terminal narrows, the least important
 * columns drop first. The sort column always shows, marked in its head.
 */
import type {SessionSort, SessionStatus, SortKey} from '../sessions/session.js';
import {stringWidth} from '../terminal/text.js';

import {TABLE_COLUMN_IDS, type TableColumnId} from '../sessions/session-columns.js';

export {TABLE_COLUMN_IDS, type TableColumnId};

export interface TableColumnSpec {
	readonly id: TableColumnId;
	readonly title: string;
	readonly align: 'left' | 'right';
	/** Width it grows to when there is room (the user column takes whatever is left after that). */
	readonly preferred: number;
	/** Width it can shrink to before columns of lower priority drop. */
	readonly min: number;
	/** Where a value too long is cut: at its end, or in its middle (ids, whose tail tells them apart). */
	readonly cut: 'end' | 'middle';
}

export const TABLE_COLUMNS: Readonly<Record<TableColumnId, TableColumnSpec>> = {
	user: {id: 'user', title: 'USER', align: 'left', preferred: 24, min: 16, cut: 'end'},
	nas: {id: 'nas', title: 'NAS', align: 'left', preferred: 16, min: 7, cut: 'end'},
	status: {id: 'status', title: 'STATUS', align: 'left', preferred: 7, min: 7, cut: 'end'},
	ip: {id: 'ip', title: 'FRAMED IP', align: 'left', preferred: 15, min: 15, cut: 'end'},
	// The session's IPv6: its prefix, else the delegated prefix, else the address (FreeRADIUS 3.2 columns).
	ipv6: {id: 'ipv6', title: 'IPv6', align: 'left', preferred: 24, min: 19, cut: 'end'},
	duration: {id: 'duration', title: 'DURATION', align: 'right', preferred: 8, min: 8, cut: 'end'},
	mac: {id: 'mac', title: 'MAC', align: 'left', preferred: 17, min: 17, cut: 'end'},
	// The MAC's vendor from the IEEE registry, its name shortened (`Apple`); `random` for a randomized MAC.
	vendor: {id: 'vendor', title: 'VENDOR', align: 'left', preferred: 12, min: 8, cut: 'end'},
	down: {id: 'down', title: 'DOWN', align: 'right', preferred: 5, min: 5, cut: 'end'},
	up: {id: 'up', title: 'UP', align: 'right', preferred: 5, min: 5, cut: 'end'},
	rateDown: {id: 'rateDown', title: 'RATE↓', align: 'right', preferred: 8, min: 8, cut: 'end'},
	rateUp: {id: 'rateUp', title: 'RATE↑', align: 'right', preferred: 8, min: 8, cut: 'end'},
	start: {id: 'start', title: 'START', align: 'left', preferred: 14, min: 14, cut: 'end'},
	stop: {id: 'stop', title: 'STOP', align: 'left', preferred: 14, min: 14, cut: 'end'},
	cause: {id: 'cause', title: 'CAUSE', align: 'left', preferred: 18, min: 12, cut: 'end'},
	sessionId: {id: 'sessionId', title: 'SESSION ID', align: 'left', preferred: 20, min: 10, cut: 'middle'},
};

const OPEN_PRIORITIES: readonly TableColumnId[] = [
	'user',
	'nas',
	'ip',
	'duration',
	'mac',
	'down',
	'up',
	'rateDown',
	'rateUp',
	'start',
	'sessionId',
	'status',
	'ipv6',
	'vendor',
];

/** Per view, most important first. Open sessions (active, stale) have no stop or cause. */
export const COLUMN_PRIORITIES: Readonly<Record<SessionStatus, readonly TableColumnId[]>> = {
	active: OPEN_PRIORITIES,
	stale: OPEN_PRIORITIES,
	closed: [
		'user',
		'nas',
		'status',
		'stop',
		'cause',
		'duration',
		'ip',
		'mac',
		'down',
		'up',
		'start',
		'rateDown',
		'rateUp',
		'sessionId',
		'ipv6',
		'vendor',
	],
	all: [
		'user',
		'nas',
		'status',
		'ip',
		'duration',
		'stop',
		'cause',
		'mac',
		'down',
		'up',
		'start',
		'rateDown',
		'rateUp',
		'sessionId',
		'ipv6',
		'vendor',
	],
};

/** The column a sort key orders by. */
export const SORT_COLUMN: Readonly<Record<SortKey, TableColumnId>> = {
	start: 'start',
	duration: 'duration',
	down: 'down',
	up: 'up',
	rate: 'rateDown',
	user: 'user',
	nas: 'nas',
	ip: 'ip',
};

export interface PlacedTableColumn extends TableColumnSpec {
	readonly width: number;
	/** The direction of the sort when the table is sorted by this column. */
	readonly sorted?: 'asc' | 'desc';
}

/** Columns between cells. */
export const COLUMN_GAP = 1;

export interface ColumnChoice {
	/** Display columns for the cells (the row's marker gutter already taken off). */
	readonly width: number;
	readonly status: SessionStatus;
	readonly sort: SessionSort;
	/** The columns the user picked; undefined for the view's own choice. */
	readonly picked?: readonly TableColumnId[] | undefined;
}

/** The head of a column, with ▲ or ▼ when the table is sorted by it. */
export function columnTitle(column: PlacedTableColumn): string {
	return column.sorted ? `${column.title}${column.sorted === 'asc' ? '▲' : '▼'}` : column.title;
}

/**
 * The columns to draw, left to right: the user column and the sort column first, then by the view's
 * priority each that still fits at its minimum; the slack goes to each column up to its preferred width
 * (the NAS column first, then the user column, then by priority), and the rest to the user column.
 */
export function chooseColumns(choice: ColumnChoice): PlacedTableColumn[] {
	const sortId = SORT_COLUMN[choice.sort.key];
	const picked = choice.picked ? new Set(choice.picked) : undefined;
	const wanted = COLUMN_PRIORITIES[choice.status].filter((id) => !picked || picked.has(id) || id === 'user');
	const order = [
		'user' as TableColumnId,
		...(sortId === 'user' ? [] : [sortId]),
		...wanted.filter((id) => id !== 'user' && id !== sortId),
	];
	const min = (id: TableColumnId) =>
		id === sortId ? Math.max(TABLE_COLUMNS[id].min, stringWidth(TABLE_COLUMNS[id].title) + 1) : TABLE_COLUMNS[id].min;
	const chosen: TableColumnId[] = [];
	let used = 0;
	for (const id of order) {
		const need = min(id) + (chosen.length > 0 ? COLUMN_GAP : 0);
		// A column that does not fit leaves its room to narrower ones of lower priority.
		if (used + need > choice.width) continue;
		chosen.push(id);
		used += need;
	}
	const widths = new Map(chosen.map((id) => [id, min(id)]));
	let slack = choice.width - used;
	// NAS names show whole (up to 16) before the user column grows, and user names up to 24 before the rest.
	const growth = [
		...chosen.filter((id) => id === 'nas'),
		'user' as TableColumnId,
		...chosen.filter((id) => id !== 'nas' && id !== 'user'),
	];
	for (const id of growth) {
		if (slack <= 0) break;
		if (!widths.has(id)) continue;
		const grow = Math.min(slack, Math.max(0, TABLE_COLUMNS[id].preferred - widths.get(id)!));
		widths.set(id, widths.get(id)! + grow);
		slack -= grow;
	}
	if (slack > 0 && widths.has('user')) widths.set('user', widths.get('user')! + slack);
	return TABLE_COLUMN_IDS.filter((id) => widths.has(id)).map((id) => ({
		...TABLE_COLUMNS[id],
		width: widths.get(id)!,
		...(id === sortId ? {sorted: choice.sort.direction} : {}),
	}));
}
