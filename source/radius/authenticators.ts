/**
 * The authenticators of Dynamic Authorization packets (RFC 5176 §2.3) and the optional Message-Authenticator
 * (RFC 3579 §3.2, RFC 5176 §3.4): signing requests and replies, and verifying them. The attribute encoding and
 * the packet layout are packet.ts's.
 */
import {createHash, createHmac, timingSafeEqual} from 'node:crypto';
import type {RequestCode, ResponseCode} from './dictionary.js';
import {
	AUTHENTICATOR_LENGTH,
	encodeAttribute,
	HEADER_LENGTH,
	MAX_PACKET_LENGTH,
	MESSAGE_AUTHENTICATOR,
	parsePacket,
	RadiusDecodeError,
	type DecodedPacket,
	type ParsedPacket,
	type RadiusAttribute,
} from './packet.js';

/** Outcome of {@link verifyResponse} and {@link verifyRequest}. */
export type VerifyResult = {readonly ok: true; readonly packet: DecodedPacket} | {readonly ok: false; readonly reason: string};

/** Options of {@link encodeRequest}. */
export interface RequestOptions {
	readonly code: RequestCode;
	readonly identifier: number;
	/** In order; a Message-Authenticator entry marks where the HMAC goes (its value is ignored). */
	readonly attributes: readonly RadiusAttribute[];
	readonly secret: string;
	/** Sign with Message-Authenticator; appended last unless `attributes` places it. */
	readonly messageAuthenticator: boolean;
}

/** Options of {@link encodeResponse}. */
export interface ResponseOptions {
	readonly code: ResponseCode;
	/** The identifier of the request being answered. */
	readonly identifier: number;
	/** The Request Authenticator of the request being answered. */
	readonly requestAuthenticator: Buffer;
	/** In order; a Message-Authenticator entry marks where the HMAC goes (its value is ignored). */
	readonly attributes: readonly RadiusAttribute[];
	readonly secret: string;
	/** Sign with Message-Authenticator; appended last unless `attributes` places it. */
	readonly messageAuthenticator: boolean;
}

/**
 * Encodes and signs a Disconnect-Request or CoA-Request.
 *
 * With `messageAuthenticator`, the HMAC-MD5 is computed first, over the packet with the authenticator field and
 * the Message-Authenticator value zeroed (RFC 5176 §3.4, RFC 3579 §3.2); the Request Authenticator,
 * MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret) (RFC 5176 §2.3), is computed over the
 * signed attributes and written last.
 */
export function encodeRequest(options: RequestOptions): Buffer {
	return encodeSigned(options, Buffer.alloc(AUTHENTICATOR_LENGTH));
}

/**
 * Encodes and signs an ACK or NAK to a Dynamic Authorization request (the NAS's side).
 *
 * The Message-Authenticator, if any, is computed with the request's authenticator in the authenticator field
 * (RFC 3579 §3.2, RFC 5176 §3.4); then the Response Authenticator,
 * MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret) (RFC 5176 §2.3, RFC 2865 §3).
 */
export function encodeResponse(options: ResponseOptions): Buffer {
	if (options.requestAuthenticator.length !== AUTHENTICATOR_LENGTH) {
		throw new RangeError(`requestAuthenticator must be ${AUTHENTICATOR_LENGTH} octets, got ${options.requestAuthenticator.length}`);
	}
	return encodeSigned(options, options.requestAuthenticator);
}

/**
 * Checks a reply (ACK/NAK) against the request it answers: the Response Authenticator (RFC 5176 §2.3,
 * RFC 2865 §3) and, when present, the Message-Authenticator (RFC 3579 §3.2). Malformed replies yield
 * `{ok: false}`; throws only on a bad `requestAuthenticator` or an empty secret.
 */
export function verifyResponse(reply: Buffer, requestAuthenticator: Buffer, secret: string): VerifyResult {
	if (requestAuthenticator.length !== AUTHENTICATOR_LENGTH) {
		throw new RangeError(`requestAuthenticator must be ${AUTHENTICATOR_LENGTH} octets, got ${requestAuthenticator.length}`);
	}
	return verifySigned(reply, requestAuthenticator, secret, 'Response Authenticator');
}

/**
 * Checks a Disconnect-Request or CoA-Request as a NAS would: the Request Authenticator (RFC 5176 §2.3) and,
 * when present, the Message-Authenticator (RFC 5176 §3.4). Malformed requests yield `{ok: false}`.
 */
