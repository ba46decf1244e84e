/** Pure checks of the SQL builders: what reaches the query text, what travels as a parameter. */
import {describe, expect, it} from 'vitest';
import {
	buildCountQuery,
	buildHistoryQuery,
	buildListQuery,
	buildStaleAndUsersQuery,
	OPEN_COUNTS_QUERY,
	MAX_WINDOW,
	selectList,
	type SqlQuery,
} from '../../source/sessions/radacct-sql.js';
import {looksLikeMac, SearchSyntaxError} from '../../source/sessions/search.js';
import {escapeLike} from '../../source/sessions/search-sql.js';
import {SORT_KEYS} from '../../source/sessions/session.js';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';
import type {SessionFilter, SessionSort, SessionStatus, SortDirection, SortKey} from '../../source/sessions/session.js';

const ALL = new Set<string>(SESSION_COLUMNS);
const ACTIVE: SessionFilter = {status: 'active'};
const START_DESC: SessionSort = {key: 'start', direction: 'desc'};

/** The query text without table qualifiers (`radacct.username` -> `username`), so shapes compare simply. */
const bare = (text: string): string => text.replace(/\bradacct\./g, '');

const search = (text: string, status: SessionStatus = 'active'): SqlQuery =>
	buildListQuery({status, search: text}, START_DESC, {limit: 50}, ALL);

/** `$n` of the (first) parameter with this value. */
function placeholder(query: SqlQuery, value: unknown): string {
	const index = query.values.findIndex((candidate) => candidate === value);
	if (index < 0) throw new Error(`no parameter ${String(value)} in ${JSON.stringify(query.values)}`);
	return `$${index + 1}`;
}

const HOSTILE = [
	"'; drop table radacct; --",
	'%',
	'_',
	'!',
	'x'.repeat(10_000),
	'evil\x1b]52;c;aGVsbG8=\x07\x1b[2J',
	'a\'b"c\\d$1$$ END; --',
	'robert)); DELETE FROM nas; --',
];

