/**
 * The disconnect's pure parts in the console: what confirming takes, how the previewed set drifts, what a
 * retry covers, and the words of the preview, progress and results views at 80 columns.
 */
import {describe, expect, it} from 'vitest';
import {confirmationFor} from '../../source/disconnect/confirmation.js';
import type {DisconnectPreview} from '../../source/disconnect/disconnect-service.js';
import {planDisconnect, type DisconnectTarget} from '../../source/disconnect/plan.js';
import {tallyOutcomes, type DisconnectResult, type SessionResult} from '../../source/disconnect/result.js';
import {NasRegistry} from '../../source/nas/registry.js';
import type {Session} from '../../source/sessions/session.js';
import {nasBeingDisconnected, previewView, progressView, resultsView, runningStatus} from '../../source/ui/disconnect-lines.js';
import {confirmDisconnect, driftOf, newDisconnect, retryTarget, type DisconnectState} from '../../source/ui/disconnect-state.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiState} from '../../source/ui/state-types.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const registry = NasRegistry.from(
	[{nasname: '10.20.0.1', shortname: 'bng-1', type: 'mikrotik', secret: 'bng-1-secret'}],
	// bng-2 is known by name only: no secret anywhere, no API account.
	[{ip: '10.20.0.2', name: 'bng-2'}],
);

function sessions(count: number, nasip = '10.20.0.1', first = 1): Session[] {
	return Array.from({length: count}, (_, index) =>
		makeSession({
			radacctid: String(first + index),
			acctsessionid: `s${first + index}`,
			username: `user${first + index}`,
			nasipaddress: nasip,
			framedipaddress: `100.64.0.${first + index}`,
			acctstarttime: new Date(NOW.getTime() - 3_600_000),
		}),
	);
}

function previewOf(target: DisconnectTarget, list: readonly Session[], options: {allowedNas?: string[]} = {}): DisconnectPreview {
	const plan = planDisconnect(list, registry, {method: 'auto', ...options}, target);
	return {plan, missing: [], confirmation: confirmationFor(plan), warnings: [], registry};
}

function previewed(target: DisconnectTarget, list: readonly Session[], label = 'the label'): DisconnectState {
	return {...newDisconnect(1, target, label, false), phase: 'preview', preview: previewOf(target, list)};
}

const text = (lines: ReadonlyArray<{text: string}>) => lines.map((line) => line.text).join('\n');

describe('confirmDisconnect', () => {
	it('one session: y or Enter', () => {
		const disconnect = previewed({kind: 'session', radacctid: '1'}, sessions(1));
		expect(confirmDisconnect(disconnect, 'enter').phase).toBe('running');
		expect(confirmDisconnect(disconnect, 'y').phase).toBe('running');
	});

	it('several: only y, and Enter says so with the count', () => {
		const disconnect = previewed({kind: 'sessions', radacctids: ['1', '2', '3']}, sessions(3));
		const refused = confirmDisconnect(disconnect, 'enter');
		expect(refused.phase).toBe('preview');
		expect(refused.refusal).toBe('press y to disconnect these 3 sessions, Esc to cancel');
		expect(confirmDisconnect(disconnect, 'y').phase).toBe('running');
	});

	it('a NAS: the name typed exactly; a wrong one is refused and cleared', () => {
		const disconnect = previewed({kind: 'nas', nasIps: ['10.20.0.1']}, sessions(3));
		expect(disconnect.preview?.confirmation).toMatchObject({kind: 'typed', expected: 'bng-1'});
		const wrong = confirmDisconnect({...disconnect, typed: 'bng-2'}, 'enter');
		expect(wrong).toMatchObject({
			phase: 'preview',
			typed: '',
			refusal: '"bng-2" does not match: type bng-1 and Enter, or Esc to cancel',
		});
		expect(confirmDisconnect({...disconnect, typed: 'bng-1'}, 'y').phase).toBe('preview');
		expect(confirmDisconnect({...disconnect, typed: 'bng-1'}, 'enter').phase).toBe('running');
	});

	it('more than 50 sessions: the count typed', () => {
		const disconnect = previewed({kind: 'sessions', radacctids: sessions(51).map((s) => s.radacctid)}, sessions(51));
		expect(disconnect.preview?.confirmation).toMatchObject({kind: 'typed', expected: '51'});
		expect(confirmDisconnect({...disconnect, typed: '50'}, 'enter').phase).toBe('preview');
		expect(confirmDisconnect({...disconnect, typed: '51'}, 'enter').phase).toBe('running');
	});

	it('Enter in the reason field goes back to the confirmation, it does not confirm', () => {
		const disconnect = {...previewed({kind: 'session', radacctid: '1'}, sessions(1)), focus: 'reason' as const, reason: 'why'};
		expect(confirmDisconnect(disconnect, 'enter')).toMatchObject({phase: 'preview', focus: 'confirm', reason: 'why'});
	});

	it('nothing that can be sent is never confirmed', () => {
		const blocked = previewed({kind: 'nas', nasIps: ['10.20.0.2']}, sessions(2, '10.20.0.2'));
		expect(confirmDisconnect({...blocked, typed: 'bng-2'}, 'enter')).toMatchObject({
			phase: 'preview',
			refusal: 'nothing can be sent (see above): Esc closes',
		});
		const empty = previewed({kind: 'user', username: 'nobody'}, []);
		expect(confirmDisconnect(empty, 'enter').refusal).toBe('no open session to disconnect: Esc closes');
	});
});

