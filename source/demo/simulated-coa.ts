/**
 * The Dynamic Authorization server of a simulated NAS (RFC 5176): a UDP socket that verifies each request with
 * the NAS's secret, finds the session in radacct and answers Disconnect-ACK/NAK or CoA-ACK/NAK, with duplicate
 * detection (RFC 5080 §2.2.2) and the fault knobs of {@link NasFaults}.
 */
import {isIPv4} from 'node:net';
import {PacketCode, type ResponseCode} from '../radius/dictionary.js';
import {encodeResponse, verifyRequest} from '../radius/authenticators.js';
import {getIp, getString, RadiusDecodeError, type DecodedPacket, type RadiusAttribute} from '../radius/packet.js';
import type {NasVendor} from './network.js';
import type {SessionCriteria, SimulatedNasContext} from './simulated-nas-types.js';
import {UdpListener, type DatagramPeer} from './udp-listener.js';

/** The identification attributes a simulated NAS can match sessions by. */
export type IdentificationAttribute = 'Acct-Session-Id' | 'User-Name' | 'Framed-IP-Address' | 'Calling-Station-Id';

/** How a vendor's NAS reads a Disconnect-Request. */
export interface VendorProfile {
	/** Attributes it matches sessions by; others in the request are ignored. */
	readonly identifiedBy: readonly IdentificationAttribute[];
	/** Attributes without which it answers NAK 402 (Missing-Attribute). */
	readonly required: readonly IdentificationAttribute[];
	/** A NAS-IP-Address other than its own gets NAK 403 (NAS-Identification-Mismatch). */
	readonly checksNasIp: boolean;
	/** Several sessions matching: end them all, or NAK 508 (Multiple-Session-Selection-Unsupported). */
	readonly multipleSessions: 'all' | 'nak';
}

const USUAL: readonly IdentificationAttribute[] = ['Acct-Session-Id', 'User-Name', 'Framed-IP-Address'];
const ALL: readonly IdentificationAttribute[] = [...USUAL, 'Calling-Station-Id'];

/** Per vendor, after the identification rules in DESIGN.md ("Protocol facts"). */
export const VENDOR_PROFILES: Readonly<Record<NasVendor, VendorProfile>> = {
	mikrotik: {identifiedBy: USUAL, required: [], checksNasIp: false, multipleSessions: 'all'},
	cisco: {identifiedBy: USUAL, required: [], checksNasIp: true, multipleSessions: 'nak'},
	juniper: {identifiedBy: USUAL, required: ['Acct-Session-Id'], checksNasIp: true, multipleSessions: 'all'},
	'accel-ppp': {identifiedBy: ALL, required: [], checksNasIp: false, multipleSessions: 'all'},
	generic: {identifiedBy: ALL, required: [], checksNasIp: true, multipleSessions: 'all'},
};

/** The profile of a NAS; a MikroTik hotspot finds its hosts by address, so it needs Framed-IP-Address. */
export function vendorProfile(vendor: NasVendor, service: 'pppoe' | 'hotspot'): VendorProfile {
	const profile = VENDOR_PROFILES[vendor];
	if (vendor === 'mikrotik' && service === 'hotspot') return {...profile, required: ['Framed-IP-Address']};
	return profile;
}

/** Error-Cause values the simulator sends (RFC 5176 §3.5). */
const ErrorCause = {
	MissingAttribute: 402,
	NasIdentificationMismatch: 403,
	InvalidAttributeValue: 407,
	SessionContextNotFound: 503,
	ResourcesUnavailable: 506,
	MultipleSessionSelectionUnsupported: 508,
} as const;

const HEADER_LENGTH = 20;

interface CachedReply {
	/** Monotonic ms when the request first arrived. */
	readonly at: number;
	/** Undefined while the request is still being processed. */
	reply: Buffer | undefined;
}

interface Answer {
	readonly code: ResponseCode;
	readonly errorCause?: number;
}

