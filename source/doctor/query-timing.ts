/** Timing a query the way `radtop doctor` reports it: a warm-up run, then the median of the timed runs. */
import {performance} from 'node:perf_hooks';
import type {Queryable} from '../db/queryable.js';

/** A connection pool that can lend one connection (node-postgres's Pool), for `--measure`'s transaction. */
export interface LendingPool extends Queryable {
	/** `release(true)` closes the connection instead of returning it to the pool. */
	connect(): Promise<Queryable & {release(destroy?: boolean): void}>;
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Runs `run` once to warm up, then `runs` times (fewer when each takes seconds); the median in ms. */
export async function time(run: () => Promise<unknown>, runs: number): Promise<{p50Ms: number; runs: number}> {
	const warm = performance.now();
	await run();
	const warmMs = performance.now() - warm;
	const count = warmMs > 1000 ? Math.min(runs, 3) : runs;
	const samples: number[] = [];
	for (let index = 0; index < count; index++) {
		const start = performance.now();
		await run();
		samples.push(performance.now() - start);
	}
	return {p50Ms: median(samples), runs: count};
}
