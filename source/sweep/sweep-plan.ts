/**
 * The decisions of a stale-session sweep, pure: which listed sessions are closed after verification, what
 * each one's outcome is, how much confirmation closing them takes, the exit code, and the words for all of it.
 */
import type {Confirmation} from '../disconnect/confirmation.js';
import {DEFAULT_TYPED_ABOVE} from '../disconnect/confirmation.js';
import {formatCount, formatDuration} from '../sessions/format.js';
import type {Session} from '../sessions/session.js';
import {sanitize} from '../terminal/sanitize.js';
import {truncate} from '../terminal/text.js';
import type {ListedRow, TerminateCause} from './sweep-sql.js';

/** An open session the stale rule caught, as listed. */
export interface StaleSession {
	readonly session: Session;
	/** acctupdatetime exactly as listed (microseconds included), null when the NAS never sent an update. */
	readonly updateToken: string | null;
	/** Seconds since the last update (or the start) when listed. */
	readonly silentSeconds: number;
	/** The silence the sweep's stale rule allowed this session: the threshold, or 2 x its NAS's interim interval when longer. */
	readonly allowedSeconds: number;
	/** Its NAS's last reload when that makes it a ghost candidate (started and last heard of before it), else null. */
	readonly reloadedAt?: Date | null;
}

/** Whether the NAS still has a session, as it answered. */
export type Presence = 'present' | 'absent' | 'unknown';

/** The NAS's answer about one session. */
export interface Verification {
	readonly presence: Presence;
	/** How it was asked; null when it could not be asked at all. */
	readonly via: 'coa' | 'api' | null;
	/** One line for the operator, e.g. `CoA-NAK: Session-Context-Not-Found (503)`. */
	readonly detail: string;
	/** The NAS did not answer at all (every CoA retransmission timed out). */
	readonly silent?: boolean;
}

/**
 * What became of a listed session:
 * - `would_close`: a dry run would close it;
 * - `closed`: closed in radacct;
 * - `on_nas`: its NAS says it still has the session, so it is not a ghost and stays open;
 * - `unverified`: its NAS could not say (no answer, another NAK, no secret): left open;
 * - `updated`: an Interim-Update arrived after it was listed: left open;
 * - `stopped`: an Accounting-Stop (or another sweep) closed it after it was listed;
 * - `gone`: the row was deleted after it was listed.
 */
export type SweepOutcome = 'would_close' | 'closed' | 'on_nas' | 'unverified' | 'updated' | 'stopped' | 'gone';

export const SWEEP_OUTCOMES: readonly SweepOutcome[] = ['would_close', 'closed', 'on_nas', 'unverified', 'updated', 'stopped', 'gone'];

/** One listed session and what became of it; text fields are raw (sanitise them for a terminal). */
export interface SweepEntry {
	readonly radacctid: string;
	readonly username: string | null;
	readonly acctsessionid: string;
	readonly nasIp: string;
	readonly nasName: string;
	readonly framedIp: string | null;
	readonly startedAt: string | null;
	readonly lastUpdate: string | null;
	readonly silentSeconds: number;
	readonly outcome: SweepOutcome;
	/** Why, in a few words (the NAS's answer, what changed in radacct). */
	readonly detail: string;
	/** How the NAS was asked, when --verify asked it. */
	readonly verifiedVia: 'coa' | 'api' | null;
	/** A ghost candidate: its NAS's last reload (after it started and was last heard of), ISO 8601; else null. */
	readonly reloadedAt: string | null;
}

export type SweepTotals = Readonly<Record<SweepOutcome, number>>;

/** The whole sweep, as printed with --json and summarised in the audit log. */
export interface SweepResult {
	readonly dryRun: boolean;
	/** What was listed: the stale sessions, or (`--reloaded`) the ghost candidates whatever their silence. */
	readonly selection?: 'stale' | 'reloaded';
	readonly verified: boolean;
	readonly cause: TerminateCause;
	readonly staleAfterSeconds: number;
	/** More stale sessions exist than were listed (see --limit). */
	readonly capped: boolean;
	readonly entries: readonly SweepEntry[];
	readonly totals: SweepTotals;
}

