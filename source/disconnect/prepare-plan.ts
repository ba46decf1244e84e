/**
 * The sessions a disconnect will act on, read from radacct now and planned: a target is read and planned, a
 * plan (a preview) is read again and planned afresh, so sessions that closed since end `already_closed` and
 * those gone from radacct are told apart.
 */
import type {Session} from '../sessions/session.js';
import type {DisconnectDeps, DisconnectOptions} from './executor-options.js';
import {planDisconnect, type DisconnectTarget, type Plan} from './plan.js';
import {readTargets} from './targets.js';

export async function preparePlan(
	input: Plan | DisconnectTarget,
	{db, registry, columns}: DisconnectDeps,
	options: DisconnectOptions,
): Promise<{plan: Plan; missing: readonly string[]; vanished: readonly Session[]}> {
	const nameOf = (ip: string): string | null => registry.directory.nameOf(ip);
	const read = {
		nameOf,
		nasIps: (nas: string) => registry.resolve(nas),
		...(columns ? {columns} : {}),
		...(options.cap === undefined ? {} : {cap: options.cap}),
	};
	if (!('items' in input)) {
		const {sessions, missing} = await readTargets(db, input, read);
		const plan = planDisconnect(sessions, registry, {method: options.method ?? 'auto', ...allowed(options.allowedNas)}, input);
		return {plan, missing, vanished: []};
	}
	// A plan is a preview: what counts is radacct now, so its sessions are read again and planned afresh.
	const planned = [...input.items.map((item) => item.session), ...input.alreadyClosed];
	const {sessions} = await readTargets(db, {kind: 'sessions', radacctids: planned.map((session) => session.radacctid)}, read);
	const found = new Set(sessions.map((session) => session.radacctid));
	const planOptions = {
		method: options.method ?? input.options.method,
		...allowed(options.allowedNas ?? input.options.allowedNas),
	};
	const plan = planDisconnect(sessions, registry, planOptions, input.target);
	return {plan, missing: [], vanished: planned.filter((session) => !found.has(session.radacctid))};
}

function allowed(allowedNas: readonly string[] | undefined): {allowedNas?: readonly string[]} {
	return allowedNas === undefined ? {} : {allowedNas};
}
