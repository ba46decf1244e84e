/**
 * The database facts doctor gathers, on a real database (PostgreSQL with DATABASE_URL, else PGlite) with the
 * stock schema: indexes read from pg_index, counts, timed and explained poll queries, and --measure's index
 * built inside a transaction that leaves nothing behind.
 */
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {databaseChecks} from '../../source/doctor/database-checks.js';
import {POLL_QUERIES} from '../../source/doctor/database-fact-types.js';
import {EventEmitter} from 'node:events';
import {gatherDatabaseFacts, pollStatements} from '../../source/doctor/database-facts.js';
import {MeasureInterrupted, measureAdvice} from '../../source/doctor/measure-advice.js';
import type {LendingPool} from '../../source/doctor/query-timing.js';
import {adviceFor} from '../../source/doctor/index-advice.js';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
const options = {label: 'test', runs: 2, staleAfterSeconds: 1800, measure: false};

beforeAll(async () => {
	database = await createTestDatabase();
	await insertSessions(database.pool, [
		{username: 'alice', nasipaddress: '10.20.0.1'},
		{username: 'bob', nasipaddress: '10.20.0.2'},
		{username: 'carol', nasipaddress: '10.20.0.2', stoppedAgo: 60},
	]);
}, 120_000);

afterAll(async () => {
	await database?.close();
});

describe('gatherDatabaseFacts', () => {
	it('reads the stock indexes by definition, counts rows, and times and explains every poll query', async () => {
		const facts = await gatherDatabaseFacts(database.pool, options);
		expect('error' in facts.server).toBe(false);
		expect(facts.canSelect).toBe(true);
		expect(facts.indexes.find((index) => index.name === 'radacct_bulk_close')).toMatchObject({
			method: 'btree',
			columns: ['nasipaddress', 'acctstarttime'],
			predicate: '(acctstoptime IS NULL)',
			valid: true,
		});
		expect(facts.rows).toMatchObject({rows: 3, exact: true, open: 2});
		// The test's role owns radacct: sweep --apply could close sessions.
		expect(facts.writes).toEqual({notUpdatable: [], readOnly: false, inRecovery: false});
		expect(facts.timings.map((timing) => timing.id)).toEqual(POLL_QUERIES.map((query) => query.id));
		for (const timing of facts.timings.filter((entry) => entry.id !== 'poll')) {
			expect(
				timing.plan.some((node) => node.endsWith('on radacct')),
				timing.id,
			).toBe(true);
		}
		const checks = databaseChecks(facts);
		expect(checks.filter((check) => check.check.startsWith('index ')).map((check) => check.status)).toEqual([
			'pass',
			'pass',
			'pass',
			'pass',
		]);
		expect(checks.find((check) => check.check === 'rows')!.detail).toBe('3 rows (counted), 2 open');
	});

	it('reports a dropped stock index as missing', async () => {
		await database.pool.query('DROP INDEX radacct_start_user_idx');
		try {
			const checks = databaseChecks(await gatherDatabaseFacts(database.pool, options));
			expect(checks.find((check) => check.check === 'index radacct_start_user_idx')).toMatchObject({
				status: 'fail',
				fix: 'CREATE INDEX CONCURRENTLY radacct_start_user_idx ON radacct (acctstarttime, username);',
			});
		} finally {
			await database.pool.query('CREATE INDEX radacct_start_user_idx ON radacct (acctstarttime, username)');
		}
	});

	it('reports a step that fails as a check of its own and still gives every other check', async () => {
		// A radacct locked by another session: the catalogue reads answer, the counts time out.
		const locked = {
			query: (text: string, values?: unknown[]) =>
				/count\(\*\)[\s\S]*FROM radacct/.test(text)
					? Promise.reject(Object.assign(new Error('canceling statement due to statement timeout'), {code: '57014'}))
					: database.pool.query(text, values),
		};
		const facts = await gatherDatabaseFacts(locked, options);
		expect(facts.setupFailures).toEqual([{step: 'rows', error: 'canceling statement due to statement timeout'}]);
		expect(facts.timings).toEqual([]);
		const checks = databaseChecks(facts);
		expect(checks.find((check) => check.check === 'rows')).toMatchObject({
			status: 'fail',
			detail: expect.stringContaining('statement timeout'),
		});
		expect(checks.find((check) => check.check === 'table radacct')!.status).toBe('pass');
		expect(checks.filter((check) => check.check.startsWith('index ')).map((check) => check.status)).toEqual([
			'pass',
			'pass',
			'pass',
			'pass',
		]);
	});

	it.runIf(Boolean(process.env['DATABASE_URL']))('reports a radacct locked by another session within the setup timeout', async () => {
		// A session of its own: the test pool has one connection.
		const holder = new pg.Client({connectionString: database.url});
		await holder.connect();
		try {
			await holder.query('BEGIN');
			await holder.query('LOCK TABLE radacct IN ACCESS EXCLUSIVE MODE');
			const started = Date.now();
			const facts = await gatherDatabaseFacts(database.pool, {...options, setupTimeoutMs: 500});
			expect(Date.now() - started).toBeLessThan(5000);
			expect(facts.setupFailures.map((failure) => failure.step)).toContain('rows');
			expect(databaseChecks(facts).find((check) => check.check === 'rows')!.status).toBe('fail');
		} finally {
			await holder.query('ROLLBACK');
			await holder.end();
		}
	});

	it('tells a role that may not read radacct to be granted SELECT, not that radacct is missing', async () => {
		const client = await database.pool.connect();
		try {
			await client.query('DROP ROLE IF EXISTS radtop_doctor_no_select');
			await client.query('CREATE ROLE radtop_doctor_no_select');
			await client.query('SET ROLE radtop_doctor_no_select');
			const facts = await gatherDatabaseFacts(client, options);
			expect(facts.columns).toEqual(expect.arrayContaining(['radacctid', 'acctstoptime']));
			expect(facts.canSelect).toBe(false);
			expect(databaseChecks(facts).find((check) => check.check === 'table radacct')).toMatchObject({
				status: 'fail',
				detail: 'this database role may not read radacct',
				fix: 'GRANT SELECT ON radacct, nas TO <radtop role>;',
			});
		} finally {
			await client.query('RESET ROLE');
			await client.query('DROP ROLE IF EXISTS radtop_doctor_no_select');
			client.release();
		}
	});

	it('reports an unreachable server as the one fail', async () => {
		const refused = {
			query: () =>
				Promise.reject(
					Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {code: 'ECONNREFUSED', address: '127.0.0.1', port: 1}),
				),
		};
		const facts = await gatherDatabaseFacts(refused, options);
		expect(databaseChecks(facts)).toEqual([
			expect.objectContaining({check: 'database', status: 'fail', detail: 'test: connection refused (127.0.0.1:1)'}),
		]);
	});
});

