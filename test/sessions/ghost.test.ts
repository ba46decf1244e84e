/**
 * Ghost candidates and NAS reloads as pure functions: which sessions a reload makes ghosts, and the words the
 * NAS picker, the details view and `nas list` say about a reload, at fixed widths.
 */
import {describe, expect, it} from 'vitest';
import {NasRegistry} from '../../source/nas/registry.js';
import {nasListEntries, nasListTable, reloadedLabel} from '../../source/nas/nas-list.js';
import {formatTimestamp} from '../../source/sessions/format.js';
import {isGhostCandidate, reloadClock, reloadedAgo, reloadNote} from '../../source/sessions/ghost.js';
import {detailLines, detailScrollLimit, type DetailOptions} from '../../source/ui/detail-lines.js';
import {nasPickerLines} from '../../source/ui/nas-picker-lines.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-12-03T10:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const RELOAD = ago(2 * 3600 + 14 * 60);

describe('isGhostCandidate', () => {
	const session = (startedAgo: number, updatedAgo: number | null, stoppedAgo: number | null = null) =>
		makeSession({
			acctstarttime: ago(startedAgo),
			acctupdatetime: updatedAgo === null ? null : ago(updatedAgo),
			acctstoptime: stoppedAgo === null ? null : ago(stoppedAgo),
		});
	const reload = ago(600);

	it('is an open session started and last heard of before its NAS reloaded', () => {
		expect(isGhostCandidate(session(7200, 900), reload)).toBe(true);
		expect(isGhostCandidate(session(7200, null), reload)).toBe(true);
	});

	it('is not a session updated after the reload (the NAS still has it), one started after, or a closed one', () => {
		expect(isGhostCandidate(session(7200, 60), reload)).toBe(false);
		expect(isGhostCandidate(session(300, 300), reload)).toBe(false);
		expect(isGhostCandidate(session(7200, 900, 800), reload)).toBe(false);
	});

	it("is strictly before, as FreeRADIUS's radacct_with_reloads view: a start at the reload instant is not a ghost", () => {
		expect(isGhostCandidate(session(600, null), reload)).toBe(false);
		expect(isGhostCandidate(session(601, 600), reload)).toBe(false);
		expect(isGhostCandidate(session(601, 601), reload)).toBe(true);
	});

	it('is never without a reload or a start', () => {
		expect(isGhostCandidate(session(7200, 900), undefined)).toBe(false);
		expect(isGhostCandidate(makeSession({acctstarttime: null}), reload)).toBe(false);
	});
});

describe('the words for a reload', () => {
	it('says how long ago, and when, as the console does', () => {
		expect(reloadedAgo(RELOAD, NOW)).toBe('reloaded 2h14m ago');
		expect(reloadedAgo(new Date(NOW.getTime() + 500), NOW)).toBe('reloaded just now');
		expect(reloadClock(ago(600), NOW, true)).toBe('09:50');
		expect(reloadClock(ago(86_400 * 2), NOW, true)).toBe('12-01 10:00');
		expect(reloadedLabel(RELOAD.toISOString(), NOW)).toBe('2h14m ago');
		expect(reloadedLabel(null, NOW)).toBe('-');
	});

	it('calls a ghost a ghost, and a survivor of the reload what it is', () => {
		const clock = formatTimestamp(ago(600)).slice(11, 16);
		const ghost = makeSession({acctstarttime: ago(7200), acctupdatetime: ago(900)});
		expect(reloadNote(ghost, ago(600), 'bng-2', NOW)).toBe(
			`started before bng-2 reloaded at ${clock} (Accounting-On/Off): likely a ghost`,
		);
		expect(reloadNote(ghost, ago(600), 'bng-2', NOW, {brief: true})).toBe(`started before bng-2 reloaded at ${clock}: likely a ghost`);
		const survivor = makeSession({acctstarttime: ago(7200), acctupdatetime: ago(60)});
		expect(reloadNote(survivor, ago(600), 'bng-2', NOW)).toBe(
			`started before bng-2 reloaded at ${clock} (Accounting-On/Off), but updated after it (${formatTimestamp(ago(60)).slice(11, 16)}): its NAS still has it`,
		);
		expect(reloadNote(makeSession({acctstarttime: ago(60)}), ago(600), 'bng-2', NOW)).toBeUndefined();
		expect(reloadNote(ghost, undefined, 'bng-2', NOW)).toBeUndefined();
	});
});

