import {describe, expect, it} from 'vitest';
import type {SessionStats} from '../../source/sessions/session.js';
import {stringWidth} from '../../source/terminal/text.js';
import {statsLine} from '../../source/ui/components/StatsBar.js';

const perNas = [
	{nasipaddress: '10.20.0.1', nasname: 'bng-1', sessions: 779, stale: 0},
	{nasipaddress: '10.20.0.2', nasname: 'bng-2', sessions: 626, stale: 0},
	{nasipaddress: '10.20.0.3', nasname: 'bng-3', sessions: 600, stale: 0},
	{nasipaddress: '10.20.0.4', nasname: 'bng-4', sessions: 500, stale: 0},
	{nasipaddress: '10.20.0.5', nasname: 'accel-1', sessions: 300, stale: 0},
	{nasipaddress: '10.20.0.6', nasname: 'hotspot-1', sessions: 197, stale: 0},
];
const stats: SessionStats = {
	openSessions: 3002,
	uniqueUsers: 2933,
	averageDurationSeconds: 19 * 3600 + 53 * 60,
	staleSessions: 33,
	perNas,
	dbNow: new Date('2026-12-03T06:00:00Z'),
};
const lineOf = (line: ReturnType<typeof statsLine>) =>
	`${line.totals}   ${line.shown.map((nas) => `${nas.nasname} ${nas.sessions} `).join('')}${line.more > 0 ? `+${line.more} more` : ''}`;

describe('the stats line', () => {
	it('at 80 columns shows three NAS, the average giving way (it showed one: "bng-1 779 +5 more")', () => {
		const line = statsLine(stats, perNas, null, 79);
		expect(line.totals).toBe('3,002 online · 2,933 users · 33 stale');
		expect(line.shown.map((nas) => nas.nasname)).toEqual(['bng-1', 'bng-2', 'bng-3']);
		expect(line.more).toBe(3);
		expect(stringWidth(lineOf(line))).toBeLessThanOrEqual(79);
	});

	it('with room for every NAS, keeps the average', () => {
		const line = statsLine(stats, perNas, null, 159);
		expect(line.totals).toBe('3,002 online · 2,933 users · avg 19h53m · 33 stale');
		expect(line.more).toBe(0);
	});

	it('with two NAS that fit beside the whole totals, keeps the average', () => {
		const line = statsLine(stats, perNas.slice(0, 2), null, 79);
		expect(line.totals).toContain('avg 19h53m');
		expect(line.shown).toHaveLength(2);
	});

	it('the filtered NAS comes first', () => {
		const line = statsLine(stats, perNas, '10.20.0.6', 79);
		expect(line.shown[0]!.nasname).toBe('hotspot-1');
	});
});
