/** The console's stale-session sweep (`W`): the sweep service over the profile, its audit log, and its runs. */
import {AuditLog} from '../audit/audit-log.js';
import type {SweepRun} from '../sweep/execute-sweep.js';
import {sweepExitCode, sweepSummary} from '../sweep/sweep-plan.js';
import {sitesSweepService} from '../sweep/sites-sweep.js';
import {createSweepService, type SweepService} from '../sweep/sweep-service.js';
import type {TransactionalDb} from '../sweep/sweep.js';
import type {CommandContext} from './context.js';

/** The console's sweep engine, and a way to stop what it runs. */
export interface ConsoleSweeps {
	readonly service: SweepService;
	/** Where its audit records go (the disconnects' log). */
	readonly auditLog: string;
	/**
	 * Stops every run's asking of the NAS (nothing is closed then), lets a close that has begun commit, and
	 * resolves once each run has ended; a run started later stops at once.
	 */
	stopRuns(): Promise<void>;
	/** Every run of this console that has ended, in the order they started. */
	runs(): SweepRun[];
}

/** The sweep for the console: `radtop sweep`'s rule and defaults, the console's stale threshold, the profile's audit log. */
export function consoleSweeps(context: CommandContext): ConsoleSweeps {
	const {profile} = context;
	const audit = new AuditLog({path: profile.auditLog, secrets: context.secrets});
	const typedAbove = profile.confirmTypedAbove === undefined ? {} : {typedAbove: profile.confirmTypedAbove};
	const staleAfterSeconds = context.source.staleAfterSeconds;
	// Several sites: each site's share is listed and closed on that site's primary, asked of that site's NAS,
	// its records naming the site.
	const service = context.sites
		? sitesSweepService(
				context.sites.sites.map((site) => ({
					name: site.name,
					service: createSweepService({
						db: site.primary.pool as TransactionalDb,
						overrides: site.nasOverrides,
						staleAfterSeconds,
						audit: {append: (record) => audit.append({...record, site: site.name})},
						...typedAbove,
					}),
				})),
				typedAbove,
			)
		: createSweepService({
				// Closing writes: on the primary, never on a read database.
				db: context.primary.pool as TransactionalDb,
				columns: context.source.columns,
				overrides: context.nasOverrides,
				staleAfterSeconds,
				audit,
				...typedAbove,
			});
	const running = new Set<{readonly controller: AbortController; readonly done: Promise<unknown>}>();
	const ended: Array<{run?: SweepRun}> = [];
	let stopping = false;
	return {
		auditLog: audit.path,
		service: {
			preview: (nasIps, site) => service.preview(nasIps, site),
			execute(preview, options) {
				const controller = new AbortController();
				options.signal?.addEventListener('abort', () => controller.abort(), {once: true});
				if (stopping || options.signal?.aborted) controller.abort();
				const execution = service.execute(preview, {...options, signal: controller.signal});
				const entry: {run?: SweepRun} = {};
				ended.push(entry);
				const run = {
					controller,
					done: execution.then(
						(result) => {
							entry.run = result;
						},
						() => undefined,
					),
				};
				running.add(run);
				void run.done.then(() => running.delete(run));
				return execution;
			},
		},
		async stopRuns() {
			stopping = true;
			const runs = [...running];
			for (const run of runs) run.controller.abort();
			await Promise.all(runs.map((run) => run.done));
		},
		runs: () => ended.flatMap((entry) => (entry.run === undefined ? [] : [entry.run])),
	};
}

/**
 * What the console says of its sweeps once its screen is gone: one line per sweep that closed (or set out to
 * close) sessions, with its audit record. `partial` when one left sessions open it meant to close (exit 3, as
 * `radtop sweep`).
 */
export function consoleSweepSummary(runs: readonly SweepRun[], auditLog: string): {readonly lines: string[]; readonly partial: boolean} {
	const lines: string[] = [];
	let partial = false;
	for (const run of runs) {
		if (run.kind === 'interrupted') {
			lines.push('radtop: sweep: stopped while asking the NAS, nothing closed');
			continue;
		}
		if (run.kind !== 'done') continue;
		const ids = run.siteActionIds?.map(({site, actionId}) => `${site}: radtop audit ${actionId}`).join('; ');
		const where = ids ? ` (${ids}; ${auditLog})` : run.actionId ? ` (radtop audit ${run.actionId}, ${auditLog})` : '';
		lines.push(`radtop: sweep: ${sweepSummary(run.result)}${where}`);
		for (const failure of run.siteFailures ?? []) lines.push(`radtop: sweep: ${failure}`);
		if (sweepExitCode(run.result) !== 0) partial = true;
	}
	return {lines, partial};
}
