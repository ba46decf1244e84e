/**
 * The benches' claim on a database: a DATABASE_URL database is used only when it is empty or carries the
 * marker table a bench left there, since a bench drops and recreates radacct and nas; then the stock schema.
 */
import {FREERADIUS_SCHEMA_SQL} from '../../dist/db/freeradius-schema.js';

/**
 * Refuses a DATABASE_URL database that is neither empty nor marked (an Error with `refused: true`), marks it,
 * and (re)creates radacct and nas with the stock schema.
 * @param {import('pg').Pool} pool
 * @param {boolean} external the database is DATABASE_URL's, not a cluster the bench started
 */
export async function claimBenchDatabase(pool, external) {
	if (external) {
		const {rows} = await pool.query(`
			SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`);
		const names = rows.map((row) => row['name']);
		if (names.length > 0 && !names.includes('radtop_bench_marker')) {
			/** @type {Error & {refused?: boolean}} */
			const error = new Error(
				`refusing to use DATABASE_URL: it has tables (${names.slice(0, 5).join(', ')}) and no radtop_bench_marker table`,
			);
			error.refused = true;
			throw error;
		}
	}
	await pool.query('CREATE TABLE IF NOT EXISTS radtop_bench_marker (created_at timestamptz NOT NULL DEFAULT now())');
	await pool.query('DROP TABLE IF EXISTS radacct, nas CASCADE');
	await pool.query(FREERADIUS_SCHEMA_SQL);
}