export function verifyRequest(buf: Buffer, secret: string): VerifyResult {
	return verifySigned(buf, Buffer.alloc(AUTHENTICATOR_LENGTH), secret, 'Request Authenticator');
}
function encodeSigned(options: Omit<RequestOptions, 'code'> & {readonly code: number}, authenticatorField: Buffer): Buffer {
	const {code, identifier, attributes, secret, messageAuthenticator} = options;
	if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255) {
		throw new RangeError(`identifier must be an integer from 0 to 255, got ${identifier}`);
	}
	const secretBytes = secretToBytes(secret);
	const placed = attributes.filter((attribute) => attribute.name === 'Message-Authenticator').length;
	if (placed > 1) {
		throw new RangeError('at most one Message-Authenticator is allowed (RFC 3579 §3.2)');
	}
	if (placed === 1 && !messageAuthenticator) {
		throw new TypeError('attributes contain Message-Authenticator but messageAuthenticator is false');
	}
	const placeholder: RadiusAttribute = {name: 'Message-Authenticator', value: Buffer.alloc(AUTHENTICATOR_LENGTH)};
	const signed = messageAuthenticator && placed === 0 ? [...attributes, placeholder] : attributes;

	const parts: Buffer[] = [Buffer.alloc(HEADER_LENGTH)];
	let length = HEADER_LENGTH;
	let macOffset: number | undefined;
	for (const attribute of signed) {
		const isMac = attribute.name === 'Message-Authenticator';
		if (isMac) {
			macOffset = length + 2;
		}
		const encoded = encodeAttribute(isMac ? placeholder : attribute);
		parts.push(encoded);
		length += encoded.length;
	}
	if (length > MAX_PACKET_LENGTH) {
		throw new RangeError(`packet would be ${length} octets, the maximum is ${MAX_PACKET_LENGTH} (RFC 2865 §3)`);
	}
	const packet = Buffer.concat(parts, length);
	packet[0] = code;
	packet[1] = identifier;
	packet.writeUInt16BE(length, 2);
	authenticatorField.copy(packet, 4);
	if (macOffset !== undefined) {
		hmacMd5(secretBytes, packet).copy(packet, macOffset);
	}
	md5(packet, secretBytes).copy(packet, 4);
	return packet;
}

function verifySigned(buf: Buffer, authenticatorField: Buffer, secret: string, authenticatorName: string): VerifyResult {
	const secretBytes = secretToBytes(secret);
	let parsed: ParsedPacket;
	try {
		parsed = parsePacket(buf);
	} catch (error) {
		if (error instanceof RadiusDecodeError) {
			return {ok: false, reason: `malformed: ${error.message}`};
		}
		throw error;
	}
	const {packet, length, macOffsets} = parsed;
	if (macOffsets.length > 1) {
		return {ok: false, reason: 'malformed: more than one Message-Authenticator (RFC 3579 §3.2)'};
	}
	const mac = packet.attributes.find((attribute) => attribute.type === MESSAGE_AUTHENTICATOR.type)?.value;
	if (mac !== undefined && mac.length !== AUTHENTICATOR_LENGTH) {
		return {ok: false, reason: `malformed: Message-Authenticator is ${mac.length} octets, expected ${AUTHENTICATOR_LENGTH}`};
	}
	const signed = Buffer.from(buf.subarray(0, length));
	authenticatorField.copy(signed, 4);
	if (!timingSafeEqual(md5(signed, secretBytes), packet.authenticator)) {
		return {ok: false, reason: `bad ${authenticatorName}`};
	}
	const macOffset = macOffsets[0];
	if (mac !== undefined && macOffset !== undefined) {
		signed.fill(0, macOffset, macOffset + AUTHENTICATOR_LENGTH);
		if (!timingSafeEqual(hmacMd5(secretBytes, signed), mac)) {
			return {ok: false, reason: 'bad Message-Authenticator'};
		}
	}
	return {ok: true, packet};
}
function secretToBytes(secret: string): Buffer {
	// RFC 2865 §3: an empty secret would let anyone forge packets.
	if (secret.length === 0) {
		throw new RangeError('the shared secret must not be empty (RFC 2865 §3)');
	}
	return Buffer.from(secret, 'utf8');
}

function md5(packet: Buffer, secret: Buffer): Buffer {
	return createHash('md5').update(packet).update(secret).digest();
}

function hmacMd5(secret: Buffer, packet: Buffer): Buffer {
	return createHmac('md5', secret).update(packet).digest();
}
