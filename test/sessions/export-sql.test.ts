/** Pure checks of the export's SQL: columns, the guard, and how values reach a COPY without entering its text. */
import {describe, expect, it} from 'vitest';
import {
	buildExportCopy,
	buildExportQuery,
	DEFAULT_EXPORT_COLUMNS,
	EXPORT_COLUMNS,
	exportColumn,
	exportFileName,
	parseExportColumns,
} from '../../source/sessions/export-sql.js';
import {SESSION_COLUMNS} from '../../source/sessions/session-columns.js';
import type {SessionFilter} from '../../source/sessions/session.js';

const ALL_COLUMNS = new Set<string>(SESSION_COLUMNS);
const HOSTILE = "x'); DROP TABLE radacct; --";

const build = (
	filter: SessionFilter,
	names: readonly string[] = DEFAULT_EXPORT_COLUMNS,
	available: ReadonlySet<string> = ALL_COLUMNS,
	formulaGuard = true,
) =>
	buildExportQuery(
		filter,
		{key: 'start', direction: 'desc'},
		{
			columns: names.map((name) => exportColumn(name)!),
			available,
			staleAfterSeconds: 1800,
			formulaGuard,
			nasNames: [{ip: '10.20.0.1', name: 'bng-1'}],
		},
	);

describe('export columns', () => {
	it('offers every radacct column radtop knows, under unique names', () => {
		const names = EXPORT_COLUMNS.map((column) => column.name);
		expect(new Set(names).size).toBe(names.length);
		for (const column of SESSION_COLUMNS) expect(names).toContain(column);
	});

	it('parses a --columns list in any case, in order, and names what is wrong', () => {
		expect(parseExportColumns('UserName, framedipaddress,downOctets').map((column) => column.name)).toEqual([
			'username',
			'framedipaddress',
			'downOctets',
		]);
		expect(() => parseExportColumns('username,password')).toThrow('unknown column "password"');
		expect(() => parseExportColumns('username,USERNAME')).toThrow('listed twice');
		expect(() => parseExportColumns('username,,nas')).toThrow('empty column name');
	});
});

describe('buildExportQuery', () => {
	it('keeps every user value out of the statement text', () => {
		const query = build({
			status: 'all',
			search: `user:"${HOSTILE}"`,
			nasIps: ['10.20.0.1'],
			startedFrom: new Date('2026-11-01T00:00:00Z'),
		});
		expect(query.text).not.toContain('DROP TABLE');
		expect(query.values).toContain(`%${HOSTILE}%`);
		expect(query.values).toContainEqual(['10.20.0.1']);
		expect(query.text).toMatch(/ORDER BY radacct\.acctstarttime DESC, radacct\.radacctid DESC$/);
	});

	it('guards text columns only, and none with the guard off', () => {
		const guarded = build({status: 'all'}, ['username', 'downOctets', 'nas']);
		expect(guarded.text).toMatch(/CASE WHEN left\(username, 1\) IN/);
		expect(guarded.text).toMatch(/CASE WHEN left\(COALESCE\(nas_names\.name/);
		expect(guarded.text).not.toMatch(/left\(acctoutputoctets/);
		expect(build({status: 'all'}, ['username', 'nas'], ALL_COLUMNS, false).text).not.toContain('left(');
	});

	it('reads a column an older schema lacks as NULL', () => {
		const older = new Set([...ALL_COLUMNS].filter((column) => column !== 'class' && column !== 'acctinterval'));
		const query = build({status: 'active'}, ['class', 'state'], older);
		expect(query.text).toContain(`NULL::text`);
		expect(query.text).not.toContain('acctinterval');
	});

	it('joins the NAS names only when the nas column is asked for', () => {
		expect(build({status: 'all'}, ['username']).text).not.toContain('nas_names');
		expect(build({status: 'all'}, ['nas']).values).toContainEqual(['bng-1']);
	});
});

describe('buildExportCopy', () => {
	it('passes every value as a bind parameter of set_config and reads it back in the COPY', () => {
		const query = build({
			status: 'closed',
			search: `user:"${HOSTILE}"`,
			nasIps: ['10.20.0.1', '10.20.0.2'],
			startedFrom: new Date('2026-11-01T00:00:00Z'),
		});
		const plan = buildExportCopy(query);
		expect(plan.copy).toMatch(/^COPY \(SELECT .*\) TO STDOUT WITH \(FORMAT csv, HEADER\)$/s);
		expect(plan.copy).not.toMatch(/\$\d/);
		expect(plan.copy).not.toContain('DROP TABLE');
		expect(plan.copy).toContain("(SELECT current_setting('radtop.export_1')::bigint)");
		expect(plan.settings!.text).not.toContain('DROP TABLE');
		expect(plan.settings!.values).toHaveLength(query.values.length);
		expect(plan.settings!.values).toContain(`%${HOSTILE}%`);
		expect(plan.settings!.values).toContain('{"10.20.0.1","10.20.0.2"}');
		expect(plan.settings!.values).toContain('2026-11-01T00:00:00.000Z');
	});

	it("puts a site's name first as a value of its own, never in the statement's text", () => {
		const query = buildExportQuery(
			{status: 'all'},
			{key: 'start', direction: 'desc'},
			{columns: [exportColumn('username')!], available: ALL_COLUMNS, staleAfterSeconds: 1800, site: 'north-2'},
		);
		const placeholder = /^SELECT \$(\d+)::text AS "site", /.exec(query.text);
		expect(placeholder).not.toBeNull();
		expect(query.values[Number(placeholder![1]) - 1]).toBe('north-2');
		const plan = buildExportCopy(query);
		expect(plan.copy).toMatch(/^COPY \(SELECT \(SELECT current_setting\('radtop\.export_\d+'\)::text\)::text AS "site", /);
		expect(plan.copy).not.toContain('north-2');
		expect(plan.settings!.values).toContain('north-2');
		expect(build({status: 'all'}, ['username']).text).not.toContain('"site"');
	});

	it('writes arrays as literals PostgreSQL reads back exactly, quotes and backslashes included', () => {
		const plan = buildExportCopy({text: 'SELECT $1::text[]', values: [['a"b', 'c\\d', 'e,f']]});
		expect(plan.settings!.values).toEqual(['{"a\\"b","c\\\\d","e,f"}']);
		expect(plan.copy).toContain("(SELECT current_setting('radtop.export_1')::text[])::text[]");
	});

	it('replaces $1 and $10 each by its own value', () => {
		const values = Array.from({length: 10}, (_value, index) => `v${index + 1}`);
		const plan = buildExportCopy({text: 'SELECT $1, $10', values});
		expect(plan.copy).toContain("current_setting('radtop.export_1')::text), (SELECT current_setting('radtop.export_10')::text)");
	});

	it('needs no settings for a statement without parameters', () => {
		expect(buildExportCopy({text: 'SELECT 1', values: []})).toEqual({copy: 'COPY (SELECT 1) TO STDOUT WITH (FORMAT csv, HEADER)'});
	});
});

describe('exportFileName', () => {
	it('names the file after the local time of the export', () => {
		expect(exportFileName(new Date(2026, 10, 25, 10, 45, 12))).toBe('radtop-sessions-20261125-104512.csv');
		expect(exportFileName(new Date(2026, 0, 2, 3, 4, 5))).toBe('radtop-sessions-20260102-030405.csv');
	});
});
