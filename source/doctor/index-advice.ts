/**
 * What `radtop doctor` suggests for a slow poll query, with the gain and the price measured by `npm run
 * bench:poll` on 5,000,000 rows with 100,000 open sessions (README, "Big radacct tables"). Pure.
 */
import type {AdviceId, IndexFact, PollQueryId} from './database-fact-types.js';

/** One suggestion. */
export interface IndexAdvice {
	readonly id: AdviceId;
	/** What to run, on one line (CONCURRENTLY, so FreeRADIUS keeps writing meanwhile). */
	readonly statement: string;
	/** The README's measured gain. */
	readonly readmeGain: string;
	/** What it costs. */
	readonly price: string;
	/** For `--measure`: the extension it needs and the CREATE INDEX statements (no CONCURRENTLY: in a transaction). */
	readonly measure?: {readonly extension?: string; readonly indexes: readonly string[]};
}

const OPEN = 'WHERE acctstoptime IS NULL';

/** The trigram indexes of the README, one per searched column, each with the expression it indexes. */
const TRIGRAM_INDEXES = [
	{name: 'radacct_open_user_trgm', expression: 'username'},
	{name: 'radacct_open_ip_trgm', expression: 'host(framedipaddress)'},
	{name: 'radacct_open_mac_trgm', expression: 'callingstationid'},
] as const;

function isOpenOnly(index: IndexFact): boolean {
	return index.predicate !== null && index.predicate.toLowerCase().replace(/[()\s]/g, '') === 'acctstoptimeisnull';
}

/** True when a gin_trgm_ops index covers this expression for open sessions. */
function hasTrigramIndex(indexes: readonly IndexFact[], expression: string): boolean {
	const wanted = `(${expression} gin_trgm_ops)`.toLowerCase().replace(/\s+/g, ' ');
	return indexes.some(
		(index) =>
			index.valid &&
			index.method === 'gin' &&
			isOpenOnly(index) &&
			index.definition.toLowerCase().replace(/\s+/g, ' ').includes(wanted),
	);
}

/** True when a b-tree on open sessions leads with acctoutputoctets. */
function hasDownIndex(indexes: readonly IndexFact[]): boolean {
	return indexes.some((index) => index.valid && index.method === 'btree' && index.columns[0] === 'acctoutputoctets' && isOpenOnly(index));
}

/**
 * The suggestion for a slow query, or undefined when there is none that an index (or autovacuum) would make
 * (or it is in place already).
 */
export function adviceFor(query: PollQueryId, indexes: readonly IndexFact[], extensions: readonly string[]): IndexAdvice | undefined {
	if (query === 'sort-down') {
		if (hasDownIndex(indexes)) return undefined;
		return {
			id: 'open-down',
			statement: `CREATE INDEX CONCURRENTLY radacct_open_down ON radacct (acctoutputoctets, radacctid) ${OPEN};`,
			readmeGain: '650 ms without it, 1.5 ms with it',
			price: 'every Interim-Update writes it: 10,000 interim updates 6 to 45 % slower, and no longer HOT',
			measure: {indexes: [`CREATE INDEX radtop_doctor_open_down ON radacct (acctoutputoctets, radacctid) ${OPEN}`]},
		};
	}
	if (query === 'search') {
		const missing = TRIGRAM_INDEXES.filter((index) => !hasTrigramIndex(indexes, index.expression));
		if (missing.length === 0) return undefined;
		const extension = extensions.includes('pg_trgm') ? '' : 'CREATE EXTENSION IF NOT EXISTS pg_trgm; ';
		return {
			id: 'open-trgm',
			statement:
				extension +
				missing
					.map(
						(index) =>
							`CREATE INDEX CONCURRENTLY ${index.name} ON radacct USING gin (${index.expression} gin_trgm_ops) ${OPEN};`,
					)
					.join(' '),
			readmeGain: 'a search over open sessions 350 to 680 ms with the stock indexes, about 1 ms with these',
			price: 'about 17 MB for 100,000 open sessions; interim updates never touch them',
			measure: {
				extension: 'pg_trgm',
				indexes: missing.map(
					(index) =>
						`CREATE INDEX radtop_doctor_${index.name.replace(/^radacct_/, '')} ON radacct USING gin (${index.expression} gin_trgm_ops) ${OPEN}`,
				),
			},
		};
	}
	if (query === 'counts' || query === 'poll') {
		return {
			id: 'autovacuum',
			statement: 'ALTER TABLE radacct SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50000);',
			readmeGain: 'the counts 186 ms after one round of interim updates, 55 ms after a VACUUM',
			price: 'autovacuum visits radacct more often',
		};
	}
	return undefined;
}
