/**
 * A disconnect over several sites: the target is split by site (a selected row's key names its site, a user, NAS
 * or filter target covers every site, or the filter's `site`), each part previewed and executed by that site's
 * own engine (its radacct, its NAS registry, its audit records), and the parts shown and reported as one.
 */
import {byMostAway} from './recovery.js';
import {describeError} from '../db/errors.js';
import type {NasRegistry} from '../nas/registry.js';
import {parseSessionKey, sessionKey} from '../sessions/session-key.js';
import type {Session} from '../sessions/session.js';
import {confirmationFor} from './confirmation.js';
import type {DisconnectPreview, DisconnectService, ExecuteOptions} from './disconnect-service.js';
import type {DisconnectTarget, NasPlan, Plan, PlanItem} from './plan.js';
import {tallyOutcomes, type DisconnectProgress, type DisconnectResult, type NasProgress, type SessionResult} from './result.js';

/** One site's disconnect engine. */
export interface SiteDisconnects {
	readonly name: string;
	readonly service: DisconnectService;
}

interface Part {
	readonly site: string;
	readonly preview: DisconnectPreview;
}

/** A target's share at each site it touches; a row key without a site is refused (it could be either). */
export function splitTarget(target: DisconnectTarget, sites: readonly string[]): Map<string, DisconnectTarget> {
	const parts = new Map<string, DisconnectTarget>();
	const siteOf = (key: string) => {
		const {site, radacctid} = parseSessionKey(key);
		if (site === undefined || !sites.includes(site))
			throw new Error(`session ${key} names no site of this profile (sites: ${sites.join(', ')})`);
		return {site, radacctid};
	};
	switch (target.kind) {
		case 'session': {
			const {site, radacctid} = siteOf(target.radacctid);
			parts.set(site, {kind: 'session', radacctid});
			break;
		}
		case 'sessions': {
			const ids = new Map<string, string[]>();
			for (const key of target.radacctids) {
				const {site, radacctid} = siteOf(key);
				ids.set(site, [...(ids.get(site) ?? []), radacctid]);
			}
			for (const site of sites) if (ids.has(site)) parts.set(site, {kind: 'sessions', radacctids: ids.get(site)!});
			break;
		}
		case 'filter': {
			const {site, ...filter} = target.filter;
			if (site !== undefined && !sites.includes(site)) throw new Error(`no site "${site}" (sites: ${sites.join(', ')})`);
			for (const name of site === undefined ? sites : [site]) parts.set(name, {kind: 'filter', filter});
			break;
		}
		case 'nas':
			if (target.region?.nas.some((nas) => nas.site !== undefined)) {
				// A region over sites: each site's part names that site's NAS of it alone (an IP can be a NAS at each).
				for (const site of sites) {
					const nas = target.region.nas.filter((entry) => entry.site === site).map(({site: _site, ...entry}) => entry);
					if (nas.length > 0)
						parts.set(site, {kind: 'nas', nasIps: nas.map((entry) => entry.ip), region: {name: target.region.name, nas}});
				}
				break;
			}
			for (const site of sites) parts.set(site, target);
			break;
		case 'user':
			for (const site of sites) parts.set(site, target);
	}
	return parts;
}

const withSite = (site: string) => (session: Session) => ({...session, site});
const siteNas = <T extends {readonly nas: PlanItem['nas']}>(site: string, entry: T): T => ({
	...entry,
	nas: {...entry.nas, name: `${site}/${entry.nas.name}`},
});

/** The parts' plans as one: sessions tagged with their site, NAS named `site/name` (an IP can be a NAS at each). */
export function combinePlans(target: DisconnectTarget, parts: readonly {site: string; plan: Plan}[]): Plan {
	const items = parts.flatMap(({site, plan}) =>
		plan.items.map((item) => siteNas(site, {...item, session: withSite(site)(item.session)})),
	);
	const blocked = items.filter((item) => item.problem !== undefined);
	const perNas: NasPlan[] = parts.flatMap(({site, plan}) => plan.perNas.map((entry) => siteNas(site, entry)));
	// A region's NAS are named `site/name` in the preview, those with nothing open too.
	const region = target.kind === 'nas' ? target.region : undefined;
	const named: DisconnectTarget =
		target.kind === 'nas' && region
			? {
					...target,
					region: {
						name: region.name,
						nas: region.nas.map((nas) => (nas.site === undefined ? nas : {...nas, name: `${nas.site}/${nas.name ?? nas.ip}`})),
					},
				}
			: target;
	return {
		target: named,
		options: parts[0]?.plan.options ?? {method: 'auto'},
		items,
		alreadyClosed: parts.flatMap(({site, plan}) => plan.alreadyClosed.map(withSite(site))),
		perNas,
		blocked,
		ready: items.length - blocked.length,
	};
}

