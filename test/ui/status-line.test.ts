import {describe, expect, it} from 'vitest';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiAction, UiState} from '../../source/ui/state-types.js';
import {statusLine, type StatusLineInput} from '../../source/ui/status-line.js';

const T = 1_800_000_000_000;

function input(overrides: Partial<StatusLineInput> = {}): StatusLineInput {
	return {
		error: null,
		message: null,
		wait: null,
		pollStartedAt: null,
		fetchedAt: T,
		now: T + 1000,
		intervalSeconds: 5,
		paused: false,
		retryInSeconds: null,
		...overrides,
	};
}

function statusOf(state: UiState, now: number): string {
	return statusLine({
		error: state.error,
		message: state.message,
		wait: state.dbWait,
		pollStartedAt: state.pollStartedAt,
		fetchedAt: state.snapshot?.fetchedAt ?? null,
		now,
		intervalSeconds: state.intervalSeconds,
		paused: state.paused,
		retryInSeconds: null,
	}).text;
}

describe('statusLine', () => {
	it('says ok for fresh data, with the position after it', () => {
		expect(statusLine(input())).toEqual({text: 'database: ok', tone: 'muted', position: true});
	});

	it('says what is missing of the subscriber columns after ok, and gives way to messages and errors', () => {
		const late = input({subscribers: 'billing query: no answer in time'});
		expect(statusLine(late)).toEqual({text: 'database: ok · billing query: no answer in time', tone: 'muted', position: true});
		expect(statusLine(input({subscribers: 'billing query failed: relation "x\x1b[2J" does not exist'})).text).toBe(
			'database: ok · billing query failed: relation "x\\x1b[2J" does not exist',
		);
		expect(statusLine({...late, message: {text: 'exported 3 rows', kind: 'info'}}).text).toBe('exported 3 rows');
		expect(statusLine({...late, fetchedAt: T, pollStartedAt: T + 5000, now: T + 17_000}).text).toMatch(/^database not answering/);
	});

	it('never says ok for data older than two intervals: the poll in flight is not answering', () => {
		const old = input({fetchedAt: T, pollStartedAt: T + 5000, now: T + 17_000});
		expect(statusLine(old)).toEqual({
			text: 'database not answering for 12 s · showing data from 17 s ago',
			tone: 'error',
			position: false,
		});
		// Ten seconds is two intervals: still ok; one more and it is not.
		expect(statusLine(input({fetchedAt: T, pollStartedAt: T + 5000, now: T + 10_000})).text).toBe('database: ok');
		expect(statusLine(input({fetchedAt: T, pollStartedAt: T + 5000, now: T + 11_000})).text).toMatch(/^database not answering/);
	});

	it('before the first snapshot, a first poll that does not come back is not ok either', () => {
		expect(statusLine(input({fetchedAt: null, pollStartedAt: T, now: T + 4000})).text).toBe('database: ok');
		expect(statusLine(input({fetchedAt: null, pollStartedAt: T, now: T + 12_000})).text).toBe(
			'database not answering for 12 s · no data yet',
		);
	});

	it('a poll that failed for want of an answer says since when, and how old the data is', () => {
		const error = {message: 'database not answering (no reply in 5 s)', since: T + 5000, kind: 'not-answering' as const};
		expect(statusLine(input({error, now: T + 17_000, retryInSeconds: 4})).text).toBe(
			'database not answering for 12 s · showing data from 17 s ago, retry in 4 s',
		);
	});

	it('a question waiting for its answer comes first, over a database that does not answer, a lock and a message', () => {
		const question = 'a disconnect is running (604/812): stop it and quit? y/N';
		const asked = {text: question, tone: 'error', position: false};
		expect(statusLine(input({question}))).toEqual(asked);
		const error = {message: 'database not answering (no reply in 5 s)', since: T + 5000, kind: 'not-answering' as const};
		expect(statusLine(input({question, error, now: T + 17_000}))).toEqual(asked);
		const wait = {text: 'radacct is locked by pid 4242 for 30 s', since: T + 2000};
		expect(statusLine(input({question, wait, pollStartedAt: T + 1000, now: T + 9000}))).toEqual(asked);
		expect(statusLine(input({question, fetchedAt: T, now: T + 60_000}))).toEqual(asked);
		expect(statusLine(input({question, message: {text: 'sending', kind: 'info'}}))).toEqual(asked);
		// Answered, the line says what it said before.
		expect(statusLine(input({question: undefined, error, now: T + 17_000})).text).toMatch(/^database not answering for 12 s/);
	});

	it('a lock waited for names the table and the pid holding it', () => {
		const wait = {text: 'radacct is locked by pid 4242 for 30 s', since: T + 2000};
		expect(statusLine(input({wait, pollStartedAt: T + 1000, now: T + 9000})).text).toBe(
			'radacct is locked by pid 4242 for 30 s: waiting · showing data from 9 s ago',
		);
		const error = {message: 'radacct is locked by pid 4242 for 15 s', since: T, kind: 'locked' as const};
		expect(statusLine(input({error, now: T + 16_000, retryInSeconds: 1})).text).toBe(
			'radacct is locked by pid 4242 for 15 s · showing data from 16 s ago, retry in 1 s',
		);
	});

	it('any other error is still "database unreachable"', () => {
		const error = {message: 'connection refused (10.0.0.5:5432)', since: T};
		expect(statusLine(input({error, now: T + 3000, retryInSeconds: 2})).text).toBe(
			'database unreachable; showing data from 3 s ago, retry in 2 s: connection refused (10.0.0.5:5432)',
		);
	});

	it('paused, old data is said to be old, not ok', () => {
		expect(statusLine(input({paused: true, now: T + 60_000})).text).toBe('paused · showing data from 60 s ago');
	});
});

