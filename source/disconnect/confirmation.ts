/**
 * How much an operator must do to confirm a disconnect, in proportion to what it hits. Pure; the command
 * line and the console ask the same way.
 */
import {nasLabel} from '../nas/registry.js';
import type {Plan} from './plan.js';

/** Sessions above which the operator types instead of pressing a key (configurable per call). */
export const DEFAULT_TYPED_ABOVE = 50;

export type Confirmation =
	/** One session: y or Enter. */
	| {readonly kind: 'key'; readonly prompt: string}
	/** A few sessions: y, with the count shown. */
	| {readonly kind: 'count'; readonly count: number; readonly prompt: string}
	/** A whole NAS or region, everything matching a filter, or many sessions: type `expected` exactly. */
	| {readonly kind: 'typed'; readonly expected: string; readonly prompt: string};

/** What confirming this plan takes. */
export function confirmationFor(plan: Plan, options: {typedAbove?: number} = {}): Confirmation {
	const count = plan.items.length;
	const typedAbove = options.typedAbove ?? DEFAULT_TYPED_ABOVE;
	const wide = plan.target?.kind === 'nas' || plan.target?.kind === 'filter';
	const single = plan.perNas.length === 1 ? plan.perNas[0]!.nas : undefined;
	if (plan.target?.kind === 'nas' && plan.target.region) {
		const {name} = plan.target.region;
		return {kind: 'typed', expected: name, prompt: `type the region's name (${name}) to disconnect all ${count} of its sessions: `};
	}
	if (plan.target?.kind === 'nas' && single) {
		return {
			kind: 'typed',
			expected: single.name,
			prompt: `type the NAS name (${nasLabel(single)}) to disconnect all ${count} of its sessions: `,
		};
	}
	if (wide || count > typedAbove) {
		return {kind: 'typed', expected: String(count), prompt: `type the number of sessions (${count}) to disconnect them: `};
	}
	if (count <= 1) return {kind: 'key', prompt: 'disconnect this session? [y/N] '};
	return {kind: 'count', count, prompt: `disconnect ${count} sessions? [y/N] `};
}

/** Whether an answer confirms: the exact text for a typed confirmation (thousands separators allowed in a count), y/yes otherwise. */
export function confirms(confirmation: Confirmation, answer: string): boolean {
	const given = answer.trim();
	if (confirmation.kind === 'typed') {
		return (
			given === confirmation.expected || (/^\d+$/.test(confirmation.expected) && given.replace(/,/g, '') === confirmation.expected)
		);
	}
	return /^y(es)?$/i.test(given);
}