describe('measureAdvice', () => {
	it('builds the suggested index inside a transaction, times the query with it, and rolls it back', async () => {
		const advice = adviceFor('sort-down', [], [])!;
		const query = pollStatements(new Set(SESSION_COLUMNS), 1800).get('sort-down')!;
		const measurement = await measureAdvice(database.pool, advice, query, 5, 2);
		expect(measurement.error).toBeUndefined();
		expect(measurement.afterMs).toBeGreaterThan(0);
		expect(measurement.buildMs).toBeGreaterThan(0);
		const left = await database.pool.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE 'radtop_doctor%'");
		expect(left.rows[0].n).toBe(0);
		const open = await database.pool.query('SELECT count(*)::int AS n FROM radacct WHERE acctstoptime IS NULL');
		expect(open.rows[0].n).toBe(2);
	});

	it('reports why it could not measure and still rolls back', async () => {
		const advice = {
			...adviceFor('sort-down', [], [])!,
			measure: {indexes: ['CREATE INDEX radtop_doctor_x ON radacct (no_such_column)']},
		};
		const query = pollStatements(new Set(SESSION_COLUMNS), 1800).get('sort-down')!;
		const measurement = await measureAdvice(database.pool, advice, query, 5, 1);
		expect(measurement.error).toMatch(/no_such_column/);
		const status = await database.pool.query('SELECT 1 AS ok');
		expect(status.rows[0].ok).toBe(1);
	});

	it.runIf(Boolean(process.env['DATABASE_URL']))(
		'says it cannot measure an index another open transaction makes invisible, rather than no gain',
		async () => {
			const holder = new pg.Client({connectionString: database.url});
			await holder.connect();
			try {
				// A snapshot that still sees the row version a HOT update replaces: the new index gets indcheckxmin.
				await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
				await holder.query('SELECT count(*) FROM radacct');
				await database.pool.query(
					"UPDATE radacct SET acctoutputoctets = coalesce(acctoutputoctets, 0) + 1 WHERE username = 'alice'",
				);
				const advice = adviceFor('sort-down', [], [])!;
				const query = pollStatements(new Set(SESSION_COLUMNS), 1800).get('sort-down')!;
				const measurement = await measureAdvice(database.pool, advice, query, 5, 1);
				expect(measurement.afterMs).toBeUndefined();
				expect(measurement.error).toMatch(/^cannot be measured inside a transaction on this table right now/);
			} finally {
				await holder.query('ROLLBACK');
				await holder.end();
			}
		},
	);

	it.runIf(Boolean(process.env['DATABASE_URL']))('cancels the build on the server on SIGINT, rolls back and says so', async () => {
		await database.pool.query(
			"CREATE OR REPLACE FUNCTION radtop_doctor_slow(text) RETURNS text IMMUTABLE LANGUAGE sql AS 'SELECT pg_sleep(3)::text || $1'",
		);
		// The build's connection from the test pool; the cancel from a connection of its own.
		const other = new pg.Client({connectionString: database.url});
		await other.connect();
		const db: LendingPool = {query: (text, values) => other.query(text, values), connect: () => database.pool.connect()};
		const interrupts = new EventEmitter();
		try {
			const advice = {
				...adviceFor('sort-down', [], [])!,
				measure: {indexes: ['CREATE INDEX radtop_doctor_slow_idx ON radacct (radtop_doctor_slow(username))']},
			};
			const query = pollStatements(new Set(SESSION_COLUMNS), 1800).get('sort-down')!;
			const started = Date.now();
			const measuring = measureAdvice(db, advice, query, 5, 1, {interrupts});
			setTimeout(() => interrupts.emit('SIGINT', 'SIGINT'), 500);
			await expect(measuring).rejects.toBeInstanceOf(MeasureInterrupted);
			expect(Date.now() - started).toBeLessThan(3000);
			const busy = await other.query(
				"SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX radtop_doctor_slow_idx%' AND state = 'active'",
			);
			expect(busy.rows[0].n).toBe(0);
			expect(interrupts.listenerCount('SIGINT')).toBe(0);
		} finally {
			await other.end();
			await database.pool.query('DROP FUNCTION IF EXISTS radtop_doctor_slow(text)');
		}
	});
});
