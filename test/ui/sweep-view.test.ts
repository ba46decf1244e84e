/**
 * The console's sweep as pure state and lines: the reducer's phases (W, preview, verify, the confirmation rule,
 * progress, results, quitting) and what the preview, progress and results say at a given size.
 */
import {describe, expect, it} from 'vitest';
import {NasRegistry} from '../../source/nas/registry.js';
import type {SweepRun} from '../../source/sweep/execute-sweep.js';
import {sweepConfirmation, tallySweep, sweepEntry, type StaleSession} from '../../source/sweep/sweep-plan.js';
import {sharesOf, verifyRoute, type SweepPreview} from '../../source/sweep/sweep-service.js';
import {routeKey} from '../../source/ui/key-routing.js';
import {KEYMAP} from '../../source/ui/keymap.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiAction, UiState} from '../../source/ui/state-types.js';
import {sweepPreviewView, sweepProgressView, sweepResultsView, sweepTitle} from '../../source/ui/sweep-lines.js';
import {sweepQuitQuestion} from '../../source/ui/sweep-state.js';
import {makeSession} from '../helpers/sessions.js';

const REGISTRY = NasRegistry.from(
	[],
	[
		{ip: '10.0.0.1', name: 'bng-1', secret: 's1', coaPort: 3799},
		{ip: '10.0.0.2', name: 'bng-2', api: {user: 'radtop', password: 'p'}},
		{ip: '10.0.0.3', name: 'bng-3'},
	],
);

function stale(count: number, nas = '10.0.0.1'): StaleSession[] {
	return Array.from({length: count}, (_, index) => ({
		session: makeSession({
			radacctid: `${nas.at(-1)}${index}`,
			username: `user${index}`,
			nasipaddress: nas,
			nasname: REGISTRY.get(nas).name,
		}),
		updateToken: '2026-11-25T11:00:00.000000Z',
		silentSeconds: 7200 - index * 60,
		allowedSeconds: 1800,
	}));
}

function previewOf(sessions: StaleSession[], options: {typedAbove?: number; capped?: boolean} = {}): SweepPreview {
	return {
		stale: sessions,
		capped: options.capped ?? false,
		staleAfterSeconds: 1800,
		cause: 'Lost-Carrier',
		nasFilter: [],
		perNas: sharesOf(sessions, REGISTRY),
		confirmation: sweepConfirmation(sessions.length, options.typedAbove),
		warnings: [],
		registry: REGISTRY,
	};
}

const staleView = (): UiState => initialState({query: {status: 'stale'}, pageSize: 10});

function run(state: UiState, ...actions: UiAction[]): UiState {
	return actions.reduce(reducer, state);
}

/** A sweep of `sessions` opened from the stale view and previewed. */
function previewed(sessions: StaleSession[], options: {typedAbove?: number; viewCount?: number} = {}): UiState {
	const opened = routeKey(staleView(), 'W', {} as never, KEYMAP).state;
	const seq = opened.sweep!.seq;
	const state = run(opened, {type: 'sweep-previewed', seq, preview: previewOf(sessions, options)});
	return options.viewCount === undefined ? state : {...state, sweep: {...state.sweep!, viewCount: options.viewCount}};
}

const TAB = {tab: true};
const ESC = {escape: true};
/** The state after a key as a terminal sends it (`key` the way Ink reports it). */
const press = (state: UiState, input: string, key: Record<string, boolean> = {}): UiState => routeKey(state, input, key, KEYMAP).state;

const texts = (lines: ReadonlyArray<{text: string}>) => lines.map((line) => line.text);

