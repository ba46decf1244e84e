/**
 * The `remaining` sort against a real database (PostgreSQL when DATABASE_URL is set, else the embedded
 * PGlite): every matching session ordered by its expected end (start + Session-Timeout from radreply, else the
 * first group's radgroupreply), paged by keyset, no timeout last; the same order the REMAINING cells show.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {Session, SessionSort} from '../../source/sessions/session.js';
import {remainingOf} from '../../source/sessions/session-math.js';
import {readSubscriberContexts} from '../../source/subscribers/subscriber-reader.js';
import {probeSubscriberTables, timeoutTablesOf} from '../../source/subscribers/subscriber-tables.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let db: TestDatabase;

// Started `ago` seconds before now; each user's Session-Timeout comes from where the name says.
const USERS = [
	{username: 'own-2h', ago: 3600}, // radreply 7200: 1 h left
	{username: 'group-1h', ago: 600}, // trial (3600): 50 m left
	{username: 'over', ago: 4000}, // trial (3600): over by 400 s
	{username: 'both', ago: 100}, // radreply 1800 beats the group's 86400: 28 m left
	{username: 'prio', ago: 100}, // groups trial (priority 1) and fiber (2): trial's 3600 applies
	{username: 'none', ago: 50}, // no timeout anywhere
	{username: 'garbled', ago: 60}, // radreply 'soon': not a timeout, so none
	{username: 'day', ago: 3600}, // fiber (86400)
];

beforeAll(async () => {
	db = await createTestDatabase();
	await db.pool.query(FREERADIUS_AUTHORISATION_SQL);
	await db.pool.query(`
		INSERT INTO radreply (username, attribute, op, value) VALUES
			('own-2h', 'Session-Timeout', ':=', '7200'), ('both', 'Session-Timeout', '=', '1800'),
			('garbled', 'Session-Timeout', '=', 'soon'), ('none', 'Reply-Message', '=', 'hello');
		INSERT INTO radusergroup (username, groupname, priority) VALUES
			('group-1h', 'trial', 1), ('over', 'trial', 1), ('both', 'fiber', 1), ('prio', 'fiber', 2), ('prio', 'trial', 1),
			('day', 'fiber', 1);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
			('trial', 'Session-Timeout', ':=', '3600'), ('fiber', 'Session-Timeout', '=', '86400');
	`);
	await insertSessions(
		db.pool,
		USERS.map((user) => ({username: user.username, startedAgo: user.ago})),
	);
	// A closed session never shows in the open view, whatever its timeout.
	await insertSessions(db.pool, [{username: 'group-1h', startedAgo: 9000, stoppedAgo: 8000}]);
}, 60_000);

afterAll(async () => {
	await db?.close();
});

async function sorted(source: SessionSource, sort: SessionSort, pageSize: number): Promise<Session[]> {
	const rows: Session[] = [];
	let after;
	for (;;) {
		const page = await source.list({status: 'active'}, sort, {limit: pageSize, ...(after ? {after} : {})});
		rows.push(...page.rows);
		if (!page.next) return rows;
		after = page.next;
	}
}

describe('sort by remaining', () => {
	it('orders every open session by its expected end, least time left first, paging by keyset', async () => {
		const source = await SessionSource.open(db.pool);
		const tables = await probeSubscriberTables(db.pool);
		source.readTimeoutsFrom(timeoutTablesOf(tables.readable));
		const ascending = await sorted(source, {key: 'remaining', direction: 'asc'}, 3);
		const names = ascending.map((session) => session.username);
		expect(names.slice(0, 6)).toEqual(['over', 'both', 'group-1h', 'prio', 'own-2h', 'day']);
		// No timeout known: no end, so last (in either order of the two).
		expect(new Set(names.slice(6))).toEqual(new Set(['none', 'garbled']));
		expect(names).toHaveLength(USERS.length);

		// The order is the one the REMAINING cells show (folded with FreeRADIUS's precedence).
		const contexts = await readSubscriberContexts(db.pool, tables, names as string[]);
		const now = new Date();
		const left = ascending.map(
			(session) => remainingOf(session, contexts.get(session.username!)!.sessionTimeout, now)?.seconds ?? Infinity,
		);
		expect([...left].sort((a, b) => a - b)).toEqual(left);

		const descending = await sorted(source, {key: 'remaining', direction: 'desc'}, 2);
		expect(descending.map((session) => session.username).slice(2)).toEqual([...names.slice(0, 6)].reverse());
	});

	it('works with a search and a NAS filter (the joins clash with no radacct column)', async () => {
		const source = await SessionSource.open(db.pool);
		source.readTimeoutsFrom({userReply: true, groupReply: true});
		const searched = await sorted(source, {key: 'remaining', direction: 'asc'}, 5);
		expect(searched.length).toBe(USERS.length);
		const page = await source.list(
			{status: 'active', search: 'o', nasIps: ['10.20.0.1']},
			{key: 'remaining', direction: 'asc'},
			{limit: 10},
		);
		expect(page.rows.map((session) => session.username)).toEqual(['over', 'both', 'group-1h', 'prio', 'own-2h', 'none']);
	});

	it('without the reply tables it still lists every session (none has a known end)', async () => {
		const source = await SessionSource.open(db.pool);
		source.readTimeoutsFrom({userReply: false, groupReply: false});
		const rows = await sorted(source, {key: 'remaining', direction: 'asc'}, 3);
		expect(rows).toHaveLength(USERS.length);
	});
});
