import {createHash, createHmac, timingSafeEqual} from 'node:crypto';
import {
	ATTRIBUTES,
	attributeName,
	type AttributeDefinition,
	type AttributeName,
	type AttributeNameOf,
	type RequestCode,
	type ResponseCode,
} from './dictionary.js';

/** An attribute to encode; the value's JS type follows the attribute's data type. */
export interface RadiusAttribute {
	readonly name: AttributeName;
	/**
	 * string: text (UTF-8); octets: Buffer; ipaddr: `a.b.c.d`; ipv6addr: `2001:db8::1`;
	 * ipv6prefix: `2001:db8::/56`; integer: number; date: Date or seconds since the epoch.
	 */
	readonly value: string | number | Buffer | Date;
}

/** An attribute as read off the wire; `name` is set when the dictionary knows the type. */
export interface DecodedAttribute {
	readonly type: number;
	readonly name?: AttributeName;
	readonly value: Buffer;
}

/** A structurally valid RADIUS packet (nothing about its authenticators has been checked). */
export interface DecodedPacket {
	readonly code: number;
	readonly identifier: number;
	readonly authenticator: Buffer;
	readonly attributes: readonly DecodedAttribute[];
}

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

/** Thrown by {@link decodePacket} and the attribute getters when bytes from the network are not valid RADIUS. */
export class RadiusDecodeError extends Error {
	override name = 'RadiusDecodeError';
}

// RFC 2865 §3: a packet is 20 to 4096 octets.
const HEADER_LENGTH = 20;
const MAX_PACKET_LENGTH = 4096;
// RFC 2865 §5: an attribute's value is at most 253 octets (Length is one octet and counts Type and Length).
const MAX_VALUE_LENGTH = 253;
const AUTHENTICATOR_LENGTH = 16;
const MESSAGE_AUTHENTICATOR = ATTRIBUTES['Message-Authenticator'];

