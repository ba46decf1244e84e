/**
 * The console's poll with the subscriber columns, against a real database: the rows are shown before their
 * enrichment, the enrichment is held to its budget when the billing query is slow, and a poll whose
 * subscriber tables do not answer in time keeps the plan last known.
 */
import pg from 'pg';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {FREERADIUS_AUTHORISATION_SQL} from '../../source/db/freeradius-schema.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {consoleSubscribers} from '../../source/subscribers/console-subscribers.js';
import {openSubscriberEnricher, type OpenedEnricher} from '../../source/subscribers/open-enricher.js';
import {requestFor, startSessionPolling, type SessionPolling} from '../../source/ui/session-polling.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiAction, UiState} from '../../source/ui/state-types.js';
import {subscriberCellData} from '../../source/ui/subscriber-cells.js';
import {cellText} from '../../source/ui/cells.js';
import {rowFactsOf, rowMark} from '../../source/ui/row-marks.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const BUDGET_MS = 300;
let database: TestDatabase;
const running: Array<{polling: SessionPolling; opened: OpenedEnricher}> = [];
let locker: pg.Client | undefined;

beforeAll(async () => {
	database = await createTestDatabase();
	await database.pool.query(FREERADIUS_AUTHORISATION_SQL);
	await database.pool.query(`
		CREATE TABLE subscribers (username text PRIMARY KEY, full_name text);
		INSERT INTO subscribers VALUES ('alice', 'Alice Liddell');
		INSERT INTO radusergroup (username, groupname, priority) VALUES ('alice', 'fiber-100', 1), ('bob', 'dsl-20', 1);
		INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES ('fiber-100', 'Session-Timeout', '=', '7200'), ('dsl-20', 'Session-Timeout', '=', '3600');
	`);
	await insertSessions(database.pool, [
		{username: 'alice', startedAgo: 3600},
		{username: 'bob', startedAgo: 4000},
	]);
}, 120_000);

afterEach(async () => {
	await locker?.end();
	locker = undefined;
	for (const {polling, opened} of running.splice(0)) {
		polling.stop();
		await opened.close();
	}
});

afterAll(async () => {
	await database?.close();
});

/** The console's poll folded into its state, with each action's arrival time. */
async function poll(billingQuery: string, billingTimeout?: number) {
	const source = await SessionSource.open(database.pool);
	const opened = await openSubscriberEnricher(database.pool, {billingQuery, ...(billingTimeout === undefined ? {} : {billingTimeout})});
	const box = {state: initialState({intervalSeconds: 60}) as UiState, actions: [] as Array<{type: string; at: number}>};
	const dispatch = (action: UiAction) => {
		box.state = reducer(box.state, action);
		box.actions.push({type: action.type, at: performance.now()});
	};
	const started = performance.now();
	const polling = startSessionPolling(
		source,
		requestFor(box.state.query, 0, 10),
		dispatch,
		{intervalMs: 60_000},
		consoleSubscribers(opened, BUDGET_MS),
	);
	running.push({polling, opened});
	const arrival = async (type: string, count = 1) => {
		const deadline = Date.now() + 15_000;
		while (box.actions.filter((action) => action.type === type).length < count) {
			if (Date.now() > deadline) throw new Error(`no ${type} action`);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		return box.actions.filter((action) => action.type === type)[count - 1]!.at - started;
	};
	return {box, polling, arrival};
}

const cell = (state: UiState, username: string, id: 'plan' | 'remaining') => {
	const row = state.snapshot!.rows.find((session) => session.username === username)!;
	const now = new Date(state.snapshot!.fetchedAt);
	const subscriber = subscriberCellData(state.subscribers?.byId.get(row.radacctid), row, now);
	return cellText(id, row, {now, masked: false, staleAfterSeconds: 600, subscriber});
};

describe('the console poll with the subscriber columns', () => {
	it('shows the rows first, then their plan and time left', async () => {
		const {box, arrival} = await poll('SELECT username, full_name FROM subscribers WHERE username = ANY ($1::text[])');
		const rows = await arrival('snapshot');
		const enriched = await arrival('subscribers');
		expect(enriched).toBeGreaterThanOrEqual(rows);
		expect(box.state.subscribers?.status).toBeNull();
		expect(cell(box.state, 'alice', 'plan')).toBe('fiber-100');
		expect(cell(box.state, 'alice', 'remaining')).toMatch(/^(1h|59m\d+s) \(50%\)$/);
		expect(cell(box.state, 'bob', 'remaining')).toMatch(/^over by \d+m/);
		// Bob is past his expected end: his row is marked T in the gutter.
		const bob = box.state.snapshot!.rows.find((row) => row.username === 'bob')!;
		expect(rowMark(rowFactsOf(bob, box.state.subscribers?.byId.get(bob.radacctid), new Date()))).toBe('T');
		const alice = box.state.snapshot!.rows.find((row) => row.username === 'alice')!;
		expect(rowMark(rowFactsOf(alice, box.state.subscribers?.byId.get(alice.radacctid), new Date()))).toBe(' ');
		expect(box.state.subscribers?.billingColumns).toEqual(['full_name']);
	}, 30_000);

	// The embedded database runs a statement on radtop's own thread: a sleeping one stops every timer, budgets too.
	it.skipIf(!process.env['DATABASE_URL'])(
		'a slow billing query holds the enrichment no longer than its budget, and never the rows',
		async () => {
			const {box, arrival} = await poll(
				'SELECT username, pg_sleep(3)::text AS slept FROM subscribers WHERE username = ANY ($1::text[])',
				2,
			);
			const rows = await arrival('snapshot');
			const enriched = await arrival('subscribers');
			// The tables' read and the billing query each within 300 ms, one after the other on this database.
			expect(enriched - rows).toBeLessThan(2 * BUDGET_MS + 400);
			expect(box.state.subscribers?.status).toBe('billing query: no answer in time');
			expect(cell(box.state, 'alice', 'plan')).toBe('fiber-100');
		},
		30_000,
	);

	// A lock held by another connection: the embedded database serves only one.
	it.skipIf(!process.env['DATABASE_URL'])(
		'subscriber tables that do not answer in time keep the plan last known',
		async () => {
			const {box, polling, arrival} = await poll('SELECT username, full_name FROM subscribers WHERE username = ANY ($1::text[])');
			await arrival('subscribers');
			expect(cell(box.state, 'alice', 'plan')).toBe('fiber-100');
			locker = new pg.Client({connectionString: database.url});
			await locker.connect();
			await locker.query('BEGIN');
			await locker.query('LOCK TABLE radusergroup IN ACCESS EXCLUSIVE MODE');
			polling.poller.refresh();
			const rows = await arrival('snapshot', 2);
			const enriched = await arrival('subscribers', 2);
			expect(enriched - rows).toBeLessThan(2 * BUDGET_MS + 400);
			expect(box.state.subscribers?.status).toBe('subscriber tables: no answer in time, showing the last values');
			expect(cell(box.state, 'alice', 'plan')).toBe('fiber-100');
			await locker.query('ROLLBACK');
		},
		30_000,
	);
});
