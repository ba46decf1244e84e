/**
 * doctor on real PostgreSQL (DATABASE_URL) as roles made for the test: one that may only SELECT, one with the
 * UPDATE grant the README gives for sweep, the same one with read-only sessions. Skipped on PGlite, which has
 * no login roles.
 */
import {randomBytes} from 'node:crypto';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {databaseChecks} from '../../source/doctor/database-checks.js';
import {SWEEP_UPDATE_COLUMNS} from '../../source/doctor/database-fact-types.js';
import {gatherDatabaseFacts} from '../../source/doctor/database-facts.js';
import {buildCloseQuery} from '../../source/sweep/sweep-sql.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const postgres = Boolean(process.env['DATABASE_URL']);
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const READER = `radtop_reader_${suffix}`;
const SWEEPER = `radtop_sweeper_${suffix}`;
const READ_ONLY = `radtop_readonly_${suffix}`;
const ROLES = [READER, SWEEPER, READ_ONLY];

let database: TestDatabase;

/** The test database's URL as another role (the CI and dev servers trust loopback). */
function urlAs(role: string): string {
	const url = new URL(database.url);
	url.username = role;
	url.password = '';
	return url.toString();
}

/** The doctor's database checks, gathered as `role`. */
async function checksAs(role: string) {
	const pool = new pg.Pool({connectionString: urlAs(role), max: 1});
	try {
		const facts = await gatherDatabaseFacts(pool, {label: role, runs: 1, staleAfterSeconds: 1800, measure: false});
		return {facts, checks: databaseChecks(facts)};
	} finally {
		await pool.end();
	}
}

const writes = (checks: ReturnType<typeof databaseChecks>) => checks.find((check) => check.check === 'writes (sweep --apply)');

beforeAll(async () => {
	if (!postgres) return;
	database = await createTestDatabase();
	for (const role of ROLES) await database.pool.query(`CREATE ROLE ${role} LOGIN`);
	for (const role of ROLES) await database.pool.query(`GRANT SELECT ON radacct, nas TO ${role}`);
	for (const role of [SWEEPER, READ_ONLY]) {
		await database.pool.query(`GRANT UPDATE (${SWEEP_UPDATE_COLUMNS.join(', ')}) ON radacct TO ${role}`);
	}
	await database.pool.query(`ALTER ROLE ${READ_ONLY} SET default_transaction_read_only = on`);
}, 120_000);

afterAll(async () => {
	if (!postgres || !database) return;
	// The grants live in the test database: drop them there, then the roles, then the database.
	for (const role of ROLES) await database.pool.query(`DROP OWNED BY ${role}`).catch(() => undefined);
	for (const role of ROLES) await database.pool.query(`DROP ROLE IF EXISTS ${role}`);
	await database.close();
});

describe('the radacct columns sweep --apply sets', () => {
	it('are those of its close query', () => {
		const {text} = buildCloseQuery([{radacctid: '1', updateToken: null}], 'Lost-Carrier');
		const set = /^UPDATE radacct SET (.*?) FROM /.exec(text)![1]!;
		const assigned = [...set.matchAll(/(?:^|, )(\w+) = /g)].map((match) => match[1]);
		expect(assigned.sort()).toEqual([...SWEEP_UPDATE_COLUMNS].sort());
	});
});

describe.skipIf(!postgres)('doctor and the role sweep --apply runs as', () => {
	it('warns for a role that may only SELECT, naming the command and the columns it needs', async () => {
		const {facts, checks} = await checksAs(READER);
		expect(facts.canSelect).toBe(true);
		expect(facts.writes).toEqual({notUpdatable: [...SWEEP_UPDATE_COLUMNS], readOnly: false, inRecovery: false});
		expect(checks.find((check) => check.check === 'table radacct')!.status).toBe('pass');
		expect(writes(checks)).toEqual({
			check: 'writes (sweep --apply)',
			status: 'warn',
			detail:
				'radtop sweep --apply needs UPDATE on radacct (acctstoptime, acctupdatetime, acctsessiontime, acctterminatecause); ' +
				'this role may not UPDATE acctstoptime, acctupdatetime, acctsessiontime, acctterminatecause',
			fix: `GRANT UPDATE (acctstoptime, acctupdatetime, acctsessiontime, acctterminatecause) ON radacct TO ${READER};`,
		});
	});

	it('names only the columns missing when some are granted', async () => {
		await database.pool.query(`GRANT UPDATE (acctstoptime, acctterminatecause) ON radacct TO ${READER}`);
		try {
			const {checks} = await checksAs(READER);
			expect(writes(checks)!.detail).toMatch(/this role may not UPDATE acctupdatetime, acctsessiontime$/);
		} finally {
			await database.pool.query(`REVOKE UPDATE ON radacct FROM ${READER}`);
		}
	});

	it("passes a role with the README's grant", async () => {
		const {checks} = await checksAs(SWEEPER);
		expect(writes(checks)).toMatchObject({status: 'pass'});
	});

	it('warns when the role may UPDATE but its sessions are read-only', async () => {
		const {facts, checks} = await checksAs(READ_ONLY);
		expect(facts.writes).toEqual({notUpdatable: [], readOnly: true, inRecovery: false});
		expect(writes(checks)).toMatchObject({
			status: 'warn',
			detail: "this role's sessions are read-only (default_transaction_read_only = on): radtop sweep --apply needs to UPDATE radacct",
			fix: `ALTER ROLE ${READ_ONLY} SET default_transaction_read_only = off; or run sweep --apply as a role that may write`,
		});
		// Everything else doctor checks still runs: the poll only reads.
		expect(facts.timings.length).toBeGreaterThan(0);
	});

	it('passes the database owner', async () => {
		const {checks} = await checksAs(new URL(database.url).username);
		expect(writes(checks)).toMatchObject({status: 'pass'});
	});
});
