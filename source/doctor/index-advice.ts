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

/** bench:poll's figures for the IP index: `at:` + IP and an IP over every status, and 10,000 interim updates. */
const IP_GAIN =
	'`at:` with an IP 1.2 s, an IP over every status 1.1 s, an IP over open sessions 314 ms with the stock indexes, under 1 ms with it';
const IP_PRICE =
	'150 MB; a HOT interim update leaves it alone (the IP does not change), but 10,000 interim updates that cannot be HOT took 1.9 to 2.0 times as long';
/** bench:poll's figures for the MAC index. */
const MAC_GAIN = 'a MAC over open sessions 660 ms with the stock indexes, 4.5 ms with it';
const MAC_PRICE =
	'5 MB for 100,000 open sessions; interim updates never change the MAC, so HOT ones leave it alone; 10,000 that cannot be HOT 6 to 19 % slower';

/** bench:poll's figures for the index of closed sessions by stop time (README, "The online count over time"). */
const STOP_GAIN = 'the history of 6 hours at one minute 0.97 to 1.1 s with the stock indexes (a sequential scan), 175 to 225 ms with it';
const STOP_PRICE =
	'189 MB; Accounting-Start and interim updates never write it (open rows are left out, its columns do not change), each Accounting-Stop adds one entry (10,000 stops within the noise of a shared machine)';

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

/** True when a valid b-tree on every session (not partial) leads with framedipaddress. */
function hasIpIndex(indexes: readonly IndexFact[]): boolean {
	return indexes.some(
		(index) => index.valid && index.method === 'btree' && index.columns[0] === 'framedipaddress' && index.predicate === null,
	);
}

/** The MAC's hex digits as the search compares them (search-sql.ts), which is what the index must hold. */
const MAC_DIGITS = "regexp_replace(lower(callingstationid), '[^0-9a-f]', '', 'g')";

/** `regexp_replace(lower((callingstationid)::text), '[^0-9a-f]'::text, ...)` as written in a CREATE INDEX: the same. */
function comparable(definition: string): string {
	return definition
		.toLowerCase()
		.replace(/::text/g, '')
		.replace(/[()\s]/g, '');
}

/** True when a gin_trgm_ops index on the MAC's digits covers open sessions. */
function hasMacDigitsIndex(indexes: readonly IndexFact[]): boolean {
	const wanted = comparable(`${MAC_DIGITS} gin_trgm_ops`);
	return indexes.some(
		(index) => index.valid && index.method === 'gin' && isOpenOnly(index) && comparable(index.definition).includes(wanted),
	);
}

/** True when a valid b-tree leads with acctstoptime (any predicate that keeps closed sessions serves the range). */
function hasStopIndex(indexes: readonly IndexFact[]): boolean {
	return indexes.some(
		(index) =>
			index.valid &&
			index.method === 'btree' &&
			index.columns[0] === 'acctstoptime' &&
			(index.predicate === null || normalized(index.predicate) === 'acctstoptimeisnotnull'),
	);
}

function normalized(predicate: string): string {
	return predicate.toLowerCase().replace(/[()\s]/g, '');
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
	if (query === 'search-ip') {
		if (hasIpIndex(indexes)) return undefined;
		return {
			id: 'ip-start',
			statement: 'CREATE INDEX CONCURRENTLY radacct_ip_start ON radacct (framedipaddress, acctstarttime);',
			readmeGain: IP_GAIN,
			price: IP_PRICE,
			measure: {indexes: ['CREATE INDEX radtop_doctor_ip_start ON radacct (framedipaddress, acctstarttime)']},
		};
	}
	if (query === 'search-mac') {
		if (hasMacDigitsIndex(indexes)) return undefined;
		const extension = extensions.includes('pg_trgm') ? '' : 'CREATE EXTENSION IF NOT EXISTS pg_trgm; ';
		const index = (name: string) => `${name} ON radacct USING gin ((${MAC_DIGITS}) gin_trgm_ops) ${OPEN}`;
		return {
			id: 'open-mac-digits',
			statement: `${extension}CREATE INDEX CONCURRENTLY ${index('radacct_open_mac_digits')};`,
			readmeGain: MAC_GAIN,
			price: MAC_PRICE,
			measure: {extension: 'pg_trgm', indexes: [`CREATE INDEX ${index('radtop_doctor_open_mac_digits')}`]},
		};
	}
	if (query === 'history') {
		if (hasStopIndex(indexes)) return undefined;
		const index = (name: string) =>
			`${name} ON radacct (acctstoptime) INCLUDE (nasipaddress, acctstarttime) WHERE acctstoptime IS NOT NULL`;
		return {
			id: 'closed-stop',
			statement: `CREATE INDEX CONCURRENTLY ${index('radacct_closed_stop')};`,
			readmeGain: STOP_GAIN,
			price: STOP_PRICE,
			measure: {indexes: [`CREATE INDEX ${index('radtop_doctor_closed_stop')}`]},
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
