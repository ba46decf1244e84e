/**
 * A disconnect from the console, as pure state: which sessions a key means, the preview and its
 * confirmation, the run's progress and its result. disconnect-reducer.ts moves it from phase to phase;
 * use-disconnect.ts turns the phases into calls to the disconnect service.
 */
import {confirms} from '../disconnect/confirmation.js';
import type {DisconnectPreview} from '../disconnect/disconnect-service.js';
import type {DisconnectTarget, Plan} from '../disconnect/plan.js';
import type {RecoveryCount} from '../disconnect/recovery.js';
import {retryable, type DisconnectProgress, type DisconnectResult} from '../disconnect/result.js';
import {formatCount} from '../sessions/format.js';
import type {Session} from '../sessions/session.js';
import {sessionKey} from '../sessions/session-key.js';

/**
 * - `loading`: the target is being read from radacct;
 * - `preview`: shown, waiting for the confirmation;
 * - `running`: confirmed and being sent;
 * - `done`: every session has its outcome;
 * - `error`: the preview could not be read, or the run was refused before sending anything.
 */
export type DisconnectPhase = 'loading' | 'preview' | 'running' | 'done' | 'error';

/** How the set of sessions moved while the preview was open. */
export interface PreviewDrift {
	/** Previewed sessions that have closed since. */
	readonly closed: number;
	/** Sessions that now match and were not previewed: they will not be sent anything. */
	readonly opened: number;
}

export interface DisconnectState {
	/** Tells one disconnect's late answers from the next one's. */
	readonly seq: number;
	readonly target: DisconnectTarget;
	/** What the key meant, in words: "the session of alice on bng-1", "ALL open sessions on bng-1". */
	readonly label: string;
	/** The disconnect came from the selection, which ends when it is sent. */
	readonly fromSelection: boolean;
	/** Of a selection, the sessions that were not on screen when `d` was pressed: the preview lists them first. */
	readonly notInView: readonly string[];
	readonly phase: DisconnectPhase;
	readonly preview?: DisconnectPreview;
	/** Which line of the preview takes typed characters. */
	readonly focus: 'confirm' | 'reason';
	readonly reason: string;
	/** The typed confirmation so far. */
	readonly typed: string;
	/** Why the last confirmation was not taken. */
	readonly refusal?: string;
	readonly drift?: PreviewDrift;
	readonly progress?: DisconnectProgress;
	/** The operator asked to stop; requests in flight finish, the rest are not sent. */
	readonly stopping: boolean;
	readonly result?: DisconnectResult;
	readonly error?: string;
	/** First line shown of the results list. */
	readonly scroll: number;
	/** After the run: how many of the users it disconnected are back online (use-recovery.ts counts it). */
	readonly recovery?: RecoveryCount;
	/** The operator stopped following the recovery. */
	readonly recoveryDismissed?: boolean;
}

/** A new disconnect for a target. */
export function newDisconnect(
	seq: number,
	target: DisconnectTarget,
	label: string,
	fromSelection: boolean,
	notInView: readonly string[] = [],
): DisconnectState {
	return {
		seq,
		target,
		label,
		fromSelection,
		notInView,
		phase: 'loading',
		focus: 'confirm',
		reason: '',
		typed: '',
		stopping: false,
		scroll: 0,
	};
}

/** What a confirming key press leaves: the disconnect started, or the reason it was not. */
export function confirmDisconnect(disconnect: DisconnectState, key: 'enter' | 'y'): DisconnectState {
	if (disconnect.phase !== 'preview' || !disconnect.preview) return disconnect;
	if (disconnect.focus === 'reason') return {...disconnect, focus: 'confirm', refusal: undefined};
	const {plan, confirmation} = disconnect.preview;
	if (plan.ready === 0) {
		return {
			...disconnect,
			refusal: plan.items.length === 0 ? 'no open session to disconnect: Esc closes' : 'nothing can be sent (see above): Esc closes',
		};
	}
	if (confirmation.kind === 'typed') {
		if (key !== 'enter') return disconnect;
		if (!confirms(confirmation, disconnect.typed)) {
			const given = disconnect.typed.trim() ? `"${disconnect.typed.trim()}" does not match: ` : '';
			return {...disconnect, typed: '', refusal: `${given}type ${confirmation.expected} and Enter, or Esc to cancel`};
		}
	} else if (confirmation.kind === 'count' && key !== 'y') {
		return {...disconnect, refusal: `press y to disconnect these ${formatCount(plan.items.length)} sessions, Esc to cancel`};
	}
	return {...disconnect, phase: 'running', refusal: undefined};
}

/** The question `q` or Ctrl-C asks while a disconnect runs: "a disconnect is running (54/111): stop it and quit? y/N". */
export function quitQuestionText(disconnect: DisconnectState | null): string {
	if (disconnect?.phase !== 'running') return 'the disconnect has ended: quit? y/N';
	const progress = disconnect.progress;
	const done = progress ? `${formatCount(progress.done)}/${formatCount(progress.total)}` : 'starting';
	return `a disconnect is running (${done}): stop it and quit? y/N`;
}

/** Nothing in the preview can be sent (no open session, or every one blocked): only Esc is offered. */
export function nothingToSend(disconnect: DisconnectState | null | undefined): boolean {
	return disconnect?.phase === 'preview' && disconnect.preview !== undefined && disconnect.preview.plan.ready === 0;
}

/** The previewed sessions against the same target read again. */
export function driftOf(previewed: Plan, now: Plan): PreviewDrift {
	const before = new Set(previewed.items.map((item) => sessionKey(item.session)));
	const after = new Set(now.items.map((item) => sessionKey(item.session)));
	let closed = 0;
	for (const id of before) if (!after.has(id)) closed++;
	let opened = 0;
	for (const id of after) if (!before.has(id)) opened++;
	return {closed, opened};
}

/** The retry of a finished disconnect: its failed (and stopped) sessions, or undefined when there are none. */
export function retryTarget(result: DisconnectResult): {target: DisconnectTarget; label: string} | undefined {
	const again = retryable(result);
	if (again.length === 0) return undefined;
	const ids = again.map((entry) => entry.radacctid);
	return {
		target: ids.length === 1 ? {kind: 'session', radacctid: ids[0]!} : {kind: 'sessions', radacctids: ids},
		label: `retry: ${formatCount(ids.length)} session${ids.length === 1 ? '' : 's'} that failed or were not sent`,
	};
}

/** "the session of alice on bng-1 (100.64.0.10)" */
export function sessionLabel(session: Session): string {
	const ip = session.framedipaddress ? ` (${session.framedipaddress})` : '';
	return `the session of ${session.username ?? `radacctid ${session.radacctid}`} on ${session.nasname ?? session.nasipaddress}${ip}`;
}
