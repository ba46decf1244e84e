import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest';
import {RouterOsPool} from '../../source/disconnect/routeros-disconnect.js';
import {activeQuery, matchActiveRows} from '../../source/routeros/active-sessions.js';
import {NasRegistry} from '../../source/nas/registry.js';
import {RouterOsClient} from '../../source/routeros/routeros-client.js';
import {FakeRouterOs, type PppActiveEntry} from '../helpers/fake-routeros.js';
import {makeSession} from './fixtures.js';

const ALICE = makeSession({
	username: 'alice',
	acctsessionid: '81b00001',
	framedipaddress: '100.64.0.1',
	callingstationid: 'AA:BB:CC:00:00:01',
});

function ppp(overrides: Partial<PppActiveEntry> = {}): PppActiveEntry {
	return {
		name: 'alice',
		service: 'pppoe',
		'caller-id': 'AA:BB:CC:00:00:01',
		address: '100.64.0.1',
		uptime: '1h2m3s',
		'session-id': '0x81B00001',
		...overrides,
	};
}

const unhandled = vi.fn();
beforeAll(() => {
	process.on('unhandledRejection', unhandled);
});
afterAll(() => {
	process.off('unhandledRejection', unhandled);
});
afterEach(() => {
	expect(unhandled).not.toHaveBeenCalled();
});

describe('matchActiveRows', () => {
	it('matches on session-id when the router reports one, ignoring 0x and case', () => {
		const rows = [ppp({'.id': '*1', 'session-id': '0x81B00002'}), ppp({'.id': '*2'})];
		expect(matchActiveRows(rows, ALICE, false).map((row) => row['.id'])).toEqual(['*2']);
	});

	it('falls back to address and caller-id (any MAC notation) without a session-id', () => {
		const rows = [
			{'.id': '*1', name: 'alice', address: '100.64.0.9', 'caller-id': 'AA:BB:CC:00:00:01'},
			{'.id': '*2', name: 'alice', address: '100.64.0.1', 'caller-id': 'aabb.cc00.0001'},
			{'.id': '*3', name: 'alice', address: '100.64.0.1', 'caller-id': 'AA:BB:CC:00:00:99'},
		];
		expect(matchActiveRows(rows, ALICE, false).map((row) => row['.id'])).toEqual(['*2']);
	});

	it('matches hotspot hosts by address and mac-address', () => {
		const rows = [
			{'.id': '*7', user: 'alice', address: '100.64.0.1', 'mac-address': 'AA:BB:CC:00:00:01'},
			{'.id': '*8', user: 'alice', address: '100.64.0.2', 'mac-address': 'AA:BB:CC:00:00:01'},
		];
		expect(matchActiveRows(rows, ALICE, true).map((row) => row['.id'])).toEqual(['*7']);
	});

	it('looks up by name (PPP) or user (hotspot), by address without a username', () => {
		expect(activeQuery(ALICE, false)).toEqual({name: 'alice'});
		expect(activeQuery(ALICE, true)).toEqual({user: 'alice'});
		expect(activeQuery(makeSession({username: null, framedipaddress: '100.64.0.3'}), false)).toEqual({address: '100.64.0.3'});
		expect(activeQuery(makeSession({username: null, framedipaddress: null}), false)).toBeUndefined();
	});
});

