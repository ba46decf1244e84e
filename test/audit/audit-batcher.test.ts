import {describe, expect, it} from 'vitest';
import {AuditBatcher} from '../../source/audit/audit-batcher.js';

interface Batch {
	readonly batch: number;
	readonly entries: readonly string[];
}

/** A sink that keeps the records, each write taking `delayMs`. */
function sink(delayMs = 0, fail?: (record: Batch) => boolean) {
	const records: Batch[] = [];
	return {
		records,
		async append(record: Batch) {
			await new Promise((resolve) => setTimeout(resolve, delayMs));
			if (fail?.(record)) throw new Error('disk full');
			records.push(record);
		},
	};
}

const batcher = (target: ReturnType<typeof sink>, size = 3, intervalMs = 1000) =>
	new AuditBatcher<string, Batch>({sink: target, record: (entries, batch) => ({batch, entries}), size, intervalMs});

describe('AuditBatcher', () => {
	it('writes a record every `size` entries, in order', async () => {
		const target = sink();
		const journal = batcher(target);
		for (const id of ['1', '2', '3', '4', '5', '6', '7']) journal.add(id, `e${id}`);
		await journal.flush();
		expect(target.records).toEqual([
			{batch: 1, entries: ['e1', 'e2', 'e3']},
			{batch: 2, entries: ['e4', 'e5', 'e6']},
			{batch: 3, entries: ['e7']},
		]);
	});

	it('writes what waits after `intervalMs` even when the batch is not full', async () => {
		const target = sink();
		const journal = batcher(target, 100, 50);
		journal.add('1', 'e1');
		expect(target.records).toEqual([]);
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(target.records).toEqual([{batch: 1, entries: ['e1']}]);
		await journal.close();
	});

	it('keeps a key once per batch, with its latest entry', async () => {
		const target = sink();
		const journal = batcher(target, 10);
		journal.add('1', 'sent 1');
		journal.add('2', 'sent 2');
		journal.add('1', 'ack 1');
		await journal.flush();
		expect(target.records).toEqual([{batch: 1, entries: ['ack 1', 'sent 2']}]);
	});

	it('room() waits while a batch is unwritten, so the log is never more than one batch behind', async () => {
		const target = sink(30);
		const journal = batcher(target, 3);
		let most = 0;
		for (let index = 0; index < 20; index++) {
			await journal.room();
			journal.add(String(index), `e${index}`);
			most = Math.max(most, journal.unwritten);
			// Written entries: never fewer than those added less a batch.
			expect(target.records.flatMap((record) => record.entries).length).toBeGreaterThanOrEqual(index + 1 - 3);
		}
		await journal.flush();
		expect(most).toBeLessThanOrEqual(3);
		expect(target.records.flatMap((record) => record.entries)).toHaveLength(20);
	});

	it('close() drops what is pending, waits for the write under way and takes nothing more', async () => {
		const target = sink(20);
		const journal = batcher(target, 2);
		journal.add('1', 'e1');
		journal.add('2', 'e2');
		journal.add('3', 'e3');
		await journal.close();
		journal.add('4', 'e4');
		await new Promise((resolve) => setTimeout(resolve, 40));
		expect(target.records).toEqual([{batch: 1, entries: ['e1', 'e2']}]);
	});

	it('a failed write is kept as the failure; room() no longer waits and later entries are dropped', async () => {
		const target = sink(0, (record) => record.batch === 1);
		const journal = batcher(target, 2);
		journal.add('1', 'e1');
		journal.add('2', 'e2');
		await journal.room();
		expect(await journal.flush()).toBeInstanceOf(Error);
		expect(journal.failure).toBeInstanceOf(Error);
		journal.add('3', 'e3');
		expect(journal.unwritten).toBe(0);
		expect(target.records).toEqual([]);
	});
});