/** Encodes attributes in order as Type, Length, Value (RFC 2865 §5); throws TypeError/RangeError on bad values. */
export function encodeAttributes(attributes: readonly RadiusAttribute[]): Buffer {
	return Buffer.concat(attributes.map(encodeAttribute));
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
 * Parses a RADIUS packet without checking its authenticators. Octets beyond the Length field are padding and
 * ignored (RFC 2865 §3). Throws {@link RadiusDecodeError}, and nothing else, on malformed input.
 */
export function decodePacket(buf: Buffer): DecodedPacket {
	return parse(buf).packet;
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

/** The first `name` attribute as UTF-8 text, or undefined if absent. */
export function getString(packet: DecodedPacket, name: AttributeNameOf<'string'>): string | undefined {
	return findValue(packet, name)?.toString('utf8');
}

/** The first `name` attribute as an address (`a.b.c.d` or RFC 5952 IPv6 text), or undefined if absent. */
export function getIp(packet: DecodedPacket, name: AttributeNameOf<'ipaddr' | 'ipv6addr'>): string | undefined {
	const value = findValue(packet, name);
	if (value === undefined) {
		return undefined;
	}
	const expected = ATTRIBUTES[name].dataType === 'ipaddr' ? 4 : 16;
	if (value.length !== expected) {
		throw new RadiusDecodeError(`${name}: value is ${value.length} octets, expected ${expected}`);
	}
	return expected === 4 ? [...value].join('.') : formatIpv6(value);
}

/** The first `name` attribute as an unsigned 32-bit number (seconds for dates), or undefined if absent. */
export function getInteger(packet: DecodedPacket, name: AttributeNameOf<'integer' | 'date'>): number | undefined {
	const value = findValue(packet, name);
	if (value === undefined) {
		return undefined;
	}
	if (value.length !== 4) {
		throw new RadiusDecodeError(`${name}: value is ${value.length} octets, expected 4`);
	}
	return value.readUInt32BE(0);
}

function findValue(packet: DecodedPacket, name: AttributeName): Buffer | undefined {
	const {type} = ATTRIBUTES[name];
	return packet.attributes.find((attribute) => attribute.type === type)?.value;
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
	let parsed: Parsed;
	try {
		parsed = parse(buf);
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

interface Parsed {
	readonly packet: DecodedPacket;
	/** The Length field: octets of `buf` that belong to the packet. */
	readonly length: number;
	/** Where each Message-Authenticator value starts (more than one is invalid, but parseable). */
	readonly macOffsets: readonly number[];
}

function parse(buf: Buffer): Parsed {
	if (buf.length < HEADER_LENGTH) {
		throw new RadiusDecodeError(`packet is ${buf.length} octets, shorter than the ${HEADER_LENGTH}-octet header`);
	}
	const length = buf.readUInt16BE(2);
	if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH) {
		throw new RadiusDecodeError(`Length field is ${length}, must be ${HEADER_LENGTH} to ${MAX_PACKET_LENGTH}`);
	}
	if (length > buf.length) {
		throw new RadiusDecodeError(`Length field is ${length} but only ${buf.length} octets were received`);
	}
	const attributes: DecodedAttribute[] = [];
	const macOffsets: number[] = [];
	let offset = HEADER_LENGTH;
	while (offset < length) {
		if (offset + 2 > length) {
			throw new RadiusDecodeError(`attribute at offset ${offset} is cut off after its Type octet`);
		}
		const type = buf.readUInt8(offset);
		const attributeLength = buf.readUInt8(offset + 1);
		if (attributeLength < 2) {
			throw new RadiusDecodeError(`attribute ${type} at offset ${offset} has Length ${attributeLength}, less than 2`);
		}
		if (offset + attributeLength > length) {
			throw new RadiusDecodeError(
				`attribute ${type} at offset ${offset} has Length ${attributeLength}, overrunning the packet by ${offset + attributeLength - length} octets`,
			);
		}
		const name = attributeName(type);
		const value = Buffer.from(buf.subarray(offset + 2, offset + attributeLength));
		attributes.push(name === undefined ? {type, value} : {type, name, value});
		if (type === MESSAGE_AUTHENTICATOR.type) {
			macOffsets.push(offset + 2);
		}
		offset += attributeLength;
	}
	const packet: DecodedPacket = {
		code: buf.readUInt8(0),
		identifier: buf.readUInt8(1),
		authenticator: Buffer.from(buf.subarray(4, HEADER_LENGTH)),
		attributes,
	};
	return {packet, length, macOffsets};
}

function encodeAttribute(attribute: RadiusAttribute): Buffer {
	const definition: AttributeDefinition = ATTRIBUTES[attribute.name];
	const value = encodeValue(attribute.name, definition, attribute.value);
	if (value.length === 0) {
		throw new RangeError(`${attribute.name}: an empty value cannot be sent (RFC 2865 §5)`);
	}
	if (value.length > MAX_VALUE_LENGTH) {
		throw new RangeError(`${attribute.name}: value is ${value.length} octets, the maximum is ${MAX_VALUE_LENGTH} (RFC 2865 §5)`);
	}
	return Buffer.concat([Buffer.from([definition.type, value.length + 2]), value]);
}

function encodeValue(name: AttributeName, definition: AttributeDefinition, value: RadiusAttribute['value']): Buffer {
	switch (definition.dataType) {
		case 'string': {
			if (typeof value !== 'string') {
				throw new TypeError(`${name}: expected a string`);
			}
			return Buffer.from(value, 'utf8');
		}
		case 'octets': {
			if (!Buffer.isBuffer(value)) {
				throw new TypeError(`${name}: expected a Buffer`);
			}
			return value;
		}
		case 'ipaddr': {
			const address = typeof value === 'string' ? parseIpv4(value) : undefined;
			if (address === undefined) {
				throw new RangeError(`${name}: ${describe(value)} is not a dotted-quad IPv4 address`);
			}
			return address;
		}
		case 'ipv6addr': {
			const address = typeof value === 'string' ? parseIpv6(value) : undefined;
			if (address === undefined) {
				throw new RangeError(`${name}: ${describe(value)} is not an IPv6 address`);
			}
			return address;
		}
		case 'ipv6prefix': {
			return encodeIpv6Prefix(name, value);
		}
		case 'integer': {
			if (typeof value !== 'number') {
				throw new TypeError(`${name}: expected a number`);
			}
			return uint32(name, value);
		}
		case 'date': {
			if (value instanceof Date) {
				return uint32(name, Math.floor(value.getTime() / 1000));
			}
			if (typeof value !== 'number') {
				throw new TypeError(`${name}: expected a Date or seconds since the epoch`);
			}
			return uint32(name, value);
		}
	}
}

function uint32(name: AttributeName, value: number): Buffer {
	if (!Number.isInteger(value) || value < 0 || value > 0xff_ff_ff_ff) {
		throw new RangeError(`${name}: ${value} is not an unsigned 32-bit integer`);
	}
	const bytes = Buffer.alloc(4);
	bytes.writeUInt32BE(value, 0);
	return bytes;
}

// RFC 3162 §2.3: Reserved (0), Prefix-Length, then the prefix octets; RFC 8044 §3.11: bits past the prefix
// length must be zero, so only the octets the prefix covers are sent.
function encodeIpv6Prefix(name: AttributeName, value: RadiusAttribute['value']): Buffer {
	const match = typeof value === 'string' ? /^([^/]+)\/(\d{1,3})$/.exec(value) : null;
	const address = match?.[1] === undefined ? undefined : parseIpv6(match[1]);
	const prefixLength = Number(match?.[2]);
	if (address === undefined || !(prefixLength <= 128)) {
		throw new RangeError(`${name}: ${describe(value)} is not an IPv6 prefix like 2001:db8::/56`);
	}
	const octets = Math.ceil(prefixLength / 8);
	const partialBits = prefixLength % 8;
	const lastOctetHostMask = partialBits === 0 ? 0 : 0xff >> partialBits;
	if (address.subarray(octets).some((byte) => byte !== 0) || ((address[octets - 1] ?? 0) & lastOctetHostMask) !== 0) {
		throw new RangeError(`${name}: ${describe(value)} has bits set beyond the prefix length`);
	}
	return Buffer.concat([Buffer.from([0, prefixLength]), address.subarray(0, octets)]);
}

function parseIpv4(text: string): Buffer | undefined {
	const parts = text.split('.');
	if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) {
		return undefined;
	}
	return Buffer.from(parts.map(Number));
}

function parseIpv6(text: string): Buffer | undefined {
	let hex = text;
	const lastColon = text.lastIndexOf(':');
	if (text.includes('.')) {
		const ipv4 = parseIpv4(text.slice(lastColon + 1));
		if (ipv4 === undefined) {
			return undefined;
		}
		hex = `${text.slice(0, lastColon + 1)}${ipv4.readUInt16BE(0).toString(16)}:${ipv4.readUInt16BE(2).toString(16)}`;
	}
	const halves = hex.split('::');
	if (halves.length > 2) {
		return undefined;
	}
	const [head = [], tail = []] = halves.map((half) => (half === '' ? [] : half.split(':')));
	const missing = 8 - head.length - tail.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) {
		return undefined;
	}
	const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
	if (!groups.every((group) => /^[\da-f]{1,4}$/i.test(group))) {
		return undefined;
	}
	const bytes = Buffer.alloc(16);
	groups.forEach((group, index) => bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2));
	return bytes;
}

// RFC 5952 §4: lower case, no leading zeros, the longest run (two or more) of zero groups as "::".
function formatIpv6(bytes: Buffer): string {
	const groups = Array.from({length: 8}, (_, index) => bytes.readUInt16BE(index * 2));
	let bestStart = -1;
	let bestLength = 1;
	for (let start = 0; start < 8;) {
		let end = start;
		while (end < 8 && groups[end] === 0) {
			end++;
		}
		if (end - start > bestLength) {
			bestStart = start;
			bestLength = end - start;
		}
		start = Math.max(end, start + 1);
	}
	const hex = groups.map((group) => group.toString(16));
	if (bestStart < 0) {
		return hex.join(':');
	}
	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function describe(value: RadiusAttribute['value']): string {
	return typeof value === 'string' ? JSON.stringify(value) : String(value);
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
