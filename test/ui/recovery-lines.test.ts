import {describe, expect, it} from 'vitest';
import type {RecoveryCount, RecoveryNas} from '../../source/disconnect/recovery.js';
import {tallyOutcomes, type DisconnectResult, type SessionResult} from '../../source/disconnect/result.js';
import {stringWidth} from '../../source/terminal/text.js';
import {resultsView} from '../../source/ui/disconnect-lines.js';
import {newDisconnect, type DisconnectState} from '../../source/ui/disconnect-state.js';
import {activeKeymap} from '../../source/ui/keymap.js';
import {routeKey} from '../../source/ui/key-routing.js';
import {viewArea} from '../../source/ui/layout.js';
import {percentBack, recoveryLines, recoveryStatus, recoveryText, sinceRun} from '../../source/ui/recovery-lines.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiState} from '../../source/ui/state-types.js';

const SINCE = new Date('2026-12-07T01:00:00Z');
const FOUR_MINUTES = new Date(SINCE.getTime() + 4 * 60_000 + 12_000);

const nas = (index: number, back: number, total: number): RecoveryNas => ({ip: `10.20.0.${index}`, name: `bng-${index}`, back, total});
const countOf = (perNas: RecoveryNas[], at = FOUR_MINUTES): RecoveryCount => ({at, since: SINCE, perNas});

function finished(count?: RecoveryCount): DisconnectState {
	const results: SessionResult[] = Array.from({length: 3}, (_, index) => ({
		radacctid: String(index + 1),
		username: `user${index + 1}`,
		nasIp: '10.20.0.2',
		nasName: 'bng-2',
		method: 'coa' as const,
		outcome: 'coa' as const,
		reason: 'ACK in 2 ms',
		stop: 'confirmed' as const,
	}));
	const result: DisconnectResult = {
		actionId: 'a',
		dryRun: false,
		aborted: false,
		startedAt: SINCE,
		finishedAt: SINCE,
		results,
		missing: [],
		totals: tallyOutcomes(results),
	};
	return {
		...newDisconnect(1, {kind: 'nas', nasIps: ['10.20.0.2']}, 'ALL open sessions on bng-2', false),
		phase: 'done',
		result,
		...(count ? {recovery: count} : {}),
	};
}

describe('the recovery line', () => {
	it('one NAS: `bng-2: 181 of 630 back (29 %) · 4m since the run`', () => {
		expect(recoveryText(countOf([nas(2, 181, 630)]))).toBe('bng-2: 181 of 630 back (29 %) · 4m since the run');
	});

	it('several NAS: the one with the most still away, and how many more have users away', () => {
		// The count comes sorted, most away first (recovery.ts).
		expect(recoveryText(countOf([nas(2, 181, 630), nas(1, 290, 300), nas(4, 1, 2), nas(3, 40, 40)]))).toBe(
			'bng-2: 181 of 630 back (29 %) · +2 NAS · 4m since the run',
		);
	});

	it('says the time since the run in seconds, minutes, then hours', () => {
		expect(sinceRun(countOf([], new Date(SINCE.getTime() + 45_000)))).toBe('45s');
		expect(sinceRun(countOf([], new Date(SINCE.getTime() + 3_600_000 + 5 * 60_000)))).toBe('1h 5m');
	});

	it('never rounds to 100 % with someone away, nor to 0 % with someone back', () => {
		expect(percentBack({back: 629, total: 630})).toBe('99 %');
		expect(percentBack({back: 1, total: 1000})).toBe('1 %');
		expect(percentBack({back: 0, total: 10})).toBe('0 %');
		expect(percentBack({back: 10, total: 10})).toBe('100 %');
	});

	it('is the status line while someone is away; not before a count, once all are back, or once dismissed', () => {
		expect(recoveryStatus(finished(countOf([nas(2, 181, 630)])))).toEqual({
			text: 'bng-2: 181 of 630 back (29 %) · 4m since the run',
			kind: 'info',
		});
		expect(recoveryStatus(finished())).toBeUndefined();
		expect(recoveryStatus(finished(countOf([nas(2, 630, 630)])))).toBeUndefined();
		expect(recoveryStatus({...finished(countOf([nas(2, 1, 630)])), recoveryDismissed: true})).toBeUndefined();
	});

	it('sanitises a NAS name from the database', () => {
		const text = recoveryText(countOf([{ip: '10.20.0.9', name: 'bng\x1b[31m-9', back: 1, total: 2}]));
		// eslint-disable-next-line no-control-regex
		expect(text).not.toMatch(/[\x00-\x1f\x7f]/);
	});
});

