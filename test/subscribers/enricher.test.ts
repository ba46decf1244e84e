/**
 * One enrichment per poll against a real database (PostgreSQL when DATABASE_URL is set, else PGlite): the
 * window's sessions get their plan, limits, remaining time and billing values; a billing query that fails
 * leaves its cells empty and one status line, the rest still shown.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {BillingLookup} from '../../source/subscribers/billing.js';
import {SubscriberEnricher} from '../../source/subscribers/enricher.js';
import {probeSubscriberTables} from '../../source/subscribers/subscriber-tables.js';
import {subscriberFields} from '../../source/subscribers/subscriber-view.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
	await db.pool.query(FREERADIUS_AUTHORISATION_SQL);
	await db.pool.query(`
		CREATE TABLE subscribers (username text PRIMARY KEY, full_name text, service text, location text);
		INSERT INTO subscribers VALUES ('alice', 'Alice Liddell', 'fiber-100', 'Oxford');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'fiber-100', 1), ('bob', 'fiber-100', 1);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
			('fiber-100', 'Session-Timeout', '=', '3600'), ('fiber-100', 'Mikrotik-Rate-Limit', '=', '100M/100M');
		INSERT INTO radcheck (username, attribute, op, value) VALUES ('alice', 'Cleartext-Password', ':=', 'hunter2-secret');
	`);
	// alice 15 min in (45 min left), bob 70 min in (10 min past his hour).
	await insertSessions(db.pool, [
		{username: 'alice', startedAgo: 900},
		{username: 'bob', startedAgo: 4200},
	]);
});

afterAll(async () => {
	await db?.close();
});

describe('subscriber enricher', () => {
	it('enriches the window in one call, billing included', async () => {
		const source = await SessionSource.open(db.pool);
		const {rows} = await source.list({status: 'active'}, {key: 'user', direction: 'asc'}, {limit: 10});
		const billing = new BillingLookup(db.pool, {
			query: 'SELECT username, full_name, service, location FROM subscribers WHERE username = ANY ($1::text[])',
		});
		const enricher = new SubscriberEnricher(db.pool, await probeSubscriberTables(db.pool), billing);
		const result = await enricher.enrich(rows, new Date());
		expect(result.status).toBeNull();
		expect(result.billingColumns).toEqual(['full_name', 'service', 'location']);
		const [alice, bob] = rows.map((row) => subscriberFields(result.subscribers.get(row.radacctid)!, result.billingColumns));
		expect(alice).toMatchObject({plan: 'fiber-100', session_timeout: '3600', rate_limit: '100M/100M', full_name: 'Alice Liddell'});
		expect(alice!['remaining']).toMatch(/^(45m|44m5\ds) \(75%\)$/);
		expect(bob).toMatchObject({plan: 'fiber-100', over_time: 'yes', full_name: '', location: ''});
		expect(bob!['remaining']).toMatch(/^over by 10m/);
		expect(JSON.stringify([...result.subscribers])).not.toContain('hunter2-secret');
	});

	it('a failing billing query leaves empty cells and one status line', async () => {
		const source = await SessionSource.open(db.pool);
		const {rows} = await source.list({status: 'active'}, {key: 'user', direction: 'asc'}, {limit: 10});
		const billing = new BillingLookup(db.pool, {
			query: 'SELECT username, 1/0 AS boom FROM subscribers WHERE username = ANY ($1::text[])',
		});
		const enricher = new SubscriberEnricher(db.pool, await probeSubscriberTables(db.pool), billing);
		const result = await enricher.enrich(rows, new Date());
		expect(result.status).toBe('billing query failed: division by zero');
		expect(result.subscribers.get(rows[0]!.radacctid)?.billing).toEqual({});
		expect(result.subscribers.get(rows[0]!.radacctid)?.context.groups).toEqual(['fiber-100']);
	});
});
