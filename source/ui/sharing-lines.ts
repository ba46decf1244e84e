/**
 * The detail view's sharing hints: when the session's user has more than one open session, which they are
 * (NAS, MAC, since when) and whether they differ, so an operator can tell a shared password (different MACs)
 * from a ghost (the same MAC twice on one NAS). Pure; every string from the database is sanitised here and the
 * MACs masked in masked mode.
 */
import {formatCount, formatTimestamp} from '../sessions/format.js';
import {sanitize} from '../terminal/sanitize.js';
import {stringWidth, truncate} from '../terminal/text.js';
import {maskMac} from './cells.js';
import type {UserOpenSessions} from './state-types.js';
import type {ViewLine} from './view-line.js';

export type {UserOpenSessions} from './state-types.js';

/** How many of the user's open sessions the hint names; the rest are counted. */
export const SHARING_SHOWN = 3;

/** At most this many lines: a long hint is cut rather than push the user's history off the screen. */
export const SHARING_MAX_LINES = 2;

/** "09:12" today, "11-20 14:05" on another day. */
function since(start: Date | null, now: Date): string {
	if (!start) return '?';
	const text = formatTimestamp(start);
	return text.slice(0, 10) === formatTimestamp(now).slice(0, 10) ? text.slice(11, 16) : text.slice(5, 16);
}

/** "same MAC", "different MACs", "2 MACs": how many distinct values among the sessions that have one. */
function compared(values: ReadonlyArray<string | null>, one: string, many: string): string | undefined {
	const known = values.filter((value): value is string => Boolean(value));
	if (known.length < 2) return undefined;
	const distinct = new Set(known.map((value) => value.toLowerCase().replace(/[^0-9a-z.]/g, ''))).size;
	if (distinct === 1) return `same ${one}`;
	return distinct === known.length ? `different ${many}` : `${distinct} ${many}`;
}

/** The hint's pieces: who (with Simultaneous-Use), each session named, and what differs among them. */
interface SharingParts {
	readonly head: string;
	readonly sessions: string;
	readonly verdict: string;
}

export function sharingParts(
	open: UserOpenSessions,
	options: {readonly now: Date; readonly masked: boolean},
	simultaneousUse?: number | null,
): SharingParts | undefined {
	if (open.count < 2) return undefined;
	const limit = simultaneousUse === null || simultaneousUse === undefined ? '' : ` (Simultaneous-Use ${formatCount(simultaneousUse)})`;
	const shown = open.sessions.slice(0, SHARING_SHOWN);
	const named = shown.map((session) => {
		const mac = sanitize(session.callingstationid);
		const macText = mac ? ` (${options.masked ? maskMac(mac) : mac})` : '';
		return `${sanitize(session.nasname ?? session.nasipaddress)}${macText} since ${since(session.acctstarttime, options.now)}`;
	});
	if (open.count > shown.length) named.push(`+${formatCount(open.count - shown.length)} more`);
	const verdict = [
		compared(
			shown.map((session) => session.callingstationid),
			'MAC',
			'MACs',
		),
		compared(
			shown.map((session) => session.nasipaddress),
			'NAS',
			'NAS',
		),
	].filter(Boolean);
	return {
		head: `${formatCount(open.count)} open sessions of ${sanitize(open.username)}${limit}`,
		sessions: named.join(', '),
		verdict: verdict.join(', '),
	};
}

/**
 * The hint in at most `width` columns: on one line when it fits (`2 open sessions of alice: bng-1 (MAC) since
 * 09:12, bng-2 (MAC) since 09:40 · different MACs, different NAS`), else who and what differs first and the
 * sessions on a second line, cut at its end; none for a user with one open session.
 */
export function sharingLines(
	open: UserOpenSessions | undefined,
	options: {readonly now: Date; readonly masked: boolean; readonly width: number},
	simultaneousUse?: number | null,
): ViewLine[] {
	const parts = open ? sharingParts(open, options, simultaneousUse) : undefined;
	if (!parts) return [];
	const verdict = parts.verdict ? ` · ${parts.verdict}` : '';
	const one = `${parts.head}: ${parts.sessions}${verdict}`;
	const lines = stringWidth(one) <= options.width ? [one] : [`${parts.head}${verdict}`, `  ${parts.sessions}`];
	return lines.map((text): ViewLine => ({text: truncate(text, options.width), tone: 'warn'}));
}
