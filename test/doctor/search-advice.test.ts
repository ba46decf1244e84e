/**
 * Doctor's index advice for the searches the stock indexes cannot serve (`at:` with an IP over every session, a
 * MAC), on a real database big enough that radtop doctor looks: the advice while the index is absent from
 * pg_index, none once it is there.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {databaseChecks} from '../../source/doctor/database-checks.js';
import {gatherDatabaseFacts} from '../../source/doctor/database-facts.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
const options = {label: 'test', runs: 2, staleAfterSeconds: 1800, measure: false};
const AT_IP = 'search: an IP at an instant (at:, every session)';
const MAC = 'search: a MAC';

beforeAll(async () => {
	database = await createTestDatabase();
	// 150,000 sessions over 30 days, 100,000 of them open, each with its own framed IP and CPE MAC.
	await database.pool.query(`
		INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctstoptime,
			callingstationid, framedipaddress, nasporttype, servicetype, framedprotocol)
		SELECT 's' || i, 'u' || i, 'user' || (i % 50000), ('10.20.0.' || (1 + i % 4))::inet, start, start,
			CASE WHEN i % 3 = 0 THEN start + interval '1 hour' END,
			'AA:BB:' || upper(lpad(to_hex(i), 8, '0')), '100.64.0.0'::inet + i, 'Ethernet', 'Framed-User', 'PPP'
		FROM generate_series(1, 150000) AS i, LATERAL (SELECT now() - (150000 - i) * interval '17 seconds' AS start) AS s`);
	await database.pool.query('ANALYZE radacct');
}, 120_000);

afterAll(async () => {
	await database?.close();
});

async function checks() {
	return databaseChecks(await gatherDatabaseFacts(database.pool, options));
}

describe('doctor on searches the stock indexes cannot serve', () => {
	it('names the b-tree on (framedipaddress, acctstarttime) for at: with an IP while there is none, and nothing once it exists', async () => {
		const without = (await checks()).find((check) => check.check === AT_IP);
		expect(without).toMatchObject({status: 'warn'});
		expect(without!.fix).toContain('CREATE INDEX CONCURRENTLY radacct_ip_start ON radacct (framedipaddress, acctstarttime);');
		expect(without!.fix).toMatch(/measured on 5,000,000 rows: .*interim update/);

		await database.pool.query('CREATE INDEX radacct_ip_start ON radacct (framedipaddress, acctstarttime)');
		try {
			await database.pool.query('ANALYZE radacct');
			const withIt = (await checks()).find((check) => check.check === AT_IP);
			expect(withIt!.status).toBe('pass');
			expect(withIt!.detail).toContain('radacct_ip_start');
			expect(withIt!.fix).toBeUndefined();
		} finally {
			await database.pool.query('DROP INDEX radacct_ip_start');
		}
	}, 120_000);

	it.runIf(Boolean(process.env['DATABASE_URL']))(
		"names the trigram index on the MAC's digits while there is none, and nothing once it exists",
		async () => {
			const without = (await checks()).find((check) => check.check === MAC);
			expect(without).toMatchObject({status: 'warn'});
			expect(without!.fix).toContain(
				"radacct_open_mac_digits ON radacct USING gin ((regexp_replace(lower(callingstationid), '[^0-9a-f]', '', 'g')) gin_trgm_ops) WHERE acctstoptime IS NULL;",
			);
			expect(without!.fix).toMatch(/measured on 5,000,000 rows: .*interim update/);

			await database.pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
			await database.pool.query(
				"CREATE INDEX radacct_open_mac_digits ON radacct USING gin ((regexp_replace(lower(callingstationid), '[^0-9a-f]', '', 'g')) gin_trgm_ops) WHERE acctstoptime IS NULL",
			);
			try {
				await database.pool.query('ANALYZE radacct');
				const withIt = (await checks()).find((check) => check.check === MAC);
				expect(withIt!.status).toBe('pass');
				expect(withIt!.detail).toContain('radacct_open_mac_digits');
				expect(withIt!.fix).toBeUndefined();
			} finally {
				await database.pool.query('DROP INDEX radacct_open_mac_digits');
			}
		},
		120_000,
	);
});
