/**
 * Renders an Ink tree with ink-testing-library and waits for frames instead of sleeping, after Shopify
 * cli-kit's `sendInputAndWaitForChange` and `waitForContent`: every wait is driven by the stdout writes Ink
 * makes, and gives up after a timeout with the last frame in the error.
 */
import {EventEmitter} from 'node:events';
import {createRequire} from 'node:module';
import {stripVTControlCharacters} from 'node:util';
import type {ReactElement} from 'react';
import {render} from 'ink-testing-library';

/** React's scheduler, the same instance the reconciler in Ink uses (it ships no types of its own). */
const scheduler = createRequire(import.meta.url)('scheduler') as {
	unstable_scheduleCallback(priority: number, callback: () => void): unknown;
	readonly unstable_IdlePriority: number;
};

/** The text of a frame without ANSI escape sequences. */
export function stripAnsi(text: string): string {
	return stripVTControlCharacters(text);
}

/** Keys as a terminal sends them. */
export const KEYS = {
	up: '\x1b[A',
	down: '\x1b[B',
	pageUp: '\x1b[5~',
	pageDown: '\x1b[6~',
	enter: '\r',
	escape: '\x1b',
	space: ' ',
	ctrlC: '\x03',
} as const;

/** A frame test: the stripped text, and the raw frame with its escape sequences. */
export type FramePredicate = (frame: string, raw: string) => boolean;

export interface Rendered {
	readonly stdin: ReturnType<typeof render>['stdin'];
	/** The last frame, stripped of ANSI. */
	frame(): string;
	/** The last frame as Ink wrote it. */
	rawFrame(): string;
	/** Resolves with the first frame (the current one included) that satisfies the predicate. */
	waitForFrame(predicate: FramePredicate, timeoutMs?: number): Promise<string>;
	/** Resolves once the stripped frame contains the text. */
	waitForContent(text: string, timeoutMs?: number): Promise<string>;
	/**
	 * Writes input to stdin and resolves with the next frame that differs from the one before the input,
	 * or, given a predicate, with the first frame written after the input that satisfies it (`() => true`:
	 * the next render, for a key that changes nothing visible).
	 */
	press(input: string, until?: FramePredicate, timeoutMs?: number): Promise<string>;
	/** Changes the terminal's size as a SIGWINCH would. */
	resize(columns: number, rows: number): void;
	unmount(): void;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function renderAndWait(tree: ReactElement): Rendered {
	const frameEvents = new EventEmitter();
	frameEvents.setMaxListeners(0);
	const instance = render(tree);
	const write = instance.stdout.write;
	instance.stdout.write = (frame: string) => {
		write(frame);
		frameEvents.emit('frame');
	};
	const rawFrame = () => instance.lastFrame() ?? '';
	const frame = () => stripAnsi(rawFrame());

	const waitForFrame = (predicate: FramePredicate, timeoutMs = DEFAULT_TIMEOUT_MS) =>
		new Promise<string>((resolve, reject) => {
			const check = () => {
				if (!predicate(frame(), rawFrame())) return false;
				finish();
				// Ink writes a frame at commit, and React may run that commit's passive effects (which subscribe
				// each component's useInput handler for the new render) in a later scheduler task. Resolve only
				// once React has no work left, so that the next key reaches handlers that know this frame's state.
				const matched = frame();
				scheduler.unstable_scheduleCallback(scheduler.unstable_IdlePriority, () => resolve(matched));
				return true;
			};
			const timer = setTimeout(() => {
				finish();
				reject(new Error(`no matching frame within ${timeoutMs} ms; last frame:\n${frame()}`));
			}, timeoutMs);
			const finish = () => {
				clearTimeout(timer);
				frameEvents.off('frame', check);
			};
			if (check()) return;
			frameEvents.on('frame', check);
		});

	return {
		stdin: instance.stdin,
		frame,
		rawFrame,
		waitForFrame,
		waitForContent: (text, timeoutMs) => waitForFrame((current) => current.includes(text), timeoutMs),
		press(input, until, timeoutMs) {
			const before = rawFrame();
			const written = instance.frames.length;
			// Only frames written after the input count, even when the predicate already held before it.
			const after: FramePredicate = until
				? (current, raw) => instance.frames.length > written && until(current, raw)
				: (_current, raw) => raw !== before;
			instance.stdin.write(input);
			return waitForFrame(after, timeoutMs);
		},
		resize(columns, rows) {
			Object.defineProperty(instance.stdout, 'columns', {value: columns, configurable: true});
			Object.defineProperty(instance.stdout, 'rows', {value: rows, configurable: true});
			instance.stdout.emit('resize');
		},
		unmount() {
			instance.unmount();
			instance.cleanup();
		},
	};
}
