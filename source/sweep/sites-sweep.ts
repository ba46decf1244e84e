/**
 * A stale-session sweep over several sites: each site's share is listed, verified and closed by that site's own
 * sweep service (its radacct on its primary, its NAS registry, its audit records naming the site), and the shares
 * are previewed, confirmed and reported as one. A site that cannot be read is left out of the preview, which says
 * so; a site that fails during the run closes nothing, and its sessions are listed as left open.
 */
import {describeError} from '../db/errors.js';
import {formatCount} from '../sessions/format.js';
import {sessionKey} from '../sessions/session-key.js';
import type {SweepRun} from './execute-sweep.js';
import {sweepConfirmation, sweepEntry, tallySweep, type SweepEntry, type SweepResult} from './sweep-plan.js';
import type {SweepExecuteOptions, SweepPreview, SweepProgress, SweepService} from './sweep-service.js';

/** One site's sweep service. */
export interface SiteSweeps {
	readonly name: string;
	readonly service: SweepService;
}

/** One site's share of a sweep's preview. */
export interface SiteSweepPart {
	readonly site: string;
	readonly preview: SweepPreview;
}

/** The shares as one preview: sessions tagged with their site, NAS named `site/name` (an IP can be a NAS at each). Pure. */
export function combineSweepPreviews(
	parts: readonly SiteSweepPart[],
	unread: readonly {readonly site: string; readonly error: string}[],
	typedAbove?: number,
): SweepPreview {
	const first = parts[0]!.preview;
	// The longest silent first, whatever their site (each site's own listing already is).
	const stale = parts
		.flatMap(({site, preview}) => preview.stale.map((entry) => ({...entry, session: {...entry.session, site}})))
		.sort((a, b) => b.silentSeconds - a.silentSeconds);
	const nasIps = first.nasIps;
	return {
		stale,
		capped: parts.some(({preview}) => preview.capped),
		staleAfterSeconds: first.staleAfterSeconds,
		cause: first.cause,
		...(nasIps ? {nasIps} : {}),
		nasFilter: first.nasFilter,
		perNas: parts
			.flatMap(({site, preview}) => preview.perNas.map((share) => ({...share, name: `${site}/${share.name}`})))
			.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
		perSite: [
			...parts.map(({site, preview}) => ({site, count: preview.stale.length})),
			...unread.map(({site, error}) => ({site, count: 0, error})),
		],
		// The rule of `radtop sweep` over the total: the count is typed above confirm-typed-above sessions in all.
		confirmation: sweepConfirmation(stale.length, typedAbove),
		warnings: [
			...unread.map(({site, error}) => `site ${site} cannot be read (${error}): its sessions are not in this sweep`),
			...parts.flatMap(({site, preview}) => preview.warnings.map((warning) => `${site}: ${warning}`)),
		],
		registry: first.registry,
	};
}

/** How one site's share of a run ended: its run, or why it closed nothing. */
export type SitePartOutcome =
	| {readonly site: string; readonly preview: SweepPreview; readonly run: SweepRun}
	| {readonly site: string; readonly preview: SweepPreview; readonly error: string};

/** The entry of a listed session whose site closed nothing. */
function keptAtFailedSite(part: SiteSweepPart, error: string): SweepEntry[] {
	const names = new Map(part.preview.perNas.map((share) => [share.ip, share.name]));
	return part.preview.stale.map((entry) =>
		sweepEntry(
			entry,
			names.get(entry.session.nasipaddress) ?? entry.session.nasipaddress,
			'unverified',
			`site ${part.site}: nothing closed there (${error})`,
		),
	);
}

/** The entries of a site's run (none interrupted), or of a site that failed. */
function entriesOf(outcome: SitePartOutcome): SweepEntry[] {
	if ('error' in outcome) return keptAtFailedSite(outcome, outcome.error);
	const {run} = outcome;
	if (run.kind === 'done' || run.kind === 'no-stale') return [...run.result.entries];
	const why = run.kind === 'interrupted' ? 'stopped while asking the NAS' : 'not confirmed';
	return keptAtFailedSite(outcome, why);
}

const tagged = (site: string, entry: SweepEntry): SweepEntry => ({
	...entry,
	radacctid: sessionKey({radacctid: entry.radacctid, site}),
	nasName: `${site}/${entry.nasName}`,
});

/**
 * The sites' runs as one: every site's entries keyed `site:radacctid` and their NAS named `site/name`, the action
 * IDs of the sites that closed, and a line per site that closed nothing because it failed. Stopped while asking
 * the NAS everywhere: interrupted. Every site failed: undefined (the caller rejects). Pure.
 */
