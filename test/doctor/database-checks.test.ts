import {describe, expect, it} from 'vitest';
import {databaseChecks, rowChecks, tableCheck, timingChecks, writeCheck} from '../../source/doctor/database-checks.js';
import type {DatabaseFacts, IndexFact, RowFacts} from '../../source/doctor/database-fact-types.js';
import {indexChecks, matchIndex, STOCK_INDEXES} from '../../source/doctor/index-checks.js';
import {adviceFor} from '../../source/doctor/index-advice.js';
import {REQUIRED_COLUMNS} from '../../source/sessions/radacct-sql.js';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';

function btree(name: string, columns: string[], predicate: string | null = null, extra: Partial<IndexFact> = {}): IndexFact {
	return {
		name,
		method: 'btree',
		columns,
		predicate,
		unique: false,
		primary: false,
		valid: true,
		definition: `CREATE INDEX ${name} ON public.radacct USING btree (${columns.join(', ')})`,
		...extra,
	};
}

/** The stock schema's indexes, as pg_index reports them. */
const STOCK: IndexFact[] = [
	btree('radacct_pkey', ['radacctid'], null, {unique: true, primary: true}),
	btree('radacct_acctuniqueid_key', ['acctuniqueid'], null, {unique: true}),
	btree('radacct_active_session_idx', ['acctuniqueid'], '(acctstoptime IS NULL)'),
	btree('radacct_bulk_close', ['nasipaddress', 'acctstarttime'], '(acctstoptime IS NULL)'),
	btree('radacct_start_user_idx', ['acctstarttime', 'username']),
	btree('radacct_calss_idx', ['class']),
];

const bulkClose = STOCK_INDEXES.find((index) => index.name === 'radacct_bulk_close')!;

describe('matchIndex', () => {
	it('finds a stock index by its definition, whatever it is called', () => {
		expect(matchIndex(bulkClose, STOCK)).toMatchObject({kind: 'exact', index: {name: 'radacct_bulk_close'}});
		const renamed = STOCK.map((index) => (index.name === 'radacct_bulk_close' ? {...index, name: 'open_by_nas'} : index));
		expect(matchIndex(bulkClose, renamed)).toMatchObject({kind: 'exact', index: {name: 'open_by_nas'}});
	});

	it('takes an index with more trailing columns, but not one in another column order', () => {
		const wider = [btree('wide', ['nasipaddress', 'acctstarttime', 'username'], '(acctstoptime IS NULL)')];
		expect(matchIndex(bulkClose, wider).kind).toBe('exact');
		expect(matchIndex(bulkClose, [btree('swapped', ['acctstarttime', 'nasipaddress'], '(acctstoptime IS NULL)')]).kind).toBe('missing');
	});

	it('tells a full index standing in for a partial one, an invalid one, and one with another predicate', () => {
		expect(matchIndex(bulkClose, [btree('full', ['nasipaddress', 'acctstarttime'])]).kind).toBe('full');
		expect(
			matchIndex(bulkClose, [
				btree('radacct_bulk_close', ['nasipaddress', 'acctstarttime'], '(acctstoptime IS NULL)', {valid: false}),
			]).kind,
		).toBe('invalid');
		expect(matchIndex(bulkClose, [btree('closed', ['nasipaddress', 'acctstarttime'], '(acctstoptime IS NOT NULL)')]).kind).toBe(
			'missing',
		);
		expect(
			matchIndex(bulkClose, [{...btree('hash', ['nasipaddress', 'acctstarttime'], '(acctstoptime IS NULL)'), method: 'hash'}]).kind,
		).toBe('missing');
	});
});

