/**
 * The NAS picker's text for a given width and height. Pure; NasPicker only paints these lines. The first
 * line says what the pick does (filter, or disconnect a whole NAS) and always shows; the NAS list keeps the
 * cursor in view, centred when it can be. A NAS that FreeRADIUS's nasreload says rebooted says when
 * (`reloaded 2h14m ago`).
 */
import {formatCount} from '../sessions/format.js';
import {reloadedAgo} from '../sessions/ghost.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, truncate} from '../terminal/text.js';
import type {ViewLine} from './view-line.js';
import type {RegionCount} from './region-choices.js';

export interface NasChoice {
	readonly ip: string | null;
	readonly label: string;
	readonly sessions: number;
	/** When the NAS last reloaded (FreeRADIUS's nasreload), if known. */
	readonly reloadedAt?: Date;
	/** Shown where a NAS shows its IP (a region: how many NAS). */
	readonly detail?: string;
	/** A region of the profile (region-choices.ts), not one NAS. */
	readonly region?: RegionCount;
}

/** A line of the picker; `inverse` marks the one under the cursor. */
export interface PickerLine extends ViewLine {
	readonly inverse?: boolean;
}

export function nasPickerLines(
	choices: readonly NasChoice[],
	cursor: number,
	current: string | null,
	purpose: 'filter' | 'disconnect',
	width: number,
	height: number,
	now: Date = new Date(),
): PickerLine[] {
	const title: PickerLine =
		purpose === 'disconnect'
			? {text: truncate('disconnect every session of which NAS? · ↑↓ Enter previews · Esc cancels', width), bold: true, tone: 'warn'}
			: {text: truncate('filter on a NAS · ↑↓ Enter · Esc cancels', width), bold: true, tone: 'accent'};
	const room = Math.max(0, height - 1);
	const first = Math.max(0, Math.min(cursor - Math.floor(room / 2), choices.length - room));
	const lines = choices.slice(first, first + room).map((choice, index): PickerLine => {
		const marker = choice.ip === current && !choice.region ? '● ' : '  ';
		const reloaded = choice.reloadedAt ? `  ${reloadedAgo(choice.reloadedAt, now)}` : '';
		const text = `${marker}${fit(sanitize(choice.label), 20)} ${fit(choice.ip ?? choice.detail ?? '', 16)} ${fit(formatCount(choice.sessions), 9, 'right')}${reloaded}`;
		return {text: truncate(text, width), ...(first + index === cursor ? {inverse: true} : {})};
	});
	return [title, ...lines].slice(0, Math.max(1, height));
}
