/**
 * Which session columns the table shows, in what order and how wide: a pure function of the terminal width,
 * the status view, the sort and the columns the user picked. Each view has its own priorities (a closed
 * session's stop time and cause matter more than its rate); when the terminal narrows, the least important
 * columns drop first. The sort column always shows, marked in its head.
 */
import type {SessionSort, SessionStatus, SortKey} from '../sessions/session.js';
import {sanitize} from '../terminal/sanitize.js';
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
	// The subscriber columns: shown only where radtop reads the subscriber tables or a billing query.
	remaining: {id: 'remaining', title: 'REMAINING', align: 'right', preferred: 13, min: 9, cut: 'end'},
	plan: {id: 'plan', title: 'PLAN', align: 'left', preferred: 12, min: 10, cut: 'end'},
	// One column per column of the billing query, each titled by its name.
	billing: {id: 'billing', title: 'BILLING', align: 'left', preferred: 16, min: 10, cut: 'end'},
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
	// Where radtop knows the subscribers, who they are and how long they have left come before the MAC.
	'remaining',
	'plan',
	'billing',
	'mac',
	'down',
	'up',
	'rateDown',
	'rateUp',
	// The device, from the MAC's registry prefix (before the MAC and the traffic where radtop knows the subscribers).
	'vendor',
	'start',
	'sessionId',
	'status',
	'ipv6',
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
		'vendor',
		'down',
		'up',
		'start',
		'plan',
		'billing',
		'rateDown',
		'rateUp',
		'sessionId',
		'ipv6',
		'remaining',
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
		'vendor',
		'down',
		'up',
		'remaining',
		'plan',
		'billing',
		'start',
		'rateDown',
		'rateUp',
		'sessionId',
		'ipv6',
	],
};

/**
 * A view's priorities. Where radtop knows the subscribers the table is about who they are: the device (VENDOR)
 * comes right after the plan and billing columns, before the MAC and the traffic.
 */
export function prioritiesOf(status: SessionStatus, subscribers: boolean): readonly TableColumnId[] {
	const base = COLUMN_PRIORITIES[status];
	if (!subscribers) return base;
	const rest = base.filter((id) => id !== 'vendor');
	const after = rest.indexOf('billing');
	return [...rest.slice(0, after + 1), 'vendor', ...rest.slice(after + 1)];
}

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
	remaining: 'remaining',
};

export interface PlacedTableColumn extends TableColumnSpec {
	readonly width: number;
	/** The direction of the sort when the table is sorted by this column. */
	readonly sorted?: 'asc' | 'desc';
	/** For a billing column: the billing query's column it shows. */
	readonly field?: string;
}

/** From this many columns of cells, the NAS column is never narrower than its preferred width. */
export const WHOLE_NAS_FROM = 100;

/** Columns between cells. */
export const COLUMN_GAP = 1;

export interface ColumnChoice {
	/** Display columns for the cells (the row's marker gutter already taken off). */
	readonly width: number;
	readonly status: SessionStatus;
	readonly sort: SessionSort;
	/** The columns the user picked; undefined for the view's own choice. */
	readonly picked?: readonly TableColumnId[] | undefined;
	/**
	 * What radtop knows of the subscribers: `plan` when it reads the subscriber tables (PLAN and REMAINING are
	 * offered), and the billing query's columns. Without it those columns are never drawn.
	 */
	readonly subscribers?: {readonly plan: boolean; readonly billing: readonly string[]} | undefined;
	/** The longest NAS name known (display columns): the NAS column needs no more to show every name whole. */
	readonly nasNameWidth?: number;
}

/** The display width of the longest NAS name (or IP, for a NAS without one) among these counts. */
export function longestNasName(
	perNas: ReadonlyArray<{readonly nasname: string | null; readonly nasipaddress: string}> | undefined,
): number | undefined {
	if (!perNas || perNas.length === 0) return undefined;
	return Math.max(...perNas.map((nas) => stringWidth(sanitize(nas.nasname ?? nas.nasipaddress))));
}

/** A billing column's head: its name in capitals, underscores as spaces, sanitised (it comes from the query). */
export function billingTitle(field: string): string {
	return sanitize(field.replace(/_/g, ' ').toUpperCase());
}

