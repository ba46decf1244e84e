/**
 * runSweep on a real database (PostgreSQL with DATABASE_URL, else PGlite) when the database fails after the
 * close committed: what was closed is still reported and audited.
 */
import {PassThrough} from 'node:stream';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import type {CommandContext} from '../../source/commands/context.js';
import {parseSweepFlags, runSweep} from '../../source/commands/sweep.js';
import {probeRadacctColumns} from '../../source/db/radacct-columns.js';
import {NasRegistry} from '../../source/nas/registry.js';
import type {SweepAuditRecord} from '../../source/sweep/audit-records.js';
import type {TransactionalDb} from '../../source/sweep/sweep.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
	database = await createTestDatabase();
});

afterAll(async () => {
	await database?.close();
});

beforeEach(async () => {
	await database.pool.query('DELETE FROM radacct');
});

function output(): {stream: NodeJS.WriteStream; text: () => string} {
	const stream = new PassThrough();
	let text = '';
	stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
	return {stream: stream as unknown as NodeJS.WriteStream, text: () => text};
}

describe('runSweep', () => {
	it('reports and audits the sessions it closed when reading again the ones it left alone fails', async () => {
		const [ghost, revived] = await insertSessions(database.pool, [
			{username: 'ghost', startedAgo: 7200, updatedAgo: 4000},
			{username: 'revived', startedAgo: 7200, updatedAgo: 4000},
		]);
		let interimSent = false;
		// An interim update for "revived" lands just before the close; the read after the close fails.
		const pool: TransactionalDb = {
			query: async (text: string, values?: unknown[]) => {
				if (text.includes('acctstoptime IS NOT NULL AS stopped')) throw new Error('connection terminated unexpectedly');
				return database.pool.query(text, values);
			},
			connect: async () => {
				const client = await database.pool.connect();
				return {
					query: async (text: string, values?: unknown[]) => {
						if (text.startsWith('UPDATE radacct') && !interimSent) {
							interimSent = true;
							await client.query('UPDATE radacct SET acctupdatetime = now() WHERE radacctid = $1::bigint', [revived]);
						}
						return client.query(text, values);
					},
					release: (error?: Error | boolean) => client.release(error),
				};
			},
		};
		const context = {
			profile: {},
			database: {label: 'test', pool, close: async () => undefined},
			primary: {label: 'test', pool, close: async () => undefined},
			source: {columns: (await probeRadacctColumns(database.pool)).readable},
			registry: NasRegistry.from([]),
			nasOverrides: [],
			secrets: [],
		} as unknown as CommandContext;
		const records: SweepAuditRecord[] = [];
		const stdout = output();
		const stderr = output();
		const code = await runSweep(context, parseSweepFlags({apply: true, yes: true, json: true}), {
			stdout: stdout.stream,
			stderr: stderr.stream,
			stdinIsTerminal: false,
			audit: {append: async (record) => void records.push(record)},
		});
		expect(code).toBe(3);
		const result = JSON.parse(stdout.text()) as {entries: Array<{radacctid: string; outcome: string; detail: string}>};
		expect(result.entries.find((entry) => entry.radacctid === ghost)).toMatchObject({outcome: 'closed'});
		const left = result.entries.find((entry) => entry.radacctid === revived)!;
		expect(left.outcome).toBe('updated');
		expect(left.detail).toContain('connection terminated unexpectedly');
		const end = records.at(-1) as unknown as {error: string | null; totals: Record<string, number>};
		expect(end.error).toBeNull();
		expect(end.totals).toMatchObject({closed: 1, updated: 1});
	});
});
