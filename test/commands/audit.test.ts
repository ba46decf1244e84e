/** `radtop audit`'s reading of a log into runs, and its lines: pure, from log text made here. */
import {describe, expect, it} from 'vitest';
import {parseAuditLog} from '../../source/audit/audit-reader.js';
import {auditRuns, findRun, outcomeText, runDetailLines, runListLines} from '../../source/commands/audit.js';
import type {DisconnectRun} from '../../source/disconnect/audit-run.js';
import type {SweepRun} from '../../source/sweep/audit-run.js';

const operator = {user: 'noc', sshClient: '192.0.2.7'};
const planned = (ids: readonly string[]) =>
	ids.map((id) => ({radacctid: id, username: `user${id}`, acctsessionid: `s${id}`, nas: 'bng-1', nasIp: '10.20.0.1'}));

function begin(actionId: string, ids: readonly string[], extra: Record<string, unknown> = {}) {
	return {
		event: 'disconnect.begin',
		time: '2026-12-02T10:00:00.000Z',
		actionId,
		operator,
		reason: 'CHG-1',
		target: 'NAS bng-1',
		method: 'auto',
		dryRun: false,
		planned: {total: ids.length, ready: ids.length, blocked: 0, alreadyClosed: 0, perNas: []},
		sessions: planned(ids),
		...extra,
	};
}

const progress = (actionId: string, batch: number, sent: string[], acked: string[]) => ({
	event: 'disconnect.progress',
	time: '2026-12-02T10:00:01.000Z',
	actionId,
	batch,
	sent: sent.map((radacctid) => ({radacctid, method: 'coa'})),
	outcomes: acked.map((radacctid) => ({radacctid, method: 'coa', outcome: 'coa', reason: 'ACK in 2 ms'})),
});