export function combineSweepRuns(outcomes: readonly SitePartOutcome[], verified: boolean): SweepRun | undefined {
	const runs = outcomes.flatMap((outcome) => ('run' in outcome ? [outcome.run] : []));
	if (runs.length === 0) return undefined;
	if (runs.every((run) => run.kind === 'interrupted')) return {kind: 'interrupted'};
	const entries = outcomes.flatMap((outcome) => entriesOf(outcome).map((entry) => tagged(outcome.site, entry)));
	const first = outcomes[0]!.preview;
	const result: SweepResult = {
		dryRun: false,
		selection: 'stale',
		verified,
		cause: first.cause,
		staleAfterSeconds: first.staleAfterSeconds,
		capped: outcomes.some(({preview}) => preview.capped),
		entries,
		totals: tallySweep(entries),
	};
	const done = runs.flatMap((run) => (run.kind === 'done' ? [run] : []));
	const siteActionIds = outcomes.flatMap((outcome) =>
		'run' in outcome && outcome.run.kind === 'done' && outcome.run.actionId
			? [{site: outcome.site, actionId: outcome.run.actionId}]
			: [],
	);
	const actionIds = siteActionIds.map(({actionId}) => actionId);
	const auditErrors = outcomes.flatMap((outcome) =>
		'run' in outcome && outcome.run.kind === 'done' && outcome.run.auditError ? [`${outcome.site}: ${outcome.run.auditError}`] : [],
	);
	const failures = outcomes.flatMap((outcome) => {
		if ('error' in outcome)
			return [`site ${outcome.site}: nothing closed (${outcome.error}); its ${formatCount(outcome.preview.stale.length)} left open`];
		if (outcome.run.kind === 'interrupted') return [`site ${outcome.site}: stopped while asking the NAS, nothing closed there`];
		return [];
	});
	if (runs.every((run) => run.kind === 'no-stale') && failures.length === 0) return {kind: 'no-stale', result};
	return {
		kind: 'done',
		result,
		shown: entries.length <= 50 ? entries : entries.filter((entry) => entry.outcome !== 'closed'),
		nothingToClose: result.totals.closed === 0 && done.every((run) => run.nothingToClose),
		...(actionIds.length > 0 ? {actionId: actionIds.join(' '), siteActionIds} : {}),
		...(auditErrors.length > 0 ? {auditError: auditErrors.join('; ')} : {}),
		...(failures.length > 0 ? {siteFailures: failures} : {}),
	};
}

/** The shares' progress as one: asking while any site asks, then closing the sum of what each closes. */
export function combineSweepProgress(parts: readonly (SweepProgress | undefined)[], listed: readonly number[]): SweepProgress {
	const verifying = parts.some((part) => part?.phase === 'verifying');
	if (verifying) {
		const done = parts.reduce((sum, part, index) => sum + (part?.phase === 'closing' ? listed[index]! : (part?.done ?? 0)), 0);
		return {phase: 'verifying', done, total: listed.reduce((sum, count) => sum + count, 0)};
	}
	const total = parts.reduce((sum, part) => sum + (part?.phase === 'closing' ? part.total : 0), 0);
	return {phase: 'closing', done: 0, total};
}

/**
 * The console's sweep over several sites: `preview(nasIps, site)` lists every site's stale sessions (or the one
 * site's), all sites at once; `execute` runs each site's share through its own service, all sites at once, each
 * closing in its own transaction only what is still as listed.
 */
export function sitesSweepService(sites: readonly SiteSweeps[], options: {readonly typedAbove?: number} = {}): SweepService {
	const partsOf = new WeakMap<SweepPreview, readonly SiteSweepPart[]>();
	const names = sites.map((site) => site.name);
	return {
		async preview(nasIps, only) {
			if (only !== undefined && !names.includes(only)) throw new Error(`no site "${only}" (sites: ${names.join(', ')})`);
			const chosen = only === undefined ? sites : sites.filter((site) => site.name === only);
			const reads = await Promise.all(
				chosen.map(async ({name, service}) => {
					try {
						return {site: name, preview: await service.preview(nasIps)};
					} catch (error) {
						return {site: name, error: describeError(error)};
					}
				}),
			);
			const parts = reads.flatMap((read): SiteSweepPart[] => (read.preview ? [{site: read.site, preview: read.preview}] : []));
			const unread = reads.flatMap((read) => (read.error === undefined ? [] : [{site: read.site, error: read.error}]));
			if (parts.length === 0)
				throw new Error(`no site could be read (${unread.map(({site, error}) => `${site}: ${error}`).join('; ')})`);
			const combined = combineSweepPreviews(parts, unread, options.typedAbove);
			partsOf.set(combined, parts);
			return combined;
		},
		async execute(preview, run: SweepExecuteOptions) {
			const parts = partsOf.get(preview);
			if (!parts) throw new Error('this preview was not made by the sites sweep');
			const progress: Array<SweepProgress | undefined> = parts.map(() => undefined);
			const listed = parts.map((part) => part.preview.stale.length);
			const settled = await Promise.allSettled(
				parts.map((part, index) =>
					sites
						.find((site) => site.name === part.site)!
						.service.execute(part.preview, {
							...run,
							onProgress: (update) => {
								progress[index] = update;
								run.onProgress?.(combineSweepProgress(progress, listed));
							},
						}),
				),
			);
			const outcomes = settled.map((outcome, index): SitePartOutcome => {
				const part = parts[index]!;
				return outcome.status === 'fulfilled' ? {...part, run: outcome.value} : {...part, error: describeError(outcome.reason)};
			});
			const combined = combineSweepRuns(outcomes, run.verify);
			if (!combined) {
				throw new Error(outcomes.map((outcome) => ('error' in outcome ? `${outcome.site}: ${outcome.error}` : '')).join('; '));
			}
			return combined;
		},
	};
}