/** Listed sessions split by the verification: those to close and those left open with their outcome. */
export interface SweepSelection {
	readonly toClose: readonly StaleSession[];
	readonly kept: ReadonlyMap<string, {readonly outcome: 'on_nas' | 'unverified'; readonly detail: string}>;
}

/**
 * Without verification every listed session is closed. With it, only those their NAS said it does not have:
 * a NAS that still has one, or could not say, keeps it open.
 */
export function selectForClose(stale: readonly StaleSession[], verifications?: ReadonlyMap<string, Verification>): SweepSelection {
	if (!verifications) return {toClose: stale, kept: new Map()};
	const toClose: StaleSession[] = [];
	const kept = new Map<string, {outcome: 'on_nas' | 'unverified'; detail: string}>();
	for (const entry of stale) {
		const verification = verifications.get(entry.session.radacctid);
		if (verification?.presence === 'absent') toClose.push(entry);
		else if (verification?.presence === 'present') kept.set(entry.session.radacctid, {outcome: 'on_nas', detail: verification.detail});
		else kept.set(entry.session.radacctid, {outcome: 'unverified', detail: verification?.detail ?? 'not asked'});
	}
	return {toClose, kept};
}

/** The keys the close compares each row with. */
export function listedRows(stale: readonly StaleSession[]): ListedRow[] {
	return stale.map((entry) => ({radacctid: entry.session.radacctid, updateToken: entry.updateToken}));
}

/** Where a listed row that the close left alone stands now (null: the row is gone). */
export interface SkippedState {
	readonly stopped: boolean;
	readonly acctterminatecause: string | null;
	readonly updateToken: string | null;
}

/** Why the close left a listed row alone. */
export function skippedOutcome(
	listedToken: string | null,
	now: SkippedState | undefined,
): {outcome: 'updated' | 'stopped' | 'gone'; detail: string} {
	if (now === undefined) return {outcome: 'gone', detail: 'the row was deleted after it was listed'};
	if (now.stopped) {
		return {outcome: 'stopped', detail: `closed after it was listed${now.acctterminatecause ? ` (${now.acctterminatecause})` : ''}`};
	}
	if (now.updateToken !== listedToken)
		return {outcome: 'updated', detail: `an interim update arrived after it was listed (${now.updateToken ?? 'none'})`};
	return {outcome: 'updated', detail: 'changed while it was being closed'};
}

/** Counts per outcome. */
export function tallySweep(entries: readonly SweepEntry[]): SweepTotals {
	const totals = Object.fromEntries(SWEEP_OUTCOMES.map((outcome) => [outcome, 0])) as Record<SweepOutcome, number>;
	for (const entry of entries) totals[entry.outcome] += 1;
	return totals;
}

/** An entry for a listed session with its outcome. */
export function sweepEntry(
	stale: StaleSession,
	nasName: string,
	outcome: SweepOutcome,
	detail: string,
	verifiedVia: 'coa' | 'api' | null = null,
): SweepEntry {
	const {session} = stale;
	return {
		radacctid: session.radacctid,
		username: session.username,
		acctsessionid: session.acctsessionid,
		nasIp: session.nasipaddress,
		nasName,
		framedIp: session.framedipaddress,
		startedAt: session.acctstarttime?.toISOString() ?? null,
		lastUpdate: stale.updateToken,
		silentSeconds: stale.silentSeconds,
		outcome,
		detail,
		verifiedVia,
		reloadedAt: stale.reloadedAt?.toISOString() ?? null,
	};
}

/**
 * 0 for a dry run or when every listed session was closed or found on its NAS; 3 (partial) when some were left
 * open because their NAS could not say, or because radacct changed under the sweep (the listing was out of
 * date: run again).
 */
export function sweepExitCode(result: SweepResult): 0 | 3 {
	if (result.dryRun) return 0;
	const {unverified, updated, stopped, gone} = result.totals;
	return unverified + updated + stopped + gone > 0 ? 3 : 0;
}

/**
 * What confirming a close of `count` sessions takes, by the rule `radtop disconnect` follows: one session
 * needs nothing more than --apply, a few a y, more than `typedAbove` the count typed.
 */
