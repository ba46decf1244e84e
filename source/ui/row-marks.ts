/**
 * The one-character mark in a table row's gutter, after the selection or cursor marker: the most telling fact
 * about the row that its cells do not show at a glance. Pure. A row shows the first mark in ROW_MARKS that
 * applies; the session's detail shows every fact. Precedence, most telling first: G (a ghost candidate: the
 * NAS was reloaded after the session started), S (more open sessions than the user's Simultaneous-Use), C (the
 * user has more than one open session), T (past its expected end).
 */
import {isGhostCandidate} from '../sessions/ghost.js';
import type {Session} from '../sessions/session.js';
import {remainingOf} from '../sessions/session-math.js';
import type {SessionSubscriber} from '../subscribers/subscriber-view.js';

/** What is known of one row, from the poll and its enrichment. */
export interface RowFacts {
	/** A ghost candidate: open, started and last heard of before its NAS last reloaded (nasreload, sessions/ghost.ts). */
	readonly ghost?: boolean;
	/** Past its expected end (start + Session-Timeout) and still open: the NAS did not end it. */
	readonly overTime?: boolean;
	/** How many open sessions the row's user has (counted for the open rows on screen). */
	readonly userOpenSessions?: number;
	/** The user's Simultaneous-Use (radcheck, radgroupcheck), when set. */
	readonly simultaneousUse?: number | null;
}

export interface RowMark {
	readonly mark: string;
	/** The help's legend. */
	readonly meaning: string;
	readonly applies: (facts: RowFacts) => boolean;
}

/** Most telling first. */
export const ROW_MARKS: readonly RowMark[] = [
	{
		mark: 'G',
		meaning: 'a ghost candidate: its NAS reloaded after it was last heard of',
		applies: (facts) => facts.ghost === true,
	},
	{
		mark: 'S',
		meaning: 'its user has more open sessions than Simultaneous-Use allows',
		applies: (facts) =>
			facts.userOpenSessions !== undefined &&
			facts.simultaneousUse !== undefined &&
			facts.simultaneousUse !== null &&
			facts.userOpenSessions > facts.simultaneousUse,
	},
	{
		mark: 'C',
		meaning: 'its user has more than one open session (C shows only those)',
		applies: (facts) => facts.userOpenSessions !== undefined && facts.userOpenSessions > 1,
	},
	{
		mark: 'T',
		meaning: 'past its expected end (start + Session-Timeout): the NAS did not end it',
		applies: (facts) => facts.overTime === true,
	},
];

/** The gutter's mark for a row: one character, a space when nothing applies. */
export function rowMark(facts: RowFacts): string {
	return ROW_MARKS.find((mark) => mark.applies(facts))?.mark ?? ' ';
}

/**
 * What a row's sources say of it at `now` (the database's clock of the frame); `userOpenSessions` is the poll's
 * count of the user's open sessions (a closed row's user is not counted: its marks are about open sessions);
 * `reloadedAt`: when its NAS last reloaded, as the poll read nasreload.
 */
export function rowFactsOf(
	session: Session,
	subscriber: SessionSubscriber | undefined,
	now: Date,
	userOpenSessions?: number,
	reloadedAt?: Date,
): RowFacts {
	const remaining = subscriber ? remainingOf(session, subscriber.context.sessionTimeout, now) : null;
	const open = session.acctstoptime === null;
	return {
		overTime: remaining?.over === true && open,
		ghost: isGhostCandidate(session, reloadedAt),
		...(open && userOpenSessions !== undefined ? {userOpenSessions} : {}),
		...(subscriber ? {simultaneousUse: subscriber.context.simultaneousUse} : {}),
	};
}

/** The help's lines for the marks. */
export function rowMarkLegend(): string[] {
	return ROW_MARKS.map((mark) => `${mark.mark} beside a row: ${mark.meaning}`);
}
