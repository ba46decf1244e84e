/**
 * The subscriber context as radtop shows it: the values of one session's extra columns (PLAN, TIMEOUT, RATE,
 * SIM-USE, REMAINING, then the billing columns), for the detail view, `--json` and exports. Pure.
 */
import {formatRemaining, remainingOf, shortSpan, type Remaining} from '../sessions/session-math.js';
import type {Session} from '../sessions/session.js';
import type {SubscriberContext} from './subscriber-sql.js';

/** What radtop knows of the subscriber behind one session. */
export interface SessionSubscriber {
	readonly context: SubscriberContext;
	readonly billing: Readonly<Record<string, string>>;
	readonly remaining: Remaining | null;
}

export function sessionSubscriber(
	session: Session,
	context: SubscriberContext,
	billing: Readonly<Record<string, string>>,
	now: Date,
): SessionSubscriber {
	return {context, billing, remaining: remainingOf(session, context.sessionTimeout, now)};
}

/** The subscriber columns every output has, before the billing query's own. */
export const SUBSCRIBER_COLUMNS = ['plan', 'session_timeout', 'rate_limit', 'simultaneous_use', 'remaining', 'over_time'] as const;

/** One session's subscriber columns as text, keyed as in `--json` and exports; billing columns after. */
export function subscriberFields(subscriber: SessionSubscriber, billingColumns: readonly string[]): Record<string, string> {
	const {context, remaining} = subscriber;
	const fields: Record<string, string> = {
		plan: context.groups.join(', '),
		session_timeout: context.sessionTimeout === null ? '' : String(context.sessionTimeout),
		rate_limit: context.rateLimit?.value ?? '',
		simultaneous_use: context.simultaneousUse === null ? '' : String(context.simultaneousUse),
		remaining: formatRemaining(remaining),
		over_time: remaining?.over ? 'yes' : '',
	};
	for (const column of billingColumns) {
		if (!(column in fields)) fields[column] = subscriber.billing[column] ?? '';
	}
	return fields;
}

/** The detail view's lines for the subscriber: label and value, nothing for what is not known. */
export function subscriberDetail(subscriber: SessionSubscriber, billingColumns: readonly string[]): Array<[string, string]> {
	const {context, remaining} = subscriber;
	const lines: Array<[string, string]> = [];
	if (context.groups.length > 0) lines.push(['Plan', context.groups.join(', ')]);
	if (context.sessionTimeout !== null) lines.push(['Session-Timeout', shortSpan(context.sessionTimeout)]);
	if (context.rateLimit) lines.push(['Rate limit', `${context.rateLimit.value} (${context.rateLimit.attribute})`]);
	if (context.simultaneousUse !== null) lines.push(['Simultaneous-Use', String(context.simultaneousUse)]);
	if (remaining) {
		lines.push(['Remaining', remaining.over ? `${formatRemaining(remaining)}: the NAS did not end it` : formatRemaining(remaining)]);
	}
	for (const column of billingColumns) {
		const value = subscriber.billing[column];
		if (value) lines.push([column, value]);
	}
	return lines;
}
