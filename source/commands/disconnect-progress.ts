/**
 * `radtop disconnect`'s progress on a terminal: a line with done/total, the rate and failures, and under it, when
 * the run covers several NAS, a bar per NAS (the most left first, nas-bars.ts), redrawn in place on stderr.
 */
import type {DisconnectProgress} from '../disconnect/result.js';
import {writeIfOpen} from './interrupts.js';
import {formatCount} from '../sessions/format.js';
import {truncate} from '../terminal/text.js';
import {nasBarLines} from '../ui/nas-bars.js';

/** The most NAS lines drawn under the progress line. */
const MAX_NAS_LINES = 8;

/** The lines of one frame, for a terminal `columns` wide and `rows` high. */
export function progressFrame(progress: DisconnectProgress, columns: number, rows: number): string[] {
	const width = Math.max(20, columns - 1);
	const verb = progress.phase === 'confirming' ? 'waiting for Accounting-Stops' : 'disconnecting';
	const head = truncate(
		`${verb} ${formatCount(progress.done)}/${formatCount(progress.total)} · ${formatCount(Math.round(progress.ratePerSecond))}/s · ${formatCount(progress.failed)} failed`,
		width,
	);
	if (progress.perNas.length < 2) return [head];
	const room = Math.min(MAX_NAS_LINES, Math.max(0, rows - 4));
	return [head, ...nasBarLines(progress.perNas, width, room).map((line) => line.text)];
}

/** Draws frames in place: each one over the last (a shorter one clears what the last left below it). */
export class ProgressPainter {
	readonly #write: (text: string) => void;
	#lines = 0;

	constructor(write: (text: string) => void) {
		this.#write = write;
	}

	draw(lines: readonly string[]): void {
		this.#write(`${this.#back()}${lines.map((line) => `\x1b[K${line}`).join('\n')}\x1b[J`);
		this.#lines = lines.length;
	}

	/** Removes the last frame, leaving the cursor where it began. */
	clear(): void {
		if (this.#lines > 0) this.#write(`${this.#back()}\x1b[J`);
		this.#lines = 0;
	}

	#back(): string {
		return `\r${this.#lines > 1 ? `\x1b[${this.#lines - 1}A` : ''}`;
	}
}

/**
 * The executor's `onProgress` drawing frames on `stderr` when `shown` (a terminal, not a dry run), and what
 * clears the last frame at the end; nothing at all otherwise.
 */
export function ttyProgress(
	stderr: NodeJS.WriteStream,
	shown: boolean,
): {readonly options: {onProgress?: (progress: DisconnectProgress) => void}; clear(): void} {
	if (!shown) return {options: {}, clear: () => undefined};
	const painter = new ProgressPainter((text) => writeIfOpen(stderr, text));
	return {
		options: {onProgress: (progress) => painter.draw(progressFrame(progress, stderr.columns || 80, stderr.rows || 24))},
		clear: () => painter.clear(),
	};
}
