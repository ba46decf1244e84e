/**
 * The status line's text, pure: what the database is doing for the console and how old the data on screen is.
 * It never says `database: ok` over data older than two poll intervals: a poll that has not come back is
 * "database not answering for 12 s · showing data from 17 s ago", a lock waited for names the table and
 * the pid holding it.
 */
import {sanitize} from '../terminal/sanitize.js';
import type {UiState} from './state-types.js';

export interface StatusLineInput {
	readonly error: UiState['error'];
	readonly message: {readonly text: string; readonly kind: 'info' | 'error'} | null;
	/** What a statement in flight waits for ("radacct is locked by pid 4242 for 30 s"), since when. */
	readonly wait: UiState['dbWait'];
	/** When the poll in flight started (epoch ms), null between polls. */
	readonly pollStartedAt: number | null;
	/** When the data on screen was fetched (epoch ms), null before the first snapshot. */
	readonly fetchedAt: number | null;
	readonly now: number;
	readonly intervalSeconds: number;
	readonly paused: boolean;
	readonly retryInSeconds: number | null;
	/** What went wrong with the last poll's subscriber columns (a late or failed billing query), if anything. */
	readonly subscribers?: string | null;
	/** The read database is a standby further behind the primary than the poll interval: how far (db/replica.ts, replicaBadge). */
	readonly replica?: string | null;
	/**
	 * A question waiting for its answer ("a disconnect is running (604/812): stop it and quit? y/N"): the
	 * line's first claim, over any trouble with the database, since the next key answers it.
	 */
	readonly question?: string | undefined;
}

export interface StatusText {
	readonly text: string;
	readonly tone: 'error' | 'muted';
}

function seconds(ms: number): number {
	return Math.max(0, Math.round(ms / 1000));
}

/** The line's text and tone; the caller adds the cursor position after a non-error one. */
export function statusLine(input: StatusLineInput): StatusText & {readonly position: boolean} {
	const {error, now} = input;
	const age = input.fetchedAt === null ? 'no data yet' : `showing data from ${seconds(now - input.fetchedAt)} s ago`;
	const retry = input.retryInSeconds === null ? 'retrying' : `retry in ${input.retryInSeconds} s`;
	if (input.question) return {text: input.question, tone: 'error', position: false};
	// A lock being waited for right now is the most precise thing to say.
	if (input.wait && input.pollStartedAt !== null)
		return {text: `${sanitize(input.wait.text)}: waiting · ${age}`, tone: 'error', position: false};
	if (error?.kind === 'not-answering') {
		const since = seconds(now - error.since);
		return {text: `database not answering for ${since} s · ${age}, ${retry}`, tone: 'error', position: false};
	}
	if (error?.kind === 'locked') return {text: `${sanitize(error.message)} · ${age}, ${retry}`, tone: 'error', position: false};
	if (error) {
		// The age of what is on screen comes first: at 80 columns the error's detail is what gets cut.
		return {text: `database unreachable; ${age}, ${retry}: ${sanitize(error.message)}`, tone: 'error', position: false};
	}
	// Before the first snapshot, the first poll's start is what the wait is measured from.
	const since = input.fetchedAt ?? input.pollStartedAt;
	const stale = since !== null && now - since > 2 * input.intervalSeconds * 1000;
	if (stale && !input.paused) {
		const waiting = input.pollStartedAt === null ? '' : `database not answering for ${seconds(now - input.pollStartedAt)} s · `;
		return {text: `${waiting}${age}`, tone: 'error', position: false};
	}
	if (input.message)
		return {text: sanitize(input.message.text), tone: input.message.kind === 'error' ? 'error' : 'muted', position: true};
	if (stale) return {text: `paused · ${age}`, tone: 'muted', position: true};
	// The poll works, but what it reads is a standby behind the primary: the data is older than it looks.
	if (input.replica) return {text: input.replica, tone: 'error', position: true};
	// The sessions are fine; the subscriber columns are what is missing, and why.
	if (input.subscribers) return {text: `database: ok · ${sanitize(input.subscribers)}`, tone: 'muted', position: true};
	return {text: 'database: ok', tone: 'muted', position: true};
}
