/**
 * The user view as lines (for `radtop user` and the console's user view alike) and as the `--json` record.
 * Pure. Every string that came from the database goes through sanitize in the lines; a password attribute
 * is its name and `(set)`, its value was never read.
 */
import {formatDuration, formatTimestamp} from '../sessions/format.js';
import type {Session} from '../sessions/session.js';
import {sanitize} from '../terminal/sanitize.js';
import {fit, stringWidth, truncate} from '../terminal/text.js';
import type {UserReport} from './user-lookup.js';
import type {UserPair} from './user-sql.js';
import {findingsOf, hasNoTrace} from './user-verdict.js';

/** One line; the tone is a role the console's theme colours (never the only carrier of meaning). */
export interface UserLine {
	readonly text: string;
	readonly tone?: 'accent' | 'error' | 'warn' | 'muted' | 'ok';
	readonly bold?: boolean;
}

export interface UserViewOptions {
	readonly utc?: boolean;
	/** Cells wider than this are cut (default 40); the last cell of a row is never cut. */
	readonly cellWidth?: number;
}

/** Rows of cells as aligned lines, two spaces apart, indented by two. */
function table(rows: ReadonlyArray<readonly string[]>, cellWidth: number): string[] {
	const cells = rows.map((row) => row.map((cell, index) => (index < row.length - 1 ? truncate(cell, cellWidth) : cell)));
	const widths: number[] = [];
	for (const row of cells) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, stringWidth(cell))));
	return cells.map((row) =>
		`  ${row.map((cell, index) => (index < row.length - 1 ? fit(cell, widths[index]!) : cell)).join('  ')}`.trimEnd(),
	);
}

const pairText = (pair: UserPair) =>
	pair.secret ? `${sanitize(pair.attribute)} (set)` : `${sanitize(pair.attribute)} ${sanitize(pair.op)} ${sanitize(pair.value)}`;

const nasOf = (session: Session) => sanitize(session.nasname ?? session.nasipaddress);

/** The verdict, the first line under the title: the finding that best explains a failure, or that all is well. */
export function verdictLine(report: UserReport, utc = false): UserLine | undefined {
	const finding = findingsOf(report, utc)[0];
	if (!finding) return undefined;
	return {text: sanitize(finding.text), tone: finding.failure ? 'error' : 'ok', bold: true};
}

