/**
 * The demo's authentication log and the users that cannot connect, so `radtop user` has something to
 * explain: radpostauth with an Access-Accept for each session of the last day (the demo's post-auth query
 * also writes the Reply-Message, in a `replymessage` column a site adds for it), a few subscribers whose
 * password was mistyped, a user disabled by `Auth-Type := Reject`, and one whose Expiration has passed.
 * The rejected attempts carry a `pass`, as FreeRADIUS logs it; radtop never reads that column.
 */
import type {Queryable} from '../db/queryable.js';
import {FREERADIUS_POSTAUTH_SQL} from '../db/freeradius-schema.js';
import type {StartEvent} from './accounting.js';

/** A user radcheck rejects outright. */
export const DEMO_DISABLED_USER = 'disabled.user';
/** A user whose Expiration is in the past. */
export const DEMO_EXPIRED_USER = 'expired.user';

const DAY = 86_400;

interface Attempt {
	readonly user: string;
	readonly pass: string | null;
	readonly reply: string;
	readonly message: string | null;
	readonly called: string;
	readonly calling: string;
	readonly at: number;
}

export async function seedDemoPostauth(
	db: Queryable & {exec?: (sql: string) => Promise<unknown>},
	starts: readonly StartEvent[],
	nowSeconds: number,
): Promise<void> {
	if (db.exec) await db.exec(FREERADIUS_POSTAUTH_SQL);
	else await db.query(FREERADIUS_POSTAUTH_SQL);
	await db.query('ALTER TABLE radpostauth ADD COLUMN IF NOT EXISTS replymessage text');
	const attempts: Attempt[] = [];
	const recent = starts.filter((start) => start.timestamp > nowSeconds - DAY);
	for (const start of recent) {
		attempts.push({
			user: start.userName,
			pass: null,
			reply: 'Access-Accept',
			message: null,
			called: start.calledStationId,
			calling: start.callingStationId,
			at: start.timestamp - 1,
		});
	}
	// Every 97th subscriber of the day mistyped the password a few times before the session that followed.
	recent.forEach((start, index) => {
		if (index % 97 !== 0) return;
		for (let n = 1 + (index % 4); n >= 1; n--) {
			attempts.push({
				user: start.userName,
				pass: 'wrong-password',
				reply: 'Access-Reject',
				message: 'Login incorrect',
				called: start.calledStationId,
				calling: start.callingStationId,
				at: start.timestamp - 1 - n * 20,
			});
		}
	});
	const called = recent[0]?.calledStationId ?? 'pppoe-bng-1';
	for (let n = 0; n < 6; n++) {
		attempts.push(
			{
				user: DEMO_DISABLED_USER,
				pass: 'disabled-users-password',
				reply: 'Access-Reject',
				message: 'Account disabled: unpaid invoice',
				called,
				calling: '5C:E2:8C:00:0D:15',
				at: nowSeconds - 180 - n * 600,
			},
			{
				user: DEMO_EXPIRED_USER,
				pass: 'expired-users-password',
				reply: 'Access-Reject',
				message: 'Password Has Expired',
				called,
				calling: '5C:E2:8C:00:0E:27',
				at: nowSeconds - 420 - n * 900,
			},
		);
	}
	const column = <K extends keyof Attempt>(key: K) => attempts.map((attempt) => attempt[key]);
	await db.query(
		'INSERT INTO radpostauth (username, pass, reply, replymessage, calledstationid, callingstationid, authdate) ' +
			'SELECT u, p, r, m, c, s, to_timestamp(t) FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[]) ' +
			'AS a(u, p, r, m, c, s, t) ORDER BY t',
		[column('user'), column('pass'), column('reply'), column('message'), column('called'), column('calling'), column('at')],
	);
	const expired = new Date((nowSeconds - 32 * DAY) * 1000);
	const month = expired.toLocaleString('en-US', {month: 'short', timeZone: 'UTC'});
	const expiration = `${String(expired.getUTCDate()).padStart(2, '0')} ${month} ${expired.getUTCFullYear()}`;
	await db.query(
		'INSERT INTO radcheck (username, attribute, op, value) VALUES ' +
			"($1, 'Cleartext-Password', ':=', $3), ($1, 'Auth-Type', ':=', 'Reject'), " +
			"($2, 'Cleartext-Password', ':=', $4), ($2, 'Expiration', ':=', $5)",
		[DEMO_DISABLED_USER, DEMO_EXPIRED_USER, 'disabled-users-password', 'expired-users-password', expiration],
	);
	await db.query("INSERT INTO radusergroup (username, groupname, priority) VALUES ($1, 'fiber-100', 1), ($2, 'dsl-20', 1)", [
		DEMO_DISABLED_USER,
		DEMO_EXPIRED_USER,
	]);
}

/** The Access-Accept before each login of the live demo network, as FreeRADIUS's post-auth query writes it. */
export async function recordAccepts(db: Queryable, starts: readonly StartEvent[]): Promise<void> {
	if (starts.length === 0) return;
	await db.query(
		"INSERT INTO radpostauth (username, reply, calledstationid, callingstationid, authdate) SELECT u, 'Access-Accept', c, s, to_timestamp(t) " +
			'FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS a(u, c, s, t)',
		[
			starts.map((start) => start.userName),
			starts.map((start) => start.calledStationId),
			starts.map((start) => start.callingStationId),
			starts.map((start) => start.timestamp - 1),
		],
	);
}
