import dgram from 'node:dgram';
import {once} from 'node:events';
import {connect, type Socket} from 'node:net';
import {PGlite} from '@electric-sql/pglite';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {recordInterims, recordStarts, type StartEvent} from '../../source/demo/accounting.js';
import {
	DEMO_API_PASSWORD,
	DEMO_API_USER,
	demoSimulatorConfig,
	startNasSimulator,
	type NasSimulator,
	type NasSimulatorOptions,
} from '../../source/demo/nas-simulator.js';
import type {RunningNas, SimulatedNasConfig} from '../../source/demo/simulated-nas-types.js';
import {formatUptime} from '../../source/demo/simulated-routeros.js';
import {DEMO_NAS} from '../../source/demo/network.js';
import {encodeRequest} from '../../source/radius/authenticators.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import type {CoaRequest, CoaResult} from '../../source/radius/coa-result.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {decodePacket, getInteger, type RadiusAttribute} from '../../source/radius/packet.js';
import {RouterOsClient} from '../../source/routeros/routeros-client.js';
import {RouterOsError} from '../../source/routeros/routeros-error.js';
import {encodeSentence, SentenceDecoder} from '../../source/routeros/words.js';
import {FREERADIUS_SCHEMA_SQL} from '../../source/db/freeradius-schema.js';

const NOW = Date.parse('2025-11-25T12:00:00Z');
const NOW_SECONDS = NOW / 1000;
/** Every session in the fixture started 1h2m3s before NOW. */
const AGE = 3723;
const API_PASSWORD = 'sim-Pa55';

const BNG_1: SimulatedNasConfig = {
	name: 'bng-1',
	ip: '10.20.0.1',
	secret: 'bng-1-secret',
	vendor: 'mikrotik',
	api: {user: 'noc', password: API_PASSWORD},
};
const BNG_3: SimulatedNasConfig = {name: 'bng-3', ip: '10.20.0.3', secret: 'bng-3-secret', vendor: 'cisco', poolBase: 32};
const HOTSPOT: SimulatedNasConfig = {
	name: 'hotspot-1',
	ip: '10.30.0.1',
	secret: 'hotspot-secret',
	vendor: 'mikrotik',
	service: 'hotspot',
	poolBase: 80,
	api: {user: 'noc', password: API_PASSWORD, emptyReply: false},
};

function start(uid: string, userName: string, nas: string, acctSessionId: string, ip: string, mac: string): StartEvent {
	return {
		acctSessionId,
		acctUniqueId: uid,
		userName,
		realm: null,
		nasIpAddress: nas,
		nasPortId: 'vlan100',
		nasPortType: 'Ethernet',
		timestamp: NOW_SECONDS - AGE,
		connectInfo: 'GPON',
		calledStationId: 'pppoe-test',
		callingStationId: mac,
		serviceType: 'Framed-User',
		framedProtocol: 'PPP',
		framedIpAddress: ip,
	};
}

const SESSIONS: readonly StartEvent[] = [
	start('u-alice', 'alice', '10.20.0.1', '81a00001', '100.64.0.10', 'DC:2C:6E:00:00:01'),
	start('u-bob-1', 'bob', '10.20.0.1', '81a00002', '100.64.0.11', 'DC:2C:6E:00:00:02'),
	start('u-bob-2', 'bob', '10.20.0.1', '81a00003', '100.64.0.12', 'DC:2C:6E:00:00:03'),
	start('u-carol', 'carol', '10.20.0.3', 'c0a80001', '100.96.0.5', 'dc2c.6e00.0005'),
	// The same user on another NAS: bng-1 must not see it.
	start('u-alice-3', 'alice', '10.20.0.3', 'c0a80002', '100.96.0.6', 'dc2c.6e00.0006'),
	{
		...start('u-dave', 'dave', '10.30.0.1', '81b00001', '100.144.0.7', 'DC-2C-6E-00-00-04'),
		nasPortType: 'Wireless-802.11',
		framedProtocol: '',
	},
];

const ALICE: readonly RadiusAttribute[] = [
	{name: 'User-Name', value: 'alice'},
	{name: 'Acct-Session-Id', value: '81a00001'},
	{name: 'Framed-IP-Address', value: '100.64.0.10'},
	{name: 'NAS-IP-Address', value: '10.20.0.1'},
];

