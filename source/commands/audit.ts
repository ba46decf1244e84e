/**
 * `radtop audit`: the audit log read back, read-only. The recent runs (disconnects and sweeps), or one run in
 * full: what was planned, sent, each outcome, and who was not reached. A run without its end record (killed,
 * crashed, still going) shows as interrupted, with what its progress records say. Every string from the log is
 * sanitised before it reaches the terminal.
 */
import {readFile} from 'node:fs/promises';
import {ConfigStore} from '../config/config.js';
import {defaultAuditLogPath} from '../audit/audit-log.js';
import {parseAuditLog, type ReadOperator} from '../audit/audit-reader.js';
import {disconnectRun, type DisconnectRun} from '../disconnect/audit-run.js';
import {OUTCOME_WORDS} from '../disconnect/report.js';
import {OUTCOMES} from '../disconnect/result.js';
import {formatCount} from '../sessions/format.js';
import {sweepRun, type SweepRun} from '../sweep/audit-run.js';
import {sanitize} from '../terminal/sanitize.js';
import {truncate} from '../terminal/text.js';
import {EXIT, integerFlag, UsageError, type FlagSpec} from './usage.js';

export const AUDIT_FLAGS = {
	auditLog: {type: 'string'},
	profile: {type: 'string'},
	limit: {type: 'string', default: '20'},
	json: {type: 'boolean'},
} as const satisfies Record<string, FlagSpec>;

export const AUDIT_HELP = `
Usage
  $ radtop audit [RUN] [--json] [--limit N] [--audit-log PATH]

Reads the audit log (read-only) that radtop disconnect, radtop sweep and the console's disconnects append
to. Without RUN: the most recent runs, one a line (time, run id, operator, action and target, sessions
planned, outcomes, complete or interrupted). With RUN (its id, or the start of it): that run in full: what
was planned and sent, the outcomes, the sessions in flight (sent, no answer recorded) and those not reached
(planned, nothing sent), each session that was not disconnected. A run without an end record (radtop was
killed or crashed, or it still runs) is shown as interrupted, with what its progress records say: they are
written every 100 sessions or every second.

Flags
  --limit N           the N most recent runs (default 20, 0 for all)
  --json              the runs (or the run, with every session) as JSON
  --audit-log PATH    the log to read (default: the profile's audit-log, else $XDG_STATE_HOME/radtop/audit.log)
  --profile NAME      the profile whose audit-log to read

Examples
  $ radtop audit
  $ radtop audit 9f158f1d
  $ radtop audit 9f158f1d --json

Exit codes: 0 ok (also an empty or missing log), 1 the log cannot be read or the run is not in it, 2 usage error.
`;

type Flags = {[K in keyof typeof AUDIT_FLAGS]?: unknown};

/** A run of the log: a disconnect or a sweep. */
export type AuditRun = DisconnectRun | SweepRun;

/** The runs of a log's text, in log order, and how many lines were not records. */
export function auditRuns(text: string): {runs: AuditRun[]; skipped: number} {
	const {actions, skipped} = parseAuditLog(text);
	const runs: AuditRun[] = [];
	for (const action of actions) {
		const run = disconnectRun(action.actionId, action.records) ?? sweepRun(action.actionId, action.records);
		if (run) runs.push(run);
	}
	return {runs, skipped};
}

/** The run with this id, or the one whose id starts so; a UsageError when the start fits several. */
export function findRun(runs: readonly AuditRun[], id: string): AuditRun | undefined {
	const exact = runs.find((run) => run.actionId === id);
	if (exact) return exact;
	const matching = runs.filter((run) => run.actionId.startsWith(id));
	if (matching.length > 1)
		throw new UsageError(`"${sanitize(id.slice(0, 40))}" is the start of ${matching.length} run ids: give more of it`);
	return matching[0];
}

const when = (time: string | null): string =>
	time === null
		? '-'
		: sanitize(time)
				.replace('T', ' ')
				.replace(/\.\d+Z$/, 'Z');