describe('the NAS picker', () => {
	const choices = [
		{ip: null, label: 'all NAS', sessions: 1410},
		{ip: '10.20.0.1', label: 'bng-1', sessions: 784},
		{ip: '10.20.0.2', label: 'bng-2', sessions: 626, reloadedAt: RELOAD},
	];

	it('says when a NAS reloaded, at 80 columns', () => {
		const lines = nasPickerLines(choices, 0, null, 'filter', 80, 10, NOW).map((line) => line.text);
		expect(lines).toEqual([
			'filter on a NAS · ↑↓ Enter · Esc cancels',
			'● all NAS                                  1,410',
			'  bng-1                10.20.0.1             784',
			'  bng-2                10.20.0.2             626  reloaded 2h14m ago',
		]);
	});

	it('cuts the reload before the line is wider than the terminal', () => {
		const lines = nasPickerLines(choices, 2, '10.20.0.2', 'disconnect', 60, 10, NOW).map((line) => line.text);
		expect(lines[3]).toBe('● bng-2                10.20.0.2             626  reloaded …');
		expect(lines.every((line) => [...line].length <= 60)).toBe(true);
	});
});

describe('the details view', () => {
	const OPTIONS: DetailOptions = {now: NOW, rate: undefined, masked: false, staleAfterSeconds: 1800, width: 80, height: 20};
	const ghost = makeSession({
		radacctid: '7',
		username: 'alice',
		nasipaddress: '10.20.0.2',
		nasname: 'bng-2',
		acctstarttime: ago(7200),
		acctupdatetime: ago(900),
	});
	const clock = formatTimestamp(ago(600)).slice(11, 16);

	it('says first under the summary that a session its NAS reloaded after is likely a ghost', () => {
		const lines = detailLines({id: '7', session: ghost, history: []}, {...OPTIONS, reloadedAt: ago(600)});
		expect(lines[2]).toEqual({text: `started before bng-2 reloaded at ${clock} (Accounting-On/Off): likely a ghost`, tone: 'warn'});
		const without = detailLines({id: '7', session: ghost, history: []}, OPTIONS);
		expect(without.map((line) => line.text)).not.toContain(lines[2]!.text);
		expect(lines.length).toBe(without.length + 1);
	});

	it('keeps the verdict on a narrow terminal, dropping the message names', () => {
		const lines = detailLines({id: '7', session: ghost, history: []}, {...OPTIONS, width: 60, reloadedAt: ago(600)});
		expect(lines[2]!.text).toBe(`started before bng-2 reloaded at ${clock}: likely a ghost`);
	});

	it('counts the line in how far the view scrolls', () => {
		const detail = {id: '7', session: ghost, history: []};
		const reloads = new Map([['10.20.0.2', ago(600)]]);
		expect(detailScrollLimit(detail, 5, reloads)).toBe(detailScrollLimit(detail, 5) + 1);
	});
});

describe('nas list', () => {
	const registry = NasRegistry.from(
		[
			{nasname: '10.20.0.1', shortname: 'bng-1', type: 'other', secret: 's1'},
			{nasname: '10.20.0.2', shortname: 'bng-2', type: 'other', secret: 's2'},
		],
		[],
	);

	it('gives each NAS its reload as reloaded_at, null when nasreload has none', () => {
		const entries = nasListEntries(registry, [], new Map([['10.20.0.2', 626]]), new Map([['10.20.0.2', RELOAD]]));
		expect(entries.map((entry) => [entry.name, entry.reloaded_at])).toEqual([
			['bng-1', null],
			['bng-2', RELOAD.toISOString()],
		]);
		expect(nasListEntries(registry, []).every((entry) => entry.reloaded_at === null)).toBe(true);
	});

	it('shows a RELOADED column when a NAS reloaded, and none otherwise', () => {
		const lines = nasListTable(nasListEntries(registry, [], new Map(), new Map([['10.20.0.2', RELOAD]])), NOW);
		expect(lines[0]).toMatch(/^NAME\s+IP\s+COA\s+VENDOR\s+SECRET\s+API\s+RELOADED\s+OPEN$/);
		expect(lines[1]).toMatch(/^bng-1\s.*\snone\s+-\s+0$/);
		expect(lines[2]).toMatch(/^bng-2\s.*\snone\s+2h14m ago\s+0$/);
		expect(nasListTable(nasListEntries(registry, [], new Map()), NOW)[0]).not.toContain('RELOADED');
	});
});
