/**
 * The text of the disconnect views (preview, progress, results), line by line for a given width and height.
 * Pure, so what an operator reads before confirming is tested without a terminal; the components only paint
 * these lines. Every string that came from the database goes through sanitize here.
 */
import {describeProblem, type Plan} from '../disconnect/plan.js';
import {methodText, OUTCOME_WORDS, resultSummary} from '../disconnect/report.js';
import {
	OUTCOMES,
	retryable,
	type DisconnectProgress,
	type DisconnectResult,
	type Outcome,
	type SessionResult,
} from '../disconnect/result.js';
import {nasLabel} from '../nas/registry.js';
import {formatCount, formatDuration} from '../sessions/format.js';
import {sessionDurationSeconds} from '../sessions/session-math.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth, truncate} from '../terminal/text.js';
import type {DisconnectState} from './disconnect-state.js';
import {nasBarLines} from './nas-bars.js';
import {recoveryLines} from './recovery-lines.js';
import {caretView} from './text-field.js';
import type {Tone, ViewLine} from './view-line.js';
import {sessionKey} from '../sessions/session-key.js';

const MAX_NAS_LINES = 4;
const MAX_PROBLEM_LINES = 3;
const MAX_FIRST_ROWS = 5;

/** "Disconnect 1 session", "Disconnect ALL 812 open sessions on bng-1 (10.20.0.1)", "Disconnect 14 sessions". */
export function previewTitle(disconnect: DisconnectState): string {
	const plan = disconnect.preview?.plan;
	if (!plan) return 'Disconnect';
	const count = plan.items.length;
	const sessions = `${formatCount(count)} ${count === 1 ? 'session' : 'sessions'}`;
	const region = disconnect.target.kind === 'nas' ? disconnect.target.region : undefined;
	if (region) return `Disconnect ALL ${formatCount(count)} open sessions of region ${sanitize(region.name)} (${plan.perNas.length} NAS)`;
	if (disconnect.target.kind === 'nas' && plan.perNas.length === 1)
		return `Disconnect ALL ${count === 1 ? '1 open session' : `${formatCount(count)} open sessions`} on ${sanitize(nasLabel(plan.perNas[0]!.nas))}`;
	if (disconnect.target.kind === 'filter')
		return `Disconnect ALL ${count === 1 ? '1 open session' : `${formatCount(count)} open sessions`} matching the filter`;
	return `Disconnect ${sessions}`;
}

/**
 * The preview: what, where, how, what will not be sent, what changed, the reason and the confirmation, in
 * exactly `height` lines or fewer. What gives way when the height runs short, first to last: the list of the
 * first sessions, the per-NAS lines, the label, the notes (already closed, missing, warnings), the NOT SENT
 * * lines, what changed since the preview opened, the count of selected sessions not in view. The title, the
 * reason (or "nothing can be sent"), the confirmation and the line that
 * refuses a confirmation ("does not match") are always drawn.
 */
