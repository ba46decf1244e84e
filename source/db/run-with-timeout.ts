/**
 * One read-only statement with a statement timeout of its own, on a connection lent by the pool for a
 * transaction (SET LOCAL ends with it); a single connection (the embedded database) runs it as it is.
 */
import type {Queryable} from './queryable.js';

/** A pool that lends a connection for a transaction of its own (node-postgres's Pool). */
interface Lending extends Queryable {
	connect(): Promise<Queryable & {release(error?: Error | boolean): void}>;
}

export async function runWithTimeout(
	db: Queryable,
	query: {readonly text: string; readonly values: readonly unknown[]},
	timeoutMs: number,
): Promise<Array<Record<string, unknown>>> {
	if (typeof (db as Partial<Lending>).connect !== 'function')
		return (await db.query(query.text, [...query.values])).rows as Array<Record<string, unknown>>;
	const client = await (db as Lending).connect();
	let broken: Error | undefined;
	try {
		await client.query('BEGIN READ ONLY', []);
		await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`, []);
		const result = await client.query(query.text, [...query.values]);
		await client.query('COMMIT', []);
		return result.rows as Array<Record<string, unknown>>;
	} catch (error) {
		await client.query('ROLLBACK', []).catch((rollback: unknown) => {
			broken = rollback instanceof Error ? rollback : new Error(String(rollback));
		});
		throw error;
	} finally {
		client.release(broken);
	}
}
