import type {RadiusAttribute} from '../../source/radius/packet.js';

/** One captured Disconnect-Request exchange. */
export interface DisconnectVector {
	readonly name: string;
	readonly secret: string;
	/** The attributes in the order radclient was given them (its dictionary syntax in the comment of each). */
	readonly attributes: readonly RadiusAttribute[];
	readonly requestHex: string;
	readonly replyHex: string;
}

/**
 * Captures from FreeRADIUS 3.2.1: each request as `radclient` encoded it (secret `testing123`), and the reply
 * FreeRADIUS 3.2.1's own CoA listener sent back to exactly those bytes (41 = Disconnect-ACK, 42 = Disconnect-NAK).
 * The identifier is radclient's choice (request byte 1). `Message-Authenticator = 0x00` tells radclient to compute
 * the HMAC-MD5 in that place. Copied from the team's shared `vectors/radius-disconnect.json` so CI needs no
 * checkout beside this repository.
 */
export const DISCONNECT_VECTORS: readonly DisconnectVector[] = [
	{
		name: 'mikrotik-style, no Message-Authenticator',
		secret: 'testing123',
		// User-Name = "alice@isp.example", Acct-Session-Id = "81a00001", Framed-IP-Address = 100.64.0.10
		attributes: [
			{name: 'User-Name', value: 'alice@isp.example'},
			{name: 'Acct-Session-Id', value: '81a00001'},
			{name: 'Framed-IP-Address', value: '100.64.0.10'},
		],
		requestHex: '28190037c63cc944fe1e32c84a36ac04d5e3c2b70113616c696365406973702e6578616d706c652c0a383161303030303108066440000a',
		replyHex: '29190014062ced7c3ee9dca4eb6a26c409e66824',
	},
	{
		name: 'with Message-Authenticator',
		secret: 'testing123',
		// ... as above, then Message-Authenticator = 0x00
		attributes: [
			{name: 'User-Name', value: 'alice@isp.example'},
			{name: 'Acct-Session-Id', value: '81a00001'},
			{name: 'Framed-IP-Address', value: '100.64.0.10'},
			{name: 'Message-Authenticator', value: Buffer.from([0])},
		],
		requestHex:
			'287700495dd0f59d290961bc548715b661c12ff10113616c696365406973702e6578616d706c652c0a383161303030303108066440000a50127a2192ff9833acd180115942dd381459',
		replyHex: '29770014a85467257c617dd6679aace2ab5ff684',
	},
	{
		name: 'NAS-IP-Address and Event-Timestamp',
		secret: 'testing123',
		// User-Name = "bob", Acct-Session-Id = "0000abcd", NAS-IP-Address = 10.20.0.1, Event-Timestamp = 1764000000
		attributes: [
			{name: 'User-Name', value: 'bob'},
			{name: 'Acct-Session-Id', value: '0000abcd'},
			{name: 'NAS-IP-Address', value: '10.20.0.1'},
			{name: 'Event-Timestamp', value: 1_764_000_000},
		],
		requestHex: '28dd002fd17c0d312d8e2d3a45f24274edee05190105626f622c0a303030306162636404060a140001370669248100',
		replyHex: '29dd001444b97964dc0d996cf071145244408ab2',
	},
	{
		name: 'session the NAS does not have (FreeRADIUS test listener NAKs Acct-Session-Id ghost)',
		secret: 'testing123',
		// User-Name = "bob", Acct-Session-Id = "ghost", Message-Authenticator = 0x00
		attributes: [
			{name: 'User-Name', value: 'bob'},
			{name: 'Acct-Session-Id', value: 'ghost'},
			{name: 'Message-Authenticator', value: Buffer.from([0])},
		],
		requestHex: '280c0032bc7d98047e942b7028b3219fa4c724ff0105626f622c0767686f737450128b35765c32d4adc44cbe3661f88e3c52',
		replyHex: '2a0c0014b182e20c052db4b37bc8ff68d756559a',
	},
];
