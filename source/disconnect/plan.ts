/**
 * Which sessions a disconnect hits, on which NAS, by which method, and what stops some of them before anything
 * is sent. Pure: the sessions come from the database elsewhere (targets.ts), and the executor re-reads them.
 */
import {searchInWords} from '../sessions/search.js';
import {nasLabel, type Nas, type NasRegistry} from '../nas/registry.js';
import {disconnectAttributes, identifiesSession} from '../nas/vendor-profiles.js';
import type {Session, SessionFilter} from '../sessions/session.js';
import type {KnownNas} from '../sessions/regions.js';

/** `auto`: CoA first, then the RouterOS API when CoA times out, fails or NAKs and the NAS has API credentials. */
export type DisconnectMethod = 'coa' | 'api' | 'auto';

/** What to disconnect; user, NAS and filter targets cover open sessions only. */
export type DisconnectTarget =
	| {readonly kind: 'session'; readonly radacctid: string}
	| {readonly kind: 'user'; readonly username: string}
	| {readonly kind: 'sessions'; readonly radacctids: readonly string[]}
	| {readonly kind: 'nas'; readonly nasIps: readonly string[]; readonly region?: RegionTarget}
	| {readonly kind: 'filter'; readonly filter: SessionFilter};

/** A NAS target that is a region: its name and every NAS it holds (`nasIps` those among them to send to). */
export interface RegionTarget {
	readonly name: string;
	readonly nas: readonly KnownNas[];
}

/**
 * Why a session cannot be disconnected as asked: its NAS has no RADIUS secret (for CoA) or no API account
 * (for the API), is not among the NAS the operator may touch, or the session has nothing a NAS could find it by.
 */
export type PlanProblem = 'no-secret' | 'no-api-credentials' | 'not-allowed' | 'no-identification';

/** One open session and how it will be disconnected. */
export interface PlanItem {
	readonly session: Session;
	readonly nas: Nas;
	/** The first method tried. */
	readonly method: 'coa' | 'api';
	/** Tried when CoA does not end the session (method `auto` on a NAS with API credentials). */
	readonly fallback: 'api' | undefined;
	/** Set when nothing will be sent for this session. */
	readonly problem?: PlanProblem;
}

/** The plan's counts for one NAS. */
export interface NasPlan {
	readonly nas: Nas;
	readonly total: number;
	/** Sessions that will be sent something. */
	readonly ready: number;
	readonly blocked: number;
	readonly coa: number;
	readonly api: number;
}

/** Options of {@link planDisconnect}. */
export interface PlanOptions {
	readonly method: DisconnectMethod;
	/** NAS IPs the operator may act on; absent means all. */
	readonly allowedNas?: readonly string[];
}

/** A disconnect, ready to preview or execute. */
export interface Plan {
	readonly target?: DisconnectTarget;
	readonly options: PlanOptions;
	/** The open sessions, in the order given. */
	readonly items: readonly PlanItem[];
	/** Sessions given that were already closed: nothing will be sent for them. */
	readonly alreadyClosed: readonly Session[];
	/** By NAS name. */
	readonly perNas: readonly NasPlan[];
	/** The items with a problem, to show before anything is sent. */
	readonly blocked: readonly PlanItem[];
	/** Items that will be sent something. */
	readonly ready: number;
}

/** Decides method and problems for each session; closed sessions are set apart in `alreadyClosed`. */
export function planDisconnect(sessions: readonly Session[], registry: NasRegistry, options: PlanOptions, target?: DisconnectTarget): Plan {
	const allowed = options.allowedNas === undefined ? undefined : new Set(options.allowedNas.map((ip) => registry.get(ip).ip));
	const items: PlanItem[] = [];
	const alreadyClosed: Session[] = [];
	for (const session of sessions) {
		if (session.acctstoptime !== null) alreadyClosed.push(session);
		else items.push(planItem(session, registry.get(session.nasipaddress), options.method, allowed));
	}
	const blocked = items.filter((item) => item.problem !== undefined);
	return {
		...(target === undefined ? {} : {target}),
		options,
		items,
		alreadyClosed,
		perNas: summarize(items),
		blocked,
		ready: items.length - blocked.length,
	};
}