describe('W and the sweep reducer', () => {
	it('opens a sweep of the view NAS only from the stale view, without a search', () => {
		const active = routeKey(initialState(), 'W', {} as never, KEYMAP).state;
		expect(active.mode).toBe('table');
		expect(active.message?.text).toBe('W sweeps from the stale view: t shows it');
		const searched = routeKey({...staleView(), query: {...staleView().query, search: 'alice'}}, 'W', {} as never, KEYMAP).state;
		expect(searched.sweep ?? null).toBeNull();
		expect(searched.message?.text).toContain('W sweeps whole NAS, not a search');
		const onNas = routeKey({...staleView(), query: {...staleView().query, nas: '10.0.0.2'}}, 'W', {} as never, KEYMAP).state;
		expect(onNas.mode).toBe('sweep-preview');
		expect(onNas.sweep).toMatchObject({phase: 'loading', nasIps: ['10.0.0.2'], label: 'on 10.0.0.2', verify: false});
	});

	it('takes y for a few sessions, the typed count for many, and starts the run', () => {
		const few = previewed(stale(3));
		expect(run(few, {type: 'sweep-confirm', key: 'enter'}).sweep?.refusal).toBe('press y to close these 3 sessions, Esc to cancel');
		const started = routeKey(few, 'y', {} as never, KEYMAP).state;
		expect(started.mode).toBe('sweep-progress');
		expect(started.sweep?.phase).toBe('running');
		expect(started.lastRun).toBe('sweep');

		const many = previewed(stale(60));
		const typedWrong = routeKey(many, '61\r', {} as never, KEYMAP).state;
		expect(typedWrong.sweep).toMatchObject({
			phase: 'preview',
			typed: '',
			refusal: '"61" does not match: type 60 and Enter, or Esc to cancel',
		});
		expect(routeKey(typedWrong, '60\r', {} as never, KEYMAP).state.sweep?.phase).toBe('running');
	});

	it('v toggles verify except in the reason, where it is a letter; Tab moves between the reason and the confirmation', () => {
		const state = previewed(stale(2));
		const on = routeKey(state, 'v', {} as never, KEYMAP).state;
		expect(on.sweep?.verify).toBe(true);
		const writing = press(on, '\t', TAB);
		const typed = press(writing, 'very late');
		expect(typed.sweep).toMatchObject({verify: true, reason: 'very late', focus: 'reason'});
		expect(press(typed, '\t', TAB).sweep?.focus).toBe('confirm');
	});

	it('with nothing to sweep takes no confirmation, no verify and no reason: only Esc', () => {
		const empty = previewed([]);
		const pressed = press(press(empty, 'vy'), '\t', TAB);
		expect(pressed.sweep).toMatchObject({phase: 'preview', verify: false, focus: 'confirm'});
		expect(pressed.sweep?.refusal).toBe('no stale session to close: Esc closes');
		const closed = press(pressed, '', ESC);
		expect(closed).toMatchObject({mode: 'table', sweep: null});
	});

	it('q while the NAS are asked asks first; y stops the asking and quits once the run has ended', () => {
		const running = routeKey(previewed(stale(2)), 'vy', {} as never, KEYMAP).state;
		const progress = run(running, {type: 'sweep-progress', seq: running.sweep!.seq, progress: {phase: 'verifying', done: 1, total: 2}});
		const asked = routeKey(progress, 'q', {} as never, KEYMAP);
		expect(asked.effects).not.toContain('exit');
		expect(asked.state.quitQuestion).toBe(true);
		expect(sweepQuitQuestion(asked.state.sweep)).toBe('a sweep is asking the NAS (1/2): stop it (nothing closed) and quit? y/N');
		const stopping = routeKey(asked.state, 'y', {} as never, KEYMAP);
		expect(stopping.effects).not.toContain('exit');
		expect(stopping.state).toMatchObject({quitting: true, sweep: {stopping: true}});
		const closing = run(running, {type: 'sweep-progress', seq: running.sweep!.seq, progress: {phase: 'closing', done: 0, total: 2}});
		expect(sweepQuitQuestion(closing.sweep)).toBe('a sweep is closing 2 sessions in radacct: quit once it has? y/N');
		expect(run(closing, {type: 'quit-ask'}, {type: 'quit-requested'}).sweep?.stopping).toBe(false);
	});

	it('without verify there is nothing to stop: x does nothing, and q quits once the close has committed', () => {
		const running = routeKey(previewed(stale(2)), 'y', {} as never, KEYMAP).state;
		expect(press(running, 'x').sweep?.stopping).toBe(false);
		const asked = press(running, 'q');
		expect(sweepQuitQuestion(asked.sweep)).toBe('a sweep is closing 2 sessions in radacct: quit once it has? y/N');
		const quitting = press(asked, 'y');
		expect(quitting).toMatchObject({quitting: true, sweep: {phase: 'running', stopping: false}});
		expect(quitting.message?.text).toBe('quitting once the close has committed…');
	});

	it('a finished run shows its results, refreshes the view, and v shows them again', () => {
		const running = routeKey(previewed(stale(2)), 'y', {} as never, KEYMAP).state;
		const entries = stale(2).map((entry) => sweepEntry(entry, 'bng-1', 'closed', 'stale'));
		const done: SweepRun = {
			kind: 'done',
			result: {
				dryRun: false,
				verified: false,
				cause: 'Lost-Carrier',
				staleAfterSeconds: 1800,
				capped: false,
				entries,
				totals: tallySweep(entries),
			},
			shown: entries,
			nothingToClose: false,
			actionId: 'abc',
		};
		const finished = run(running, {type: 'sweep-finished', seq: running.sweep!.seq, run: done});
		expect(finished.mode).toBe('sweep-results');
		expect(finished.refreshSeq).toBe(running.refreshSeq + 1);
		const table = press(finished, '', ESC);
		expect(table.mode).toBe('table');
		expect(routeKey(table, 'v', {} as never, KEYMAP).state.mode).toBe('sweep-results');
	});

	it('refuses a disconnect while a sweep runs, and W while a disconnect runs', () => {
		const running = routeKey(previewed(stale(2)), 'y', {} as never, KEYMAP).state;
		const refused = run(running, {type: 'disconnect-request', target: {kind: 'session', radacctid: '1'}, label: 'x'});
		expect(refused.disconnect).toBeNull();
		expect(refused.message?.text).toBe('a sweep is running: wait for it (v shows it)');
	});
});

