/**
 * The data of the table's subscriber columns (REMAINING, PLAN, billing: sessions/session-columns.ts) for one row, from
 * the last poll's enrichment. REMAINING is taken at the clock of the frame, not of the enrichment. Pure.
 */
import type {Session} from '../sessions/session.js';
import type {SubscriberCellData} from '../sessions/session-columns.js';
import {remainingOf} from '../sessions/session-math.js';
import type {SessionSubscriber} from '../subscribers/subscriber-view.js';

export function subscriberCellData(subscriber: SessionSubscriber | undefined, session: Session, now: Date): SubscriberCellData | undefined {
	if (!subscriber) return undefined;
	return {
		groups: subscriber.context.groups,
		remaining: remainingOf(session, subscriber.context.sessionTimeout, now),
		billing: subscriber.billing,
	};
}