/** One line per target kind, e.g. `user alice (open sessions)`, `NAS 10.0.0.2, 10.0.0.3 (open sessions)`. */
export function describeTarget(target: DisconnectTarget): string {
	switch (target.kind) {
		case 'session':
			return `session ${target.radacctid}`;
		case 'sessions':
			return `${target.radacctids.length} selected session${target.radacctids.length === 1 ? '' : 's'}`;
		case 'user':
			return `user ${JSON.stringify(target.username)} (open sessions)`;
		case 'nas':
			if (target.region)
				return `region ${target.region.name}: NAS ${target.region.nas.map((nas) => nas.name ?? nas.ip).join(', ') || 'none'} (open sessions)`;
			return `NAS ${target.nasIps.join(', ')} (open sessions)`;
		case 'filter':
			return `open sessions matching ${describeFilter(target.filter)}`;
	}
}

/** Why nothing will be sent for a blocked item, e.g. `bng-2 (10.0.0.2) has no RADIUS secret (...)`. */
export function describeProblem(problem: PlanProblem, nas: Nas): string {
	const label = nasLabel(nas);
	switch (problem) {
		case 'no-secret':
			return `${label} has no RADIUS secret (neither in the nas table nor in radtop's config)`;
		case 'no-api-credentials':
			return `${label} has no RouterOS API user and password in radtop's config`;
		case 'not-allowed':
			return `${label} is not among the NAS this action may touch`;
		case 'no-identification':
			return 'the session has no username, Acct-Session-Id or framed IP to find it by';
	}
}

function planItem(session: Session, nas: Nas, method: DisconnectMethod, allowed: ReadonlySet<string> | undefined): PlanItem {
	const hasSecret = nas.secret !== undefined;
	const hasApi = nas.api !== undefined;
	const first: 'coa' | 'api' = method === 'api' || (method === 'auto' && !hasSecret && hasApi) ? 'api' : 'coa';
	const fallback: PlanItem['fallback'] = method === 'auto' && first === 'coa' && hasApi ? 'api' : undefined;
	const base: PlanItem = {session, nas, method: first, fallback};
	if (allowed !== undefined && !allowed.has(nas.ip)) return {...base, problem: 'not-allowed'};
	if (first === 'coa' && !hasSecret) return {...base, problem: 'no-secret'};
	if (first === 'api' && !hasApi) return {...base, problem: 'no-api-credentials'};
	const findable =
		first === 'api'
			? Boolean(session.username || session.framedipaddress)
			: identifiesSession(disconnectAttributes(session, nas.vendor));
	return findable ? base : {...base, problem: 'no-identification'};
}

function summarize(items: readonly PlanItem[]): NasPlan[] {
	const perNas = new Map<string, {nas: Nas; total: number; blocked: number; coa: number; api: number}>();
	for (const item of items) {
		let entry = perNas.get(item.nas.ip);
		if (entry === undefined) {
			entry = {nas: item.nas, total: 0, blocked: 0, coa: 0, api: 0};
			perNas.set(item.nas.ip, entry);
		}
		entry.total++;
		if (item.problem !== undefined) entry.blocked++;
		else entry[item.method]++;
	}
	return [...perNas.values()]
		.map((entry) => ({...entry, ready: entry.total - entry.blocked}))
		.sort((a, b) => a.nas.name.localeCompare(b.nas.name) || a.nas.ip.localeCompare(b.nas.ip));
}

function describeFilter(filter: SessionFilter): string {
	const parts: string[] = [];
	if (filter.concurrent) parts.push('users with more than one open session');
	if (filter.search?.trim()) parts.push(searchInWords(filter.search));
	if (filter.nasIps && filter.nasIps.length > 0) parts.push(`NAS ${filter.nasIps.join(', ')}`);
	if (filter.startedFrom) parts.push(`started from ${filter.startedFrom.toISOString()}`);
	if (filter.startedTo) parts.push(`started before ${filter.startedTo.toISOString()}`);
	return parts.length > 0 ? parts.join(', ') : 'no filter (every open session)';
}
