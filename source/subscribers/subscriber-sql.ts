/**
 * The subscriber behind a session, from FreeRADIUS's stock authorisation tables: the user's groups
 * (radusergroup, shown as the plan), Session-Timeout and the rate limit (radreply, then radgroupreply) and
 * Simultaneous-Use (radcheck, then radgroupcheck). Pure: builds the one statement of a poll and folds its rows.
 *
 * Precedence, as rlm_sql applies it: the user's own radcheck and radreply rows first, then each group of
 * radusergroup in priority order (lower first, ties by row id), unless a reply says `Fall-Through = No` (the
 * user's reply stops the groups, a group's reply stops the groups after it). Within that order each row is
 * merged by its operator the way FreeRADIUS moves pairs into the reply list: `:=` replaces what is there,
 * `=` adds only when the attribute is not there yet, `+=` adds another value (radtop shows the first).
 * radtop cannot evaluate a group's check items against a request, so a group is taken as matching.
 *
 * Only the attributes below are ever selected: the SQL filters by attribute name, so the value of a password
 * attribute (Cleartext-Password, NT-Password...) in radcheck is never fetched.
 */

import {SESSION_TIMEOUT_ATTRIBUTE} from '../sessions/remaining-sql.js';

/** Reply attributes radtop reads: the session timeout and the rate limits of the vendors radtop knows. */
export const TIMEOUT_ATTRIBUTE = SESSION_TIMEOUT_ATTRIBUTE;
/** Rate limit attributes, in the order one is preferred when several are set. */
export const RATE_ATTRIBUTES = ['Mikrotik-Rate-Limit', 'WISPr-Bandwidth-Max-Down', 'WISPr-Bandwidth-Max-Up'] as const;
export const FALL_THROUGH_ATTRIBUTE = 'Fall-Through';
export const REPLY_ATTRIBUTES: readonly string[] = [TIMEOUT_ATTRIBUTE, ...RATE_ATTRIBUTES, FALL_THROUGH_ATTRIBUTE];
/** Check attributes radtop reads: only this one. */
export const CHECK_ATTRIBUTES: readonly string[] = ['Simultaneous-Use'];

export const SUBSCRIBER_TABLES = ['radusergroup', 'radreply', 'radgroupreply', 'radcheck', 'radgroupcheck'] as const;
export type SubscriberTable = (typeof SUBSCRIBER_TABLES)[number];

/** A rate limit as the reply carries it. */
export interface RateLimit {
	readonly attribute: string;
	readonly value: string;
}

/** What radtop knows of one user from the authorisation tables. */
export interface SubscriberContext {
	/** Group names in the order FreeRADIUS applies them (priority, lower first). */
	readonly groups: readonly string[];
	readonly sessionTimeout: number | null;
	readonly rateLimit: RateLimit | null;
	readonly simultaneousUse: number | null;
}

export const EMPTY_CONTEXT: SubscriberContext = {groups: [], sessionTimeout: null, rateLimit: null, simultaneousUse: null};

export interface SubscriberQuery {
	readonly text: string;
	readonly values: unknown[];
}

/**
 * The one statement of a poll over the tables that can be read: every value bound, the usernames as one
 * array. Group rows are read only for groups of these users (and only when radusergroup can be read).
 * Returns undefined when no table can be read or no username is given.
 */
export function buildSubscriberQuery(usernames: readonly string[], readable: ReadonlySet<SubscriberTable>): SubscriberQuery | undefined {
	const users = [...new Set(usernames)];
	if (users.length === 0) return undefined;
	const parts: string[] = [];
	// Only the parameters a statement names may be bound: the attribute lists are added as they are used.
	const values: unknown[] = [users];
	let replyParameter: string | undefined;
	let checkParameter: string | undefined;
	const replies = () => (replyParameter ??= `$${values.push([...REPLY_ATTRIBUTES])}::text[]`);
	const checks = () => (checkParameter ??= `$${values.push([...CHECK_ATTRIBUTES])}::text[]`);
	const groupsOf = 'SELECT g.groupname FROM radusergroup g WHERE g.username = ANY ($1::text[])';
	const row = (kind: string, user: string, group: string, attribute: string, op: string, value: string, priority: string) =>
		`SELECT '${kind}'::text AS kind, ${user}::text AS username, ${group}::text AS groupname, ${attribute}::text AS attribute, ` +
		`${op}::text AS op, ${value}::text AS value, ${priority}::int AS priority, id::bigint AS id`;
	if (readable.has('radusergroup')) {
		parts.push(
			`${row('group', 'username', 'groupname', 'NULL', 'NULL', 'NULL', 'priority')} FROM radusergroup WHERE username = ANY ($1::text[])`,
		);
	}
	if (readable.has('radreply')) {
		parts.push(
			`${row('reply', 'username', 'NULL', 'attribute', 'op', 'value', 'NULL')} FROM radreply WHERE username = ANY ($1::text[]) AND attribute = ANY (${replies()})`,
		);
	}
	if (readable.has('radcheck')) {
		parts.push(
			`${row('check', 'username', 'NULL', 'attribute', 'op', 'value', 'NULL')} FROM radcheck WHERE username = ANY ($1::text[]) AND attribute = ANY (${checks()})`,
		);
	}
	if (readable.has('radusergroup') && readable.has('radgroupreply')) {
		parts.push(
			`${row('groupreply', 'NULL', 'groupname', 'attribute', 'op', 'value', 'NULL')} FROM radgroupreply WHERE groupname IN (${groupsOf}) AND attribute = ANY (${replies()})`,
		);
	}
	if (readable.has('radusergroup') && readable.has('radgroupcheck')) {
		parts.push(
			`${row('groupcheck', 'NULL', 'groupname', 'attribute', 'op', 'value', 'NULL')} FROM radgroupcheck WHERE groupname IN (${groupsOf}) AND attribute = ANY (${checks()})`,
		);
	}
	if (parts.length === 0) return undefined;
	return {text: parts.join('\nUNION ALL\n'), values};
}

