/**
 * Whether a datagram is the reply to an outstanding request (RFC 5176 §2.3): from the NAS the request went to,
 * with an outstanding identifier, an answer code for the request, and authenticators that verify.
 */
import {verifyResponse} from './authenticators.js';
import {describeErrorCause, PacketCode, type RequestCode} from './dictionary.js';
import {decodePacket, getInteger, type DecodedPacket} from './packet.js';
import {formatEndpoint} from '../net/address.js';
import type {DatagramSource, DropReason} from './coa-result.js';

// RFC 5176 §2.3: a Disconnect-Request is answered by Disconnect-ACK/NAK, a CoA-Request by CoA-ACK/NAK.
const ANSWERS = {
	[PacketCode.DisconnectRequest]: {ack: PacketCode.DisconnectAck, nak: PacketCode.DisconnectNak},
	[PacketCode.CoaRequest]: {ack: PacketCode.CoaAck, nak: PacketCode.CoaNak},
} as const;

/** What {@link checkReply} needs of a request still waiting for its reply. */
export interface OutstandingRequest {
	readonly code: RequestCode;
	/** The Request Authenticator that was sent. */
	readonly authenticator: Buffer;
	readonly secret: string;
}

/** The verified answer to a request: ACK, or NAK with its Error-Cause. */
export type ReplyAnswer =
	| {readonly kind: 'ack'; readonly code: typeof PacketCode.DisconnectAck | typeof PacketCode.CoaAck}
	| {
			readonly kind: 'nak';
			readonly code: typeof PacketCode.DisconnectNak | typeof PacketCode.CoaNak;
			readonly errorCause?: number;
			readonly errorCauseText: string;
	  };

/** A reply accepted for `request`, or the reason the datagram is dropped. */
export type ReplyVerdict<T extends OutstandingRequest> =
	| {readonly ok: true; readonly request: T; readonly answer: ReplyAnswer; readonly packet: DecodedPacket}
	| {readonly ok: false; readonly reason: DropReason; readonly detail: string};

/**
 * Checks a datagram received from `from` on a socket whose requests went to `nas`; `outstanding` finds the
 * request waiting with an identifier. Pure: counting and acting on the verdict is the caller's.
 */
export function checkReply<T extends OutstandingRequest>(
	message: Buffer,
	from: DatagramSource,
	nas: DatagramSource,
	outstanding: (identifier: number) => T | undefined,
): ReplyVerdict<T> {
	// RFC 5176 §2.3: only the NAS the request went to may answer it (Node reports addresses normalized).
	if (from.address !== nas.address || from.port !== nas.port) {
		return {ok: false, reason: 'unknownSource', detail: `expected ${formatEndpoint(nas.address, nas.port)}`};
	}
	let packet: DecodedPacket;
	try {
		packet = decodePacket(message);
	} catch (error) {
		return {ok: false, reason: 'malformed', detail: error instanceof Error ? error.message : String(error)};
	}
	const request = outstanding(packet.identifier);
	if (request === undefined) {
		return {ok: false, reason: 'unknownId', detail: `identifier ${packet.identifier} is not outstanding`};
	}
	const answers = ANSWERS[request.code];
	if (packet.code !== answers.ack && packet.code !== answers.nak) {
		return {ok: false, reason: 'badCode', detail: `code ${packet.code} does not answer code ${request.code}`};
	}
	// RFC 2865 §3, RFC 5176 §2.3 and §3.4: Response Authenticator and Message-Authenticator must verify.
	const verified = verifyResponse(message, request.authenticator, request.secret);
	if (!verified.ok) {
		return {ok: false, reason: verified.reason.startsWith('malformed') ? 'malformed' : 'badAuthenticator', detail: verified.reason};
	}
	const answer: ReplyAnswer =
		packet.code === answers.ack
			? {kind: 'ack', code: answers.ack}
			: {kind: 'nak', code: answers.nak, ...readErrorCause(verified.packet)};
	return {ok: true, request, answer, packet: verified.packet};
}

function readErrorCause(packet: DecodedPacket): {errorCause?: number; errorCauseText: string} {
	let errorCause: number | undefined;
	try {
		errorCause = getInteger(packet, 'Error-Cause');
	} catch {
		return {errorCauseText: 'malformed Error-Cause'};
	}
	return errorCause === undefined ? {errorCauseText: 'no Error-Cause'} : {errorCause, errorCauseText: describeErrorCause(errorCause)};
}
