/**
 * `radtop doctor --measure`: builds a suggested index inside a transaction, times its query again, and rolls
 * everything back.
 */
import {performance} from 'node:perf_hooks';
import {describeError} from '../db/errors.js';
import type {SqlQuery} from '../sessions/radacct-sql.js';
import type {Queryable} from '../db/queryable.js';
import type {Measurement} from './database-fact-types.js';
import type {IndexAdvice} from './index-advice.js';
import {time, type LendingPool} from './query-timing.js';

/** How long `--measure` lets CREATE INDEX run: its SHARE lock on radacct holds FreeRADIUS's writes that long. */
export const MEASURE_BUILD_TIMEOUT_MS = 60_000;

/** Where the signals that interrupt a build come from (the process, or a test's emitter). */
export interface Interrupts {
	once(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
	off(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
}

/** A SIGINT or SIGTERM during `--measure`'s build: the build was cancelled on the server and rolled back. */
export class MeasureInterrupted extends Error {
	constructor(readonly signal: NodeJS.Signals) {
		super(`${signal}: the index build was cancelled on the server and rolled back`);
		this.name = 'MeasureInterrupted';
	}
}

export interface MeasureOptions {
	readonly interrupts?: Interrupts;
	/** Default {@link MEASURE_BUILD_TIMEOUT_MS}. */
	readonly buildTimeoutMs?: number;
}

/** The index names of `CREATE INDEX name ON ...` statements. */
function indexNames(statements: readonly string[]): string[] {
	return statements
		.map((statement) => /^CREATE\s+INDEX\s+(\S+)\s+ON\b/i.exec(statement)?.[1])
		.filter((name): name is string => name !== undefined);
}

/**
 * Why the planner cannot use the indexes just built in this transaction, or undefined when it can. An
 * index built while another transaction's snapshot could still see rows it skipped (pg_index.indcheckxmin) is
 * invisible to this transaction: timing the query again would show no gain that is not there.
 */
async function unusableReason(client: Queryable, names: readonly string[]): Promise<string | undefined> {
	const {rows} = await client.query(
		'SELECT bool_or(i.indcheckxmin) AS check_xmin FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid WHERE c.relname = ANY($1::text[])',
		[[...names]],
	);
	if (rows[0]?.['check_xmin'] === true) {
		return 'cannot be measured inside a transaction on this table right now (another transaction is open: the new index is invisible to this one)';
	}
	return undefined;
}

/**
 * Builds the advice's indexes inside a transaction, times `query` with them, and rolls everything back.
 * CREATE INDEX holds a SHARE lock on radacct until the rollback: FreeRADIUS's accounting writes wait that long,
 * so the build gets {@link MEASURE_BUILD_TIMEOUT_MS} at the most; a SIGINT or SIGTERM meanwhile cancels it on the
 * server (pg_cancel_backend from another connection), rolls back, and throws {@link MeasureInterrupted}.
 */
export async function measureAdvice(
	db: Queryable,
	advice: IndexAdvice,
	query: SqlQuery,
	beforeMs: number,
	runs: number,
	options: MeasureOptions = {},
): Promise<Measurement> {
	const base = {advice: advice.id, beforeMs};
	const measure = advice.measure;
	if (!measure) return {...base, error: 'nothing to build'};
	if (typeof (db as Partial<LendingPool>).connect !== 'function') return {...base, error: 'needs a connection of its own'};
	const client = await (db as LendingPool).connect();
	const interrupts = options.interrupts ?? process;
	let interrupted: NodeJS.Signals | undefined;
	let cancelling: Promise<unknown> | undefined;
	let pid: number | undefined;
	const onSignal = (signal: NodeJS.Signals) => {
		interrupted ??= signal;
		// The build's own connection is busy: only another one can cancel it.
		if (pid !== undefined) cancelling ??= db.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
	};
	interrupts.once('SIGINT', onSignal);
	interrupts.once('SIGTERM', onSignal);
	const build = async (): Promise<Measurement> => {
		pid = Number((await client.query('SELECT pg_backend_pid() AS pid', [])).rows[0]?.['pid']);
		await client.query('BEGIN', []);
		try {
			// Waiting long for the lock would queue FreeRADIUS's writes behind this transaction.
			await client.query(`SET LOCAL statement_timeout = ${options.buildTimeoutMs ?? MEASURE_BUILD_TIMEOUT_MS}`, []);
			await client.query("SET LOCAL lock_timeout = '3s'", []);
			// PostgreSQL 14 and later end the build soon after radtop's connection goes away (killed, network lost).
			await client.query('SAVEPOINT radtop_doctor_check_interval', []);
			try {
				await client.query("SET LOCAL client_connection_check_interval = '1s'", []);
				await client.query('RELEASE SAVEPOINT radtop_doctor_check_interval', []);
			} catch {
				await client.query('ROLLBACK TO SAVEPOINT radtop_doctor_check_interval', []);
			}
			if (interrupted) throw new MeasureInterrupted(interrupted);
			if (measure.extension) await client.query(`CREATE EXTENSION IF NOT EXISTS ${measure.extension}`, []);
			const start = performance.now();
			for (const statement of measure.indexes) await client.query(statement, []);
			const buildMs = performance.now() - start;
			const unusable = await unusableReason(client, indexNames(measure.indexes));
			if (unusable) return {...base, buildMs, error: unusable};
			const after = await time(() => client.query(query.text, [...query.values]), runs);
			return {...base, afterMs: after.p50Ms, buildMs};
		} finally {
			await client.query('ROLLBACK', []);
		}
	};
	let measurement: Measurement;
	try {
		measurement = await build();
	} catch (error) {
		measurement = {...base, error: errorText(error)};
	} finally {
		interrupts.off('SIGINT', onSignal);
		interrupts.off('SIGTERM', onSignal);
		await cancelling;
		client.release();
	}
	if (interrupted) throw new MeasureInterrupted(interrupted);
	return measurement;
}

function errorText(error: unknown): string {
	return describeError(error);
}
