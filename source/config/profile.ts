/** A profile as radtop stores it: where to connect, how to poll, what an operator may do, NAS overrides. */
import type {NasOverride} from '../nas/nas-override.js';
import type {TableColumnId} from '../sessions/session-columns.js';

export interface Profile {
	/** postgres:// URL; may hold a password (the file is 0600). */
	readonly database?: string;
	/** Poll interval in seconds. */
	readonly interval?: number;
	/** Stale threshold in seconds for NAS that report no interim interval. */
	readonly staleAfter?: number;
	readonly readOnly?: boolean;
	readonly auditLog?: string;
	/** NAS (names or IPs) this profile may disconnect sessions on; absent means every NAS. */
	readonly allowedNas?: readonly string[];
	/** Sessions above which a console disconnect asks for the count to be typed (default 50). */
	readonly confirmTypedAbove?: number;
	/** Disconnect requests started per second by the console (0: no cap; default 200). */
	readonly disconnectRate?: number;
	/** The console table's columns (`c` picks them); absent means each status view's own choice. */
	readonly columns?: readonly TableColumnId[];
	readonly nas?: Readonly<Record<string, NasOverride>>;
	/**
	 * The billing join: one SQL query run with the usernames in view as `$1::text[]`, returning `username` and
	 * the columns to show beside each session.
	 */
	readonly billingQuery?: string;
	/** postgres:// URL of the database the billing query runs on; absent: the sessions' database. */
	readonly billingUrl?: string;
	/** The billing query's statement timeout in seconds (default 2). */
	readonly billingTimeout?: number;
	/** Regions: a name and its NAS (names, IPs or CIDRs); a NAS may be in several regions. */
	readonly regions?: Readonly<Record<string, readonly string[]>>;
	/** Disconnect requests started per second on any one NAS (0: no cap), beside the overall `disconnectRate`. */
	readonly disconnectRatePerNas?: number;
	/** Requests in flight at once on any one NAS. */
	readonly disconnectInFlightPerNas?: number;
	/** postgres:// URL of a hot standby for what only reads (polls, exports, doctor); `database` stays the primary. */
	readonly readDatabase?: string;
	/** Several sites in one console, each its own radacct database and NAS registry; absent: the one `database`. */
	readonly sites?: readonly SiteProfile[];
}

/** One site of a profile: a FreeRADIUS cluster with its own radacct database and its own NAS. */
export interface SiteProfile {
	/** Shown in the SITE column and taken by --site and `:site` (letters, digits, `.`, `_`, `-`). */
	readonly name: string;
	/** postgres:// URL of the site's primary (what writes: `sweep --apply`). */
	readonly database: string;
	/** postgres:// URL of the site's hot standby, for what only reads. */
	readonly readDatabase?: string;
	/** The site's NAS overrides: the same IP can be a different NAS at another site. */
	readonly nas?: Readonly<Record<string, NasOverride>>;
}

export interface StoredConfig {
	readonly defaultProfile?: string;
	readonly profiles?: Readonly<Record<string, Profile>>;
}
