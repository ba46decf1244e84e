/** Words and tables for a plan and its results, shared by the command line and the console. Pure. */
import {formatCount} from '../sessions/format.js';
import {nasLabel} from '../nas/registry.js';
import {sanitize} from '../terminal/sanitize.js';
import {truncate} from '../terminal/text.js';
import {describeProblem, describeTarget, type Plan} from './plan.js';
import {sessionKey} from '../sessions/session-key.js';
import {OUTCOMES, type DisconnectResult, type Outcome, type SessionResult} from './result.js';

/** A result's NAS as the operator knows it: `site/name` when the disconnect covered several sites. */
const nasOfResult = (entry: SessionResult): string => sanitize(entry.site === undefined ? entry.nasName : `${entry.site}/${entry.nasName}`);

/** Each outcome as an operator reads it. */
export const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
	coa: 'coa',
	api: 'api',
	already_closed: 'already closed',
	not_on_nas: 'not on NAS',
	failed: 'failed',
	not_sent: 'not sent',
};

/**
 * "CoA, then RouterOS API if no answer" and the like, for one NAS's share of a plan. The NAS is its IP and name:
 * over sites one IP is a NAS at each (`north/bng-1`, `south/hotspot-2`), each reached at its own address.
 */
export function methodText(plan: Plan, nas: {readonly ip: string; readonly name: string}): string {
	const items = plan.items.filter((item) => item.nas.ip === nas.ip && item.nas.name === nas.name && !item.problem);
	if (items.length === 0) return 'nothing to send';
	const first = items[0]!;
	const endpoint =
		first.method === 'coa'
			? `CoA ${first.nas.coaHost}:${first.nas.coaPort}`
			: `RouterOS API ${first.nas.api?.host}:${first.nas.api?.port}`;
	return first.fallback ? `${endpoint}, then RouterOS API if no answer` : endpoint;
}

/** The preview: what will be hit, per NAS, by which method; problems before anything is sent. */
export function previewLines(plan: Plan, options: {firstRows?: number} = {}): string[] {
	const total = plan.items.length;
	// A NAS target names its NAS as the registry knows them ("bng-2 (10.20.0.2)"), not by bare IP.
	const region = plan.target?.kind === 'nas' ? plan.target.region : undefined;
	const what = region
		? `region ${sanitize(region.name)} (${region.nas.length} NAS)`
		: plan.target?.kind === 'nas' && plan.perNas.length > 0
			? `NAS ${plan.perNas.map((share) => sanitize(nasLabel(share.nas))).join(', ')}`
			: plan.target
				? describeTarget(plan.target)
				: 'sessions';
	const lines = [
		`${what}: ${formatCount(total)} open session${total === 1 ? '' : 's'}` +
			(plan.alreadyClosed.length > 0 ? `, ${formatCount(plan.alreadyClosed.length)} already closed (nothing sent)` : ''),
	];
	for (const share of plan.perNas) {
		lines.push(`  ${sanitize(nasLabel(share.nas))}: ${formatCount(share.total)} · ${methodText(plan, share.nas)}`);
	}
	// A region's NAS with nothing open are named too: the preview shows the whole region.
	for (const nas of region?.nas ?? []) {
		// Over sites a NAS is `site/name`: the same IP at another site is another NAS.
		if (plan.perNas.some((share) => share.nas.ip === nas.ip && (nas.site === undefined || share.nas.name === nas.name))) continue;
		lines.push(`  ${sanitize(nas.name === null ? nas.ip : `${nas.name} (${nas.ip})`)}: 0 · no open session`);
	}
	const problems = new Map<string, number>();
	for (const item of plan.blocked) {
		const text = describeProblem(item.problem!, item.nas);
		problems.set(text, (problems.get(text) ?? 0) + 1);
	}
	for (const [text, count] of problems) lines.push(`  not sent (${formatCount(count)}): ${sanitize(text)}`);
	const first = plan.items.slice(0, options.firstRows ?? 5).map((item) => sanitize(item.session.username) || item.session.radacctid);
	if (first.length > 0)
		lines.push(`  first: ${first.join(', ')}${total > first.length ? `, … (${formatCount(total - first.length)} more)` : ''}`);
	return lines;
}

/** "812 sessions: 797 coa · 9 api · 3 already closed · 3 failed · 790 confirmed by Accounting-Stop" */
export function resultSummary(result: DisconnectResult): string {
	const parts = OUTCOMES.filter((outcome) => result.totals[outcome] > 0).map(
		(outcome) => `${formatCount(result.totals[outcome])} ${OUTCOME_WORDS[outcome]}`,
	);
	const confirmed = result.results.filter((entry) => entry.stop === 'confirmed').length;
	const watched = result.results.filter((entry) => entry.stop !== undefined).length;
	const stops = watched > 0 ? ` · ${formatCount(confirmed)} of ${formatCount(watched)} confirmed by Accounting-Stop` : '';
	const head = `${result.dryRun ? 'dry run, nothing sent: ' : ''}${formatCount(result.results.length)} session${result.results.length === 1 ? '' : 's'}`;
	return `${head}: ${parts.join(' · ') || 'none'}${stops}${result.aborted ? ' · stopped before the end' : ''}`;
}

/** One line per session: outcome, user, NAS, reason. */
export function resultLines(result: DisconnectResult, only?: (outcome: Outcome) => boolean): string[] {
	return result.results
		.filter((entry) => !only || only(entry.outcome))
		.map((entry) => {
			const stop = entry.stop === 'confirmed' ? ' · stop confirmed' : entry.stop === 'not_confirmed' ? ' · stop not yet seen' : '';
			return `${OUTCOME_WORDS[entry.outcome].padEnd(14)} ${sanitize(entry.username) || '-'}  ${nasOfResult(entry)}  ${sanitize(entry.reason)}${stop}`;
		});
}

/** Exit code for a result: 0 when every session was disconnected or already closed, else 3. */
/** What a dry run would do, session by session, under a header: the method, or why nothing would be sent. */
export function dryRunLines(plan: Plan, result: DisconnectResult): string[] {
	// Over several sites a result is keyed `site:radacctid`, as the session of its item.
	const items = new Map(plan.items.map((item) => [sessionKey(item.session), item]));
	const rows = result.results.map((entry) => {
		const item = items.get(entry.radacctid);
		const how = item?.problem ? `not sent: ${entry.reason}` : `${item?.method ?? '-'}${item?.fallback ? ' then api' : ''}`;
		return `${entry.radacctid.padStart(10)}  ${truncate(sanitize(entry.username) || '-', 28).padEnd(28)} ${nasOfResult(entry).padEnd(12)} ${sanitize(how)}`;
	});
	return [`${'RADACCTID'.padStart(10)}  ${'USER'.padEnd(28)} ${'NAS'.padEnd(12)} METHOD`, ...rows];
}

export function resultExitCode(result: DisconnectResult): 0 | 3 {
	const ok = result.results.every((entry) => entry.outcome === 'coa' || entry.outcome === 'api' || entry.outcome === 'already_closed');
	return ok && result.missing.length === 0 ? 0 : 3;
}
