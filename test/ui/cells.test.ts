import {describe, expect, it} from 'vitest';
import type {Session} from '../../source/sessions/session.js';
import {cellText, cutId, fitCell, maskIp, maskMac, shortTimestamp, type CellContext} from '../../source/ui/cells.js';
import {TABLE_COLUMNS} from '../../source/ui/table-columns.js';
import {makeSession} from '../helpers/sessions.js';
import {fit} from '../../source/terminal/text.js';

const NOW = new Date('2026-11-25T08:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

function session(overrides: Partial<Session> = {}): Session {
	return makeSession({
		radacctid: '12345678',
		acctsessionid: '81a00001',
		acctuniqueid: 'f00dfeedf00dfeed',
		username: 'alice@isp.example',
		nasipaddress: '10.20.0.1',
		nasname: 'bng-1',
		nasportid: 'ether2',
		nasporttype: 'Ethernet',
		acctstarttime: minutesAgo(134),
		acctupdatetime: minutesAgo(1),
		acctinputoctets: 80 * 1024 * 1024,
		acctoutputoctets: 1.2 * 1024 ** 3,
		callingstationid: 'AA:BB:CC:00:00:01',
		framedipaddress: '100.64.0.10',
		...overrides,
	});
}

const context: CellContext = {now: NOW, masked: false, staleAfterSeconds: 30 * 60};

describe('maskIp', () => {
	it('keeps the first two octets of IPv4', () => {
		expect(maskIp('100.64.12.7')).toBe('100.64.x.x');
		expect(maskIp('10.0.0.1')).toBe('10.0.x.x');
	});

	it('keeps the first two groups of IPv6, compressed or not', () => {
		expect(maskIp('2001:db8:1:2::5')).toBe('2001:db8:x:x');
		expect(maskIp('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:0db8:x:x');
		expect(maskIp('2001:db8::1')).toBe('2001:db8:x:x');
	});

	it('hides anything that is not a dotted quad entirely', () => {
		expect(maskIp('10.0.1')).toBe('x.x.x.x');
		expect(maskIp('garbage')).toBe('x.x.x.x');
	});
});

describe('maskMac', () => {
	it.each([
		['colons', 'AA:BB:CC:DD:EE:FF', 'AA:BB:CC:xx:xx:xx'],
		['dashes', 'aa-bb-cc-dd-ee-ff', 'aa-bb-cc-xx-xx-xx'],
		['Cisco dots', 'aabb.ccdd.eeff', 'aabb.ccxx.xxxx'],
		['bare', 'AABBCCDDEEFF', 'AABBCCxxxxxx'],
		['lower-case colons', '0a:1b:2c:3d:4e:5f', '0a:1b:2c:xx:xx:xx'],
	])('keeps the OUI with %s', (_name, mac, masked) => {
		expect(maskMac(mac)).toBe(masked);
	});

	it('hides the last six hex digits of whatever else a NAS sends as Calling-Station-Id', () => {
		expect(maskMac('+4912345678')).toBe('+4912xxxxxx');
		expect(maskMac('abc')).toBe('xxx');
	});
});

describe('cellText', () => {
	it('shows the IPv6 prefix, else the delegated prefix, else the address; masked to its first two groups', () => {
		expect(cellText('ipv6', session(), context)).toBe('-');
		const prefixed = {...session(), framedipv6prefix: '2001:db8:1:2::/64', delegatedipv6prefix: '2001:db8:ff00::/56'};
		expect(cellText('ipv6', prefixed, context)).toBe('2001:db8:1:2::/64');
		expect(cellText('ipv6', {...prefixed, framedipv6prefix: null}, context)).toBe('2001:db8:ff00::/56');
		expect(cellText('ipv6', {...session(), framedipv6address: '2001:db8::7'}, context)).toBe('2001:db8::7');
		expect(cellText('ipv6', prefixed, {...context, masked: true})).toBe('2001:db8:x:x/64');
	});

	it('shows each column of an online session', () => {
		const s = session();
		expect(cellText('user', s, context)).toBe('alice@isp.example');
		expect(cellText('nas', s, context)).toBe('bng-1');
		expect(cellText('ip', s, context)).toBe('100.64.0.10');
		expect(cellText('mac', s, context)).toBe('AA:BB:CC:00:00:01');
		expect(cellText('sessionId', s, context)).toBe('81a00001');
		expect(cellText('duration', s, context)).toBe('2h14m');
		expect(cellText('down', s, context)).toBe('1.2G');
		expect(cellText('up', s, context)).toBe('80M');
		expect(cellText('status', s, context)).toBe('online');
		// No session time and fewer than two interim updates seen: no rate at all.
		expect(cellText('rateDown', s, context)).toBe('-');
		expect(cellText('rateDown', s, {...context, rate: {downKbps: 8400, upKbps: 600}})).toBe('8.4Mb/s');
		expect(cellText('rateUp', s, {...context, rate: {downKbps: 8400, upKbps: 600}})).toBe('600kb/s');
		expect(cellText('rateUp', s, {...context, rate: {downKbps: 0.4, upKbps: 0.25}})).toBe('250b/s');
	});

	it('marks a stale session’s duration with ~', () => {
		const stale = session({acctupdatetime: minutesAgo(45)});
		expect(cellText('duration', stale, context)).toBe('~2h14m');
		expect(cellText('status', stale, context)).toBe('stale');
		// With an interim interval reported, stale means two intervals missed.
		const reporting = session({acctupdatetime: minutesAgo(11), acctinterval: 300});
		expect(cellText('duration', reporting, context)).toBe('~2h14m');
		expect(cellText('duration', session({acctupdatetime: minutesAgo(9), acctinterval: 300}), context)).toBe('2h14m');
	});

	it('shows a closed session’s duration from start to stop without ~, its stop time and cause', () => {
		const closed = session({acctupdatetime: minutesAgo(200), acctstoptime: minutesAgo(14), acctterminatecause: 'User-Request'});
		expect(cellText('duration', closed, context)).toBe('2h00m');
		expect(cellText('status', closed, context)).toBe('offline');
		expect(cellText('stop', closed, context)).toBe(shortTimestamp(minutesAgo(14)));
		expect(cellText('cause', closed, context)).toBe('User-Request');
		expect(cellText('stop', session(), context)).toBe('-');
		expect(cellText('cause', session(), context)).toBe('-');
		expect(cellText('cause', session({acctstoptime: minutesAgo(1), acctterminatecause: 'Lost\x1b[2J'}), context)).toBe('Lost\\x1b[2J');
	});

	it('shows the rate averaged since start, marked ~, until two interim updates give a current one', () => {
		// 900 MB down and 90 MB up over 2 hours of session time.
		const young = session({acctsessiontime: 7200, acctoutputoctets: 900_000_000, acctinputoctets: 90_000_000});
		expect(cellText('rateDown', young, context)).toBe('~1.0Mb/s');
		expect(cellText('rateUp', young, context)).toBe('~100kb/s');
		expect(cellText('rateDown', young, {...context, rate: {downKbps: 2500, upKbps: 10}})).toBe('2.5Mb/s');
		// A stopped session keeps its average over its whole life, whatever was last measured.
		const closed = {...young, acctstoptime: minutesAgo(3)};
		expect(cellText('rateDown', closed, {...context, rate: {downKbps: 2500, upKbps: 10}})).toBe('~1.0Mb/s');
		expect(cellText('rateDown', session({acctsessiontime: 0}), context)).toBe('-');
	});

	it('masks IPs and MACs when asked', () => {
		const masked = {...context, masked: true};
		expect(cellText('ip', session(), masked)).toBe('100.64.x.x');
		expect(cellText('mac', session(), masked)).toBe('AA:BB:CC:xx:xx:xx');
		expect(cellText('user', session(), masked)).toBe('alice@isp.example');
	});

	it('shows - for what radacct does not have, and the NAS address without a name', () => {
		const bare = session({
			username: null,
			framedipaddress: null,
			callingstationid: null,
			nasname: null,
			acctstarttime: null,
			acctinputoctets: null,
		});
		expect(cellText('user', bare, context)).toBe('-');
		expect(cellText('ip', bare, context)).toBe('-');
		expect(cellText('mac', bare, context)).toBe('-');
		expect(cellText('nas', bare, context)).toBe('10.20.0.1');
		expect(cellText('duration', bare, context)).toBe('-');
		expect(cellText('start', bare, context)).toBe('-');
		expect(cellText('up', bare, context)).toBe('-');
	});

	it('shows control characters from the database as visible escapes', () => {
		const hostile = session({username: '\x1b[2Jroot', callingstationid: 'AA\rBB', nasname: 'bng\x07', acctsessionid: 'a\nb'});
		expect(cellText('user', hostile, context)).toBe('\\x1b[2Jroot');
		expect(cellText('mac', hostile, context)).toBe('AA\\rBB');
		expect(cellText('nas', hostile, context)).toBe('bng\\x07');
		expect(cellText('sessionId', hostile, context)).toBe('a\\nb');
	});

	it('masks a hostile MAC after making it safe', () => {
		const text = cellText('mac', session({callingstationid: 'AA:BB:CC:DD:EE:FF\x1b'}), {...context, masked: true});
		expect(text).not.toContain('\x1b');
	});
});

describe('shortTimestamp', () => {
	it('shows month, day and time in local time, or -', () => {
		expect(shortTimestamp(new Date(2026, 10, 25, 5, 31, 2))).toBe('11-25 05:31:02');
		expect(shortTimestamp(null)).toBe('-');
	});
});

describe('cellText with hostile names', () => {
	it('cuts a username of 5,000 combining marks to a short cell, the same every frame', () => {
		const pile = session({username: `a${'\u0336'.repeat(5000)}`});
		const text = cellText('user', pile, context);
		expect(text).toBe(`a${'\u0336'.repeat(4)}[+4996 marks]`);
		expect(fit(text, 18).length).toBeLessThan(30);
	});

	it('shows tag characters in a NAS name visibly', () => {
		const tagged = session({nasname: 'bng\u{E0041}\u{E0042}'});
		expect(cellText('nas', tagged, context)).toBe('bng\\u{e0041}\\u{e0042}');
	});
});

describe('cutId', () => {
	it('keeps an id that fits whole', () => {
		expect(cutId('81a00001', 10)).toBe('81a00001');
	});

	it('drops the leading zeros of a padded id first, keeping its tail', () => {
		expect(cutId('000000000000002a', 10)).toBe('…2a');
		expect(cutId('0000000a0000012f', 10)).toBe('…a0000012f');
	});

	it('cuts a long id in the middle, keeping more of the tail', () => {
		const id = 'bng1-ppp-2026112508000123456';
		const cut = cutId(id, 10);
		expect(cut).toHaveLength(10);
		expect(cut).toBe('bng…123456');
		// Two ids that differ only in their last characters still differ once cut.
		expect(cutId('bng1-ppp-2026112508000123457', 10)).not.toBe(cut);
	});

	it('is what an id cell shows, padded to its width', () => {
		const column = {...TABLE_COLUMNS.sessionId, width: 12};
		expect(fitCell('00000000000000000000beef', column)).toBe('…beef       ');
		// Other columns are cut at their end.
		expect(fitCell('ux-bng-moscow-01', {...TABLE_COLUMNS.nas, width: 8})).toBe('ux-bng-…');
	});

	it('shows time left without its share, and "over" shorter, where the column is narrow', () => {
		const narrow = {...TABLE_COLUMNS.remaining, width: 9};
		expect(fitCell('23h58m (99%)', narrow)).toBe('   23h58m');
		expect(fitCell('over by 12m', narrow)).toBe(' over 12m');
		expect(fitCell('23h58m (99%)', {...TABLE_COLUMNS.remaining, width: 13})).toBe(' 23h58m (99%)');
		expect(fitCell('-', narrow)).toBe('        -');
	});
});
