import {useEffect, useRef, type Dispatch} from 'react';
import {describeDatabaseError} from '../../db/errors.js';
import type {DisconnectService} from '../../disconnect/disconnect-service.js';
import {driftOf} from '../disconnect-state.js';
import type {UiAction, UiState} from '../state-types.js';

const DRIFT_MIN_SECONDS = 10;

/**
 * Runs the disconnect's phases against the service: reads the preview when a disconnect opens, reads the target
 * again at each poll interval (10 s at least) while the preview is open (so the operator sees the set change), sends once
 * confirmed, passes progress on, and stops the run when asked (or when the console goes away).
 */
export function useDisconnect(service: DisconnectService | undefined, state: UiState, dispatch: Dispatch<UiAction>): void {
	const disconnect = state.disconnect;
	const seq = disconnect?.seq;
	const phase = disconnect?.phase;
	const running = useRef<{seq: number; controller: AbortController} | null>(null);

	useEffect(() => {
		if (phase !== 'loading' || seq === undefined || !disconnect) return;
		if (!service) {
			dispatch({type: 'disconnect-failed', seq, message: 'disconnects are not available here'});
			return;
		}
		service.preview(disconnect.target).then(
			(preview) => dispatch({type: 'disconnect-previewed', seq, preview}),
			(error: unknown) => dispatch({type: 'disconnect-failed', seq, message: describeDatabaseError(error)}),
		);
		// One preview per disconnect: the target does not change within it.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [seq, phase, service, dispatch]);

	useEffect(() => {
		if (phase !== 'preview' || seq === undefined || !disconnect?.preview || !service) return;
		const {plan: previewed, registry} = disconnect.preview;
		const target = disconnect.target;
		let busy = false;
		const timer = setInterval(
			() => {
				if (busy) return;
				busy = true;
				service
					.preview(target, registry)
					.then((now) => dispatch({type: 'disconnect-drift', seq, drift: driftOf(previewed, now.plan)}))
					// A failed re-read changes nothing: the preview stays as it was, and the run reads again anyway.
					.catch(() => undefined)
					.finally(() => {
						busy = false;
					});
				// A whole NAS is tens of thousands of rows: read it again no more often than every 10 s.
			},
			Math.max(state.intervalSeconds, DRIFT_MIN_SECONDS) * 1000,
		);
		return () => clearInterval(timer);
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [seq, phase, service, dispatch, state.intervalSeconds]);

	useEffect(() => {
		if (phase !== 'running' || seq === undefined || !disconnect?.preview || !service) return;
		if (running.current?.seq === seq) return;
		const controller = new AbortController();
		running.current = {seq, controller};
		const reason = disconnect.reason.trim();
		service
			.execute(disconnect.preview, {
				...(reason ? {reason} : {}),
				signal: controller.signal,
				onProgress: (progress) => dispatch({type: 'disconnect-progress', seq, progress}),
			})
			.then(
				(result) => dispatch({type: 'disconnect-finished', seq, result}),
				(error: unknown) => dispatch({type: 'disconnect-failed', seq, message: describeDatabaseError(error)}),
			)
			.finally(() => {
				if (running.current?.seq === seq) running.current = null;
			});
		// The run belongs to the disconnect, not to a render: it is not restarted when the state changes.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [seq, phase, service, dispatch]);

	useEffect(() => {
		if (disconnect?.stopping && running.current?.seq === disconnect.seq) running.current.controller.abort();
	}, [disconnect?.stopping, disconnect?.seq]);

	// The console going away stops the run: nothing more is sent for a screen nobody watches.
	useEffect(() => () => running.current?.controller.abort(), []);
}
