/**
 * A bar per NAS of a bulk run (a region's, a filter's): name, a bar, done/total and failures, the NAS with the
 * most left first, in the lines there are room for; those that do not fit are counted on a last line. Pure:
 * the console's progress view and `radtop disconnect` on a terminal draw these lines.
 */
import type {NasProgress} from '../disconnect/result.js';
import {formatCount} from '../sessions/format.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth, truncate} from '../terminal/text.js';
import type {ViewLine} from './view-line.js';

/** A bar of `width` cells for done out of total. */
export function bar(done: number, total: number, width: number): string {
	const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
	return '█'.repeat(filled) + '░'.repeat(Math.max(0, width - filled));
}

/** The NAS with the most left first; then the most failed, then by name. */
export function byWhatIsLeft(perNas: readonly NasProgress[]): NasProgress[] {
	return [...perNas].sort(
		(a, b) => b.total - b.done - (a.total - a.done) || b.failed - a.failed || a.name.localeCompare(b.name) || a.ip.localeCompare(b.ip),
	);
}

/**
 * One line per NAS, at most `room` lines: with more NAS than that, the first `room - 1` and `+N more NAS (M
 * left)`. The name column is as wide as the longest name shown (at most a fifth of the width), the bar takes
 * what the counts leave (10 to 60 cells).
 */
export function nasBarLines(perNas: readonly NasProgress[], width: number, room: number): ViewLine[] {
	if (room <= 0 || perNas.length === 0) return [];
	const sorted = byWhatIsLeft(perNas);
	const shown = sorted.length <= room ? sorted : sorted.slice(0, Math.max(0, room - 1));
	const hidden = sorted.slice(shown.length);
	const names = shown.map((nas) => sanitize(nas.name));
	const nameWidth = Math.max(4, Math.min(Math.max(10, Math.floor(width / 5)), Math.max(0, ...names.map((name) => stringWidth(name)))));
	const counts = shown.map((nas) => `${formatCount(nas.done)}/${formatCount(nas.total)}`);
	const countWidth = Math.max(0, ...counts.map((text) => text.length));
	const failedWidth = Math.max(0, ...shown.map((nas) => (nas.failed > 0 ? ` · ${formatCount(nas.failed)} failed`.length : 0)));
	const barWidth = Math.max(10, Math.min(60, width - nameWidth - countWidth - failedWidth - 4));
	const lines = shown.map((nas, index): ViewLine => {
		const failed = nas.failed > 0 ? ` · ${formatCount(nas.failed)} failed` : '';
		const text = ` ${fit(names[index]!, nameWidth)} ${bar(nas.done, nas.total, barWidth)} ${fit(counts[index]!, countWidth, 'right')}${failed}`;
		const tone = nas.failed > 0 ? 'warn' : nas.done >= nas.total ? 'muted' : undefined;
		return {text: truncate(text, width), ...(tone ? {tone} : {})};
	});
	if (hidden.length > 0) {
		const left = hidden.reduce((sum, nas) => sum + nas.total - nas.done, 0);
		const failed = hidden.reduce((sum, nas) => sum + nas.failed, 0);
		const parts = [`${formatCount(left)} left`, ...(failed > 0 ? [`${formatCount(failed)} failed`] : [])];
		lines.push({text: truncate(` +${formatCount(hidden.length)} more NAS (${parts.join(' · ')})`, width), tone: 'muted'});
	}
	return lines;
}
