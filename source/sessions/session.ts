/**
 * One row of FreeRADIUS's `radacct`, as radtop reads it. Column names follow the stock schema; octets are
 * bigint in PostgreSQL and arrive here as numbers (exact up to 2^53 bytes, i.e. 8 PiB per session).
 */
export interface Session {
	readonly radacctid: string;
	/** The site the row was read from, when the profile lists several (config/profile.ts `sites`). */
	readonly site?: string;
	readonly acctsessionid: string;
	readonly acctuniqueid: string;
	readonly username: string | null;
	readonly realm: string | null;
	readonly nasipaddress: string;
	/** The NAS's short name from the `nas` table (or radtop's config), null when only the IP is known. */
	readonly nasname: string | null;
	readonly nasportid: string | null;
	readonly nasporttype: string | null;
	readonly acctstarttime: Date | null;
	readonly acctupdatetime: Date | null;
	readonly acctstoptime: Date | null;
	readonly acctinterval: number | null;
	readonly acctsessiontime: number | null;
	readonly acctauthentic: string | null;
	readonly connectinfo_start: string | null;
	readonly connectinfo_stop: string | null;
	/** Octets received by the NAS from the user: the user's upload. */
	readonly acctinputoctets: number | null;
	/** Octets sent by the NAS to the user: the user's download. */
	readonly acctoutputoctets: number | null;
	readonly calledstationid: string | null;
	readonly callingstationid: string | null;
	readonly acctterminatecause: string | null;
	readonly servicetype: string | null;
	readonly framedprotocol: string | null;
	readonly framedipaddress: string | null;
	readonly framedipv6address: string | null;
	readonly framedipv6prefix: string | null;
	readonly framedinterfaceid: string | null;
	readonly delegatedipv6prefix: string | null;
	readonly class: string | null;
	/** Set when radtop's own audit log records an operator disconnecting this session (disconnect/disconnected-by.ts). */
	readonly disconnectedBy?: DisconnectedBy;
}

/** Who had radtop disconnect a session, when and why, as the audit log says (strings as written there: unsanitised). */
export interface DisconnectedBy {
	/** The OS user radtop ran as. */
	readonly operator: string;
	/** The sudo caller behind it, if any. */
	readonly sudoUser: string | null;
	/** When the request went out (the record that first tells it), ISO 8601. */
	readonly at: string;
	readonly reason: string | null;
	/** The console or `radtop disconnect`; null for a log of a radtop that did not record it. */
	readonly via: 'console' | 'command line' | null;
	/** `coa`/`api`: acknowledged; `sent`: the request went out, its answer is not in the log (a killed run). */
	readonly outcome: 'coa' | 'api' | 'sent';
	readonly actionId: string;
}

/** Which sessions a query covers: open ones (no acctstoptime), closed ones, or both. */
export type SessionStatus = 'active' | 'stale' | 'closed' | 'all';

/** The columns a session list can be sorted by, in the order the console steps through them. */
export const SORT_KEYS = ['start', 'duration', 'down', 'up', 'rate', 'user', 'nas', 'ip', 'remaining'] as const;

/** A column a session list can be sorted by. */
export type SortKey = (typeof SORT_KEYS)[number];

export type SortDirection = 'asc' | 'desc';

export interface SessionSort {
	readonly key: SortKey;
	readonly direction: SortDirection;
}

/** A filter over radacct. NAS values are already resolved to IP addresses (see NasDirectory). */
export interface SessionFilter {
	readonly status: SessionStatus;
	/** Case-insensitive substring of username, framed IP or MAC (any separators). */
	readonly search?: string;
	/** NAS IP addresses; empty or absent means every NAS. */
	readonly nasIps?: readonly string[];
	/** Sessions started at or after this instant. */
	readonly startedFrom?: Date;
	/** Sessions started before this instant. */
	readonly startedTo?: Date;
	/** For status `stale`: seconds without an interim update after which a session with no interval is stale. */
	readonly staleAfterSeconds?: number;
	/** Only the open sessions of users with more than one open session (concurrent logins). */
	readonly concurrent?: boolean;
	/** Only the rows of this site, when the profile lists several (sessions/merged-source.ts); one database ignores it. */
	readonly site?: string;
}

/** The position after the last row of a page, for keyset paging. */
export interface Keyset {
	/** The sort key's value in the last row, as the database returned it (text form), or null. */
	readonly value: string | null;
	readonly radacctid: string;
	/** The database time the first page was read at (timestamptz text); open sessions' durations are taken at it. */
	readonly asOf?: string;
}

/** Which slice of the sorted result to fetch. `after` (keyset) wins over `offset`. */
export interface SessionWindow {
	readonly limit: number;
	readonly offset?: number;
	readonly after?: Keyset;
}

export interface SessionPage {
	readonly rows: readonly Session[];
	/** Keyset of the last row, to fetch the next page; absent when the page was not full. */
	readonly next?: Keyset;
	/** The database's clock when the query ran; durations are measured against it. */
	readonly dbNow: Date;
	/** Each row's sort key as the database returned it (text), for merging pages of several sites. */
	readonly sortValues?: readonly (string | null)[];
}

/** Open-session count on one NAS. */
export interface NasCount {
	readonly nasipaddress: string;
	readonly nasname: string | null;
	readonly sessions: number;
	readonly stale: number;
	/** The site of the NAS, when the profile lists several (the same IP can be a NAS at each). */
	readonly site?: string;
}

/** Aggregates over the open sessions, for the stats bar. */
export interface SessionStats {
	readonly openSessions: number;
	readonly uniqueUsers: number;
	/** Mean age in seconds of the open sessions, null when there are none. */
	readonly averageDurationSeconds: number | null;
	readonly staleSessions: number;
	/** Largest first. */
	readonly perNas: readonly NasCount[];
	readonly dbNow: Date;
	/** When unique users and stale counts were taken (they are refreshed less often than the rest). */
	readonly slowCountsAt?: Date;
}

/** How many rows match a filter; `capped` when counting stopped at the cap. */
export interface SessionTotal {
	readonly total: number;
	readonly capped: boolean;
}

/** How a site's data stands, for the header: how old it is, and why it is not newer. */
export interface SiteStatus {
	readonly name: string;
	/** When the site last answered (epoch ms), null before it ever did. */
	readonly dataAt: number | null;
	/** Its last call failed or did not answer in time: what is shown of it is its last answer. */
	readonly stale: boolean;
	/** Why, while stale. */
	readonly error: string | null;
	/** Open sessions at its last answer, null before one. */
	readonly openSessions: number | null;
}