/** The user view's lines, the verdict first (the title line is the caller's). */
export function userLines(report: UserReport, options: UserViewOptions = {}): UserLine[] {
	const utc = options.utc ?? false;
	const cellWidth = options.cellWidth ?? 40;
	const time = (date: Date | null) => formatTimestamp(date, utc);
	const lines: UserLine[] = [];
	const head = (text: string) => lines.push({text, bold: true});
	const rows = (body: ReadonlyArray<readonly string[]>, header: readonly string[]) => {
		const [first, ...rest] = table([header, ...body], cellWidth);
		lines.push({text: first!, tone: 'muted'}, ...rest.map((text) => ({text})));
	};
	const verdict = verdictLine(report, utc);
	if (verdict) lines.push(verdict);
	if (hasNoTrace(report))
		lines.push({text: 'no trace: no session, no authentication attempt, no row in the authorisation tables', tone: 'warn'});

	const {openCount, open} = report;
	head(openCount === 0 ? 'offline: no open session' : `online: ${openCount} open session${openCount === 1 ? '' : 's'}`);
	if (open.length > 0) {
		rows(
			open.map((session) => [
				nasOf(session),
				sanitize(session.framedipaddress ?? '-'),
				sanitize(session.callingstationid ?? '-'),
				time(session.acctstarttime),
			]),
			['NAS', 'FRAMED IP', 'MAC', 'SINCE'],
		);
		if (openCount > open.length) lines.push({text: `  … ${openCount - open.length} more`, tone: 'muted'});
	}

	const attempts = report.attempts;
	if (attempts === null) head('authentication attempts: radpostauth not read (see the notes)');
	else if (attempts.length === 0) head('authentication attempts (radpostauth): none');
	else {
		head(`authentication attempts (radpostauth, last ${attempts.length})`);
		rows(
			attempts.map((attempt) => [
				time(attempt.at),
				sanitize(attempt.reply ?? '-'),
				sanitize(attempt.nas ?? '-'),
				sanitize(attempt.callingStationId ?? '-'),
				sanitize(attempt.message ?? ''),
			]),
			['WHEN', 'REPLY', 'NAS', 'MAC', 'MESSAGE'],
		);
	}

	const {checks, groups, groupChecks, replies} = report.attributes;
	const readable = (table: string) => report.tables.has(table);
	if (!readable('radcheck')) head('check items: radcheck not read');
	else if (checks.length === 0) head('check items (radcheck): none');
	else {
		head('check items (radcheck)');
		for (const pair of checks) lines.push({text: `  ${pairText(pair)}`});
	}
	if (!readable('radusergroup')) head('groups: radusergroup not read');
	else
		head(
			`groups (radusergroup): ${groups.length === 0 ? 'none' : groups.map((group) => `${sanitize(group.name)} (${group.priority})`).join(', ')}`,
		);
	if (groupChecks.length > 0) {
		head('group check items (radgroupcheck)');
		rows(
			groupChecks.map((pair) => [pairText(pair), sanitize(pair.from)]),
			['ITEM', 'GROUP'],
		);
	}
	if (replies.length === 0)
		head(readable('radreply') || readable('radgroupreply') ? 'reply attributes: none' : 'reply attributes: radreply not read');
	else {
		head('reply attributes (radreply, then radgroupreply by priority)');
		rows(
			replies.map((pair) => [pairText(pair), sanitize(pair.from)]),
			['ATTRIBUTE', 'FROM'],
		);
	}

	if (report.history.length === 0) head('last sessions: none closed');
	else {
		head(`last sessions (${report.history.length})`);
		rows(
			report.history.map((session) => [
				time(session.acctstarttime),
				time(session.acctstoptime),
				formatDuration(session.acctsessiontime),
				sanitize(session.acctterminatecause ?? '-'),
				nasOf(session),
				sanitize(session.framedipaddress ?? '-'),
			]),
			['START', 'STOP', 'DURATION', 'CAUSE', 'NAS', 'FRAMED IP'],
		);
	}
	if (report.notes.length > 0) {
		head('notes');
		for (const note of report.notes) lines.push({text: `  ${sanitize(note)}`, tone: 'muted'});
	}
	return lines;
}

const pairRecord = (pair: UserPair) =>
	pair.secret
		? {attribute: pair.attribute, op: pair.op, value: null, set: true}
		: {attribute: pair.attribute, op: pair.op, value: pair.value};

/** The `--json` record: the same facts, unsanitised (jsonForOutput escapes them for a terminal). */
export function userRecord(report: UserReport, utc = false): Record<string, unknown> {
	const findings = findingsOf(report, utc);
	const iso = (date: Date | null) => date?.toISOString() ?? null;
	return {
		username: report.username,
		verdict: findings[0]?.text ?? null,
		findings,
		trace: !hasNoTrace(report),
		online: {
			count: report.openCount,
			sessions: report.open.map((session) => ({
				radacctid: session.radacctid,
				nas: session.nasname ?? session.nasipaddress,
				nasipaddress: session.nasipaddress,
				framedipaddress: session.framedipaddress,
				callingstationid: session.callingstationid,
				since: iso(session.acctstarttime),
			})),
		},
		attempts: report.attempts?.map((attempt) => ({...attempt, at: iso(attempt.at)})) ?? null,
		checks: report.attributes.checks.map(pairRecord),
		groups: report.attributes.groups,
		groupChecks: report.attributes.groupChecks.map((pair) => ({...pairRecord(pair), group: pair.from})),
		reply: report.attributes.replies.map((pair) => ({...pairRecord(pair), from: pair.from})),
		sessions: report.history.map((session) => ({
			radacctid: session.radacctid,
			start: iso(session.acctstarttime),
			stop: iso(session.acctstoptime),
			duration: session.acctsessiontime,
			cause: session.acctterminatecause,
			nas: session.nasname ?? session.nasipaddress,
			framedipaddress: session.framedipaddress,
		})),
		tables: [...report.tables].sort(),
		notes: report.notes,
	};
}
