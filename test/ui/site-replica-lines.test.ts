/**
 * The header's per-site lag and the status line's warning naming the sites whose standby is behind (pure): the
 * forms the header picks from as room runs short, the pick at 80 columns and narrower, and the warning's words.
 */
import {describe, expect, it} from 'vitest';
import type {ReplicaState} from '../../source/db/replica.js';
import type {SiteStatus} from '../../source/sessions/session.js';
import {databaseText, headerParts, markedParts} from '../../source/ui/components/Header.js';
import {sitesHeader, sitesHeaderText, sitesReplicaStatus} from '../../source/ui/site-lines.js';
import {stringWidth} from '../../source/terminal/text.js';

const NOW = 1_000_000;
const site = (name: string, openSessions: number, extra: Partial<SiteStatus> = {}): SiteStatus => ({
	name,
	dataAt: NOW,
	stale: false,
	error: null,
	openSessions,
	...extra,
});
const standby = (lagSeconds: number | null, extra: Partial<Extract<ReplicaState, {role: 'standby'}>> = {}): ReplicaState => ({
	role: 'standby',
	lagSeconds,
	caughtUp: lagSeconds === 0,
	streaming: true,
	paused: false,
	...extra,
});
const PRIMARY: ReplicaState = {role: 'primary'};
const SITES = [site('north', 3005), site('south', 1198)];

describe('sitesHeader', () => {
	it('is the one text of the sites when no site reads a standby', () => {
		const replicas = new Map<string, ReplicaState | null>([
			['north', PRIMARY],
			['south', null],
		]);
		expect(sitesHeader(SITES, NOW, null, replicas, 5).forms).toEqual(['north 3,005 · south 1,198']);
		expect(sitesHeader(SITES, NOW, null, new Map(), 5).forms).toEqual([sitesHeaderText(SITES, NOW)]);
	});

	it('puts the lag after the count of the site that reads a standby, shorter and shorter', () => {
		const replicas = new Map<string, ReplicaState | null>([
			['north', PRIMARY],
			['south', standby(4)],
		]);
		expect(sitesHeader(SITES, NOW, null, replicas, 5).forms).toEqual([
			'north 3,005 · south 1,198 standby lag 4s',
			'north 3,005 · south 1,198 lag 4s',
			'north 3,005 · south 1,198',
		]);
	});

	it('keeps the lag of a site behind more than the poll interval longest, and the narrowed site first', () => {
		const replicas = new Map<string, ReplicaState | null>([
			['north', standby(0)],
			['south', standby(75)],
		]);
		expect(sitesHeader(SITES, NOW, 'south', replicas, 5).forms).toEqual([
			'site south: north 3,005 standby lag 0s · south 1,198 standby lag 1m 15s',
			'site south: north 3,005 lag 0s · south 1,198 lag 1m 15s',
			'site south: north 3,005 · south 1,198 lag 1m 15s',
			'site south: north 3,005 · south 1,198',
		]);
	});

	it('marks for the warning colour the lag of the standbys behind more than the poll interval only', () => {
		const replicas = new Map<string, ReplicaState | null>([
			['north', standby(3)],
			['south', standby(75)],
		]);
		const header = sitesHeader(SITES, NOW, null, replicas, 5);
		expect(header.warn).toEqual(['standby lag 1m 15s', 'lag 1m 15s']);
		expect(markedParts(header.forms[0]!, header.warn)).toEqual([
			{text: 'north 3,005 standby lag 3s · south 1,198 ', marked: false},
			{text: 'standby lag 1m 15s', marked: true},
		]);
		expect(markedParts(header.forms[1]!, header.warn)).toEqual([
			{text: 'north 3,005 lag 3s · south 1,198 ', marked: false},
			{text: 'lag 1m 15s', marked: true},
		]);
		expect(sitesHeader(SITES, NOW, null, new Map([['south', standby(4)]]), 5).warn).toEqual([]);
		expect(markedParts('postgres@db/radius', [])).toEqual([{text: 'postgres@db/radius', marked: false}]);
	});

	it('says nothing of the lag of a site whose data is old: its age and error are what matter', () => {
		const sites = [site('north', 3005), site('south', 1198, {stale: true, dataAt: NOW - 40_000, error: 'connection refused'})];
		const replicas = new Map<string, ReplicaState | null>([['south', standby(9)]]);
		expect(sitesHeader(sites, NOW, null, replicas, 5).forms).toEqual(['north 3,005 · south 1,198 (40s old: connection refused)']);
	});
});

describe('the sites text in the header', () => {
	const timing = {intervalSeconds: 5, nextInSeconds: 3, paused: false, ageSeconds: 2, durationMs: 14, readOnly: false};
	const replicas = new Map<string, ReplicaState | null>([
		['north-metro-1', PRIMARY],
		['south-rural', standby(42)],
	]);
	const sites = sitesHeader([site('north-metro-1', 3005), site('south-rural', 1198)], NOW, null, replicas, 5);
	const forms = sites.forms;

	it('is whole at 80 columns, the timing giving way to it', () => {
		const database = databaseText({...timing, database: forms[0]!, sites, width: 80});
		expect(database).toBe('north-metro-1 3,005 · south-rural 1,198 standby lag 42s');
		const parts = headerParts({...timing, database, badges: '', width: 80});
		expect(parts.database).toBe(database);
		expect('radtop  '.length + stringWidth(database) + 1 + stringWidth(parts.right)).toBeLessThanOrEqual(80);
	});

	it('drops `standby` when narrower, then keeps only the lag behind the interval (here south), then no lag', () => {
		const at = (width: number, readOnly = false) => databaseText({...timing, readOnly, database: forms[0]!, sites, width});
		expect(at(62)).toBe('north-metro-1 3,005 · south-rural 1,198 lag 42s');
		// READ-ONLY takes its room first.
		expect(at(62, true)).toBe('north-metro-1 3,005 · south-rural 1,198');
		expect(at(40)).toBe('north-metro-1 3,005 · south-rural 1,198');
	});

	it('is the database as given without forms', () => {
		expect(databaseText({...timing, database: 'postgres@db/radius', width: 30})).toBe('postgres@db/radius');
	});
});

describe('sitesReplicaStatus', () => {
	it('is null while no standby is behind more than the poll interval', () => {
		const replicas = new Map<string, ReplicaState | null>([
			['north', PRIMARY],
			['south', standby(4)],
			['east', null],
		]);
		expect(sitesReplicaStatus(replicas, 5)).toBeNull();
	});

	it('names the one site behind, with the words of one standby', () => {
		const replicas = new Map<string, ReplicaState | null>([
			['north', PRIMARY],
			['south', standby(42, {paused: true})],
		]);
		expect(sitesReplicaStatus(replicas, 5)).toBe(
			'site south: the standby is 42s behind the primary (replay paused), more than the 5s poll: sessions shown may be that old',
		);
	});

	it('names every site behind, each with its lag, the names first', () => {
		const replicas = new Map<string, ReplicaState | null>([
			['north', standby(63)],
			['south', standby(null, {streaming: false})],
			['east', standby(2)],
		]);
		expect(sitesReplicaStatus(replicas, 5)).toBe(
			'sites north (1m 3s), south (?): standbys behind their primaries by more than the 5s poll: sessions shown may be that old',
		);
	});
});