function operatorText(operator: ReadOperator | null): string {
	if (operator === null) return '-';
	const sudo = operator.sudoUser ? ` (sudo by ${sanitize(operator.sudoUser)})` : '';
	const ssh = operator.sshClient ? ` from ${sanitize(operator.sshClient)}` : '';
	return `${sanitize(operator.user)}${sudo}${ssh}`;
}

/** "280 coa · 720 not sent · 32 in flight · 600 not reached" */
export function outcomeText(run: AuditRun): string {
	if (run.kind === 'sweep') {
		if (run.status === 'interrupted') return 'no end record';
		const parts = [`${formatCount(run.closed)} closed`, `${formatCount(run.skipped)} left open`];
		return run.error ? `${parts.join(' · ')} · rolled back` : parts.join(' · ');
	}
	const parts = OUTCOMES.filter((outcome) => run.outcomes[outcome] > 0).map(
		(outcome) => `${formatCount(run.outcomes[outcome])} ${OUTCOME_WORDS[outcome]}`,
	);
	if (run.inFlight.length > 0) parts.push(`${formatCount(run.inFlight.length)} in flight`);
	if (run.notReachedCount > 0) parts.push(`${formatCount(run.notReachedCount)} not reached`);
	return parts.join(' · ') || 'none';
}

function statusText(run: AuditRun): string {
	if (run.status === 'interrupted') return 'interrupted';
	if (run.kind === 'disconnect' && run.dryRun) return 'dry run';
	if (run.kind === 'disconnect' && run.stopped) return 'complete (stopped)';
	return 'complete';
}

/** The list of runs, one a line, under a heading. */
export function runListLines(runs: readonly AuditRun[]): string[] {
	const rows = runs.map((run) => [
		when(run.time),
		run.actionId.slice(0, 8),
		truncate(operatorText(run.operator), 24),
		truncate(`${run.kind} ${sanitize(run.target ?? '-')}`, 44),
		formatCount(run.planned),
		statusText(run),
		outcomeText(run),
	]);
	const head = ['TIME', 'RUN', 'OPERATOR', 'ACTION', 'PLANNED', 'STATUS', 'OUTCOMES'];
	const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => [...row[column]!].length)));
	const line = (cells: readonly string[]) =>
		cells
			.map((cell, column) =>
				column === 4 ? cell.padStart(widths[column]!) : column === cells.length - 1 ? cell : cell.padEnd(widths[column]!),
			)
			.join('  ');
	return [line(head), ...rows.map(line)];
}

/** One run in full. */
export function runDetailLines(run: AuditRun): string[] {
	const field = (name: string, value: string) => `  ${name.padEnd(12)}${value}`;
	const lines = [`${run.kind} ${run.actionId} · ${statusText(run)}`];
	lines.push(field('began', `${when(run.time)} by ${operatorText(run.operator)}`));
	lines.push(
		field('ended', run.finishedAt === null ? 'no end record: radtop was stopped hard, crashed, or still runs' : when(run.finishedAt)),
	);
	lines.push(field('target', sanitize(run.target ?? '-')));
	if (run.reason !== null) lines.push(field('reason', sanitize(run.reason)));
	lines.push(field('planned', formatCount(run.planned)));
	if (run.kind === 'sweep') {
		lines.push(field('outcomes', outcomeText(run)));
		if (run.error !== null) lines.push(field('error', sanitize(run.error)));
		return lines;
	}
	lines.push(field('sent', formatCount(run.sent)));
	for (const outcome of OUTCOMES) {
		if (run.outcomes[outcome] > 0) lines.push(field(OUTCOME_WORDS[outcome], formatCount(run.outcomes[outcome])));
	}
	if (run.status === 'interrupted') {
		lines.push(field('in flight', `${formatCount(run.inFlight.length)} (sent, no answer recorded)`));
		lines.push(field('not reached', `${formatCount(run.notReachedCount)} (planned, nothing sent)`));
		lines.push(
			field(
				'records',
				`${formatCount(run.batches)} progress record${run.batches === 1 ? '' : 's'}, written every 100 sessions or second`,
			),
		);
	}
	if (!run.listed) lines.push('  (the begin record lists no sessions: written by an older radtop)');
	const look = run.sessions.filter(
		(session) => session.outcome !== 'coa' && session.outcome !== 'api' && session.outcome !== 'already_closed',
	);
	if (look.length > 0) {
		lines.push('', `sessions not disconnected (${formatCount(look.length)})`);
		for (const session of look) {
			const what =
				session.outcome !== null
					? OUTCOME_WORDS[session.outcome]
					: session.sent !== null
						? `in flight (${session.sent})`
						: 'not reached';
			lines.push(
				`  ${what.padEnd(15)} ${session.radacctid.padEnd(10)} ${sanitize(session.username) || '-'}  ${sanitize(session.nas ?? session.nasIp) || '-'}` +
					(session.reason ? `  ${sanitize(session.reason)}` : ''),
			);
		}
	}
	return lines;
}

