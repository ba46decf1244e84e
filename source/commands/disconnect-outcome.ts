/**
 * What `radtop disconnect` says once a run has ended, on one database or over sites: the NAS another run held,
 * the results (JSON, or the lines of a dry run or a run), the summary, and the exit code.
 */
import type {Plan} from '../disconnect/plan.js';
import {dryRunLines, resultExitCode, resultLines, resultSummary} from '../disconnect/report.js';
import type {DisconnectResult} from '../disconnect/result.js';
import {jsonForOutput} from '../terminal/json-output.js';
import {sanitize} from '../terminal/sanitize.js';
import {claimedMessages} from './disconnect-claims.js';
import {writeIfOpen} from './interrupts.js';
import {EXIT} from './usage.js';

export interface RunOutcome {
	readonly plan: Plan;
	readonly executed: DisconnectResult;
	/** radacctids asked for and not in radacct: a plan carries none, they count (exit code, JSON) here. */
	readonly missing: readonly string[];
	readonly json: boolean;
	readonly dryRun: boolean;
	/** The signal that stopped the run, if one did. */
	readonly stoppedBy: string | undefined;
	/** Sessions left out of the run (a site that could not be read): what was asked for is not all done. */
	readonly leftOut?: boolean;
}

/** Writes what the run did and resolves the exit code. */
export function reportOutcome(outcome: RunOutcome, io: {readonly stdout: NodeJS.WriteStream; readonly stderr: NodeJS.WriteStream}): number {
	const {plan, executed} = outcome;
	const result = {...executed, missing: [...new Set([...executed.missing, ...outcome.missing])]};
	for (const message of claimedMessages(result.results))
		writeIfOpen(io.stderr, `radtop: ${sanitize(message)}: nothing sent to it (--wait waits for it)\n`);
	if (outcome.json) writeIfOpen(io.stdout, jsonForOutput(result, io.stdout.isTTY));
	else {
		const lines = outcome.dryRun
			? dryRunLines(plan, result)
			: resultLines(
					result,
					result.results.length <= 50 ? undefined : (kind) => kind === 'failed' || kind === 'not_on_nas' || kind === 'not_sent',
				);
		if (lines.length > 0) writeIfOpen(io.stdout, `${lines.join('\n')}\n`);
		writeIfOpen(io.stdout, `${resultSummary(result)}\n`);
	}
	if (result.auditError) writeIfOpen(io.stderr, `radtop: the closing audit record could not be written: ${result.auditError}\n`);
	if (outcome.stoppedBy !== undefined) {
		writeIfOpen(
			io.stderr,
			`radtop: ${outcome.stoppedBy}: stopped, requests in flight finished, the rest not sent: ${resultSummary(result)}` +
				` (radtop audit ${result.actionId})\n`,
		);
		return EXIT.partial;
	}
	if (outcome.leftOut) return EXIT.partial;
	// A dry run in which no session would be sent (no secret, a NAS not allowed, ...) would do nothing.
	if (outcome.dryRun) return plan.items.length > 0 && plan.items.every((item) => item.problem) ? EXIT.partial : EXIT.ok;
	return resultExitCode(result);
}
