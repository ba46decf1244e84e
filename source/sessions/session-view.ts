/**
 * A session as the user sees it: the fields worth showing, computed values (duration, state) and, for the
 * terminal, text made safe. Pure; shared by the table, JSON and CSV outputs.
 */
import {sanitize} from '../terminal/sanitize.js';
import {csvRecord, type CsvOptions} from './csv.js';
import {formatBytes, formatDuration, formatTimestamp} from './format.js';
import type {DisconnectedBy, Session} from './session.js';
import {sessionDurationSeconds, sessionState} from './session-math.js';

/** The record radtop prints for a session in JSON and CSV. */
export interface SessionRecord {
	readonly radacctid: string;
	readonly username: string | null;
	readonly nas: string;
	readonly nasipaddress: string;
	readonly framedipaddress: string | null;
	readonly callingstationid: string | null;
	readonly acctsessionid: string;
	readonly acctstarttime: string | null;
	readonly acctupdatetime: string | null;
	readonly acctstoptime: string | null;
	readonly durationSeconds: number | null;
	readonly downOctets: number | null;
	readonly upOctets: number | null;
	readonly state: string;
	readonly acctterminatecause: string | null;
	/** FreeRADIUS 3.2's IPv6 columns (null on an older radacct). */
	readonly framedipv6address: string | null;
	readonly framedipv6prefix: string | null;
	readonly delegatedipv6prefix: string | null;
	/** The site the row was read from, when the profile lists several. */
	readonly site?: string;
}

export function toRecord(session: Session, now: Date, staleAfterSeconds: number): SessionRecord {
	return {
		radacctid: session.radacctid,
		username: session.username,
		nas: session.nasname ?? session.nasipaddress,
		nasipaddress: session.nasipaddress,
		framedipaddress: session.framedipaddress,
		callingstationid: session.callingstationid,
		acctsessionid: session.acctsessionid,
		acctstarttime: session.acctstarttime?.toISOString() ?? null,
		acctupdatetime: session.acctupdatetime?.toISOString() ?? null,
		acctstoptime: session.acctstoptime?.toISOString() ?? null,
		durationSeconds: sessionDurationSeconds(session, now),
		downOctets: session.acctoutputoctets,
		upOctets: session.acctinputoctets,
		state: sessionState(session, now, staleAfterSeconds),
		acctterminatecause: session.acctterminatecause,
		framedipv6address: session.framedipv6address,
		framedipv6prefix: session.framedipv6prefix,
		delegatedipv6prefix: session.delegatedipv6prefix,
		...(session.site === undefined ? {} : {site: session.site}),
	};
}

export const CSV_COLUMNS: ReadonlyArray<keyof SessionRecord> = [
	'radacctid',
	'username',
	'nas',
	'nasipaddress',
	'framedipaddress',
	'callingstationid',
	'acctsessionid',
	'acctstarttime',
	'acctupdatetime',
	'acctstoptime',
	'durationSeconds',
	'downOctets',
	'upOctets',
	'state',
	'acctterminatecause',
	// Last, so scripts reading the columns by position keep working.
	'framedipv6address',
	'framedipv6prefix',
	'delegatedipv6prefix',
];

/** CSV of the records; `sanitizeText` shows control characters visibly (for output to a terminal). */
export function recordsToCsv(records: readonly SessionRecord[], options: CsvOptions & {sanitizeText?: boolean} = {}): string {
	const clean = (value: string | number | null) => (options.sanitizeText && typeof value === 'string' ? sanitize(value) : value);
	// Rows of several sites: a site column, last.
	const columns: ReadonlyArray<keyof SessionRecord> = records.some((record) => record.site !== undefined)
		? [...CSV_COLUMNS, 'site']
		: CSV_COLUMNS;
	let out = csvRecord(columns as string[], options);
	for (const record of records)
		out += csvRecord(
			columns.map((column) => clean(record[column] ?? null)),
			options,
		);
	return out;
}

