/**
 * Text forms of the addresses RADIUS carries as raw octets: dotted-quad IPv4, IPv6 (RFC 4291 §2.2 input,
 * RFC 5952 output).
 */

/** The four octets of a dotted-quad IPv4 address, or undefined if `text` is not one. */
export function parseIpv4(text: string): Buffer | undefined {
	const parts = text.split('.');
	if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) {
		return undefined;
	}
	return Buffer.from(parts.map(Number));
}

/** The sixteen octets of an IPv6 address (with `::` and an embedded IPv4 tail allowed), or undefined. */
export function parseIpv6(text: string): Buffer | undefined {
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
export function formatIpv6(bytes: Buffer): string {
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