/** A run as JSON, every string sanitised; `full` keeps its sessions. */
function jsonOf(run: AuditRun, full: boolean): unknown {
	if (run.kind === 'sweep' || full) return run;
	const {sessions: _sessions, inFlight, notReached: _notReached, ...summary} = run;
	return {...summary, inFlight: inFlight.length};
}

function json(value: unknown): string {
	return `${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? sanitize(item) : item), 2)}\n`;
}

/** Where `radtop audit` writes. */
export interface AuditIo {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
	readonly env: NodeJS.ProcessEnv;
}

/** The log to read: --audit-log, else the profile's, else the default the writers use. */
export function auditLogPath(flags: Flags, env: NodeJS.ProcessEnv): string {
	if (typeof flags.auditLog === 'string' && flags.auditLog !== '') return flags.auditLog;
	const selected = ConfigStore.open(env).selectProfile(typeof flags.profile === 'string' ? flags.profile : undefined);
	return selected?.profile.auditLog ?? defaultAuditLogPath(env);
}

/** Runs `radtop audit [RUN]`; resolves to the exit code. */
export async function runAuditCommand(input: readonly string[], flags: Flags, io: AuditIo): Promise<number> {
	if (input.length > 1) throw new UsageError(`radtop audit takes one run id, not "${sanitize(input.slice(1).join(' ').slice(0, 40))}"`);
	const limit = integerFlag(flags.limit ?? '20', 'limit', 0, 1_000_000);
	const path = auditLogPath(flags, io.env);
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			io.stderr.write(`radtop: cannot read the audit log ${sanitize(path)}: ${sanitize((error as Error).message)}\n`);
			return EXIT.failure;
		}
		text = '';
	}
	const {runs, skipped} = auditRuns(text);
	if (skipped > 0)
		io.stderr.write(`radtop: ${formatCount(skipped)} line${skipped === 1 ? '' : 's'} of ${sanitize(path)} not a record, skipped\n`);
	const id = input[0];
	if (id !== undefined) {
		const run = findRun(runs, id);
		if (run === undefined) {
			io.stderr.write(`radtop: no run "${sanitize(id.slice(0, 40))}" in ${sanitize(path)}\n`);
			return EXIT.failure;
		}
		io.stdout.write(flags.json ? json(jsonOf(run, true)) : `${runDetailLines(run).join('\n')}\n`);
		return EXIT.ok;
	}
	const recent = limit === 0 ? runs : runs.slice(-limit);
	if (flags.json) {
		io.stdout.write(json({auditLog: path, runs: recent.map((run) => jsonOf(run, false))}));
		return EXIT.ok;
	}
	if (runs.length === 0) {
		io.stderr.write(`radtop: no runs in ${sanitize(path)}\n`);
		return EXIT.ok;
	}
	io.stdout.write(`${runListLines(recent).join('\n')}\n`);
	if (recent.length < runs.length)
		io.stderr.write(`radtop: the ${formatCount(recent.length)} most recent of ${formatCount(runs.length)} runs (--limit 0 for all)\n`);
	return EXIT.ok;
}
