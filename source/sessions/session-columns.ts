/** The radacct columns a session is read from, and the subscriber columns the session table can show beside them. */
import {sanitize} from '../terminal/sanitize.js';
import {formatRemaining, type Remaining} from './session-math.js';

/**
 * Every column of the stock schema that radtop shows. Older FreeRADIUS 3.0 schemas lack a few of them
 * (class, the IPv6 columns); those are selected as NULL so no migration is needed.
 */
export const SESSION_COLUMNS = [
	'radacctid',
	'acctsessionid',
	'acctuniqueid',
	'username',
	'realm',
	'nasipaddress',
	'nasportid',
	'nasporttype',
	'acctstarttime',
	'acctupdatetime',
	'acctstoptime',
	'acctinterval',
	'acctsessiontime',
	'acctauthentic',
	'connectinfo_start',
	'connectinfo_stop',
	'acctinputoctets',
	'acctoutputoctets',
	'calledstationid',
	'callingstationid',
	'acctterminatecause',
	'servicetype',
	'framedprotocol',
	'framedipaddress',
	'framedipv6address',
	'framedipv6prefix',
	'framedinterfaceid',
	'delegatedipv6prefix',
	'class',
] as const;

export type SessionColumn = (typeof SESSION_COLUMNS)[number];

/** The columns of the console's session table, in the order they are drawn (the profile's `columns` names them). */
export const TABLE_COLUMN_IDS = [
	'user',
	'nas',
	'status',
	'ip',
	'ipv6',
	'duration',
	'mac',
	'vendor',
	'down',
	'up',
	'rateDown',
	'rateUp',
	'start',
	'stop',
	'cause',
	'sessionId',
] as const;

export type TableColumnId = (typeof TABLE_COLUMN_IDS)[number];

/** What a subscriber column of the table reads: the subscriber's groups and the time left (see subscribers/). */
export interface SubscriberCellData {
	readonly groups: readonly string[];
	readonly remaining: Remaining | null;
}

/** A column of the session table that shows the subscriber behind the session rather than radacct. */
export interface SubscriberTableColumn {
	readonly id: 'remaining' | 'plan';
	readonly title: string;
	readonly align: 'left' | 'right';
	/** Width it gets when there is room, and the width it can shrink to (ellipsis). */
	readonly preferred: number;
	readonly min: number;
	/** The cell's text ('-' while not known); its value is radtop's own or sanitised before it is shown. */
	readonly text: (data: SubscriberCellData | undefined) => string;
	/** A cell to draw as a warning (a session past its expected end). */
	readonly warn?: (data: SubscriberCellData | undefined) => boolean;
}

/** REMAINING (`1h45m (44%)`, `over by 12m`) and PLAN (the user's groups, first applied first). */
export const SUBSCRIBER_TABLE_COLUMNS: readonly SubscriberTableColumn[] = [
	{
		id: 'remaining',
		title: 'REMAINING',
		align: 'right',
		preferred: 13,
		min: 9,
		text: (data) => formatRemaining(data?.remaining ?? null) || '-',
		warn: (data) => data?.remaining?.over === true,
	},
	{
		id: 'plan',
		title: 'PLAN',
		align: 'left',
		preferred: 12,
		min: 8,
		text: (data) => sanitize(data?.groups.join(', ') ?? '') || '-',
	},
];
