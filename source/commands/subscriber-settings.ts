/** The billing settings a command runs the billing join with: the profile's, else on the demo the demo's. */
import {DEMO_BILLING_QUERY} from '../demo/subscribers.js';
import type {CheckResult} from '../doctor/check.js';
import {subscriberChecks} from '../doctor/subscriber-checks.js';
import type {Queryable} from '../db/queryable.js';
import {scrubSecrets} from '../config/secrets.js';
import {openSubscriberEnricher, type BillingSettings, type EnricherOptions} from '../subscribers/open-enricher.js';
import type {ConnectionContext} from './context.js';

export function billingSettingsOf(context: ConnectionContext): BillingSettings {
	const {billingQuery, billingUrl, billingTimeout} = context.profile;
	if (billingQuery) return {billingQuery, billingUrl, billingTimeout};
	if (context.database.embedded) return {billingQuery: DEMO_BILLING_QUERY};
	return {};
}

/** How the enricher may use the database: the embedded demo's one session is shared with its simulated NAS. */
export function enricherOptionsOf(context: ConnectionContext): EnricherOptions {
	return {sharedSession: context.database.embedded !== undefined};
}

/** Doctor's subscriber checks: the tables probed, the billing query run once for a name no one has. */
export async function subscriberDoctorChecks(db: Queryable, settings: BillingSettings, secrets: readonly string[]): Promise<CheckResult[]> {
	const opened = await openSubscriberEnricher(db, settings);
	try {
		if (!opened.billing) return subscriberChecks(opened.tables, {status: 'not configured', columns: []});
		const answer = await opened.billing.lookup(['radtop-doctor-probe']);
		return subscriberChecks(opened.tables, {
			status: answer.status === null ? null : scrubSecrets(answer.status, secrets),
			columns: answer.columns,
		});
	} finally {
		await opened.close();
	}
}