/** One column to place: a session column, or one billing column (`field`). */
interface Slot {
	readonly id: TableColumnId;
	readonly field?: string;
}

const slotKey = (slot: Slot) => (slot.field === undefined ? slot.id : `billing:${slot.field}`);

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
	const offered = (id: TableColumnId) =>
		id === 'plan' || id === 'remaining'
			? choice.subscribers?.plan === true
			: id === 'billing'
				? (choice.subscribers?.billing.length ?? 0) > 0
				: true;
	const fields = choice.subscribers?.billing ?? [];
	// The billing query's first column stands where `billing` is in the view's priorities, the others last.
	const slotsOf = (id: TableColumnId): Slot[] =>
		id === 'billing' ? fields.slice(0, 1).map((field) => ({id, field})) : offered(id) ? [{id}] : [];
	const wanted = prioritiesOf(choice.status, choice.subscribers?.plan === true).filter(
		(id) => !picked || picked.has(id) || id === 'user',
	);
	const order: Slot[] = [
		{id: 'user'},
		...(sortId === 'user' ? [] : slotsOf(sortId)),
		...wanted.filter((id) => id !== 'user' && id !== sortId).flatMap(slotsOf),
		...(wanted.includes('billing') ? fields.slice(1).map((field): Slot => ({id: 'billing', field})) : []),
	];
	// A whole NAS name: the longest known, within the column's bounds (16 when none is known).
	const wholeNas = Math.min(
		TABLE_COLUMNS.nas.preferred,
		Math.max(TABLE_COLUMNS.nas.min, choice.nasNameWidth ?? TABLE_COLUMNS.nas.preferred),
	);
	const preferred = (id: TableColumnId) => (id === 'nas' ? wholeNas : TABLE_COLUMNS[id].preferred);
	const min = (slot: Slot) => {
		if (slot.id === sortId) return Math.max(TABLE_COLUMNS[slot.id].min, stringWidth(TABLE_COLUMNS[slot.id].title) + 1);
		// On a wide terminal NAS names show whole before columns of lower priority are added.
		if (slot.id === 'nas' && choice.width >= WHOLE_NAS_FROM) return wholeNas;
		return TABLE_COLUMNS[slot.id].min;
	};
	const chosen: Slot[] = [];
	let used = 0;
	for (const slot of order) {
		const need = min(slot) + (chosen.length > 0 ? COLUMN_GAP : 0);
		// A column that does not fit leaves its room to narrower ones of lower priority.
		if (used + need > choice.width) continue;
		chosen.push(slot);
		used += need;
	}
	const widths = new Map(chosen.map((slot) => [slotKey(slot), min(slot)]));
	let slack = choice.width - used;
	// NAS names show whole (up to 16) before the user column grows, and so do the subscriber's plan and billing
	// values (short words a table cuts badly); user names grow up to 24 before the rest.
	const first: readonly TableColumnId[] = ['nas', 'plan', 'billing'];
	const growth = [
		...first.flatMap((id) => chosen.filter((slot) => slot.id === id)),
		{id: 'user'} as Slot,
		...chosen.filter((slot) => !first.includes(slot.id) && slot.id !== 'user'),
	];
	for (const slot of growth) {
		if (slack <= 0) break;
		const key = slotKey(slot);
		if (!widths.has(key)) continue;
		const grow = Math.min(slack, Math.max(0, preferred(slot.id) - widths.get(key)!));
		widths.set(key, widths.get(key)! + grow);
		slack -= grow;
	}
	if (slack > 0 && widths.has('user')) widths.set('user', widths.get('user')! + slack);
	const drawOrder = TABLE_COLUMN_IDS.flatMap((id) => chosen.filter((slot) => slot.id === id));
	return drawOrder.map((slot) => ({
		...TABLE_COLUMNS[slot.id],
		...(slot.field === undefined ? {} : {title: billingTitle(slot.field), field: slot.field}),
		width: widths.get(slotKey(slot))!,
		...(slot.id === sortId ? {sorted: choice.sort.direction} : {}),
	}));
}
