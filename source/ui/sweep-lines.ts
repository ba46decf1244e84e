/**
 * The text of the sweep views (preview, progress, results), line by line for a given width and height. Pure,
 * so what an operator reads before closing sessions in radacct is tested without a terminal; SweepView only
 * paints these lines. Every string that came from the database goes through sanitize here.
 */
import {formatCount, formatDuration} from '../sessions/format.js';
import type {SweepEntry, SweepOutcome} from '../sweep/sweep-plan.js';
import {sweepSummary} from '../sweep/sweep-plan.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth, truncate} from '../terminal/text.js';
import {bar} from './disconnect-lines.js';
import type {SweepState} from './sweep-state.js';
import {caretView} from './text-field.js';
import type {ViewLine} from './view-line.js';

const MAX_NAS_LINES = 4;
const MAX_FIRST_ROWS = 5;

/** "Sweep 7 stale sessions on bng-2: close in radacct", "Verify and sweep …" with verify on, "Sweep: no stale session …". */
export function sweepTitle(sweep: SweepState): string {
	const preview = sweep.preview;
	if (!preview) return `Sweep the stale sessions ${sweep.label}`;
	const count = preview.stale.length;
	if (count === 0) return `Sweep: no stale session to close ${sweep.label}`;
	const more = preview.capped ? '+' : '';
	// Said in the title too, which every size shows: whether the NAS are asked first.
	const verb = sweep.verify ? 'Verify and sweep' : 'Sweep';
	return `${verb} ${formatCount(count)}${more} stale session${count === 1 && !more ? '' : 's'} ${sweep.label}: close in radacct`;
}

/** What is written and the rule: "cause Lost-Carrier · stale after 30m00s, and 2 x the NAS's interim interval". */
function ruleLine(sweep: SweepState, width: number): ViewLine {
	const preview = sweep.preview!;
	return {
		text: truncate(
			`cause ${preview.cause} · stale after ${formatDuration(preview.staleAfterSeconds)}, and 2 x the NAS's interim interval`,
			width,
		),
	};
}

function verifyLine(sweep: SweepState, width: number): ViewLine {
	const text = sweep.verify
		? 'verify ON: ask each NAS first, close only what it no longer has (v: off)'
		: 'verify off: closes each one still as listed (v: ask the NAS first)';
	return {text: truncate(text, width), ...(sweep.verify ? {bold: true} : {tone: 'muted' as const})};
}

/** One line per NAS (at most MAX_NAS_LINES) in `room` lines, with how verify asks it when verify is on. */
function nasLines(sweep: SweepState, width: number, room: number): ViewLine[] {
	const perNas = sweep.preview?.perNas ?? [];
	if (room <= 0 || perNas.length === 0) return [];
	// `north/bng-3` with several sites: the column as wide as the longest name, within reason.
	const nameWidth = Math.max(10, Math.min(24, ...perNas.map((share) => stringWidth(sanitize(share.name)))));
	const lineOf = (share: (typeof perNas)[number]): ViewLine => ({
		text: truncate(
			`${fit(sanitize(share.name), nameWidth)} ${formatCount(share.count)}${sweep.verify ? ` · ${sanitize(share.verifyText)}` : ''}`,
			width,
		),
		...(sweep.verify && share.verify === 'none' ? {tone: 'warn' as const} : {}),
	});
	if (perNas.length === 1) return [lineOf(perNas[0]!)];
	if (room === 1) {
		const names = perNas.map((share) => `${sanitize(share.name)} ${formatCount(share.count)}`).join(', ');
		return [{text: truncate(`${formatCount(perNas.length)} NAS: ${names}`, width)}];
	}
	const fits = Math.min(room, MAX_NAS_LINES);
	const listed = perNas.length <= fits ? perNas.length : fits - 1;
	const lines = perNas.slice(0, listed).map(lineOf);
	if (perNas.length > listed) lines.push({text: `… and ${formatCount(perNas.length - listed)} more NAS`, tone: 'muted'});
	return lines;
}

