/** Who disconnected which session, from audit records as JSON lines: the pure index the history is annotated with. */
import {describe, expect, it} from 'vitest';
import {parseAuditLog} from '../../source/audit/audit-reader.js';
import {disconnectedByIndex, withDisconnectedBy} from '../../source/disconnect/disconnected-by.js';
import {causeText, disconnectedByText} from '../../source/sessions/session-view.js';
import {makeSession} from './fixtures.js';

const operator = {user: 'noc-anna', sshClient: '192.0.2.7'};

function begin(actionId: string, radacctids: readonly string[], extra: Record<string, unknown> = {}): object {
	return {
		event: 'disconnect.begin',
		time: '2026-12-03T05:40:00.000Z',
		actionId,
		operator,
		reason: 'CHG-2211 maintenance',
		via: 'command line',
		target: `${radacctids.length} planned sessions`,
		method: 'auto',
		dryRun: false,
		planned: {total: radacctids.length, ready: radacctids.length, blocked: 0, alreadyClosed: 0, perNas: []},
		sessions: radacctids.map((radacctid) => ({
			radacctid,
			username: 'alice',
			acctsessionid: `s-${radacctid}`,
			nas: 'bng-1',
			nasIp: '10.20.0.1',
		})),
		...extra,
	};
}

function end(actionId: string, outcomes: Record<string, string>, time = '2026-12-03T05:40:02.000Z'): object {
	return {
		event: 'disconnect.end',
		time,
		actionId,
		operator,
		dryRun: false,
		aborted: false,
		durationMs: 2000,
		totals: {},
		missing: [],
		sessions: Object.entries(outcomes).map(([radacctid, outcome]) => ({
			radacctid,
			username: 'alice',
			nas: 'bng-1',
			nasIp: '10.20.0.1',
			method: outcome === 'coa' || outcome === 'api' ? outcome : null,
			outcome,
			reason: 'ACK in 1.2 ms',
			stop: null,
		})),
	};
}

const log = (...records: ReadonlyArray<object | string>) =>
	parseAuditLog(records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n'));

describe('disconnectedByIndex', () => {
	it('a begin and an end record: the acknowledged sessions, with operator, time, reason and where it was asked from', () => {
		const index = disconnectedByIndex(log(begin('a1', ['10', '11', '12']), end('a1', {'10': 'coa', '11': 'api', '12': 'failed'})));
		expect(index.get('10')).toEqual({
			operator: 'noc-anna',
			sudoUser: null,
			at: '2026-12-03T05:40:02.000Z',
			reason: 'CHG-2211 maintenance',
			via: 'command line',
			outcome: 'coa',
			actionId: 'a1',
		});
		expect(index.get('11')?.outcome).toBe('api');
		expect(index.has('12')).toBe(false);
		expect(disconnectedByText(index.get('10')!)).toBe('by noc-anna via radtop: CHG-2211 maintenance');
	});

	it('a run killed by SIGKILL (begin and progress only): sent requests count, sessions never reached do not', () => {
		const progress = {
			event: 'disconnect.progress',
			time: '2026-12-03T05:40:01.000Z',
			actionId: 'k1',
			batch: 1,
			sent: [{radacctid: '21', method: 'coa'}],
			outcomes: [
				{radacctid: '20', method: 'coa', outcome: 'coa', reason: 'ACK in 2 ms'},
				{radacctid: '22', method: 'coa', outcome: 'not_on_nas', reason: 'NAK 503'},
			],
		};
		const index = disconnectedByIndex(log(begin('k1', ['20', '21', '22', '23'], {via: 'console'}), progress));
		expect(index.get('20')).toMatchObject({outcome: 'coa', at: '2026-12-03T05:40:01.000Z', via: 'console'});
		expect(index.get('21')?.outcome).toBe('sent');
		expect([...index.keys()].sort()).toEqual(['20', '21']);
		expect(disconnectedByText(index.get('21')!)).toBe(
			'by noc-anna via radtop console (request sent, no answer logged): CHG-2211 maintenance',
		);
	});

	it('not_sent, already_closed and dry runs are not annotated', () => {
		const index = disconnectedByIndex(
			log(
				begin('n1', ['30', '31']),
				end('n1', {'30': 'not_sent', '31': 'already_closed'}),
				begin('d1', ['32'], {dryRun: true}),
				end('d1', {'32': 'coa'}),
			),
		);
		expect(index.size).toBe(0);
	});

	it('two runs on one session: the later one wins; a later run that sent nothing leaves the earlier one', () => {
		const second = {...begin('b2', ['40', '41']), operator: {user: 'root', sudoUser: 'noc-ben', sshClient: null}, reason: 'abuse'};
		const index = disconnectedByIndex(
			log(
				begin('b1', ['40', '41']),
				end('b1', {'40': 'coa', '41': 'coa'}),
				second,
				end('b2', {'40': 'api', '41': 'not_sent'}, '2026-12-03T06:00:00.000Z'),
			),
		);
		expect(index.get('40')).toMatchObject({operator: 'root', sudoUser: 'noc-ben', reason: 'abuse', outcome: 'api', actionId: 'b2'});
		expect(disconnectedByText(index.get('40')!)).toBe('by noc-ben via radtop: abuse');
		expect(index.get('41')).toMatchObject({actionId: 'b1', operator: 'noc-anna'});
	});

	it('garbage lines, half-written lines and records without an operator are skipped', () => {
		const index = disconnectedByIndex(
			log(
				'not json',
				'{"event": "disconnect.begin", "actionId": "x1", "sessions": [{"radacctid": "50"}]}',
				end('x1', {'50': 'coa'}),
				'[1, 2]',
				begin('g1', ['51']),
				'{"event":"disconnect.end","actionId":"g1","sessions":[{"radacctid":"51","outcome":"coa"',
				end('g1', {'51': 'coa', '52': 'bogus'}),
			),
		);
		expect([...index.keys()]).toEqual(['51']);
	});

	it('an operator or reason with terminal escapes is shown sanitised', () => {
		const hostile = {...begin('h1', ['60']), operator: {user: 'eve\u001b[2J', sshClient: null}, reason: 'x\u001b]0;owned\u0007\ny'};
		const index = disconnectedByIndex(log(hostile, end('h1', {'60': 'coa'})));
		const text = disconnectedByText(index.get('60')!);
		expect(text).not.toMatch(/\p{Cc}/u);
		expect(text.startsWith('by eve')).toBe(true);
	});
});

describe('withDisconnectedBy and causeText', () => {
	it('puts the annotation on the named sessions only; the cause comes first', () => {
		const index = disconnectedByIndex(log(begin('c1', ['70']), end('c1', {'70': 'coa'})));
		const closed = {acctstoptime: new Date('2026-12-03T05:40:01Z'), acctterminatecause: 'Admin-Reset'};
		const [named, other] = withDisconnectedBy(
			[makeSession({radacctid: '70', ...closed}), makeSession({radacctid: '71', ...closed})],
			index,
		);
		expect(causeText(named!)).toBe('Admin-Reset · by noc-anna via radtop: CHG-2211 maintenance');
		expect(causeText(other!)).toBe('Admin-Reset');
		expect(other!.disconnectedBy).toBeUndefined();
	});
});