describe('user input travels only as parameters', () => {
	/** The text as one quoted username term: quotes and backslashes escaped as the grammar reads them. */
	const quoted = (text: string) => `user:"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;

	it.each(HOSTILE.filter((text) => text.length <= 1000).map((text) => [text, text]))(
		'search %j leaves the query text as for a harmless search',
		(_label, text) => {
			const query = search(quoted(text));
			// The text depends only on the shape of the filter, never on the searched value.
			expect(query.text).toBe(search('alice').text);
			expect(query.values).toContain(`%${escapeLike(text)}%`);
			if (text.length > 1) expect(query.text).not.toContain(text);
		},
	);

	it('a search too long to be typed is refused before any SQL is built', () => {
		expect(() => search(quoted('x'.repeat(10_000)))).toThrow(SearchSyntaxError);
	});

	it('a MAC-like search compares digits, and the text does not depend on them', () => {
		const query = search('aabbccddeeff');
		expect(query.text).toBe(search('aa:bb').text);
		expect(query.values).toContain('%aabbccddeeff%');
		expect(query.text).not.toContain('aabb');
	});

	it('every filter value is a parameter: NAS IPs, times, search', () => {
		const from = new Date('2026-11-24T00:00:00Z');
		const to = new Date('2026-11-25T00:00:00Z');
		const query = buildListQuery(
			{status: 'closed', nasIps: ['10.0.0.1', "10.0.0.2'; --"], startedFrom: from, startedTo: to, search: 'bob'},
			START_DESC,
			{limit: 10},
			ALL,
		);
		expect(query.text).not.toContain('10.0.0');
		expect(query.text).not.toContain('2026');
		expect(query.text).not.toContain('bob');
		expect(query.values).toContainEqual(['10.0.0.1', "10.0.0.2'; --"]);
		expect(bare(query.text)).toContain(`nasipaddress = ANY(${placeholder(query, query.values.find(Array.isArray))}::inet[])`);
		expect(bare(query.text)).toContain(`acctstarttime >= ${placeholder(query, from)}`);
		expect(bare(query.text)).toContain(`acctstarttime < ${placeholder(query, to)}`);
		expect(bare(query.text)).toContain('acctstoptime IS NOT NULL');
	});

	it('status selects open, closed or all rows without parameters', () => {
		const where = (status: SessionStatus) => bare(buildCountQuery({status}).text);
		expect(where('active')).toContain('WHERE acctstoptime IS NULL');
		expect(where('closed')).toContain('WHERE acctstoptime IS NOT NULL');
		expect(where('all')).not.toContain('WHERE');
		expect(buildCountQuery({status: 'all'}).values).toEqual([]);
	});
});

describe('LIKE patterns', () => {
	it('escapes %, _ and the escape character ! itself with !', () => {
		expect(escapeLike('100%')).toBe('100!%');
		expect(escapeLike('carol_k')).toBe('carol!_k');
		expect(escapeLike('hi!')).toBe('hi!!');
		expect(escapeLike('!%_')).toBe('!!!%!_');
		expect(escapeLike('back\\slash')).toBe('back\\slash');
		expect(escapeLike('plain')).toBe('plain');
	});

	it('wraps the escaped, trimmed search in % and declares ! as the escape', () => {
		const query = search('  100%_fiber!  ');
		expect(query.values).toContain('%100!%!_fiber!!%');
		const pattern = placeholder(query, '%100!%!_fiber!!%');
		expect(bare(query.text)).toContain(`username ILIKE ${pattern} ESCAPE '!'`);
		// A bare word is a username: not a framed IP, not MAC digits.
		const where = bare(query.text).slice(bare(query.text).indexOf(' WHERE '));
		expect(where).not.toContain('host(framedipaddress)');
		expect(where).not.toContain('callingstationid');
	});

	it('a blank search is no search', () => {
		expect(search('   ').text).toBe(buildListQuery(ACTIVE, START_DESC, {limit: 50}, ALL).text);
		expect(search('   ').values).toEqual([50]);
	});

	it('a MAC-like search also compares hex digits only', () => {
		const query = search('AA-BB-CC');
		expect(query.values).toContain('%aabbcc%');
		expect(bare(query.text)).toContain(
			`regexp_replace(lower(callingstationid), '[^0-9a-f]', '', 'g') LIKE ${placeholder(query, '%aabbcc%')}`,
		);
		expect(search('alice').text).not.toContain('regexp_replace');
	});
});

describe('what a MAC looks like', () => {
	it.each([
		['aa:bb:cc', '%aabbcc%'],
		['AA-BB-CC', '%aabbcc%'],
		['aabb.cc', '%aabbcc%'],
		['dc2c.6e', '%dc2c6e%'],
		['DC:2C:6E:10:22:01', '%dc2c6e102201%'],
		['aabb.ccdd.eeff', '%aabbccddeeff%'],
		['bb.ccdd', '%bbccdd%'],
		['1234.5678', '%12345678%'],
	])('%s compares the digits %s', (input, digits) => {
		expect(looksLikeMac(input)).toBe(true);
		expect(search(input).values).toContain(digits);
	});

	it.each(['alice', 'ab', 'c011', 'dead', 'aa:bb:zz', 'bob@isp', 'aa.bb.cc', 'aabbc.cc', 'aabb..cc', '.aabb'])(
		'%j is not a MAC',
		(input) => {
			expect(looksLikeMac(input)).toBe(false);
		},
	);

	it.each(['100.64', '100.64.0.1', '10.20.0.', '192.168.', '1.2', '10.20.0.1/24'])(
		'dotted-decimal IPv4 %j is not taken as MAC digits',
		(input) => {
			expect(looksLikeMac(input)).toBe(false);
			expect(search(input).text).not.toContain('regexp_replace');
		},
	);
});

describe('sorting', () => {
	const EXPECTED: Record<SortKey, string> = {
		start: 'acctstarttime',
		duration: '(acctstoptime - acctstarttime)',
		down: 'acctoutputoctets',
		up: 'acctinputoctets',
		rate: 'COALESCE(acctoutputoctets * 8.0 / NULLIF(acctsessiontime, 0), 0)',
		user: 'username',
		nas: 'nasipaddress',
		ip: 'framedipaddress',
		// Without the reply tables no session has a known end.
		remaining: "'infinity'::timestamptz",
	};
	const cases = SORT_KEYS.flatMap((key) =>
		(['asc', 'desc'] as const).flatMap((direction) =>
			(['active', 'closed', 'all'] as const).map((status) => ({key, direction, status})),
		),
	);

	it('has exactly the documented sort keys', () => {
		expect([...SORT_KEYS].sort()).toEqual(['down', 'duration', 'ip', 'nas', 'rate', 'remaining', 'start', 'up', 'user']);
	});

	it.each(cases)(
		'$key $direction on $status: whitelisted expression, radacctid tiebreak in the same direction',
		({key, direction, status}) => {
			const query = buildListQuery({status}, {key, direction}, {limit: 20}, ALL);
			const order = /ORDER BY (.+) (ASC|DESC), radacctid (ASC|DESC) LIMIT \$\d+$/.exec(bare(query.text));
			expect(order, bare(query.text)).not.toBeNull();
			const [, expression, primary, tiebreak] = order!;
			expect(tiebreak).toBe(primary);
			if (key === 'duration' && status === 'active') {
				// Longest first = earliest start first: the start-time index serves it.
				expect(expression).toBe('acctstarttime');
				expect(primary).toBe(direction === 'asc' ? 'DESC' : 'ASC');
			} else {
				expect(primary).toBe(direction.toUpperCase());
				if (key === 'duration' && status === 'all')
					expect(expression).toMatch(/^\(COALESCE\(acctstoptime, .+\) - acctstarttime\)$/);
				else expect(expression).toBe(EXPECTED[key]);
			}
			// The sort value comes back for keyset paging.
			expect(bare(query.text)).toContain(`(${expression})::text AS sort_value`);
		},
	);

	it('rejects a sort key outside the whitelist instead of writing it into SQL', () => {
		expect(() => buildListQuery(ACTIVE, {key: 'username; DROP TABLE radacct' as SortKey, direction: 'asc'}, {limit: 1}, ALL)).toThrow();
	});

	it('a direction other than asc can only ever be DESC', () => {
		const query = buildListQuery(ACTIVE, {key: 'user', direction: 'sideways; --' as SortDirection}, {limit: 1}, ALL);
		expect(query.text).not.toContain('sideways');
		expect(bare(query.text)).toMatch(/ORDER BY username DESC, radacctid DESC/);
	});
});

describe('window', () => {
	it('LIMIT is a parameter equal to window.limit', () => {
		for (const limit of [1, 50, MAX_WINDOW]) {
			const query = buildListQuery(ACTIVE, START_DESC, {limit}, ALL);
			expect(query.text).toMatch(/ LIMIT \$(\d+)$/);
			const n = Number(/ LIMIT \$(\d+)$/.exec(query.text)![1]);
			expect(query.values[n - 1]).toBe(limit);
			expect(query.values).toHaveLength(n);
		}
	});

	it.each([0, -1, MAX_WINDOW + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('limit %s throws', (limit) => {
		expect(() => buildListQuery(ACTIVE, START_DESC, {limit}, ALL)).toThrow(RangeError);
	});

	it('adds OFFSET as a parameter only when positive and without a keyset', () => {
		const withOffset = buildListQuery(ACTIVE, START_DESC, {limit: 10, offset: 30}, ALL);
		expect(withOffset.text).toMatch(/ LIMIT \$1 OFFSET \$2$/);
		expect(withOffset.values).toEqual([10, 30]);
		expect(buildListQuery(ACTIVE, START_DESC, {limit: 10, offset: 0}, ALL).text).not.toContain('OFFSET');
		const keyset = buildListQuery(ACTIVE, START_DESC, {limit: 10, offset: 30, after: {value: null, radacctid: '5'}}, ALL);
		expect(keyset.text).not.toContain('OFFSET');
		expect(keyset.values).not.toContain(30);
	});

	it('rejects a fractional offset', () => {
		expect(() => buildListQuery(ACTIVE, START_DESC, {limit: 10, offset: 1.5}, ALL)).toThrow(RangeError);
	});
	it('fences an open-session search in a subquery, unless it is only nas: terms the planner can estimate', () => {
		const nasOnly = {nasIps: (nas: string) => (nas === 'bng-6' ? ['10.20.0.6'] : ['10.20.0.1'])};
		for (const text of ['alice', '100.64.0.1', 'aa:bb:cc', 'nas:10.20.0.1 alice', 'at:1d 100.64.0.1']) {
			expect(search(text).text, text).toContain(' OFFSET 0) AS hits ORDER BY sort_key DESC');
		}
		for (const text of ['-nas:bng-6', 'nas:bng-1 -nas:bng-6']) {
			const query = buildListQuery({status: 'active', search: text}, START_DESC, {limit: 50}, ALL, nasOnly);
			expect(query.text, text).not.toContain('OFFSET 0');
			expect(bare(query.text)).toMatch(/ORDER BY acctstarttime DESC, radacctid DESC LIMIT \$\d+$/);
		}
		// Over closed or every session nothing is fenced, as before.
		expect(search('alice', 'closed').text).not.toContain('OFFSET 0');
	});
});

describe('keyset predicates', () => {
	const keyset = (direction: SortDirection, value: string | null) => {
		const query = buildListQuery({status: 'all'}, {key: 'down', direction}, {limit: 10, after: {value, radacctid: '777'}}, ALL);
		const id = placeholder(query, '777');
		const v = value === null ? undefined : placeholder(query, value);
		return {text: bare(query.text), id, v, values: query.values};
	};

	it('ASC after a value: greater value, or equal value and greater id, or NULL (NULLs sort last)', () => {
		const {text, id, v} = keyset('asc', '1000');
		expect(text).toContain(
			`((acctoutputoctets >= ${v}::bigint AND (acctoutputoctets > ${v}::bigint OR radacctid > ${id}::bigint)) OR acctoutputoctets IS NULL)`,
		);
	});

	it('ASC after NULL: only later ids among the NULLs', () => {
		const {text, id, values} = keyset('asc', null);
		expect(text).toContain(`(acctoutputoctets IS NULL AND radacctid > ${id}::bigint)`);
		expect(values).not.toContain(null);
	});

	it('DESC after a value: smaller value, or equal value and smaller id (NULLs came first)', () => {
		const {text, id, v} = keyset('desc', '1000');
		expect(text).toContain(`(acctoutputoctets <= ${v}::bigint AND (acctoutputoctets < ${v}::bigint OR radacctid < ${id}::bigint))`);
		expect(text).not.toMatch(/acctoutputoctets IS NULL\)/);
	});

	it('DESC after NULL: smaller ids among the NULLs, then every value', () => {
		const {text, id} = keyset('desc', null);
		expect(text).toContain(`((acctoutputoctets IS NULL AND radacctid < ${id}::bigint) OR acctoutputoctets IS NOT NULL)`);
	});

	it('casts the keyset value back to the sort key type', () => {
		const cast = (key: SortKey) => {
			const query = buildListQuery({status: 'closed'}, {key, direction: 'asc'}, {limit: 5, after: {value: 'V', radacctid: '1'}}, ALL);
			return new RegExp(`\\${placeholder(query, 'V')}::(\\w+)`).exec(query.text)?.[1];
		};
		expect(cast('start')).toBe('timestamptz');
		expect(cast('duration')).toBe('interval');
		expect(cast('down')).toBe('bigint');
		expect(cast('up')).toBe('bigint');
		expect(cast('user')).toBe('text');
		expect(cast('nas')).toBe('inet');
		expect(cast('ip')).toBe('inet');
	});

	it('ANDs the keyset with the filter', () => {
		const query = buildListQuery(
			{status: 'active', search: 'alice'},
			START_DESC,
			{limit: 5, after: {value: '2026-11-25 10:00:00+00', radacctid: '9'}},
			ALL,
		);
		expect(bare(query.text)).toMatch(/WHERE acctstoptime IS NULL AND username ILIKE \$\d+ ESCAPE '!' AND \(acctstarttime <= /);
	});
});

describe('buildCountQuery', () => {
	it('counts exactly without a cap', () => {
		const query = buildCountQuery(ACTIVE);
		expect(query.text).not.toContain('LIMIT');
		expect(query.values).toEqual([]);
	});

	it('stops at cap + 1 so the caller can tell the cap was reached', () => {
		const query = buildCountQuery({status: 'closed', search: 'bob'}, 100_000);
		const n = Number(/LIMIT \$(\d+)\) AS capped$/.exec(query.text)?.[1]);
		expect(query.values[n - 1]).toBe(100_001);
		expect(query.text).not.toContain('100001');
		expect(query.values).toContain('%bob%');
	});
});

describe('the open-session counts', () => {
	it('read only what the stock partial index holds: NAS and start time of open rows', () => {
		expect(OPEN_COUNTS_QUERY.text).toContain('WHERE acctstoptime IS NULL GROUP BY nasipaddress');
		const columns = OPEN_COUNTS_QUERY.text.match(/\b(acct\w+|username|framedipaddress|callingstationid)\b/g) ?? [];
		expect(new Set(columns)).toEqual(new Set(['acctstarttime', 'acctstoptime']));
		expect(OPEN_COUNTS_QUERY.values).toEqual([]);
	});
});

describe('buildStaleAndUsersQuery', () => {
	it('counts stale sessions per NAS and distinct users, with the stale threshold as a parameter', () => {
		const query = buildStaleAndUsersQuery(1800);
		expect(query.text).toContain('GROUP BY nasipaddress');
		expect(query.text).toContain('GROUP BY username');
		expect(query.values).toEqual([1800]);
		expect(query.text).not.toContain('1800');
		expect(query.text).toContain('$1::bigint');
		expect(query.text).toMatch(/2 \* acctinterval/);
	});

	it('rounds the threshold to whole seconds, and uses it alone without acctinterval', () => {
		expect(buildStaleAndUsersQuery(90.4).values).toEqual([90]);
		expect(buildStaleAndUsersQuery(90, new Set(['username'])).text).not.toMatch(/acctinterval/);
	});
});

describe('buildHistoryQuery', () => {
	it('a user, newest first, limit as a parameter', () => {
		const query = buildHistoryQuery("o'brien", 20, ALL);
		expect(query.values).toEqual(["o'brien", 20]);
		expect(query.text).not.toContain('brien');
		expect(query.text).toContain('WHERE username = $1 ');
		expect(bare(query.text)).toMatch(/ORDER BY acctstarttime DESC NULLS LAST, radacctid DESC LIMIT \$2$/);
		expect(query.text).not.toContain('$3');
	});

	it('bounds the start time when asked', () => {
		const since = new Date('2026-11-01T00:00:00Z');
		const query = buildHistoryQuery('alice', 5, ALL, since);
		expect(query.values).toEqual(['alice', 5, since]);
		expect(query.text).toContain('username = $1 AND acctstarttime >= $3');
	});

	it.each([0, MAX_WINDOW + 1, 2.5])('rejects limit %s', (limit) => {
		expect(() => buildHistoryQuery('alice', limit, ALL)).toThrow(RangeError);
	});
});

describe('selectList', () => {
	it('selects NULL for columns an older schema lacks and plain addresses for inet columns', () => {
		const older = new Set<string>(SESSION_COLUMNS.filter((column) => column !== 'class' && column !== 'framedipv6address'));
		const list = selectList(older);
		expect(list).toContain('NULL AS class');
		expect(list).toContain('NULL AS framedipv6address');
		expect(list).toContain('host(framedipaddress) AS framedipaddress');
		expect(list).toContain('host(nasipaddress) AS nasipaddress');
		expect(list).toContain('radacctid::text AS radacctid');
		expect(selectList(ALL)).not.toContain('NULL AS');
	});
});
