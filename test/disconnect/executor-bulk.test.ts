import {describe, expect, it} from 'vitest';
import {executeDisconnect} from '../../source/disconnect/executor.js';
import type {DisconnectProgress} from '../../source/disconnect/result.js';
import type {BucketClock} from '../../source/disconnect/token-bucket.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {startFakeCoaNas, type FakeCoaNas, type ReceivedRequest} from '../helpers/fake-coa-nas.js';
import type {TestDatabase} from '../helpers/test-database.js';
import {insertBulk} from './fixtures.js';
import {depsFor, registryFor, requestsPerSession, SECRET, sessionIdOf, setUpExecutorWorld} from './harness.js';

const ACK = {code: PacketCode.DisconnectAck} as const;

let database: TestDatabase;
let coaClient: CoaClient;
const fakes: FakeCoaNas[] = [];
setUpExecutorWorld({
	setDatabase: (value) => (database = value),
	setCoaClient: (value) => (coaClient = value),
	async cleanup() {
		await Promise.all(fakes.splice(0).map((fake) => fake.close()));
	},
});

async function fakeNas(
	answer: (request: ReceivedRequest, fake: () => FakeCoaNas) => ReturnType<NonNullable<Parameters<typeof startFakeCoaNas>[0]['answer']>>,
): Promise<FakeCoaNas> {
	const fake: FakeCoaNas = await startFakeCoaNas({secret: SECRET, answer: (request) => answer(request, () => fake)});
	fakes.push(fake);
	return fake;
}

/** Answers after `delayMs`, tracking how many distinct requests are waiting for their answer at once. */
/** Acct-Session-Id by radacctid. */
async function sessionIds(): Promise<Map<string, string>> {
	const {rows} = await database.pool.query('SELECT radacctid::text AS id, acctsessionid FROM radacct');
	return new Map((rows as Array<{id: string; acctsessionid: string}>).map((row) => [row.id, row.acctsessionid]));
}

function delayedAnswers(delayMs: number) {
	const waiting = new Set<string>();
	const state = {maxInFlight: 0};
	const answer = (request: ReceivedRequest, fake: () => FakeCoaNas): undefined => {
		const id = sessionIdOf(request);
		waiting.add(id);
		state.maxInFlight = Math.max(state.maxInFlight, waiting.size);
		setTimeout(() => {
			waiting.delete(id);
			void fake().sendRaw(fake().encodeAnswer(request, ACK), request.from);
		}, delayMs);
		return undefined;
	};
	return {answer, state};
}

/**
 * A clock that jumps to each timer's time and fires it on the next turn of the event loop: the rate cap paces by
 * it, so when each request may start is read off it without the test waiting for it in real time.
 */
function jumpingClock(): BucketClock {
	let now = 0;
	const timers = new Set<{readonly due: number; readonly run: () => void}>();
	const fireNext = (): void => {
		const next = [...timers].sort((a, b) => a.due - b.due)[0];
		if (next === undefined) return;
		timers.delete(next);
		now = Math.max(now, next.due);
		next.run();
	};
	return {
		now: () => now,
		setTimer(run, ms) {
			const timer = {due: now + ms, run};
			timers.add(timer);
			setImmediate(fireNext);
			return timer;
		},
		clearTimer: (handle) => void timers.delete(handle as {due: number; run: () => void}),
	};
}

