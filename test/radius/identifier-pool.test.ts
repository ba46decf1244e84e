import {describe, expect, it} from 'vitest';
import {ID_SPACE, IdentifierPool} from '../../source/radius/identifier-pool.js';

describe('IdentifierPool', () => {
	it('hands out identifiers round-robin, so a released one is the last to come back', () => {
		const pool = new IdentifierPool<string>();
		const first = pool.free()!;
		pool.take(first, 'a');
		const second = pool.free()!;
		expect(second).toBe((first + 1) % ID_SPACE);
		pool.take(second, 'b');
		pool.release(first);
		expect(pool.free()).toBe((first + 2) % ID_SPACE);
		expect(pool.get(second)).toBe('b');
		expect(pool.get(first)).toBeUndefined();
	});

	it('has 256 identifiers (RFC 2865 §3) and none once all are outstanding', () => {
		const pool = new IdentifierPool<number>();
		const taken = new Set<number>();
		for (let n = 0; n < ID_SPACE; n++) {
			const id = pool.free()!;
			expect(id).toBeGreaterThanOrEqual(0);
			expect(id).toBeLessThan(256);
			pool.take(id, n);
			taken.add(id);
		}
		expect(taken.size).toBe(256);
		expect(pool.free()).toBeUndefined();
		expect(pool.requests()).toHaveLength(256);
		pool.release(7);
		expect(pool.free()).toBe(7);
	});
});
