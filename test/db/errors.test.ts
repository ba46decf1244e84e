import {describe, expect, it} from 'vitest';
import {describeDatabaseError, SchemaError} from '../../source/db/errors.js';

/** An error as Node's net module makes it. */
function systemError(code: string, fields: Record<string, unknown> = {}): Error {
	return Object.assign(new Error(`connect ${code} something`), {code, ...fields});
}

describe('describeDatabaseError', () => {
	it('explains a refused connection with the address and port', () => {
		expect(describeDatabaseError(systemError('ECONNREFUSED', {errno: -111, address: '127.0.0.1', port: 5432}))).toBe(
			'connection refused (127.0.0.1:5432)',
		);
		expect(describeDatabaseError(systemError('ECONNREFUSED', {address: '/var/run/postgresql/.s.PGSQL.5432'}))).toBe(
			'connection refused (/var/run/postgresql/.s.PGSQL.5432)',
		);
		expect(describeDatabaseError(systemError('ECONNREFUSED'))).toBe('connection refused');
	});

	it('explains an unknown host with the host name', () => {
		expect(describeDatabaseError(systemError('ENOTFOUND', {hostname: 'db1.invalid'}))).toBe('host not found (db1.invalid)');
		expect(describeDatabaseError(systemError('EAI_AGAIN', {hostname: 'db1'}))).toBe('host name lookup failed (db1)');
	});

	it('maps the other network errors', () => {
		expect(describeDatabaseError(systemError('ETIMEDOUT', {address: '10.0.0.5', port: 5432}))).toBe(
			'connection timed out (10.0.0.5:5432)',
		);
		expect(describeDatabaseError(systemError('EHOSTUNREACH'))).toBe('host unreachable');
		expect(describeDatabaseError(systemError('ECONNRESET'))).toBe('connection reset');
	});

	it("shows PostgreSQL's own message for a server error", () => {
		const error = Object.assign(new Error('password authentication failed for user "radius"'), {code: '28P01', severity: 'FATAL'});
		expect(describeDatabaseError(error)).toBe('password authentication failed for user "radius"');
		expect(describeDatabaseError(Object.assign(new Error('database "radiuss" does not exist'), {code: '3D000'}))).toBe(
			'database "radiuss" does not exist',
		);
	});

	it('falls back to a SQLSTATE explanation when the server gave no message', () => {
		expect(describeDatabaseError({code: '28P01', message: ''})).toBe('password authentication failed');
		expect(describeDatabaseError({code: '57014'})).toBe('unknown error');
	});

	it('keeps the first line of a multi-line message, trimmed', () => {
		const error = new Error('  relation "radacct" does not exist  \nLINE 1: SELECT * FROM radacct\n              ^');
		expect(describeDatabaseError(error)).toBe('relation "radacct" does not exist');
	});

	it("recognises pg's timeout and termination messages", () => {
		expect(describeDatabaseError(new Error('timeout expired'))).toBe('connection timed out');
		expect(describeDatabaseError(new Error('Connection terminated due to connection timeout'))).toBe('connection timed out');
		expect(describeDatabaseError(new Error('Connection terminated unexpectedly'))).toBe('connection closed by the server');
	});

	it('passes a SchemaError through unchanged', () => {
		const error = new SchemaError('radacct lacks FreeRADIUS column acctupdatetime');
		expect(error.name).toBe('SchemaError');
		expect(describeDatabaseError(error)).toBe('radacct lacks FreeRADIUS column acctupdatetime');
	});

	it('describes a thrown non-Error value by its text', () => {
		expect(describeDatabaseError('boom')).toBe('boom');
		expect(describeDatabaseError(42)).toBe('42');
		expect(describeDatabaseError('first\nsecond')).toBe('first');
		expect(describeDatabaseError({})).toBe('unknown error');
	});

	it('never returns more than one line or a stack trace', () => {
		const error = new Error('bad thing');
		expect(error.stack).toContain('\n');
		const text = describeDatabaseError(error);
		expect(text).toBe('bad thing');
		expect(text).not.toMatch(/\n|\bat /);
	});
});