describe('recoveryLines in the results view', () => {
	const region = Array.from({length: 12}, (_, index) => nas(index + 1, 10 * index, 200));

	it('at 80 columns: a heading and a bar per NAS, the rest counted, every line within the width', () => {
		const lines = recoveryLines(finished(countOf(region)), 79, 5);
		expect(lines.map((line) => line.text)).toHaveLength(5);
		expect(lines[0]!.text).toBe('back online: 660 of 2,400 users (28 %) · 4m since the run · b stops following');
		expect(lines[1]!.text).toMatch(/^ bng-1 +░+ +0\/200 \(0 %\)$/);
		expect(lines[4]!.text).toBe(' +9 more NAS (1,170 not back)');
		for (const line of lines) expect(stringWidth(line.text)).toBeLessThanOrEqual(79);
	});

	it('at 160 columns: longer bars, still within the width', () => {
		const narrow = recoveryLines(finished(countOf(region)), 79, 5);
		const wide = recoveryLines(finished(countOf(region)), 159, 5);
		const cells = (text: string) => [...text].filter((char) => char === '█' || char === '░').length;
		expect(cells(wide[1]!.text)).toBeGreaterThan(cells(narrow[1]!.text));
		for (const line of wide) expect(stringWidth(line.text)).toBeLessThanOrEqual(159);
	});

	it('in the results view at 80x24, under the summary; gone once dismissed', () => {
		const {width, height} = viewArea(80, 24);
		const view = resultsView(finished(countOf([nas(2, 1, 3)])), width, height).map((line) => line.text);
		const at = view.indexOf('back online: 1 of 3 users (33 %) · 4m since the run · b stops following');
		// Under the summary (which takes two lines at this width).
		expect(view.slice(0, at).join(' ')).toMatch(/^ALL open sessions on bng-2: /);
		expect(view[at + 1]).toMatch(/^ bng-2 +█+░+ 1\/3 \(33 %\)$/);
		for (const line of view) expect(stringWidth(line)).toBeLessThanOrEqual(width);
		const dismissed = resultsView({...finished(countOf([nas(2, 1, 3)])), recoveryDismissed: true}, width, height);
		expect(dismissed.some((line) => line.text.startsWith('back online'))).toBe(false);
	});
});

describe('following the recovery in the reducer', () => {
	const base = (count?: RecoveryCount): UiState => ({
		...initialState({intervalSeconds: 5}),
		mode: 'results',
		disconnect: finished(count),
		disconnectSeq: 1,
	});

	it('takes a count of this run, not of an older one', () => {
		const count = countOf([nas(2, 1, 3)]);
		expect(reducer(base(), {type: 'recovery-counted', seq: 1, count}).disconnect?.recovery).toBe(count);
		expect(reducer(base(), {type: 'recovery-counted', seq: 0, count}).disconnect?.recovery).toBeUndefined();
	});

	it('says so when the last user is back', () => {
		const state = reducer(base(countOf([nas(2, 2, 3)])), {type: 'recovery-counted', seq: 1, count: countOf([nas(2, 3, 3)])});
		expect(state.message?.text).toBe('all 3 users of the run are back online (4m since the run)');
	});

	it('b in the results stops following it', () => {
		const state = base(countOf([nas(2, 1, 3)]));
		const routed = routeKey(state, 'b', {}, activeKeymap(false));
		expect(routed.effects).toContainEqual({type: 'recovery-dismiss'});
		expect(routed.state.disconnect?.recoveryDismissed).toBe(true);
		expect(recoveryStatus(routed.state.disconnect)).toBeUndefined();
		// A later count is not taken.
		const later = reducer(routed.state, {type: 'recovery-counted', seq: 1, count: countOf([nas(2, 2, 3)])});
		expect(later.disconnect?.recovery?.perNas[0]?.back).toBe(1);
	});
});