describe('sweep lines', () => {
	it('previews the count per NAS, the rule, the cause, verify and the first rows at 76x16', () => {
		const state = previewed([...stale(3), ...stale(2, '10.0.0.2')], {viewCount: 7});
		const lines = texts(sweepPreviewView(state.sweep!, 76, 16));
		expect(lines[0]).toBe('Sweep 5 stale sessions on every NAS: close in radacct');
		expect(lines).toContain("cause Lost-Carrier · stale after 30m00s, and 2 x the NAS's interim interval");
		expect(lines).toContain('verify off: closes each one still as listed (v: ask the NAS first)');
		expect(lines).toContain('bng-1      3');
		expect(lines).toContain('bng-2      2');
		expect(lines).toContain('the view counts 7: 2 of them silent less than a sweep waits (left open)');
		expect(lines).toContain('  user0                    bng-1      2h00m ago');
		expect(lines.at(-2)).toBe('reason  (none: Tab to write one for the audit log)');
		expect(lines.at(-1)).toBe('close these 5 sessions in radacct? y');
		expect(lines.length).toBeLessThanOrEqual(16);
	});

	it('with verify on says how each NAS is asked, and which cannot be', () => {
		const state = previewed([...stale(2), ...stale(1, '10.0.0.2'), ...stale(1, '10.0.0.3')]);
		const on = {...state.sweep!, verify: true};
		const lines = texts(sweepPreviewView(on, 76, 16));
		expect(sweepTitle(on)).toBe('Verify and sweep 4 stale sessions on every NAS: close in radacct');
		expect(lines).toContain('bng-1      2 · CoA 10.0.0.1:3799');
		expect(lines).toContain('bng-2      1 · API 10.0.0.2:8728');
		expect(lines).toContain('bng-3      1 · no secret or API credentials: verify leaves its sessions open');
		expect(verifyRoute(REGISTRY.get('10.0.0.3')).route).toBe('none');
	});

	it.each([4, 5, 6, 8])('keeps the title, reason, confirmation and refusal in %i lines', (height) => {
		const state = previewed(stale(60));
		const refused = routeKey(state, '7\r', {} as never, KEYMAP).state;
		const lines = texts(sweepPreviewView(refused.sweep!, 56, height));
		expect(lines.length).toBeLessThanOrEqual(height);
		expect(lines[0]).toBe('Sweep 60 stale sessions on every NAS: close in radacct');
		expect(lines.at(-3)).toBe('reason  (none: Tab to write one for the audit log)');
		expect(lines.at(-2)).toContain('type the number of sessions (60) to close them:');
		expect(lines.at(-1)).toBe('"7" does not match: type 60 and Enter, or Esc to cancel');
	});

	it('says when more are stale than listed', () => {
		const state = previewed(stale(3));
		const capped = {...state.sweep!, preview: {...state.sweep!.preview!, capped: true}};
		expect(sweepTitle(capped)).toBe('Sweep 3+ stale sessions on every NAS: close in radacct');
		expect(texts(sweepPreviewView(capped, 76, 16))).toContain('more are stale: the 3 longest silent are listed; W again for the rest');
	});

	it('progress: asking the NAS with a bar, then the close', () => {
		const running = routeKey(previewed(stale(4)), 'vy', {} as never, KEYMAP).state;
		const asking = {...running.sweep!, progress: {phase: 'verifying' as const, done: 2, total: 4}};
		const lines = texts(sweepProgressView(asking, 60, 10));
		expect(lines[0]).toBe('Asking the NAS 2/4 before closing');
		expect(lines[1]).toBe('every NAS · cause Lost-Carrier · verify on');
		expect(lines[2]).toMatch(/^ █+░+ 2\/4$/);
		const closing = {...asking, progress: {phase: 'closing' as const, done: 0, total: 3}};
		expect(texts(sweepProgressView(closing, 60, 10))[0]).toBe('Closing 3 stale sessions in radacct (one transaction)…');
	});

	it('results: the summary, the audit ID, those left open first with why', () => {
		const listed = stale(3);
		const entries = [
			sweepEntry(listed[0]!, 'bng-1', 'closed', 'CoA-NAK: Session-Context-Not-Found (503)', 'coa'),
			sweepEntry(listed[1]!, 'bng-1', 'on_nas', 'CoA-ACK: bng-1 has the session', 'coa'),
			sweepEntry(listed[2]!, 'bng-1', 'updated', 'an interim update arrived after it was listed'),
		];
		const state = previewed(listed);
		const sweep = {
			...state.sweep!,
			phase: 'done' as const,
			verify: true,
			run: {
				kind: 'done' as const,
				result: {
					dryRun: false,
					verified: true,
					cause: 'Lost-Carrier' as const,
					staleAfterSeconds: 1800,
					capped: false,
					entries,
					totals: tallySweep(entries),
				},
				shown: entries,
				nothingToClose: false,
				actionId: 'f00d',
			},
		};
		const lines = texts(sweepResultsView(sweep, 110, 12));
		// The summary wraps at the width.
		expect(lines.slice(0, 2)).toEqual([
			'sweep on every NAS: 3 stale sessions: 1 closed in radacct (Lost-Carrier); 1 still on their NAS, 1 updated',
			'since listed',
		]);
		expect(lines[2]).toBe('audit: radtop audit f00d');
		expect(lines[3]).toMatch(/^ kept: on NAS +user1 +bng-1 +1h59m ago +CoA-ACK: bng-1 has the session$/);
		expect(lines[4]).toMatch(/^ skipped: updated +user2 .* an interim update arrived after it was listed$/);
		expect(lines[5]).toMatch(/^ closed +user0 .* CoA-NAK: Session-Context-Not-Found \(503\)$/);
		expect(lines.at(-1)).toBe('3 listed');
		const interrupted = texts(sweepResultsView({...sweep, run: {kind: 'interrupted'}}, 110, 12));
		expect(interrupted).toEqual(['sweep on every NAS: stopped while asking the NAS: nothing closed, nothing written to the audit log']);
	});

	it('sanitises what came from the database', () => {
		const hostile = stale(1).map((entry) => ({...entry, session: {...entry.session, username: 'evil\x1b[2Jname'}}));
		const lines = texts(sweepPreviewView(previewed(hostile).sweep!, 76, 16));
		expect(lines.join('\n')).not.toContain('\x1b');
	});
});
