/**
 * The text of the detail view (a session's radacct fields and the user's previous sessions), line by line
 * for a given width and height. Pure, so what the view shows is tested without a terminal; DetailView only
 * paints these lines. Every string that came from the database goes through sanitize here.
 */
import {formatBytes, formatDuration, formatRate, formatTimestamp} from '../sessions/format.js';
import type {Session} from '../sessions/session.js';
import {sessionDurationSeconds, sessionState, type Rate} from '../sessions/session-math.js';
import {SESSION_COLUMNS} from '../sessions/session-columns.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, truncate} from '../terminal/text.js';
import {maskIp, maskMac} from './cells.js';
import type {DetailState} from './state-types.js';
import type {ViewLine} from './view-line.js';

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

/** The title, the summary, the fields in two columns, and as many previous sessions as the height leaves room for. */
export function detailLines(detail: DetailState, options: DetailOptions): DetailLine[] {
	const {session, history, error} = detail;
	if (error) return [{text: sanitize(error), tone: 'error', wrap: true}];
	if (!session) return [{text: `loading session ${detail.id}…`, tone: 'muted', wrap: true}];
	const {now, width, height} = options;
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

	// Only the fields that hold something: at 80x24 the empty IPv6 and connect-info columns would push the
	// user's previous sessions off the screen.
	const fields = SESSION_COLUMNS.filter((field) => field !== 'username' && fieldText(session, field, false) !== '-');
	const half = Math.floor((width - 1) / 2);
	const cell = (field: Field | undefined) =>
		field ? fit(field, LABEL_WIDTH) + truncate(fieldText(session, field, options.masked), half - LABEL_WIDTH) : '';
	const rows = Math.ceil(fields.length / 2);
	const pairs: DetailLine[] = [];
	for (let index = 0; index < rows; index++) pairs.push({text: `${fit(cell(fields[index]), half)} ${cell(fields[index + rows])}`});

	const historyRoom = Math.max(0, height - 3 - pairs.length - 1);
	const others = (history ?? []).filter((row) => row.radacctid !== session.radacctid);
	const previous = others.slice(0, historyRoom);
	const historyNote =
		history === undefined
			? ' (loading…)'
			: others.length === 0
				? ': none'
				: previous.length < others.length
					? ` (${others.length - previous.length} not shown: terminal too short)`
					: '';

	return [
		{text: title, bold: true, right: 'Esc back'},
		{text: summary, tone: state === 'stale' ? 'warn' : state === 'online' ? 'ok' : 'muted'},
		...pairs,
		{text: `previous sessions${historyNote}`, bold: true, tone: 'accent', wrap: true},
		...previous.map((row): DetailLine => ({text: historyLine(row, now), dim: Boolean(row.acctstoptime)})),
	];
}

/** One previous session: start, duration, how it ended, bytes down / up, NAS. */
function historyLine(row: Session, now: Date): string {
	const start = formatTimestamp(row.acctstarttime);
	const duration = fit(formatDuration(sessionDurationSeconds(row, now)), 7, 'right');
	const ended = fit(row.acctstoptime ? sanitize(row.acctterminatecause) || '-' : 'online', 16);
	const bytes = fit(`${formatBytes(row.acctoutputoctets)} / ${formatBytes(row.acctinputoctets)}`, 13);
	return `  ${start}  ${duration}  ${ended} ${bytes} ${sanitize(row.nasname ?? row.nasipaddress)}`;
}
