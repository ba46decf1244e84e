/** doctor's part on a read replica: the primary and the read database read, the checks made, secrets scrubbed. */
import {scrubSecrets} from '../config/secrets.js';
import type {CheckResult} from '../doctor/check.js';
import type {DatabaseFacts} from '../doctor/database-checks.js';
import {gatherServerFacts, type ServerFacts} from '../doctor/replica-facts.js';
import {lagCheck, replicaChecks} from '../doctor/replica-checks.js';
import type {ConnectionContext} from './context.js';

/** The console's poll interval, which a standby's lag is held against. */
function intervalOf(context: ConnectionContext): number {
	return context.profile.interval ?? 5;
}

/** A server's facts with the texts from outside radtop (error messages) scrubbed of the known secrets. */
function scrubbed(facts: ServerFacts, secrets: readonly string[]): ServerFacts {
	const scrub = (text: string | undefined) => (text === undefined ? {} : {error: scrubSecrets(text, secrets)});
	return {
		...facts,
		...scrub(facts.error),
		...(facts.systemIdError === undefined ? {} : {systemIdError: scrubSecrets(facts.systemIdError, secrets)}),
		...(facts.writesError === undefined ? {} : {writesError: scrubSecrets(facts.writesError, secrets)}),
	};
}

/**
 * With a read database: the primary and the read database (reachable, recovery, lag, the same data). Without
 * one, a database that is itself a standby gets its lag checked; a primary adds nothing. Never on the demo.
 * `unreachable`: why the read database could not be reached already (it is not tried again).
 */
export async function replicaDoctorChecks(
	context: ConnectionContext,
	secrets: readonly string[],
	unreachable?: string,
): Promise<CheckResult[]> {
	if (context.database.embedded) return [];
	const interval = intervalOf(context);
	if (context.primary === context.database) {
		if (unreachable !== undefined) return [];
		const read = await gatherServerFacts(context.database.pool, context.database.label);
		return read.error === undefined ? lagCheck(read, interval) : [];
	}
	const [primary, read] = await Promise.all([
		gatherServerFacts(context.primary.pool, context.primary.label, {writes: true}),
		unreachable === undefined
			? gatherServerFacts(context.database.pool, context.database.label)
			: Promise.resolve({label: context.database.label, error: unreachable}),
	]);
	return replicaChecks(scrubbed(primary, secrets), scrubbed(read, secrets), interval);
}

/** The facts without what sweep --apply needs, which the primary's checks say instead. */
export function withoutWrites(facts: DatabaseFacts): DatabaseFacts {
	const {writes: _writes, ...rest} = facts;
	return {...rest, setupFailures: facts.setupFailures.filter((failure) => failure.step !== 'writes')};
}
