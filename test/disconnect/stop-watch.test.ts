import {describe, expect, it} from 'vitest';
import type {Queryable} from '../../source/db/queryable.js';
import {StopWatch} from '../../source/disconnect/stop-watch.js';

/** A database whose reads never come back (until `answer`), counting how many were started. */
function hangingDb() {
	const pending: Array<(rows: unknown[]) => void> = [];
	const db: Queryable = {
		query: () => new Promise((resolve) => pending.push((rows) => resolve({rows}))),
	};
	return {db, pending};
}

describe('StopWatch with reads that hang', () => {
	it('ends at the deadline, starts no second read meanwhile, and leaves the sessions unconfirmed', async () => {
		const {db, pending} = hangingDb();
		const watch = new StopWatch(db, {withinMs: 400, pollMs: 50});
		const started = performance.now();
		watch.watch('1');
		watch.watch('2');
		await watch.finish();
		const took = performance.now() - started;
		expect(took).toBeGreaterThanOrEqual(390);
		expect(took).toBeLessThan(1000);
		expect(pending).toHaveLength(1);
		expect(watch.result('1')).toEqual({confirmed: false});
		expect(watch.result('2')).toEqual({confirmed: false});
		// The read answering late changes nothing the watch already settled.
		pending[0]!([{radacctid: '1', acctstoptime: new Date(), acctterminatecause: 'Admin-Reset'}]);
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(watch.result('1')).toEqual({confirmed: false});
		expect(watch.confirmed).toBe(0);
	});

	it('a read that answers before the deadline still confirms, and the signal ends a hung read at once', async () => {
		const {db, pending} = hangingDb();
		const controller = new AbortController();
		const watch = new StopWatch(db, {withinMs: 5000, pollMs: 20, signal: controller.signal});
		watch.watch('7');
		watch.watch('8');
		while (pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		pending[0]!([{radacctid: '7', acctstoptime: new Date('2026-01-01T00:00:00Z'), acctterminatecause: 'Admin-Reset'}]);
		while (pending.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
		const started = performance.now();
		setTimeout(() => controller.abort(), 50);
		await watch.finish();
		expect(performance.now() - started).toBeLessThan(500);
		expect(watch.result('7')).toMatchObject({confirmed: true, cause: 'Admin-Reset'});
		expect(watch.result('8')).toEqual({confirmed: false});
	});
});
