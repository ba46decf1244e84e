import {describe, expect, it, vi} from 'vitest';
import {executeDisconnect, AuditError} from '../../source/disconnect/executor.js';
import {planDisconnect} from '../../source/disconnect/plan.js';
import {readTargets} from '../../source/disconnect/targets.js';
import {NasRegistry} from '../../source/nas/registry.js';
import type {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {getIp, getString} from '../../source/radius/packet.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {FakeRouterOs} from '../helpers/fake-routeros.js';
import {insertSessions, type TestDatabase} from '../helpers/test-database.js';
import {API_PASSWORD, depsFor, MemoryAudit, registryFor, SECRET, setUpExecutorWorld} from './harness.js';

const ACK = {code: PacketCode.DisconnectAck} as const;
const nak = (errorCause: number) => ({code: PacketCode.DisconnectNak, attributes: [{name: 'Error-Cause', value: errorCause}]}) as const;
const OPERATOR = {user: 'noc-test', sshClient: '192.0.2.10'};

let database: TestDatabase;
let coaClient: CoaClient;
let nas: FakeCoaNas | undefined;
let router: FakeRouterOs | undefined;
setUpExecutorWorld({
	setDatabase: (value) => (database = value),
	setCoaClient: (value) => (coaClient = value),
	async cleanup() {
		await nas?.close();
		await router?.close();
		nas = undefined;
		router = undefined;
	},
});

async function alice(extra: {stoppedAgo?: number} = {}): Promise<string> {
	const [id] = await insertSessions(database.pool, [
		{username: 'alice', nasipaddress: '10.20.0.1', acctsessionid: '81b00001', framedipaddress: '100.64.0.1', ...extra},
	]);
	return id!;
}

describe('executeDisconnect over CoA', () => {
	it('ACK: the session ends `coa`, and the Accounting-Stop written by the NAS confirms it', async () => {
		const id = await alice();
		nas = await startFakeCoaNas({
			secret: SECRET,
			answer: () => {
				// As FreeRADIUS would record the NAS's Accounting-Stop, a moment after the ACK.
				setTimeout(() => {
					void database.pool.query(
						"UPDATE radacct SET acctstoptime = now(), acctterminatecause = 'Admin-Reset' WHERE radacctid = $1",
						[id],
					);
				}, 50);
				return ACK;
			},
		});
		const deps = depsFor(database, registryFor(nas), coaClient);
		const result = await executeDisconnect({kind: 'session', radacctid: id}, deps, {
			method: 'coa',
			confirmPollMs: 100,
			confirmStopWithinMs: 3000,
			operator: OPERATOR,
		});
		expect(result.results).toHaveLength(1);
		expect(result.results[0]).toMatchObject({
			radacctid: id,
			username: 'alice',
			nasIp: '10.20.0.1',
			nasName: 'bng-1',
			method: 'coa',
			outcome: 'coa',
			stop: 'confirmed',
			terminateCause: 'Admin-Reset',
		});
		expect(result.results[0]?.reason).toMatch(/^ACK in [\d.]+ ms$/);
		expect(result.totals).toMatchObject({coa: 1, failed: 0});
		const request = nas.received[0]!.packet!;
		expect(getString(request, 'User-Name')).toBe('alice');
		expect(getString(request, 'Acct-Session-Id')).toBe('81b00001');
		expect(getIp(request, 'Framed-IP-Address')).toBe('100.64.0.1');
		expect(request.attributes.some((attribute) => attribute.name === 'Message-Authenticator')).toBe(true);
		const {rows} = await database.pool.query('SELECT acctterminatecause FROM radacct WHERE radacctid = $1', [id]);
		expect(rows[0].acctterminatecause).toBe('Admin-Reset');
	});

	it('reports an ACK without Accounting-Stop as not confirmed, and never writes acctstoptime itself', async () => {
		const id = await alice();
		nas = await startFakeCoaNas({secret: SECRET});
		const result = await executeDisconnect({kind: 'user', username: 'alice'}, depsFor(database, registryFor(nas), coaClient), {
			confirmPollMs: 100,
			confirmStopWithinMs: 400,
		});
		expect(result.results[0]).toMatchObject({outcome: 'coa', stop: 'not_confirmed'});
		const {rows} = await database.pool.query('SELECT acctstoptime FROM radacct WHERE radacctid = $1', [id]);
		expect(rows[0].acctstoptime).toBeNull();
	});

	it('NAK 503: the NAS no longer has the session', async () => {
		await alice();
		nas = await startFakeCoaNas({secret: SECRET, answer: () => nak(503)});
		const result = await executeDisconnect({kind: 'user', username: 'alice'}, depsFor(database, registryFor(nas), coaClient), {
			method: 'coa',
			confirmStopWithinMs: 0,
		});
		expect(result.results[0]).toMatchObject({outcome: 'not_on_nas', method: 'coa', reason: 'NAK: Session-Context-Not-Found (503)'});
		expect(result.results[0]?.stop).toBeUndefined();
	});

	it('another NAK fails with the Error-Cause', async () => {
		await alice();
		nas = await startFakeCoaNas({secret: SECRET, answer: () => nak(403)});
		const result = await executeDisconnect({kind: 'user', username: 'alice'}, depsFor(database, registryFor(nas), coaClient), {
			method: 'coa',
		});
		expect(result.results[0]).toMatchObject({outcome: 'failed', reason: 'NAK: NAS-Identification-Mismatch (403)'});
	});

	it('no answer: fails with a reason a human understands, after 3 identical tries', async () => {
		await alice();
		nas = await startFakeCoaNas({secret: SECRET, answer: () => undefined});
		const result = await executeDisconnect({kind: 'user', username: 'alice'}, depsFor(database, registryFor(nas), coaClient), {
			method: 'coa',
		});
		expect(result.results[0]?.outcome).toBe('failed');
		expect(result.results[0]?.reason).toMatch(/^bng-1 \(127\.0\.0\.1:\d+\) did not answer 3 tries in [\d.]+ s$/);
		expect(nas.received.map((request) => request.copy)).toEqual([1, 2, 3]);
	});

	it('auto: falls back to the RouterOS API after a CoA timeout', async () => {
		const id = await alice();
		nas = await startFakeCoaNas({secret: SECRET, answer: () => undefined});
		router = await FakeRouterOs.start({
			user: 'noc',
			password: API_PASSWORD,
			pppActive: [
				{
					name: 'alice',
					service: 'pppoe',
					'caller-id': 'AA:BB:CC:00:00:01',
					address: '100.64.0.1',
					uptime: '1h',
					'session-id': '0x81B00001',
				},
			],
		});
		const registry = registryFor(nas, {api: {host: router.host, port: router.port, user: 'noc', password: API_PASSWORD}});
		const result = await executeDisconnect({kind: 'session', radacctid: id}, depsFor(database, registry, coaClient), {
			method: 'auto',
			confirmStopWithinMs: 0,
		});
		expect(result.results[0]).toMatchObject({outcome: 'api', method: 'api'});
		expect(result.results[0]?.reason).toMatch(
			/^CoA: bng-1 \(127\.0\.0\.1:\d+\) did not answer 3 tries in [\d.]+ s; API: removed \/ppp\/active \*1 \(name=alice\)$/,
		);
		expect(router.tables['/ppp/active']).toEqual([]);
		await vi.waitFor(() => {
			expect(router?.connections).toBe(0);
		});
	});

	it('auto: after NAK 503, an API that finds nothing confirms the NAS does not have it', async () => {
		await alice();
		nas = await startFakeCoaNas({secret: SECRET, answer: () => nak(503)});
		router = await FakeRouterOs.start({user: 'noc', password: API_PASSWORD, version7_18: true});
		const registry = registryFor(nas, {api: {host: router.host, port: router.port, user: 'noc', password: API_PASSWORD}});
		const result = await executeDisconnect({kind: 'user', username: 'alice'}, depsFor(database, registry, coaClient), {method: 'auto'});
		expect(result.results[0]).toMatchObject({outcome: 'not_on_nas', method: 'api'});
		expect(result.results[0]?.reason).toBe(
			'CoA: NAK: Session-Context-Not-Found (503); API: no /ppp/active entry for name=alice matches this session',
		);
	});

	it('auto: a router that never answers ends `failed`, without an unhandled rejection', async () => {
		await alice();
		nas = await startFakeCoaNas({secret: SECRET, answer: () => nak(503)});
		router = await FakeRouterOs.start({user: 'noc', password: API_PASSWORD, faults: {neverAnswer: true}});
		const registry = registryFor(nas, {api: {host: router.host, port: router.port, user: 'noc', password: API_PASSWORD}});
		const result = await executeDisconnect({kind: 'user', username: 'alice'}, depsFor(database, registry, coaClient), {
			method: 'auto',
			apiTimeoutMs: 300,
		});
		expect(result.results[0]).toMatchObject({outcome: 'failed', method: 'api'});
		expect(result.results[0]?.reason).toMatch(
			/^CoA: NAK: Session-Context-Not-Found \(503\); API: bng-1 API \(127\.0\.0\.1:\d+\): timed out/,
		);
	});

	it('already_closed: a session closed between plan and execution gets nothing sent', async () => {
		const id = await alice();
		nas = await startFakeCoaNas({secret: SECRET});
		const registry = registryFor(nas);
		const {sessions} = await readTargets(database.pool, {kind: 'session', radacctid: id});
		const plan = planDisconnect(sessions, registry, {method: 'coa'}, {kind: 'session', radacctid: id});
		expect(plan.ready).toBe(1);
		await database.pool.query("UPDATE radacct SET acctstoptime = now(), acctterminatecause = 'User-Request' WHERE radacctid = $1", [
			id,
		]);
		const result = await executeDisconnect(plan, depsFor(database, registry, coaClient));
		expect(result.results).toEqual([
			expect.objectContaining({
				radacctid: id,
				outcome: 'already_closed',
				method: undefined,
				reason: expect.stringMatching(/^closed in radacct at .+ \(User-Request\)$/),
			}),
		]);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(nas.received).toHaveLength(0);
	});

	it('a row gone from radacct since the plan is not sent', async () => {
		const id = await alice();
		nas = await startFakeCoaNas({secret: SECRET});
		const registry = registryFor(nas);
		const {sessions} = await readTargets(database.pool, {kind: 'session', radacctid: id});
		const plan = planDisconnect(sessions, registry, {method: 'coa'});
		await database.pool.query('DELETE FROM radacct WHERE radacctid = $1', [id]);
		const result = await executeDisconnect(plan, depsFor(database, registry, coaClient));
		expect(result.results[0]).toMatchObject({outcome: 'not_sent', reason: 'no longer in radacct'});
		expect(nas.received).toHaveLength(0);
	});

	it('reports a NAS without a secret before sending, and sends nothing to it', async () => {
		await alice();
		nas = await startFakeCoaNas({secret: SECRET});
		const registry = registryFor(nas, {secret: undefined});
		const deps = depsFor(database, registry, coaClient);
		const result = await executeDisconnect({kind: 'user', username: 'alice'}, deps, {method: 'coa'});
		expect(result.results[0]).toMatchObject({
			outcome: 'not_sent',
			reason: "bng-1 (10.20.0.1) has no RADIUS secret (neither in the nas table nor in radtop's config)",
		});
		expect(deps.audit.records[0]).toMatchObject({event: 'disconnect.begin', planned: {total: 1, ready: 0, blocked: 1}});
		expect(nas.received).toHaveLength(0);
	});

	it('dry run: audits the plan and sends nothing', async () => {
		await alice();
		nas = await startFakeCoaNas({secret: SECRET});
		const deps = depsFor(database, registryFor(nas), coaClient);
		const result = await executeDisconnect({kind: 'user', username: 'alice'}, deps, {method: 'coa', dryRun: true});
		expect(result.results[0]).toMatchObject({outcome: 'not_sent', reason: 'dry run: would use coa'});
		expect(deps.audit.records.map((record) => [record.event, 'dryRun' in record && record.dryRun])).toEqual([
			['disconnect.begin', true],
			['disconnect.end', true],
		]);
		expect(nas.received).toHaveLength(0);
	});

	it('refuses to send when the opening audit record cannot be written', async () => {
		await alice();
		nas = await startFakeCoaNas({secret: SECRET});
		const deps = {...depsFor(database, registryFor(nas), coaClient), audit: {append: () => Promise.reject(new Error('disk full'))}};
		await expect(executeDisconnect({kind: 'user', username: 'alice'}, deps)).rejects.toThrow(AuditError);
		expect(nas.received).toHaveLength(0);
	});

	it('a NAS unknown to the registry is reported, not guessed at', async () => {
		await insertSessions(database.pool, [{username: 'carol', nasipaddress: '10.77.0.1'}]);
		const deps = depsFor(database, NasRegistry.from([]), coaClient, new MemoryAudit());
		const result = await executeDisconnect({kind: 'user', username: 'carol'}, deps);
		expect(result.results[0]).toMatchObject({
			outcome: 'not_sent',
			nasName: '10.77.0.1',
			reason: expect.stringContaining('10.77.0.1 has no RADIUS secret'),
		});
	});
});
