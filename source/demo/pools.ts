/**
 * The pools the demo network draws its subscribers from, shared by the seeded history and the simulator's live
 * logins so both look like one network: names, realms, CPE vendors' MAC prefixes and access line types.
 */
import type {DemoNas} from './network.js';
import type {Random} from './random.js';

/** First names of subscribers. */
export const FIRST_NAMES: readonly string[] = [
	'alice',
	'bob',
	'carol',
	'dave',
	'erin',
	'frank',
	'grace',
	'heidi',
	'ivan',
	'judy',
	'mallory',
	'niaj',
	'olivia',
	'peggy',
	'rupert',
	'sybil',
	'trent',
	'victor',
	'walter',
	'yusuf',
	'zeynep',
	'ahmed',
	'maria',
	'jose',
	'li',
	'wei',
	'fatima',
	'olga',
	'pavel',
	'kofi',
	'amara',
	'sven',
	'ingrid',
	'raj',
	'priya',
	'kenji',
	'yuki',
	'lucas',
	'emma',
	'noah',
	'mia',
	'leon',
	'sara',
	'omar',
	'nina',
	'tomas',
	'elena',
	'marco',
	'julia',
	'hugo',
];
/** Last names of subscribers. */
export const LAST_NAMES: readonly string[] = [
	'smith',
	'jones',
	'garcia',
	'muller',
	'rossi',
	'novak',
	'kowalski',
	'silva',
	'tanaka',
	'kim',
	'nguyen',
	'okafor',
	'haddad',
	'ivanov',
	'larsen',
	'dubois',
	'costa',
	'yilmaz',
	'sato',
	'fischer',
	'weber',
	'moreau',
	'santos',
	'petrov',
	'nowak',
	'berg',
	'lopez',
	'khan',
	'ali',
	'chen',
];
/** Realms of the subscribers who log in as user@realm. */
export const REALMS: readonly string[] = ['isp.example', 'biz.example', 'fiber.example'];
/** OUIs of common CPE vendors (MikroTik, TP-Link, Huawei, ZTE, Ubiquiti, AVM, Zyxel). */
export const CPE_OUIS: ReadonlyArray<readonly [number, number, number]> = [
	[0xdc, 0x2c, 0x6e],
	[0x50, 0xc7, 0xbf],
	[0x00, 0xe0, 0xfc],
	[0x34, 0x4b, 0x50],
	[0x24, 0xa4, 0x3c],
	[0x3c, 0xa6, 0x2f],
	[0x5c, 0xe2, 0x8c],
	[0xe4, 0x8d, 0x8c],
];
/** Connect-Info of a PPPoE access line. */
export const CONNECT_INFO: readonly string[] = ['1Gbps', '100Mbps', 'GPON', 'VDSL2'];

/** A CPE's MAC address: a vendor's OUI and three random octets. */
export function randomMac(random: Random): number[] {
	return [...random.pick(CPE_OUIS), random.int(0, 255), random.int(0, 255), random.int(0, 255)];
}

/** A MAC as the NAS writes it in Calling-Station-Id. */
export function formatMac(bytes: readonly number[], style: DemoNas['macStyle']): string {
	const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0'));
	switch (style) {
		case 'colon-upper':
			return hex.join(':').toUpperCase();
		case 'colon-lower':
			return hex.join(':');
		case 'dash-upper':
			return hex.join('-').toUpperCase();
		case 'cisco-dot':
			return `${hex[0]}${hex[1]}.${hex[2]}${hex[3]}.${hex[4]}${hex[5]}`;
	}
}
