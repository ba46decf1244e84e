import {useEffect, useRef, type Dispatch} from 'react';
import {describeError} from '../../db/errors.js';
import type {SweepService} from '../../sweep/sweep-service.js';
import type {UiAction, UiState} from '../state-types.js';

/**
 * Runs the sweep's phases against the service: lists the stale sessions when a sweep opens, runs the previewed
 * listing once confirmed (with verify and the reason as they were then), passes progress on, and stops the
 * asking of the NAS when told to (or when the console goes away); the close's one transaction always finishes.
 */
export function useSweep(service: SweepService | undefined, state: UiState, dispatch: Dispatch<UiAction>): void {
	const sweep = state.sweep ?? null;
	const seq = sweep?.seq;
	const phase = sweep?.phase;
	// Within one sweep (one seq) its NAS never change, nor its preview once read, nor verify and the reason once
	// it runs: each effect below runs once per phase.
	const nasIps = sweep?.nasIps;
	const site = sweep?.site;
	const preview = sweep?.preview;
	const verify = sweep?.verify ?? false;
	const reason = sweep?.reason.trim();
	const running = useRef<{seq: number; controller: AbortController} | null>(null);

	useEffect(() => {
		if (phase !== 'loading' || seq === undefined) return;
		if (!service) {
			dispatch({type: 'sweep-failed', seq, message: 'sweeps are not available here'});
			return;
		}
		service.preview(nasIps, site).then(
			(listed) => dispatch({type: 'sweep-previewed', seq, preview: listed}),
			(error: unknown) => dispatch({type: 'sweep-failed', seq, message: describeError(error)}),
		);
	}, [seq, phase, nasIps, site, service, dispatch]);

	useEffect(() => {
		if (phase !== 'running' || seq === undefined || !preview || !service) return;
		if (running.current?.seq === seq) return;
		const controller = new AbortController();
		running.current = {seq, controller};
		service
			.execute(preview, {
				verify,
				...(reason ? {reason} : {}),
				signal: controller.signal,
				onProgress: (progress) => dispatch({type: 'sweep-progress', seq, progress}),
			})
			.then(
				(run) => dispatch({type: 'sweep-finished', seq, run}),
				(error: unknown) => dispatch({type: 'sweep-failed', seq, message: describeError(error)}),
			)
			.finally(() => {
				if (running.current?.seq === seq) running.current = null;
			});
		// The run belongs to the sweep, not to a render: the ref above keeps it from being started twice.
	}, [seq, phase, preview, verify, reason, service, dispatch]);

	useEffect(() => {
		if (sweep?.stopping && running.current?.seq === sweep.seq) running.current.controller.abort();
	}, [sweep?.stopping, sweep?.seq]);

	// The console going away stops the asking: no more questions for a screen nobody watches.
	useEffect(() => () => running.current?.controller.abort(), []);
}
