/** The NAS reloads of several sites: the same IP at two sites is two NAS, each with its own last reload. */
import {describe, expect, it} from 'vitest';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {nasCountKey} from '../../source/sessions/session-key.js';
import type {SessionReader} from '../../source/sessions/session-source.js';

function readerWithReloads(byIp: Record<string, string>): SessionReader {
	return {
		staleAfterSeconds: 600,
		nasReloads: async () => ({skipped: null, byIp: new Map(Object.entries(byIp).map(([ip, at]) => [ip, new Date(at)]))}),
	} as unknown as SessionReader;
}

describe('merged NAS reloads', () => {
	it("keys each site's reloads by site and IP, so a reload at one site marks nothing at the other", async () => {
		const merged = new MergedSessionReader([
			{name: 'north', reader: readerWithReloads({'10.20.0.1': '2026-12-01T08:00:00Z'})},
			{name: 'south', reader: readerWithReloads({'10.20.0.1': '2026-12-07T06:00:00Z', '10.30.0.1': '2026-12-06T00:00:00Z'})},
		]);
		const {byIp} = await merged.nasReloads();
		expect(byIp.get(nasCountKey({nasipaddress: '10.20.0.1', site: 'north'}))?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
		expect(byIp.get(nasCountKey({nasipaddress: '10.20.0.1', site: 'south'}))?.toISOString()).toBe('2026-12-07T06:00:00.000Z');
		expect(byIp.get('10.20.0.1')).toBeUndefined();
		expect([...byIp.keys()].sort()).toEqual(['north:10.20.0.1', 'south:10.20.0.1', 'south:10.30.0.1']);
	});
});
