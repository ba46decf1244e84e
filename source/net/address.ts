/**
 * Addresses as text, one spelling everywhere: the nas table, radtop's config, a `--nas` value, radacct's
 * `host()`, the sender of a UDP reply, and every `host:port` in a message.
 */
import {isIP} from 'node:net';

/**
 * One spelling per address, so the nas table, radtop's config, a `--nas` value and radacct agree: IPv6 in
 * lower case and compressed as RFC 5952 (and PostgreSQL's `host()`) print it: the longest run of two or
 * more zero groups becomes `::` (the first on a tie), leading zeros go, and an IPv4-mapped address keeps
 * its dotted quad (`::ffff:10.0.0.1`). A zone (`%eth0`) is kept as given. Anything that is not an IPv6
 * address comes back trimmed.
 */
export function normaliseIp(ip: string): string {
	const trimmed = ip.trim();
	if (!trimmed.includes(':') || isIP(trimmed) !== 6) return trimmed;
	const zoneAt = trimmed.indexOf('%');
	const zone = zoneAt < 0 ? '' : trimmed.slice(zoneAt);
	let address = (zoneAt < 0 ? trimmed : trimmed.slice(0, zoneAt)).toLowerCase();
	const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
	if (quad) {
		const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
		address = `${address.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	// Eight 16-bit words, `::` expanded (isIP has vouched for the syntax).
	const [head = '', tail] = address.split('::');
	const split = (part: string) => (part ? part.split(':') : []);
	const groups = tail === undefined ? split(head) : [...split(head), ...split(tail)];
	if (tail !== undefined) groups.splice(split(head).length, 0, ...Array<string>(8 - groups.length).fill('0'));
	const words = groups.map((group) => Number.parseInt(group, 16));
	if (words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff) {
		const [high, low] = [words[6]!, words[7]!];
		return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}${zone}`;
	}
	let bestStart = -1;
	let bestLength = 1;
	for (let start = 0; start < 8; start++) {
		let end = start;
		while (end < 8 && words[end] === 0) end++;
		if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
	}
	const hex = words.map((word) => word.toString(16));
	if (bestStart < 0) return `${hex.join(':')}${zone}`;
	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}${zone}`;
}

/** `host:port`, with an IPv6 address in brackets. */
export function formatEndpoint(host: string, port: number): string {
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
