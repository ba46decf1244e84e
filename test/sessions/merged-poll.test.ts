/**
 * One poll over several sites (MergedSessionReader.pollReads, as fetchSnapshot asks it): each site runs its own
 * reads in turn, so a site slow at one step holds back none of the others' steps; an extra that fails (the slow
 * counts, the reloads) gives its last answer without marking the site, while the window and open counts do.
 */
import {describe, expect, it} from 'vitest';
import {MergedSessionReader} from '../../source/sessions/merged-source.js';
import {RateTracker} from '../../source/sessions/session-math.js';
import type {Session} from '../../source/sessions/session.js';
import type {SessionReader} from '../../source/sessions/session-source.js';
import {fetchSnapshot, SlowCounts} from '../../source/sessions/snapshot.js';

const NOW = new Date('2026-12-07T08:00:00Z');

function row(radacctid: string, startedSecondsAgo: number): Session {
	return {
		radacctid,
		username: `user-${radacctid}`,
		nasipaddress: '10.20.0.1',
		acctstarttime: new Date(NOW.getTime() - startedSecondsAgo * 1000),
		acctstoptime: null,
	} as unknown as Session;
}

/** A reader whose steps log when they start and end, each held until `gate[step]` resolves (if set). */
function loggedReader(name: string, log: string[], gates: Partial<Record<string, Promise<void>>> = {}, rows: Session[] = []) {
	const failing = new Set<string>();
	const step = async <T>(what: string, value: () => T): Promise<T> => {
		log.push(`${name} ${what} start`);
		await gates[what];
		log.push(`${name} ${what} end`);
		if (failing.has(what)) throw new Error(`${what} failed`);
		return value();
	};
	const reader = {
		staleAfterSeconds: 600,
		list: () => step('list', () => ({rows, dbNow: NOW})),
		count: () => step('count', () => ({total: rows.length, capped: false})),
		openCounts: () =>
			step('openCounts', () => ({
				openSessions: rows.length,
				averageDurationSeconds: 60,
				perNas: [{nasipaddress: '10.20.0.1', nasname: `${name}-bng`, sessions: rows.length}],
				dbNow: NOW,
			})),
		staleAndUsers: () => step('staleAndUsers', () => ({uniqueUsers: rows.length, stalePerNas: new Map([['10.20.0.1', 1]]), at: NOW})),
		nasReloads: () => step('nasReloads', () => ({skipped: null, byIp: new Map([['10.20.0.1', NOW]])})),
	} as unknown as SessionReader;
	return {reader, failing};
}

const request = {
	key: 'k',
	filter: {status: 'active' as const},
	sort: {key: 'start' as const, direction: 'desc' as const},
	offset: 0,
	limit: 10,
};

describe('one poll over several sites', () => {
	it("runs each site's reads in its own order: a site slow to list holds back none of the other's steps", async () => {
		const log: string[] = [];
		let release!: () => void;
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		const north = loggedReader('north', log, {list: held}, [row('1', 10)]);
		const south = loggedReader('south', log, {}, [row('1', 20)]);
		const merged = new MergedSessionReader([
			{name: 'north', reader: north.reader},
			{name: 'south', reader: south.reader},
		]);
		const polled = fetchSnapshot(merged, request, new RateTracker());
		// south gets through all its reads while north's list is still held.
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(log.filter((line) => line.startsWith('south') && line.endsWith('end'))).toEqual([
			'south list end',
			'south openCounts end',
			'south staleAndUsers end',
			'south nasReloads end',
		]);
		expect(log).not.toContain('north list end');
		release();
		const snapshot = await polled;
		expect(snapshot.rows.map((session) => `${session.site}:${session.radacctid}`)).toEqual(['north:1', 'south:1']);
		expect(snapshot.stats.openSessions).toBe(2);
		expect(snapshot.stats.staleSessions).toBe(2);
		expect([...(snapshot.reloads?.keys() ?? [])].sort()).toEqual(['north:10.20.0.1', 'south:10.20.0.1']);
	});

	it('an extra that fails gives its last answer and leaves the site up; a failed window marks it stale', async () => {
		const log: string[] = [];
		const north = loggedReader('north', log, {}, [row('1', 10)]);
		const south = loggedReader('south', log, {}, [row('2', 20), row('3', 30)]);
		const merged = new MergedSessionReader([
			{name: 'north', reader: north.reader},
			{name: 'south', reader: south.reader},
		]);
		const slow = new SlowCounts(0);
		await fetchSnapshot(merged, request, new RateTracker(), slow);
		south.failing.add('staleAndUsers');
		south.failing.add('nasReloads');
		const extrasFailed = await fetchSnapshot(merged, request, new RateTracker(), slow);
		expect(merged.siteStatus().map((site) => [site.name, site.stale])).toEqual([
			['north', false],
			['south', false],
		]);
		expect(extrasFailed.stats.uniqueUsers).toBe(3);
		expect(extrasFailed.reloads?.has('south:10.20.0.1')).toBe(true);
		south.failing.add('list');
		const listFailed = await fetchSnapshot(merged, request, new RateTracker(), slow);
		expect(merged.siteStatus().find((site) => site.name === 'south')).toMatchObject({stale: true, error: 'list failed'});
		// Its last window stays, with the other site's fresh one.
		expect(listFailed.rows.map((session) => `${session.site}:${session.radacctid}`)).toEqual(['north:1', 'south:2', 'south:3']);
		expect(listFailed.stats.openSessions).toBe(3);
	});

	it('a filter narrowed to one site asks the other for its counts only', async () => {
		const log: string[] = [];
		const north = loggedReader('north', log, {}, [row('1', 10)]);
		const south = loggedReader('south', log, {}, [row('2', 20)]);
		const merged = new MergedSessionReader([
			{name: 'north', reader: north.reader},
			{name: 'south', reader: south.reader},
		]);
		const snapshot = await fetchSnapshot(merged, {...request, filter: {status: 'active', site: 'south'}}, new RateTracker());
		expect(snapshot.rows.map((session) => session.site)).toEqual(['south']);
		expect(snapshot.total.total).toBe(1);
		expect(log.filter((line) => line.startsWith('north') && line.endsWith('start'))).toEqual([
			'north openCounts start',
			'north staleAndUsers start',
			'north nasReloads start',
		]);
	});
});
