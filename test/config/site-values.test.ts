/** The `sites` setting as typed: checked (names, URLs, NAS keys), and shown by `config get` without secrets. */
import {describe, expect, it} from 'vitest';
import {formatSites, parseSites} from '../../source/config/site-values.js';
import {InvalidValueError} from '../../source/values/values.js';

describe('the sites setting', () => {
	it('reads sites with their databases, standbys and NAS settings (keyed by IP as radacct spells it)', () => {
		const sites = parseSites(
			JSON.stringify([
				{name: 'east', database: 'postgres://radius:pw1@db-east/radius', nas: {'10.9.9.9': {secret: 's-east', coaPort: 3799}}},
				{name: 'west', database: 'postgres://radius@db-west/radius', readDatabase: 'postgres://radius@db-west-standby/radius'},
			]),
		);
		expect(sites).toEqual([
			{
				name: 'east',
				database: 'postgres://radius:pw1@db-east/radius',
				nas: {'10.9.9.9': {ip: '10.9.9.9', secret: 's-east', coaPort: 3799}},
			},
			{name: 'west', database: 'postgres://radius@db-west/radius', readDatabase: 'postgres://radius@db-west-standby/radius'},
		]);
	});

	it.each([
		['not json', /must be JSON/],
		['[]', /at least one site/],
		['[{"name": "east"}]', /the database of east must be a postgres:\/\/ URL/],
		['[{"name": "east", "database": "mysql://x/y"}]', /postgres/],
		['[{"name": "ea st", "database": "postgres://x/y"}]', /letters, digits/],
		['[{"name": "a", "database": "postgres://x/y"}, {"name": "a", "database": "postgres://z/y"}]', /the name a is given twice/],
		['[{"name": "a", "database": "postgres://x/y", "colour": 1}]', /unknown key "colour"/],
		['[{"name": "a", "database": "postgres://x/y", "nas": {"bng-1": {}}}]', /keyed by IP/],
	])('refuses %s with one clear line', (text, message) => {
		expect(() => parseSites(text)).toThrow(InvalidValueError);
		expect(() => parseSites(text)).toThrow(message);
	});

	it('is shown without passwords and NAS secrets, and says something was left out', () => {
		const shown = formatSites(
			parseSites(
				JSON.stringify([
					{
						name: 'east',
						database: 'postgres://radius:pw1@db-east/radius',
						nas: {'10.9.9.9': {secret: 's-east', api: {user: 'u', password: 'p-api'}}},
					},
				]),
			),
		);
		expect(shown.hidden).toBe(true);
		expect(shown.text).not.toMatch(/pw1|s-east|p-api/);
		expect(JSON.parse(shown.text)).toEqual([
			{name: 'east', database: 'postgres://radius@db-east/radius', nas: {'10.9.9.9': {ip: '10.9.9.9', api: {user: 'u'}}}},
		]);
	});
});