describe('driftOf and retryTarget', () => {
	it('counts previewed sessions gone and new ones not previewed', () => {
		const before = previewOf({kind: 'nas', nasIps: ['10.20.0.1']}, sessions(5)).plan;
		const after = previewOf({kind: 'nas', nasIps: ['10.20.0.1']}, [
			...sessions(3, '10.20.0.1', 3),
			...sessions(2, '10.20.0.1', 10),
		]).plan;
		expect(driftOf(before, after)).toEqual({closed: 2, opened: 2});
		expect(driftOf(before, before)).toEqual({closed: 0, opened: 0});
	});

	it('retries what failed and what a stop kept back, not what the NAS does not have', () => {
		const entry = (radacctid: string, outcome: SessionResult['outcome'], reason = 'x'): SessionResult => ({
			radacctid,
			username: 'u',
			nasIp: '10.20.0.1',
			nasName: 'bng-1',
			method: 'coa',
			outcome,
			reason,
		});
		const results = [
			entry('1', 'coa'),
			entry('2', 'failed'),
			entry('3', 'not_on_nas'),
			entry('4', 'not_sent', 'aborted before sending'),
			entry('5', 'not_sent', 'bng-2 has no secret'),
		];
		const result: DisconnectResult = {
			actionId: 'a',
			dryRun: false,
			aborted: true,
			startedAt: NOW,
			finishedAt: NOW,
			results,
			missing: [],
			totals: tallyOutcomes(results),
		};
		expect(retryTarget(result)).toEqual({
			target: {kind: 'sessions', radacctids: ['2', '4']},
			label: 'retry: 2 sessions that failed or were not sent',
		});
		expect(retryTarget({...result, results: [entry('1', 'coa')]})).toBeUndefined();
	});
});

