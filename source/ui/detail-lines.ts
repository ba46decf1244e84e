/**
 * The text of the detail view (a session's radacct fields and the user's previous sessions), line by line
 * for a given width and height. Pure, so what the view shows is tested without a terminal; DetailView only
 * paints these lines. Every string that came from the database goes through sanitize here.
 */
import {macVendor} from '../net/oui-registry.js';
import {formatBytes, formatDuration, formatRate, formatTimestamp} from '../sessions/format.js';
import {isGhostCandidate, reloadNote} from '../sessions/ghost.js';
import type {Session} from '../sessions/session.js';
import {sessionDurationSeconds, sessionState, type Rate} from '../sessions/session-math.js';
import {SESSION_COLUMNS} from '../sessions/session-columns.js';
import {causeText, disconnectedByText} from '../sessions/session-view.js';
import {subscriberDetail} from '../subscribers/subscriber-view.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth, truncate} from '../terminal/text.js';
import {maskIp, maskMac} from './cells.js';
import {SHARING_MAX_LINES, sharingLines} from './sharing-lines.js';
import type {DetailState} from './state-types.js';
import type {ViewLine} from './view-line.js';
import {nasCountKey, sessionKey} from '../sessions/session-key.js';

/** A line of the detail view. */
export interface DetailLine extends ViewLine {
	readonly dim?: boolean;
	/** A muted note drawn at the line's right end ("Esc back"). */
	readonly right?: string;
	/** Wrapped onto the next line when too long, instead of cut. */
	readonly wrap?: boolean;
}

/** What the detail view shows besides the session: the time, its rate, the mask, and the room it has. */
export interface DetailOptions {
	readonly now: Date;
	readonly rate: Rate | undefined;
	readonly masked: boolean;
	readonly staleAfterSeconds: number;
	readonly width: number;
	readonly height: number;
	/** When the session's NAS last reloaded (nasreload), if known: a session older than it may be a ghost. */
	readonly reloadedAt?: Date;
}

type Field = (typeof SESSION_COLUMNS)[number];

const MASKED_FIELDS: Partial<Record<Field, (value: string) => string>> = {
	framedipaddress: maskIp,
	callingstationid: maskMac,
};

/** The longest radacct column name (delegatedipv6prefix) and a space. */
const LABEL_WIDTH = 20;

/** A radacct field as text for the detail view. */
export function fieldText(session: Session, field: Field, masked: boolean): string {
	const value = session[field];
	if (value === null || value === undefined || value === '') return '-';
	if (value instanceof Date) return formatTimestamp(value);
	const text = sanitize(String(value));
	const mask = MASKED_FIELDS[field];
	return masked && mask ? mask(text) : text;
}

/** The user's sessions in the detail view besides the one it shows. */
export function otherSessions(detail: DetailState): readonly Session[] {
	return (detail.history ?? []).filter((row) => !detail.session || sessionKey(row) !== sessionKey(detail.session));
}

/**
 * How far ↑↓ may scroll a detail view of `height` lines: to its last previous session, or to the end of the
 * list below the summary when the fields are in one column (the view clamps to what it shows at its width).
 */
export function detailScrollLimit(detail: DetailState, height: number, reloads?: ReadonlyMap<string, Date>): number {
	const others = otherSessions(detail).length;
	const fields = detail.session
		? SESSION_COLUMNS.filter((field) => field !== 'username' && fieldText(detail.session!, field, false) !== '-').length
		: 0;
	// The subscriber's lines at most one a line, as on a narrow screen.
	const read = detail.subscriber;
	const subscriber = read
		? (read.subscriber ? subscriberDetail(read.subscriber, read.billingColumns).length : 0) + (read.status ? 1 : 0)
		: 0;
	const vendor = detail.session && vendorText(detail.session) ? 1 : 0;
	const reload =
		detail.session && reloads ? reloadLine(detail.session, reloads.get(nasCountKey(detail.session)), new Date(), 0) : undefined;
	const sharing = (detail.openSessions?.count ?? 0) > 1 ? SHARING_MAX_LINES : 0;
	return Math.max(0, others - 1, fields + vendor + subscriber + sharing + (reload ? 1 : 0) + 2 + others - Math.max(0, height - 2));
}

/** The line on a session whose NAS reloaded after it started (see sessions/ghost.ts), first under the summary. */
function reloadLine(session: Session, reloadedAt: Date | undefined, now: Date, width: number): DetailLine | undefined {
	const name = sanitize(session.nasname ?? session.nasipaddress);
	const full = reloadNote(session, reloadedAt, name, now);
	if (full === undefined) return undefined;
	// Narrow, the verdict at the end matters more than the message names.
	const text = stringWidth(full) > width ? truncate(reloadNote(session, reloadedAt, name, now, {brief: true})!, width) : full;
	return {text, tone: isGhostCandidate(session, reloadedAt) ? 'warn' : 'muted'};
}

/** Narrower than this, the fields are listed in one column instead of two. */
const TWO_COLUMNS_FROM = 2 * (LABEL_WIDTH + 16) + 1;

