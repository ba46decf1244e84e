/** The bounded read of the audit log's end. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {readAuditTail} from '../../source/audit/audit-tail.js';

const dir = mkdtempSync(join(tmpdir(), 'radtop-audit-tail-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('readAuditTail', () => {
	it('a log within the bound is read whole', async () => {
		const path = join(dir, 'small.log');
		writeFileSync(path, '{"a":1}\n{"b":2}\n');
		expect(await readAuditTail(path, 1024)).toBe('{"a":1}\n{"b":2}\n');
	});

	it('a larger log: only its last bytes, from the first whole line', async () => {
		const path = join(dir, 'large.log');
		const lines = Array.from({length: 1000}, (_, index) => `{"line":${index}}`);
		writeFileSync(path, `${lines.join('\n')}\n`);
		const text = await readAuditTail(path, 100);
		expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100);
		const read = text.trim().split('\n');
		expect(read.at(-1)).toBe('{"line":999}');
		for (const line of read) expect(() => JSON.parse(line) as unknown).not.toThrow();
	});

	it('a missing log or a directory reads as empty', async () => {
		expect(await readAuditTail(join(dir, 'missing.log'))).toBe('');
		expect(await readAuditTail(dir)).toBe('');
	});
});
