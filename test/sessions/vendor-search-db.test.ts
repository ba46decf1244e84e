/**
 * `vendor:` against a real radacct, on the embedded PGlite and (with DATABASE_URL) on PostgreSQL: the rows
 * each term finds are those whose MAC the registry gives that vendor in JavaScript (net/oui-registry.ts), in
 * every spelling a NAS writes, and none whose Calling-Station-Id is not a MAC.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {macVendor, shortVendorName, vendorPrefixes} from '../../source/net/oui-registry.js';
import type {SearchTerm} from '../../source/sessions/search.js';
import {searchPredicates} from '../../source/sessions/search-sql.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {createTestDatabase, insertSessions, type FixtureSession, type TestDatabase} from '../helpers/test-database.js';

const FIXTURES: FixtureSession[] = [
	{username: 'apple-colons', callingstationid: 'f0:d1:a9:12:34:56'},
	{username: 'apple-dashes', callingstationid: '3C-07-54-00-00-01'},
	{username: 'apple-cisco', callingstationid: 'f0d1.a900.0002'},
	{username: 'apple-huawei', callingstationid: 'f0d1-a900-0003'},
	{username: 'apple-bare', callingstationid: 'F0D1A9000004'},
	{username: 'mikrotik', callingstationid: 'DC:2C:6E:10:22:02'},
	{username: 'synergy', callingstationid: 'C8:5C:E2:7A:BC:DE'},
	{username: 'soredi', callingstationid: '70:B3:D5:00:1A:BC'},
	{username: 'authority', callingstationid: '70:B3:D5:00:0A:BC'},
	{username: 'random-da', callingstationid: 'DA:A1:19:00:00:01'},
	{username: 'random-3com', callingstationid: '02:60:8c:00:00:01'},
	{username: 'unregistered', callingstationid: '00:AB:E0:00:00:01'},
	{username: 'hotspot', callingstationid: 'f0d1a9 hotspot user'},
	{username: 'seven-octets', callingstationid: 'f0:d1:a9:12:34:56:78'},
	{username: 'mixed', callingstationid: 'f0:d1-a9:12:34:56'},
	{username: 'ipv4', callingstationid: '100.64.0.1'},
	{username: 'none', callingstationid: null},
];

/** Whom a vendor term should find, by the registry in JavaScript. */
function expected(term: string): string[] {
	const negated = term.startsWith('-');
	const [, value] = /vendor:=?"?([^"]*)"?$/.exec(term)!;
	const exact = term.includes('vendor:=');
	const wanted = value!.toLowerCase();
	const matches = (mac: string | null | undefined) => {
		const vendor = macVendor(mac);
		if (wanted === 'random') return vendor.kind === 'random';
		if (vendor.kind !== 'registered') return false;
		const name = vendor.name.toLowerCase();
		return exact ? name === wanted || shortVendorName(vendor.name).toLowerCase() === wanted : name.includes(wanted);
	};
	return FIXTURES.filter((fixture) => matches(fixture.callingstationid) !== negated)
		.map((fixture) => fixture.username!)
		.sort();
}

const TERMS = [
	'vendor:apple',
	'vendor:=apple',
	'vendor:"Apple, Inc."',
	'vendor:routerboard',
	'vendor:="SYNERGY SYSTEMS AND SOLUTIONS"',
	'vendor:soredi',
	'vendor:="IEEE Registration Authority"',
	'vendor:random',
	'-vendor:random',
	'-vendor:apple',
];

const targets = [{name: 'PGlite', embedded: true}, ...(process.env['DATABASE_URL'] ? [{name: 'PostgreSQL', embedded: false}] : [])];

describe.each(targets)('vendor: on $name', ({embedded}) => {
	let database: TestDatabase;
	let source: SessionSource;

	beforeAll(async () => {
		database = await createTestDatabase({embedded});
		await insertSessions(database.pool, FIXTURES);
		source = await SessionSource.open(database.pool);
	});

	afterAll(async () => {
		await database?.close();
	});

	async function users(search: string): Promise<string[]> {
		const page = await source.list({status: 'active', search}, {key: 'user', direction: 'asc'}, {limit: 50});
		return page.rows.map((session) => session.username ?? '').sort();
	}

	it('finds Apple in every MAC spelling, and no text that only starts like one', async () => {
		expect(await users('vendor:apple')).toEqual(['apple-bare', 'apple-cisco', 'apple-colons', 'apple-dashes', 'apple-huawei']);
	});

	it('finds a randomized MAC by its U/L bit, 3Com’s old U/L prefix too', async () => {
		expect(await users('vendor:random')).toEqual(['random-3com', 'random-da']);
	});

	it('an MA-M and an MA-S vendor by the longest prefix; the Registration Authority keeps only what it did not give away', async () => {
		expect(await users('vendor:="SYNERGY SYSTEMS AND SOLUTIONS"')).toEqual(['synergy']);
		expect(await users('vendor:soredi')).toEqual(['soredi']);
		expect(await users('vendor:="IEEE Registration Authority"').catch((error: Error) => error.message)).toMatch(
			/matches 1 vendor, [\d,]+ prefixes/,
		);
	});

	it('an MA-L block less the MA-M and MA-S blocks given to others, past the cap (its SQL run alone)', async () => {
		const prefixes = vendorPrefixes('IEEE Registration Authority', true);
		expect(prefixes.except7.length + prefixes.except9.length).toBeGreaterThan(0);
		const term: SearchTerm = {kind: 'vendor', name: 'IEEE Registration Authority', exact: true, prefixes, negated: false, source: ''};
		const values: unknown[] = [];
		const [where] = searchPredicates({terms: [term]}, {add: (value) => `$${values.push(value)}`, nasIps: () => []});
		const {rows} = await database.pool.query(`SELECT username FROM radacct WHERE ${where} ORDER BY username`, values);
		expect(rows.map((row: {username: string}) => row.username)).toEqual(['authority']);
	});

	it.each(TERMS.filter((term) => !term.includes('Registration')))('%s finds what the registry says in JavaScript', async (term) => {
		expect(await users(term)).toEqual(expected(term));
	});

	it('with other terms', async () => {
		expect(await users('vendor:apple user:colons')).toEqual(['apple-colons']);
		expect(await users('vendor:apple -mac:f0:d1:a9')).toEqual(['apple-dashes']);
	});
});
