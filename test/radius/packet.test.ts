import {createHash} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {encodeRequest, encodeResponse, verifyRequest, verifyResponse} from '../../source/radius/authenticators.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {
	RadiusDecodeError,
	decodePacket,
	encodeAttributes,
	getInteger,
	getIp,
	getString,
	type RadiusAttribute,
} from '../../source/radius/packet.js';
import {DISCONNECT_VECTORS} from './vectors.js';

const secret = 'testing123';
const hex = (text: string): Buffer => Buffer.from(text, 'hex');
const requestAuthenticatorOf = (request: Buffer): Buffer => Buffer.from(request.subarray(4, 20));
const expectDecodeError = (buf: Buffer, message: RegExp): void => {
	expect(() => decodePacket(buf)).toThrow(RadiusDecodeError);
	expect(() => decodePacket(buf)).toThrow(message);
};

/** Deterministic PRNG (mulberry32) so a fuzz failure reproduces. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d_2b_79_f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

describe('FreeRADIUS 3.2.1 vectors', () => {
	describe.each(DISCONNECT_VECTORS)('$name', (vector) => {
		const request = hex(vector.requestHex);
		const reply = hex(vector.replyHex);
		const hasMessageAuthenticator = vector.attributes.some((attribute) => attribute.name === 'Message-Authenticator');

		it('encodes the same bytes as radclient', () => {
			const encoded = encodeRequest({
				code: PacketCode.DisconnectRequest,
				identifier: request.readUInt8(1),
				attributes: vector.attributes,
				secret: vector.secret,
				messageAuthenticator: hasMessageAuthenticator,
			});
			expect(encoded.toString('hex')).toBe(vector.requestHex);
		});

		it('accepts the reply of the FreeRADIUS CoA listener', () => {
			const result = verifyResponse(reply, requestAuthenticatorOf(request), vector.secret);
			expect(result).toMatchObject({ok: true, packet: {identifier: request.readUInt8(1)}});
		});

		it('verifies the request as a NAS would', () => {
			expect(verifyRequest(request, vector.secret)).toMatchObject({ok: true, packet: {code: 40}});
		});
	});

	it('appends Message-Authenticator last when the attribute list does not place it', () => {
		const vector = DISCONNECT_VECTORS[1]!;
		const encoded = encodeRequest({
			code: PacketCode.DisconnectRequest,
			identifier: 0x77,
			attributes: vector.attributes.filter((attribute) => attribute.name !== 'Message-Authenticator'),
			secret,
			messageAuthenticator: true,
		});
		expect(encoded.toString('hex')).toBe(vector.requestHex);
	});

	it('decodes a request into named attributes', () => {
		const packet = decodePacket(hex(DISCONNECT_VECTORS[2]!.requestHex));
		expect(packet.code).toBe(PacketCode.DisconnectRequest);
		expect(packet.identifier).toBe(0xdd);
		expect(packet.attributes.map((attribute) => attribute.name)).toEqual([
			'User-Name',
			'Acct-Session-Id',
			'NAS-IP-Address',
			'Event-Timestamp',
		]);
		expect(getString(packet, 'User-Name')).toBe('bob');
		expect(getString(packet, 'Acct-Session-Id')).toBe('0000abcd');
		expect(getIp(packet, 'NAS-IP-Address')).toBe('10.20.0.1');
		expect(getInteger(packet, 'Event-Timestamp')).toBe(1_764_000_000);
		expect(getIp(packet, 'Framed-IP-Address')).toBeUndefined();
	});

	it('decodes the NAK for an unknown session', () => {
		const packet = decodePacket(hex(DISCONNECT_VECTORS[3]!.replyHex));
		expect(packet.code).toBe(PacketCode.DisconnectNak);
		expect(packet.identifier).toBe(0x0c);
		expect(packet.attributes).toEqual([]);
		expect(getInteger(packet, 'Error-Cause')).toBeUndefined();
	});
});

describe('verifyResponse rejects', () => {
	const vector = DISCONNECT_VECTORS[1]!;
	const request = hex(vector.requestHex);
	const requestAuthenticator = requestAuthenticatorOf(request);

	it('a flipped bit in the Response Authenticator', () => {
		const reply = hex(vector.replyHex);
		reply[10]! ^= 0x01;
		expect(verifyResponse(reply, requestAuthenticator, secret)).toEqual({ok: false, reason: 'bad Response Authenticator'});
	});

	it('a flipped bit in the body', () => {
		const reply = hex(DISCONNECT_VECTORS[0]!.replyHex);
		reply[0] = PacketCode.DisconnectNak;
		expect(verifyResponse(reply, requestAuthenticatorOf(hex(DISCONNECT_VECTORS[0]!.requestHex)), secret)).toEqual({
			ok: false,
			reason: 'bad Response Authenticator',
		});
	});

	it('a wrong secret', () => {
		expect(verifyResponse(hex(vector.replyHex), requestAuthenticator, 'testing124')).toEqual({
			ok: false,
			reason: 'bad Response Authenticator',
		});
	});

	it('a reply to a different request', () => {
		const other = requestAuthenticatorOf(hex(DISCONNECT_VECTORS[0]!.requestHex));
		expect(verifyResponse(hex(vector.replyHex), other, secret)).toMatchObject({ok: false});
	});

	it('a reply whose only fault is its Message-Authenticator', () => {
		const reply = encodeResponse({
			code: PacketCode.DisconnectAck,
			identifier: 0x77,
			requestAuthenticator,
			attributes: [],
			secret,
			messageAuthenticator: true,
		});
		expect(reply.length).toBe(38);
		expect(reply.readUInt8(20)).toBe(80);
		reply[30]! ^= 0xff;
		// Re-sign the Response Authenticator over the corrupted MA, as a broken NAS would.
		const resigned = Buffer.from(reply);
		requestAuthenticator.copy(resigned, 4);
		createHash('md5').update(resigned).update(secret).digest().copy(reply, 4);
		expect(verifyResponse(reply, requestAuthenticator, secret)).toEqual({ok: false, reason: 'bad Message-Authenticator'});
	});

	it('truncated and garbage replies as malformed, without throwing', () => {
		const reply = hex(vector.replyHex);
		expect(verifyResponse(reply.subarray(0, 19), requestAuthenticator, secret)).toEqual({
			ok: false,
			reason: 'malformed: packet is 19 octets, shorter than the 20-octet header',
		});
		const long = Buffer.from(reply);
		long.writeUInt16BE(24, 2);
		expect(verifyResponse(long, requestAuthenticator, secret)).toEqual({
			ok: false,
			reason: 'malformed: Length field is 24 but only 20 octets were received',
		});
	});

	it('a Message-Authenticator of the wrong size', () => {
		const reply = Buffer.concat([hex(vector.replyHex), Buffer.from([80, 4, 0, 0])]);
		reply.writeUInt16BE(24, 2);
		expect(verifyResponse(reply, requestAuthenticator, secret)).toEqual({
			ok: false,
			reason: 'malformed: Message-Authenticator is 2 octets, expected 16',
		});
	});

	it('throws on a request authenticator that is not 16 octets', () => {
		expect(() => verifyResponse(hex(vector.replyHex), Buffer.alloc(15), secret)).toThrow(RangeError);
	});
});

describe('encodeResponse -> verifyResponse', () => {
	const request = hex(DISCONNECT_VECTORS[3]!.requestHex);
	const requestAuthenticator = requestAuthenticatorOf(request);

	it.each([false, true])('round-trips a NAK with Error-Cause (Message-Authenticator: %s)', (messageAuthenticator) => {
		const reply = encodeResponse({
			code: PacketCode.DisconnectNak,
			identifier: request.readUInt8(1),
			requestAuthenticator,
			attributes: [{name: 'Error-Cause', value: 503}],
			secret,
			messageAuthenticator,
		});
		expect(reply.length).toBe(messageAuthenticator ? 44 : 26);
		const result = verifyResponse(reply, requestAuthenticator, secret);
		expect(result.ok).toBe(true);
		if (result.ok) {
			expect(result.packet.code).toBe(PacketCode.DisconnectNak);
			expect(getInteger(result.packet, 'Error-Cause')).toBe(503);
			expect(result.packet.attributes.some((attribute) => attribute.name === 'Message-Authenticator')).toBe(messageAuthenticator);
		}
		expect(verifyResponse(reply, requestAuthenticator, 'wrong')).toMatchObject({ok: false});
	});

	it('puts Message-Authenticator where the attribute list places it', () => {
		const reply = encodeResponse({
			code: PacketCode.DisconnectAck,
			identifier: 1,
			requestAuthenticator,
			attributes: [
				{name: 'Message-Authenticator', value: Buffer.alloc(16)},
				{name: 'Reply-Message', value: 'ok'},
			],
			secret,
			messageAuthenticator: true,
		});
		expect(decodePacket(reply).attributes.map((attribute) => attribute.name)).toEqual(['Message-Authenticator', 'Reply-Message']);
		expect(verifyResponse(reply, requestAuthenticator, secret).ok).toBe(true);
	});

	it('accepts padding beyond the Length field (RFC 2865 §3)', () => {
		const reply = encodeResponse({
			code: PacketCode.DisconnectAck,
			identifier: 1,
			requestAuthenticator,
			attributes: [],
			secret,
			messageAuthenticator: true,
		});
		const padded = Buffer.concat([reply, Buffer.from([0xde, 0xad])]);
		expect(verifyResponse(padded, requestAuthenticator, secret).ok).toBe(true);
		expect(decodePacket(padded).attributes).toHaveLength(1);
	});
});

describe('verifyRequest', () => {
	it('rejects a flipped bit in the Request Authenticator', () => {
		const request = hex(DISCONNECT_VECTORS[0]!.requestHex);
		request[4]! ^= 0x80;
		expect(verifyRequest(request, secret)).toEqual({ok: false, reason: 'bad Request Authenticator'});
	});

	it('rejects a request whose only fault is its Message-Authenticator', () => {
		const request = hex(DISCONNECT_VECTORS[3]!.requestHex);
		request[request.length - 1]! ^= 0x01;
		const zeroed = Buffer.from(request);
		zeroed.fill(0, 4, 20);
		createHash('md5').update(zeroed).update(secret).digest().copy(request, 4);
		expect(verifyRequest(request, secret)).toEqual({ok: false, reason: 'bad Message-Authenticator'});
	});

	it('rejects two Message-Authenticators', () => {
		const request = hex(DISCONNECT_VECTORS[3]!.requestHex);
		const doubled = Buffer.concat([request, request.subarray(32)]);
		doubled.writeUInt16BE(doubled.length, 2);
		expect(verifyRequest(doubled, secret)).toEqual({
			ok: false,
			reason: 'malformed: more than one Message-Authenticator (RFC 3579 §3.2)',
		});
	});
});

describe('encodeRequest', () => {
	const base = {
		code: PacketCode.DisconnectRequest,
		identifier: 7,
		attributes: [{name: 'Acct-Session-Id', value: 'x'}] as readonly RadiusAttribute[],
		secret,
		messageAuthenticator: false,
	};

	it('round-trips through verifyRequest', () => {
		const request = encodeRequest({...base, code: PacketCode.CoaRequest, messageAuthenticator: true});
		expect(verifyRequest(request, secret)).toMatchObject({ok: true, packet: {code: 43, identifier: 7}});
	});

	it.each([-1, 256, 1.5, Number.NaN])('rejects identifier %s', (identifier) => {
		expect(() => encodeRequest({...base, identifier})).toThrow(/identifier must be an integer from 0 to 255/);
	});

	it('accepts identifiers 0 and 255', () => {
		expect(encodeRequest({...base, identifier: 0}).readUInt8(1)).toBe(0);
		expect(encodeRequest({...base, identifier: 255}).readUInt8(1)).toBe(255);
	});

	it('accepts exactly 4096 octets and rejects 4097 (RFC 2865 §3)', () => {
		const filler = Array.from({length: 15}, (): RadiusAttribute => ({name: 'Class', value: Buffer.alloc(253)}));
		const attributesOfLength = (last: number): RadiusAttribute[] => [...filler, {name: 'Class', value: Buffer.alloc(last)}];
		expect(encodeRequest({...base, attributes: attributesOfLength(249)}).length).toBe(4096);
		expect(() => encodeRequest({...base, attributes: attributesOfLength(250)})).toThrow(
			/packet would be 4097 octets, the maximum is 4096/,
		);
	});

	it('rejects an empty secret', () => {
		expect(() => encodeRequest({...base, secret: ''})).toThrow(/shared secret must not be empty/);
		expect(() => verifyRequest(hex(DISCONNECT_VECTORS[0]!.requestHex), '')).toThrow(/shared secret must not be empty/);
	});

	it('rejects a placed Message-Authenticator without messageAuthenticator', () => {
		expect(() => encodeRequest({...base, attributes: DISCONNECT_VECTORS[1]!.attributes})).toThrow(
			/Message-Authenticator but messageAuthenticator is false/,
		);
	});

	it('rejects two Message-Authenticators', () => {
		const mac: RadiusAttribute = {name: 'Message-Authenticator', value: Buffer.alloc(16)};
		expect(() => encodeRequest({...base, attributes: [mac, mac], messageAuthenticator: true})).toThrow(
			/at most one Message-Authenticator/,
		);
	});
});

describe('encodeAttributes', () => {
	it('encodes Event-Timestamp 1764000000 as 0x69248100', () => {
		const expected = '370669248100';
		expect(encodeAttributes([{name: 'Event-Timestamp', value: 1_764_000_000}]).toString('hex')).toBe(expected);
		expect(encodeAttributes([{name: 'Event-Timestamp', value: new Date(1_764_000_000_500)}]).toString('hex')).toBe(expected);
	});

	it('encodes each data type', () => {
		const encoded = encodeAttributes([
			{name: 'User-Name', value: 'zoë'},
			{name: 'Framed-IP-Address', value: '255.0.10.1'},
			{name: 'NAS-Port', value: 0xff_ff_ff_ff},
			{name: 'Class', value: Buffer.from([1, 2, 3])},
			{name: 'Framed-IPv6-Address', value: '2001:db8::1'},
			{name: 'NAS-IPv6-Address', value: '::ffff:192.0.2.1'},
			{name: 'Framed-IPv6-Prefix', value: '2001:db8:ab00::/40'},
			{name: 'Framed-IPv6-Prefix', value: '::/0'},
		]);
		expect(encoded.toString('hex')).toBe(
			[
				'01067a6fc3ab',
				'0806ff000a01',
				'0506ffffffff',
				'1905010203',
				'a812' + '20010db8000000000000000000000001',
				'5f12' + '00000000000000000000ffffc0000201',
				'6109' + '0028' + '20010db8ab',
				'6104' + '0000',
			].join(''),
		);
	});

	it('accepts a 253-octet string and rejects 254 with a clear error', () => {
		expect(encodeAttributes([{name: 'User-Name', value: 'a'.repeat(253)}])).toHaveLength(255);
		expect(() => encodeAttributes([{name: 'User-Name', value: 'a'.repeat(254)}])).toThrow(
			new RangeError('User-Name: value is 254 octets, the maximum is 253 (RFC 2865 §5)'),
		);
		expect(() => encodeAttributes([{name: 'Calling-Station-Id', value: 'é'.repeat(127)}])).toThrow(
			/Calling-Station-Id: value is 254 octets/,
		);
	});

	it('rejects empty values', () => {
		expect(() => encodeAttributes([{name: 'User-Name', value: ''}])).toThrow(/User-Name: an empty value/);
		expect(() => encodeAttributes([{name: 'State', value: Buffer.alloc(0)}])).toThrow(/State: an empty value/);
	});

	it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4/32', '::1', ''])(
		'rejects IPv4 address %j',
		(value) => {
			expect(() => encodeAttributes([{name: 'Framed-IP-Address', value}])).toThrow(
				new RangeError(`Framed-IP-Address: ${JSON.stringify(value)} is not a dotted-quad IPv4 address`),
			);
		},
	);

	it.each(['1.2.3.4', '2001:db8::1::2', '2001:db8:0:0:0:0:0:0:1', '2001:db8:0:0:0:0:1', 'g::1', '12345::', ':1::', 'fe80::1%eth0'])(
		'rejects IPv6 address %j',
		(value) => {
			expect(() => encodeAttributes([{name: 'NAS-IPv6-Address', value}])).toThrow(/NAS-IPv6-Address: .* is not an IPv6 address/);
		},
	);

	it.each(['2001:db8::', '2001:db8::/129', '2001:db8::1/64', '2001:db8:ab40::/41', 'x/8'])('rejects IPv6 prefix %j', (value) => {
		expect(() => encodeAttributes([{name: 'Framed-IPv6-Prefix', value}])).toThrow(/Framed-IPv6-Prefix: /);
	});

	it.each([-1, 2 ** 32, 1.5, Number.NaN])('rejects integer %s', (value) => {
		expect(() => encodeAttributes([{name: 'NAS-Port', value}])).toThrow(
			new RangeError(`NAS-Port: ${value} is not an unsigned 32-bit integer`),
		);
	});

	it('rejects an invalid Date', () => {
		expect(() => encodeAttributes([{name: 'Event-Timestamp', value: new Date(Number.NaN)}])).toThrow(/Event-Timestamp: NaN/);
	});

	it('rejects values of the wrong JS type', () => {
		expect(() => encodeAttributes([{name: 'User-Name', value: 5}])).toThrow(new TypeError('User-Name: expected a string'));
		expect(() => encodeAttributes([{name: 'Class', value: 'text'}])).toThrow(new TypeError('Class: expected a Buffer'));
		expect(() => encodeAttributes([{name: 'Error-Cause', value: '503'}])).toThrow(new TypeError('Error-Cause: expected a number'));
		expect(() => encodeAttributes([{name: 'Framed-IP-Address', value: 0x01_02_03_04}])).toThrow(RangeError);
	});
});

describe('decodePacket', () => {
	const header = (length: number, attributes: number[] = []): Buffer => {
		const buf = Buffer.concat([Buffer.from([42, 1, 0, 0]), Buffer.alloc(16), Buffer.from(attributes)]);
		buf.writeUInt16BE(length, 2);
		return buf;
	};

	it('keeps unknown attributes by number', () => {
		const packet = decodePacket(header(25, [200, 5, 1, 2, 3]));
		expect(packet.attributes).toEqual([{type: 200, value: Buffer.from([1, 2, 3])}]);
	});

	it('allows an attribute with an empty value (Length 2)', () => {
		expect(decodePacket(header(22, [18, 2])).attributes).toEqual([{type: 18, name: 'Reply-Message', value: Buffer.alloc(0)}]);
	});

	it('rejects packets shorter than the header', () => {
		expectDecodeError(Buffer.alloc(0), /packet is 0 octets, shorter than the 20-octet header/);
		expectDecodeError(hex(DISCONNECT_VECTORS[0]!.replyHex).subarray(0, 19), /packet is 19 octets/);
	});

	it('rejects a Length field larger than the buffer', () => {
		expectDecodeError(hex(DISCONNECT_VECTORS[0]!.requestHex).subarray(0, 54), /Length field is 55 but only 54 octets were received/);
	});

	it('rejects a Length field outside 20..4096', () => {
		expectDecodeError(header(19), /Length field is 19, must be 20 to 4096/);
		expectDecodeError(Buffer.concat([header(4097), Buffer.alloc(4077)]), /Length field is 4097/);
	});

	it.each([0, 1])('rejects an attribute with Length %i', (length) => {
		expectDecodeError(header(24, [1, length, 0x61, 0x62]), new RegExp(`attribute 1 at offset 20 has Length ${length}, less than 2`));
	});

	it('rejects an attribute that overruns the packet', () => {
		expectDecodeError(header(24, [1, 6, 0x61, 0x62]), /attribute 1 at offset 20 has Length 6, overrunning the packet by 2 octets/);
		// The overrun counts against Length, not the buffer: padding is not attribute space.
		expectDecodeError(Buffer.concat([header(24, [1, 6, 0x61, 0x62]), Buffer.alloc(2)]), /overrunning/);
	});

	it('rejects an attribute cut off after its Type octet', () => {
		expectDecodeError(header(24, [1, 3, 0x61, 5]), /attribute at offset 23 is cut off after its Type octet/);
	});

	it('copies values so the input buffer can be reused', () => {
		const buf = hex(DISCONNECT_VECTORS[0]!.requestHex);
		const packet = decodePacket(buf);
		buf.fill(0);
		expect(getString(packet, 'User-Name')).toBe('alice@isp.example');
		expect(packet.authenticator.toString('hex')).toBe('c63cc944fe1e32c84a36ac04d5e3c2b7');
	});

	it('getters reject values of the wrong size', () => {
		const packet = decodePacket(header(25, [8, 5, 1, 2, 3]));
		expect(() => getIp(packet, 'Framed-IP-Address')).toThrow(new RadiusDecodeError('Framed-IP-Address: value is 3 octets, expected 4'));
		const cause = decodePacket(header(25, [101, 5, 1, 2, 3]));
		expect(() => getInteger(cause, 'Error-Cause')).toThrow(RadiusDecodeError);
	});

	it('formats IPv6 addresses per RFC 5952', () => {
		const cases: Array<[string, string]> = [
			['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
			['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
			['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
			['::', '::'],
			['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
			['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
			['1::', '1::'],
		];
		for (const [input, expected] of cases) {
			const packet = decodePacket(Buffer.concat([header(38), encodeAttributes([{name: 'Framed-IPv6-Address', value: input}])]));
			expect(getIp(packet, 'Framed-IPv6-Address')).toBe(expected);
		}
	});
});

describe('on arbitrary input', () => {
	const check = (buf: Buffer): void => {
		try {
			decodePacket(buf);
		} catch (error) {
			expect(error).toBeInstanceOf(RadiusDecodeError);
		}
		const authenticator = Buffer.alloc(16);
		expect(() => verifyResponse(buf, authenticator, secret)).not.toThrow();
		expect(() => verifyRequest(buf, secret)).not.toThrow();
	};

	it('only ever throws RadiusDecodeError, and the verifiers never throw', () => {
		const next = random(5176);
		const byte = (): number => Math.floor(next() * 256);
		for (let round = 0; round < 2000; round++) {
			const buf = Buffer.from(Array.from({length: Math.floor(next() * 80)}, byte));
			check(buf);
			// A plausible header makes the attribute walk run on random bytes.
			if (buf.length >= 20) {
				buf.writeUInt16BE(20 + Math.floor(next() * (buf.length - 19)), 2);
				check(buf);
			}
		}
	});

	it('handles every truncation and every single-bit flip of the vectors', () => {
		for (const vector of DISCONNECT_VECTORS) {
			const request = hex(vector.requestHex);
			for (let length = 0; length <= request.length; length++) {
				check(request.subarray(0, length));
			}
			for (let bit = 0; bit < request.length * 8; bit++) {
				const flipped = Buffer.from(request);
				flipped[bit >> 3]! ^= 1 << (bit & 7);
				check(flipped);
				expect(verifyRequest(flipped, secret).ok).toBe(false);
			}
		}
	});
});