/** With several sites, each one's count in one line: `sites  east 3 · west 2 · south: cannot be read`. */
function siteLine(sweep: SweepState, width: number): ViewLine[] {
	const perSite = sweep.preview?.perSite;
	if (!perSite || perSite.length === 0) return [];
	const parts = perSite.map((entry) =>
		entry.error === undefined ? `${sanitize(entry.site)} ${formatCount(entry.count)}` : `${sanitize(entry.site)}: cannot be read`,
	);
	const unread = perSite.some((entry) => entry.error !== undefined);
	return [{text: truncate(`sites  ${parts.join(' · ')}`, width), ...(unread ? {tone: 'warn' as const} : {})}];
}

/** What the operator should know: the view counted more, more are stale than listed, registry warnings. */
function noteLines(sweep: SweepState, width: number): ViewLine[] {
	const preview = sweep.preview!;
	const listed = preview.stale.length;
	const notes: ViewLine[] = [];
	if (sweep.viewCount !== null && sweep.viewCount > listed && !preview.capped) {
		const fewer = sweep.viewCount - listed;
		notes.push({
			text: truncate(
				`the view counts ${formatCount(sweep.viewCount)}: ${formatCount(fewer)} of them silent less than a sweep waits (left open)`,
				width,
			),
			tone: 'muted',
		});
	}
	if (preview.capped)
		notes.push({
			text: truncate(`more are stale: the ${formatCount(listed)} longest silent are listed; W again for the rest`, width),
			tone: 'warn',
		});
	for (const warning of preview.warnings) notes.push({text: truncate(sanitize(warning), width), tone: 'warn'});
	return notes;
}

/** The first sessions (at most MAX_FIRST_ROWS) under a heading, in `room` lines; nothing in fewer than two. */
function firstRows(sweep: SweepState, width: number, room: number): ViewLine[] {
	const stale = sweep.preview?.stale ?? [];
	if (room < 2 || stale.length === 0) return [];
	const rows = stale.slice(0, Math.min(MAX_FIRST_ROWS, room - 1));
	const heading = rows.length < stale.length ? `first ${rows.length} (longest silent)` : 'sessions';
	const sited = rows.some((entry) => entry.session.site !== undefined);
	const nasWidth = sited ? 16 : 10;
	const lines: ViewLine[] = [{text: truncate(`${fit(heading, 26)} ${fit('NAS', nasWidth)} LAST UPDATE`, width), tone: 'muted'}];
	for (const entry of rows) {
		const {session} = entry;
		const nas = `${session.site === undefined ? '' : `${session.site}/`}${session.nasname ?? session.nasipaddress}`;
		const cells = `  ${fit(sanitize(session.username) || '-', 24)} ${fit(sanitize(nas), nasWidth)} ${formatDuration(entry.silentSeconds)} ago`;
		lines.push({text: truncate(cells, width)});
	}
	if (stale.length > rows.length && lines.length < room)
		lines.push({text: `  … and ${formatCount(stale.length - rows.length)} more`, tone: 'muted'});
	return lines;
}

function confirmLine(sweep: SweepState, width: number, caret: number | undefined): ViewLine {
	const {confirmation, stale} = sweep.preview!;
	const active = sweep.focus === 'confirm';
	switch (confirmation.kind) {
		case 'key':
			return {text: truncate('close this session in radacct? y or Enter', width), bold: active};
		case 'count':
			return {text: truncate(`close these ${formatCount(stale.length)} sessions in radacct? y`, width), bold: active};
		case 'typed': {
			const label = `type the number of sessions (${confirmation.expected}) to close them: `;
			return active
				? {...fieldLine(label, sweep.typed, caret, width), bold: true}
				: {text: truncate(label + sanitize(sweep.typed), width)};
		}
	}
}

/** A field being edited after its label, its cursor in view (as the disconnect preview draws it). */
function fieldLine(label: string, value: string, caret: number | undefined, width: number): ViewLine {
	if (caret === undefined || caret >= [...value].length) return {text: truncate(label + sanitize(value), width - 1), cursor: true};
	const head = truncate(label, Math.max(0, width - 2));
	return {text: head, field: caretView(value, caret, width - stringWidth(head))};
}

/**
 * The preview in exactly `height` lines or fewer. What gives way when the height runs short, first to last: the
 * first sessions, the per-NAS lines, the notes, the rule line, the verify line, the per-site counts. The title, the reason (or
 * "nothing to close"), the confirmation and the line that refuses a confirmation are always drawn.
 */
