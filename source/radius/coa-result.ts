/** What the CoA client is asked to do and how a request ended, as data; and the operator's line for it. */
import {formatEndpoint} from '../net/address.js';
import type {PacketCode, RequestCode} from './dictionary.js';
import type {DecodedPacket, RadiusAttribute} from './packet.js';

/** Where a Dynamic Authorization request goes: the NAS's CoA address and port, and the secret it shares with us. */
export interface CoaTarget {
	/** An IPv4 or IPv6 address literal; no host names, since replies are matched against this address. */
	readonly host: string;
	/** The NAS's CoA port: 3799 by RFC 5176, 1700 on many MikroTik setups. */
	readonly port: number;
	readonly secret: string;
	/** A label for messages, e.g. `bng-2`. */
	readonly name?: string;
}

/** A Disconnect-Request (40) or CoA-Request (43) to send. */
export interface CoaRequest {
	readonly code: RequestCode;
	readonly attributes: readonly RadiusAttribute[];
	/** Sign with Message-Authenticator (RFC 5176 §3.4). */
	readonly messageAuthenticator: boolean;
}

/**
 * How a request ended. `ack`/`nak` carry the verified reply; `attempts` counts transmissions (1 = no
 * retransmission). `rttMs` runs from the first transmission to the accepted reply. The client never throws or
 * rejects for network conditions: those end as `timeout` or `error`.
 */
export type CoaResult =
	| {
			readonly kind: 'ack';
			readonly code: typeof PacketCode.DisconnectAck | typeof PacketCode.CoaAck;
			readonly packet: DecodedPacket;
			readonly attempts: number;
			readonly rttMs: number;
	  }
	| {
			readonly kind: 'nak';
			readonly code: typeof PacketCode.DisconnectNak | typeof PacketCode.CoaNak;
			readonly errorCause?: number;
			/** `Session-Context-Not-Found (503)`, `no Error-Cause` or `malformed Error-Cause`. */
			readonly errorCauseText: string;
			readonly packet: DecodedPacket;
			readonly attempts: number;
	  }
	| {readonly kind: 'timeout'; readonly attempts: number; readonly elapsedMs: number}
	/** `sent` tells whether the NAS may have received (and acted on) the request. */
	| {readonly kind: 'aborted'; readonly sent: boolean}
	| {readonly kind: 'error'; readonly message: string};

/** Why a datagram that reached one of the client's sockets was not accepted as a reply. */
export type DropReason = 'unknownSource' | 'unknownId' | 'badAuthenticator' | 'badCode' | 'malformed';

/** The sender of a dropped datagram. */
export interface DatagramSource {
	readonly address: string;
	readonly port: number;
}

/**
 * One line for an operator, e.g. `ACK in 12 ms`, `NAK: Session-Context-Not-Found (503)`, `NAK (no Error-Cause)`,
 * `bng-2 (10.0.0.2:3799) did not answer 3 tries in 9 s`.
 */
export function describeCoaResult(result: CoaResult, target: Pick<CoaTarget, 'host' | 'port' | 'name'>): string {
	const endpoint = formatEndpoint(target.host, target.port);
	const label = target.name === undefined ? endpoint : `${target.name} (${endpoint})`;
	switch (result.kind) {
		case 'ack': {
			const rtt = result.rttMs < 10 ? result.rttMs.toFixed(1) : Math.round(result.rttMs).toString();
			return `ACK in ${rtt} ms${result.attempts > 1 ? `, ${result.attempts} tries` : ''}`;
		}
		case 'nak': {
			return result.errorCause === undefined ? `NAK (${result.errorCauseText})` : `NAK: ${result.errorCauseText}`;
		}
		case 'timeout': {
			const seconds = Number((result.elapsedMs / 1000).toFixed(1));
			return `${label} did not answer ${result.attempts} ${result.attempts === 1 ? 'try' : 'tries'} in ${seconds} s`;
		}
		case 'aborted': {
			return result.sent ? `aborted while waiting for ${label}` : `aborted before sending to ${label}`;
		}
		case 'error': {
			return `${label}: ${result.message}`;
		}
	}
}
