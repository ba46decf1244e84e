import {describe, expect, it} from 'vitest';
import {progressFrame, ProgressPainter} from '../../source/commands/disconnect-progress.js';
import type {DisconnectProgress, NasProgress} from '../../source/disconnect/result.js';
import {stringWidth} from '../../source/terminal/text.js';

function progress(perNas: readonly NasProgress[]): DisconnectProgress {
	const done = perNas.reduce((sum, nas) => sum + nas.done, 0);
	return {
		phase: 'sending',
		done,
		total: perNas.reduce((sum, nas) => sum + nas.total, 0),
		failed: 0,
		totals: {coa: done, api: 0, already_closed: 0, not_on_nas: 0, failed: 0, not_sent: 0},
		ratePerSecond: 99.6,
		perNas,
		awaitingStop: 0,
		confirmed: 0,
	};
}

const nas = (index: number, done: number, total: number): NasProgress => ({
	ip: `10.20.0.${index}`,
	name: `bng-${index}`,
	done,
	total,
	failed: 0,
});

describe('progressFrame', () => {
	it('one NAS: the one line it always was', () => {
		expect(progressFrame(progress([nas(1, 5, 10)]), 80, 24)).toEqual(['disconnecting 5/10 · 100/s · 0 failed']);
	});

	it('several NAS: a bar each under it, the most left first, at most 8 and within the terminal', () => {
		const perNas = Array.from({length: 12}, (_, index) => nas(index + 1, index, 20));
		const frame = progressFrame(progress(perNas), 80, 24);
		expect(frame).toHaveLength(9);
		expect(frame[1]).toMatch(/^ bng-1 /);
		expect(frame[8]).toMatch(/^ \+5 more NAS \(/);
		for (const line of frame) expect(stringWidth(line)).toBeLessThanOrEqual(79);
		// A short terminal keeps room for the shell: no bars at 5 rows.
		expect(progressFrame(progress(perNas), 80, 5)).toHaveLength(2);
	});
});

describe('ProgressPainter', () => {
	it('draws each frame over the last and clears it at the end', () => {
		const written: string[] = [];
		const painter = new ProgressPainter((text) => written.push(text));
		painter.draw(['a', 'b', 'c']);
		painter.draw(['d']);
		painter.draw(['e', 'f']);
		painter.clear();
		expect(written).toEqual([
			'\r\x1b[Ka\n\x1b[Kb\n\x1b[Kc\x1b[J',
			'\r\x1b[2A\x1b[Kd\x1b[J',
			'\r\x1b[Ke\n\x1b[Kf\x1b[J',
			'\r\x1b[1A\x1b[J',
		]);
	});
});
