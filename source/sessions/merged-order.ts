/**
 * The order of rows read from several sites, as one list: each site's window comes sorted by its database, and
 * the windows are merged by the same sort key in the same direction (nulls where PostgreSQL puts them: last
 * ascending, first descending), ties broken by site name, then radacctid in the sort's direction. Pure.
 */
import {isIP} from 'node:net';
import type {Session, SessionSort, SessionStatus} from './session.js';

/** One site's window: its rows in its database's order, the instant they were read at, each row's sort value. */
export interface SiteRows {
	readonly site: string;
	readonly rows: readonly Session[];
	readonly dbNow: Date;
	/** The sort key of each row as the database returned it (text); needed for the `remaining` sort. */
	readonly sortValues?: readonly (string | null)[];
}

type Key = number | string | null;

/** A row's sort key, and whether it orders ascending: as radacct-sql.ts's sortPlan orders it. */
export function sortKeyOf(
	session: Session,
	sort: SessionSort,
	status: SessionStatus,
	dbNow: Date,
	sortValue?: string | null,
): {readonly key: Key; readonly ascending: boolean} {
	const ascending = sort.direction === 'asc';
	const start = session.acctstarttime?.getTime() ?? null;
	switch (sort.key) {
		case 'start':
			return {key: start, ascending};
		case 'duration': {
			// Open sessions: the reverse of their start (what the start index serves); others: stop (or now) minus start.
			if (status === 'active' || status === 'stale') return {key: start, ascending: !ascending};
			const stop = session.acctstoptime?.getTime() ?? (status === 'closed' ? null : dbNow.getTime());
			return {key: start === null || stop === null ? null : stop - start, ascending};
		}
		case 'down':
			return {key: session.acctoutputoctets, ascending};
		case 'up':
			return {key: session.acctinputoctets, ascending};
		case 'rate': {
			const seconds = session.acctsessiontime;
			const octets = session.acctoutputoctets;
			return {key: seconds && octets !== null ? (octets * 8) / seconds : 0, ascending};
		}
		case 'user':
			return {key: session.username, ascending};
		case 'nas':
			return {key: inetOrder(session.nasipaddress), ascending};
		case 'ip':
			return {key: session.framedipaddress === null ? null : inetOrder(session.framedipaddress), ascending};
		case 'remaining':
			return {key: sortValue == null ? null : timestampOrder(sortValue), ascending};
	}
}

const collator = new Intl.Collator('en', {sensitivity: 'variant'});

/** -1, 0 or 1 for two keys of one sort, nulls above every value (last ascending, first descending). */
function compareKeys(a: Key, b: Key, ascending: boolean): number {
	if (a === null || b === null) {
		if (a === b) return 0;
		// NULLS LAST ascending; descending reverses the whole order, which puts them first.
		return (a === null ? 1 : -1) * (ascending ? 1 : -1);
	}
	const order = typeof a === 'number' && typeof b === 'number' ? Math.sign(a - b) : collator.compare(String(a), String(b));
	return ascending ? order : -order;
}

/** radacctids as numbers (bigint), in the sort's direction. */
function compareIds(a: string, b: string, ascending: boolean): number {
	const order = a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
	return Math.sign(ascending ? order : -order);
}

/**
 * The first `count` rows of the sites' windows in one order. Each site's rows stay in their database's order
 * (its collation and its own tie-break); between sites the sort key decides, then the site's name, then radacctid.
 */
export function mergeSiteRows(parts: readonly SiteRows[], sort: SessionSort, status: SessionStatus, count: number): Session[] {
	const keyed = parts.map((part) =>
		part.rows.map((row, index) => ({row, ...sortKeyOf(row, sort, status, part.dbNow, part.sortValues?.[index]), site: part.site})),
	);
	const heads = keyed.map(() => 0);
	const merged: Session[] = [];
	while (merged.length < count) {
		let best = -1;
		for (let index = 0; index < keyed.length; index++) {
			const candidate = keyed[index]![heads[index]!];
			if (candidate === undefined) continue;
			if (best < 0) {
				best = index;
				continue;
			}
			const leader = keyed[best]![heads[best]!]!;
			const order =
				compareKeys(candidate.key, leader.key, candidate.ascending) ||
				collator.compare(candidate.site, leader.site) ||
				compareIds(candidate.row.radacctid, leader.row.radacctid, sort.direction === 'asc');
			if (order < 0) best = index;
		}
		if (best < 0) break;
		merged.push(keyed[best]![heads[best]!]!.row);
		heads[best]!++;
	}
	return merged;
}

/** An address as a string that orders as PostgreSQL orders inet: IPv4 before IPv6, then by value. */
export function inetOrder(text: string): string {
	const address = text.split('/')[0]!;
	const family = isIP(address);
	if (family === 4)
		return `4${address
			.split('.')
			.map((part) => Number(part).toString(16).padStart(2, '0'))
			.join('')}`;
	if (family === 6) {
		const [head = '', tail] = address.split('::');
		const words = (part: string) => (part === '' ? [] : part.split(':'));
		let left = words(head);
		let right = tail === undefined ? [] : words(tail);
		// An IPv4 tail (::ffff:10.0.0.1) is two words.
		const last = (tail === undefined ? left : right).at(-1);
		if (last?.includes('.')) {
			const bytes = last.split('.').map(Number);
			const pair = [((bytes[0]! << 8) | bytes[1]!).toString(16), ((bytes[2]! << 8) | bytes[3]!).toString(16)];
			if (tail === undefined) left = [...left.slice(0, -1), ...pair];
			else right = [...right.slice(0, -1), ...pair];
		}
		const fill = tail === undefined ? [] : Array.from({length: 8 - left.length - right.length}, () => '0');
		return `6${[...left, ...fill, ...right].map((word) => word.padStart(4, '0')).join('')}`;
	}
	return `9${text}`;
}

/** PostgreSQL's timestamptz text (`2026-12-07 00:43:28.123+00`, or `infinity`) as epoch ms. */
export function timestampOrder(text: string): number | null {
	if (text === 'infinity') return Number.POSITIVE_INFINITY;
	if (text === '-infinity') return Number.NEGATIVE_INFINITY;
	const match = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?(?::?\d\d)?$/.exec(text);
	if (!match) {
		const parsed = Date.parse(text);
		return Number.isNaN(parsed) ? null : parsed;
	}
	const [, date, time, hours, minutes] = match;
	const parsed = Date.parse(`${date}T${time!.slice(0, 12)}${hours}:${minutes ?? '00'}`);
	return Number.isNaN(parsed) ? null : parsed;
}
