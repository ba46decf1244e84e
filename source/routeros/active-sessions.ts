/**
 * Finding a session among a RouterOS router's active ones: the menu it is listed in (`/ppp/active`, or
 * `/ip/hotspot/active` on a hotspot), the print query that lists its candidates, and which of the rows are it.
 *
 * `/ppp/active` has a `session-id` only on some RouterOS versions, and query support for it is not documented,
 * so the entry is looked up by `?name=USER` (every version; `?address=IP` when the session has no username) and
 * then matched here: by `session-id` against Acct-Session-Id when the router reports one, else by address and
 * caller-id against the framed IP and Calling-Station-Id. An entry of the same user that does not match is
 * another (newer) session of theirs.
 */
import type {RouterOsConnectOptions} from './connect-options.js';
import type {RouterOsClient} from './routeros-client.js';
import type {RouterOsRow} from './sentences.js';

/** What looking sessions up and removing them needs of a RouterOS connection ({@link RouterOsClient} has it). */
export type RouterOsApi = Pick<RouterOsClient, 'print' | 'remove' | 'close' | 'closed'>;

/** Opens a logged-in connection; rejects on failure. Default RouterOsClient.connect. */
export type RouterOsConnect = (options: RouterOsConnectOptions) => Promise<RouterOsApi>;

/** Where and as whom to log in to a router's API. */
export interface RouterOsLogin {
	readonly host: string;
	readonly port: number;
	readonly tls: boolean;
	readonly user: string;
	readonly password: string;
}

/** The session's columns (as radacct has them) that the lookup uses. */
export interface ActiveSessionIdentity {
	readonly username: string | null;
	readonly acctsessionid: string;
	readonly framedipaddress: string | null;
	readonly callingstationid: string | null;
}

/** How to log in to the router called `name`, with one timeout for connecting and for each command. */
export function apiConnectOptions(name: string, login: RouterOsLogin, timeoutMs: number): RouterOsConnectOptions {
	return {
		host: login.host,
		port: login.port,
		tls: login.tls,
		user: login.user,
		password: login.password,
		name,
		connectTimeoutMs: timeoutMs,
		commandTimeoutMs: timeoutMs,
	};
}

/** The menu a router lists its sessions in. */
export function activeMenu(hotspot: boolean): '/ppp/active' | '/ip/hotspot/active' {
	return hotspot ? '/ip/hotspot/active' : '/ppp/active';
}

/** The print query that lists the session's candidates, or undefined when there is nothing to look up by. */
export function activeQuery(session: ActiveSessionIdentity, hotspot: boolean): Record<string, string> | undefined {
	if (session.username) return hotspot ? {user: session.username} : {name: session.username};
	if (session.framedipaddress) return {address: session.framedipaddress};
	return undefined;
}

/** The rows of a print that are this session (see the module comment for the rules). */
export function matchActiveRows(rows: readonly RouterOsRow[], session: ActiveSessionIdentity, hotspot: boolean): RouterOsRow[] {
	return rows.filter((row) => {
		const sessionId = row['session-id'];
		if (!hotspot && sessionId && session.acctsessionid) return sameSessionId(sessionId, session.acctsessionid);
		const address = row['address'];
		if (address && session.framedipaddress && address !== session.framedipaddress) return false;
		const mac = row[hotspot ? 'mac-address' : 'caller-id'];
		return !(mac && session.callingstationid && !sameStationId(mac, session.callingstationid));
	});
}

/** RouterOS shows `0x81B00042` where its Acct-Session-Id was `81b00042`. */
function sameSessionId(routerValue: string, acctSessionId: string): boolean {
	const normalize = (value: string): string => value.trim().toLowerCase().replace(/^0x/, '');
	return normalize(routerValue) === normalize(acctSessionId);
}

/** MACs compare by their hex digits (`AA:BB:..` vs `aabb.cc..`); anything else as written. */
function sameStationId(a: string, b: string): boolean {
	const digits = (value: string): string | undefined => {
		const hex = value.replace(/[:.-]/g, '').toLowerCase();
		return /^[0-9a-f]{12}$/.test(hex) ? hex : undefined;
	};
	const left = digits(a);
	const right = digits(b);
	return left !== undefined && right !== undefined ? left === right : a.trim() === b.trim();
}
