/**
 * The audit log: one JSON object per line, appended, never rewritten. Each line goes out in a single write()
 * on a file opened for appending (O_APPEND, so concurrent radtop processes do not interleave) and is fsynced
 * before the action goes on: a crash leaves every earlier line complete. No record carries a secret: they are
 * built from names and addresses only, and every string is scrubbed of the known secrets on top of that.
 * The log knows nothing of what a record says: the actions that write it define their records.
 */
import {mkdir, open} from 'node:fs/promises';
import {homedir, userInfo} from 'node:os';
import {dirname, join} from 'node:path';
import {scrubSecrets} from '../config/secrets.js';

/** Who acted: the OS user, the sudo caller behind it, and the SSH client's address. */
export interface Operator {
	readonly user: string;
	/** `SUDO_USER`, when radtop runs under sudo. */
	readonly sudoUser?: string;
	/** The first field of `SSH_CLIENT`, null for a local session. */
	readonly sshClient: string | null;
}

/**
 * Where audit records go; {@link AuditLog} is the real one. Each action defines its own records (a disconnect's
 * in disconnect/audit-records.ts, a sweep's in sweep/audit-records.ts) and types its sink with them.
 */
export interface AuditSink<R extends object = object> {
	/** Resolves once the record is durably written; rejects when it could not be. */
	append(record: R): Promise<void>;
}

/** Options of {@link AuditLog}. */
export interface AuditLogOptions {
	/** The file; default {@link defaultAuditLogPath}. */
	readonly path?: string;
	/** Scrubbed from every string written, as a last line of defence (e.g. NasRegistry.secrets()). */
	readonly secrets?: readonly string[];
	readonly env?: NodeJS.ProcessEnv;
}

/** `$XDG_STATE_HOME/radtop/audit.log`, else `~/.local/state/radtop/audit.log` (XDG Base Directory spec). */
export function defaultAuditLogPath(env: NodeJS.ProcessEnv = process.env): string {
	const state = env['XDG_STATE_HOME'];
	// The spec says a relative XDG_STATE_HOME is invalid and must be ignored.
	const base = state && state.startsWith('/') ? state : join(env['HOME'] || homedir(), '.local', 'state');
	return join(base, 'radtop', 'audit.log');
}

/** The operator of this process. */
export function currentOperator(env: NodeJS.ProcessEnv = process.env): Operator {
	let user: string;
	try {
		user = userInfo().username;
	} catch {
		// A uid without a passwd entry (containers): userInfo() throws.
		user = env['USER'] || env['LOGNAME'] || `uid ${process.getuid?.() ?? 'unknown'}`;
	}
	const sshClient = env['SSH_CLIENT']?.trim().split(/\s+/)[0] || null;
	const sudoUser = env['SUDO_USER'];
	return sudoUser ? {user, sudoUser, sshClient} : {user, sshClient};
}

/** An append-only JSON-lines file; the directory is created 0700 and the file 0600. */
export class AuditLog implements AuditSink {
	readonly path: string;
	readonly #secrets: readonly string[];

	constructor(options: AuditLogOptions = {}) {
		this.path = options.path ?? defaultAuditLogPath(options.env);
		this.#secrets = (options.secrets ?? []).filter((secret) => secret.length >= 3);
	}

	/** Writes any record as one JSON line. */
	async append(record: object): Promise<void> {
		const line = Buffer.from(`${JSON.stringify(record, (_key, value: unknown) => this.#scrub(value))}\n`, 'utf8');
		await mkdir(dirname(this.path), {recursive: true, mode: 0o700});
		const file = await open(this.path, 'a', 0o600);
		try {
			let written = 0;
			while (written < line.length) {
				const {bytesWritten} = await file.write(line, written, line.length - written);
				written += bytesWritten;
			}
			await file.sync();
		} finally {
			await file.close();
		}
	}

	#scrub(value: unknown): unknown {
		return typeof value === 'string' && this.#secrets.length > 0 ? scrubSecrets(value, this.#secrets) : value;
	}
}
