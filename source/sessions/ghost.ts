/**
 * Ghost candidates: open sessions their NAS was last heard of before it last reloaded (FreeRADIUS's
 * nasreload, written on Accounting-On and Accounting-Off). The NAS rebooted and never sent a Stop for them.
 *
 * As FreeRADIUS's own `radacct_with_reloads` view (process-radacct.sql), the session started before the
 * reload (`acctstarttime < reloadtime`, strictly); radtop also asks that nothing was heard of it since
 * (its last interim update is before the reload too): a session that got an Interim-Update after the reload
 * is one the NAS still has (a NAS that sent Accounting-On without dropping its sessions). Pure.
 */
import {formatDuration, formatTimestamp} from './format.js';
import type {Session} from './session.js';

/** The reload that makes `session` a ghost candidate: open, started and last updated before its NAS's reload. */
export function isGhostCandidate(session: Session, reloadedAt: Date | undefined): boolean {
	if (!reloadedAt || session.acctstoptime !== null || !session.acctstarttime) return false;
	const lastHeard = session.acctupdatetime ?? session.acctstarttime;
	return session.acctstarttime < reloadedAt && lastHeard < reloadedAt;
}

/** `09:12` the same day as `now`, else `11-30 09:12` (local time, or UTC when asked). */
export function reloadClock(reloadedAt: Date, now: Date, utc = false): string {
	const at = formatTimestamp(reloadedAt, utc);
	return at.slice(0, 10) === formatTimestamp(now, utc).slice(0, 10) ? at.slice(11, 16) : at.slice(5, 16);
}

/** `reloaded 2h14m ago` (`reloaded just now` for a clock a little ahead of the database's). */
export function reloadedAgo(reloadedAt: Date, now: Date): string {
	const seconds = (now.getTime() - reloadedAt.getTime()) / 1000;
	return seconds < 1 ? 'reloaded just now' : `reloaded ${formatDuration(seconds)} ago`;
}

/**
 * The detail view's word on a session its NAS reloaded after: `started before bng-2 reloaded at 09:12
 * (Accounting-On/Off): likely a ghost`, or, when an interim update came after the reload, that its NAS still
 * has it. Undefined when the NAS's reload is not after the session's start (or the session is closed).
 * `nasName` is the caller's (sanitised) name of the NAS; `brief` leaves out the `(Accounting-On/Off)`.
 */
export function reloadNote(
	session: Session,
	reloadedAt: Date | undefined,
	nasName: string,
	now: Date,
	options: {readonly brief?: boolean} = {},
): string | undefined {
	if (!reloadedAt || session.acctstoptime !== null || !session.acctstarttime || !(session.acctstarttime < reloadedAt)) return undefined;
	const when = `${nasName} reloaded at ${reloadClock(reloadedAt, now)}${options.brief ? '' : ' (Accounting-On/Off)'}`;
	if (isGhostCandidate(session, reloadedAt)) return `started before ${when}: likely a ghost`;
	const updated = session.acctupdatetime ? ` (${reloadClock(session.acctupdatetime, now)})` : '';
	return `started before ${when}, but updated after it${updated}: its NAS still has it`;
}