describe('the reducer around a disconnect', () => {
	const loaded = (state: UiState, preview: DisconnectPreview) =>
		reducer(state, {type: 'disconnect-previewed', seq: state.disconnect!.seq, preview});

	it('a late preview of a cancelled action is ignored', () => {
		let state = reducer(initialState(), {type: 'disconnect-request', target: {kind: 'session', radacctid: '1'}, label: 'one'});
		const seq = state.disconnect!.seq;
		state = reducer(state, {type: 'disconnect-close'});
		expect(state).toMatchObject({mode: 'table', disconnect: null});
		state = reducer(state, {type: 'disconnect-previewed', seq, preview: previewOf({kind: 'session', radacctid: '1'}, sessions(1))});
		expect(state.mode).toBe('table');
	});

	it('read-only refuses even when asked directly', () => {
		const state = reducer(initialState({readOnly: true}), {
			type: 'disconnect-request',
			target: {kind: 'session', radacctid: '1'},
			label: 'one',
		});
		expect(state.disconnect).toBeNull();
		expect(state.message?.text).toContain('read-only');
	});

	it('a second action is refused while one runs, and quitting waits for the run to stop', () => {
		const target: DisconnectTarget = {kind: 'session', radacctid: '1'};
		let state = reducer(initialState(), {type: 'disconnect-request', target, label: 'one'});
		state = loaded(state, previewOf(target, sessions(1)));
		state = reducer(state, {type: 'disconnect-confirm', key: 'y'});
		expect(state).toMatchObject({mode: 'progress', disconnect: {phase: 'running'}});
		const refused = reducer(state, {type: 'disconnect-request', target, label: 'two'});
		expect(refused.disconnect?.label).toBe('one');
		expect(refused.message?.text).toContain('a disconnect is running');
		const quitting = reducer(state, {type: 'quit-requested'});
		expect(quitting).toMatchObject({quitting: true, disconnect: {stopping: true}});
	});

	it('disconnecting the selection ends the selection', () => {
		let state: UiState = {...initialState(), selection: new Set(['1', '2'])};
		const target: DisconnectTarget = {kind: 'sessions', radacctids: ['1', '2']};
		state = reducer(state, {type: 'disconnect-request', target, label: '2 selected sessions', fromSelection: true});
		state = loaded(state, previewOf(target, sessions(2)));
		expect(reducer(state, {type: 'disconnect-close'}).selection.size).toBe(2);
		expect(reducer(state, {type: 'disconnect-confirm', key: 'y'}).selection.size).toBe(0);
	});
});