const log = (...records: object[]) => `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
const ids = (from: number, to: number) => Array.from({length: to - from + 1}, (_value, index) => String(from + index));

describe('reading the audit log into runs', () => {
	it('a complete run: the end record has the last word', () => {
		const text = log(begin('a1', ['1', '2', '3']), progress('a1', 1, ['3'], ['1', '2']), {
			event: 'disconnect.end',
			time: '2026-12-02T10:00:05.000Z',
			actionId: 'a1',
			operator,
			dryRun: false,
			aborted: true,
			durationMs: 5000,
			totals: {},
			missing: [],
			sessions: [
				{
					radacctid: '1',
					username: 'user1',
					nas: 'bng-1',
					nasIp: '10.20.0.1',
					method: 'coa',
					outcome: 'coa',
					reason: 'ACK',
					stop: null,
				},
				{
					radacctid: '2',
					username: 'user2',
					nas: 'bng-1',
					nasIp: '10.20.0.1',
					method: 'coa',
					outcome: 'coa',
					reason: 'ACK',
					stop: null,
				},
				{
					radacctid: '3',
					username: 'user3',
					nas: 'bng-1',
					nasIp: '10.20.0.1',
					method: 'coa',
					outcome: 'failed',
					reason: 'no answer',
					stop: null,
				},
			],
		});
		const {runs, skipped} = auditRuns(text);
		expect(skipped).toBe(0);
		expect(runs).toHaveLength(1);
		const run = runs[0] as DisconnectRun;
		expect(run).toMatchObject({kind: 'disconnect', actionId: 'a1', status: 'complete', stopped: true, planned: 3, sent: 3, batches: 1});
		expect(run.outcomes).toMatchObject({coa: 2, failed: 1, not_sent: 0});
		expect(run.inFlight).toEqual([]);
		expect(run.notReached).toEqual([]);
		expect(run.finishedAt).toBe('2026-12-02T10:00:05.000Z');
	});

	it('an interrupted run (no end record): outcomes, in flight and not reached from the batches', () => {
		const text = log(
			begin('k1', ids(1, 10)),
			progress('k1', 1, ['1', '2', '3', '4'], []),
			progress('k1', 2, ['5', '6'], ['1', '2', '3']),
		);
		// The half-written last line a crash can leave.
		const {runs, skipped} = auditRuns(`${text}{"event":"disconnect.progress","actionId":"k1","sent":[{"radac`);
		expect(skipped).toBe(1);
		const run = runs[0] as DisconnectRun;
		expect(run.status).toBe('interrupted');
		expect(run.planned).toBe(10);
		expect(run.sent).toBe(6);
		expect(run.outcomes.coa).toBe(3);
		expect(run.inFlight).toEqual(['4', '5', '6']);
		expect(run.notReached).toEqual(['7', '8', '9', '10']);
		expect(run.notReachedCount).toBe(4);
		expect(outcomeText(run)).toBe('3 coa · 3 in flight · 4 not reached');
		const detail = runDetailLines(run).join('\n');
		expect(detail).toContain('interrupted');
		expect(detail).toMatch(/not reached +4 \(planned, nothing sent\)/);
		expect(detail).toMatch(/not reached +7 +user7 +bng-1/);
		expect(detail).toMatch(/in flight \(coa\) 4 +user4/);
	});

	it('a begin record of an older radtop (counts, no session list) reads with counts only', () => {
		const old = begin('o1', ids(1, 5));
		delete (old as Partial<typeof old>).sessions;
		const run = auditRuns(log(old, progress('o1', 1, [], ['1', '2']))).runs[0] as DisconnectRun;
		expect(run).toMatchObject({listed: false, planned: 5, notReachedCount: 3, status: 'interrupted'});
		expect(runDetailLines(run).join('\n')).toContain('older radtop');
	});

	it('sweeps are listed beside the disconnects; other lines and unknown events do not break the list', () => {
		const text = log(
			{
				event: 'sweep.begin',
				time: '2026-12-02T09:00:00.000Z',
				actionId: 's1',
				operator,
				reason: null,
				nasFilter: ['bng-2'],
				closing: [{}, {}, {}],
			},
			{event: 'sweep.end', time: '2026-12-02T09:00:01.000Z', actionId: 's1', operator, error: null, closed: [{}, {}], skipped: [{}]},
			begin('d1', ['1']),
			{event: 'something.else', actionId: 'x1', time: '2026-12-02T11:00:00.000Z'},
			{no: 'event'},
			[1, 2],
		);
		const {runs, skipped} = auditRuns(`${text}not json\n\n`);
		expect(skipped).toBe(3);
		expect(runs.map((run) => run.kind)).toEqual(['sweep', 'disconnect']);
		expect(runs[0] as SweepRun).toMatchObject({
			planned: 3,
			closed: 2,
			skipped: 1,
			status: 'complete',
			target: 'ghost sessions on bng-2',
		});
		const lines = runListLines(runs);
		expect(lines[0]).toMatch(/^TIME +RUN +OPERATOR +ACTION +PLANNED +STATUS +OUTCOMES$/);
		expect(lines[1]).toMatch(/s1 +noc from 192\.0\.2\.7 +sweep ghost sessions on bng-2 +3 +complete +2 closed · 1 left open/);
		expect(lines[2]).toMatch(/d1 .* disconnect NAS bng-1 +1 +interrupted +1 not reached/);
	});

	it('sanitises every string from the log before it is printed', () => {
		const evil = begin('e1', ['1'], {
			target: 'NAS \u001b]52;c;aGk=\u0007x',
			reason: 'r\u202eeason',
			operator: {user: 'a\u001b[2Jb', sshClient: null},
		});
		(evil.sessions[0] as {username: string}).username = 'bob\u001b[31m';
		const run = auditRuns(log(evil)).runs[0]!;
		const text = [...runListLines([run]), ...runDetailLines(run)].join('\n');
		// eslint-disable-next-line no-control-regex -- the control characters must not be there
		expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
		expect(text).toContain('\\x1b]52');
		expect(text).toContain('bob\\x1b[31m');
	});

	it('findRun takes an id or a unique start of one', () => {
		const {runs} = auditRuns(log(begin('abc-1', ['1']), begin('abd-2', ['2'])));
		expect(findRun(runs, 'abc-1')?.actionId).toBe('abc-1');
		expect(findRun(runs, 'abd')?.actionId).toBe('abd-2');
		expect(findRun(runs, 'zzz')).toBeUndefined();
		expect(() => findRun(runs, 'ab')).toThrow(/start of 2 run ids/);
	});

	it('parseAuditLog groups records by action, in the order of their first record', () => {
		const parsed = parseAuditLog(log(begin('b', ['1']), begin('a', ['2']), progress('b', 1, ['1'], [])));
		expect(parsed.actions.map((action) => [action.actionId, action.records.map((record) => record.line)])).toEqual([
			['b', [1, 3]],
			['a', [2]],
		]);
	});
});
