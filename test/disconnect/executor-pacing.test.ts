/**
 * Pacing per NAS on real sockets: three fake NAS, one of them silent (every request retransmitted until it times
 * out). The times are the ones the fake NAS saw each request arrive.
 */
import {describe, expect, it} from 'vitest';
import {executeDisconnect} from '../../source/disconnect/executor.js';
import type {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import type {TestDatabase} from '../helpers/test-database.js';
import {insertBulk} from './fixtures.js';
import {depsFor, registryFor, SECRET, setUpExecutorWorld} from './harness.js';

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

/** A fake NAS that notes when each first copy of a request came; it acknowledges, or stays silent. */
async function timedNas(silent: boolean): Promise<{nas: FakeCoaNas; arrivals: number[]}> {
	const arrivals: number[] = [];
	const nas = await startFakeCoaNas({
		secret: SECRET,
		answer: (request) => {
			if (request.copy === 1) arrivals.push(performance.now());
			return silent ? undefined : {code: PacketCode.DisconnectAck};
		},
	});
	fakes.push(nas);
	return {nas, arrivals};
}

/** The most arrivals in any 1000 ms. */
function mostPerSecond(times: readonly number[]): number {
	return Math.max(0, ...times.map((at) => times.filter((other) => other >= at && other < at + 1000).length));
}

describe('executeDisconnect paced per NAS', () => {
	it('a silent NAS holds only its own window; the others keep to their own rate and finish without waiting for it', async () => {
		const fast = await timedNas(false);
		const other = await timedNas(false);
		const dead = await timedNas(true);
		await insertBulk(database.pool, 60, '10.20.0.1', 'fast');
		await insertBulk(database.pool, 60, '10.20.0.2', 'other');
		await insertBulk(database.pool, 40, '10.20.0.3', 'dead');
		const registry = registryFor(fast.nas, {}, [
			{ip: '10.20.0.2', name: 'bng-2', secret: SECRET, coaHost: other.nas.address, coaPort: other.nas.port},
			{ip: '10.20.0.3', name: 'bng-3', secret: SECRET, coaHost: dead.nas.address, coaPort: dead.nas.port},
		]);
		// Requests waiting for their answer, per NAS port, at most.
		const inFlight = new Map<number, number>();
		const mostInFlight = new Map<number, number>();
		const finishedAt = new Map<number, number>();
		// When each request went out, per NAS port.
		const sentAt = new Map<number, number[]>();
		const counted: Pick<CoaClient, 'send'> = {
			async send(target, request, signal) {
				sentAt.set(target.port, [...(sentAt.get(target.port) ?? []), performance.now()]);
				inFlight.set(target.port, (inFlight.get(target.port) ?? 0) + 1);
				mostInFlight.set(target.port, Math.max(mostInFlight.get(target.port) ?? 0, inFlight.get(target.port)!));
				try {
					return await coaClient.send(target, request, signal);
				} finally {
					inFlight.set(target.port, inFlight.get(target.port)! - 1);
					finishedAt.set(target.port, performance.now());
				}
			},
		};
		const started = performance.now();
		const result = await executeDisconnect(
			{kind: 'nas', nasIps: ['10.20.0.1', '10.20.0.2', '10.20.0.3']},
			{...depsFor(database, registry, coaClient), coaClient: counted},
			{method: 'coa', concurrencyPerNas: 4, ratePerNas: 40, ratePerSecond: 200, confirmStopWithinMs: 0},
		);
		expect(result.totals.coa).toBe(120);
		expect(result.totals.failed).toBe(40);
		expect(result.results.filter((entry) => entry.outcome === 'failed').every((entry) => entry.nasName === 'bng-3')).toBe(true);
		// Each answering NAS: never more than its 40 a second plus the bucket's burst of 4 going out, and the last
		// request it saw came no sooner than 40 a second allows after the first went out, the burst taken off (less
		// 100 ms: the first send is timed after its token, by a process that may wait for a CPU in between; without
		// the cap all 60 arrive within a few ms).
		for (const {nas, arrivals} of [fast, other]) {
			expect(arrivals).toHaveLength(60);
			const sent = sentAt.get(nas.port)!;
			expect(mostPerSecond(sent)).toBeLessThanOrEqual(44);
			expect(Math.max(...arrivals) - Math.min(...sent)).toBeGreaterThanOrEqual(((60 - 4) / 40) * 1000 - 100);
		}
		// The silent NAS held its 4 requests in flight, no more; each was tried 3 times (200 ms apart).
		expect(mostInFlight.get(dead.nas.port)).toBe(4);
		expect(dead.arrivals).toHaveLength(40);
		expect(dead.nas.received).toHaveLength(120);
		// The answering NAS were done before the silent one had seen half of its requests (4 at a time, 0.6 s each).
		const fastDone = Math.max(finishedAt.get(fast.nas.port)!, finishedAt.get(other.nas.port)!);
		expect(dead.arrivals.filter((at) => at <= fastDone).length).toBeLessThanOrEqual(20);
		// And their last request went out when their own rate says (1.5 s for 60 at 40/s), not the silent NAS's 6 s.
		expect(Math.max(...fast.arrivals, ...other.arrivals) - started).toBeLessThan(finishedAt.get(dead.nas.port)! - started);
	}, 30_000);
});