export function sweepConfirmation(count: number, typedAbove = DEFAULT_TYPED_ABOVE): Confirmation {
	if (count > typedAbove) {
		return {kind: 'typed', expected: String(count), prompt: `type the number of sessions (${count}) to close them in radacct: `};
	}
	if (count <= 1) return {kind: 'key', prompt: 'close this session in radacct? [y/N] '};
	return {kind: 'count', count, prompt: `close ${count} sessions in radacct? [y/N] `};
}

const OUTCOME_WORDS: Readonly<Record<SweepOutcome, string>> = {
	would_close: 'would close',
	closed: 'closed',
	on_nas: 'on NAS',
	unverified: 'unverified',
	updated: 'updated',
	stopped: 'stopped',
	gone: 'gone',
};

/** How the plan and the preview mark a ghost candidate. */
export const GHOST_MARK = 'ghost: NAS reloaded after start';

/**
 * The header and rows of the sweep table, 80 columns wide before the details; every database string is
 * sanitised. The exact last update is in the JSON output and the audit log.
 */
export function sweepTable(entries: readonly SweepEntry[], options: {readonly details?: boolean} = {}): string[] {
	const header = `${'RADACCTID'.padStart(10)}  ${'USER'.padEnd(20)} ${'NAS'.padEnd(10)} ${'FRAMED IP'.padEnd(15)} ${'SILENT'.padStart(7)}  STATE`;
	const rows = entries.map((entry) => {
		const closing = entry.outcome === 'would_close' || entry.outcome === 'closed';
		const checked = closing && entry.verifiedVia ? ` (not on NAS, asked by ${entry.verifiedVia === 'coa' ? 'CoA' : 'API'})` : '';
		const ghost = entry.reloadedAt !== null ? ` · ${GHOST_MARK}` : '';
		const state = OUTCOME_WORDS[entry.outcome] + checked + ghost + (options.details && !closing ? `: ${sanitize(entry.detail)}` : '');
		return (
			`${entry.radacctid.padStart(10)}  ${truncate(sanitize(entry.username) || '-', 20).padEnd(20)} ` +
			`${truncate(sanitize(entry.nasName), 10).padEnd(10)} ${(entry.framedIp ?? '-').padEnd(15)} ` +
			`${formatDuration(entry.silentSeconds).padStart(7)}  ${state}`
		);
	});
	return [header, ...rows];
}

/** One line about the whole sweep. */
export function sweepSummary(result: SweepResult): string {
	const listed = result.entries.length;
	const {totals} = result;
	const plural = listed === 1 && !result.capped ? '' : 's';
	const ghosts = result.entries.filter((entry) => entry.reloadedAt !== null).length;
	const stale =
		result.selection === 'reloaded'
			? `${formatCount(listed)}${result.capped ? '+' : ''} ghost candidate${plural} (started before their NAS reloaded)`
			: `${formatCount(listed)}${result.capped ? '+' : ''} stale session${plural}` +
				(ghosts > 0 ? ` (${formatCount(ghosts)} started before their NAS reloaded)` : '');
	const kept: string[] = [];
	if (totals.on_nas > 0) kept.push(`${formatCount(totals.on_nas)} still on their NAS`);
	if (totals.unverified > 0) kept.push(`${formatCount(totals.unverified)} unverified (left open)`);
	if (totals.updated > 0) kept.push(`${formatCount(totals.updated)} updated since listed`);
	if (totals.stopped > 0) kept.push(`${formatCount(totals.stopped)} stopped since listed`);
	if (totals.gone > 0) kept.push(`${formatCount(totals.gone)} deleted since listed`);
	const rest = kept.length > 0 ? `; ${kept.join(', ')}` : '';
	const more = result.capped
		? ` (more are ${result.selection === 'reloaded' ? 'ghost candidates' : 'stale'} than listed: run again, or raise --limit)`
		: '';
	if (result.dryRun) {
		return `${stale}: dry run, ${formatCount(totals.would_close)} would be closed (${result.cause})${rest}${more}; --apply closes them`;
	}
	return `${stale}: ${formatCount(totals.closed)} closed in radacct (${result.cause})${rest}${more}`;
}
