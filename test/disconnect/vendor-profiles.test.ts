import {describe, expect, it} from 'vitest';
import {disconnectAttributes, identifiesSession, VENDOR_PROFILES} from '../../source/disconnect/vendor-profiles.js';
import {encodeRequest} from '../../source/radius/authenticators.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {makeSession} from './fixtures.js';

const NOW = new Date('2025-11-25T12:00:00Z');
const SESSION = makeSession({username: 'alice', acctsessionid: '81b00001', framedipaddress: '100.64.0.1', nasipaddress: '10.20.0.1'});

function names(vendor: keyof typeof VENDOR_PROFILES, session = SESSION): string[] {
	return disconnectAttributes(session, vendor, NOW).map((attribute) => attribute.name);
}

describe('disconnectAttributes', () => {
	it('MikroTik and Cisco: User-Name, Acct-Session-Id, Framed-IP-Address, no NAS identification', () => {
		expect(disconnectAttributes(SESSION, 'mikrotik', NOW)).toEqual([
			{name: 'User-Name', value: 'alice'},
			{name: 'Acct-Session-Id', value: '81b00001'},
			{name: 'Framed-IP-Address', value: '100.64.0.1'},
		]);
		expect(names('cisco')).toEqual(['User-Name', 'Acct-Session-Id', 'Framed-IP-Address']);
	});

	it('Juniper and accel-ppp: Acct-Session-Id and User-Name', () => {
		expect(names('juniper')).toEqual(['Acct-Session-Id', 'User-Name']);
		expect(names('accel-ppp')).toEqual(['Acct-Session-Id', 'User-Name']);
	});

	it('generic: the session attributes plus NAS-IP-Address and Event-Timestamp, as the RFC advises', () => {
		expect(disconnectAttributes(SESSION, 'generic', NOW)).toEqual([
			{name: 'User-Name', value: 'alice'},
			{name: 'Acct-Session-Id', value: '81b00001'},
			{name: 'Framed-IP-Address', value: '100.64.0.1'},
			{name: 'NAS-IP-Address', value: '10.20.0.1'},
			{name: 'Event-Timestamp', value: NOW},
		]);
	});

	it('identifies an IPv6 NAS with NAS-IPv6-Address', () => {
		expect(names('generic', makeSession({nasipaddress: '2001:db8::1'}))).toContain('NAS-IPv6-Address');
	});

	it('leaves out what the session lacks, and IPv6 framed addresses', () => {
		const bare = makeSession({username: null, framedipaddress: null});
		expect(names('mikrotik', bare)).toEqual(['Acct-Session-Id']);
		expect(names('mikrotik', makeSession({framedipaddress: '2001:db8::5'}))).toEqual(['User-Name', 'Acct-Session-Id']);
		const nothing = makeSession({username: '', acctsessionid: '', framedipaddress: null});
		expect(identifiesSession(disconnectAttributes(nothing, 'generic', NOW))).toBe(false);
		expect(identifiesSession(disconnectAttributes(SESSION, 'juniper', NOW))).toBe(true);
	});

	it('produces attributes the packet encoder accepts for every vendor', () => {
		for (const vendor of Object.keys(VENDOR_PROFILES) as Array<keyof typeof VENDOR_PROFILES>) {
			const packet = encodeRequest({
				code: PacketCode.DisconnectRequest,
				identifier: 1,
				attributes: disconnectAttributes(SESSION, vendor, NOW),
				secret: 's3cret',
				messageAuthenticator: true,
			});
			expect(packet.length).toBeGreaterThan(20);
		}
	});
});