export function sweepPreviewView(sweep: SweepState, width: number, height: number, caret?: number): ViewLine[] {
	const title: ViewLine = {text: truncate(sweepTitle(sweep), width), bold: true, tone: 'accent'};
	if (sweep.phase === 'loading')
		return [title, {text: 'listing the stale sessions in radacct…', tone: 'muted' as const}].slice(0, height);
	if (sweep.phase === 'error') {
		return [
			title,
			{text: truncate(`nothing closed: ${sanitize(sweep.error)}`, width), tone: 'error' as const},
			{text: 'Esc closes', tone: 'muted' as const},
		].slice(0, height);
	}
	const preview = sweep.preview;
	if (!preview) return [title];
	const empty = preview.stale.length === 0;
	const reasonLabel = 'reason  ';
	const reason: ViewLine =
		sweep.focus === 'reason'
			? fieldLine(reasonLabel, sweep.reason, caret, width)
			: {
					text: truncate(
						reasonLabel + (sweep.reason ? sanitize(sweep.reason) : '(none: Tab to write one for the audit log)'),
						width,
					),
					...(sweep.reason ? {} : {tone: 'muted' as const}),
				};
	const nothing: ViewLine = {text: 'no stale session to close: Esc closes', tone: 'warn'};
	const confirm = empty ? [] : [confirmLine(sweep, width, caret)];
	if (sweep.refusal) confirm.push({text: truncate(sweep.refusal, width), tone: 'error'});

	// In the order drawn; each part's place in `order` is its priority.
	const parts: Array<(room: number) => ViewLine[]> = [
		() => [title],
		() => (empty ? [] : [ruleLine(sweep, width)]),
		() => (empty ? [] : [verifyLine(sweep, width)]),
		() => siteLine(sweep, width),
		(room) => nasLines(sweep, width, room),
		(room) => noteLines(sweep, width).slice(0, room),
		(room) => firstRows(sweep, width, room),
		() => [empty ? nothing : reason],
		() => confirm,
	];
	const order = [0, 8, 7, 3, 2, 1, 5, 4, 6];
	const chosen: ViewLine[][] = parts.map(() => []);
	let room = height;
	for (const index of order) {
		const lines = parts[index]!(room).slice(0, room);
		chosen[index] = lines;
		room -= lines.length;
	}
	return chosen.flat();
}

/** The progress view: asking the NAS (done/total and a bar), or closing in radacct. */
export function sweepProgressView(sweep: SweepState, width: number, height: number): ViewLine[] {
	const progress = sweep.progress;
	const listed = sweep.preview?.stale.length ?? 0;
	let head: string;
	if (progress?.phase === 'closing') head = `Closing ${formatCount(progress.total)} stale sessions in radacct (one transaction)…`;
	else if (sweep.stopping) head = 'Stopping: the NAS are asked no more, nothing is closed';
	else if (progress?.phase === 'verifying')
		head = `Asking the NAS ${formatCount(progress.done)}/${formatCount(progress.total)} before closing`;
	else head = `Sweeping ${formatCount(listed)} stale sessions ${sweep.label}…`;
	const lines: ViewLine[] = [{text: truncate(head, width), bold: true, tone: sweep.stopping ? 'warn' : 'accent'}];
	lines.push({
		text: truncate(
			`${sweep.label.replace(/^on /, '')} · cause ${sweep.preview?.cause ?? '-'} · verify ${sweep.verify ? 'on' : 'off'}`,
			width,
		),
		tone: 'muted',
	});
	if (progress?.phase === 'verifying') {
		const barWidth = Math.max(10, Math.min(40, width - 20));
		lines.push({
			text: truncate(
				` ${bar(progress.done, progress.total, barWidth)} ${formatCount(progress.done)}/${formatCount(progress.total)}`,
				width,
			),
		});
	}
	return lines.slice(0, height);
}

const OUTCOME_WORDS: Readonly<Record<SweepOutcome, string>> = {
	would_close: 'would close',
	closed: 'closed',
	on_nas: 'kept: on NAS',
	unverified: 'kept: unsure',
	updated: 'skipped: updated',
	stopped: 'skipped: stopped',
	gone: 'skipped: gone',
};

