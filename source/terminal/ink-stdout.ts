/**
 * A stdout for Ink's incremental renderer that puts each frame where the previous one was.
 *
 * Ink 6.8's incremental log-update leaves the cursor on the line below a frame (the frame ends with a
 * newline whenever it is shorter than the terminal, which radtop's always is), but then moves up only
 * (lines - 1) before redrawing, so every later frame lands one line low. The redraw of a same-height
 * frame always starts with that one cursor-up sequence; this wrapper moves one line further.
 */

// eslint-disable-next-line no-control-regex -- ESC starts the cursor-up sequence being matched
const FRAME_START = /^\x1b\[(\d+)A/;

/** Rewrites the first cursor-up of an incremental frame; everything else passes through untouched. */
export function correctFrame(chunk: string): string {
	return chunk.replace(FRAME_START, (_match, lines: string) => `\x1b[${Number(lines) + 1}A`);
}

/** The stream with `write` corrected; every other property is the stream's own. */
export function incrementalSafeStdout(stream: NodeJS.WriteStream): NodeJS.WriteStream {
	return new Proxy(stream, {
		get(target, property) {
			if (property === 'write') {
				return (chunk: unknown, ...rest: unknown[]) =>
					(target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? correctFrame(chunk) : chunk, ...rest);
			}
			const value = Reflect.get(target, property, target);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}
