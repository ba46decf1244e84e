/**
 * The stock indexes of FreeRADIUS's schema that the poll and FreeRADIUS rely on, matched on radacct by
 * definition, not by name, and the checks on them. Pure.
 */
import {result, type CheckResult} from './check.js';
import type {IndexFact} from './database-fact-types.js';

/** An index of the stock schema (FreeRADIUS 3 `mods-config/sql/main/postgresql/schema.sql`) that radtop needs. */
export interface StockIndex {
	readonly name: string;
	readonly columns: readonly string[];
	/** The WHERE of a partial index, as written in the stock schema. */
	readonly predicate?: string;
	/** `fail` when radtop's poll needs it, `warn` when FreeRADIUS's own queries do. */
	readonly missing: 'fail' | 'warn';
	readonly usedFor: string;
	/** The statement that creates it without blocking FreeRADIUS's writes. */
	readonly create: string;
}

/** The stock indexes radtop relies on, most important first. */
export const STOCK_INDEXES: readonly StockIndex[] = [
	{
		name: 'radacct_pkey',
		columns: ['radacctid'],
		missing: 'fail',
		usedFor: 'session details, paging and disconnects by radacctid',
		create: 'ALTER TABLE radacct ADD PRIMARY KEY (radacctid);',
	},
	{
		name: 'radacct_bulk_close',
		columns: ['nasipaddress', 'acctstarttime'],
		predicate: 'acctstoptime IS NULL',
		missing: 'fail',
		usedFor: "every poll's per-NAS open counts (index-only) and the NAS filter",
		create: 'CREATE INDEX CONCURRENTLY radacct_bulk_close ON radacct (nasipaddress, acctstarttime) WHERE acctstoptime IS NULL;',
	},
	{
		name: 'radacct_start_user_idx',
		columns: ['acctstarttime', 'username'],
		missing: 'fail',
		usedFor: 'the window of sessions in start order and the --from/--to filters',
		create: 'CREATE INDEX CONCURRENTLY radacct_start_user_idx ON radacct (acctstarttime, username);',
	},
	{
		name: 'radacct_active_session_idx',
		columns: ['acctuniqueid'],
		predicate: 'acctstoptime IS NULL',
		missing: 'warn',
		usedFor: "FreeRADIUS's interim-update and stop queries (each would scan radacct)",
		create: 'CREATE INDEX CONCURRENTLY radacct_active_session_idx ON radacct (acctuniqueid) WHERE acctstoptime IS NULL;',
	},
];

/** Normalises a predicate for comparison: `(AcctStopTime IS NULL)` and `acctstoptime is null` are the same. */
export function normalizePredicate(predicate: string | null | undefined): string {
	return (predicate ?? '').toLowerCase().replace(/[()"\s]/g, '');
}

/** How an index on radacct serves a stock index: exactly, only partly (a full index for a partial one), or not. */
export type IndexMatch =
	| {readonly kind: 'exact'; readonly index: IndexFact}
	| {readonly kind: 'full'; readonly index: IndexFact}
	| {readonly kind: 'invalid'; readonly index: IndexFact}
	| {readonly kind: 'missing'};

/**
 * Finds the index that does the stock index's job, whatever it is called: a b-tree whose leading key columns
 * are the stock ones in order, with the same partial predicate (or, second best, none).
 */
export function matchIndex(wanted: StockIndex, indexes: readonly IndexFact[]): IndexMatch {
	const leading = indexes.filter(
		(index) => index.method === 'btree' && wanted.columns.every((column, position) => index.columns[position] === column),
	);
	const predicate = normalizePredicate(wanted.predicate);
	const samePredicate = leading.filter((index) => normalizePredicate(index.predicate) === predicate);
	const byPreference = (candidates: readonly IndexFact[]) =>
		[...candidates].sort(
			(a, b) => Number(b.valid) - Number(a.valid) || Number(b.name === wanted.name) - Number(a.name === wanted.name),
		);
	const exact = byPreference(samePredicate)[0];
	if (exact?.valid) return {kind: 'exact', index: exact};
	const full = wanted.predicate ? byPreference(leading.filter((index) => index.predicate === null && index.valid))[0] : undefined;
	if (full) return {kind: 'full', index: full};
	if (exact) return {kind: 'invalid', index: exact};
	return {kind: 'missing'};
}

function describeIndex(wanted: StockIndex): string {
	return `(${wanted.columns.join(', ')})${wanted.predicate ? ` WHERE ${wanted.predicate}` : ''}`;
}

/** The checks on the indexes the poll and FreeRADIUS rely on. */
export function indexChecks(indexes: readonly IndexFact[]): CheckResult[] {
	return STOCK_INDEXES.map((wanted) => {
		const check = `index ${wanted.name}`;
		const match = matchIndex(wanted, indexes);
		const as = (index: IndexFact) => (index.name === wanted.name ? '' : ` as ${index.name}`);
		switch (match.kind) {
			case 'exact':
				return result(check, 'pass', `present${as(match.index)} ${describeIndex(wanted)}: ${wanted.usedFor}`);
			case 'full':
				return result(
					check,
					'warn',
					`only a full index${as(match.index)} on (${wanted.columns.join(', ')}): it serves, but is larger and cannot answer "${wanted.predicate}" without the heap`,
					wanted.create,
				);
			case 'invalid':
				return result(
					check,
					'fail',
					`${match.index.name} is INVALID (a failed CREATE INDEX CONCURRENTLY): PostgreSQL never uses it; needed for ${wanted.usedFor}`,
					`DROP INDEX CONCURRENTLY ${match.index.name}; then ${wanted.create}`,
				);
			case 'missing':
				return result(
					check,
					wanted.missing,
					`missing: no index on ${describeIndex(wanted)}; needed for ${wanted.usedFor}`,
					wanted.create,
				);
		}
	});
}
