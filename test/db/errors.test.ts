import {describe, expect, it} from 'vitest';
import {describeError, SchemaError} from '../../source/db/errors.js';

/** An error as Node's net module makes it. */
function systemError(code: string, fields: Record<string, unknown> = {}): Error {
	return Object.assign(new Error(`connect ${code} something`), {code, ...fields});
}

describe('describeError', () => {
	it('explains a refused connection with the address and port', () => {
		expect(describeError(systemError('ECONNREFUSED', {errno: -111, address: '127.0.0.1', port: 5432}))).toBe(
			'connection refused (127.0.0.1:5432)',
		);
		expect(describeError(systemError('ECONNREFUSED', {address: '/var/run/postgresql/.s.PGSQL.5432'}))).toBe(
			'connection refused (/var/run/postgresql/.s.PGSQL.5432)',
		);
		expect(describeError(systemError('ECONNREFUSED'))).toBe('connection refused');
	});

	it('explains an unknown host with the host name', () => {
		expect(describeError(systemError('ENOTFOUND', {hostname: 'db1.invalid'}))).toBe('host not found (db1.invalid)');
		expect(describeError(systemError('EAI_AGAIN', {hostname: 'db1'}))).toBe('host name lookup failed (db1)');
	});

	it('maps the other network errors', () => {
		expect(describeError(systemError('ETIMEDOUT', {address: '10.0.0.5', port: 5432}))).toBe('connection timed out (10.0.0.5:5432)');
		expect(describeError(systemError('EHOSTUNREACH'))).toBe('host unreachable');
		expect(describeError(systemError('ECONNRESET'))).toBe('connection reset');
	});

	it("shows PostgreSQL's own message for a server error", () => {
		const error = Object.assign(new Error('password authentication failed for user "radius"'), {code: '28P01', severity: 'FATAL'});
		expect(describeError(error)).toBe('password authentication failed for user "radius"');
		expect(describeError(Object.assign(new Error('database "radiuss" does not exist'), {code: '3D000'}))).toBe(
			'database "radiuss" does not exist',
		);
	});

	it('falls back to a SQLSTATE explanation when the server gave no message', () => {
		expect(describeError({code: '28P01', message: ''})).toBe('password authentication failed');
		expect(describeError({code: '57014'})).toBe('unknown error');
	});

	it('keeps the first line of a multi-line message, trimmed', () => {
		const error = new Error('  relation "radacct" does not exist  \nLINE 1: SELECT * FROM radacct\n              ^');
		expect(describeError(error)).toBe('relation "radacct" does not exist');
	});

	it("recognises pg's timeout and termination messages", () => {
		expect(describeError(new Error('timeout expired'))).toBe('connection timed out');
		expect(describeError(new Error('Connection terminated due to connection timeout'))).toBe('connection timed out');
		expect(describeError(new Error('Connection terminated unexpectedly'))).toBe('connection closed by the server');
	});

	it('passes a SchemaError through unchanged', () => {
		const error = new SchemaError('radacct lacks FreeRADIUS column acctupdatetime');
		expect(error.name).toBe('SchemaError');
		expect(describeError(error)).toBe('radacct lacks FreeRADIUS column acctupdatetime');
	});

	it('describes a thrown non-Error value by its text', () => {
		expect(describeError('boom')).toBe('boom');
		expect(describeError(42)).toBe('42');
		expect(describeError('first\nsecond')).toBe('first');
		expect(describeError({})).toBe('unknown error');
	});

	it('never returns more than one line or a stack trace', () => {
		const error = new Error('bad thing');
		expect(error.stack).toContain('\n');
		const text = describeError(error);
		expect(text).toBe('bad thing');
		expect(text).not.toMatch(/\n|\bat /);
	});
});
