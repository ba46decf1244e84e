import {UdpListener} from '../../source/demo/udp-listener.js';
import {encodeResponse, verifyRequest} from '../../source/radius/authenticators.js';
import {PacketCode, type ResponseCode} from '../../source/radius/dictionary.js';
import type {DecodedPacket, RadiusAttribute} from '../../source/radius/packet.js';

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
		return encodeResponse({
			code: reply.code,
			identifier: request.packet.identifier,
			requestAuthenticator: request.packet.authenticator,
			attributes: reply.attributes ?? [],
			secret: reply.secret ?? options.secret,
			messageAuthenticator: reply.messageAuthenticator ?? false,
		});
	};
	const sendRaw = async (bytes: Buffer, to: {readonly address: string; readonly port: number}): Promise<void> => {
		await socket.send(bytes, to);
	};

	// The listener only carries datagrams: recording, verification and answers are the fake's own.
	const socket = await UdpListener.bind(host, 0, (bytes, remote) => {
		const key = `${remote.address}|${remote.port}|${bytes.toString('hex')}`;
		const copy = (copies.get(key) ?? 0) + 1;
		copies.set(key, copy);
		const verified = verifyRequest(bytes, options.secret);
		const request: ReceivedRequest = {
			bytes,
			from: {address: remote.address, port: remote.port},
			packet: verified.ok ? verified.packet : undefined,
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
		close: () => socket.close(),
	};
}
