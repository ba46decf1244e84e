/**
 * What `radtop doctor` reports: one result per check, each pass, warn or fail, with the fix for a warn or a
 * fail. Pure: the checks are evaluated from facts gathered elsewhere (database-facts.ts, nas-facts.ts).
 */

/** pass: fine; warn: works, but something will hurt (slow, no fallback); fail: something radtop needs is broken. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One check's outcome. */
export interface CheckResult {
	/** What was checked, e.g. `index radacct_bulk_close` or `nas bng-2 (10.20.0.2): CoA`. */
	readonly check: string;
	readonly status: CheckStatus;
	/** What was found, one line. */
	readonly detail: string;
	/** What to do about a warn or a fail, one line (may hold a statement to run). */
	readonly fix?: string;
}

/** How many results have each status. */
export interface CheckTally {
	readonly pass: number;
	readonly warn: number;
	readonly fail: number;
}

/** Counts the results by status. */
export function tallyChecks(results: readonly CheckResult[]): CheckTally {
	const tally = {pass: 0, warn: 0, fail: 0};
	for (const result of results) tally[result.status] += 1;
	return tally;
}

/** 1 when any check failed, else 0: warnings alone do not fail a script. */
export function doctorExitCode(results: readonly CheckResult[]): 0 | 1 {
	return results.some((result) => result.status === 'fail') ? 1 : 0;
}

/** A result, leaving out `fix` when there is none. */
export function result(check: string, status: CheckStatus, detail: string, fix?: string): CheckResult {
	return fix === undefined || status === 'pass' ? {check, status, detail} : {check, status, detail, fix};
}