describe('RouterOsPool', () => {
	let router: FakeRouterOs | undefined;

	afterEach(async () => {
		await router?.close();
		router = undefined;
	});

	function nasFor(fake: FakeRouterOs, options: {hotspot?: boolean; password?: string} = {}) {
		return NasRegistry.from(
			[],
			[
				{
					ip: '10.20.0.1',
					name: 'bng-1',
					api: {
						host: fake.host,
						port: fake.port,
						user: 'admin',
						password: options.password ?? 'secret',
						hotspot: options.hotspot ?? false,
					},
				},
			],
		).get('10.20.0.1');
	}

	it('removes the matching entry and leaves the user’s other session alone, over one connection', async () => {
		router = await FakeRouterOs.start({
			pppActive: [ppp({'.id': '*A'}), ppp({'.id': '*B', 'session-id': '0x81B00009', address: '100.64.0.9'})],
		});
		const pool = new RouterOsPool();
		const nas = nasFor(router);
		expect(await pool.disconnect(nas, ALICE)).toEqual({kind: 'removed', detail: 'removed /ppp/active *A (name=alice)'});
		expect(await pool.disconnect(nas, ALICE)).toEqual({
			kind: 'not-found',
			detail: 'no /ppp/active entry for name=alice matches this session; 1 other entry of name=alice left alone',
		});
		expect(router.tables['/ppp/active'].map((row) => row['.id'])).toEqual(['*B']);
		expect(router.logins).toBe(1);
		await pool.close();
		await vi.waitFor(() => {
			expect(router?.connections).toBe(0);
		});
	});

	it('takes RouterOS 7.18’s !empty as nothing found', async () => {
		router = await FakeRouterOs.start({version7_18: true});
		const pool = new RouterOsPool();
		expect(await pool.disconnect(nasFor(router), ALICE)).toMatchObject({kind: 'not-found'});
		await pool.close();
	});

	it('finds hotspot hosts in /ip/hotspot/active', async () => {
		router = await FakeRouterOs.start({
			hotspotActive: [{user: 'alice', address: '100.64.0.1', 'mac-address': 'AA:BB:CC:00:00:01', uptime: '5m'}],
		});
		const pool = new RouterOsPool();
		expect(await pool.disconnect(nasFor(router, {hotspot: true}), ALICE)).toMatchObject({kind: 'removed'});
		expect(router.tables['/ip/hotspot/active']).toEqual([]);
		await pool.close();
	});

	it('reports a refused login once per connection attempt, then gives up on the NAS', async () => {
		router = await FakeRouterOs.start();
		const connect = vi.fn((options: Parameters<typeof RouterOsClient.connect>[0]) => RouterOsClient.connect(options));
		const pool = new RouterOsPool(connect, {maxConnectsPerNas: 2});
		const nas = nasFor(router, {password: 'wrong-password'});
		const outcomes = await Promise.all(Array.from({length: 5}, () => pool.disconnect(nas, ALICE)));
		expect(outcomes.every((outcome) => outcome.kind === 'failed')).toBe(true);
		expect(outcomes[0]?.detail).toContain('login refused: invalid user name or password');
		const later = await pool.disconnect(nas, ALICE);
		const last = await pool.disconnect(nas, ALICE);
		expect(last.detail).toMatch(/gave up after 2 connections/);
		expect(connect.mock.calls.length).toBeLessThanOrEqual(2);
		for (const outcome of [...outcomes, later, last]) expect(outcome.detail).not.toContain('wrong-password');
		await pool.close();
	});

	it('survives a router that closes the socket mid-command: looks again on a fresh connection', async () => {
		router = await FakeRouterOs.start({pppActive: [ppp({'.id': '*A'})]});
		const pool = new RouterOsPool();
		const nas = nasFor(router);
		router.faults.closeMidCommand = true;
		const broken = await pool.disconnect(nas, ALICE);
		expect(broken.kind).toBe('failed');
		router.faults.closeMidCommand = false;
		expect(await pool.disconnect(nas, ALICE)).toMatchObject({kind: 'removed'});
		await pool.close();
	});

	it('fails cleanly when nothing listens', async () => {
		router = await FakeRouterOs.start();
		const nas = nasFor(router);
		await router.close();
		router = undefined;
		const pool = new RouterOsPool(undefined, {timeoutMs: 1000});
		expect(await pool.disconnect(nas, ALICE)).toMatchObject({kind: 'failed', detail: expect.stringContaining('connection refused')});
		await pool.close();
	});
});