/** The parts' progress as one. */
function combineProgress(parts: readonly (DisconnectProgress | undefined)[], sites: readonly string[]): DisconnectProgress {
	const known = parts.filter((part): part is DisconnectProgress => part !== undefined);
	const sum = (pick: (progress: DisconnectProgress) => number) => known.reduce((total, progress) => total + pick(progress), 0);
	const phases = known.map((progress) => progress.phase);
	const perNas: NasProgress[] = parts.flatMap((part, index) =>
		(part?.perNas ?? []).map((nas) => ({...nas, name: `${sites[index]}/${nas.name}`})),
	);
	const totals = Object.fromEntries(
		Object.keys(known[0]?.totals ?? tallyOutcomes([])).map((outcome) => [
			outcome,
			sum((progress) => progress.totals[outcome as keyof DisconnectProgress['totals']]),
		]),
	) as DisconnectProgress['totals'];
	return {
		phase:
			known.length === parts.length && phases.every((phase) => phase === 'done')
				? 'done'
				: phases.some((phase) => phase === 'sending') || known.length < parts.length
					? 'sending'
					: 'confirming',
		done: sum((progress) => progress.done),
		total: sum((progress) => progress.total),
		failed: sum((progress) => progress.failed),
		totals,
		ratePerSecond: sum((progress) => progress.ratePerSecond),
		perNas,
		awaitingStop: sum((progress) => progress.awaitingStop),
		confirmed: sum((progress) => progress.confirmed),
	};
}

/**
 * The parts' results as one: each session keyed `site:radacctid` and naming its site, the action IDs of every
 * part; `unsent`, the sessions of the parts that failed before sending (each `not_sent`).
 */
export function combineResults(
	parts: readonly {site: string; result: DisconnectResult}[],
	failures: readonly string[],
	unsent: readonly SessionResult[] = [],
): DisconnectResult {
	const results = [
		...parts.flatMap(({site, result}) =>
			result.results.map((entry) => ({...entry, radacctid: sessionKey({radacctid: entry.radacctid, site}), site})),
		),
		...unsent,
	];
	const times = parts.map(({result}) => result);
	const auditErrors = [...parts.flatMap(({site, result}) => (result.auditError ? [`${site}: ${result.auditError}`] : [])), ...failures];
	return {
		actionId: parts.map(({result}) => result.actionId).join(' '),
		dryRun: parts.every(({result}) => result.dryRun),
		aborted: parts.some(({result}) => result.aborted),
		startedAt: new Date(Math.min(...times.map((result) => result.startedAt.getTime()))),
		finishedAt: new Date(Math.max(...times.map((result) => result.finishedAt.getTime()))),
		results,
		missing: parts.flatMap(({site, result}) => result.missing.map((radacctid) => sessionKey({radacctid, site}))),
		totals: tallyOutcomes(results),
		...(auditErrors.length > 0 ? {auditError: auditErrors.join('; ')} : {}),
	};
}

/** The engine over several sites: a preview of a target's share at each site, given as parts, beside the split {@link splitTarget} makes. */
export interface SitesDisconnectService extends DisconnectService {
	/**
	 * Previews `target` as the parts say: each site's own target (`radtop disconnect --nas NAME`: the IPs that name
	 * stands for at that site; a site without it has no part). `unread`: sites already known to be out, in the warnings.
	 */
	previewParts(
		target: DisconnectTarget,
		parts: ReadonlyMap<string, DisconnectTarget>,
		unread?: readonly string[],
	): Promise<DisconnectPreview>;
}

/**
 * A run's overall rate shared among its parts by their sessions, each at least 1 a second, so that the sites
 * together keep within it; undefined each without a rate.
 */
export function shareRate(rate: number | undefined, sessions: readonly number[]): Array<number | undefined> {
	if (rate === undefined) return sessions.map(() => undefined);
	const total = sessions.reduce((sum, count) => sum + count, 0);
	return sessions.map((count) => Math.max(1, total === 0 ? rate : Math.floor((rate * count) / total)));
}

/**
 * The disconnect engine over several sites (the console's and `radtop disconnect`'s). A site that cannot be read
 * leaves its share out of the preview, which says so; a run sends each site's share through that site's engine,
 * all sites at once.
 */
