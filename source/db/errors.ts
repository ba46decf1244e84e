/**
 * One clear line for whatever went wrong talking to PostgreSQL, never a stack trace and never a password.
 * Pure: it looks only at the error's code and message.
 */

interface ErrorLike {
	readonly code?: string;
	readonly message?: string;
	readonly errno?: number;
	readonly address?: string;
	readonly port?: number;
	readonly hostname?: string;
}

/** Why a database is not usable by radtop (no radacct, a radacct without FreeRADIUS's columns). */
export class SchemaError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SchemaError';
	}
}

const SQLSTATE: Record<string, string> = {
	'28P01': 'password authentication failed',
	'28000': 'not allowed to connect (pg_hba.conf or role)',
	'3D000': 'database does not exist',
	'42P01': 'a table radtop needs does not exist',
	'42501': 'permission denied',
	'57P01': 'the server is shutting down',
	'57P03': 'the server is starting up or not accepting connections',
	'57014': 'query cancelled (statement timeout)',
	'53300': 'too many connections',
	'08006': 'connection failure',
	'08001': 'could not establish a connection',
};

const NODE_CODES: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ETIMEDOUT: 'connection timed out',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
	EPIPE: 'connection closed',
};

/** A short, human explanation of any error: a database, socket or file system one ("connection refused (127.0.0.1:5432)"). */
export function describeError(error: unknown): string {
	if (error instanceof SchemaError) return error.message;
	const e = (typeof error === 'object' && error !== null ? error : {message: String(error)}) as ErrorLike;
	const code = e.code ?? '';
	const where = e.address ? ` (${e.address}${e.port ? `:${e.port}` : ''})` : e.hostname ? ` (${e.hostname})` : '';
	if (NODE_CODES[code]) return `${NODE_CODES[code]}${where}`;
	const message = (e.message ?? 'unknown error').split('\n')[0]!.trim();
	if (/timeout expired|Connection terminated due to connection timeout/i.test(message)) return 'connection timed out';
	if (/Connection terminated unexpectedly/i.test(message)) return 'connection closed by the server';
	if (SQLSTATE[code] && !message) return SQLSTATE[code]!;
	return message;
}
