import {createHash, randomBytes} from 'node:crypto';
import dgram from 'node:dgram';
import {once} from 'node:events';
import {setTimeout as delay} from 'node:timers/promises';
import {afterEach, describe, expect, it} from 'vitest';
import {CoaClient, type CoaClientOptions} from '../../source/radius/coa-client.js';
import {describeCoaResult, type CoaRequest, type CoaTarget, type DatagramSource, type DropReason} from '../../source/radius/coa-result.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {getString, type DecodedPacket} from '../../source/radius/packet.js';
import {
	encodeNasReply,
	startFakeCoaNas,
	type FakeCoaNas,
	type FakeCoaNasOptions,
	type FakeNasAnswer,
	type ReceivedRequest,
} from '../helpers/fake-coa-nas.js';

const secret = 'testing123';
const ack: FakeNasAnswer = {code: PacketCode.DisconnectAck};
const silent = (): undefined => undefined;

/** A Disconnect-Request for session `n`, so every request of a test has its own bytes. */
const disconnect = (n = 0): CoaRequest => ({
	code: PacketCode.DisconnectRequest,
	attributes: [
		{name: 'User-Name', value: 'alice@isp.example'},
		{name: 'Acct-Session-Id', value: `81a${n.toString().padStart(5, '0')}`},
	],
	messageAuthenticator: false,
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

/** A fake NAS and a client pointed at it, both closed after the test. */
async function setup(
	nasOptions: Partial<FakeCoaNasOptions> = {},
	clientOptions: CoaClientOptions = {},
): Promise<{nas: FakeCoaNas; client: CoaClient; target: CoaTarget}> {
	const nas = await startFakeCoaNas({secret, ...nasOptions});
	cleanups.push(() => nas.close());
	const client = new CoaClient({timeoutMs: 200, retries: 2, ...clientOptions});
	cleanups.push(() => client.close());
	return {nas, client, target: {host: nas.address, port: nas.port, secret, name: 'bng-test'}};
}

/** The `n`-th datagram the NAS received (1-based), once it has arrived. */
async function receivedRequest(nas: FakeCoaNas, n = 1): Promise<ReceivedRequest> {
	const request = (await nas.waitForRequests(n))[n - 1];
	if (request === undefined) {
		throw new Error(`the NAS has no request ${n}`);
	}
	return request;
}

function verified(request: ReceivedRequest): DecodedPacket {
	if (request.packet === undefined) {
		throw new Error('the NAS could not verify the request');
	}
	return request.packet;
}

/** Rewrites the Response Authenticator so that only what the test tampered with is wrong (RFC 2865 §3). */
function resign(reply: Buffer, requestAuthenticator: Buffer): Buffer {
	const signed = Buffer.from(reply);
	requestAuthenticator.copy(signed, 4);
	createHash('md5').update(signed).update(secret).digest().copy(signed, 4);
	return signed;
}

async function sendFromAnotherPort(bytes: Buffer, to: DatagramSource): Promise<void> {
	const socket = dgram.createSocket('udp4');
	cleanups.push(() => new Promise((resolve) => socket.close(() => resolve())));
	socket.bind(0, '127.0.0.1');
	await once(socket, 'listening');
	await new Promise<void>((resolve, reject) => {
		socket.send(bytes, to.port, to.address, (error) => (error ? reject(error) : resolve()));
	});
}

interface Drop {
	readonly reason: DropReason;
	readonly from: DatagramSource;
	readonly detail: string;
}

/** Collects `onDrop` calls so a test can await the next one instead of sleeping. */
function dropRecorder(): {onDrop: NonNullable<CoaClientOptions['onDrop']>; next: () => Promise<Drop>} {
	const drops: Drop[] = [];
	let waiting: ((drop: Drop) => void) | undefined;
	return {
		onDrop(reason, from, detail) {
			const drop = {reason, from, detail};
			if (waiting === undefined) {
				drops.push(drop);
			} else {
				waiting(drop);
				waiting = undefined;
			}
		},
		next: () => {
			const drop = drops.shift();
			return drop === undefined ? new Promise((resolve) => (waiting = resolve)) : Promise.resolve(drop);
		},
	};
}

describe('CoaClient answers', () => {
	it('resolves a Disconnect-ACK', async () => {
		const {nas, client, target} = await setup();
		const result = await client.send(target, disconnect());
		expect(result).toMatchObject({kind: 'ack', code: PacketCode.DisconnectAck, attempts: 1});
		expect(describeCoaResult(result, target)).toMatch(/^ACK in \d+(\.\d)? ms$/);
		expect(getString(verified(await receivedRequest(nas)), 'User-Name')).toBe('alice@isp.example');
		expect(client.stats).toEqual({
			sent: 1,
			retransmitted: 0,
			accepted: 1,
			dropped: {unknownSource: 0, unknownId: 0, badAuthenticator: 0, badCode: 0, malformed: 0},
		});
	});

	it('resolves a Disconnect-NAK with its Error-Cause', async () => {
		const {client, target} = await setup({
			answer: () => ({code: PacketCode.DisconnectNak, attributes: [{name: 'Error-Cause', value: 503}]}),
		});
		const result = await client.send(target, disconnect());
		expect(result).toMatchObject({
			kind: 'nak',
			code: PacketCode.DisconnectNak,
			errorCause: 503,
			errorCauseText: 'Session-Context-Not-Found (503)',
			attempts: 1,
		});
		expect(describeCoaResult(result, target)).toBe('NAK: Session-Context-Not-Found (503)');
	});

	it('resolves a Disconnect-NAK without Error-Cause', async () => {
		const {client, target} = await setup({answer: () => ({code: PacketCode.DisconnectNak})});
		const result = await client.send(target, disconnect());
		expect(result).toMatchObject({kind: 'nak', errorCauseText: 'no Error-Cause'});
		expect(result).not.toHaveProperty('errorCause');
		expect(describeCoaResult(result, target)).toBe('NAK (no Error-Cause)');
	});

	it('signs a CoA-Request with Message-Authenticator and verifies the CoA-ACK signed the same way', async () => {
		const {nas, client, target} = await setup({answer: () => ({code: PacketCode.CoaAck, messageAuthenticator: true})});
		const result = await client.send(target, {...disconnect(), code: PacketCode.CoaRequest, messageAuthenticator: true});
		expect(result).toMatchObject({kind: 'ack', code: PacketCode.CoaAck});
		const request = verified(await receivedRequest(nas));
		expect(request.code).toBe(PacketCode.CoaRequest);
		expect(request.attributes.map((attribute) => attribute.name)).toContain('Message-Authenticator');
	});

	it('talks to a NAS on IPv6 loopback from a udp6 socket', async () => {
		const types: string[] = [];
		const {client, target} = await setup(
			{host: '::1'},
			{
				socketFactory: (type) => {
					types.push(type);
					return dgram.createSocket(type);
				},
			},
		);
		expect(await client.send({...target, host: '0:0::1'}, disconnect())).toMatchObject({kind: 'ack'});
		expect(types).toEqual(['udp6']);
	});
});

describe('CoaClient retransmission (RFC 5176 §2.3)', () => {
	it('resends the identical datagram from the same source port, then times out after 3 tries', async () => {
		const timeoutMs = 150;
		const {nas, client, target} = await setup({answer: silent}, {timeoutMs, retries: 2});
		const result = await client.send(target, disconnect());
		expect(result).toMatchObject({kind: 'timeout', attempts: 3});
		expect(result.kind === 'timeout' && result.elapsedMs).toBeGreaterThanOrEqual(3 * timeoutMs - 5);
		expect(describeCoaResult(result, target)).toMatch(
			new RegExp(`^bng-test \\(127\\.0\\.0\\.1:${nas.port}\\) did not answer 3 tries in 0\\.\\d s$`),
		);

		const [first, ...retransmissions] = nas.received;
		expect(first).toBeDefined();
		expect(retransmissions).toHaveLength(2);
		for (const copy of retransmissions) {
			expect(copy.bytes.equals(first?.bytes ?? Buffer.alloc(0))).toBe(true);
			expect(copy.from).toEqual(first?.from);
		}
		expect(nas.received.map((request) => request.copy)).toEqual([1, 2, 3]);
		expect(client.stats).toMatchObject({sent: 1, retransmitted: 2, accepted: 0});
	});

	it('accepts the answer to the retransmission when the first try is lost', async () => {
		const {nas, client, target} = await setup({answer: (request) => (request.copy === 2 ? ack : undefined)}, {timeoutMs: 150});
		const result = await client.send(target, disconnect());
		expect(result).toMatchObject({kind: 'ack', attempts: 2});
		expect(describeCoaResult(result, target)).toMatch(/^ACK in \d+ ms, 2 tries$/);
		expect(nas.received).toHaveLength(2);
	});

	it('drops replies signed with another secret and ends in timeout', async () => {
		const {client, target} = await setup({answer: () => ({...ack, secret: 'not-the-shared-secret'})}, {timeoutMs: 150, retries: 1});
		expect(await client.send(target, disconnect())).toMatchObject({kind: 'timeout', attempts: 2});
		expect(client.stats).toMatchObject({accepted: 0, dropped: {badAuthenticator: 2}});
	});
});

describe('CoaClient reply validation', () => {
	interface Forgery {
		readonly name: string;
		readonly reason: DropReason;
		readonly detail?: RegExp;
		readonly send: (nas: FakeCoaNas, request: ReceivedRequest, genuine: Buffer) => Promise<void>;
	}
	const forgeries: readonly Forgery[] = [
		{
			name: 'a wrong Response Authenticator',
			reason: 'badAuthenticator',
			detail: /bad Response Authenticator/,
			send: (nas, request) =>
				nas.sendRaw(
					encodeNasReply({
						code: PacketCode.DisconnectAck,
						identifier: verified(request).identifier,
						requestAuthenticator: randomBytes(16),
						secret,
					}),
					request.from,
				),
		},
		{
			name: 'the genuine reply sent from another source port',
			reason: 'unknownSource',
			send: (_nas, request, genuine) => sendFromAnotherPort(genuine, request.from),
		},
		{
			name: 'a signed reply with an identifier that is not outstanding',
			reason: 'unknownId',
			send: (nas, request) =>
				nas.sendRaw(
					encodeNasReply({
						code: PacketCode.DisconnectAck,
						identifier: (verified(request).identifier + 128) % 256,
						requestAuthenticator: verified(request).authenticator,
						secret,
					}),
					request.from,
				),
		},
		{
			name: 'a bad Message-Authenticator under a valid Response Authenticator',
			reason: 'badAuthenticator',
			detail: /bad Message-Authenticator/,
			send: (nas, request) => {
				const tampered = nas.encodeAnswer(request, {...ack, messageAuthenticator: true});
				// The Message-Authenticator is the last attribute, so its value is the last 16 octets.
				const last = tampered.length - 1;
				tampered.writeUInt8(tampered.readUInt8(last) ^ 0xff, last);
				return nas.sendRaw(resign(tampered, verified(request).authenticator), request.from);
			},
		},
		{
			name: 'a signed Access-Accept',
			reason: 'badCode',
			send: (nas, request, genuine) => {
				const accept = Buffer.from(genuine);
				accept.writeUInt8(2, 0);
				return nas.sendRaw(resign(accept, verified(request).authenticator), request.from);
			},
		},
		{
			name: 'a signed CoA-ACK to a Disconnect-Request',
			reason: 'badCode',
			send: (nas, request) => nas.sendRaw(nas.encodeAnswer(request, {code: PacketCode.CoaAck}), request.from),
		},
		{
			name: 'garbage shorter than a header',
			reason: 'malformed',
			send: (nas, request) => nas.sendRaw(Buffer.from('not RADIUS at all'), request.from),
		},
		{
			name: 'a header whose Length overruns the datagram',
			reason: 'malformed',
			send: (nas, request, genuine) => {
				const truncated = Buffer.from(genuine);
				truncated.writeUInt16BE(200, 2);
				return nas.sendRaw(truncated, request.from);
			},
		},
	];

	it.each(forgeries)('drops $name, counts it, and still accepts the genuine reply', async (forgery) => {
		const drops = dropRecorder();
		const {nas, client, target} = await setup({answer: silent}, {timeoutMs: 5000, retries: 0, onDrop: drops.onDrop});
		let settled = false;
		const pending = client.send(target, disconnect()).finally(() => (settled = true));
		const request = await receivedRequest(nas);
		const genuine = nas.encodeAnswer(request, ack);

		await forgery.send(nas, request, genuine);
		const drop = await drops.next();
		expect(drop.reason).toBe(forgery.reason);
		expect(drop.detail).toMatch(forgery.detail ?? /./);
		expect(settled).toBe(false);

		await nas.sendRaw(genuine, request.from);
		expect(await pending).toMatchObject({kind: 'ack', attempts: 1});
		expect(client.stats).toMatchObject({accepted: 1, dropped: {[forgery.reason]: 1}});
		const dropped = Object.values(client.stats.dropped).reduce((sum, count) => sum + count, 0);
		expect(dropped).toBe(1);
	});

	it('counts a duplicate reply after the request finished as an unknown identifier', async () => {
		const drops = dropRecorder();
		const {nas, client, target} = await setup({}, {onDrop: drops.onDrop});
		expect(await client.send(target, disconnect())).toMatchObject({kind: 'ack'});
		const request = await receivedRequest(nas);
		await nas.sendRaw(nas.encodeAnswer(request, ack), request.from);
		expect(await drops.next()).toMatchObject({reason: 'unknownId', from: {address: nas.address, port: nas.port}});
	});
});

describe('CoaClient identifiers and sockets', () => {
	it('hands out identifiers round-robin rather than reusing the one just freed', async () => {
		const {nas, client, target} = await setup();
		await client.send(target, disconnect(1));
		await client.send(target, disconnect(2));
		const [first, second] = nas.received.map((request) => verified(request).identifier);
		expect(second).toBe(((first ?? 0) + 1) % 256);
	});

	it('keeps 300 concurrent requests to one NAS apart, over two source sockets', async () => {
		const total = 300;
		const held = new Map<string, ReceivedRequest>();
		let released = false;
		// Answer nothing until all 300 are in flight at once, then answer them all.
		const {nas, client, target} = await setup(
			{
				answer: (request) => {
					if (released) {
						return ack;
					}
					held.set(`${request.from.port}|${verified(request).identifier}`, request);
					if (held.size === total) {
						released = true;
						for (const waiting of held.values()) {
							void nas.sendRaw(nas.encodeAnswer(waiting, ack), waiting.from);
						}
					}
					return undefined;
				},
			},
			{timeoutMs: 1000, retries: 2},
		);

		const results = await Promise.all(Array.from({length: total}, (_, n) => client.send(target, disconnect(n))));
		expect(results.filter((result) => result.kind === 'ack')).toHaveLength(total);

		const idsByPort = new Map<number, number[]>();
		for (const request of nas.received.filter((received) => received.copy === 1)) {
			idsByPort.set(request.from.port, [...(idsByPort.get(request.from.port) ?? []), verified(request).identifier]);
		}
		expect(idsByPort.size).toBe(2);
		for (const ids of idsByPort.values()) {
			expect(ids.length).toBeLessThanOrEqual(256);
			expect(new Set(ids).size).toBe(ids.length);
		}
		expect([...idsByPort.values()].flat()).toHaveLength(total);
	});

	it('queues requests when the pool is full and starts them as identifiers free up', async () => {
		const {nas, client, target} = await setup({answer: silent}, {timeoutMs: 5000, maxSocketsPerNas: 1});
		const inFlight = Array.from({length: 256}, (_, n) => client.send(target, disconnect(n)));
		await nas.waitForRequests(256);
		const controller = new AbortController();
		const abandoned = client.send(target, disconnect(256), controller.signal);
		const queued = client.send(target, disconnect(257));
		controller.abort();
		expect(await abandoned).toEqual({kind: 'aborted', sent: false});

		const first = await receivedRequest(nas);
		await nas.sendRaw(nas.encodeAnswer(first, ack), first.from);
		const started = await receivedRequest(nas, 257);
		expect(started.from.port).toBe(first.from.port);
		expect(verified(started).identifier).toBe(verified(first).identifier);
		expect(getString(verified(started), 'Acct-Session-Id')).toBe('81a00257');
		await nas.sendRaw(nas.encodeAnswer(started, ack), started.from);
		expect(await queued).toMatchObject({kind: 'ack'});
		expect(await inFlight[0]).toMatchObject({kind: 'ack'});

		await client.close();
		const rest = await Promise.all(inFlight.slice(1));
		expect(rest.every((result) => result.kind === 'aborted' && result.sent)).toBe(true);
		expect(client.stats).toMatchObject({sent: 257, accepted: 2});
	});
});

describe('CoaClient abort and close', () => {
	it('does not send when the signal is already aborted', async () => {
		const {client, target} = await setup();
		expect(await client.send(target, disconnect(), AbortSignal.abort())).toEqual({kind: 'aborted', sent: false});
		expect(client.stats.sent).toBe(0);
	});

	it('stops retransmitting when aborted while waiting', async () => {
		const timeoutMs = 100;
		const {nas, client, target} = await setup({answer: silent}, {timeoutMs});
		const controller = new AbortController();
		const pending = client.send(target, disconnect(), controller.signal);
		await receivedRequest(nas);
		controller.abort();
		expect(await pending).toEqual({kind: 'aborted', sent: true});
		// Past two retransmission intervals, nothing more reached the NAS.
		await delay(timeoutMs * 2.5);
		expect(nas.received).toHaveLength(1);
		expect(client.stats.retransmitted).toBe(0);
	});

	it('resolves pending requests as aborted on close and refuses later sends', async () => {
		const {nas, client, target} = await setup({answer: silent}, {timeoutMs: 5000});
		const pending = client.send(target, disconnect());
		await receivedRequest(nas);
		await client.close();
		expect(await pending).toEqual({kind: 'aborted', sent: true});
		expect(await client.send(target, disconnect())).toEqual({kind: 'error', message: 'the CoA client is closed'});
	});
});

describe('CoaClient errors', () => {
	it('reports a send error such as EACCES instead of throwing', async () => {
		const client = new CoaClient({timeoutMs: 150});
		cleanups.push(() => client.close());
		const result = await client.send({host: '255.255.255.255', port: 3799, secret}, disconnect());
		expect(result).toMatchObject({kind: 'error', message: expect.stringMatching(/^send E[A-Z]+/)});
	});

	it('reports a socket that cannot bind its source address, and keeps working', async () => {
		const {client, target} = await setup({}, {bindAddress: '192.0.2.1'});
		const result = await client.send(target, disconnect());
		expect(result).toMatchObject({kind: 'error', message: expect.stringMatching(/EADDRNOTAVAIL/)});
		expect(await client.send(target, disconnect())).toMatchObject({kind: 'error'});
	});

	it('rejects a host name, since replies are matched by address', async () => {
		const client = new CoaClient();
		cleanups.push(() => client.close());
		expect(await client.send({host: 'bng-2.example', port: 3799, secret}, disconnect())).toEqual({
			kind: 'error',
			message: '"bng-2.example" is not an IP address',
		});
	});

	it('reports a request that cannot be encoded', async () => {
		const {client, target} = await setup();
		const result = await client.send({...target, secret: ''}, disconnect());
		expect(result).toMatchObject({kind: 'error', message: expect.stringMatching(/^cannot encode the request: .*secret/)});
		expect(client.stats.sent).toBe(0);
	});
});

describe('describeCoaResult', () => {
	const target = {host: '10.0.0.2', port: 3799, name: 'bng-2'};

	it.each([
		[{kind: 'timeout', attempts: 3, elapsedMs: 9004}, target, 'bng-2 (10.0.0.2:3799) did not answer 3 tries in 9 s'],
		[{kind: 'timeout', attempts: 1, elapsedMs: 1500}, {host: '10.0.0.2', port: 1700}, '10.0.0.2:1700 did not answer 1 try in 1.5 s'],
		[{kind: 'ack', code: 41, packet: {} as DecodedPacket, attempts: 1, rttMs: 12.4}, target, 'ACK in 12 ms'],
		[{kind: 'ack', code: 41, packet: {} as DecodedPacket, attempts: 1, rttMs: 0.42}, target, 'ACK in 0.4 ms'],
		[
			{
				kind: 'nak',
				code: 42,
				errorCause: 403,
				errorCauseText: 'NAS-Identification-Mismatch (403)',
				packet: {} as DecodedPacket,
				attempts: 1,
			},
			target,
			'NAK: NAS-Identification-Mismatch (403)',
		],
		[{kind: 'aborted', sent: true}, target, 'aborted while waiting for bng-2 (10.0.0.2:3799)'],
		[{kind: 'aborted', sent: false}, target, 'aborted before sending to bng-2 (10.0.0.2:3799)'],
		[
			{kind: 'error', message: 'send EHOSTUNREACH 2001:db8::2:3799'},
			{host: '2001:db8::2', port: 3799},
			'[2001:db8::2]:3799: send EHOSTUNREACH 2001:db8::2:3799',
		],
	] as const)('%j -> %s', (result, where, text) => {
		expect(describeCoaResult(result, where)).toBe(text);
	});
});
