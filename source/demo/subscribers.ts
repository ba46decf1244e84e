/**
 * The demo's subscribers behind the sessions: a plan group per user in radusergroup (with a common group
 * after it), the plans' Session-Timeout and Mikrotik-Rate-Limit in radgroupreply, Simultaneous-Use in
 * radgroupcheck, a few per-user overrides in radreply, a Cleartext-Password per user in radcheck (as a real
 * server has; radtop never reads it), and a `subscribers` table (full name, service, location) for the
 * billing join the demo runs. Derived from each username's hash, so the sessions' generator is unchanged.
 */
import {createHash} from 'node:crypto';
import type {Queryable} from '../db/queryable.js';
import {FREERADIUS_AUTHORISATION_SQL} from '../db/freeradius-schema.js';
import {FIRST_NAMES, LAST_NAMES} from './pools.js';

/** The billing query of the demo: the `subscribers` table in the same database. */
export const DEMO_BILLING_QUERY = 'SELECT username, full_name, service, location FROM subscribers WHERE username = ANY ($1::text[])';

/** Plan group, Session-Timeout (s), rate limit, share of users in per mille. */
const PLANS: ReadonlyArray<readonly [string, number, string, string, number]> = [
	['fiber-100', 86_400, '100M/100M', 'Fiber 100', 400],
	['fiber-500', 86_400, '500M/500M', 'Fiber 500', 150],
	['dsl-20', 14_400, '20M/2M', 'DSL 20', 300],
	['hotspot', 3600, '10M/5M', 'Hotspot day pass', 150],
];

const TOWNS = ['Riverside', 'Old Town', 'Northgate', 'Harbour', 'Hillcrest', 'Mill Lane', 'Station Rd', 'Elm Park'];

const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

function hashOf(text: string): Buffer {
	return createHash('sha256').update(text).digest();
}

export async function seedDemoSubscribers(
	db: Queryable & {exec?: (sql: string) => Promise<unknown>},
	userNames: readonly string[],
): Promise<void> {
	if (db.exec) await db.exec(FREERADIUS_AUTHORISATION_SQL);
	else await db.query(FREERADIUS_AUTHORISATION_SQL);
	await db.query(
		'CREATE TABLE IF NOT EXISTS subscribers (username text PRIMARY KEY, full_name text NOT NULL, service text NOT NULL, location text NOT NULL)',
	);
	const groupUsers: string[] = [];
	const groupNames: string[] = [];
	const priorities: number[] = [];
	const subscriberRows: string[][] = [[], [], [], []];
	const overrides: string[] = [];
	const passwords: string[][] = [[], []];
	for (const userName of userNames) {
		const hash = hashOf(userName);
		let pick = hash.readUInt16BE(0) % 1000;
		const plan = PLANS.find(([, , , , share]) => (pick -= share) < 0) ?? PLANS[0]!;
		groupUsers.push(userName, userName);
		groupNames.push(plan[0], 'all-subscribers');
		priorities.push(1, 10);
		subscriberRows[0]!.push(userName);
		subscriberRows[1]!.push(
			`${capital(FIRST_NAMES[hash[2]! % FIRST_NAMES.length]!)} ${capital(LAST_NAMES[hash[3]! % LAST_NAMES.length]!)}`,
		);
		subscriberRows[2]!.push(plan[3]);
		subscriberRows[3]!.push(`${TOWNS[hash[4]! % TOWNS.length]} ${1 + (hash[5]! % 120)}`);
		if (hash[6]! % 20 === 0) overrides.push(userName);
		passwords[0]!.push(userName);
		passwords[1]!.push(hash.subarray(8, 16).toString('hex'));
	}
	await db.query('INSERT INTO radusergroup (username, groupname, priority) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])', [
		groupUsers,
		groupNames,
		priorities,
	]);
	await db.query(
		'INSERT INTO subscribers SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING',
		subscriberRows,
	);
	const replies: Array<[string, string, string, string]> = [];
	for (const [group, timeout, rate] of PLANS) {
		replies.push([group, 'Session-Timeout', '=', String(timeout)], [group, 'Mikrotik-Rate-Limit', '=', rate]);
	}
	replies.push(['all-subscribers', 'Session-Timeout', '=', '172800'], ['all-subscribers', 'Acct-Interim-Interval', '=', '300']);
	await db.query(
		'INSERT INTO radgroupreply (groupname, attribute, op, value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])',
		[replies.map((row) => row[0]), replies.map((row) => row[1]), replies.map((row) => row[2]), replies.map((row) => row[3])],
	);
	await db.query(
		"INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES ('all-subscribers', 'Simultaneous-Use', ':=', '1'), ('hotspot', 'Simultaneous-Use', ':=', '3')",
	);
	// A few subscribers with a rate limit of their own: `:=` in radreply, ahead of their plan's.
	await db.query(
		"INSERT INTO radreply (username, attribute, op, value) SELECT u, 'Mikrotik-Rate-Limit', ':=', '50M/50M' FROM unnest($1::text[]) AS u",
		[overrides],
	);
	await db.query(
		"INSERT INTO radcheck (username, attribute, op, value) SELECT u, 'Cleartext-Password', ':=', p FROM unnest($1::text[], $2::text[]) AS t(u, p)",
		passwords,
	);
}
