/**
 * A run that sends (a disconnect) stops on SIGINT, SIGTERM and SIGHUP as on Ctrl-C or `q`: requests in flight
 * finish, the rest are not sent, the closing audit record is written, then radtop exits (code 3). Two things
 * stand in the way, and this module deals with both:
 *
 * - Libraries radtop loads kill the process by the signal once they see no other listener for it: conf's
 *   exit hook sends the signal again after its own once-listener ran, and Ink's signal-exit does the same. So
 *   the listeners here are `on`, not `once`, and they stay until the run is over (for good once a signal came:
 *   the process is ending), so that every copy of the signal finds one and none kills the process.
 * - After SIGHUP the terminal is gone: a write to it fails (EIO on a tty, EPIPE on a pipe). The executable's
 *   own handler exits on EPIPE and throws on anything else, which would end the process before the closing
 *   audit record. While a run lasts those errors are swallowed, and {@link writeIfOpen} writes only to a
 *   stream still open.
 */

/** The signals that stop a run. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** What {@link stopOnSignals} listens on: the process, or a stand-in in tests. */
export interface SignalSource {
	on(event: StopSignal, listener: (signal: NodeJS.Signals) => void): unknown;
	removeListener(event: StopSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** The stop signals of one run, from {@link stopOnSignals}. */
export interface SignalStop {
	/** Aborted by the first stop signal. */
	readonly signal: AbortSignal;
	/** The first stop signal received, if any. */
	readonly received: StopSignal | undefined;
	/** Stops listening, unless a signal came (then the listeners stay, absorbing copies, until the process ends). */
	release(): void;
}

/** Listens for SIGINT, SIGTERM and SIGHUP until released: the first calls `onStop` and aborts, the others are absorbed. */
export function stopOnSignals(onStop?: (signal: StopSignal) => void, source: SignalSource = process): SignalStop {
	const controller = new AbortController();
	let received: StopSignal | undefined;
	const listener = (signal: NodeJS.Signals): void => {
		if (received !== undefined) return;
		received = STOP_SIGNALS.find((name) => name === signal) ?? 'SIGTERM';
		controller.abort();
		onStop?.(received);
	};
	for (const name of STOP_SIGNALS) source.on(name, listener);
	return {
		signal: controller.signal,
		get received() {
			return received;
		},
		release() {
			if (received !== undefined) return;
			for (const name of STOP_SIGNALS) source.removeListener(name, listener);
		},
	};
}

/** A stream whose write errors {@link holdWriteErrors} swallows. */
type ErrorEmitter = Pick<NodeJS.EventEmitter, 'on' | 'listeners' | 'removeListener' | 'removeAllListeners'>;

/**
 * Until release(), an error on these streams (stdout, stderr, stdin) is swallowed instead of reaching their
 * other listeners: a terminal gone away (EIO, EPIPE) is no reason to end a run before its audit record is
 * written. release() gives the streams their listeners back.
 */
export function holdWriteErrors(streams: readonly ErrorEmitter[]): {release(): void; readonly swallowed: number} {
	const held: Array<{stream: ErrorEmitter; listeners: Array<(...args: unknown[]) => void>; swallow: () => void}> = [];
	let swallowed = 0;
	for (const stream of new Set(streams)) {
		const listeners = stream.listeners('error') as Array<(...args: unknown[]) => void>;
		stream.removeAllListeners('error');
		const swallow = (): void => {
			swallowed++;
		};
		stream.on('error', swallow);
		held.push({stream, listeners, swallow});
	}
	return {
		get swallowed() {
			return swallowed;
		},
		release() {
			for (const {stream, listeners, swallow} of held.splice(0)) {
				stream.removeListener('error', swallow);
				for (const listener of listeners) stream.on('error', listener);
			}
		},
	};
}

/** Writes `text` when the stream is still open; false (and nothing written) when the terminal has gone away. */
export function writeIfOpen(stream: NodeJS.WritableStream, text: string): boolean {
	const writable = stream as NodeJS.WritableStream & {destroyed?: boolean; writableEnded?: boolean};
	if (writable.destroyed || writable.writableEnded || writable.writable === false) return false;
	try {
		stream.write(text);
		return true;
	} catch {
		return false;
	}
}
