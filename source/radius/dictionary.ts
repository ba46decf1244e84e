/**
 * The subset of the RADIUS dictionary that radtop sends and reads: attribute numbers from RFC 2865, 2866,
 * 2869, 3162, 3579, 5176 and 6911, packet codes from RFC 5176 §2.3 and Error-Cause values from RFC 5176 §3.5.
 */

/** How an attribute's value is laid out on the wire (FreeRADIUS dictionary type names). */
export type DataType = 'string' | 'octets' | 'ipaddr' | 'ipv6addr' | 'ipv6prefix' | 'integer' | 'date';

/** One dictionary entry: the attribute's type number and its data type. */
export interface AttributeDefinition {
	readonly type: number;
	readonly dataType: DataType;
}

/** The attributes radtop knows by name. */
export const ATTRIBUTES = {
	'User-Name': {type: 1, dataType: 'string'},
	'NAS-IP-Address': {type: 4, dataType: 'ipaddr'},
	'NAS-Port': {type: 5, dataType: 'integer'},
	'Framed-IP-Address': {type: 8, dataType: 'ipaddr'},
	'Reply-Message': {type: 18, dataType: 'string'},
	State: {type: 24, dataType: 'octets'},
	Class: {type: 25, dataType: 'octets'},
	// RFC 2865 §5.26: the value is the raw Vendor-Id followed by the vendor's own sub-attributes.
	'Vendor-Specific': {type: 26, dataType: 'octets'},
	'Called-Station-Id': {type: 30, dataType: 'string'},
	'Calling-Station-Id': {type: 31, dataType: 'string'},
	'NAS-Identifier': {type: 32, dataType: 'string'},
	'Acct-Session-Id': {type: 44, dataType: 'string'},
	'Acct-Multi-Session-Id': {type: 50, dataType: 'string'},
	'Event-Timestamp': {type: 55, dataType: 'date'},
	'NAS-Port-Type': {type: 61, dataType: 'integer'},
	'Message-Authenticator': {type: 80, dataType: 'octets'},
	'NAS-Port-Id': {type: 87, dataType: 'string'},
	'NAS-IPv6-Address': {type: 95, dataType: 'ipv6addr'},
	'Framed-IPv6-Prefix': {type: 97, dataType: 'ipv6prefix'},
	'Error-Cause': {type: 101, dataType: 'integer'},
	'Framed-IPv6-Address': {type: 168, dataType: 'ipv6addr'},
} as const satisfies Record<string, AttributeDefinition>;

/** Name of an attribute in {@link ATTRIBUTES}. */
export type AttributeName = keyof typeof ATTRIBUTES;

/** The attribute names whose data type is one of `T`. */
export type AttributeNameOf<T extends DataType> = {
	[K in AttributeName]: (typeof ATTRIBUTES)[K]['dataType'] extends T ? K : never;
}[AttributeName];

const namesByType: ReadonlyMap<number, AttributeName> = new Map(
	(Object.keys(ATTRIBUTES) as AttributeName[]).map((name) => [ATTRIBUTES[name].type, name]),
);

/** The dictionary name of attribute type number `type`, or undefined if radtop does not know it. */
export function attributeName(type: number): AttributeName | undefined {
	return namesByType.get(type);
}

/** RADIUS packet codes for Dynamic Authorization (RFC 5176 §2.3). */
export const PacketCode = {
	DisconnectRequest: 40,
	DisconnectAck: 41,
	DisconnectNak: 42,
	CoaRequest: 43,
	CoaAck: 44,
	CoaNak: 45,
} as const;

/** Codes a Dynamic Authorization client sends. */
export type RequestCode = typeof PacketCode.DisconnectRequest | typeof PacketCode.CoaRequest;

/** Codes a NAS answers with. */
export type ResponseCode =
	typeof PacketCode.DisconnectAck | typeof PacketCode.DisconnectNak | typeof PacketCode.CoaAck | typeof PacketCode.CoaNak;

/** Error-Cause values (RFC 5176 §3.5), by number. */
export const ERROR_CAUSES: Readonly<Record<number, string>> = {
	201: 'Residual-Context-Removed',
	202: 'Invalid-EAP-Packet',
	401: 'Unsupported-Attribute',
	402: 'Missing-Attribute',
	403: 'NAS-Identification-Mismatch',
	404: 'Invalid-Request',
	405: 'Unsupported-Service',
	406: 'Unsupported-Extension',
	407: 'Invalid-Attribute-Value',
	501: 'Administratively-Prohibited',
	502: 'Request-Not-Routable',
	503: 'Session-Context-Not-Found',
	504: 'Session-Context-Not-Removable',
	505: 'Other-Proxy-Processing-Error',
	506: 'Resources-Unavailable',
	507: 'Request-Initiated',
	508: 'Multiple-Session-Selection-Unsupported',
};

/** Human-readable Error-Cause, e.g. `Session-Context-Not-Found (503)`; unknown codes read `Unknown (999)`. */
export function describeErrorCause(code: number): string {
	return `${ERROR_CAUSES[code] ?? 'Unknown'} (${code})`;
}
