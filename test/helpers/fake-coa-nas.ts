/**
 * A NAS's Dynamic Authorization server (RFC 5176) on loopback for tests. It checks each request's authenticators
 * and signs its replies with code of its own, written here from the RFCs with node:crypto, so what the tests find
 * of radtop's packets and of radtop's checks of the replies does not rest on radtop's own authenticators.ts.
 * radtop's decoder only reads the attributes of a request once this file has verified it.
 */
import {createHash, createHmac, timingSafeEqual} from 'node:crypto';
import {UdpListener} from '../../source/demo/udp-listener.js';
import {PacketCode, type ResponseCode} from '../../source/radius/dictionary.js';
import {decodePacket, type DecodedPacket, type RadiusAttribute} from '../../source/radius/packet.js';

const HEADER = 20;
const AUTHENTICATOR = 16;
const MESSAGE_AUTHENTICATOR = 80;

/** Whether a datagram is a Disconnect-Request or CoA-Request signed with `secret`, and if not, why not. */
export type RequestCheck = {readonly ok: true} | {readonly ok: false; readonly reason: string};

/**
 * Checks a request as a NAS does. The Request Authenticator (RFC 5176 §2.3, as RFC 2866 §3 for accounting) is
 * MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret). A Message-Authenticator (RFC 5176 §3.4,
 * RFC 3579 §3.2) is HMAC-MD5, keyed with the secret, over the packet with its value zeroed and, because it is
 * computed before the Request Authenticator exists, 16 zero octets in the Authenticator field, as radclient does.
 */
export function checkRequest(bytes: Buffer, secret: string): RequestCheck {
	if (bytes.length < HEADER) return {ok: false, reason: `${bytes.length} octets, shorter than a header`};
	const length = bytes.readUInt16BE(2);
	if (length < HEADER || length > 4096 || length > bytes.length) return {ok: false, reason: `Length ${length} of ${bytes.length} octets`};
	const macs: number[] = [];
	for (let offset = HEADER; offset < length;) {
		const attributeLength = offset + 1 < length ? bytes[offset + 1]! : 0;
		if (attributeLength < 2 || offset + attributeLength > length) return {ok: false, reason: `a bad attribute at ${offset}`};
		if (bytes[offset] === MESSAGE_AUTHENTICATOR) {
			if (attributeLength !== 2 + AUTHENTICATOR) return {ok: false, reason: 'a Message-Authenticator not 16 octets long'};
			macs.push(offset + 2);
		}
		offset += attributeLength;
	}
	if (macs.length > 1) return {ok: false, reason: 'more than one Message-Authenticator'};
	const zeroed = Buffer.from(bytes.subarray(0, length));
	zeroed.fill(0, 4, HEADER);
	const requestAuthenticator = createHash('md5').update(zeroed).update(secret, 'utf8').digest();
	if (!timingSafeEqual(requestAuthenticator, bytes.subarray(4, HEADER))) return {ok: false, reason: 'bad Request Authenticator'};
	const mac = macs[0];
	if (mac !== undefined) {
		const value = Buffer.from(zeroed.subarray(mac, mac + AUTHENTICATOR));
		zeroed.fill(0, mac, mac + AUTHENTICATOR);
		if (!timingSafeEqual(createHmac('md5', secret).update(zeroed).digest(), value))
			return {ok: false, reason: 'bad Message-Authenticator'};
	}
	return {ok: true};
}

/** The attributes a fake NAS puts in its replies: Type and how the value is written (RFC 2865 §5, RFC 5176 §3.5). */
const REPLY_ATTRIBUTES: Partial<Record<RadiusAttribute['name'], {readonly type: number; readonly encode: (value: unknown) => Buffer}>> = {
	'Error-Cause': {
		type: 101,
		encode: (value) => {
			const bytes = Buffer.alloc(4);
			bytes.writeUInt32BE(value as number);
			return bytes;
		},
	},
	'Reply-Message': {type: 18, encode: (value) => Buffer.from(value as string, 'utf8')},
};

/** What {@link encodeNasReply} signs. */
export interface NasReply {
	readonly code: number;
	readonly identifier: number;
	/** The Request Authenticator of the request answered. */
	readonly requestAuthenticator: Buffer;
	readonly attributes?: readonly RadiusAttribute[];
	readonly secret: string;
	/** A Message-Authenticator, last. */
	readonly messageAuthenticator?: boolean;
}

/**
 * A reply as a NAS signs it. The Message-Authenticator, if any, is HMAC-MD5 over the packet with the request's
 * authenticator in the Authenticator field and its own value zeroed (RFC 3579 §3.2, RFC 5176 §3.4); then the
 * Response Authenticator, MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret) (RFC 5176 §2.3).
 */
export function encodeNasReply(reply: NasReply): Buffer {
	const attributes = (reply.attributes ?? []).map((attribute) => {
		const known = REPLY_ATTRIBUTES[attribute.name];
		if (known === undefined) throw new Error(`the fake NAS does not send ${attribute.name}`);
		const value = known.encode(attribute.value);
		return Buffer.concat([Buffer.from([known.type, value.length + 2]), value]);
	});
	if (reply.messageAuthenticator)
		attributes.push(Buffer.concat([Buffer.from([MESSAGE_AUTHENTICATOR, 2 + AUTHENTICATOR]), Buffer.alloc(AUTHENTICATOR)]));
	const packet = Buffer.concat([Buffer.alloc(HEADER), ...attributes]);
	packet[0] = reply.code;
	packet[1] = reply.identifier;
	packet.writeUInt16BE(packet.length, 2);
	reply.requestAuthenticator.copy(packet, 4);
	if (reply.messageAuthenticator)
		createHmac('md5', reply.secret)
			.update(packet)
			.digest()
			.copy(packet, packet.length - AUTHENTICATOR);
	createHash('md5').update(packet).update(reply.secret, 'utf8').digest().copy(packet, 4);
	return packet;
}

