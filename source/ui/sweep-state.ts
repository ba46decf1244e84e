/**
 * A stale-session sweep from the console (`W` in the stale view), as pure state: which NAS, the preview with
 * its confirmation and the verify switch, the run's progress and how it ended. sweep-reducer.ts moves it from
 * phase to phase; use-sweep.ts turns the phases into calls to the sweep service.
 */
import {confirms} from '../disconnect/confirmation.js';
import {formatCount} from '../sessions/format.js';
import type {SweepRun} from '../sweep/execute-sweep.js';
import type {SweepPreview, SweepProgress} from '../sweep/sweep-service.js';

/**
 * - `loading`: the stale sessions are being listed;
 * - `preview`: shown, waiting for the confirmation;
 * - `running`: confirmed: asking the NAS (with verify), then closing;
 * - `done`: the run ended (closed, or interrupted while asking);
 * - `error`: the listing failed, or the run was refused before closing anything.
 */
export type SweepPhase = 'loading' | 'preview' | 'running' | 'done' | 'error';

/** What `W` asks for: the NAS, in words, and what the view counted. */
export interface SweepRequest {
	/** The view's NAS filter; absent: every NAS. */
	readonly nasIps?: readonly string[];
	/** The one site the view is narrowed to (`:site`); absent: every site (or a single database). */
	readonly site?: string;
	readonly label: string;
	/** Stale sessions the view counted, null when its count was not current. */
	readonly viewCount: number | null;
}

export interface SweepState {
	/** Tells one sweep's late answers from the next one's. */
	readonly seq: number;
	/** Only these NAS (the view's NAS filter); undefined for every NAS. */
	readonly nasIps?: readonly string[];
	/** Only this site's sessions (`:site`); undefined for every site. */
	readonly site?: string;
	/** Where, in words: "on bng-2", "on every NAS", "on every NAS at west". */
	readonly label: string;
	/** How many stale sessions the view counted when W was pressed (null: not known yet). */
	readonly viewCount: number | null;
	readonly phase: SweepPhase;
	readonly preview?: SweepPreview;
	/** Ask each session's NAS before closing it (`radtop sweep --verify`). */
	readonly verify: boolean;
	/** Which line of the preview takes typed characters. */
	readonly focus: 'confirm' | 'reason';
	readonly reason: string;
	readonly typed: string;
	/** Why the last confirmation was not taken. */
	readonly refusal?: string;
	readonly progress?: SweepProgress;
	/** The operator asked to stop: the asking ends, nothing is closed. */
	readonly stopping: boolean;
	readonly run?: SweepRun;
	readonly error?: string;
	/** First line shown of the results list. */
	readonly scroll: number;
}

/** A new sweep, listing. */
export function newSweep(seq: number, request: SweepRequest): SweepState {
	return {
		seq,
		...(request.nasIps ? {nasIps: request.nasIps} : {}),
		...(request.site === undefined ? {} : {site: request.site}),
		label: request.label,
		viewCount: request.viewCount,
		phase: 'loading',
		verify: false,
		focus: 'confirm',
		reason: '',
		typed: '',
		stopping: false,
		scroll: 0,
	};
}

/** Nothing in the preview to close: only Esc is offered. */
export function nothingToSweep(sweep: SweepState | null | undefined): boolean {
	return sweep?.phase === 'preview' && sweep.preview !== undefined && sweep.preview.stale.length === 0;
}

/** What a confirming key press leaves: the sweep started, or the reason it was not. */
export function confirmSweep(sweep: SweepState, key: 'enter' | 'y'): SweepState {
	if (sweep.phase !== 'preview' || !sweep.preview) return sweep;
	if (sweep.focus === 'reason') return {...sweep, focus: 'confirm', refusal: undefined};
	const {stale, confirmation} = sweep.preview;
	if (stale.length === 0) return {...sweep, refusal: 'no stale session to close: Esc closes'};
	if (confirmation.kind === 'typed') {
		if (key !== 'enter') return sweep;
		if (!confirms(confirmation, sweep.typed)) {
			const given = sweep.typed.trim() ? `"${sweep.typed.trim()}" does not match: ` : '';
			return {...sweep, typed: '', refusal: `${given}type ${confirmation.expected} and Enter, or Esc to cancel`};
		}
	} else if (confirmation.kind === 'count' && key !== 'y') {
		return {...sweep, refusal: `press y to close these ${formatCount(stale.length)} sessions, Esc to cancel`};
	}
	return {...sweep, phase: 'running', refusal: undefined};
}

/** The question `q` or Ctrl-C asks while a sweep runs. */
export function sweepQuitQuestion(sweep: SweepState | null | undefined): string {
	if (sweep?.phase !== 'running') return 'the sweep has ended: quit? y/N';
	const progress = sweep.progress;
	if (!sweep.verify || progress?.phase === 'closing') {
		const total = progress?.phase === 'closing' ? progress.total : (sweep.preview?.stale.length ?? 0);
		return `a sweep is closing ${formatCount(total)} sessions in radacct: quit once it has? y/N`;
	}
	const done = progress ? `${formatCount(progress.done)}/${formatCount(progress.total)}` : 'starting';
	return `a sweep is asking the NAS (${done}): stop it (nothing closed) and quit? y/N`;
}

/** The status line while a sweep runs behind another view. */
export function sweepRunningStatus(sweep: SweepState | null | undefined): {text: string; kind: 'info'} | undefined {
	if (sweep?.phase !== 'running') return undefined;
	const progress = sweep.progress;
	if (progress?.phase === 'closing') return {text: `sweep: closing ${formatCount(progress.total)} in radacct · v shows it`, kind: 'info'};
	const done = progress ? ` ${formatCount(progress.done)}/${formatCount(progress.total)}` : '';
	return {text: `sweep: ${sweep.verify ? `asking the NAS${done}` : 'starting'} · v shows it`, kind: 'info'};
}
