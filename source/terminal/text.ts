/** Display-width-aware text fitting for fixed-width cells. Pure. */
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** Cuts text to at most `width` display columns, ending in `…` when it had to cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (stringWidth(text) <= width) return text;
	if (width === 1) return '…';
	let out = '';
	let used = 0;
	for (const {segment} of segmenter.segment(text)) {
		const w = stringWidth(segment);
		if (used + w > width - 1) break;
		out += segment;
		used += w;
	}
	return `${out}…`;
}

/** Truncates, then pads to exactly `width` columns (on the left for right-aligned cells). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const cut = truncate(text, width);
	const pad = ' '.repeat(Math.max(0, width - stringWidth(cut)));
	return align === 'right' ? pad + cut : cut + pad;
}

export {stringWidth};