describe('the reducer behind the status line', () => {
	function snapshotAt(fetchedAt: number): UiAction {
		const state = initialState();
		return {
			type: 'snapshot',
			snapshot: {
				key: JSON.stringify([
					state.query.status,
					state.query.search,
					state.query.nas,
					state.query.sort.key,
					state.query.sort.direction,
				]),
				offset: 0,
				rows: [],
				total: {total: 0, capped: false},
				stats: {
					openSessions: 0,
					uniqueUsers: 0,
					averageDurationSeconds: null,
					staleSessions: 0,
					perNas: [],
					dbNow: new Date(fetchedAt),
				},
				rates: new Map(),
				fetchedAt,
				durationMs: 5,
			},
		};
	}

	it('dates a not-answering failure from the start of the poll that found it, and recovers on the next snapshot', () => {
		let state = reducer(initialState(), snapshotAt(T));
		state = reducer(state, {type: 'poll-started', at: T + 5000});
		expect(statusOf(state, T + 9000)).toBe('database: ok');
		state = reducer(state, {
			type: 'poll-error',
			message: 'database not answering (no reply in 5 s)',
			at: T + 10_000,
			kind: 'not-answering',
		});
		expect(state.error).toEqual({message: 'database not answering (no reply in 5 s)', since: T + 5000, kind: 'not-answering'});
		expect(state.pollStartedAt).toBeNull();
		state = reducer(state, {type: 'poll-started', at: T + 11_000});
		expect(statusOf(state, T + 17_000)).toBe('database not answering for 12 s · showing data from 17 s ago, retrying');
		state = reducer(state, snapshotAt(T + 40_000));
		expect(state.error).toBeNull();
		expect(statusOf(state, T + 40_500)).toBe('database reachable again');
	});

	it('shows a lock while it is waited for, and forgets it when the wait ends', () => {
		let state = reducer(initialState(), snapshotAt(T));
		state = reducer(state, {type: 'poll-started', at: T + 5000});
		state = reducer(state, {type: 'db-wait', text: 'radacct is locked by pid 4242 for 30 s', at: T + 8000});
		expect(statusOf(state, T + 8000)).toBe('radacct is locked by pid 4242 for 30 s: waiting · showing data from 8 s ago');
		state = reducer(state, {type: 'db-wait', text: null, at: T + 9000});
		expect(state.dbWait).toBeNull();
	});
});
