import {ATTRIBUTES, attributeName, type AttributeDefinition, type AttributeName, type AttributeNameOf} from './dictionary.js';
import {formatIpv6, parseIpv4, parseIpv6} from './ip-address.js';

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

/** Thrown by {@link decodePacket} and the attribute getters when bytes from the network are not valid RADIUS. */
export class RadiusDecodeError extends Error {
	override name = 'RadiusDecodeError';
}

/** Octets before the attributes: Code, Identifier, Length, Authenticator (RFC 2865 §3). */
export const HEADER_LENGTH = 20;
/** RFC 2865 §3: a packet is at most 4096 octets. */
export const MAX_PACKET_LENGTH = 4096;
// RFC 2865 §5: an attribute's value is at most 253 octets (Length is one octet and counts Type and Length).
const MAX_VALUE_LENGTH = 253;
/** Octets of the Authenticator field, and of a Message-Authenticator value. */
export const AUTHENTICATOR_LENGTH = 16;
/** The dictionary entry of Message-Authenticator (RFC 3579 §3.2). */
export const MESSAGE_AUTHENTICATOR = ATTRIBUTES['Message-Authenticator'];

/** Encodes attributes in order as Type, Length, Value (RFC 2865 §5); throws TypeError/RangeError on bad values. */
export function encodeAttributes(attributes: readonly RadiusAttribute[]): Buffer {
	return Buffer.concat(attributes.map(encodeAttribute));
}

/**
 * Parses a RADIUS packet without checking its authenticators. Octets beyond the Length field are padding and
 * ignored (RFC 2865 §3). Throws {@link RadiusDecodeError}, and nothing else, on malformed input.
 */
export function decodePacket(buf: Buffer): DecodedPacket {
	return parsePacket(buf).packet;
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

/** A parsed packet with what signing and verification need to know of its layout. */
export interface ParsedPacket {
	readonly packet: DecodedPacket;
	/** The Length field: octets of `buf` that belong to the packet. */
	readonly length: number;
	/** Where each Message-Authenticator value starts (more than one is invalid, but parseable). */
	readonly macOffsets: readonly number[];
}

/** Like {@link decodePacket}, with the packet's length and where its Message-Authenticator values are. */
export function parsePacket(buf: Buffer): ParsedPacket {
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

/** One attribute as Type, Length, Value (RFC 2865 §5); throws TypeError/RangeError on a bad value. */
export function encodeAttribute(attribute: RadiusAttribute): Buffer {
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
function describe(value: RadiusAttribute['value']): string {
	return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
