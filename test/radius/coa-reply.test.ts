import {describe, expect, it} from 'vitest';
import {encodeRequest} from '../../source/radius/authenticators.js';
import {checkReply, type OutstandingRequest} from '../../source/radius/coa-reply.js';
import {PacketCode, type ResponseCode} from '../../source/radius/dictionary.js';
import type {RadiusAttribute} from '../../source/radius/packet.js';
import {encodeNasReply} from '../helpers/fake-coa-nas.js';

const secret = 'testing123';
const nas = {address: '10.0.0.2', port: 3799};
const request = encodeRequest({
	code: PacketCode.DisconnectRequest,
	identifier: 9,
	attributes: [{name: 'User-Name', value: 'alice'}],
	secret,
	messageAuthenticator: true,
});
const outstanding: OutstandingRequest & {readonly tag: string} = {
	code: PacketCode.DisconnectRequest,
	authenticator: request.subarray(4, 20),
	secret,
	tag: 'the request',
};
const lookup = (id: number) => (id === 9 ? outstanding : undefined);

/** A reply signed as a NAS signs it, by the test's own code (not radtop's encoder). */
function reply(code: ResponseCode, attributes: readonly RadiusAttribute[] = [], options: {identifier?: number; secret?: string} = {}) {
	return encodeNasReply({
		code,
		identifier: options.identifier ?? 9,
		requestAuthenticator: outstanding.authenticator,
		attributes,
		secret: options.secret ?? secret,
		messageAuthenticator: true,
	});
}

describe('checkReply (RFC 5176 §2.3)', () => {
	it('accepts an ACK from the NAS for the outstanding identifier, and hands back that request', () => {
		const verdict = checkReply(reply(PacketCode.DisconnectAck), nas, nas, lookup);
		expect(verdict.ok && verdict.request.tag).toBe('the request');
		expect(verdict.ok && verdict.answer).toEqual({kind: 'ack', code: PacketCode.DisconnectAck});
	});

	it('reads the Error-Cause of a NAK', () => {
		const verdict = checkReply(reply(PacketCode.DisconnectNak, [{name: 'Error-Cause', value: 503}]), nas, nas, lookup);
		expect(verdict.ok && verdict.answer).toEqual({
			kind: 'nak',
			code: PacketCode.DisconnectNak,
			errorCause: 503,
			errorCauseText: 'Session-Context-Not-Found (503)',
		});
	});

	it('drops what is not the answer, and says why', () => {
		const drop = (message: Buffer, from = nas) => {
			const verdict = checkReply(message, from, nas, lookup);
			return verdict.ok ? 'accepted' : verdict.reason;
		};
		expect(drop(reply(PacketCode.DisconnectAck), {address: '10.0.0.3', port: 3799})).toBe('unknownSource');
		expect(drop(reply(PacketCode.DisconnectAck), {address: '10.0.0.2', port: 1700})).toBe('unknownSource');
		expect(drop(Buffer.from([41, 9, 0]))).toBe('malformed');
		expect(drop(reply(PacketCode.DisconnectAck, [], {identifier: 10}))).toBe('unknownId');
		expect(drop(reply(PacketCode.CoaAck))).toBe('badCode');
		expect(drop(reply(PacketCode.DisconnectAck, [], {secret: 'wrong'}))).toBe('badAuthenticator');
	});
});