let db: PGlite;
let clock = NOW;
let failQueries = false;
const simulators: NasSimulator[] = [];
const clients: CoaClient[] = [];
const routers: RouterOsClient[] = [];
const sockets: Socket[] = [];
const unhandled = vi.fn();
const uncaught = vi.fn();

beforeAll(async () => {
	db = await PGlite.create();
	await db.exec(FREERADIUS_SCHEMA_SQL);
	process.on('unhandledRejection', unhandled);
	process.on('uncaughtException', uncaught);
});

afterAll(async () => {
	process.off('unhandledRejection', unhandled);
	process.off('uncaughtException', uncaught);
	await db.close();
});

beforeEach(async () => {
	clock = NOW;
	failQueries = false;
	unhandled.mockClear();
	uncaught.mockClear();
	await db.exec('TRUNCATE radacct RESTART IDENTITY');
	await recordStarts(db, SESSIONS);
	// One interim a minute ago, so every session has octets.
	await recordInterims(
		db,
		SESSIONS.map((session) => ({
			acctUniqueId: session.acctUniqueId,
			timestamp: NOW_SECONDS - 60,
			sessionTime: AGE - 60,
			inputOctets: 1_000_000,
			outputOctets: 9_000_000,
			framedIpAddress: session.framedIpAddress,
		})),
	);
});

afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.destroy();
	await Promise.all(routers.splice(0).map(async (client) => client.close()));
	await Promise.all(clients.splice(0).map(async (client) => client.close()));
	await Promise.all(simulators.splice(0).map(async (simulator) => simulator.close()));
	await new Promise((resolve) => setTimeout(resolve, 20));
	expect(unhandled).not.toHaveBeenCalled();
	expect(uncaught).not.toHaveBeenCalled();
});

async function simulate(options: Partial<NasSimulatorOptions> = {}): Promise<NasSimulator> {
	const simulator = await startNasSimulator({
		db: {
			query: async (text, values) => {
				if (failQueries) throw new Error('database is down');
				return db.query(text, values);
			},
		},
		nas: [BNG_1, BNG_3, HOTSPOT],
		now: () => new Date(clock),
		seed: 7,
		stopDelayMs: 20,
		...options,
	});
	simulators.push(simulator);
	return simulator;
}

function nasOf(simulator: NasSimulator, name: string): RunningNas {
	const nas = simulator.nas.find((candidate) => candidate.name === name);
	if (nas === undefined) throw new Error(`no NAS ${name}`);
	return nas;
}

function coaClient(timeoutMs = 300, retries = 0): CoaClient {
	const client = new CoaClient({timeoutMs, retries});
	clients.push(client);
	return client;
}

function disconnect(attributes: readonly RadiusAttribute[]): CoaRequest {
	return {code: PacketCode.DisconnectRequest, attributes, messageAuthenticator: true};
}

async function sendCoa(nas: RunningNas, request: CoaRequest, options: {secret?: string; client?: CoaClient} = {}): Promise<CoaResult> {
	const client = options.client ?? coaClient();
	return client.send({host: nas.host, port: nas.coaPort, secret: options.secret ?? nas.secret, name: nas.name}, request);
}

interface RowState {
	acctstoptime: Date | null;
	acctupdatetime: Date | null;
	acctterminatecause: string | null;
	acctsessiontime: number | null;
	acctinputoctets: number;
	acctoutputoctets: number;
}

async function row(uid: string): Promise<RowState> {
	const result = await db.query<RowState>(
		`SELECT acctstoptime, acctupdatetime, acctterminatecause, acctsessiontime::float8 AS acctsessiontime,
			acctinputoctets::float8 AS acctinputoctets, acctoutputoctets::float8 AS acctoutputoctets
		FROM radacct WHERE acctuniqueid = $1`,
		[uid],
	);
	const state = result.rows[0];
	if (state === undefined) throw new Error(`no row ${uid}`);
	return state;
}

async function api(nas: RunningNas): Promise<RouterOsClient> {
	const client = await RouterOsClient.connect({
		host: nas.host,
		port: nas.apiPort,
		user: nas.apiUser ?? '',
		password: nas.apiPassword ?? '',
		name: nas.name,
		commandTimeoutMs: 2000,
	});
	routers.push(client);
	return client;
}

