/**
 * Everything FreeRADIUS's SQL tables say about one user, for `radtop user` and the console's user view: the
 * check items of radcheck, the groups of radusergroup, the groups' check items, and the reply attributes of
 * radreply and radgroupreply in the order rlm_sql applies them (see subscriber-sql.ts for the precedence).
 * Pure: builds the one statement and folds its rows.
 *
 * A password attribute's value is never selected: the statement's CASE gives NULL and a flag instead, so no
 * Cleartext-Password, NT-Password, Crypt-Password or Password-With-Header value ever leaves the database.
 */
import {fallsThroughNo, mergePairs, type Pair, type SubscriberTable} from './subscriber-sql.js';

/**
 * Attribute names whose value is a secret: every `*-Password` (Cleartext-, User-, Crypt-, MD5-, SMD5-, SHA-,
 * SHA2-, SSHA-, NT-, LM-, PBKDF2-...), `Password` itself and `Password-With-Header`, any case. A POSIX regular
 * expression as PostgreSQL's `~*` reads it, and the same as JavaScript reads it.
 */
export const PASSWORD_PATTERN = '(^|-)password$|^password-with-header$';

/** True for an attribute whose value radtop never reads (see PASSWORD_PATTERN). */
export function isPasswordAttribute(attribute: string): boolean {
	return new RegExp(PASSWORD_PATTERN, 'i').test(attribute.trim());
}

/** One check or reply item; `value` is null for a password attribute, with `secret` set. */
export interface UserPair extends Pair {
	readonly secret: boolean;
	/** `radcheck`, `radreply`, or the group it comes from. */
	readonly from: string;
}

export interface UserGroup {
	readonly name: string;
	readonly priority: number;
}

/** What the authorisation tables hold for one user. */
export interface UserAttributes {
	/** The user's own radcheck rows, in row order. */
	readonly checks: readonly UserPair[];
	/** Groups in the order FreeRADIUS applies them (priority, lower first). */
	readonly groups: readonly UserGroup[];
	/** The groups' radgroupcheck rows, group by group in that order. */
	readonly groupChecks: readonly UserPair[];
	/** The user's own radreply rows, as stored. */
	readonly userReplies: readonly UserPair[];
	/** The reply FreeRADIUS builds from radreply and radgroupreply, by precedence (first set first). */
	readonly replies: readonly UserPair[];
}

export interface UserQuery {
	readonly text: string;
	readonly values: unknown[];
}

/** The one statement over the readable tables, every value bound; undefined when none can be read. */
export function buildUserAttributesQuery(username: string, readable: ReadonlySet<SubscriberTable>): UserQuery | undefined {
	const values: unknown[] = [username, PASSWORD_PATTERN];
	const pair = (kind: string, group: string) =>
		`SELECT '${kind}'::text AS kind, ${group}::text AS groupname, attribute::text AS attribute, op::text AS op, ` +
		'CASE WHEN attribute ~* $2 THEN NULL ELSE value END::text AS value, (attribute ~* $2) AS secret, NULL::int AS priority, id::bigint AS id';
	const groupsOf = 'SELECT g.groupname FROM radusergroup g WHERE g.username = $1';
	const parts: string[] = [];
	if (readable.has('radcheck')) parts.push(`${pair('check', 'NULL')} FROM radcheck WHERE username = $1`);
	if (readable.has('radreply')) parts.push(`${pair('reply', 'NULL')} FROM radreply WHERE username = $1`);
	if (readable.has('radusergroup')) {
		parts.push(
			"SELECT 'group'::text AS kind, groupname::text AS groupname, NULL::text AS attribute, NULL::text AS op, NULL::text AS value, " +
				'false AS secret, priority::int AS priority, id::bigint AS id FROM radusergroup WHERE username = $1',
		);
		if (readable.has('radgroupcheck'))
			parts.push(`${pair('groupcheck', 'groupname')} FROM radgroupcheck WHERE groupname IN (${groupsOf})`);
		if (readable.has('radgroupreply'))
			parts.push(`${pair('groupreply', 'groupname')} FROM radgroupreply WHERE groupname IN (${groupsOf})`);
	}
	if (parts.length === 0) return undefined;
	return {text: parts.join('\nUNION ALL\n'), values};
}