export function sitesDisconnectService(
	sites: readonly SiteDisconnects[],
	options: {readonly typedAbove?: number} = {},
): SitesDisconnectService {
	const names = sites.map((site) => site.name);
	const partsOf = new WeakMap<DisconnectPreview, readonly Part[]>();
	// A preview's registry stands for the registries of its parts, for a re-read of the same preview.
	const registriesOf = new WeakMap<NasRegistry, ReadonlyMap<string, NasRegistry>>();
	const previewParts = async (
		target: DisconnectTarget,
		split: ReadonlyMap<string, DisconnectTarget>,
		outside: readonly string[] = [],
		known?: ReadonlyMap<string, NasRegistry>,
	): Promise<DisconnectPreview> => {
		const reads = await Promise.all(
			[...split].map(async ([site, part]) => {
				const service = sites.find((candidate) => candidate.name === site)?.service;
				if (!service) return {site, error: 'no such site'};
				try {
					return {site, preview: await service.preview(part, known?.get(site))};
				} catch (error) {
					return {site, error: describeError(error)};
				}
			}),
		);
		const parts = reads.flatMap((read): Part[] =>
			'preview' in read && read.preview ? [{site: read.site, preview: read.preview}] : [],
		);
		const unread = [
			...outside,
			...reads.flatMap((read) => ('error' in read && read.error !== undefined ? [`${read.site}: ${read.error}`] : [])),
		];
		if (parts.length === 0)
			throw new Error(unread.length > 0 ? `no site could be read (${unread.join('; ')})` : 'no site to disconnect on');
		const plan = combinePlans(
			target,
			parts.map(({site, preview}) => ({site, plan: preview.plan})),
		);
		const combined: DisconnectPreview = {
			plan,
			missing: parts.flatMap(({site, preview}) => preview.missing.map((radacctid) => sessionKey({radacctid, site}))),
			confirmation: confirmationFor(plan, options.typedAbove === undefined ? {} : {typedAbove: options.typedAbove}),
			warnings: [
				...unread.map((why) => `site ${why}: its sessions are not in this disconnect`),
				...parts.flatMap(({site, preview}) => preview.warnings.map((warning) => `${site}: ${warning}`)),
			],
			registry: parts[0]!.preview.registry,
			...(unread.length > 0 ? {unread} : {}),
		};
		partsOf.set(combined, parts);
		registriesOf.set(combined.registry, new Map(parts.map(({site, preview}) => [site, preview.registry])));
		return combined;
	};
	return {
		// A row key without its site rejects, as every failure of a preview does.
		preview: async (target, registry) =>
			previewParts(target, splitTarget(target, names), [], registry ? registriesOf.get(registry) : undefined),
		previewParts: (target, parts, unread) => previewParts(target, parts, unread),
		// Each site counts its own users back, in its own radacct.
		async recovery(target) {
			const counts = await Promise.all(
				sites.map(async ({name, service}) => {
					const perNas = target.perNas.filter((nas) => nas.site === name);
					if (perNas.length === 0 || !service.recovery) return [];
					return (await service.recovery({...target, perNas})).perNas;
				}),
			);
			return {at: new Date(), since: target.startedAt, perNas: byMostAway(counts.flat())};
		},
		async execute(preview, run: ExecuteOptions = {}) {
			const parts = partsOf.get(preview);
			if (!parts) throw new Error('this preview was not made by the sites disconnect');
			const progress: Array<DisconnectProgress | undefined> = parts.map(() => undefined);
			const partNames = parts.map((part) => part.site);
			const rates = shareRate(
				run.ratePerSecond,
				parts.map(({preview: part}) => part.plan.items.length),
			);
			const settled = await Promise.allSettled(
				parts.map(({site, preview: part}, index) =>
					sites
						.find((candidate) => candidate.name === site)!
						.service.execute(part, {
							...(run.reason === undefined ? {} : {reason: run.reason}),
							...(run.signal === undefined ? {} : {signal: run.signal}),
							...(run.dryRun ? {dryRun: true} : {}),
							...(rates[index] === undefined ? {} : {ratePerSecond: rates[index]}),
							...(run.waitForClaimedNas ? {waitForClaimedNas: true} : {}),
							...(run.onClaimWait
								? {
										onClaimWait: (nas, message) =>
											run.onClaimWait!({...nas, name: `${site}/${nas.name}`}, `${site}: ${message}`),
									}
								: {}),
							onProgress: (update) => {
								progress[index] = update;
								run.onProgress?.(combineProgress(progress, partNames));
							},
						}),
				),
			);
			const done = settled.flatMap((outcome, index) =>
				outcome.status === 'fulfilled' ? [{site: partNames[index]!, result: outcome.value}] : [],
			);
			const failures = settled.flatMap((outcome, index) =>
				outcome.status === 'rejected' ? [`${partNames[index]}: nothing sent (${describeError(outcome.reason)})`] : [],
			);
			if (done.length === 0) throw new Error(failures.join('; '));
			// A part that failed before sending: each of its sessions ends `not_sent`, with why.
			const unsent = settled.flatMap((outcome, index): SessionResult[] => {
				if (outcome.status !== 'rejected') return [];
				const site = partNames[index]!;
				return parts[index]!.preview.plan.items.map((item) => ({
					radacctid: sessionKey({radacctid: item.session.radacctid, site}),
					site,
					username: item.session.username,
					nasIp: item.nas.ip,
					nasName: item.nas.name,
					method: undefined,
					outcome: 'not_sent',
					reason: `nothing sent at site ${site} (${describeError(outcome.reason)})`,
				}));
			});
			return combineResults(done, failures, unsent);
		},
	};
}
