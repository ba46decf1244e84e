import {describe, expect, it} from 'vitest';
import type {Session} from '../../source/sessions/session.js';
import {cellText, fitCell, vendorCell, type CellContext} from '../../source/ui/cells.js';
import {chooseColumns, COLUMN_PRIORITIES, prioritiesOf, TABLE_COLUMNS} from '../../source/ui/table-columns.js';
import {makeSession} from '../helpers/sessions.js';

const context: CellContext = {now: new Date('2026-11-25T08:00:00Z'), masked: false, staleAfterSeconds: 1800};
const withMac = (callingstationid: string | null): Session => makeSession({callingstationid});

describe('the VENDOR cell', () => {
	it('the vendor’s short name in every MAC spelling', () => {
		for (const mac of ['f0:d1:a9:12:34:56', 'F0-D1-A9-12-34-56', 'f0d1.a912.3456', 'f0d1a9123456'])
			expect(cellText('vendor', withMac(mac), context)).toBe('Apple');
		expect(vendorCell('C8:5C:E2:7A:BC:DE')).toBe('SYNERGY SYSTEMS AND SOLUTIONS');
	});

	it('random for a randomized MAC, ? for one the registry does not list, - for no MAC', () => {
		expect(vendorCell('DA:A1:19:00:00:01')).toBe('random');
		expect(vendorCell('02:60:8c:00:00:01')).toBe('random');
		expect(vendorCell('00:AB:E0:00:00:01')).toBe('?');
		expect(vendorCell('guest@hotspot')).toBe('-');
		expect(vendorCell(null)).toBe('-');
	});

	it('is kept when masked (the OUI is the vendor’s), while the MAC is hidden', () => {
		const session = withMac('f0:d1:a9:12:34:56');
		const masked = {...context, masked: true};
		expect(cellText('vendor', session, masked)).toBe('Apple');
		expect(cellText('mac', session, masked)).toBe('f0:d1:a9:xx:xx:xx');
	});

	it('a long name is cut to its column with an ellipsis', () => {
		const column = {...TABLE_COLUMNS.vendor, width: TABLE_COLUMNS.vendor.min};
		expect(fitCell(vendorCell('C8:5C:E2:7A:BC:DE'), column)).toBe('SYNERGY…');
	});
});

describe('the VENDOR column', () => {
	it('comes right after MAC in the table; after the traffic, or with the subscriber columns before the MAC', () => {
		const columns = chooseColumns({width: 196, status: 'active', sort: {key: 'start', direction: 'desc'}}).map((column) => column.id);
		expect(columns.slice(columns.indexOf('mac'), columns.indexOf('mac') + 2)).toEqual(['mac', 'vendor']);
		const active = COLUMN_PRIORITIES.active;
		expect(active.indexOf('vendor')).toBeGreaterThan(active.indexOf('rateUp'));
		// Without the subscriber columns, 120 columns keep the MAC and the traffic, not the vendor.
		expect(
			chooseColumns({width: 116, status: 'active', sort: {key: 'start', direction: 'desc'}}).map((column) => column.id),
		).not.toContain('vendor');
		// With them, the device comes before the MAC.
		const subscribers = prioritiesOf('active', true);
		expect(subscribers.indexOf('vendor')).toBe(subscribers.indexOf('billing') + 1);
		expect(subscribers.indexOf('vendor')).toBeLessThan(subscribers.indexOf('mac'));
	});
});
