/**
 * Which attributes a Disconnect-Request carries for each kind of NAS. RFC 5176 §3 lets a request carry NAS
 * identification attributes (NAS-IP-Address, ...) and session identification attributes (User-Name,
 * Acct-Session-Id, Framed-IP-Address, ...), and a NAS must find a session matching ALL of them: so each profile
 * sends what that vendor matches on, and nothing it might reject.
 *
 * NAS-IP-Address and Event-Timestamp are sent only by the `generic` profile, which follows the RFC's advice
 * to the letter. The vendor profiles leave them out: radacct's nasipaddress is often the packet's source
 * address rather than what the NAS calls itself (a loopback, NAT), and a mismatch is answered with NAK 403
 * NAS-Identification-Mismatch; and a NAS whose clock is off by more than its replay window (RFC 5176 §7,
 * typically 300 s) silently drops a request with Event-Timestamp, which looks like a dead NAS.
 */
import {isIPv4, isIPv6} from 'node:net';
import type {RadiusAttribute} from '../radius/packet.js';
import type {NasVendor} from './nas-override.js';
import type {Session} from '../sessions/session.js';

/** The session identification attributes a profile may send. */
export type IdentificationAttribute = 'User-Name' | 'Acct-Session-Id' | 'Framed-IP-Address';

/** What a vendor's NAS needs in a Disconnect-Request. */
export interface VendorProfile {
	/** Sent in this order, each when the session has a value for it. */
	readonly identification: readonly IdentificationAttribute[];
	/** Add NAS-IP-Address (NAS-IPv6-Address for an IPv6 NAS) with radacct's nasipaddress. */
	readonly nasIdentification: boolean;
	/** Add Event-Timestamp (the current time). */
	readonly eventTimestamp: boolean;
}

/**
 * Per vendor, after DESIGN.md's "Protocol facts": MikroTik (a hotspot finds hosts by Framed-IP-Address) and
 * Cisco match User-Name, Acct-Session-Id and Framed-IP-Address; Juniper keys on Acct-Session-Id; accel-ppp
 * takes any of its identification attributes, and Acct-Session-Id with User-Name is unambiguous.
 */
export const VENDOR_PROFILES: Readonly<Record<NasVendor, VendorProfile>> = {
	mikrotik: {identification: ['User-Name', 'Acct-Session-Id', 'Framed-IP-Address'], nasIdentification: false, eventTimestamp: false},
	cisco: {identification: ['User-Name', 'Acct-Session-Id', 'Framed-IP-Address'], nasIdentification: false, eventTimestamp: false},
	juniper: {identification: ['Acct-Session-Id', 'User-Name'], nasIdentification: false, eventTimestamp: false},
	'accel-ppp': {identification: ['Acct-Session-Id', 'User-Name'], nasIdentification: false, eventTimestamp: false},
	generic: {identification: ['User-Name', 'Acct-Session-Id', 'Framed-IP-Address'], nasIdentification: true, eventTimestamp: true},
};

/** The session columns a Disconnect-Request is built from. */
export type SessionIdentity = Pick<Session, 'username' | 'acctsessionid' | 'framedipaddress' | 'nasipaddress'>;

/**
 * The attributes of a Disconnect-Request for `session` on a NAS of `vendor`, for `encodeRequest` (which adds
 * Message-Authenticator itself). Empty values are left out; Framed-IP-Address only for an IPv4 address.
 * May return no session identification at all (see {@link identifiesSession}).
 */
export function disconnectAttributes(session: SessionIdentity, vendor: NasVendor, now: Date = new Date()): RadiusAttribute[] {
	const profile = VENDOR_PROFILES[vendor];
	const attributes: RadiusAttribute[] = [];
	for (const name of profile.identification) {
		const value = identificationValue(session, name);
		if (value !== undefined) attributes.push({name, value});
	}
	if (profile.nasIdentification) {
		const ip = session.nasipaddress;
		if (isIPv4(ip)) attributes.push({name: 'NAS-IP-Address', value: ip});
		else if (isIPv6(ip)) attributes.push({name: 'NAS-IPv6-Address', value: ip});
	}
	if (profile.eventTimestamp) attributes.push({name: 'Event-Timestamp', value: now});
	return attributes;
}

/** True when the attributes name a session: without one, a NAS could only answer NAK 402 (or end them all). */
export function identifiesSession(attributes: readonly RadiusAttribute[]): boolean {
	return attributes.some(
		(attribute) => attribute.name === 'User-Name' || attribute.name === 'Acct-Session-Id' || attribute.name === 'Framed-IP-Address',
	);
}

function identificationValue(session: SessionIdentity, name: IdentificationAttribute): string | undefined {
	switch (name) {
		case 'User-Name':
			return session.username || undefined;
		case 'Acct-Session-Id':
			return session.acctsessionid || undefined;
		case 'Framed-IP-Address':
			return session.framedipaddress !== null && isIPv4(session.framedipaddress) ? session.framedipaddress : undefined;
	}
}