/** A bare API connection that returns every sentence the simulator sends, to see `!empty` and `!done` themselves. */
async function rawApi(nas: RunningNas): Promise<(words: readonly string[], replies: number) => Promise<string[][]>> {
	const socket = connect({host: nas.host, port: nas.apiPort ?? 0});
	sockets.push(socket);
	await once(socket, 'connect');
	const decoder = new SentenceDecoder();
	const received: string[][] = [];
	let wake: (() => void) | undefined;
	socket.on('data', (chunk: Buffer) => {
		received.push(...decoder.push(chunk));
		wake?.();
	});
	return async (words, replies) => {
		socket.write(encodeSentence(words));
		while (received.length < replies) {
			await new Promise<void>((resolve) => {
				wake = resolve;
			});
		}
		return received.splice(0, replies);
	};
}

describe('CoA', () => {
	it('ACKs a Disconnect-Request, then writes the Accounting-Stop with Admin-Reset', async () => {
		const simulator = await simulate({stopDelayMs: 100});
		const bng1 = nasOf(simulator, 'bng-1');
		expect(bng1.host).toBe('127.0.0.1');
		expect(bng1.coaPort).toBeGreaterThan(0);

		const result = await sendCoa(bng1, disconnect(ALICE));
		expect(result.kind).toBe('ack');
		// The NAS's Stop comes a moment after the ACK.
		expect((await row('u-alice')).acctstoptime).toBeNull();

		await simulator.stopsWritten();
		const alice = await row('u-alice');
		expect(alice.acctstoptime?.getTime()).toBe(NOW);
		expect(alice.acctterminatecause).toBe('Admin-Reset');
		expect(alice.acctsessiontime).toBe(AGE);
		// Octets are the last interim's plus the minute of traffic since.
		expect(alice.acctoutputoctets).toBeGreaterThan(9_000_000);
		expect(alice.acctinputoctets).toBeGreaterThan(1_000_000);
		expect((await row('u-bob-1')).acctstoptime).toBeNull();
		expect((await row('u-alice-3')).acctstoptime).toBeNull();
		expect(simulator.stats('bng-1')).toMatchObject({received: 1, acked: 1, naked: 0, disconnects: 1, stopsWritten: 1});
	});

	it('NAKs 503 for a session the NAS does not have, including one held by another NAS', async () => {
		const simulator = await simulate();
		const bng1 = nasOf(simulator, 'bng-1');
		const unknown = await sendCoa(
			bng1,
			disconnect([
				{name: 'User-Name', value: 'alice'},
				{name: 'Acct-Session-Id', value: 'ffff0000'},
			]),
		);
		expect(unknown).toMatchObject({kind: 'nak', errorCause: 503});
		const elsewhere = await sendCoa(bng1, disconnect([{name: 'User-Name', value: 'carol'}]));
		expect(elsewhere).toMatchObject({kind: 'nak', errorCause: 503, code: PacketCode.DisconnectNak});
		expect(simulator.stats('bng-1')).toMatchObject({naked: 2, naksByCause: {503: 2}, disconnects: 0});
		expect((await row('u-carol')).acctstoptime).toBeNull();
	});

	it('NAKs 402 without identification attributes and 403 for another NAS-IP-Address on a Cisco', async () => {
		const simulator = await simulate();
		const missing = await sendCoa(nasOf(simulator, 'bng-1'), disconnect([{name: 'NAS-IP-Address', value: '10.20.0.1'}]));
		expect(missing).toMatchObject({kind: 'nak', errorCause: 402});
		const mismatch = await sendCoa(
			nasOf(simulator, 'bng-3'),
			disconnect([
				{name: 'User-Name', value: 'carol'},
				{name: 'NAS-IP-Address', value: '10.20.0.1'},
			]),
		);
		expect(mismatch).toMatchObject({kind: 'nak', errorCause: 403});
		// A hotspot finds hosts by address: User-Name alone is not enough.
		const hotspot = await sendCoa(nasOf(simulator, 'hotspot-1'), disconnect([{name: 'User-Name', value: 'dave'}]));
		expect(hotspot).toMatchObject({kind: 'nak', errorCause: 402});
	});

	it('ends every session matched by User-Name on a MikroTik, and NAKs 508 for several on a Cisco', async () => {
		const simulator = await simulate({
			nas: [BNG_1, {...BNG_3, ip: '10.20.0.1', name: 'bng-1-cisco'}],
		});
		const cisco = await sendCoa(nasOf(simulator, 'bng-1-cisco'), disconnect([{name: 'User-Name', value: 'bob'}]));
		expect(cisco).toMatchObject({kind: 'nak', errorCause: 508});
		const mikrotik = await sendCoa(nasOf(simulator, 'bng-1'), disconnect([{name: 'User-Name', value: 'bob'}]));
		expect(mikrotik.kind).toBe('ack');
		await simulator.stopsWritten();
		expect((await row('u-bob-1')).acctterminatecause).toBe('Admin-Reset');
		expect((await row('u-bob-2')).acctterminatecause).toBe('Admin-Reset');
	});

	it('silently drops a request signed with the wrong secret, and counts it', async () => {
		const simulator = await simulate();
		const result = await sendCoa(nasOf(simulator, 'bng-1'), disconnect(ALICE), {secret: 'not-the-secret'});
		expect(result.kind).toBe('timeout');
		expect(simulator.stats('bng-1')).toMatchObject({received: 1, acked: 0, naked: 0, dropped: {badAuthenticator: 1}});
		expect((await row('u-alice')).acctstoptime).toBeNull();
	});

	it('answers a retransmission with the same reply bytes and acts only once (RFC 5080)', async () => {
		const simulator = await simulate();
		const bng1 = nasOf(simulator, 'bng-1');
		const socket = dgram.createSocket('udp4');
		socket.bind(0, '127.0.0.1');
		await once(socket, 'listening');
		try {
			const request = encodeRequest({
				code: PacketCode.DisconnectRequest,
				identifier: 42,
				attributes: ALICE,
				secret: bng1.secret,
				messageAuthenticator: true,
			});
			const exchange = async (): Promise<Buffer> => {
				const reply = once(socket, 'message');
				socket.send(request, bng1.coaPort, bng1.host);
				const [bytes] = (await reply) as [Buffer];
				return bytes;
			};
			const first = await exchange();
			const second = await exchange();
			expect(decodePacket(first).code).toBe(PacketCode.DisconnectAck);
			expect(second.equals(first)).toBe(true);
		} finally {
			socket.close();
		}
		await simulator.stopsWritten();
		expect(simulator.stats('bng-1')).toMatchObject({received: 2, acked: 1, duplicates: 1, disconnects: 1, stopsWritten: 1});
		expect((await row('u-alice')).acctterminatecause).toBe('Admin-Reset');
	});

	it('ignores retransmissions while a slow request is in progress, then answers them from the cache', async () => {
		const simulator = await simulate();
		simulator.setFaults('bng-1', {delayMs: 350});
		const result = await sendCoa(nasOf(simulator, 'bng-1'), disconnect(ALICE), {client: coaClient(150, 4)});
		expect(result).toMatchObject({kind: 'ack'});
		expect(result.kind === 'ack' && result.attempts).toBeGreaterThanOrEqual(3);
		await simulator.stopsWritten();
		const stats = simulator.stats('bng-1');
		expect(stats.duplicates).toBeGreaterThanOrEqual(2);
		expect(stats).toMatchObject({acked: 1, disconnects: 1, stopsWritten: 1});
	});

	it('loses every request with dropRate 1', async () => {
		const simulator = await simulate();
		simulator.setFaults('bng-1', {dropRate: 1});
		expect(simulator.faults('bng-1').dropRate).toBe(1);
		const result = await sendCoa(nasOf(simulator, 'bng-1'), disconnect(ALICE), {client: coaClient(100, 1)});
		expect(result).toMatchObject({kind: 'timeout', attempts: 2});
		expect(simulator.stats('bng-1')).toMatchObject({received: 2, dropped: {dropRate: 2}, acked: 0});
		expect(() => simulator.setFaults('bng-1', {dropRate: 2})).toThrow(RangeError);
		expect(() => simulator.setFaults('nope', {})).toThrow(RangeError);
	});

	it('NAKs everything with nakAll, with 506 or the configured Error-Cause', async () => {
		const simulator = await simulate();
		const bng1 = nasOf(simulator, 'bng-1');
		simulator.setFaults('bng-1', {nakAll: true});
		expect(await sendCoa(bng1, disconnect(ALICE))).toMatchObject({kind: 'nak', errorCause: 506});
		simulator.setFaults('bng-1', {nakErrorCause: 501});
		expect(await sendCoa(bng1, disconnect(ALICE))).toMatchObject({kind: 'nak', errorCause: 501});
		simulator.setFaults('bng-1', {nakAll: false});
		expect(await sendCoa(bng1, disconnect(ALICE))).toMatchObject({kind: 'ack'});
		expect(simulator.stats('bng-1')).toMatchObject({naked: 2, acked: 1, naksByCause: {506: 1, 501: 1}});
	});

	it('signs replies with another secret under wrongSecret, which the client drops', async () => {
		const simulator = await simulate();
		simulator.setFaults('bng-1', {wrongSecret: true});
		const client = coaClient();
		const result = await sendCoa(nasOf(simulator, 'bng-1'), disconnect(ALICE), {client});
		expect(result.kind).toBe('timeout');
		expect(client.stats.dropped.badAuthenticator).toBe(1);
		// The NAS did act: only its answer was unusable.
		expect(simulator.stats('bng-1').acked).toBe(1);
	});

	it('NAKs 506 and counts the error when the database fails', async () => {
		const simulator = await simulate();
		failQueries = true;
		const result = await sendCoa(nasOf(simulator, 'bng-1'), disconnect(ALICE));
		const nak = result.kind === 'nak' ? getInteger(result.packet, 'Error-Cause') : undefined;
		expect(nak).toBe(506);
		expect(simulator.stats('bng-1').dbErrors).toBe(1);
	});

	it('answers a CoA-Request with CoA-ACK for a known session without ending it', async () => {
		const simulator = await simulate();
		const result = await sendCoa(nasOf(simulator, 'bng-1'), {
			code: PacketCode.CoaRequest,
			attributes: ALICE,
			messageAuthenticator: false,
		});
		expect(result).toMatchObject({kind: 'ack', code: PacketCode.CoaAck});
		await simulator.stopsWritten();
		expect((await row('u-alice')).acctstoptime).toBeNull();
	});

	it('writes the pending Accounting-Stops when closed', async () => {
		const simulator = await simulate({stopDelayMs: 60_000});
		expect((await sendCoa(nasOf(simulator, 'bng-1'), disconnect(ALICE))).kind).toBe('ack');
		expect((await row('u-alice')).acctstoptime).toBeNull();
		await simulator.close();
		expect((await row('u-alice')).acctterminatecause).toBe('Admin-Reset');
		// A second close is harmless.
		await simulator.close();
	});
});

