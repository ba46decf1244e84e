/**
 * Doctor's word on the subscriber columns: which of FreeRADIUS's authorisation tables are read and why any is
 * skipped (the console never shows an error for them), and whether the billing query answers. Pure.
 */
import {SUBSCRIBER_TABLES} from '../subscribers/subscriber-sql.js';
import type {SubscriberTables} from '../subscribers/subscriber-tables.js';
import {result, type CheckResult} from './check.js';

export interface BillingFacts {
	/** null: no billing query in the profile. */
	readonly status: string | null | 'not configured';
	readonly columns: readonly string[];
}

export function subscriberChecks(tables: SubscriberTables, billing: BillingFacts): CheckResult[] {
	const results: CheckResult[] = [];
	const read = SUBSCRIBER_TABLES.filter((table) => tables.readable.has(table));
	const skipped = SUBSCRIBER_TABLES.filter((table) => tables.skipped.has(table));
	if (skipped.length === 0) {
		results.push(result('subscriber tables', 'pass', `reading ${read.join(', ')} for plan and limits`));
	} else {
		results.push(
			result(
				'subscriber tables',
				'warn',
				`${read.length > 0 ? `reading ${read.join(', ')}; ` : ''}skipped: ${skipped.map((table) => tables.skipped.get(table)).join('; ')}`,
				'plan, Session-Timeout, rate limit and Simultaneous-Use come from these tables: GRANT SELECT on them to this role if FreeRADIUS keeps them here',
			),
		);
	}
	if (billing.status === 'not configured') {
		results.push(result('billing query', 'pass', 'none configured (radtop config set billing-query ...)'));
	} else if (billing.status === null) {
		results.push(
			result('billing query', 'pass', `answers with ${billing.columns.length > 0 ? billing.columns.join(', ') : 'no extra column'}`),
		);
	} else {
		results.push(
			result('billing query', 'warn', billing.status, 'check billing-query, billing-url and billing-timeout: radtop config get'),
		);
	}
	return results;
}
