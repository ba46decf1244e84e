/** A Queryable that records every statement sent through it and every row that came back (to look for secrets in). */
import type {Queryable} from '../../source/db/queryable.js';

export function recording(pool: Queryable): {db: Queryable; seen: unknown[]; statements: string[]} {
	const seen: unknown[] = [];
	const statements: string[] = [];
	return {
		seen,
		statements,
		db: {
			async query(text, values) {
				statements.push(text);
				const result = await pool.query(text, values);
				seen.push(...result.rows);
				return result;
			},
		},
	};
}