describe('RouterOS API', () => {
	it('logs in, prints by name and removes a PPP session, which closes its row', async () => {
		const simulator = await simulate();
		const bng1 = nasOf(simulator, 'bng-1');
		expect(bng1).toMatchObject({apiUser: 'noc', apiPassword: API_PASSWORD});
		expect(bng1.apiPort).toBeGreaterThan(0);
		const client = await api(bng1);

		const rows = await client.print('/ppp/active', {name: 'alice'});
		expect(rows).toEqual([
			{
				'.id': '*1',
				name: 'alice',
				service: 'pppoe',
				'caller-id': 'DC:2C:6E:00:00:01',
				address: '100.64.0.10',
				uptime: '1h2m3s',
				'session-id': '81a00001',
				radius: 'true',
			},
		]);
		expect(await client.print('/ppp/active', {'caller-id': 'DC:2C:6E:00:00:02'})).toHaveLength(1);
		expect(await client.print('/ppp/active', {address: '100.64.0.12', name: 'bob'})).toHaveLength(1);
		expect(await client.print('/ppp/active', {'session-id': '81a00003', name: 'alice'})).toEqual([]);
		expect(await client.print('/ppp/active')).toHaveLength(3);
		expect(await client.command('/ppp/active/print', {'.proplist': 'name,address'}, ['?name=alice'])).toEqual([
			{name: 'alice', address: '100.64.0.10'},
		]);

		await client.remove('/ppp/active', '*1');
		await simulator.stopsWritten();
		const alice = await row('u-alice');
		expect(alice.acctterminatecause).toBe('Admin-Reset');
		expect(alice.acctsessiontime).toBe(AGE);
		expect(await client.print('/ppp/active', {name: 'alice'})).toEqual([]);
		const again = client.remove('/ppp/active', '*1');
		await expect(again).rejects.toMatchObject({kind: 'trap', routerMessage: 'no such item'});
		expect(simulator.stats('bng-1')).toMatchObject({apiConnections: 1, disconnects: 1, stopsWritten: 1});
		expect(simulator.stats('bng-1').apiCommands).toBeGreaterThanOrEqual(9);
	});

	it('sends !empty before !done for an empty print, or only !done when switched off', async () => {
		const simulator = await simulate();
		const send = await rawApi(nasOf(simulator, 'bng-1'));
		expect(await send(['/login', '=name=noc', `=password=${API_PASSWORD}`], 1)).toEqual([['!done']]);
		expect(await send(['/ppp/active/print', '?name=nobody', '.tag=7'], 2)).toEqual([
			['!empty', '.tag=7'],
			['!done', '.tag=7'],
		]);
		// The PPPoE NAS has no hotspot hosts.
		expect(await send(['/ip/hotspot/active/print', '.tag=8'], 2)).toEqual([
			['!empty', '.tag=8'],
			['!done', '.tag=8'],
		]);

		const hotspot = await rawApi(nasOf(simulator, 'hotspot-1'));
		await hotspot(['/login', '=name=noc', `=password=${API_PASSWORD}`], 1);
		expect(await hotspot(['/ip/hotspot/active/print', '?user=nobody', '.tag=1'], 1)).toEqual([['!done', '.tag=1']]);
	});

	it('serves hotspot hosts by MAC address and removes them', async () => {
		const simulator = await simulate();
		const client = await api(nasOf(simulator, 'hotspot-1'));
		const rows = await client.print('/ip/hotspot/active', {'mac-address': 'DC:2C:6E:00:00:04'});
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({user: 'dave', address: '100.144.0.7', 'mac-address': 'DC:2C:6E:00:00:04', uptime: '1h2m3s'});
		expect(Number(rows[0]?.['bytes-out'])).toBeGreaterThan(9_000_000);
		expect(await client.print('/ppp/active')).toEqual([]);
		await client.remove('/ip/hotspot/active', rows[0]?.['.id'] ?? '');
		await simulator.stopsWritten();
		expect((await row('u-dave')).acctterminatecause).toBe('Admin-Reset');
	});

	it('traps unknown commands and refuses a wrong password', async () => {
		const simulator = await simulate();
		const bng1 = nasOf(simulator, 'bng-1');
		const client = await api(bng1);
		await expect(client.command('/interface/print')).rejects.toMatchObject({kind: 'trap', routerMessage: 'no such command prefix'});
		await expect(client.command('/ppp/active/set')).rejects.toMatchObject({kind: 'trap', routerMessage: 'no such command'});
		expect(await client.command('/system/identity/print')).toEqual([{name: 'bng-1'}]);
		await expect(RouterOsClient.connect({host: bng1.host, port: bng1.apiPort, user: 'noc', password: 'wrong'})).rejects.toMatchObject({
			kind: 'login',
		});
		expect(simulator.stats('bng-1').apiLoginFailures).toBe(1);
	});

	it('closes the connection in the middle of a reply under closeApiMidCommand, and serves again afterwards', async () => {
		const simulator = await simulate();
		const bng1 = nasOf(simulator, 'bng-1');
		const client = await api(bng1);
		simulator.setFaults('bng-1', {closeApiMidCommand: true});
		const error: unknown = await client.print('/ppp/active').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(RouterOsError);
		expect(error).toMatchObject({kind: 'closed'});
		expect((error as Error).message).toContain('in the middle of a reply');
		expect(client.closed).toBe(true);

		simulator.setFaults('bng-1', {closeApiMidCommand: false});
		const fresh = await api(bng1);
		expect(await fresh.print('/ppp/active', {name: 'bob'})).toHaveLength(2);
		// CoA on the same NAS was never affected.
		expect((await sendCoa(bng1, disconnect(ALICE))).kind).toBe('ack');
	});

	it('refuses connections while apiDown, and listens on the same port again afterwards', async () => {
		const simulator = await simulate();
		const bng1 = nasOf(simulator, 'bng-1');
		const open = await api(bng1);
		simulator.setFaults('bng-1', {apiDown: true});
		await vi.waitFor(() => {
			expect(open.closed).toBe(true);
		});
		await expect(api(bng1)).rejects.toMatchObject({kind: 'connect'});
		simulator.setFaults('bng-1', {apiDown: false});
		await vi.waitFor(async () => {
			const client = await api(bng1);
			expect(await client.print('/ppp/active', {name: 'alice'})).toHaveLength(1);
		});
	});
});

