import {useEffect, useRef, type Dispatch} from 'react';
import {describeError} from '../../db/errors.js';
import type {DisconnectService} from '../../disconnect/disconnect-service.js';
import {driftOf} from '../disconnect-state.js';
import {useRecovery} from './use-recovery.js';
import type {UiAction, UiState} from '../state-types.js';

const DRIFT_MIN_SECONDS = 10;

/**
 * Runs the disconnect's phases against the service: reads the preview when a disconnect opens, reads the target
 * again at each poll interval (10 s at least) while the preview is open (so the operator sees the set change), sends once
 * confirmed, passes progress on, and stops the run when asked (or when the console goes away); after the run it
 * follows who is back online (use-recovery.ts).
 */
export function useDisconnect(service: DisconnectService | undefined, state: UiState, dispatch: Dispatch<UiAction>): void {
	const disconnect = state.disconnect;
	const seq = disconnect?.seq;
	const phase = disconnect?.phase;
	// Within one disconnect (one seq) its target never changes, nor its preview once read, nor its reason
	// once it runs: each effect below runs once per phase of a disconnect.
	const target = disconnect?.target;
	const preview = disconnect?.preview;
	const reason = disconnect?.reason.trim();
	const running = useRef<{seq: number; controller: AbortController} | null>(null);

	useEffect(() => {
		if (phase !== 'loading' || seq === undefined || !target) return;
		if (!service) {
			dispatch({type: 'disconnect-failed', seq, message: 'disconnects are not available here'});
			return;
		}
		service.preview(target).then(
			(preview) => dispatch({type: 'disconnect-previewed', seq, preview}),
			(error: unknown) => dispatch({type: 'disconnect-failed', seq, message: describeError(error)}),
		);
	}, [seq, phase, target, service, dispatch]);

	useEffect(() => {
		if (phase !== 'preview' || seq === undefined || !target || !preview || !service) return;
		const {plan: previewed, registry} = preview;
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
	}, [seq, phase, target, preview, service, dispatch, state.intervalSeconds]);

	useEffect(() => {
		if (phase !== 'running' || seq === undefined || !preview || !service) return;
		if (running.current?.seq === seq) return;
		const controller = new AbortController();
		running.current = {seq, controller};
		service
			.execute(preview, {
				...(reason ? {reason} : {}),
				signal: controller.signal,
				onProgress: (progress) => dispatch({type: 'disconnect-progress', seq, progress}),
			})
			.then(
				(result) => dispatch({type: 'disconnect-finished', seq, result}),
				(error: unknown) => dispatch({type: 'disconnect-failed', seq, message: describeError(error)}),
			)
			.finally(() => {
				if (running.current?.seq === seq) running.current = null;
			});
		// The run belongs to the disconnect, not to a render: the ref above keeps it from being started twice.
	}, [seq, phase, preview, reason, service, dispatch]);

	useEffect(() => {
		if (disconnect?.stopping && running.current?.seq === disconnect.seq) running.current.controller.abort();
	}, [disconnect?.stopping, disconnect?.seq]);

	// The console going away stops the run: nothing more is sent for a screen nobody watches.
	useEffect(() => () => running.current?.controller.abort(), []);

	useRecovery(service, state, dispatch);
}
