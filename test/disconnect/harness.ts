/**
 * The executor tests' world: a throwaway radacct, a CoA client with short timeouts, fake NAS on loopback and an
 * in-memory audit sink.
 */
import type {NasOverride} from '../../source/nas/nas-override.js';
import type {DisconnectAuditRecord, DisconnectAuditSink} from '../../source/disconnect/audit-records.js';
import type {DisconnectDeps} from '../../source/disconnect/executor.js';
import {NasRegistry} from '../../source/nas/registry.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import {getString} from '../../source/radius/packet.js';
import type {FakeCoaNas, ReceivedRequest} from '../helpers/fake-coa-nas.js';
import {afterAll, afterEach, beforeAll, beforeEach, expect, vi} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

export const SECRET = 'coa-Secret-for-bng-1';
export const API_PASSWORD = 'api-Pa55word-bng-1';

/** An audit sink that keeps the records. */
export class MemoryAudit implements DisconnectAuditSink {
	readonly records: DisconnectAuditRecord[] = [];

	async append(record: DisconnectAuditRecord): Promise<void> {
		this.records.push(structuredClone(record));
	}
}

/** A registry with bng-1 (10.20.0.1) answering CoA at the fake NAS. */
export function registryFor(fake: FakeCoaNas, extra: Partial<NasOverride> = {}, more: readonly NasOverride[] = []): NasRegistry {
	return NasRegistry.from(
		[],
		[
			{ip: '10.20.0.1', name: 'bng-1', secret: SECRET, coaHost: fake.address, coaPort: fake.port, vendor: 'mikrotik', ...extra},
			...more,
		],
	);
}

/** A CoA client with test timeouts: 200 ms, 2 retries (3 tries in 0.6 s). */
export function testCoaClient(): CoaClient {
	return new CoaClient({timeoutMs: 200, retries: 2});
}

/** The executor's dependencies for a test. */
export function depsFor(
	database: TestDatabase,
	registry: NasRegistry,
	coaClient: CoaClient,
	audit = new MemoryAudit(),
): DisconnectDeps & {audit: MemoryAudit} {
	return {db: database.pool, registry, coaClient, audit};
}

/** The Acct-Session-Id a request carries. */
export function sessionIdOf(request: ReceivedRequest): string {
	return (request.packet && getString(request.packet, 'Acct-Session-Id')) ?? '';
}

/** How many requests the fake NAS got per Acct-Session-Id. */
export function requestsPerSession(fake: FakeCoaNas): Map<string, number> {
	const counts = new Map<string, number>();
	for (const request of fake.received) counts.set(sessionIdOf(request), (counts.get(sessionIdOf(request)) ?? 0) + 1);
	return counts;
}

/**
 * Registers the executor tests' lifecycle: one throwaway database per file (radacct emptied before each test),
 * a fresh test CoA client per test, `cleanup` after each test, and no unhandled rejection allowed.
 */
export function setUpExecutorWorld(world: {
	readonly setDatabase: (database: TestDatabase) => void;
	readonly setCoaClient: (client: CoaClient) => void;
	readonly cleanup: () => Promise<void>;
}): void {
	const unhandled = vi.fn();
	let database: TestDatabase | undefined;
	let client: CoaClient | undefined;

	beforeAll(async () => {
		process.on('unhandledRejection', unhandled);
		database = await createTestDatabase();
		world.setDatabase(database);
	});

	afterAll(async () => {
		process.off('unhandledRejection', unhandled);
		await database?.close();
	});

	beforeEach(async () => {
		await database!.pool.query('TRUNCATE radacct');
		client = testCoaClient();
		world.setCoaClient(client);
	});

	afterEach(async () => {
		await client?.close();
		await world.cleanup();
		expect(unhandled).not.toHaveBeenCalled();
	});
}