describe('the views at 80 columns', () => {
	it('the preview flags NAS without a secret and what the profile leaves out, before anything is sent', () => {
		const list = [...sessions(3), ...sessions(2, '10.20.0.2', 10)];
		const target: DisconnectTarget = {kind: 'filter', filter: {status: 'active', search: 'user'}};
		const disconnect: DisconnectState = {
			...newDisconnect(1, target, 'every open session matching search "user"', false),
			phase: 'preview',
			preview: previewOf(target, list),
		};
		const lines = previewView(disconnect, 76, 16, NOW);
		const shown = text(lines);
		expect(shown).toContain('Disconnect ALL 5 open sessions matching the filter');
		expect(shown).toMatch(/bng-1 +3 · CoA 10\.20\.0\.1:3799\n/);
		expect(shown).toContain('bng-2      2 (2 not sent) · nothing to send');
		expect(shown).toContain(
			"NOT SENT 2: bng-2 (10.20.0.2) has no RADIUS secret (neither in the nas table nor in radtop's config)".slice(0, 76 - 1),
		);
		expect(shown).toContain('type the number of sessions (5) to confirm: ');
		expect(lines.every((line) => line.text.length <= 76)).toBe(true);
		expect(lines.length).toBeLessThanOrEqual(16);

		const restricted = {...disconnect, preview: previewOf(target, list.slice(0, 3), {allowedNas: ['10.20.0.2']})};
		expect(text(previewView(restricted, 76, 16, NOW))).toContain(
			'NOT SENT 3: bng-1 (10.20.0.1) is not among the NAS this action may touch',
		);
	});
	it('one session is said in the singular: "Disconnect ALL 1 open session on bng-1", "matching the filter"', () => {
		const one = sessions(1);
		for (const [target, title] of [
			[{kind: 'nas', nasIps: ['10.20.0.1']}, /^Disconnect ALL 1 open session on bng-1/],
			[{kind: 'filter', filter: {status: 'active', search: 'user'}}, /^Disconnect ALL 1 open session matching the filter/],
		] as const) {
			const disconnect: DisconnectState = {...previewed(target, one), phase: 'preview'};
			expect(text(previewView(disconnect, 76, 16, NOW)).split('\n')[0]).toMatch(title);
		}
	});

	it('the preview of a big NAS shows the first rows and how many more, within the height', () => {
		const list = sessions(812);
		const target: DisconnectTarget = {kind: 'nas', nasIps: ['10.20.0.1']};
		const disconnect: DisconnectState = {
			...newDisconnect(1, target, 'ALL open sessions on bng-1', false),
			phase: 'preview',
			preview: previewOf(target, list),
			typed: 'bng-',
		};
		const lines = previewView(disconnect, 76, 16, NOW);
		const shown = text(lines);
		expect(shown).toContain('Disconnect ALL 812 open sessions on bng-1 (10.20.0.1)');
		expect(shown).toContain('first 5');
		expect(shown).toContain('… and 807 more');
		expect(lines.at(-1)).toEqual({text: 'type the NAS name (bng-1) to confirm: bng-', bold: true, cursor: true});
		expect(lines.length).toBeLessThanOrEqual(16);
	});

	it("the first rows' NAS column is as wide as the longest name shown, so a site's NAS is not cut", () => {
		const named = NasRegistry.from([], [{ip: '10.40.0.1', name: 'north/accel-1', secret: 'x'}]);
		const list = sessions(8, '10.40.0.1');
		const target: DisconnectTarget = {kind: 'nas', nasIps: ['10.40.0.1']};
		const plan = planDisconnect(list, named, {method: 'auto'}, target);
		const disconnect: DisconnectState = {
			...newDisconnect(1, target, 'ALL open sessions on north/accel-1', false),
			phase: 'preview',
			preview: {plan, missing: [], confirmation: confirmationFor(plan), warnings: [], registry: named},
		};
		const rows = text(previewView(disconnect, 80, 16, NOW))
			.split('\n')
			.filter((line) => line.startsWith('  user'));
		expect(rows.length).toBeGreaterThan(0);
		for (const line of rows) expect(line).toMatch(/^ {2}user\d+ +100\.64\.0\.\d+ +north\/accel-1 +1h00m$/);
	});

	it('draws a typed confirmation and a reason split at a cursor moved into them, the cell under it apart', () => {
		const list = sessions(3);
		const target: DisconnectTarget = {kind: 'nas', nasIps: ['10.20.0.1']};
		const disconnect: DisconnectState = {
			...newDisconnect(1, target, 'ALL open sessions on bng-1', false),
			phase: 'preview',
			preview: previewOf(target, list),
			typed: 'bg-1',
		};
		expect(previewView(disconnect, 76, 16, NOW, 1).at(-1)).toEqual({
			text: 'type the NAS name (bng-1) to confirm: ',
			field: {before: 'b', at: 'g', after: '-1'},
			bold: true,
		});
		const reasoned = {...disconnect, focus: 'reason' as const, reason: 'line down'};
		expect(previewView(reasoned, 76, 16, NOW, 0)).toContainEqual({text: 'reason  ', field: {before: '', at: 'l', after: 'ine down'}});
	});

	it('terminal escapes in a username are shown visibly in every view', () => {
		const hostile = sessions(1).map((session) => ({...session, username: 'evil\x1b[2J\x07name'}));
		const target: DisconnectTarget = {kind: 'session', radacctid: '1'};
		const disconnect: DisconnectState = {
			...newDisconnect(1, target, 'the session of evil\x1b[2J\x07name', false),
			phase: 'preview',
			preview: previewOf(target, hostile),
		};
		const shown = text(previewView(disconnect, 76, 16, NOW));
		// The view must hold no control character: the regex names them on purpose.
		// eslint-disable-next-line no-control-regex
		expect(shown).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
		expect(shown).toContain('evil');
	});

	it('progress: done of total, rate, a bar per NAS, outcomes and stops seen', () => {
		const target: DisconnectTarget = {kind: 'nas', nasIps: ['10.20.0.1']};
		const disconnect: DisconnectState = {
			...newDisconnect(1, target, 'ALL open sessions on bng-1', false),
			phase: 'running',
			preview: previewOf(target, sessions(812)),
			progress: {
				phase: 'sending',
				done: 604,
				total: 812,
				failed: 3,
				totals: {coa: 592, api: 9, already_closed: 0, not_on_nas: 0, failed: 3, not_sent: 0},
				ratePerSecond: 2310.4,
				perNas: [{ip: '10.20.0.1', name: 'bng-1', done: 604, total: 812, failed: 3}],
				awaitingStop: 11,
				confirmed: 590,
			},
		};
		const shown = text(progressView(disconnect, 79, 18));
		expect(shown).toContain('Disconnecting 604/812 · 2,310/s · 3 failed so far');
		expect(shown).toMatch(/bng-1 +█+░+ 604\/812 · 3 failed/);
		expect(shown).toContain('coa 592 · api 9 · failed 3');
		expect(shown).toContain('Accounting-Stop seen for 590 of 601 disconnected');
	});

	it('results: the summary, then the failed with their reasons, scrolled', () => {
		const results: SessionResult[] = Array.from({length: 30}, (_, index) => ({
			radacctid: String(index + 1),
			username: `user${index + 1}`,
			nasIp: '10.20.0.1',
			nasName: 'bng-1',
			method: 'coa' as const,
			outcome: index < 25 ? ('coa' as const) : ('failed' as const),
			reason: index < 25 ? 'ACK in 2 ms' : 'bng-1 (10.20.0.1:3799) did not answer 2 tries in 0.6 s',
			...(index < 25 ? {stop: 'confirmed' as const} : {}),
		}));
		const result: DisconnectResult = {
			actionId: 'a',
			dryRun: false,
			aborted: false,
			startedAt: NOW,
			finishedAt: NOW,
			results,
			missing: [],
			totals: tallyOutcomes(results),
		};
		const disconnect: DisconnectState = {
			...newDisconnect(1, {kind: 'nas', nasIps: ['10.20.0.1']}, 'ALL open sessions on bng-1', false),
			phase: 'done',
			result,
		};
		const lines = resultsView(disconnect, 79, 18);
		const shown = text(lines);
		expect(shown.replace(/\n/g, ' ')).toContain(
			'ALL open sessions on bng-1: 30 sessions: 25 coa · 5 failed · 25 of 25 confirmed by Accounting-Stop',
		);
		expect(shown).toMatch(/ failed +user26 +bng-1 +bng-1 \(10\.20\.0\.1:3799\) did not answer/);
		expect(shown).toContain('R retries the 5 failed or not sent · 5 listed');
		expect(lines.every((line) => line.text.length <= 79)).toBe(true);
		const scrolled = text(resultsView({...disconnect, scroll: 3}, 79, 6));
		expect(scrolled).toMatch(/user29/);
		expect(scrolled).not.toMatch(/user26 /);
	});
});