describe('executeDisconnect in bulk', () => {
	it('1,000 sessions with 30 % loss: one outcome each, nothing sent again after an ACK', async () => {
		const ids = await insertBulk(database.pool, 1000, '10.20.0.1', 'bulk');
		const acked = new Set<string>();
		let afterAck = 0;
		const nas = await fakeNas((request) => {
			const id = sessionIdOf(request);
			if (acked.has(id)) afterAck++;
			if (Math.random() < 0.3) return undefined;
			acked.add(id);
			return ACK;
		});
		// A timeout well above the event-loop stalls of a loaded machine (up to ~0.9 s seen on 2 busy cores): after a
		// stall, Node runs the expired retransmission timers before reading the ACKs that arrived meanwhile, so the
		// CoA client would resend requests whose ACK is already queued. A wider window keeps the test short.
		const client = new CoaClient({timeoutMs: 1000, retries: 2});
		const sends = new Map<string, number>();
		const counted: Pick<CoaClient, 'send'> = {
			send: (target, request, signal) => {
				const id = String(request.attributes.find((attribute) => attribute.name === 'Acct-Session-Id')?.value);
				sends.set(id, (sends.get(id) ?? 0) + 1);
				return client.send(target, request, signal);
			},
		};
		const events: DisconnectProgress[] = [];
		const result = await executeDisconnect(
			{kind: 'nas', nasIps: ['10.20.0.1']},
			{...depsFor(database, registryFor(nas), coaClient), coaClient: counted},
			{method: 'coa', concurrencyPerNas: 100, confirmStopWithinMs: 0, onProgress: (progress) => events.push(progress)},
		).finally(() => client.close());
		expect(result.results).toHaveLength(1000);
		expect([...sends.values()].every((count) => count === 1)).toBe(true);
		expect(sends.size).toBe(1000);
		expect(new Set(result.results.map((session) => session.radacctid))).toEqual(new Set(ids));
		expect(result.totals.coa + result.totals.failed).toBe(1000);
		expect(afterAck).toBe(0);
		const perSession = requestsPerSession(nas);
		const sessionIdOfRow = await sessionIds();
		for (const session of result.results) {
			const sessionId = sessionIdOfRow.get(session.radacctid)!;
			if (session.outcome === 'coa') {
				expect(acked.has(sessionId)).toBe(true);
			} else {
				// Every try lost: three identical datagrams, never answered.
				expect(acked.has(sessionId)).toBe(false);
				expect(perSession.get(sessionId)).toBe(3);
				expect(session.reason).toMatch(/did not answer 3 tries/);
			}
			expect(perSession.get(sessionId)).toBeLessThanOrEqual(3);
		}
		expect(result.totals.coa).toBe(acked.size);
		const last = events.at(-1)!;
		expect(last).toMatchObject({phase: 'done', done: 1000, total: 1000, failed: result.totals.failed});
		expect(last.perNas).toEqual([{ip: '10.20.0.1', name: 'bng-1', done: 1000, total: 1000, failed: result.totals.failed}]);
		expect(events.length).toBeLessThan(200);
	});

	it('keeps at most `concurrencyPerNas` requests in flight per NAS', async () => {
		await insertBulk(database.pool, 60, '10.20.0.1', 'win');
		const {answer, state} = delayedAnswers(20);
		const nas = await fakeNas(answer);
		const result = await executeDisconnect({kind: 'nas', nasIps: ['10.20.0.1']}, depsFor(database, registryFor(nas), coaClient), {
			method: 'coa',
			concurrencyPerNas: 5,
			confirmStopWithinMs: 0,
		});
		expect(result.totals.coa).toBe(60);
		expect(state.maxInFlight).toBe(5);
	});

	it('runs the queues of several NAS side by side, each with its own window', async () => {
		const one = delayedAnswers(20);
		const two = delayedAnswers(20);
		const nas1 = await fakeNas(one.answer);
		const nas2 = await fakeNas(two.answer);
		await insertBulk(database.pool, 30, '10.20.0.1', 'one');
		await insertBulk(database.pool, 20, '10.20.0.2', 'two');
		const registry = registryFor(nas1, {}, [
			{ip: '10.20.0.2', name: 'bng-2', secret: SECRET, coaHost: nas2.address, coaPort: nas2.port},
		]);
		const events: DisconnectProgress[] = [];
		const result = await executeDisconnect({kind: 'nas', nasIps: ['10.20.0.1', '10.20.0.2']}, depsFor(database, registry, coaClient), {
			method: 'coa',
			concurrencyPerNas: 4,
			confirmStopWithinMs: 0,
			onProgress: (progress) => events.push(progress),
		});
		expect(result.totals.coa).toBe(50);
		expect([one.state.maxInFlight, two.state.maxInFlight]).toEqual([4, 4]);
		expect(nas1.received).toHaveLength(30);
		expect(nas2.received).toHaveLength(20);
		expect(events.at(-1)?.perNas.map((entry) => [entry.name, entry.done, entry.total])).toEqual([
			['bng-1', 30, 30],
			['bng-2', 20, 20],
		]);
	});

	it('keeps to the rate cap: 30 requests at 20/s with a burst of 2 start over 1.4 s of the clock it paces by', async () => {
		await insertBulk(database.pool, 30, '10.20.0.1', 'rate');
		const clock = jumpingClock();
		const nas = await fakeNas(() => ACK);
		const startedAt: number[] = [];
		const timed: Pick<CoaClient, 'send'> = {
			send: (target, request, signal) => {
				startedAt.push(clock.now());
				return coaClient.send(target, request, signal);
			},
		};
		const result = await executeDisconnect(
			{kind: 'nas', nasIps: ['10.20.0.1']},
			{...depsFor(database, registryFor(nas), coaClient), coaClient: timed},
			{method: 'coa', ratePerSecond: 20, rateClock: clock, confirmStopWithinMs: 0},
		);
		expect(result.totals.coa).toBe(30);
		expect(nas.received).toHaveLength(30);
		expect(startedAt).toHaveLength(30);
		// The burst of 2 at once, then one every 50 ms (a timer rounded up to the next ms may add one).
		expect(startedAt.slice(0, 2)).toEqual([0, 0]);
		for (let index = 2; index < startedAt.length; index++) {
			expect(startedAt[index]! - startedAt[index - 1]!, `request ${index + 1}`).toBeGreaterThanOrEqual(49);
			expect(startedAt[index]! - startedAt[index - 1]!, `request ${index + 1}`).toBeLessThanOrEqual(52);
		}
		expect(startedAt.at(-1)).toBeGreaterThanOrEqual(1400);
		expect(startedAt.at(-1)).toBeLessThanOrEqual(1430);
		// Never more than 20 per second plus the burst.
		for (const at of startedAt) expect(startedAt.filter((other) => other >= at && other < at + 1000).length).toBeLessThanOrEqual(22);
	});

	it('abort in the middle: requests in flight finish, the rest are reported not_sent and never sent', async () => {
		await insertBulk(database.pool, 300, '10.20.0.1', 'abort');
		const controller = new AbortController();
		const {answer} = delayedAnswers(10);
		const nas = await fakeNas((request, fake) => {
			if (fake().received.length === 50) controller.abort();
			return answer(request, fake);
		});
		const result = await executeDisconnect({kind: 'nas', nasIps: ['10.20.0.1']}, depsFor(database, registryFor(nas), coaClient), {
			method: 'coa',
			concurrencyPerNas: 8,
			signal: controller.signal,
			confirmStopWithinMs: 5000,
		});
		expect(result.aborted).toBe(true);
		expect(result.results).toHaveLength(300);
		expect(result.totals.coa + result.totals.not_sent).toBe(300);
		expect(result.totals.coa).toBeGreaterThanOrEqual(50);
		expect(result.totals.not_sent).toBeGreaterThan(200);
		const perSession = requestsPerSession(nas);
		const sessionIdOfRow = await sessionIds();
		for (const session of result.results) {
			const requests = perSession.get(sessionIdOfRow.get(session.radacctid)!);
			if (session.outcome === 'not_sent') {
				expect(session.reason).toBe('aborted before sending');
				expect(requests).toBeUndefined();
			} else {
				expect(requests).toBeGreaterThanOrEqual(1);
				// The watch ended with the abort: whatever was not confirmed by then stays unconfirmed.
				expect(session.stop).toBe('not_confirmed');
			}
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(nas.received).toHaveLength(result.totals.coa);
	});
});
