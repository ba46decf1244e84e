import {memo} from 'react';
import {Box, Text} from 'ink';
import type {Session} from '../../sessions/session.js';
import type {Rate} from '../../sessions/session-math.js';
import type {SessionSubscriber} from '../../subscribers/subscriber-view.js';
import {fit} from '../../terminal/text.js';
import {cellText, fitCell, stateOf, type CellContext} from '../cells.js';
import {COLUMN_GAP as GAP, columnTitle, type PlacedTableColumn as PlacedColumn} from '../table-columns.js';
import {rowFactsOf, rowMark} from '../row-marks.js';
import {subscriberCellData} from '../subscriber-cells.js';
import {useTheme} from '../theme.js';
import {nasCountKey, sessionKey, userCountKey} from '../../sessions/session-key.js';
import {siteCell, SITE_TITLE} from '../site-lines.js';

export interface SessionTableProps {
	readonly columns: readonly PlacedColumn[];
	/** Exactly the visible rows, top to bottom; undefined where the window is still loading. */
	readonly rows: ReadonlyArray<Session | undefined>;
	/** Index in `rows` of the cursor, or -1. */
	readonly cursor: number;
	readonly selection: ReadonlySet<string>;
	readonly allMatching: boolean;
	readonly rates: ReadonlyMap<string, Rate>;
	readonly now: Date;
	readonly masked: boolean;
	readonly staleAfterSeconds: number;
	readonly height: number;
	readonly width: number;
	readonly emptyText: string;
	/** The subscribers of the rows on screen, by radacctid, as the last enrichment found them. */
	readonly subscribers?: ReadonlyMap<string, SessionSubscriber> | undefined;
	/** When each NAS last reloaded (nasreload), by IP, as the poll read it: the G mark. */
	readonly reloads?: ReadonlyMap<string, Date> | undefined;
	/** Open sessions per user, for the users of the open rows on screen (the poll's count). */
	readonly userOpenSessions?: ReadonlyMap<string, number> | undefined;
	/** The SITE column's width with its gap (ui/site-lines.ts); 0 or absent: rows of one database, no column. */
	readonly siteWidth?: number;
	/** Sites whose rows are their last read, not a fresh one: dimmed, their SITE marked. */
	readonly staleSites?: ReadonlySet<string>;
}

const SEPARATOR = ' '.repeat(GAP);

/** The row gutter: the selection or cursor marker, the row's mark (ui/row-marks.ts), a space. */
export const GUTTER = 3;

interface RowProps {
	readonly session: Session | undefined;
	readonly columns: readonly PlacedColumn[];
	readonly isCursor: boolean;
	readonly isSelected: boolean;
	readonly rate: Rate | undefined;
	readonly now: Date;
	readonly masked: boolean;
	readonly staleAfterSeconds: number;
	readonly width: number;
	readonly subscriber: SessionSubscriber | undefined;
	readonly reloadedAt: Date | undefined;
	/** How many open sessions the row's user has, when the poll counted them. */
	readonly userOpenSessions: number | undefined;
	readonly siteWidth: number;
	readonly siteStale: boolean;
}

/** One row: one Text holding a Text per cell (no Box per cell: Yoga layout per cell costs too much). */
const Row = memo(function Row(props: RowProps) {
	const theme = useTheme();
	if (!props.session) return <Text color={theme.muted}>{fit('   …', props.width)}</Text>;
	const subscriber = subscriberCellData(props.subscriber, props.session, props.now);
	const context: CellContext = {
		now: props.now,
		rate: props.rate,
		masked: props.masked,
		staleAfterSeconds: props.staleAfterSeconds,
		subscriber,
	};
	const state = stateOf(props.session, context);
	const marker = props.isSelected ? '●' : props.isCursor ? '▸' : ' ';
	const mark = rowMark(rowFactsOf(props.session, props.subscriber, props.now, props.userOpenSessions, props.reloadedAt));
	const used = GUTTER + props.siteWidth + props.columns.reduce((sum, column, index) => sum + column.width + (index > 0 ? GAP : 0), 0);
	return (
		<Text inverse={props.isCursor} dimColor={state === 'offline' || props.siteStale} wrap="truncate-end">
			<Text bold={props.isSelected} color={props.isSelected ? theme.warn : undefined}>
				{marker}
			</Text>
			<Text bold color={mark === ' ' ? undefined : theme.warn}>
				{`${mark} `}
			</Text>
			{props.siteWidth > 0 ? (
				<Text color={props.siteStale ? theme.warn : undefined}>{siteCell(props.session, props.siteStale, props.siteWidth)}</Text>
			) : null}
			{props.columns.map((column, index) => {
				const text = fitCell(cellText(column.id, props.session!, context, column.field), column);
				const color =
					column.id === 'remaining' && subscriber?.remaining?.over
						? theme.warn
						: column.id === 'status' || column.id === 'duration'
							? state === 'stale'
								? theme.warn
								: state === 'online' && column.id === 'status'
									? theme.ok
									: undefined
							: undefined;
				return (
					<Text key={column.field === undefined ? column.id : `billing:${column.field}`} color={color}>
						{index > 0 ? SEPARATOR : ''}
						{text}
					</Text>
				);
			})}
			{used < props.width ? ' '.repeat(props.width - used) : ''}
		</Text>
	);
});

/** The session table: column heads and the visible rows only. */
export function SessionTable(props: SessionTableProps) {
	const theme = useTheme();
	const siteWidth = props.siteWidth ?? 0;
	const head = `${' '.repeat(GUTTER)}${siteWidth > 0 ? fit(SITE_TITLE, siteWidth) : ''}${props.columns.map((column) => fit(columnTitle(column), column.width, column.align)).join(SEPARATOR)}`;
	const lines = [];
	for (let index = 0; index < props.height; index++) {
		if (index >= props.rows.length) break;
		const session = props.rows[index];
		lines.push(
			<Row
				key={session ? sessionKey(session) : `loading-${index}`}
				session={session}
				columns={props.columns}
				isCursor={index === props.cursor}
				isSelected={Boolean(session && (props.allMatching || props.selection.has(sessionKey(session))))}
				rate={session ? props.rates.get(sessionKey(session)) : undefined}
				now={props.now}
				masked={props.masked}
				staleAfterSeconds={props.staleAfterSeconds}
				width={props.width}
				subscriber={session ? props.subscribers?.get(sessionKey(session)) : undefined}
				reloadedAt={session ? props.reloads?.get(nasCountKey(session)) : undefined}
				userOpenSessions={
					session?.username
						? props.userOpenSessions?.get(userCountKey({username: session.username, site: session.site}))
						: undefined
				}
				siteWidth={siteWidth}
				siteStale={Boolean(session?.site !== undefined && props.staleSites?.has(session.site))}
			/>,
		);
	}
	return (
		<Box flexDirection="column" height={props.height + 1}>
			<Text bold color={theme.accent} wrap="truncate-end">
				{head}
			</Text>
			{lines.length === 0 ? <Text color={theme.muted}>{`${' '.repeat(GUTTER)}${props.emptyText}`}</Text> : lines}
		</Box>
	);
}
