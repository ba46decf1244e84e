import {describe, expect, it} from 'vitest';
import {headerParts, timingText} from '../../source/ui/components/Header.js';

const timing = {intervalSeconds: 5, nextInSeconds: 3, paused: false, ageSeconds: 2, durationMs: 14};
const database = 'postgres@127.0.0.1:55432/radius';
const lineWidth = (parts: {database: string; right: string}, badges = '') =>
	'radtop  '.length + parts.database.length + 1 + badges.length + parts.right.length;

describe('the header line', () => {
	it('has room for everything at 120 columns', () => {
		const parts = headerParts({...timing, database, badges: '', width: 119});
		expect(parts).toEqual({database, right: `${timingText(timing)}  ? help`});
		expect(parts.right).toBe('every 5s · refresh in 3s · 2s ago · 14 ms  ? help');
	});

	it('at 80 columns keeps the database whole and lets the interval go first', () => {
		const parts = headerParts({...timing, database, badges: '', width: 79});
		expect(parts.database).toBe(database);
		expect(parts.right).toBe('refresh in 3s · 2s ago · 14 ms  ? help');
		expect(lineWidth(parts)).toBeLessThanOrEqual(79);
	});

	it('at 60 columns with READ-ONLY the age of the data is the last to stay, and the database is still whole', () => {
		const badges = ' READ-ONLY ';
		const parts = headerParts({...timing, database, badges, width: 59});
		expect(parts.database).toBe(database);
		expect(parts.right).toMatch(/^2s ago/);
		expect(lineWidth(parts, badges)).toBeLessThanOrEqual(59);
	});

	it('cuts the database only when nothing else can give way', () => {
		const long = 'radius_ro@pg-primary.core.dc1.example.net:5432/radius_production';
		const parts = headerParts({...timing, database: long, badges: '', width: 59});
		expect(parts.right).toBe('2s ago');
		expect(parts.database.endsWith('…')).toBe(true);
		expect(long.startsWith(parts.database.slice(0, -1))).toBe(true);
		expect(lineWidth(parts)).toBeLessThanOrEqual(59);
	});
});
