import {describe, expect, it} from 'vitest';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';
import {
	buildCloseQuery,
	buildSkippedStateQuery,
	buildStaleListQuery,
	MAX_SWEEP_SESSIONS,
	TERMINATE_CAUSES,
	type TerminateCause,
} from '../../source/sweep/sweep-sql.js';

const ALL = new Set<string>(SESSION_COLUMNS);

/** Every $n placeholder of a statement, in order of first use. */
function placeholders(text: string): number[] {
	return [...new Set([...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])))];
}

describe('buildStaleListQuery', () => {
	it('passes the threshold and the limit as parameters, asking for one row more than the limit', () => {
		const query = buildStaleListQuery({staleAfterSeconds: 1800, limit: 500}, ALL);
		expect(query.values).toEqual([1800, 501]);
		expect(placeholders(query.text)).toEqual([1, 2]);
		expect(query.text).toContain('acctstoptime IS NULL');
		expect(query.text).toContain('GREATEST($1::bigint, 2 * radacct.acctinterval::bigint, 2 * typical.nas_interval::bigint)');
		expect(query.text).toContain('max(acctinterval) AS nas_interval');
		expect(query.text).toMatch(/ORDER BY COALESCE\(radacct\.acctupdatetime, radacct\.acctstarttime\), radacct\.radacctid LIMIT \$2$/);
	});

	it('filters by NAS as an inet array parameter, never in the text', () => {
		const query = buildStaleListQuery({staleAfterSeconds: 600, nasIps: ["10.0.0.1'; DROP TABLE radacct; --"], limit: 10}, ALL);
		expect(query.values).toEqual([600, ["10.0.0.1'; DROP TABLE radacct; --"], 11]);
		expect(query.text).toContain('nasipaddress = ANY($2::inet[])');
		expect(placeholders(query.text).sort()).toEqual([1, 2, 3]);
		expect(query.text).not.toContain('DROP');
	});

	it('uses the threshold alone when radacct has no acctinterval column', () => {
		const columns = new Set<string>(SESSION_COLUMNS.filter((column) => column !== 'acctinterval'));
		const query = buildStaleListQuery({staleAfterSeconds: 900, limit: 10}, columns);
		expect(query.text).toContain('NULL AS acctinterval');
		expect(query.text.replace('NULL AS acctinterval', '')).not.toContain('acctinterval');
		expect(query.text).not.toContain('typical');
		expect(query.text).toContain('$1::bigint::float8 AS allowed_seconds');
	});

	it('returns the last update with its microseconds, in UTC', () => {
		expect(buildStaleListQuery({staleAfterSeconds: 60, limit: 1}, ALL).text).toContain(
			`to_char(acctupdatetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS update_token`,
		);
	});

	it('rejects a limit out of range and a threshold that is not positive', () => {
		expect(() => buildStaleListQuery({staleAfterSeconds: 60, limit: 0}, ALL)).toThrow(RangeError);
		expect(() => buildStaleListQuery({staleAfterSeconds: 60, limit: MAX_SWEEP_SESSIONS + 1}, ALL)).toThrow(RangeError);
		expect(() => buildStaleListQuery({staleAfterSeconds: 60, limit: 1.5}, ALL)).toThrow(RangeError);
		expect(() => buildStaleListQuery({staleAfterSeconds: 0, limit: 1}, ALL)).toThrow(RangeError);
	});
});

describe('buildCloseQuery', () => {
	const rows = [
		{radacctid: '17', updateToken: '2026-11-25T08:00:00.123456Z'},
		{radacctid: '18', updateToken: null},
	];

	it('pairs each radacctid with its listed last update through two array parameters', () => {
		const query = buildCloseQuery(rows, 'Lost-Carrier');
		expect(query.values).toEqual([['17', '18'], ['2026-11-25T08:00:00.123456Z', null], 'Lost-Carrier']);
		expect(query.text).toContain('FROM unnest($1::bigint[], $2::timestamptz[]) AS listed(radacctid, acctupdatetime)');
	});

	it('closes only rows still open and with the same last update as listed (NULL equal to NULL)', () => {
		const {text} = buildCloseQuery(rows, 'Lost-Carrier');
		expect(text).toContain('radacct.radacctid = listed.radacctid AND radacct.acctstoptime IS NULL');
		expect(text).toContain('radacct.acctupdatetime IS NOT DISTINCT FROM listed.acctupdatetime');
	});

	it("sets the columns FreeRADIUS's stop query sets, from the last update or the start", () => {
		const {text} = buildCloseQuery(rows, 'NAS-Reboot');
		const stop = 'COALESCE(radacct.acctupdatetime, radacct.acctstarttime)';
		expect(text).toContain(`acctstoptime = ${stop}`);
		expect(text).toContain(`acctupdatetime = ${stop}`);
		expect(text).toContain(`acctsessiontime = GREATEST(0, floor(date_part('epoch', ${stop} - radacct.acctstarttime)))::bigint`);
		expect(text).toContain('acctterminatecause = $3');
		expect(text).toContain('RETURNING radacct.radacctid::text AS radacctid');
	});

	it('refuses an empty list and a cause that is no Acct-Terminate-Cause', () => {
		expect(() => buildCloseQuery([], 'Lost-Carrier')).toThrow(RangeError);
		expect(() => buildCloseQuery(rows, "x'; DROP TABLE radacct; --" as TerminateCause)).toThrow(RangeError);
	});

	it('knows the RFC 2866 and RFC 3580 causes, each short enough for the stock varchar(32) column', () => {
		expect(TERMINATE_CAUSES).toContain('Lost-Carrier');
		expect(TERMINATE_CAUSES).toContain('NAS-Reboot');
		expect(TERMINATE_CAUSES).toContain('Port-Administratively-Disabled');
		for (const cause of TERMINATE_CAUSES) expect(cause.length).toBeLessThanOrEqual(32);
	});
});

describe('buildSkippedStateQuery', () => {
	it('reads the rows back by a bigint array parameter', () => {
		const query = buildSkippedStateQuery(['5', '6']);
		expect(query.values).toEqual([['5', '6']]);
		expect(query.text).toContain('WHERE radacctid = ANY($1::bigint[])');
	});
});