/** One NAS's CoA listener. */
export class SimulatedCoaServer {
	/** Binds `host:port` (0 for a free port). Rejects if the port cannot be bound. */
	static async start(nas: SimulatedNasContext, host: string, port: number): Promise<SimulatedCoaServer> {
		const server = new SimulatedCoaServer(nas);
		server.#socket = await UdpListener.bind(host, port, (bytes, remote) => {
			server.#receive(bytes, remote);
		});
		return server;
	}

	readonly #nas: SimulatedNasContext;
	#socket: UdpListener | undefined;
	/** Replies by source, identifier and authenticator, oldest first (RFC 5080 §2.2.2). */
	readonly #replies = new Map<string, CachedReply>();
	#closed = false;

	private constructor(nas: SimulatedNasContext) {
		this.#nas = nas;
	}

	/** The bound UDP port. */
	get port(): number {
		return this.#socket?.port ?? 0;
	}

	/** Closes the socket; replies still waiting are not sent. Idempotent. */
	async close(): Promise<void> {
		this.#closed = true;
		await this.#socket?.close();
	}

	#receive(bytes: Buffer, remote: DatagramPeer): void {
		const nas = this.#nas;
		nas.stats.received++;
		if (this.#closed || nas.closed) return;
		if (nas.faults.dropRate > 0 && nas.random() < nas.faults.dropRate) {
			nas.stats.dropped.dropRate++;
			return;
		}
		if (bytes.length < HEADER_LENGTH) {
			nas.stats.dropped.malformed++;
			return;
		}
		const code = bytes[0];
		if (code !== PacketCode.DisconnectRequest && code !== PacketCode.CoaRequest) {
			nas.stats.dropped.unsupportedCode++;
			return;
		}
		// RFC 5176 §3.4: a request whose authenticators do not verify is silently discarded.
		const verified = verifyRequest(bytes, nas.secret);
		if (!verified.ok) {
			nas.stats.dropped[verified.reason.startsWith('malformed') ? 'malformed' : 'badAuthenticator']++;
			return;
		}
		const {packet} = verified;
		const key = `${remote.address}|${remote.port}|${packet.identifier}|${packet.authenticator.toString('hex')}`;
		this.#forgetOldReplies();
		const cached = this.#replies.get(key);
		if (cached !== undefined) {
			// RFC 5080 §2.2.2: a retransmission gets the same reply and is not acted on again; one still being
			// processed is ignored (FreeRADIUS: "discarding duplicate request").
			nas.stats.duplicates++;
			if (cached.reply !== undefined) this.#send(cached.reply, remote);
			return;
		}
		const entry: CachedReply = {at: performance.now(), reply: undefined};
		this.#replies.set(key, entry);
		nas.track(this.#respond(packet, entry, remote));
	}

	async #respond(packet: DecodedPacket, entry: CachedReply, remote: DatagramPeer): Promise<void> {
		const nas = this.#nas;
		let answer: Answer;
		try {
			answer = await this.#decide(packet);
		} catch {
			answer = {
				code: packet.code === PacketCode.DisconnectRequest ? PacketCode.DisconnectNak : PacketCode.CoaNak,
				errorCause: ErrorCause.ResourcesUnavailable,
			};
		}
		if (answer.errorCause === undefined) {
			nas.stats.acked++;
		} else {
			nas.stats.naked++;
			nas.stats.naksByCause[answer.errorCause] = (nas.stats.naksByCause[answer.errorCause] ?? 0) + 1;
		}
		if (!(await nas.sleep(nas.faults.delayMs)) || this.#closed) return;
		const attributes: RadiusAttribute[] = answer.errorCause === undefined ? [] : [{name: 'Error-Cause', value: answer.errorCause}];
		// RFC 5176 §3.4: a NAS answers a request that carried Message-Authenticator with one in the reply too.
		const messageAuthenticator = packet.attributes.some((attribute) => attribute.name === 'Message-Authenticator');
		const reply = encodeResponse({
			code: answer.code,
			identifier: packet.identifier,
			requestAuthenticator: packet.authenticator,
			attributes,
			secret: nas.faults.wrongSecret ? `not-${nas.secret}` : nas.secret,
			messageAuthenticator,
		});
		entry.reply = reply;
		this.#send(reply, remote);
	}

	async #decide(packet: DecodedPacket): Promise<Answer> {
		const nas = this.#nas;
		const disconnect = packet.code === PacketCode.DisconnectRequest;
		const ack: Answer = {code: disconnect ? PacketCode.DisconnectAck : PacketCode.CoaAck};
		const nak = (errorCause: number): Answer => ({code: disconnect ? PacketCode.DisconnectNak : PacketCode.CoaNak, errorCause});
		if (nas.faults.nakAll) return nak(nas.faults.nakErrorCause);

		const profile = vendorProfile(nas.vendor, nas.service);
		let criteria: SessionCriteria;
		let nasIp: string | undefined;
		try {
			criteria = identification(packet, profile);
			nasIp = getIp(packet, 'NAS-IP-Address');
		} catch (error) {
			if (error instanceof RadiusDecodeError) return nak(ErrorCause.InvalidAttributeValue);
			throw error;
		}
		if (profile.checksNasIp && nasIp !== undefined && isIPv4(nas.ip) && nasIp !== nas.ip) {
			return nak(ErrorCause.NasIdentificationMismatch);
		}
		const present = new Set(packet.attributes.flatMap((attribute) => (attribute.name === undefined ? [] : [attribute.name])));
		if (Object.keys(criteria).length === 0 || profile.required.some((name) => !present.has(name))) {
			return nak(ErrorCause.MissingAttribute);
		}

		let sessions;
		try {
			sessions = await nas.findSessions(criteria, 64);
		} catch {
			nas.stats.dbErrors++;
			return nak(ErrorCause.ResourcesUnavailable);
		}
		if (sessions.length === 0) return nak(ErrorCause.SessionContextNotFound);
		if (sessions.length > 1 && profile.multipleSessions === 'nak') return nak(ErrorCause.MultipleSessionSelectionUnsupported);
		// A CoA-Request changes nothing the simulator models; it is acknowledged for a session the NAS has.
		if (disconnect && !nas.closed) nas.endSessions(sessions, 'Admin-Reset');
		return ack;
	}

	#send(reply: Buffer, remote: DatagramPeer): void {
		if (this.#closed) return;
		this.#socket?.send(reply, remote).catch(() => {
			// A failed send is as good as a lost datagram: the client retransmits.
		});
	}

	#forgetOldReplies(): void {
		const oldest = performance.now() - this.#nas.duplicateWindowMs;
		for (const [key, entry] of this.#replies) {
			if (entry.at >= oldest) return;
			// An entry still being processed stays, so a late retransmission is not taken for a new request.
			if (entry.reply !== undefined) this.#replies.delete(key);
		}
	}
}

/** The identification attributes of the request that the vendor matches by, as session criteria. */
function identification(packet: DecodedPacket, profile: VendorProfile): SessionCriteria {
	const uses = (name: IdentificationAttribute): boolean => profile.identifiedBy.includes(name);
	const acctSessionId = uses('Acct-Session-Id') ? getString(packet, 'Acct-Session-Id') : undefined;
	const userName = uses('User-Name') ? getString(packet, 'User-Name') : undefined;
	const framedIp = uses('Framed-IP-Address') ? getIp(packet, 'Framed-IP-Address') : undefined;
	const callingStationId = uses('Calling-Station-Id') ? getString(packet, 'Calling-Station-Id') : undefined;
	return {
		...(acctSessionId === undefined ? {} : {acctSessionId}),
		...(userName === undefined ? {} : {userName}),
		...(framedIp === undefined ? {} : {framedIp}),
		...(callingStationId === undefined ? {} : {callingStationId}),
	};
}