/** One row of that statement. */
export interface UserAttributeRow {
	readonly kind: 'check' | 'reply' | 'group' | 'groupcheck' | 'groupreply';
	readonly groupname: string | null;
	readonly attribute: string | null;
	readonly op: string | null;
	readonly value: string | null;
	readonly secret: boolean;
	readonly priority: number | null;
	readonly id: number;
}

function pairsOf(rows: readonly UserAttributeRow[], from: (row: UserAttributeRow) => string): UserPair[] {
	return [...rows]
		.filter((row) => row.attribute !== null)
		.sort((a, b) => a.id - b.id)
		.map((row) => {
			// Held twice: the statement never selects a password's value, and a row that says otherwise is dropped here.
			const secret = row.secret || isPasswordAttribute(row.attribute!);
			return {attribute: row.attribute!, op: (row.op ?? '=').trim(), value: secret ? '' : (row.value ?? ''), secret, from: from(row)};
		});
}

/** Folds the rows: groups by priority, the reply by rlm_sql's precedence with Fall-Through honoured. */
export function foldUserAttributes(rows: readonly UserAttributeRow[]): UserAttributes {
	const groups = rows
		.filter((row) => row.kind === 'group' && row.groupname !== null)
		.sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0) || a.id - b.id)
		.map((row) => ({name: row.groupname!, priority: row.priority ?? 0}));
	const checks = pairsOf(
		rows.filter((row) => row.kind === 'check'),
		() => 'radcheck',
	);
	const userReplies = pairsOf(
		rows.filter((row) => row.kind === 'reply'),
		() => 'radreply',
	);
	const groupChecks: UserPair[] = [];
	const reply = new Map<string, UserPair[]>();
	mergePairs(reply, userReplies);
	const seen = new Set<string>();
	let stopped = fallsThroughNo(userReplies);
	for (const group of groups) {
		if (seen.has(group.name)) continue;
		seen.add(group.name);
		const ofGroup = (kind: UserAttributeRow['kind']) =>
			pairsOf(
				rows.filter((row) => row.kind === kind && row.groupname === group.name),
				(row) => row.groupname!,
			);
		groupChecks.push(...ofGroup('groupcheck'));
		if (stopped) continue;
		const groupReply = ofGroup('groupreply');
		mergePairs(reply, groupReply);
		stopped = fallsThroughNo(groupReply);
	}
	const replies = [...reply.values()].flat().filter((pair) => pair.attribute !== 'Fall-Through');
	return {checks, groups, groupChecks, userReplies, replies};
}

/** radpostauth's columns radtop may show, beyond username, reply and authdate (never `pass`). */
export const POSTAUTH_OPTIONAL = [
	'calledstationid',
	'callingstationid',
	'class',
	'nasipaddress',
	'nasidentifier',
	'replymessage',
	'reply_message',
] as const;
export type PostauthColumn = (typeof POSTAUTH_OPTIONAL)[number];

/** The last `limit` attempts of one user, newest first, naming only the columns the probe found readable. */
export function buildAttemptsQuery(username: string, limit: number, columns: ReadonlySet<string>): UserQuery {
	const optional = POSTAUTH_OPTIONAL.filter((column) => columns.has(column));
	const select = ['authdate', 'reply::text AS reply', ...optional.map((column) => `${column}::text AS ${column}`)];
	const order = columns.has('id') ? 'authdate DESC, id DESC' : 'authdate DESC';
	return {
		text: `SELECT ${select.join(', ')} FROM radpostauth WHERE username = $1 ORDER BY ${order} LIMIT $2`,
		values: [username, limit],
	};
}

/** One authentication attempt as radpostauth recorded it. */
export interface Attempt {
	readonly at: Date | null;
	/** Access-Accept, Access-Reject, or whatever the post-auth query wrote. */
	readonly reply: string | null;
	readonly message: string | null;
	/** The NAS as recorded: nasipaddress or nasidentifier when the schema has them, else the called station. */
	readonly nas: string | null;
	readonly calledStationId: string | null;
	readonly callingStationId: string | null;
	readonly class: string | null;
}

/** True when radpostauth's reply says the attempt was refused. */
export function isReject(attempt: Attempt): boolean {
	return /reject/i.test(attempt.reply ?? '');
}
