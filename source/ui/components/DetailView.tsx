import {Box, Text} from 'ink';
import {formatBytes, formatDuration, formatRate, formatTimestamp} from '../../sessions/format.js';
import type {Session} from '../../sessions/session.js';
import {sessionDurationSeconds, sessionState, type Rate} from '../../sessions/session-math.js';
import {SESSION_COLUMNS} from '../../sessions/radacct-sql.js';
import {sanitize} from '../../terminal/sanitize.js';
import {fit, truncate} from '../../terminal/text.js';
import {maskIp, maskMac} from '../cells.js';
import type {DetailState} from '../state-types.js';
import {useTheme} from '../theme.js';

export interface DetailViewProps {
	readonly detail: DetailState;
	readonly now: Date;
	readonly rate: Rate | undefined;
	readonly masked: boolean;
	readonly staleAfterSeconds: number;
	readonly width: number;
	readonly height: number;
}

const MASKED_FIELDS: Record<string, (value: string) => string> = {
	framedipaddress: maskIp,
	callingstationid: maskMac,
};

/** A radacct field as text for the detail view. */
export function fieldText(session: Session, field: (typeof SESSION_COLUMNS)[number], masked: boolean): string {
	const value = session[field];
	if (value === null || value === undefined || value === '') return '-';
	if (value instanceof Date) return formatTimestamp(value);
	const text = sanitize(String(value));
	const mask = MASKED_FIELDS[field];
	return masked && mask ? mask(text) : text;
}

/** Every radacct field of a session, its NAS, and the user's previous sessions. */
export function DetailView(props: DetailViewProps) {
	const theme = useTheme();
	const {session, history, error} = props.detail;
	if (error) return <Text color={theme.error}>{sanitize(error)}</Text>;
	if (!session) return <Text color={theme.muted}>loading session {props.detail.id}…</Text>;
	const state = sessionState(session, props.now, props.staleAfterSeconds);
	const duration = formatDuration(sessionDurationSeconds(session, props.now));
	const title = `${sanitize(session.username) || '(no username)'} on ${sanitize(session.nasname ?? session.nasipaddress)} (${session.nasipaddress})`;
	const summary = [
		`${state}${state === 'offline' ? `, ${sanitize(session.acctterminatecause) || 'no cause'}` : ''}`,
		`${duration}`,
		`down ${formatBytes(session.acctoutputoctets)} / up ${formatBytes(session.acctinputoctets)}`,
		props.rate ? `rate ${formatRate(props.rate.downKbps)}/${formatRate(props.rate.upKbps)}bit/s` : undefined,
	]
		.filter(Boolean)
		.join(' · ');

	// Fields in two columns; as many rows as the height allows after the title, summary and history.
	// Only the fields that hold something: at 80x24 the empty IPv6 and connect-info columns would push the
	// user's previous sessions off the screen.
	const fields = SESSION_COLUMNS.filter((field) => field !== 'username' && fieldText(session, field, false) !== '-');
	const half = Math.floor((props.width - 1) / 2);
	// The longest radacct column name (delegatedipv6prefix) and a space.
	const labelWidth = 20;
	const pairs: Array<[string, string | undefined]> = [];
	const rows = Math.ceil(fields.length / 2);
	for (let index = 0; index < rows; index++) pairs.push([fields[index]!, fields[index + rows]]);
	const historyRoom = Math.max(0, props.height - 3 - pairs.length - 1);
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

	const cell = (field: string | undefined) => {
		if (!field) return '';
		const label = fit(field, labelWidth);
		return label + truncate(fieldText(session, field as (typeof SESSION_COLUMNS)[number], props.masked), half - labelWidth);
	};
	return (
		<Box flexDirection="column" width={props.width}>
			<Box justifyContent="space-between">
				<Text bold wrap="truncate-end">
					{title}
				</Text>
				<Text color={theme.muted}>Esc back</Text>
			</Box>
			<Text wrap="truncate-end" color={state === 'stale' ? theme.warn : state === 'online' ? theme.ok : theme.muted}>
				{summary}
			</Text>
			{pairs.map(([left, right]) => (
				<Text key={left} wrap="truncate-end">
					{fit(cell(left), half)} {cell(right)}
				</Text>
			))}
			<Text bold color={theme.accent}>
				previous sessions{historyNote}
			</Text>
			{previous.map((row) => (
				<Text key={row.radacctid} wrap="truncate-end" dimColor={Boolean(row.acctstoptime)}>
					{'  '}
					{[
						formatTimestamp(row.acctstarttime),
						'  ',
						fit(formatDuration(sessionDurationSeconds(row, props.now)), 7, 'right'),
						'  ',
						fit(row.acctstoptime ? sanitize(row.acctterminatecause) || '-' : 'online', 16),
						' ',
						fit(`${formatBytes(row.acctoutputoctets)} / ${formatBytes(row.acctinputoctets)}`, 13),
						' ',
						sanitize(row.nasname ?? row.nasipaddress),
					].join('')}
				</Text>
			))}
		</Box>
	);
}
