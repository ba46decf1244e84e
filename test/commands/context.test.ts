import {afterEach, describe, expect, it, vi} from 'vitest';
import {isDatabaseError, reportError} from '../../source/commands/context.js';

const errno = (code: string, message: string) => Object.assign(new Error(message), {code});

afterEach(() => {
	vi.restoreAllMocks();
});

describe('isDatabaseError', () => {
	it("is a SQLSTATE (five characters with a digit) or an error carrying pg's severity", () => {
		for (const code of ['42P01', '57014', '28P01', '08006', '3D000']) expect(isDatabaseError(errno(code, 'x')), code).toBe(true);
		expect(isDatabaseError(Object.assign(new Error('x'), {severity: 'FATAL'}))).toBe(true);
	});

	it('is not a five-letter errno, nor anything without a code', () => {
		for (const code of ['EPERM', 'EROFS', 'EBUSY', 'ENOENT', 'EADDRINUSE', 'ECONNREFUSED', '42p01', '4201']) {
			expect(isDatabaseError(errno(code, 'x')), code).toBe(false);
		}
		for (const value of [new Error('x'), null, undefined, 'EPERM', {code: 42_601}]) expect(isDatabaseError(value)).toBe(false);
	});
});

describe('reportError', () => {
	it('says "database error" only for the database\'s errors', () => {
		const lines: string[] = [];
		vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
			lines.push(String(chunk));
			return true;
		});
		expect(reportError(errno('EPERM', "EPERM: operation not permitted, open '/etc/radtop/audit.log'"), [])).toBe(1);
		expect(reportError(errno('EROFS', 'EROFS: read-only file system'), [])).toBe(1);
		expect(reportError(errno('42P01', 'relation "radacct" does not exist'), [])).toBe(1);
		expect(lines[0]).not.toContain('database error');
		expect(lines[1]).not.toContain('database error');
		expect(lines[2]).toMatch(/^radtop: database error: /);
	});
});