/** One row of that statement. */
export interface SubscriberRow {
	readonly kind: 'group' | 'reply' | 'check' | 'groupreply' | 'groupcheck';
	readonly username: string | null;
	readonly groupname: string | null;
	readonly attribute: string | null;
	readonly op: string | null;
	readonly value: string | null;
	readonly priority: number | null;
	readonly id: number;
}

/** One attribute-operator-value row of the check or reply tables. */
export interface Pair {
	readonly attribute: string;
	readonly op: string;
	readonly value: string;
}

/** Merges pairs into a list as FreeRADIUS moves them: `:=` replaces, `=` only when absent, `+=` appends. */
export function mergePairs<P extends Pair>(list: Map<string, P[]>, pairs: readonly P[]): void {
	for (const pair of pairs) {
		const existing = list.get(pair.attribute);
		const op = pair.op.trim();
		if (op === ':=') list.set(pair.attribute, [pair]);
		else if (op === '+=') list.set(pair.attribute, [...(existing ?? []), pair]);
		else if (op === '=' || op === '') {
			if (!existing) list.set(pair.attribute, [pair]);
		}
		// Comparison operators (==, >=, !*...) are checks on the request, not values for the reply.
	}
}

function pairsOf(rows: readonly SubscriberRow[]): Pair[] {
	return [...rows]
		.sort((a, b) => a.id - b.id)
		.filter((row) => row.attribute !== null)
		.map((row) => ({attribute: row.attribute!, op: row.op ?? '=', value: row.value ?? ''}));
}

/** True when these reply pairs end the groups after them (`Fall-Through = No`). */
export const fallsThroughNo = (pairs: readonly Pair[]) =>
	pairs.some((pair) => pair.attribute === FALL_THROUGH_ATTRIBUTE && /^(no|0)$/i.test(pair.value.trim()));

function wholeSeconds(text: string | undefined): number | null {
	if (text === undefined || !/^\s*\d{1,10}\s*$/.test(text)) return null;
	return Number(text.trim());
}

/** Folds the statement's rows into one context per user (every username asked for has one). */
export function foldSubscriberRows(usernames: readonly string[], rows: readonly SubscriberRow[]): Map<string, SubscriberContext> {
	const byGroup = new Map<string, {reply: SubscriberRow[]; check: SubscriberRow[]}>();
	const byUser = new Map<string, {groups: SubscriberRow[]; reply: SubscriberRow[]; check: SubscriberRow[]}>();
	const user = (name: string) => {
		let entry = byUser.get(name);
		if (!entry) byUser.set(name, (entry = {groups: [], reply: [], check: []}));
		return entry;
	};
	const group = (name: string) => {
		let entry = byGroup.get(name);
		if (!entry) byGroup.set(name, (entry = {reply: [], check: []}));
		return entry;
	};
	for (const row of rows) {
		if (row.kind === 'group' && row.username !== null && row.groupname !== null) user(row.username).groups.push(row);
		else if (row.kind === 'reply' && row.username !== null) user(row.username).reply.push(row);
		else if (row.kind === 'check' && row.username !== null) user(row.username).check.push(row);
		else if (row.kind === 'groupreply' && row.groupname !== null) group(row.groupname).reply.push(row);
		else if (row.kind === 'groupcheck' && row.groupname !== null) group(row.groupname).check.push(row);
	}
	const contexts = new Map<string, SubscriberContext>();
	for (const name of usernames) {
		const entry = byUser.get(name);
		if (!entry) {
			contexts.set(name, EMPTY_CONTEXT);
			continue;
		}
		const groups = [...entry.groups].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0) || a.id - b.id).map((row) => row.groupname!);
		const reply = new Map<string, Pair[]>();
		const check = new Map<string, Pair[]>();
		const userReply = pairsOf(entry.reply);
		mergePairs(check, pairsOf(entry.check));
		mergePairs(reply, userReply);
		if (!fallsThroughNo(userReply)) {
			for (const name of groups) {
				const rowsOfGroup = byGroup.get(name);
				if (!rowsOfGroup) continue;
				const groupReply = pairsOf(rowsOfGroup.reply);
				mergePairs(check, pairsOf(rowsOfGroup.check));
				mergePairs(reply, groupReply);
				if (fallsThroughNo(groupReply)) break;
			}
		}
		const rateAttribute = RATE_ATTRIBUTES.find((attribute) => reply.has(attribute));
		contexts.set(name, {
			groups,
			sessionTimeout: wholeSeconds(reply.get(TIMEOUT_ATTRIBUTE)?.[0]?.value),
			rateLimit: rateAttribute ? {attribute: rateAttribute, value: reply.get(rateAttribute)![0]!.value} : null,
			simultaneousUse: wholeSeconds(check.get('Simultaneous-Use')?.[0]?.value),
		});
	}
	return contexts;
}
