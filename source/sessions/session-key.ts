/**
 * The one key of a row in the console: its radacctid, or `SITE:radacctid` when rows come from several sites (two
 * sites' radacct tables number their rows independently, so the same radacctid can be two sessions). Selection,
 * rates, subscribers and the cursor are all keyed by it; a disconnect target built from such keys is routed back
 * to each key's site.
 */
import type {Session} from './session.js';

/** The key of a session: `radacctid`, or `site:radacctid` for a row read from one of several sites. */
export function sessionKey(session: Pick<Session, 'radacctid' | 'site'>): string {
	return session.site === undefined ? session.radacctid : `${session.site}:${session.radacctid}`;
}

/** A key split into its site (absent for a plain radacctid) and radacctid. Site names hold no `:`. */
export function parseSessionKey(key: string): {readonly site?: string; readonly radacctid: string} {
	const at = key.lastIndexOf(':');
	return at < 0 ? {radacctid: key} : {site: key.slice(0, at), radacctid: key.slice(at + 1)};
}

/**
 * The key of a user's open-session count: the username, or `site:username` for a row of one of several sites
 * (the sites' FreeRADIUS clusters do not share users: the same name at two sites is two subscribers).
 */
export function userCountKey(session: {readonly username: string; readonly site?: string | undefined}): string {
	return session.site === undefined ? session.username : `${session.site}:${session.username}`;
}

/** The key of a NAS's counts: its IP, or `site:IP` when the profile lists several sites. */
export function nasCountKey(nas: {readonly nasipaddress: string; readonly site?: string}): string {
	return nas.site === undefined ? nas.nasipaddress : `${nas.site}:${nas.nasipaddress}`;
}