export function previewView(disconnect: DisconnectState, width: number, height: number, now: Date, caret?: number): ViewLine[] {
	const title: ViewLine = {text: truncate(previewTitle(disconnect), width), bold: true, tone: 'accent'};
	const label: ViewLine = {text: truncate(sanitize(disconnect.label), width), tone: 'muted'};
	if (disconnect.phase === 'loading')
		return withLabel(title, label, [{text: 'reading the sessions from radacct…', tone: 'muted'}], height);
	if (disconnect.phase === 'error') {
		const error: ViewLine = {text: truncate(`nothing sent: ${sanitize(disconnect.error)}`, width), tone: 'error'};
		return withLabel(title, label, [error, {text: 'Esc closes', tone: 'muted'}], height);
	}
	const preview = disconnect.preview;
	if (!preview) return withLabel(title, label, [], height);
	const {plan} = preview;

	const drift: ViewLine[] = [];
	if (disconnect.drift && (disconnect.drift.closed > 0 || disconnect.drift.opened > 0)) {
		const parts = [
			disconnect.drift.closed > 0 ? `${formatCount(disconnect.drift.closed)} closed (nothing to send)` : '',
			disconnect.drift.opened > 0 ? `${formatCount(disconnect.drift.opened)} new (not included)` : '',
		].filter(Boolean);
		drift.push({text: truncate(`changed since opened: ${parts.join(', ')}`, width), tone: 'warn'});
	}
	const reasonLabel = 'reason  ';
	const reason: ViewLine =
		disconnect.focus === 'reason'
			? fieldLine(reasonLabel, disconnect.reason, caret, width)
			: {
					text: truncate(
						reasonLabel + (disconnect.reason ? sanitize(disconnect.reason) : '(none: Tab to write one for the audit log)'),
						width,
					),
					tone: disconnect.reason ? undefined : 'muted',
				};
	// Nothing can be sent: said at once, and only Esc is offered (no reason, no confirmation).
	const nothing: ViewLine = {
		text: plan.items.length === 0 ? 'nothing to send: Esc closes' : 'nothing can be sent (see above): Esc closes',
		tone: 'warn',
	};
	const confirm = plan.ready > 0 ? [confirmLine(disconnect, width, caret)] : [];
	if (disconnect.refusal) confirm.push({text: truncate(disconnect.refusal, width), tone: 'error'});

	// A selection's sessions the screen did not show are counted and listed first: nothing is sent unseen.
	const hidden = new Set(disconnect.notInView);
	const hiddenItems = plan.items.filter((item) => hidden.has(sessionKey(item.session)));
	const ordered = [...hiddenItems, ...plan.items.filter((item) => !hidden.has(sessionKey(item.session)))];
	const notInView: ViewLine[] =
		hiddenItems.length > 0
			? [
					{
						text: truncate(
							`${formatCount(hiddenItems.length)} of these ${formatCount(plan.items.length)} not in the current view: listed first`,
							width,
						),
						tone: 'warn',
					},
				]
			: [];

	const notes: ViewLine[] = [];
	if (plan.alreadyClosed.length > 0)
		notes.push({text: `${formatCount(plan.alreadyClosed.length)} already closed in radacct: nothing sent for them`, tone: 'muted'});
	if (preview.missing.length > 0) notes.push({text: `${formatCount(preview.missing.length)} no longer in radacct`, tone: 'muted'});
	for (const warning of preview.warnings) notes.push({text: truncate(sanitize(warning), width), tone: 'warn'});
	if (plan.items.length === 0) notes.push({text: 'no open session to disconnect', tone: 'warn'});

	// In the order drawn; each part's place in `order` is its priority.
	const parts: Array<(room: number) => ViewLine[]> = [
		() => [title],
		() => [label],
		() => notInView,
		(room) => nasLines(plan, width, room),
		(room) => problemLines(plan, width).slice(0, room),
		(room) => notes.slice(0, room),
		(room) => firstRows(ordered, width, room, now),
		() => drift,
		() => [plan.ready > 0 ? reason : nothing],
		() => confirm,
	];
	const order = [0, 9, 8, 2, 7, 4, 5, 1, 3, 6];
	const chosen: ViewLine[][] = parts.map(() => []);
	let room = height;
	for (const index of order) {
		const lines = parts[index]!(room).slice(0, room);
		chosen[index] = lines;
		room -= lines.length;
	}
	return chosen.flat();
}

/** The title, the label when there is room for it too, then `rest`: at most `height` lines. */
function withLabel(title: ViewLine, label: ViewLine, rest: readonly ViewLine[], height: number): ViewLine[] {
	return [title, ...(height >= rest.length + 2 ? [label] : []), ...rest].slice(0, height);
}