describe('live traffic', () => {
	it('grows octets and moves acctupdatetime with each tick, and logs subscribers in', async () => {
		const simulator = await simulate();
		const live = simulator.startLiveTraffic({intervalMs: 3_600_000, loginsPerNas: 1, logoutChance: 0});
		expect(() => simulator.startLiveTraffic()).toThrow();
		const before = await row('u-alice');

		clock = NOW + 30_000;
		const summary = await live.tick();
		expect(summary).toEqual({interims: 6, starts: 3, stops: 0});
		const after = await row('u-alice');
		expect(after.acctupdatetime?.getTime()).toBe(NOW + 30_000);
		expect(after.acctoutputoctets).toBeGreaterThan(before.acctoutputoctets);
		expect(after.acctinputoctets).toBeGreaterThan(before.acctinputoctets);
		expect(after.acctstoptime).toBeNull();

		const logins = await db.query<{nas: string; ip: string; sid: string}>(
			`SELECT host(nasipaddress) AS nas, host(framedipaddress) AS ip, acctsessionid AS sid FROM radacct
			WHERE acctstarttime = $1 ORDER BY nasipaddress`,
			[new Date(NOW + 30_000)],
		);
		expect(logins.rows.map((login) => login.nas)).toEqual(['10.20.0.1', '10.20.0.3', '10.30.0.1']);
		expect(logins.rows[0]?.ip).toMatch(/^100\.(6[4-9]|7\d)\./);
		expect(logins.rows[1]?.ip).toMatch(/^100\.(9[6-9]|10\d|11[01])\./);
		expect(logins.rows[2]?.ip).toMatch(/^100\.(14[4-9]|15\d)\./);
		await live.stop();
		expect(live.ticks).toBe(1);
	});

	it('ticks on its timer, and redials a subscriber who was disconnected', async () => {
		const simulator = await simulate();
		const live = simulator.startLiveTraffic({intervalMs: 30, loginsPerNas: 0, logoutChance: 0, redialMs: [1000, 1000]});
		expect((await sendCoa(nasOf(simulator, 'bng-1'), disconnect(ALICE))).kind).toBe('ack');
		await simulator.stopsWritten();
		clock = NOW + 5000;
		await vi.waitFor(
			async () => {
				const sessions = await db.query<{sid: string}>(
					`SELECT acctsessionid AS sid FROM radacct WHERE username = 'alice' AND nasipaddress = '10.20.0.1' AND acctstoptime IS NULL`,
				);
				expect(sessions.rows).toHaveLength(1);
				expect(sessions.rows[0]?.sid).not.toBe('81a00001');
			},
			{timeout: 3000, interval: 50},
		);
		expect(live.ticks).toBeGreaterThanOrEqual(1);
		expect(live.errors).toBe(0);
		await simulator.close();
	});
});

