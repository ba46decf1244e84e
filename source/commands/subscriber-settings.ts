/** The billing settings a command runs the billing join with: the profile's, else on the demo the demo's. */
import {DEMO_BILLING_QUERY} from '../demo/subscribers.js';
import type {BillingSettings} from '../subscribers/open-enricher.js';
import type {ConnectionContext} from './context.js';

export function billingSettingsOf(context: ConnectionContext): BillingSettings {
	const {billingQuery, billingUrl, billingTimeout} = context.profile;
	if (billingQuery) return {billingQuery, billingUrl, billingTimeout};
	if (context.database.embedded) return {billingQuery: DEMO_BILLING_QUERY};
	return {};
}
