/**
 * Pure SQL builders for the disconnect engine: reading a target's sessions at execution time, re-reading a
 * plan's sessions, and watching for their Accounting-Stop. Values travel as parameters; every statement is
 * bounded by a LIMIT or by the length of its id list.
 */
import {filterPredicates, Parameters, selectList, type FilterContext, type SqlQuery} from '../sessions/radacct-sql.js';
import type {DisconnectTarget} from './plan.js';

/** At most this many sessions per action unless the caller sets another cap. */
export const DEFAULT_TARGET_CAP = 100_000;

/** A radacctid as radtop passes it around: the bigint's decimal text. */
export function isRadacctid(value: string): boolean {
	return /^\d{1,19}$/.test(value);
}

/**
 * The sessions a target covers, by radacctid, at most `cap + 1` rows so the caller can tell the cap was
 * exceeded. Session and list targets return closed rows too (they end as `already_closed`); user, NAS and
 * filter targets only open ones, whatever the filter's status says. Throws RangeError for a malformed radacctid.
 */
export function buildTargetQuery(
	target: DisconnectTarget,
	available: ReadonlySet<string>,
	cap: number,
	filterContext: Omit<FilterContext, 'available'> = {},
): SqlQuery {
	if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`the session cap must be a positive integer, got ${cap}`);
	const parameters = new Parameters();
	let predicates: string[];
	switch (target.kind) {
		case 'session':
		case 'sessions': {
			const ids = target.kind === 'session' ? [target.radacctid] : [...target.radacctids];
			const bad = ids.find((id) => !isRadacctid(id));
			if (bad !== undefined) throw new RangeError(`${JSON.stringify(bad)} is not a radacctid`);
			predicates = [`radacctid = ANY(${parameters.add(ids)}::bigint[])`];
			break;
		}
		case 'user':
			predicates = ['acctstoptime IS NULL', `username = ${parameters.add(target.username)}`];
			break;
		case 'nas':
			predicates = ['acctstoptime IS NULL', `nasipaddress = ANY(${parameters.add([...target.nasIps])}::inet[])`];
			break;
		case 'filter':
			// Open sessions only, whatever the search says (`at:` alone would take in closed ones too).
			predicates = [
				'acctstoptime IS NULL',
				...filterPredicates({...target.filter, status: 'active'}, parameters, {available, ...filterContext}),
			];
			break;
	}
	const text =
		`SELECT ${selectList(available)} FROM radacct WHERE ${predicates.join(' AND ')} ` +
		`ORDER BY radacct.radacctid LIMIT ${parameters.add(cap + 1)}`;
	return {text, values: parameters.values};
}

/** Which of `radacctids` have an acctstoptime now, with when and why they stopped. */
export function buildStoppedQuery(radacctids: readonly string[]): SqlQuery {
	return {
		text:
			'SELECT radacctid::text AS radacctid, acctstoptime, acctterminatecause FROM radacct ' +
			'WHERE radacctid = ANY($1::bigint[]) AND acctstoptime IS NOT NULL',
		values: [[...radacctids]],
	};
}
