/**
 * Doctor's advice for the online history on a real database big enough that radtop doctor looks: without an
 * index on acctstoptime the closed sessions are a sequential scan and doctor names the index; with it, the
 * history passes and the advice is gone.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {databaseChecks} from '../../source/doctor/database-checks.js';
import {gatherDatabaseFacts} from '../../source/doctor/database-facts.js';
import {adviceFor} from '../../source/doctor/index-advice.js';
import type {IndexFact} from '../../source/doctor/database-fact-types.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
const options = {label: 'test', runs: 2, staleAfterSeconds: 1800, measure: false};
const HISTORY = 'history: open sessions per NAS, 6 hours at one minute';

beforeAll(async () => {
	database = await createTestDatabase();
	// 200,000 sessions over 30 days, one in 20 still open; the closed ones lasted up to two hours.
	await database.pool.query(`
		INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, acctstoptime,
			callingstationid, framedipaddress, nasporttype, servicetype, framedprotocol)
		SELECT 's' || i, 'u' || i, 'user' || (i % 50000), ('10.20.0.' || (1 + i % 4))::inet, start, start,
			CASE WHEN i % 20 <> 0 THEN start + (i % 7200) * interval '1 second' END,
			'AA:BB:' || upper(lpad(to_hex(i), 8, '0')), '100.64.0.0'::inet + i, 'Ethernet', 'Framed-User', 'PPP'
		FROM generate_series(1, 200000) AS i, LATERAL (SELECT now() - (200000 - i) * interval '13 seconds' AS start) AS s`);
	await database.pool.query('VACUUM ANALYZE radacct');
}, 120_000);

afterAll(async () => {
	await database?.close();
});

async function historyCheck() {
	return (await checks()).find((check) => check.check === HISTORY);
}

async function checks() {
	return databaseChecks(await gatherDatabaseFacts(database.pool, options));
}

describe('doctor on the online history', () => {
	it('names the index of closed sessions by stop time while there is none, and nothing once it exists', async () => {
		const without = await historyCheck();
		expect(without).toMatchObject({status: 'warn'});
		expect(without!.detail).toMatch(/Seq Scan on radacct/);
		expect(without!.fix).toContain(
			'CREATE INDEX CONCURRENTLY radacct_closed_stop ON radacct (acctstoptime) INCLUDE (nasipaddress, acctstarttime) WHERE acctstoptime IS NOT NULL;',
		);
		expect(without!.fix).toMatch(/measured on 5,000,000 rows: the history of 6 hours at one minute .* ms/);

		await database.pool.query(
			'CREATE INDEX radacct_closed_stop ON radacct (acctstoptime) INCLUDE (nasipaddress, acctstarttime) WHERE acctstoptime IS NOT NULL',
		);
		try {
			await database.pool.query('VACUUM ANALYZE radacct');
			const withIt = await historyCheck();
			expect(withIt!.status).toBe('pass');
			expect(withIt!.detail).toContain('radacct_closed_stop');
			expect(withIt!.fix).toBeUndefined();
		} finally {
			await database.pool.query('DROP INDEX radacct_closed_stop');
		}
	}, 120_000);

	it('takes any valid b-tree led by acctstoptime over closed sessions, not one over open sessions or an invalid one', () => {
		const index = (overrides: Partial<IndexFact>): IndexFact => ({
			name: 'radacct_stop_user_idx',
			method: 'btree',
			columns: ['acctstoptime', 'username'],
			predicate: null,
			unique: false,
			primary: false,
			valid: true,
			definition: 'CREATE INDEX radacct_stop_user_idx ON public.radacct USING btree (acctstoptime, username)',
			...overrides,
		});
		expect(adviceFor('history', [index({})], [])).toBeUndefined();
		expect(adviceFor('history', [index({predicate: '(acctstoptime IS NOT NULL)'})], [])).toBeUndefined();
		expect(adviceFor('history', [index({valid: false})], [])?.id).toBe('closed-stop');
		expect(adviceFor('history', [index({predicate: '(acctstoptime IS NULL)'})], [])?.id).toBe('closed-stop');
		expect(adviceFor('history', [index({columns: ['username', 'acctstoptime']})], [])?.id).toBe('closed-stop');
	});
});