/**
 * The detail view in at most `height` lines. Whose session it is (the title) and its summary always come
 * first. When the fields, the history's title and its column heads and one previous session fit below them,
 * the fields stay put and ↑↓ scroll the previous sessions; otherwise everything below the summary scrolls
 * as one list, and the title's right end says which of its lines are in view.
 */
export function detailLines(detail: DetailState, options: DetailOptions): DetailLine[] {
	const {session, history, error} = detail;
	if (error) return [{text: sanitize(error), tone: 'error', wrap: true}];
	if (!session) return [{text: `loading session ${detail.id}…`, tone: 'muted', wrap: true}];
	const {now, width} = options;
	const height = Math.max(1, options.height);
	const state = sessionState(session, now, options.staleAfterSeconds);
	const title = `${sanitize(session.username) || '(no username)'} on ${sanitize(session.nasname ?? session.nasipaddress)} (${session.nasipaddress})`;
	const summary = [
		`${state}${state === 'offline' ? `, ${sanitize(session.acctterminatecause) || 'no cause'}` : ''}`,
		formatDuration(sessionDurationSeconds(session, now)),
		`down ${formatBytes(session.acctoutputoctets)} / up ${formatBytes(session.acctinputoctets)}`,
		options.rate ? `rate ${formatRate(options.rate.downKbps)}/${formatRate(options.rate.upKbps)}bit/s` : undefined,
	]
		.filter(Boolean)
		.join(' · ');
	const summaryLine: DetailLine = {text: summary, tone: state === 'stale' ? 'warn' : state === 'online' ? 'ok' : 'muted'};

	// Only the fields that hold something: at 80x24 the empty IPv6 and connect-info columns would push the
	// user's previous sessions off the screen.
	const fields = SESSION_COLUMNS.filter((field) => field !== 'username' && fieldText(session, field, false) !== '-');
	const reload = reloadLine(session, options.reloadedAt, now, width);
	const pairs: DetailLine[] = reload ? [reload] : [];
	if (width >= TWO_COLUMNS_FROM) {
		const half = Math.floor((width - 1) / 2);
		const cell = (field: Field | undefined) =>
			field ? fit(field, LABEL_WIDTH) + truncate(fieldText(session, field, options.masked), half - LABEL_WIDTH) : '';
		const rows = Math.ceil(fields.length / 2);
		for (let index = 0; index < rows; index++) pairs.push({text: `${fit(cell(fields[index]), half)} ${cell(fields[index + rows])}`});
	} else {
		for (const field of fields)
			pairs.push({text: fit(field, LABEL_WIDTH) + truncate(fieldText(session, field, options.masked), width - LABEL_WIDTH)});
	}
	const vendor = vendorText(session);
	if (vendor) pairs.push({text: truncate(fit('Vendor', LABEL_WIDTH) + vendor, width)});
	pairs.push(...subscriberLines(detail, width >= TWO_COLUMNS_FROM ? Math.floor((width - 1) / 2) : 0, width));
	const simultaneousUse = detail.subscriber?.subscriber?.context.simultaneousUse;
	pairs.push(...sharingLines(detail.openSessions, {now, masked: options.masked, width}, simultaneousUse));

	const others = otherSessions(detail);
	const columns = historyColumns(width);
	const historyHead = (note: string): DetailLine[] => [
		{text: truncate(`previous sessions${note}`, width), bold: true, tone: 'accent'},
		...(others.length > 0 ? [{text: historyRow(columns, (column) => column.title), tone: 'muted' as const}] : []),
	];
	// A session radtop disconnected takes a second line: who, when and why.
	const historyLines = (row: Session): DetailLine[] => [
		{text: historyRow(columns, (column) => column.value(row, now)), dim: Boolean(row.acctstoptime)},
		...(row.disconnectedBy ? [{text: truncate(`    ↳ ${disconnectedLine(row)}`, width), tone: 'warn' as const}] : []),
	];
	const historyRows = (rows: readonly Session[]) => rows.flatMap(historyLines);
	const pending = history === undefined ? ' (loading…)' : others.length === 0 ? ': none' : '';

	// The fields stay put and the previous sessions scroll beneath them.
	const historyRoom = height - 2 - pairs.length - historyHead('').length;
	if (historyRoom >= Math.min(1, others.length)) {
		const top = Math.max(0, Math.min(detail.historyTop ?? 0, others.length - historyRoom));
		const shown: Session[] = [];
		let room = historyRoom;
		for (const row of others.slice(top)) {
			const lines = row.disconnectedBy ? 2 : 1;
			if (lines > room) break;
			shown.push(row);
			room -= lines;
		}
		const note =
			pending || (shown.length < others.length ? ` ${top + 1}-${top + shown.length} of ${others.length} (↑↓ PgUp PgDn)` : '');
		return [{text: title, bold: true, right: 'Esc back'}, summaryLine, ...pairs, ...historyHead(note), ...historyRows(shown)];
	}

	// Everything below the summary scrolls as one list.
	const rest = [...pairs, ...historyHead(pending || ` (${others.length})`), ...historyRows(others)];
	const room = Math.max(0, height - 2);
	const top = Math.max(0, Math.min(detail.historyTop ?? 0, rest.length - room));
	const shown = rest.slice(top, top + room);
	const right = `${top + 1}-${top + shown.length} of ${rest.length} ↑↓ · Esc back`;
	const head: DetailLine[] = [{text: truncate(title, Math.max(1, width - right.length - 1)), bold: true, right}, summaryLine];
	return [...head, ...shown].slice(0, height);
}

