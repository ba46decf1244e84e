/**
 * A sweep over several sites as pure state and lines: W asks for the sites in view (every one, or the one `:site`
 * narrowed to), the preview counts per site and per NAS `site/name` with the confirmation over the total, and the
 * results name each site's audit ID and a site that closed nothing, at 80x24 and at 60x15.
 */
import {describe, expect, it} from 'vitest';
import {NasRegistry} from '../../source/nas/registry.js';
import {combineSweepPreviews, combineSweepRuns} from '../../source/sweep/sites-sweep.js';
import {sweepConfirmation, sweepEntry, tallySweep, type StaleSession} from '../../source/sweep/sweep-plan.js';
import {sharesOf, type SweepPreview} from '../../source/sweep/sweep-service.js';
import {routeKey} from '../../source/ui/key-routing.js';
import {KEYMAP} from '../../source/ui/keymap.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiState} from '../../source/ui/state-types.js';
import {sweepPreviewView, sweepResultsView} from '../../source/ui/sweep-lines.js';
import {makeSession} from '../helpers/sessions.js';

const REGISTRY = NasRegistry.from([], [{ip: '10.9.9.9', name: 'bng-3', secret: 's', coaPort: 3799}]);

function stale(count: number, prefix: string): StaleSession[] {
	return Array.from({length: count}, (_, index) => ({
		session: makeSession({radacctid: String(index + 1), username: `${prefix}${index}`, nasipaddress: '10.9.9.9', nasname: 'bng-3'}),
		updateToken: '2026-11-25T11:00:00.000000Z',
		silentSeconds: 7200 - index * 60,
		allowedSeconds: 1800,
	}));
}

function sitePreview(sessions: StaleSession[]): SweepPreview {
	return {
		stale: sessions,
		capped: false,
		staleAfterSeconds: 1800,
		cause: 'Lost-Carrier',
		nasFilter: [],
		perNas: sharesOf(sessions, REGISTRY),
		confirmation: sweepConfirmation(sessions.length),
		warnings: [],
		registry: REGISTRY,
	};
}

const parts = [
	{site: 'north', preview: sitePreview(stale(30, 'n'))},
	{site: 'south', preview: sitePreview(stale(25, 's'))},
];

/** The stale view of a sites console (its snapshot has sites), W pressed and the combined preview read. */
function previewed(site?: string): UiState {
	const base = initialState({query: {status: 'stale', ...(site ? {site} : {})}, pageSize: 10});
	const withSites = {
		...base,
		snapshot: {sites: [{name: 'north'}, {name: 'south'}], stats: {perNas: []}, key: 'other'},
	} as unknown as UiState;
	const opened = routeKey(withSites, 'W', {} as never, KEYMAP).state;
	const chosen = site ? parts.filter((part) => part.site === site) : parts;
	const preview = combineSweepPreviews(chosen, [], 50);
	return reducer(opened, {type: 'sweep-previewed', seq: opened.sweep!.seq, preview});
}

const texts = (lines: ReadonlyArray<{text: string}>) => lines.map((line) => line.text);

describe('W over several sites', () => {
	it('asks for every site in view, or the one :site narrowed to', () => {
		expect(previewed().sweep).toMatchObject({label: 'on every NAS of every site'});
		expect(previewed().sweep?.site).toBeUndefined();
		expect(previewed('south').sweep).toMatchObject({site: 'south', label: 'on every NAS at south'});
	});

	it('the preview counts per site and per NAS site/name; the count is typed over the total (55 > 50), not per site', () => {
		const state = previewed();
		expect(state.sweep!.preview!.confirmation).toMatchObject({kind: 'typed', expected: '55'});
		for (const [width, height] of [
			[80, 18],
			[60, 9],
		] as const) {
			const lines = texts(sweepPreviewView(state.sweep!, width, height));
			expect(lines.length).toBeLessThanOrEqual(height);
			expect(lines.every((line) => line.length <= width)).toBe(true);
			expect(lines[0]).toBe(
				'Sweep 55 stale sessions on every NAS of every site: close in radacct'.slice(0, width - 1) + (width < 68 ? '…' : ''),
			);
			expect(lines).toContain('sites  north 30 · south 25');
			expect(lines.at(-1)).toMatch(/^type the number of sessions \(55\)/);
		}
		const wide = texts(sweepPreviewView(state.sweep!, 80, 18));
		expect(wide).toContain('north/bng-3 30');
		expect(wide).toContain('south/bng-3 25');
		expect(wide.some((line) => /^ {2}n0 +north\/bng-3 +2h00m ago$/.test(line))).toBe(true);
	});

	it('the results name each site audit ID and a site that failed, whose sessions are kept', () => {
		const [northPart, southPart] = parts;
		const entries = northPart!.preview.stale.map((entry) => sweepEntry(entry, 'bng-3', 'closed', 'stale'));
		const result = {
			dryRun: false,
			selection: 'stale' as const,
			verified: false,
			cause: 'Lost-Carrier' as const,
			staleAfterSeconds: 1800,
			capped: false,
			entries,
			totals: tallySweep(entries),
		};
		const run = combineSweepRuns(
			[
				{...northPart!, run: {kind: 'done', result, shown: entries, nothingToClose: false, actionId: 'A-north'}},
				{...southPart!, error: 'connection refused (127.0.0.1:6543)'},
			],
			false,
		)!;
		expect(run.kind).toBe('done');
		if (run.kind !== 'done') return;
		expect(run.result.totals).toMatchObject({closed: 30, unverified: 25});
		expect(run.result.entries.filter((entry) => entry.outcome === 'unverified').map((entry) => entry.radacctid)[0]).toBe('south:1');
		const state = previewed();
		const done = reducer(reducer(state, {type: 'sweep-confirm', key: 'enter'}), {type: 'sweep-finished', seq: state.sweep!.seq, run});
		for (const [width, height] of [
			[80, 18],
			[60, 12],
		] as const) {
			const lines = texts(sweepResultsView(done.sweep!, width, height));
			expect(lines.length).toBeLessThanOrEqual(height);
			expect(lines.every((line) => line.length <= width)).toBe(true);
			expect(lines.join(' ')).toContain('30 closed in radacct (Lost-Carrier); 25 unverified (left open)');
			expect(lines).toContain(`audit north: radtop audit A-north`.slice(0, width));
			expect(lines.join(' ')).toMatch(/site south: nothing closed \(connection refused \(127\.0\.0\.1:6543\)\); its 25 left open/);
		}
		// Every site failed: no run to show, the caller rejects.
		expect(combineSweepRuns([{...southPart!, error: 'down'}], false)).toBeUndefined();
	});
});
