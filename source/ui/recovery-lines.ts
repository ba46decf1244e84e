/**
 * The recovery after a disconnect run, in words: `bng-2: 181 of 630 back (29 %) · 4m since the run`, for the
 * status line (the NAS with the most users still away, `+N NAS` for the others) and the run's results view (a
 * bar per NAS). Pure; NAS names from the database are sanitised here.
 */
import type {RecoveryCount, RecoveryNas} from '../disconnect/recovery.js';
import {formatCount} from '../sessions/format.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth, truncate} from '../terminal/text.js';
import type {DisconnectState} from './disconnect-state.js';
import {bar} from './nas-bars.js';
import type {ViewLine} from './view-line.js';

/** `45s`, `4m`, `2h 5m`: how long after the run's start a count was made. */
export function sinceRun(count: RecoveryCount): string {
	const seconds = Math.max(0, Math.floor((count.at.getTime() - count.since.getTime()) / 1000));
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m`;
	return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** `29 %`: never 100 % while someone is still away, nor 0 % once someone is back. */
export function percentBack(nas: Pick<RecoveryNas, 'back' | 'total'>): string {
	if (nas.total <= 0) return '100 %';
	const exact = (nas.back / nas.total) * 100;
	const shown = nas.back >= nas.total ? 100 : nas.back === 0 ? 0 : Math.min(99, Math.max(1, Math.round(exact)));
	return `${shown} %`;
}

/** `bng-2: 181 of 630 back (29 %)` */
function nasText(nas: RecoveryNas): string {
	return `${sanitize(nas.name)}: ${formatCount(nas.back)} of ${formatCount(nas.total)} back (${percentBack(nas)})`;
}

/** The recovery being followed: a count made, not dismissed, someone still away. */
export function followedRecovery(disconnect: DisconnectState | null | undefined): RecoveryCount | undefined {
	const count = disconnect?.phase === 'done' ? disconnect.recovery : undefined;
	if (count === undefined || disconnect?.recoveryDismissed) return undefined;
	return count.perNas.some((nas) => nas.back < nas.total) ? count : undefined;
}

/** The status line's text: `bng-2: 181 of 630 back (29 %) · +3 NAS · 4m since the run` (3 more NAS with users away). */
export function recoveryText(count: RecoveryCount): string {
	const [first, ...others] = count.perNas;
	if (first === undefined) return `nobody to follow · ${sinceRun(count)} since the run`;
	// The other NAS with users still away (those all back have nothing left to follow).
	const away = others.filter((nas) => nas.back < nas.total).length;
	const more = away > 0 ? ` · +${formatCount(away)} NAS` : '';
	return `${nasText(first)}${more} · ${sinceRun(count)} since the run`;
}

/** The status line after a run, while its users come back; undefined once all are back or it is dismissed. */
export function recoveryStatus(disconnect: DisconnectState | null | undefined): {text: string; kind: 'info'} | undefined {
	const count = followedRecovery(disconnect);
	return count === undefined ? undefined : {text: recoveryText(count), kind: 'info'};
}

/**
 * The results view's lines: a heading, then a bar per NAS (the most away first) in `room` lines; with more NAS
 * than fit, the first and `+N more NAS`. Nothing before the first count, or once dismissed.
 */
export function recoveryLines(disconnect: DisconnectState, width: number, room: number): ViewLine[] {
	const count = disconnect.recovery;
	if (room <= 0 || count === undefined || disconnect.recoveryDismissed || count.perNas.length === 0) return [];
	const back = count.perNas.reduce((sum, nas) => sum + nas.back, 0);
	const total = count.perNas.reduce((sum, nas) => sum + nas.total, 0);
	const done = back >= total;
	const heading: ViewLine = {
		text: truncate(
			`back online: ${formatCount(back)} of ${formatCount(total)} users (${percentBack({back, total})}) · ${sinceRun(count)} since the run${done ? '' : ' · b stops following'}`,
			width,
		),
		tone: done ? 'ok' : 'accent',
	};
	if (room === 1 || (count.perNas.length === 1 && room < 3)) return [heading];
	const space = room - 1;
	const shown = count.perNas.length <= space ? count.perNas : count.perNas.slice(0, space - 1);
	const names = shown.map((nas) => sanitize(nas.name));
	const nameWidth = Math.max(4, Math.min(Math.max(10, Math.floor(width / 5)), Math.max(0, ...names.map((name) => stringWidth(name)))));
	const counts = shown.map((nas) => `${formatCount(nas.back)}/${formatCount(nas.total)} (${percentBack(nas)})`);
	const countWidth = Math.max(0, ...counts.map((text) => text.length));
	const barWidth = Math.max(10, Math.min(60, width - nameWidth - countWidth - 4));
	const lines: ViewLine[] = shown.map((nas, index) => ({
		text: truncate(
			` ${fit(names[index]!, nameWidth)} ${bar(nas.back, nas.total, barWidth)} ${fit(counts[index]!, countWidth, 'right')}`,
			width,
		),
		...(nas.back >= nas.total ? {tone: 'muted' as const} : {}),
	}));
	const hidden = count.perNas.slice(shown.length);
	if (hidden.length > 0) {
		const away = hidden.reduce((sum, nas) => sum + nas.total - nas.back, 0);
		lines.push({text: truncate(` +${formatCount(hidden.length)} more NAS (${formatCount(away)} not back)`, width), tone: 'muted'});
	}
	return [heading, ...lines];
}
