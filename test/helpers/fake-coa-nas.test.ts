/**
 * The fake NAS's own checks and signatures against FreeRADIUS's: radclient's requests verify, any change to them
 * does not, and a reply signed here is the very datagram FreeRADIUS's CoA listener sent.
 */
import {createHash} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {DISCONNECT_VECTORS} from '../radius/vectors.js';
import {checkRequest, encodeNasReply} from './fake-coa-nas.js';

describe.each(DISCONNECT_VECTORS)('the fake NAS on radclient\'s "$name"', (vector) => {
	const request = Buffer.from(vector.requestHex, 'hex');
	const reply = Buffer.from(vector.replyHex, 'hex');

	it('accepts the request, and refuses it with another secret', () => {
		expect(checkRequest(request, vector.secret)).toEqual({ok: true});
		expect(checkRequest(request, `${vector.secret}x`)).toEqual({ok: false, reason: 'bad Request Authenticator'});
	});

	it('refuses the request with any one bit changed', () => {
		for (let offset = 0; offset < request.length; offset++) {
			const changed = Buffer.from(request);
			changed[offset] = changed[offset]! ^ 0x01;
			expect(checkRequest(changed, vector.secret).ok, `bit 0 of octet ${offset}`).toBe(false);
		}
	});

	it("signs the reply FreeRADIUS's listener sent", () => {
		const signed = encodeNasReply({
			code: reply[0]!,
			identifier: request[1]!,
			requestAuthenticator: request.subarray(4, 20),
			secret: vector.secret,
		});
		expect(signed.toString('hex')).toBe(vector.replyHex);
	});
});

const signedWithMac = DISCONNECT_VECTORS.filter((vector) =>
	vector.attributes.some((attribute) => attribute.name === 'Message-Authenticator'),
);

describe.each(signedWithMac)('the fake NAS on radclient\'s "$name"', (vector) => {
	it('refuses a Message-Authenticator that is wrong under a right Request Authenticator', () => {
		// The Message-Authenticator is the last attribute here: its value is the last 16 octets.
		const changed = Buffer.from(vector.requestHex, 'hex');
		changed[changed.length - 1] = changed[changed.length - 1]! ^ 0xff;
		changed.fill(0, 4, 20);
		createHash('md5').update(changed).update(vector.secret).digest().copy(changed, 4);
		expect(checkRequest(changed, vector.secret)).toEqual({ok: false, reason: 'bad Message-Authenticator'});
	});
});
