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
	/** Told once when an existing log others could read was made 0600 (`mode` is what it was). */
	readonly onTightened?: (path: string, mode: number) => void;
}

/** The line a command prints when it made an audit log others could read 0600. */
export function tightenedNotice(path: string, mode: number): string {
	return `radtop: the audit log ${path} was readable by other users (mode ${mode.toString(8).padStart(4, '0')}): it is 0600 now\n`;
}

/** An audit log other users may read, whose mode radtop may not change: nothing is appended to it. */
export class AuditLogModeError extends Error {
	constructor(path: string, mode: number, cause: unknown) {
		super(
			`the audit log ${path} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}) and radtop may not make it 0600 ` +
				`(${(cause as {code?: string}).code ?? String(cause)}): nothing was written; chmod 600 it or choose another audit-log`,
		);
		this.name = 'AuditLogModeError';
	}
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
	readonly #onTightened: AuditLogOptions['onTightened'];
	#modeChecked = false;

	constructor(options: AuditLogOptions = {}) {
		this.path = options.path ?? defaultAuditLogPath(options.env);
		this.#secrets = (options.secrets ?? []).filter((secret) => secret.length >= 3);
		this.#onTightened = options.onTightened;
	}

	/** Writes any record as one JSON line. */
	async append(record: object): Promise<void> {
		const line = Buffer.from(`${JSON.stringify(record, (_key, value: unknown) => this.#scrub(value))}\n`, 'utf8');
		await mkdir(dirname(this.path), {recursive: true, mode: 0o700});
		const file = await open(this.path, 'a', 0o600);
		try {
			// A log made by hand, or by an older radtop, may be readable by all: who was cut and why is not theirs.
			if (!this.#modeChecked) {
				const {mode} = await file.stat();
				if ((mode & 0o077) !== 0) {
					try {
						await file.chmod(0o600);
					} catch (error) {
						throw new AuditLogModeError(this.path, mode & 0o7777, error);
					}
					this.#onTightened?.(this.path, mode & 0o7777);
				}
				this.#modeChecked = true;
			}
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
