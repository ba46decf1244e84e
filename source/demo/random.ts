/** A small seeded PRNG (mulberry32) so the demo network is the same on every run with the same seed. */
export class Random {
	#state: number;

	constructor(seed: number) {
		this.#state = seed >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		this.#state = (this.#state + 0x6d2b79f5) >>> 0;
		let t = this.#state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	}

	/** Integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)]!;
	}

	/** Picks by weight; weights need not sum to 1. */
	weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
		const total = items.reduce((sum, [, weight]) => sum + weight, 0);
		let roll = this.next() * total;
		for (const [item, weight] of items) {
			roll -= weight;
			if (roll < 0) return item;
		}
		return items.at(-1)![0];
	}

	/** Exponentially distributed with the given mean. */
	exponential(mean: number): number {
		return -Math.log(1 - this.next()) * mean;
	}

	/** Log-uniform in [min, max]: as many values per decade. */
	logUniform(min: number, max: number): number {
		return Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min)));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}
}