/** One line per NAS (at most MAX_NAS_LINES) in `room` lines; with one line for several, their names. */
function nasLines(plan: Plan, width: number, room: number): ViewLine[] {
	if (room <= 0 || plan.perNas.length === 0) return [];
	// A whole name (`north/hotspot-1` over sites) up to 24 columns: the method text gives way first.
	const nameWidth = Math.min(24, Math.max(10, ...plan.perNas.map((share) => stringWidth(sanitize(share.nas.name)))));
	const lineOf = (share: Plan['perNas'][number]): ViewLine => {
		const blocked = share.blocked > 0 ? ` (${formatCount(share.blocked)} not sent)` : '';
		return {
			text: truncate(
				`${fit(sanitize(share.nas.name), nameWidth)} ${formatCount(share.total)}${blocked} · ${sanitize(methodText(plan, share.nas))}`,
				width,
			),
		};
	};
	if (plan.perNas.length === 1) return [lineOf(plan.perNas[0]!)];
	if (room === 1) {
		const names = plan.perNas.map((share) => sanitize(share.nas.name)).join(', ');
		return [{text: truncate(`${formatCount(plan.perNas.length)} NAS: ${names}`, width)}];
	}
	const listed = plan.perNas.length <= Math.min(room, MAX_NAS_LINES) ? plan.perNas.length : Math.min(room, MAX_NAS_LINES) - 1;
	const lines = plan.perNas.slice(0, listed).map(lineOf);
	if (plan.perNas.length > listed) lines.push({text: `… and ${formatCount(plan.perNas.length - listed)} more NAS`, tone: 'muted'});
	return lines;
}

/**
 * The NAS column of a list of sessions: as wide as the longest name shown (over sites `north/accel-1`), from 8
 * to 20 columns; a longer name is cut.
 */
function nasColumnWidth(names: readonly string[]): number {
	return Math.min(20, Math.max(8, ...names.map((name) => sanitize(name).length)));
}

/** The first sessions (at most MAX_FIRST_ROWS) under a heading, in `room` lines; nothing in fewer than two. */
function firstRows(items: Plan['items'], width: number, room: number, now: Date): ViewLine[] {
	if (room < 2 || items.length === 0) return [];
	const rows = items.slice(0, Math.min(MAX_FIRST_ROWS, room - 1));
	const lines: ViewLine[] = [
		{
			text: rows.length < items.length ? `first ${rows.length}` : items.length === 1 ? 'session' : 'sessions',
			tone: 'muted',
		},
	];
	const nasWidth = nasColumnWidth(rows.map((item) => item.nas.name));
	for (const item of rows) {
		const {session} = item;
		const duration = formatDuration(sessionDurationSeconds(session, now));
		const cells = `  ${fit(sanitize(session.username) || '-', 24)} ${fit(sanitize(session.framedipaddress) || '-', 15)} ${fit(sanitize(item.nas.name), nasWidth)} ${fit(duration, 7, 'right')}`;
		lines.push({text: truncate(cells, width), ...(item.problem ? {tone: 'muted' as const} : {})});
	}
	if (items.length > rows.length && lines.length < room)
		lines.push({text: `  … and ${formatCount(items.length - rows.length)} more`, tone: 'muted'});
	return lines;
}

function problemLines(plan: Plan, width: number): ViewLine[] {
	const problems = new Map<string, number>();
	for (const item of plan.blocked) {
		const text = describeProblem(item.problem!, item.nas);
		problems.set(text, (problems.get(text) ?? 0) + 1);
	}
	const lines = [...problems].slice(0, MAX_PROBLEM_LINES).map(([text, count]): ViewLine => ({
		text: truncate(`NOT SENT ${formatCount(count)}: ${sanitize(text)}`, width),
		tone: 'error',
	}));
	if (problems.size > MAX_PROBLEM_LINES)
		lines.push({text: `… and ${problems.size - MAX_PROBLEM_LINES} more reasons not to send`, tone: 'error'});
	return lines;
}

function confirmLine(disconnect: DisconnectState, width: number, caret: number | undefined): ViewLine {
	const confirmation = disconnect.preview!.confirmation;
	const active = disconnect.focus === 'confirm';
	const count = disconnect.preview!.plan.items.length;
	switch (confirmation.kind) {
		case 'key':
			return {text: truncate('disconnect this session? y or Enter', width), bold: active};
		case 'count':
			return {text: truncate(`disconnect these ${formatCount(count)} sessions? y`, width), bold: active};
		case 'typed': {
			const label =
				disconnect.target.kind === 'nas' && disconnect.target.region
					? `type the region's name (${sanitize(confirmation.expected)}) to confirm: `
					: disconnect.target.kind === 'nas'
						? `type the NAS name (${sanitize(confirmation.expected)}) to confirm: `
						: `type the number of sessions (${confirmation.expected}) to confirm: `;
			return active
				? {...fieldLine(label, disconnect.typed, caret, width), bold: true}
				: {text: truncate(label + sanitize(disconnect.typed), width)};
		}
	}
}