describe('indexChecks', () => {
	it('passes the stock schema', () => {
		expect(indexChecks(STOCK).map((check) => check.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
	});

	it("fails a missing index the poll needs, with the statement that creates it; warns for FreeRADIUS's own", () => {
		const checks = indexChecks(
			STOCK.filter((index) => index.name !== 'radacct_bulk_close' && index.name !== 'radacct_active_session_idx'),
		);
		const bulk = checks.find((check) => check.check === 'index radacct_bulk_close')!;
		expect(bulk.status).toBe('fail');
		expect(bulk.detail).toContain('(nasipaddress, acctstarttime) WHERE acctstoptime IS NULL');
		expect(bulk.fix).toBe(
			'CREATE INDEX CONCURRENTLY radacct_bulk_close ON radacct (nasipaddress, acctstarttime) WHERE acctstoptime IS NULL;',
		);
		expect(checks.find((check) => check.check === 'index radacct_active_session_idx')!.status).toBe('warn');
	});

	it('fails an invalid index with DROP then CREATE', () => {
		const checks = indexChecks(STOCK.map((index) => (index.name === 'radacct_start_user_idx' ? {...index, valid: false} : index)));
		const start = checks.find((check) => check.check === 'index radacct_start_user_idx')!;
		expect(start.status).toBe('fail');
		expect(start.fix).toMatch(/^DROP INDEX CONCURRENTLY radacct_start_user_idx; then CREATE INDEX CONCURRENTLY/);
	});
});

describe('tableCheck', () => {
	const label = 'radius@db1:5432/radius';
	it('fails without radacct, with columns missing, and without SELECT', () => {
		expect(tableCheck({columns: [], canSelect: false, label})).toMatchObject({
			status: 'fail',
			detail: expect.stringContaining('no radacct table in radius@db1:5432/radius'),
		});
		const lacking = REQUIRED_COLUMNS.filter((column) => column !== 'acctuniqueid');
		expect(tableCheck({columns: lacking, canSelect: true, label})).toMatchObject({
			status: 'fail',
			detail: "radacct lacks acctuniqueid: not FreeRADIUS's radacct",
		});
		expect(tableCheck({columns: [...SESSION_COLUMNS], canSelect: false, label})).toMatchObject({
			status: 'fail',
			fix: 'GRANT SELECT ON radacct, nas TO <radtop role>;',
		});
	});

	it('warns for an older schema and passes the current one', () => {
		expect(tableCheck({columns: SESSION_COLUMNS.filter((column) => column !== 'class'), canSelect: true, label}).status).toBe('warn');
		expect(tableCheck({columns: [...SESSION_COLUMNS], canSelect: true, label}).status).toBe('pass');
	});

	it('says why an IPv6 search finds nothing on a schema without the FreeRADIUS 3.2 columns', () => {
		const v30 = SESSION_COLUMNS.filter((column) => !['framedipv6address', 'framedipv6prefix', 'delegatedipv6prefix'].includes(column));
		const check = tableCheck({columns: v30, canSelect: true, label});
		expect(check.status).toBe('warn');
		expect(check.detail).toContain('a search for an IPv6 address or prefix finds nothing without them');
		expect(tableCheck({columns: SESSION_COLUMNS.filter((column) => column !== 'class'), canSelect: true, label}).detail).not.toContain(
			'IPv6',
		);
	});
});

const bigRows: RowFacts = {
	rows: 5_000_000,
	exact: false,
	open: 100_000,
	analyzed: true,
	pages: 100_000,
	allVisiblePages: 99_000,
	deadRows: 2000,
	vacuumedAgoSeconds: 600,
	options: [],
};

describe('rowChecks', () => {
	it('reports the estimate and the open count, and warns when VACUUM falls behind on a big table', () => {
		const [rows, vacuum] = rowChecks(bigRows);
		expect(rows).toMatchObject({status: 'pass', detail: '5,000,000 rows (estimate from pg_class), 100,000 open'});
		expect(vacuum!.status).toBe('pass');
		const behind = rowChecks({...bigRows, allVisiblePages: 20_000, deadRows: 800_000})[1]!;
		expect(behind.status).toBe('warn');
		expect(behind.detail).toContain('186 ms after one round of interim updates, 55 ms after a VACUUM');
		expect(behind.fix).toBe('ALTER TABLE radacct SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50000);');
	});

	it('warns when a sizeable radacct was never analyzed', () => {
		expect(rowChecks({...bigRows, rows: 50_000, exact: true, analyzed: false})[0]).toMatchObject({
			status: 'warn',
			fix: 'ANALYZE radacct;',
		});
	});
});

describe('timingChecks', () => {
	const base = {indexes: STOCK, rows: bigRows, extensions: [], failures: [], measurements: []};

	it('passes a query within its target and names its plan', () => {
		const [check] = timingChecks({
			...base,
			timings: [{id: 'counts', p50Ms: 52, runs: 5, plan: ['HashAggregate', 'Index Only Scan using radacct_bulk_close on radacct']}],
		});
		expect(check).toEqual({
			check: 'poll: per-NAS open counts',
			status: 'pass',
			detail: 'p50 52 ms over 5 runs (target 100 ms); plan: Index Only Scan using radacct_bulk_close on radacct',
		});
	});

	it("suggests the README's index with its measured figures for a slow sort, and the gain measured here with --measure", () => {
		const slow = {id: 'sort-down', p50Ms: 650, runs: 3, plan: ['Limit', 'Sort', 'Seq Scan on radacct']} as const;
		const [check] = timingChecks({...base, timings: [slow]});
		expect(check!.status).toBe('warn');
		expect(check!.detail).toContain('a Seq Scan on radacct (5,000,000 rows)');
		expect(check!.fix).toContain(
			'CREATE INDEX CONCURRENTLY radacct_open_down ON radacct (acctoutputoctets, radacctid) WHERE acctstoptime IS NULL;',
		);
		expect(check!.fix).toContain('measured on 5,000,000 rows: 650 ms without it, 1.5 ms with it');
		const [measured] = timingChecks({
			...base,
			timings: [slow],
			measurements: [{advice: 'open-down', beforeMs: 650, afterMs: 1.4, buildMs: 5200}],
		});
		expect(measured!.fix).toContain('measured here with --measure: 650 ms -> 1.40 ms, built in 5.2 s and rolled back');
	});

	it('suggests only the trigram indexes that are missing, and pg_trgm only when it is not installed', () => {
		const user = {
			...btree('radacct_open_user_trgm', [], '(acctstoptime IS NULL)'),
			method: 'gin',
			definition:
				'CREATE INDEX radacct_open_user_trgm ON public.radacct USING gin (username gin_trgm_ops) WHERE (acctstoptime IS NULL)',
		};
		const advice = adviceFor('search', [...STOCK, user], ['plpgsql', 'pg_trgm'])!;
		expect(advice.statement).not.toContain('CREATE EXTENSION');
		expect(advice.statement).not.toContain('radacct_open_user_trgm');
		expect(advice.statement).toContain('radacct_open_ip_trgm ON radacct USING gin (host(framedipaddress) gin_trgm_ops)');
		expect(adviceFor('search', STOCK, [])!.statement).toMatch(/^CREATE EXTENSION IF NOT EXISTS pg_trgm; /);
	});

	it('points at the missing stock index rather than an extra one when a Seq Scan is the cause', () => {
		const indexes = STOCK.filter((index) => index.name !== 'radacct_bulk_close');
		const [check] = timingChecks({
			...base,
			indexes,
			timings: [{id: 'counts', p50Ms: 900, runs: 3, plan: ['HashAggregate', 'Seq Scan on radacct']}],
		});
		expect(check).toMatchObject({status: 'warn', fix: 'create the missing radacct_bulk_close (see above)'});
	});

	it('fails a query that could not run', () => {
		const [check] = timingChecks({...base, timings: [], failures: [{id: 'window', error: 'permission denied for table radacct'}]});
		expect(check).toMatchObject({status: 'fail', detail: 'could not run: permission denied for table radacct'});
	});
});

describe('databaseChecks', () => {
	it('is one fail when the server cannot be reached', () => {
		const facts: DatabaseFacts = {
			label: 'radtop@db1:5432/radius',
			server: {error: 'connection refused (10.0.0.5:5432)'},
			columns: [],
			canSelect: false,
			nasTable: 'absent',
			indexes: [],
			timings: [],
			failures: [],
			extensions: [],
			measurements: [],
			setupFailures: [],
		};
		expect(databaseChecks(facts)).toEqual([
			expect.objectContaining({
				check: 'database',
				status: 'fail',
				detail: 'radtop@db1:5432/radius: connection refused (10.0.0.5:5432)',
			}),
		]);
	});

	it('turns each setup step that failed into a check of its own and still gives the others', () => {
		const timeout = 'canceling statement due to statement timeout';
		const facts: DatabaseFacts = {
			label: 'radtop@db1:5432/radius',
			server: {version: 'PostgreSQL 16.4', user: 'radtop'},
			columns: [...SESSION_COLUMNS],
			canSelect: true,
			nasTable: {rows: 2},
			indexes: STOCK,
			timings: [],
			failures: [],
			extensions: [],
			measurements: [],
			setupFailures: [{step: 'rows', error: timeout}],
		};
		const checks = databaseChecks(facts);
		expect(checks.find((check) => check.check === 'rows')).toMatchObject({
			status: 'fail',
			detail: expect.stringContaining(timeout),
			fix: expect.stringContaining('pg_locks'),
		});
		expect(checks.find((check) => check.check === 'table radacct')!.status).toBe('pass');
		expect(checks.find((check) => check.check === 'table nas')!.status).toBe('pass');
		expect(checks.filter((check) => check.check.startsWith('index ')).map((check) => check.status)).toEqual([
			'pass',
			'pass',
			'pass',
			'pass',
		]);

		const columnsFailed = databaseChecks({
			...facts,
			columns: [],
			canSelect: false,
			indexes: [],
			setupFailures: [
				{step: 'columns', error: timeout},
				{step: 'nas table', error: timeout},
			],
		});
		expect(columnsFailed.find((check) => check.check === 'table radacct')).toMatchObject({
			status: 'fail',
			detail: `could not read radacct's columns: ${timeout}`,
		});
		expect(columnsFailed.find((check) => check.check === 'table nas')).toMatchObject({
			status: 'warn',
			detail: expect.stringContaining(timeout),
		});
	});
});

describe('writeCheck', () => {
	const can = {notUpdatable: [], readOnly: false, inRecovery: false};

	it('passes a role that may UPDATE the columns sweep --apply sets, in sessions that may write', () => {
		expect(writeCheck(can, 'radtop')).toMatchObject({status: 'pass', detail: expect.stringContaining('radtop sweep --apply')});
	});

	it('warns on a hot standby, whatever the grants', () => {
		expect(writeCheck({...can, inRecovery: true}, 'radtop')).toEqual({
			check: 'writes (sweep --apply)',
			status: 'warn',
			detail: 'the server is a hot standby (pg_is_in_recovery()): radtop sweep --apply cannot close sessions here',
			fix: 'run radtop sweep --apply against the primary (--db, --profile)',
		});
	});

	it('gives the GRANT with the role quoted when it must be', () => {
		const check = writeCheck({...can, notUpdatable: ['acctsessiontime']}, 'NOC "ops"');
		expect(check.status).toBe('warn');
		expect(check.detail).toMatch(/needs UPDATE on radacct \(acctstoptime, acctupdatetime, acctsessiontime, acctterminatecause\)/);
		expect(check.fix).toBe(
			'GRANT UPDATE (acctstoptime, acctupdatetime, acctsessiontime, acctterminatecause) ON radacct TO "NOC ""ops""";',
		);
		// Read-only and without the grant: both fixes.
		expect(writeCheck({notUpdatable: ['acctstoptime'], readOnly: true, inRecovery: false}, 'ro').fix).toBe(
			'ALTER ROLE ro SET default_transaction_read_only = off; GRANT UPDATE (acctstoptime, acctupdatetime, acctsessiontime, acctterminatecause) ON radacct TO ro; or run sweep --apply as a role that may write',
		);
	});

	it('is in databaseChecks after the nas table, and a failed step is a warning of its own', () => {
		const facts: DatabaseFacts = {
			label: 'radtop@db1:5432/radius',
			server: {version: 'PostgreSQL 16.4', user: 'radtop'},
			columns: [...SESSION_COLUMNS],
			canSelect: true,
			writes: {...can, notUpdatable: ['acctstoptime']},
			nasTable: {rows: 2},
			indexes: STOCK,
			timings: [],
			failures: [],
			extensions: [],
			measurements: [],
			setupFailures: [],
		};
		const names = databaseChecks(facts).map((check) => check.check);
		expect(names.slice(0, 4)).toEqual(['database', 'table radacct', 'table nas', 'writes (sweep --apply)']);
		const failed = databaseChecks({...facts, writes: undefined, setupFailures: [{step: 'writes', error: 'permission denied'}]});
		expect(failed.find((check) => check.check === 'writes (sweep --apply)')).toMatchObject({
			status: 'warn',
			detail: 'could not read whether this role may UPDATE radacct: permission denied',
		});
		// Without the facts (radacct unreadable), no check.
		expect(databaseChecks({...facts, writes: undefined}).map((check) => check.check)).not.toContain('writes (sweep --apply)');
	});
});
