/**
 * The billing join against a real database (PostgreSQL when DATABASE_URL is set, else the embedded PGlite):
 * a subscribers table, a query that errors, one that sleeps past its timeout, 500 usernames, the cache.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {BillingLookup, type BillingDatabase} from '../../source/subscribers/billing.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const QUERY = 'SELECT username, full_name, service, location FROM subscribers WHERE username = ANY ($1::text[])';

let db: TestDatabase;

/** The pool, counting the billing queries run on it. */
function counting(pool: TestDatabase['pool']): {db: BillingDatabase; runs: () => number} {
	let runs = 0;
	return {
		runs: () => runs,
		db: {
			query: (text, values) => pool.query(text, values),
			async connect() {
				runs += 1;
				return pool.connect();
			},
		},
	};
}

beforeAll(async () => {
	db = await createTestDatabase();
	await db.pool.query(`CREATE TABLE subscribers (username text PRIMARY KEY, full_name text, service text, location text, since date)`);
	await db.pool.query(
		`INSERT INTO subscribers (username, full_name, service, location)
		 SELECT 'user-' || i, 'Name ' || i, CASE WHEN i % 2 = 0 THEN 'fiber-100' ELSE 'dsl-20' END, 'Street ' || i FROM generate_series(0, 599) AS i`,
	);
	await db.pool.query(`INSERT INTO subscribers VALUES ('alice', 'Alice Liddell', 'business', 'Oxford', '2020-01-02')`);
});

afterAll(async () => {
	await db?.close();
});

describe('billing join', () => {
	it('returns the extra columns per username, {} for one the query does not know', async () => {
		const billing = new BillingLookup(db.pool, {query: QUERY, timeoutMs: 2000});
		const result = await billing.lookup(['alice', 'user-3', 'nobody']);
		expect(result.status).toBeNull();
		expect(result.columns).toEqual(['full_name', 'service', 'location']);
		expect(result.values.get('alice')).toEqual({full_name: 'Alice Liddell', service: 'business', location: 'Oxford'});
		expect(result.values.get('user-3')).toEqual({full_name: 'Name 3', service: 'dsl-20', location: 'Street 3'});
		expect(result.values.get('nobody')).toEqual({});
	});

	it('asks for 500 usernames as one array, and for each again only after the cache time', async () => {
		let now = 1_000_000;
		const pool = counting(db.pool);
		const billing = new BillingLookup(pool.db, {query: QUERY, timeoutMs: 2000, cacheMs: 5000, now: () => now});
		const names = Array.from({length: 500}, (_, index) => `user-${index}`);
		const first = await billing.lookup(names);
		expect(pool.runs()).toBe(1);
		expect(first.values.size).toBe(500);
		expect(first.values.get('user-499')).toEqual({full_name: 'Name 499', service: 'dsl-20', location: 'Street 499'});
		now += 1000;
		const again = await billing.lookup(names);
		expect(pool.runs()).toBe(1);
		expect(again.values.get('user-0')?.['service']).toBe('fiber-100');
		await db.pool.query(`UPDATE subscribers SET service = 'moved' WHERE username = 'user-0'`);
		now += 5000;
		const later = await billing.lookup(['user-0']);
		expect(pool.runs()).toBe(2);
		expect(later.values.get('user-0')?.['service']).toBe('moved');
	});

	it('a query that errors leaves the values empty and says so in one line', async () => {
		const billing = new BillingLookup(db.pool, {query: 'SELECT username, plan FROM no_such_table WHERE username = ANY ($1::text[])'});
		const result = await billing.lookup(['alice']);
		expect(result.values.get('alice')).toEqual({});
		expect(result.status).toMatch(/^billing query failed: relation "no_such_table" does not exist$/);
		// The connection went back usable: the next statement on the one-connection pool answers.
		expect((await db.pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
	});

	it('a query that returns no username column is said so', async () => {
		const billing = new BillingLookup(db.pool, {query: 'SELECT full_name FROM subscribers WHERE username = ANY ($1::text[])'});
		const result = await billing.lookup(['alice']);
		expect(result.status).toBe('billing query: it returns no username column');
		expect(result.values.get('alice')).toEqual({});
	});

	it('a query past its timeout is ended and degrades to empty values, without holding the caller', async () => {
		const sleeping = `SELECT username, full_name, pg_sleep(${db.kind === 'postgresql' ? 10 : 2})::text AS slept FROM subscribers WHERE username = ANY ($1::text[])`;
		const billing = new BillingLookup(db.pool, {query: sleeping, timeoutMs: 300});
		const started = Date.now();
		const result = await billing.lookup(['alice']);
		const took = Date.now() - started;
		expect(result.status).toBe('billing query: no answer within 0.3 s');
		expect(result.values.get('alice')).toEqual({});
		// The embedded PGlite runs in this very process: a pg_sleep there holds the event loop itself, so only the
		// outcome can be checked on it; a real server is left by the client-side deadline in time.
		if (db.kind === 'postgresql') expect(took).toBeLessThan(3000);
		expect((await db.pool.query('SELECT 2 AS two')).rows[0].two).toBe(2);
	});

	if (process.env['DATABASE_URL']) {
		it('runs on a billing database of its own', async () => {
			const billingDb = await createTestDatabase({schema: false});
			try {
				await billingDb.pool.query(`CREATE TABLE customers (login text, name text, state text)`);
				await billingDb.pool.query(`INSERT INTO customers VALUES ('alice', 'Alice L.', 'active'), ('bob', 'Bob B.', 'suspended')`);
				const billing = new BillingLookup(billingDb.pool, {
					query: 'SELECT login AS username, name AS full_name, state AS account_state FROM customers WHERE login = ANY ($1::text[])',
				});
				const result = await billing.lookup(['alice', 'bob']);
				expect(result.columns).toEqual(['full_name', 'account_state']);
				expect(result.values.get('bob')).toEqual({full_name: 'Bob B.', account_state: 'suspended'});
			} finally {
				await billingDb.close();
			}
		});
	}
});