/**
 * A field being edited after its label: with the cursor at the end (nothing moved it), the text and a cursor
 * cell after it; elsewhere the text split at the cursor, which stays in view.
 */
function fieldLine(label: string, value: string, caret: number | undefined, width: number): ViewLine {
	if (caret === undefined || caret >= [...value].length) return {text: truncate(label + sanitize(value), width - 1), cursor: true};
	const head = truncate(label, Math.max(0, width - 2));
	return {text: head, field: caretView(value, caret, width - stringWidth(head))};
}

export {bar} from './nas-bars.js';

/** The progress view: done/total, rate, failures, a bar per NAS (most left first), outcomes so far, Accounting-Stops seen. */
export function progressView(disconnect: DisconnectState, width: number, height: number): ViewLine[] {
	const progress: DisconnectProgress | undefined = disconnect.progress;
	const total = progress?.total ?? disconnect.preview?.plan.items.length ?? 0;
	const done = progress?.done ?? 0;
	const verb = disconnect.stopping
		? 'Stopping'
		: progress?.phase === 'confirming'
			? 'Sent; waiting for Accounting-Stops'
			: 'Disconnecting';
	const head = `${verb} ${formatCount(done)}/${formatCount(total)} · ${formatCount(Math.round(progress?.ratePerSecond ?? 0))}/s · ${formatCount(progress?.failed ?? 0)} failed so far`;
	const lines: ViewLine[] = [
		{text: truncate(head, width), bold: true, tone: disconnect.stopping ? 'warn' : 'accent'},
		{text: truncate(sanitize(disconnect.label), width), tone: 'muted'},
	];
	const perNas = progress?.perNas ?? [];
	const below = (progress ? 2 : 1) + (disconnect.stopping ? 1 : 0);
	lines.push(...nasBarLines(perNas, width, Math.max(1, height - lines.length - below)));
	if (progress) {
		const outcomes = OUTCOMES.filter((outcome) => progress.totals[outcome] > 0);
		if (outcomes.length > 0)
			lines.push({
				text: truncate(
					` ${outcomes.map((outcome) => `${OUTCOME_WORDS[outcome]} ${formatCount(progress.totals[outcome])}`).join(' · ')}`,
					width,
				),
			});
		const disconnected = progress.totals.coa + progress.totals.api;
		if (disconnected > 0) {
			lines.push({
				text: truncate(
					` Accounting-Stop seen for ${formatCount(progress.confirmed)} of ${formatCount(disconnected)} disconnected`,
					width,
				),
				tone: 'muted',
			});
		}
	} else {
		lines.push({text: ' starting…', tone: 'muted'});
	}
	if (disconnect.stopping) lines.push({text: ' stopping: requests in flight finish, the rest are not sent', tone: 'warn'});
	return lines.slice(0, height);
}

const RANK: Readonly<Record<Outcome, number>> = {failed: 0, not_sent: 1, not_on_nas: 2, coa: 3, api: 3, already_closed: 4};
const entriesOf = new WeakMap<DisconnectResult, readonly SessionResult[]>();

/**
 * The results list's entries worth a line: problems first, then sessions whose stop has not been seen. Kept
 * per result, which never changes: the view is drawn again at every tick of the clock.
 */
export function resultEntries(result: DisconnectResult): readonly SessionResult[] {
	let entries = entriesOf.get(result);
	if (entries === undefined) {
		entries = result.results
			.filter(
				(entry) =>
					entry.outcome === 'failed' ||
					entry.outcome === 'not_sent' ||
					entry.outcome === 'not_on_nas' ||
					entry.stop === 'not_confirmed',
			)
			.sort((a, b) => RANK[a.outcome] - RANK[b.outcome]);
		entriesOf.set(result, entries);
	}
	return entries;
}