/** A datagram the fake NAS received on its CoA port. */
export interface ReceivedRequest {
	readonly bytes: Buffer;
	readonly from: {readonly address: string; readonly port: number};
	/** The request when its authenticators verified with the NAS's secret; undefined otherwise (never answered). */
	readonly packet: DecodedPacket | undefined;
	/** 1 for the first copy of these exact bytes from this source port, 2 for the first retransmission, ... */
	readonly copy: number;
}

/** How the fake NAS answers a request. */
export interface FakeNasAnswer {
	readonly code: ResponseCode;
	readonly attributes?: readonly RadiusAttribute[];
	readonly messageAuthenticator?: boolean;
	/** Sign with this secret instead of the NAS's own, like a NAS configured with another secret. */
	readonly secret?: string;
}

/** Options of {@link startFakeCoaNas}. */
export interface FakeCoaNasOptions {
	readonly secret: string;
	/** Default 127.0.0.1. */
	readonly host?: string;
	/** Picks the answer to each verified request; undefined stays silent. Default: a Disconnect-ACK. */
	readonly answer?: (request: ReceivedRequest) => FakeNasAnswer | undefined;
}

/** A NAS's Dynamic Authorization server on loopback, recording everything it receives. */
export interface FakeCoaNas {
	readonly address: string;
	readonly port: number;
	readonly received: readonly ReceivedRequest[];
	/** Resolves once `count` datagrams have arrived in all. */
	waitForRequests(count: number): Promise<readonly ReceivedRequest[]>;
	/** The signed reply to `request` (which must have verified). */
	encodeAnswer(request: ReceivedRequest, answer: FakeNasAnswer): Buffer;
	/** Sends `bytes` from the NAS's CoA port. */
	sendRaw(bytes: Buffer, to: {readonly address: string; readonly port: number}): Promise<void>;
	close(): Promise<void>;
}

/** Starts a fake NAS on an ephemeral port: it verifies each request with `secret` and answers as `answer` says. */
export async function startFakeCoaNas(options: FakeCoaNasOptions): Promise<FakeCoaNas> {
	const host = options.host ?? '127.0.0.1';
	const answer = options.answer ?? ((): FakeNasAnswer => ({code: PacketCode.DisconnectAck}));
	const received: ReceivedRequest[] = [];
	const copies = new Map<string, number>();
	const waiters: Array<{readonly count: number; readonly resolve: () => void}> = [];

	const encodeAnswer = (request: ReceivedRequest, reply: FakeNasAnswer): Buffer => {
		if (request.packet === undefined) {
			throw new Error('the request did not verify, a NAS would not answer it');
		}
		return encodeNasReply({
			code: reply.code,
			identifier: request.bytes[1]!,
			requestAuthenticator: request.bytes.subarray(4, HEADER),
			attributes: reply.attributes ?? [],
			secret: reply.secret ?? options.secret,
			messageAuthenticator: reply.messageAuthenticator ?? false,
		});
	};
	let closed = false;
	// An answer due after the NAS was closed (a delayed ACK outliving its test) is dropped, as by a NAS gone away.
	const sendRaw = async (bytes: Buffer, to: {readonly address: string; readonly port: number}): Promise<void> => {
		if (closed) return;
		try {
			await socket.send(bytes, to);
		} catch (error) {
			if (!closed) throw error;
		}
	};

	// The listener only carries datagrams: recording, verification and answers are the fake's own.
	const socket = await UdpListener.bind(host, 0, (bytes, remote) => {
		const key = `${remote.address}|${remote.port}|${bytes.toString('hex')}`;
		const copy = (copies.get(key) ?? 0) + 1;
		copies.set(key, copy);
		const request: ReceivedRequest = {
			bytes,
			from: {address: remote.address, port: remote.port},
			packet: checkRequest(bytes, options.secret).ok ? decodePacket(bytes) : undefined,
			copy,
		};
		received.push(request);
		for (const waiter of waiters.filter((candidate) => received.length >= candidate.count)) {
			waiters.splice(waiters.indexOf(waiter), 1);
			waiter.resolve();
		}
		const reply = request.packet === undefined ? undefined : answer(request);
		if (reply !== undefined) {
			void sendRaw(encodeAnswer(request, reply), request.from);
		}
	});
	const {address, port} = socket;

	return {
		address,
		port,
		received,
		async waitForRequests(count) {
			if (received.length < count) {
				await new Promise<void>((resolve) => {
					waiters.push({count, resolve});
				});
			}
			return received;
		},
		encodeAnswer,
		sendRaw,
		close: () => {
			closed = true;
			return socket.close();
		},
	};
}

/** A NAS on loopback that acknowledges every Disconnect-Request `delayMs` after it came (a run then lasts a while). */
export async function startSlowAckNas(secret: string, delayMs: number): Promise<FakeCoaNas> {
	const nas: FakeCoaNas = await startFakeCoaNas({
		secret,
		answer: (request) => {
			setTimeout(() => void nas.sendRaw(nas.encodeAnswer(request, {code: PacketCode.DisconnectAck}), request.from), delayMs);
			return undefined;
		},
	});
	return nas;
}

/** Distinct requests (first copies that verified) `nas` received from index `from` on. */
export function distinctRequestsSince(nas: FakeCoaNas, from = 0): number {
	return nas.received.slice(from).filter((request) => request.packet !== undefined && request.copy === 1).length;
}