describe('the disconnect outside its views', () => {
	const nas: DisconnectTarget = {kind: 'nas', nasIps: ['10.20.0.1']};

	it('keeps the pill of the NAS being emptied, once it runs, and after', () => {
		const disconnect = previewed(nas, sessions(3));
		expect(nasBeingDisconnected(disconnect)).toBeNull();
		expect(nasBeingDisconnected({...disconnect, phase: 'running'})).toEqual({ip: '10.20.0.1', name: 'bng-1'});
		expect(nasBeingDisconnected({...disconnect, phase: 'done'})).toEqual({ip: '10.20.0.1', name: 'bng-1'});
		expect(nasBeingDisconnected({...previewed({kind: 'session', radacctid: '1'}, sessions(1)), phase: 'running'})).toBeNull();
		expect(nasBeingDisconnected(null)).toBeNull();
	});

	it('follows a running disconnect in the status line, in red once something failed', () => {
		const disconnect: DisconnectState = {...previewed(nas, sessions(3)), phase: 'running'};
		expect(runningStatus(disconnect)).toEqual({text: 'disconnecting starting · v shows it', kind: 'info'});
		const progress = {
			phase: 'sending' as const,
			done: 2,
			total: 3,
			failed: 1,
			totals: {coa: 1, api: 0, already_closed: 0, not_on_nas: 0, failed: 1, not_sent: 0},
			ratePerSecond: 2,
			perNas: [],
			awaitingStop: 1,
			confirmed: 0,
		};
		expect(runningStatus({...disconnect, progress})).toEqual({text: 'disconnecting 2/3 · 1 failed · v shows it', kind: 'error'});
		expect(runningStatus({...disconnect, phase: 'done'})).toBeUndefined();
	});
});