describe('demo configuration', () => {
	it('puts every demo NAS on loopback with the RouterOS API on the MikroTik ones', async () => {
		const config = demoSimulatorConfig();
		expect(config.map((nas) => nas.name)).toEqual(DEMO_NAS.map((nas) => nas.name));
		expect(config.every((nas) => nas.host === '127.0.0.1' && nas.coaPort === 0)).toBe(true);
		expect(config.filter((nas) => nas.api !== undefined).map((nas) => nas.name)).toEqual(['bng-1', 'bng-2', 'hotspot-1']);
		expect(config.find((nas) => nas.name === 'bng-1')?.api).toEqual({port: 0, user: DEMO_API_USER, password: DEMO_API_PASSWORD});

		const simulator = await simulate({nas: config});
		const ports = simulator.nas.flatMap((nas) => [nas.coaPort, ...(nas.apiPort === undefined ? [] : [nas.apiPort])]);
		expect(new Set(ports).size).toBe(9);
		expect(simulator.nas.find((nas) => nas.name === 'bng-3')?.apiPort).toBeUndefined();
	});

	it('formats uptimes as RouterOS does', () => {
		expect(formatUptime(0)).toBe('0s');
		expect(formatUptime(3723)).toBe('1h2m3s');
		expect(formatUptime(694_861)).toBe('1w1d1h1m1s');
		expect(formatUptime(3600)).toBe('1h');
	});
});
