/**
 * The subscriber context against a real database (PostgreSQL when DATABASE_URL is set, else the embedded
 * PGlite): groups by priority, FreeRADIUS's precedence, missing and unreadable tables, 500 usernames, and a
 * password in radcheck that is never fetched.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {readSubscriberContexts} from '../../source/subscribers/subscriber-reader.js';
import {probeSubscriberTables} from '../../source/subscribers/subscriber-tables.js';
import {recording} from '../helpers/recording-db.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const PASSWORD = 'pw-never-shown-7f3a9c';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
	await db.pool.query(FREERADIUS_AUTHORISATION_SQL);
	await db.pool.query(`
		INSERT INTO radusergroup (username, groupname, priority) VALUES
			('alice', 'fiber-100', 2), ('alice', 'business', 1), ('bob', 'fiber-100', 1), ('carol', 'trial', 1), ('carol', 'fiber-100', 2);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
			('fiber-100', 'Session-Timeout', '=', '86400'),
			('fiber-100', 'Mikrotik-Rate-Limit', '=', '100M/100M'),
			('business', 'Mikrotik-Rate-Limit', '=', '500M/500M'),
			('business', 'Reply-Message', '=', 'not read'),
			('trial', 'Session-Timeout', ':=', '3600'),
			('trial', 'Fall-Through', '=', 'No');
		INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES ('fiber-100', 'Simultaneous-Use', ':=', '2');
		INSERT INTO radreply (username, attribute, op, value) VALUES
			('bob', 'Mikrotik-Rate-Limit', ':=', '20M/10M'),
			('dave', 'WISPr-Bandwidth-Max-Down', '=', '8000000'),
			('dave', 'Fall-Through', '=', 'No');
		INSERT INTO radcheck (username, attribute, op, value) VALUES
			('alice', 'Cleartext-Password', ':=', '${PASSWORD}'),
			('bob', 'Cleartext-Password', ':=', '${PASSWORD}'),
			('bob', 'Simultaneous-Use', ':=', '1');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('dave', 'fiber-100', 1);
	`);
});

afterAll(async () => {
	await db?.close();
});

describe('subscriber context', () => {
	it('reads groups by priority, the reply in precedence, and never fetches a password', async () => {
		const tables = await probeSubscriberTables(db.pool);
		expect([...tables.readable].sort()).toEqual(['radcheck', 'radgroupcheck', 'radgroupreply', 'radreply', 'radusergroup']);
		const spy = recording(db.pool);
		const contexts = await readSubscriberContexts(spy.db, tables, ['alice', 'bob', 'carol', 'dave', 'nobody']);
		expect(spy.statements).toHaveLength(1);
		// alice: business (priority 1) before fiber-100; business's rate limit is set first, fiber's `=` keeps it.
		expect(contexts.get('alice')).toEqual({
			groups: ['business', 'fiber-100'],
			sessionTimeout: 86_400,
			rateLimit: {attribute: 'Mikrotik-Rate-Limit', value: '500M/500M'},
			simultaneousUse: 2,
		});
		// bob: his own rate limit stays (the group's is `=`); the group's `Simultaneous-Use := 2` comes later
		// and replaces his own 1, as FreeRADIUS moves a `:=` pair.
		expect(contexts.get('bob')).toEqual({
			groups: ['fiber-100'],
			sessionTimeout: 86_400,
			rateLimit: {attribute: 'Mikrotik-Rate-Limit', value: '20M/10M'},
			simultaneousUse: 2,
		});
		// carol: trial says Fall-Through = No, so fiber-100 after it is not applied.
		expect(contexts.get('carol')).toEqual({
			groups: ['trial', 'fiber-100'],
			sessionTimeout: 3600,
			rateLimit: null,
			simultaneousUse: null,
		});
		// dave: his own reply says Fall-Through = No: no group is applied.
		expect(contexts.get('dave')).toEqual({
			groups: ['fiber-100'],
			sessionTimeout: null,
			rateLimit: {attribute: 'WISPr-Bandwidth-Max-Down', value: '8000000'},
			simultaneousUse: null,
		});
		expect(contexts.get('nobody')).toEqual({groups: [], sessionTimeout: null, rateLimit: null, simultaneousUse: null});
		expect(JSON.stringify(spy.seen)).not.toContain(PASSWORD);
		expect(JSON.stringify(spy.seen)).not.toContain('Cleartext-Password');
		expect(JSON.stringify([...contexts])).not.toContain(PASSWORD);
	});

	it('asks for 500 usernames as one array parameter', async () => {
		const names = Array.from({length: 500}, (_, index) => `user-${index}`);
		await db.pool.query(
			`INSERT INTO radusergroup (username, groupname, priority) SELECT u, 'fiber-100', 1 FROM unnest($1::text[]) AS u`,
			[names],
		);
		const spy = recording(db.pool);
		const contexts = await readSubscriberContexts(spy.db, await probeSubscriberTables(db.pool), [...names, "o'brien", 'alice']);
		expect(spy.statements).toHaveLength(1);
		expect(spy.statements[0]).not.toContain('user-1');
		expect(contexts.size).toBe(502);
		expect(contexts.get('user-499')?.sessionTimeout).toBe(86_400);
		expect(contexts.get('user-0')?.groups).toEqual(['fiber-100']);
		expect(contexts.get("o'brien")?.groups).toEqual([]);
	});

	it('skips missing tables with the reason, and reads the rest', async () => {
		await db.pool.query('ALTER TABLE radgroupreply RENAME TO radgroupreply_away; ALTER TABLE radcheck RENAME TO radcheck_away');
		try {
			const tables = await probeSubscriberTables(db.pool);
			expect(tables.skipped.get('radgroupreply')).toBe('there is no radgroupreply table');
			expect(tables.skipped.get('radcheck')).toBe('there is no radcheck table');
			const contexts = await readSubscriberContexts(db.pool, tables, ['bob']);
			expect(contexts.get('bob')).toEqual({
				groups: ['fiber-100'],
				sessionTimeout: null,
				rateLimit: {attribute: 'Mikrotik-Rate-Limit', value: '20M/10M'},
				simultaneousUse: 2,
			});
		} finally {
			await db.pool.query('ALTER TABLE radgroupreply_away RENAME TO radgroupreply; ALTER TABLE radcheck_away RENAME TO radcheck');
		}
	});

	it('without radusergroup, reads no group table; without any table, asks nothing', async () => {
		await db.pool.query('ALTER TABLE radusergroup RENAME TO radusergroup_away');
		try {
			const tables = await probeSubscriberTables(db.pool);
			expect(tables.skipped.get('radusergroup')).toBe('there is no radusergroup table');
			expect(tables.skipped.get('radgroupreply')).toContain('not read without radusergroup');
			expect(tables.readable.has('radgroupcheck')).toBe(false);
			const contexts = await readSubscriberContexts(db.pool, tables, ['bob']);
			expect(contexts.get('bob')?.rateLimit?.value).toBe('20M/10M');
			const spy = recording(db.pool);
			const none = await readSubscriberContexts(spy.db, {readable: new Set(), skipped: new Map()}, ['bob']);
			expect(spy.statements).toHaveLength(0);
			expect(none.get('bob')?.groups).toEqual([]);
		} finally {
			await db.pool.query('ALTER TABLE radusergroup_away RENAME TO radusergroup');
		}
	});

	it('skips a table the role may not read, without an error', async () => {
		const role = `radtop_ro_${process.pid}`;
		await db.pool.query(`CREATE ROLE ${role}`);
		await db.pool.query(`GRANT SELECT ON radusergroup, radgroupreply, radreply TO ${role}`);
		await db.pool.query(`GRANT SELECT (id, username, attribute, op) ON radcheck TO ${role}`);
		const client = await db.pool.connect();
		try {
			await client.query(`SET ROLE ${role}`);
			const tables = await probeSubscriberTables(client);
			expect(tables.skipped.get('radcheck')).toBe('radcheck may not be read by this database role');
			expect(tables.skipped.get('radgroupcheck')).toBe('radgroupcheck may not be read by this database role');
			const contexts = await readSubscriberContexts(client, tables, ['alice']);
			expect(contexts.get('alice')?.groups).toEqual(['business', 'fiber-100']);
			expect(contexts.get('alice')?.simultaneousUse).toBeNull();
		} finally {
			await client.query('RESET ROLE');
			client.release();
			await db.pool.query(`REVOKE ALL ON radusergroup, radgroupreply, radreply, radcheck FROM ${role}; DROP ROLE ${role}`);
		}
	});
});
