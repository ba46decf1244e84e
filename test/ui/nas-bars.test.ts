import {describe, expect, it} from 'vitest';
import type {DisconnectTarget} from '../../source/disconnect/plan.js';
import type {DisconnectProgress, NasProgress} from '../../source/disconnect/result.js';
import {stringWidth} from '../../source/terminal/text.js';
import {progressView} from '../../source/ui/disconnect-lines.js';
import {newDisconnect, type DisconnectState} from '../../source/ui/disconnect-state.js';
import {viewArea} from '../../source/ui/layout.js';
import {byWhatIsLeft, nasBarLines} from '../../source/ui/nas-bars.js';

const text = (lines: ReadonlyArray<{text: string}>) => lines.map((line) => line.text);

/** `count` NAS of a region, bng-1 .. bng-N; bng-K has 100 * K sessions and K * 30 done. */
function region(count: number): NasProgress[] {
	return Array.from({length: count}, (_, index) => ({
		ip: `10.20.0.${index + 1}`,
		name: `bng-${index + 1}`,
		total: 100 * (index + 1),
		done: 30 * (index + 1),
		failed: index === 2 ? 7 : 0,
	}));
}

function running(perNas: readonly NasProgress[]): DisconnectState {
	const target: DisconnectTarget = {kind: 'sessions', radacctids: ['1']};
	const total = perNas.reduce((sum, nas) => sum + nas.total, 0);
	const done = perNas.reduce((sum, nas) => sum + nas.done, 0);
	const progress: DisconnectProgress = {
		phase: 'sending',
		done,
		total,
		failed: 7,
		totals: {coa: done - 7, api: 0, already_closed: 0, not_on_nas: 0, failed: 7, not_sent: 0},
		ratePerSecond: 180,
		perNas,
		awaitingStop: 0,
		confirmed: 0,
	};
	return {...newDisconnect(1, target, 'ALL open sessions in region north', false), phase: 'running', progress};
}

describe('nasBarLines', () => {
	it('puts the NAS with the most left first, a finished one last', () => {
		const perNas: NasProgress[] = [
			{ip: '10.20.0.1', name: 'bng-1', done: 630, total: 630, failed: 0},
			{ip: '10.20.0.2', name: 'bng-2', done: 181, total: 630, failed: 0},
			{ip: '10.20.0.3', name: 'bng-3', done: 10, total: 200, failed: 4},
		];
		expect(byWhatIsLeft(perNas).map((nas) => nas.name)).toEqual(['bng-2', 'bng-3', 'bng-1']);
		const lines = nasBarLines(perNas, 79, 10);
		expect(text(lines)).toHaveLength(3);
		expect(lines[0]!.text).toMatch(/^ bng-2 +█+░+ 181\/630$/);
		expect(lines[1]).toMatchObject({tone: 'warn'});
		expect(lines[1]!.text).toMatch(/^ bng-3 +█*░+ {2}10\/200 · 4 failed$/);
		expect(lines[2]).toMatchObject({tone: 'muted'});
		expect(lines[2]!.text).toMatch(/^ bng-1 +█+ 630\/630$/);
	});

	it('at 80 columns: every line fits, the bars line up, and what does not fit is counted', () => {
		const lines = text(nasBarLines(region(30), 79, 8));
		expect(lines).toHaveLength(8);
		for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(79);
		// bng-30 .. bng-24 have the most left; the other 23 are counted with what they have left.
		expect(lines.slice(0, 7).map((line) => line.trim().split(' ')[0])).toEqual([
			'bng-30',
			'bng-29',
			'bng-28',
			'bng-27',
			'bng-26',
			'bng-25',
			'bng-24',
		]);
		const left = region(23).reduce((sum, nas) => sum + nas.total - nas.done, 0);
		expect(lines[7]).toBe(` +23 more NAS (${left.toLocaleString('en-US')} left · 7 failed)`);
		const barStarts = lines.slice(0, 7).map((line) => line.search(/[█░]/));
		expect(new Set(barStarts).size).toBe(1);
	});

	it('at 160 columns: a longer bar, still within the width', () => {
		const narrow = text(nasBarLines(region(3), 79, 5));
		const wide = text(nasBarLines(region(3), 159, 5));
		const cells = (line: string) => [...line].filter((char) => char === '█' || char === '░').length;
		expect(cells(wide[0]!)).toBeGreaterThan(cells(narrow[0]!));
		expect(cells(wide[0]!)).toBe(60);
		for (const line of [...narrow, ...wide]) expect(stringWidth(line)).toBeLessThanOrEqual(159);
		for (const line of narrow) expect(stringWidth(line)).toBeLessThanOrEqual(79);
	});

	it('sanitises a NAS name from the database and cuts a long one to the name column', () => {
		const lines = text(nasBarLines([{ip: '10.20.0.9', name: `evil\x1b[2J-${'x'.repeat(60)}`, done: 1, total: 2, failed: 0}], 79, 3));
		// eslint-disable-next-line no-control-regex
		expect(lines[0]).not.toMatch(/[\x00-\x1f\x7f]/);
		expect(lines[0]).toContain('evil');
		expect(stringWidth(lines[0]!)).toBeLessThanOrEqual(79);
	});
});

describe('progressView with a bar per NAS', () => {
	it('fills an 80x24 terminal with the NAS that have the most left and counts the rest', () => {
		const {width, height} = viewArea(80, 24);
		const lines = text(progressView(running(region(40)), width, height));
		expect(lines.length).toBeLessThanOrEqual(height);
		for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(width);
		expect(lines[0]).toMatch(/^Disconnecting /);
		expect(lines[2]).toMatch(/^ bng-40 /);
		const more = lines.find((line) => line.includes('more NAS'));
		const shownNas = lines.filter((line) => /^ bng-\d+ /.test(line)).length;
		expect(more).toMatch(new RegExp(`^ \\+${40 - shownNas} more NAS`));
		// The outcomes and the stops seen stay below the bars.
		expect(lines.at(-2)).toMatch(/^ coa \d/);
		expect(lines.at(-1)).toMatch(/^ Accounting-Stop seen for 0 of /);
	});

	it('shows every NAS when they fit, on a taller and wider terminal', () => {
		const {width, height} = viewArea(160, 50);
		const lines = text(progressView(running(region(12)), width, height));
		expect(lines.filter((line) => /^ bng-\d+ /.test(line))).toHaveLength(12);
		expect(lines.some((line) => line.includes('more NAS'))).toBe(false);
		for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(width);
	});
});
