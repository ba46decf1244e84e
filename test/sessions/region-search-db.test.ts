/**
 * `region:` against a real radacct (PostgreSQL with DATABASE_URL, else PGlite): a region's NAS by name, by IP
 * and by network (matched in the database, a NAS nobody named too), overlapping regions, negation, closed
 * sessions, and an unknown region refused with the regions there are.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {buildCountQuery} from '../../source/sessions/radacct-sql.js';
import {describeSearch, parseSearch, SearchSyntaxError} from '../../source/sessions/search.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {SessionFilter} from '../../source/sessions/session.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
let source: SessionSource;

const REGIONS = {
	north: ['bng-1', '10.20.0.2'],
	core: ['10.20.0.0/24'],
	south: ['bng-south', '10.99.0.0/16'],
};

beforeAll(async () => {
	database = await createTestDatabase();
	await insertSessions(database.pool, [
		{username: 'ann', nasipaddress: '10.20.0.1'},
		{username: 'bob', nasipaddress: '10.20.0.2'},
		// 10.20.0.9 is in no nas table row nor override: only the network takes it in.
		{username: 'cat', nasipaddress: '10.20.0.9'},
		{username: 'dan', nasipaddress: '10.30.0.1'},
		{username: 'eve', nasipaddress: '10.99.4.4'},
		{username: 'old', nasipaddress: '10.20.0.1', startedAgo: 7200, stoppedAgo: 3600},
	]);
	await database.pool.query("INSERT INTO nas (nasname, shortname, secret) VALUES ('10.20.0.1', 'bng-1', 's1')");
	source = await SessionSource.open(database.pool, {nasOverrides: [{ip: '10.30.0.1', name: 'BNG-South'}], regions: REGIONS});
});

afterAll(async () => {
	await database?.close();
});

async function users(search: string, status: SessionFilter['status'] = 'active'): Promise<string[]> {
	const page = await source.list({status, search}, {key: 'user', direction: 'asc'}, {limit: 50});
	const {total} = await source.count({status, search});
	expect(total, `the count of ${search}`).toBe(page.rows.length);
	return page.rows.map((session) => session.username ?? '');
}

describe('region: in a real radacct', () => {
	it('finds the NAS of a region by name and by IP, in any case', async () => {
		expect(await users('region:north')).toEqual(['ann', 'bob']);
		expect(await users('REGION:North')).toEqual(['ann', 'bob']);
	});

	it('takes in by network a NAS nobody named, and a name from the config', async () => {
		expect(await users('region:core')).toEqual(['ann', 'bob', 'cat']);
		expect(await users('region:south')).toEqual(['dan', 'eve']);
	});

	it('negates, and combines with the other terms and regions (a NAS in several)', async () => {
		expect(await users('-region:north')).toEqual(['cat', 'dan', 'eve']);
		expect(await users('region:core -region:north')).toEqual(['cat']);
		expect(await users('region:core region:north user:b')).toEqual(['bob']);
		expect(await users('region:north', 'closed')).toEqual(['old']);
	});

	it('refuses an unknown region, naming the regions there are', async () => {
		await expect(source.list({status: 'active', search: 'region:west'}, {key: 'user', direction: 'asc'}, {limit: 5})).rejects.toThrow(
			'search term "region:west": unknown region "west" (regions: core, north, south)',
		);
	});

	it('says a profile without regions has none to search', () => {
		expect(() => buildCountQuery({status: 'active', search: 'region:north'}, undefined, {})).toThrow(SearchSyntaxError);
		expect(() => buildCountQuery({status: 'active', search: 'region:north'}, undefined, {})).toThrow(/defines no region/);
	});

	it('reads and says the term in words', () => {
		expect(parseSearch('-region:"north"').terms).toEqual([{kind: 'region', region: 'north', negated: true, source: '-region:"north"'}]);
		expect(describeSearch(parseSearch('region:core -region:north'))).toBe('in region core · not in region north');
		expect(() => parseSearch('region:')).toThrow('search term "region:": region: needs a value');
	});

	it('binds the region as values, never as SQL text', () => {
		const query = buildCountQuery({status: 'active', search: 'region:north'}, undefined, {
			regionNas: (region) => source.regionNas(region),
		});
		expect(query.text).not.toContain('10.20.0.2');
		expect(query.values).toContainEqual(['10.20.0.1', '10.20.0.2']);
	});
});
