/**
 * The NAS probes against fakes on loopback: a Disconnect-Request for a session that cannot exist (NAK with the
 * right secret, a reply signed with another secret, silence), the RouterOS API login, the local address.
 */
import dgram from 'node:dgram';
import {once} from 'node:events';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {gatherNasFacts, localAddressTowards, probeApi, probeCoa, PROBE_USER} from '../../source/doctor/nas-facts.js';
import {NasRegistry} from '../../source/nas/registry.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {getString} from '../../source/radius/packet.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {FakeRouterOs} from '../helpers/fake-routeros.js';

const SECRET = 'doctor-secret';
const NAK_503 = {code: PacketCode.DisconnectNak, attributes: [{name: 'Error-Cause', value: 503}]} as const;

let naking: FakeCoaNas;
let acking: FakeCoaNas;
let otherSecret: FakeCoaNas;
let router: FakeRouterOs;
let closedPort: number;

/** A UDP port nobody listens on: bound once, then released. */
async function freeUdpPort(): Promise<number> {
	const socket = dgram.createSocket('udp4');
	socket.bind(0, '127.0.0.1');
	await once(socket, 'listening');
	const {port} = socket.address();
	await new Promise<void>((resolve) => socket.close(() => resolve()));
	return port;
}

function nasAt(override: Omit<NasOverride, 'ip'>, ip = '10.20.0.9') {
	return NasRegistry.from([], [{ip, coaHost: '127.0.0.1', vendor: 'mikrotik', ...override}]).get(ip);
}

beforeAll(async () => {
	naking = await startFakeCoaNas({secret: SECRET, answer: () => NAK_503});
	acking = await startFakeCoaNas({secret: SECRET});
	// It verifies our request (so it answers) but signs its reply with a secret of its own.
	otherSecret = await startFakeCoaNas({secret: SECRET, answer: () => ({...NAK_503, secret: 'not-the-same'})});
	router = await FakeRouterOs.start({user: 'radtop', password: 'api-pass'});
	closedPort = await freeUdpPort();
});

afterAll(async () => {
	await Promise.all([naking?.close(), acking?.close(), otherSecret?.close(), router?.close()]);
});

describe('probeCoa', () => {
	it('asks about a session that cannot exist, and a NAK signed with our secret comes back', async () => {
		const probe = await probeCoa(nasAt({secret: SECRET, coaPort: naking.port}), 1000);
		expect(probe).toEqual({kind: 'nak', errorCause: 503});
		const request = naking.received.at(-1)!;
		expect(getString(request.packet!, 'User-Name')).toBe(PROBE_USER);
		expect(getString(request.packet!, 'Acct-Session-Id')).toMatch(/^radtop-doctor-[0-9a-f]{12}$/);
		expect(request.packet!.attributes.some((attribute) => attribute.type === 8)).toBe(false);
	});

	it('tells an ACK', async () => {
		expect(await probeCoa(nasAt({secret: SECRET, coaPort: acking.port}), 1000)).toEqual({kind: 'ack'});
	});

	it('calls a reply that does not verify a wrong secret, without waiting for the timeout', async () => {
		const started = performance.now();
		expect(await probeCoa(nasAt({secret: SECRET, coaPort: otherSecret.port}), 5000)).toEqual({kind: 'bad-authenticator'});
		expect(performance.now() - started).toBeLessThan(4000);
	});

	it('times out on a closed port after one retransmission', async () => {
		expect(await probeCoa(nasAt({secret: SECRET, coaPort: closedPort}), 150)).toMatchObject({kind: 'timeout', attempts: 2});
	});
});

describe('probeApi', () => {
	it("logs in with the right password and reports the router's refusal without the password", async () => {
		expect(await probeApi(nasAt({api: {host: '127.0.0.1', port: router.port, user: 'radtop', password: 'api-pass'}}), 2000)).toEqual({
			ok: true,
		});
		const refused = await probeApi(nasAt({api: {host: '127.0.0.1', port: router.port, user: 'radtop', password: 'wrong-pass'}}), 2000);
		expect(refused).toMatchObject({ok: false, message: expect.stringContaining('login refused: invalid user name or password')});
		expect(JSON.stringify(refused)).not.toContain('wrong-pass');
	});
});

describe('gatherNasFacts', () => {
	it('gathers each NAS in order, with the local address towards it and its open sessions', async () => {
		const good = nasAt(
			{
				name: 'good',
				secret: SECRET,
				coaPort: naking.port,
				api: {host: '127.0.0.1', port: router.port, user: 'radtop', password: 'api-pass'},
			},
			'10.20.0.1',
		);
		const silent = nasAt({name: 'silent', secret: SECRET, coaPort: closedPort}, '10.20.0.2');
		const unknown = NasRegistry.from([]).get('10.20.0.3');
		const facts = await gatherNasFacts([good, silent, unknown], {
			timeoutMs: 150,
			concurrency: 2,
			openSessions: new Map([['10.20.0.1', 7]]),
		});
		expect(facts.map((entry) => entry.nas.label)).toEqual(['good (10.20.0.1)', 'silent (10.20.0.2)', '10.20.0.3']);
		expect(facts[0]).toMatchObject({source: {address: '127.0.0.1'}, coa: {kind: 'nak'}, api: {ok: true}, nas: {openSessions: 7}});
		expect(facts[1]).toMatchObject({coa: {kind: 'timeout'}, nas: {openSessions: 0}});
		expect(facts[2]!.coa).toBeUndefined();
		expect(facts[2]!.api).toBeUndefined();
	});

	it('finds the local address the OS picks', async () => {
		expect(await localAddressTowards('127.0.0.1', 3799)).toEqual({address: '127.0.0.1'});
	});
});
