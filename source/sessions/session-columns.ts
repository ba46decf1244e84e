/** The radacct columns a session is read from, and the subscriber columns the session table can show beside them. */
import type {Remaining} from './session-math.js';

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
	'remaining',
	'plan',
	'billing',
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

/**
 * What the table's subscriber columns read for one row: the subscriber's groups (PLAN), the time left
 * (REMAINING) and the billing query's values by column (one table column each).
 */
export interface SubscriberCellData {
	readonly groups: readonly string[];
	readonly remaining: Remaining | null;
	readonly billing: Readonly<Record<string, string>>;
}