/**
 * The MAC's vendor from the IEEE registry (masked or not: the OUI is the vendor's), or what stands in for it;
 * nothing when the Calling-Station-Id is no MAC.
 */
export function vendorText(session: Session): string | undefined {
	const vendor = macVendor(session.callingstationid);
	switch (vendor.kind) {
		case 'registered':
			return sanitize(vendor.name);
		case 'random':
			return 'randomized (locally administered)';
		case 'unregistered':
			return 'not in the IEEE registry';
		case 'none':
			return undefined;
	}
}

/**
 * The subscriber's lines under the fields: plan, limits, remaining and the billing columns two to a line as
 * the fields are, one that does not fit half the width on a line of its own (a short one waits for the next
 * short one); then the line saying what could
 * not be read.
 */
function subscriberLines(detail: DetailState, half: number, width: number): DetailLine[] {
	const read = detail.subscriber;
	if (!read) return [];
	const pairs = read.subscriber ? subscriberDetail(read.subscriber, read.billingColumns) : [];
	const over = read.subscriber?.remaining?.over === true;
	const lines: DetailLine[] = [];
	let pending: {text: string; warn: boolean} | undefined;
	const push = (text: string, warn: boolean) => lines.push({text: text.trimEnd(), ...(warn ? {tone: 'warn' as const} : {})});
	for (const [label, value] of pairs) {
		const text = fit(sanitize(label), LABEL_WIDTH) + sanitize(value);
		const warn = over && label === 'Remaining';
		// A short one waiting for its partner stays waiting: the lines stay few.
		if (text.length > half) push(truncate(text, width), warn);
		else if (pending) {
			push(`${fit(pending.text, half)} ${text}`, pending.warn || warn);
			pending = undefined;
		} else pending = {text, warn};
	}
	if (pending) push(pending.text, pending.warn);
	if (read.status) lines.push({text: sanitize(read.status), tone: 'muted', wrap: true});
	return lines;
}

interface HistoryColumn {
	readonly title: string;
	readonly width: number;
	readonly align?: 'right';
	readonly value: (row: Session, now: Date) => string;
}

/** `11-20 14:05`: the history covers weeks, not years, and the width is precious. */
function shortTime(date: Date | null): string {
	return date ? formatTimestamp(date).slice(5, 16) : '-';
}

/** The history's columns, most wanted first; those that do not fit the width are left out, MAC first. */
const HISTORY_COLUMNS: readonly HistoryColumn[] = [
	{title: 'START', width: 11, value: (row) => shortTime(row.acctstarttime)},
	{title: 'STOP', width: 11, value: (row) => (row.acctstoptime ? shortTime(row.acctstoptime) : 'online')},
	{title: 'DURATION', width: 8, align: 'right', value: (row, now) => formatDuration(sessionDurationSeconds(row, now))},
	{
		title: 'FRAMED IP / IPv6',
		width: 18,
		value: (row) => sanitize(row.framedipaddress ?? row.framedipv6prefix ?? row.delegatedipv6prefix ?? row.framedipv6address) || '-',
	},
	{title: 'NAS', width: 8, value: (row) => sanitize(row.nasname ?? row.nasipaddress)},
	{title: 'CAUSE', width: 14, value: (row) => causeText(row)},
	{title: 'DOWN / UP', width: 13, value: (row) => `${formatBytes(row.acctoutputoctets)} / ${formatBytes(row.acctinputoctets)}`},
	{title: 'MAC', width: 17, value: (row) => sanitize(row.callingstationid) || '-'},
];

/** Who disconnected it through radtop, when and why: the line under such a row (its CAUSE cell has the cause). */
function disconnectedLine(row: Session): string {
	const by = row.disconnectedBy!;
	const at = new Date(by.at);
	const when = Number.isNaN(at.getTime()) ? '' : `at ${shortTime(at)}`;
	return disconnectedByText(by, when);
}

function historyColumns(width: number): HistoryColumn[] {
	const chosen: HistoryColumn[] = [];
	let used = 2;
	for (const column of HISTORY_COLUMNS) {
		if (used + column.width + (chosen.length > 0 ? 1 : 0) > width) break;
		used += column.width + (chosen.length > 0 ? 1 : 0);
		chosen.push(column);
	}
	return chosen;
}

function historyRow(columns: readonly HistoryColumn[], text: (column: HistoryColumn) => string): string {
	return `  ${columns.map((column) => fit(truncate(text(column), column.width), column.width, column.align === 'right' ? 'right' : 'left')).join(' ')}`.trimEnd();
}