/**
 * The results view: the summary, who is back online since the run, then one line per session that needs a look,
 * scrolled by `disconnect.scroll`.
 */
export function resultsView(disconnect: DisconnectState, width: number, height: number): ViewLine[] {
	const result = disconnect.result;
	if (!result) return [];
	const summary = `${sanitize(disconnect.label)}: ${resultSummary(result)}`;
	const problems = result.totals.failed + result.totals.not_on_nas + result.totals.not_sent;
	const lines: ViewLine[] = wrap(summary, width).map((text) => ({text, bold: true, tone: problems > 0 ? 'warn' : 'ok'}));
	if (result.auditError)
		lines.push({text: truncate(`the closing audit record could not be written: ${sanitize(result.auditError)}`, width), tone: 'error'});
	// Who is back online since the run: at most 5 lines, the sessions to look at keep the rest.
	lines.push(...recoveryLines(disconnect, width, Math.min(5, Math.max(0, height - lines.length - 3))));
	const entries = resultEntries(result);
	const again = retryable(result).length;
	if (entries.length === 0) {
		lines.push({text: 'every session disconnected, and each Accounting-Stop seen in radacct', tone: 'ok'});
		return lines.slice(0, height);
	}
	const footer: ViewLine = {
		text: truncate(
			`${again > 0 ? `R retries the ${formatCount(again)} failed or not sent · ` : ''}${formatCount(entries.length)} listed`,
			width,
		),
		tone: 'muted',
	};
	const room = Math.max(0, height - lines.length - 1);
	const first = Math.min(disconnect.scroll, Math.max(0, entries.length - room));
	const shown = entries.slice(first, first + room);
	const nasWidth = nasColumnWidth(shown.map((entry) => entry.nasName));
	for (const entry of shown) {
		const what =
			entry.stop === 'not_confirmed' && (entry.outcome === 'coa' || entry.outcome === 'api')
				? 'no stop yet'
				: OUTCOME_WORDS[entry.outcome];
		const tone: Tone | undefined =
			entry.outcome === 'failed' ? 'error' : entry.outcome === 'coa' || entry.outcome === 'api' ? 'muted' : undefined;
		const text = ` ${fit(what, 11)} ${fit(sanitize(entry.username) || '-', 18)} ${fit(sanitize(entry.nasName), nasWidth)} ${sanitize(entry.reason)}`;
		lines.push({text: truncate(text, width), ...(tone ? {tone} : {})});
	}
	return [...lines, footer].slice(0, Math.max(1, height));
}

/** Words into lines of at most `width` columns (a word longer than a line is cut). */
function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		const next = line ? `${line} ${word}` : word;
		if (next.length <= width) line = next;
		else {
			if (line) lines.push(line);
			line = truncate(word, width);
		}
	}
	if (line) lines.push(line);
	return lines;
}

/** The NAS a NAS-wide disconnect is emptying (or emptied), whose pill stays in view while the table has no NAS filter. */
export function nasBeingDisconnected(disconnect: DisconnectState | null): {ip: string; name: string | null} | null {
	if (disconnect?.target.kind !== 'nas' || (disconnect.phase !== 'running' && disconnect.phase !== 'done')) return null;
	const ip = disconnect.target.nasIps[0];
	if (ip === undefined) return null;
	const share = disconnect.preview?.plan.perNas.find((entry) => entry.nas.ip === ip);
	return {ip, name: share?.nas.name ?? null};
}

/** The status line while a disconnect runs behind another view: how far it is, and how to see it. */
export function runningStatus(disconnect: DisconnectState | null): {text: string; kind: 'info' | 'error'} | undefined {
	if (disconnect?.phase !== 'running') return undefined;
	const progress = disconnect.progress;
	const done = progress ? `${formatCount(progress.done)}/${formatCount(progress.total)}` : 'starting';
	const failed = progress && progress.failed > 0 ? ` · ${formatCount(progress.failed)} failed` : '';
	return {text: `disconnecting ${done}${failed} · v shows it`, kind: progress && progress.failed > 0 ? 'error' : 'info'};
}