interface TableColumn {
	readonly title: string;
	readonly align: 'left' | 'right';
	readonly value: (session: Session) => string;
}

/**
 * An aligned plain-text table of sessions for a terminal or a pipe. Every database string is sanitised;
 * `width` measures display columns (wide characters count twice).
 */
export function sessionsTable(
	sessions: readonly Session[],
	now: Date,
	options: {staleAfterSeconds: number; utc?: boolean; width: (text: string) => number; stop?: boolean},
): string {
	const columns: TableColumn[] = [
		...(sessions.some((session) => session.site !== undefined)
			? [{title: 'SITE', align: 'left' as const, value: (s: Session) => sanitize(s.site ?? '')}]
			: []),
		{title: 'USER', align: 'left', value: (s) => sanitize(s.username)},
		{title: 'NAS', align: 'left', value: (s) => sanitize(s.nasname ?? s.nasipaddress)},
		{title: 'FRAMED IP', align: 'left', value: (s) => s.framedipaddress ?? '-'},
		{title: 'MAC', align: 'left', value: (s) => sanitize(s.callingstationid) || '-'},
		{title: 'SESSION ID', align: 'left', value: (s) => sanitize(s.acctsessionid)},
		{title: 'START', align: 'left', value: (s) => formatTimestamp(s.acctstarttime, options.utc)},
		...(options.stop
			? [
					{
						title: 'STOP',
						align: 'left' as const,
						value: (s: Session) => (s.acctstoptime ? formatTimestamp(s.acctstoptime, options.utc) : '-'),
					},
				]
			: []),
		{title: 'DURATION', align: 'right', value: (s) => formatDuration(sessionDurationSeconds(s, now))},
		{title: 'DOWN', align: 'right', value: (s) => formatBytes(s.acctoutputoctets)},
		{title: 'UP', align: 'right', value: (s) => formatBytes(s.acctinputoctets)},
		{title: 'STATUS', align: 'left', value: (s) => sessionState(s, now, options.staleAfterSeconds)},
		...(options.stop
			? [
					{
						title: 'CAUSE',
						align: 'left' as const,
						value: (s: Session) => causeText(s),
					},
				]
			: []),
	];
	const cells = sessions.map((session) => columns.map((column) => column.value(session)));
	const widths = columns.map((column, index) => Math.max(options.width(column.title), ...cells.map((row) => options.width(row[index]!))));
	const line = (values: readonly string[]) =>
		values
			.map((value, index) => {
				const pad = ' '.repeat(Math.max(0, widths[index]! - options.width(value)));
				return columns[index]!.align === 'right' ? pad + value : value + pad;
			})
			.join('  ')
			.trimEnd();
	return [line(columns.map((column) => column.title)), ...cells.map(line)].join('\n');
}

/**
 * Who disconnected a session through radtop, for a terminal: `by noc-anna via radtop: CHG-2211 maintenance`
 * (`via radtop console` for the console's runs; `when`, e.g. `at 12-03 05:40`, goes before the reason). The operator and the reason come from a file a user could
 * have written: both are sanitised.
 */
export function disconnectedByText(by: DisconnectedBy, when = ''): string {
	const who = sanitize(by.sudoUser ?? by.operator) || '?';
	const via = by.via === 'console' ? 'radtop console' : 'radtop';
	const unanswered = by.outcome === 'sent' ? ' (request sent, no answer logged)' : '';
	const reason = by.reason ? `: ${sanitize(by.reason)}` : '';
	return `by ${who} via ${via}${when ? ` ${when}` : ''}${unanswered}${reason}`;
}

/** A closed session's cause, then who disconnected it through radtop when the audit log says so; '' while open. */
export function causeText(session: Session): string {
	const cause = session.acctstoptime ? sanitize(session.acctterminatecause) || '-' : '';
	if (!session.disconnectedBy) return cause;
	return `${cause || 'open'} · ${disconnectedByText(session.disconnectedBy)}`;
}