const RANK: Readonly<Record<SweepOutcome, number>> = {on_nas: 0, unverified: 1, updated: 2, stopped: 3, gone: 4, closed: 5, would_close: 5};

/** The entries of a finished sweep, those left open first. */
export function sweepResultEntries(entries: readonly SweepEntry[]): SweepEntry[] {
	return [...entries].sort((a, b) => RANK[a.outcome] - RANK[b.outcome]);
}

/** The results view: the summary, the audit record's ID, then one line per listed session, scrolled by `sweep.scroll`. */
export function sweepResultsView(sweep: SweepState, width: number, height: number): ViewLine[] {
	const run = sweep.run;
	if (sweep.phase === 'error' || !run) {
		return [
			{text: truncate(`sweep ${sweep.label}: nothing closed: ${sanitize(sweep.error ?? 'not run')}`, width), tone: 'error' as const},
		].slice(0, height);
	}
	if (run.kind === 'interrupted' || run.kind === 'not-confirmed') {
		const what = run.kind === 'interrupted' ? 'stopped while asking the NAS' : 'not confirmed';
		return [
			{
				text: truncate(`sweep ${sweep.label}: ${what}: nothing closed, nothing written to the audit log`, width),
				tone: 'warn' as const,
			},
		].slice(0, height);
	}
	const {result} = run;
	const left = result.entries.length - result.totals.closed;
	const lines: ViewLine[] = wrap(`sweep ${sweep.label}: ${sweepSummary(result)}`, width).map((text) => ({
		text,
		bold: true,
		tone: left > 0 ? 'warn' : 'ok',
	}));
	if (run.kind === 'done' && run.siteActionIds)
		for (const {site, actionId} of run.siteActionIds)
			lines.push({text: truncate(`audit ${sanitize(site)}: radtop audit ${actionId}`, width), tone: 'muted'});
	else if (run.kind === 'done' && run.actionId) lines.push({text: truncate(`audit: radtop audit ${run.actionId}`, width), tone: 'muted'});
	for (const failure of run.kind === 'done' ? (run.siteFailures ?? []) : [])
		for (const text of wrap(sanitize(failure), width)) lines.push({text, tone: 'error'});
	if (run.kind === 'done' && run.auditError)
		lines.push({text: truncate(`the closing audit record could not be written: ${sanitize(run.auditError)}`, width), tone: 'error'});
	const entries = sweepResultEntries(result.entries);
	const room = Math.max(0, height - lines.length - 1);
	const first = Math.min(sweep.scroll, Math.max(0, entries.length - room));
	// `north/bng-3` with several sites: the NAS column as wide as the longest name shown, within reason.
	const shown = entries.slice(first, first + room);
	const nasWidth = Math.max(8, Math.min(16, ...shown.map((entry) => stringWidth(sanitize(entry.nasName)))));
	for (const entry of shown) {
		const silent = `${formatDuration(entry.silentSeconds)} ago`;
		const detail = entry.outcome === 'closed' ? (entry.verifiedVia ? sanitize(entry.detail) : '') : sanitize(entry.detail);
		const text = ` ${fit(OUTCOME_WORDS[entry.outcome], 16)} ${fit(sanitize(entry.username) || '-', 18)} ${fit(sanitize(entry.nasName), nasWidth)} ${fit(silent, 11)} ${detail}`;
		lines.push({text: truncate(text.trimEnd(), width), ...(entry.outcome === 'closed' ? {tone: 'muted' as const} : {})});
	}
	const footer: ViewLine = {
		text: truncate(`${formatCount(entries.length)} listed${entries.length > room ? ' · ↑↓ scroll' : ''}`, width),
		tone: 'muted',
	};
	return [...lines, footer].slice(0, Math.max(1, height));
}

/** Words into lines of at most `width` columns (a word longer than a line is cut). */
function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		const next = line ? `${line} ${word}` : word;
		if (stringWidth(next) <= width) line = next;
		else {
			if (line) lines.push(line);
			line = truncate(word, width);
		}
	}
	if (line) lines.push(line);
	return lines;
}
