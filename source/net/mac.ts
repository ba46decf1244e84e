/**
 * A MAC address as NAS write it into Calling-Station-Id, read as its 12 hex digits. Pure.
 *
 * Four spellings are a MAC: six pairs joined by `:` or by `-` (`aa:bb:cc:dd:ee:ff`, `AA-BB-CC-DD-EE-FF`),
 * three groups of four joined by `.` or by `-` (Cisco's `aabb.ccdd.eeff`, Huawei's `aabb-ccdd-eeff`), and 12
 * hex digits alone; one separator throughout, any case. Anything else (a hotspot's user text, an IP address a
 * PPTP NAS puts there, a MAC with more than six octets) is not a MAC and has no vendor.
 */

/**
 * The four spellings as one regular expression that JavaScript (flag `i`) and PostgreSQL (`~*`) read alike,
 * so a MAC the table shows a vendor for is one the `vendor:` search finds. Each separator is spelt out: a
 * back reference would say it once, but makes PostgreSQL's matcher 8 times slower (5 s instead of 0.6 s
 * over 100,000 open sessions).
 */
export const MAC_PATTERN =
	'^(?:[0-9a-f]{2}(?::[0-9a-f]{2}){5}|[0-9a-f]{2}(?:-[0-9a-f]{2}){5}|[0-9a-f]{4}\\.[0-9a-f]{4}\\.[0-9a-f]{4}|[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}|[0-9a-f]{12})$';

const MAC = new RegExp(MAC_PATTERN, 'i');

/** The MAC's 12 hex digits in upper case (`AABBCCDDEEFF`), or null when the text is not a MAC. */
export function normaliseMac(text: string | null | undefined): string | null {
	if (typeof text !== 'string' || !MAC.test(text)) return null;
	return text.replace(/[:.-]/g, '').toUpperCase();
}

/**
 * The IEEE's U/L bit, the second-least-significant bit of the first octet (IEEE 802 §8.2): set, the address
 * was not assigned by a vendor but made up, as phones and laptops do for each network ("private" or
 * "randomized" MACs). Takes the 12 digits of normaliseMac.
 */
export function isLocallyAdministered(digits: string): boolean {
	return (Number.parseInt(digits.charAt(1), 16) & 0b10) !== 0;
}

/** The hex digits whose second digit marks a locally administered MAC (2, 3, 6, 7, A, B, E, F). */
export const LOCAL_SECOND_DIGITS: readonly string[] = [...'0123456789abcdef'].filter((digit) => (Number.parseInt(digit, 16) & 0b10) !== 0);
