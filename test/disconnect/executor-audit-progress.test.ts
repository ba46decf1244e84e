/**
 * The audit log of a running disconnect: the begin record lists every session, progress records follow in
 * batches of at most 100 sessions, and at any moment the log is at most one batch behind what was sent.
 */
import {describe, expect, it} from 'vitest';
import type {AuditBeginRecord, AuditProgressRecord, DisconnectAuditRecord} from '../../source/disconnect/audit-records.js';
import {executeDisconnect} from '../../source/disconnect/executor.js';
import type {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import type {TestDatabase} from '../helpers/test-database.js';
import {insertBulk} from './fixtures.js';
import {depsFor, MemoryAudit, registryFor, SECRET, setUpExecutorWorld} from './harness.js';

let database: TestDatabase;
let coaClient: CoaClient;
let nas: FakeCoaNas | undefined;
setUpExecutorWorld({
	setDatabase: (value) => (database = value),
	setCoaClient: (value) => (coaClient = value),
	async cleanup() {
		await nas?.close();
		nas = undefined;
	},
});

/** A NAS answering every request with an ACK after `delayMs`. */
async function slowNas(delayMs: number): Promise<FakeCoaNas> {
	const fake: FakeCoaNas = await startFakeCoaNas({
		secret: SECRET,
		answer: (request) => {
			// An answer due after the test closed the NAS has nowhere to go: dropped, as a NAS that went away.
			setTimeout(
				() => fake.sendRaw(fake.encodeAnswer(request, {code: PacketCode.DisconnectAck}), request.from).catch(() => undefined),
				delayMs,
			);
			return undefined;
		},
	});
	return fake;
}

/** Sessions the progress records say were sent (a `sent` entry, or an outcome with a method). */
function loggedSent(records: readonly DisconnectAuditRecord[]): Set<string> {
	const sent = new Set<string>();
	for (const record of records) {
		if (record.event !== 'disconnect.progress') continue;
		for (const entry of record.sent) sent.add(entry.radacctid);
		for (const entry of record.outcomes) if (entry.method !== null) sent.add(entry.radacctid);
	}
	return sent;
}

describe('the audit records of a running disconnect', () => {
	it('begin lists every session; progress records of at most 100 sessions keep up with what is sent', async () => {
		const ids = await insertBulk(database.pool, 450, '10.20.0.1', 'prog');
		nas = await slowNas(30);
		const audit = new MemoryAudit();
		// What the log holds each time the NAS receives a request: it is never more than a batch behind.
		const behind: number[] = [];
		const fake = nas;
		const watched: Pick<CoaClient, 'send'> = {
			send: (target, request, signal) => {
				const promise = coaClient.send(target, request, signal);
				behind.push(fake.received.length + 1 - loggedSent(audit.records).size);
				return promise;
			},
		};
		const result = await executeDisconnect(
			{kind: 'nas', nasIps: ['10.20.0.1']},
			{...depsFor(database, registryFor(nas), coaClient, audit), coaClient: watched},
			{method: 'coa', concurrencyPerNas: 16, confirmStopWithinMs: 0, reason: 'maintenance'},
		);
		expect(result.totals.coa).toBe(450);
		const begin = audit.records[0] as AuditBeginRecord;
		expect(begin.event).toBe('disconnect.begin');
		expect(begin.sessions.map((session) => session.radacctid)).toEqual(ids);
		expect(begin.sessions[0]).toEqual({
			radacctid: ids[0],
			username: 'prog1',
			acctsessionid: 'prog-s1',
			nas: 'bng-1',
			nasIp: '10.20.0.1',
		});
		const progress = audit.records.filter((record): record is AuditProgressRecord => record.event === 'disconnect.progress');
		// 450 sessions, at most 100 to a record: four full records at least (the last part may go with the end record).
		expect(progress.length).toBeGreaterThanOrEqual(4);
		expect(progress.map((record) => record.batch)).toEqual(progress.map((_record, index) => index + 1));
		for (const record of progress) expect(record.sent.length + record.outcomes.length).toBeLessThanOrEqual(100);
		// Every outcome, each once (a session's outcome is never in two records), before the end record.
		const outcomes = progress.flatMap((record) => record.outcomes.map((entry) => entry.radacctid));
		expect(new Set(outcomes).size).toBe(outcomes.length);
		expect(audit.records.at(-1)!.event).toBe('disconnect.end');
		expect(Math.max(...behind)).toBeLessThanOrEqual(100);
		// Secrets stay out of every record.
		expect(JSON.stringify(audit.records)).not.toContain(SECRET);
	});

	it('a dry run writes no progress records', async () => {
		await insertBulk(database.pool, 150, '10.20.0.1', 'dry');
		nas = await slowNas(0);
		const audit = new MemoryAudit();
		await executeDisconnect({kind: 'nas', nasIps: ['10.20.0.1']}, depsFor(database, registryFor(nas), coaClient, audit), {
			method: 'coa',
			dryRun: true,
		});
		expect(audit.records.map((record) => record.event)).toEqual(['disconnect.begin', 'disconnect.end']);
		expect((audit.records[0] as AuditBeginRecord).sessions).toHaveLength(150);
	});

	it('a progress record that cannot be written stops the sending: the rest are not sent, the end says why', async () => {
		await insertBulk(database.pool, 300, '10.20.0.1', 'full');
		nas = await slowNas(5);
		const records: DisconnectAuditRecord[] = [];
		const audit = {
			async append(record: DisconnectAuditRecord) {
				if (record.event === 'disconnect.progress') throw new Error('disk full');
				records.push(record);
			},
		};
		const result = await executeDisconnect(
			{kind: 'nas', nasIps: ['10.20.0.1']},
			depsFor(database, registryFor(nas), coaClient, audit as MemoryAudit),
			{
				method: 'coa',
				concurrencyPerNas: 8,
				confirmStopWithinMs: 0,
				auditBatchSize: 20,
			},
		);
		expect(result.aborted).toBe(true);
		expect(result.totals.not_sent).toBeGreaterThan(200);
		expect(result.auditError).toMatch(/disk full/);
		expect(nas.received.length).toBeLessThanOrEqual(40);
		expect(records.map((record) => record.event)).toEqual(['disconnect.begin', 'disconnect.end']);
	});
});
