/** The one error type of the RouterOS API client, and the words it uses for socket failures. */

/**
 * What went wrong, for callers that act on it:
 * - `connect`: the TCP connection could not be made (refused, unreachable, name not found);
 * - `tls`: TLS setup or handshake failed (certificate, cipher);
 * - `login`: the router refused the user name or password;
 * - `timeout`: connecting took longer than `connectTimeoutMs`, or a command got no `!done` in `commandTimeoutMs`;
 * - `trap`: the router answered a command with `!trap` (see {@link RouterOsError.routerMessage});
 * - `fatal`: the router ended the session with `!fatal`;
 * - `protocol`: the router sent bytes that are not the API wire format (the `cause` is the decoder's
 *   RouterOsProtocolError);
 * - `closed`: the connection was lost or closed, so the command's outcome is unknown;
 * - `aborted`: the caller's AbortSignal fired.
 */
export type RouterOsErrorKind = 'connect' | 'tls' | 'login' | 'timeout' | 'trap' | 'fatal' | 'protocol' | 'closed' | 'aborted';

/** Optional parts of a {@link RouterOsError}. */
export interface RouterOsErrorDetails {
	readonly cause?: unknown;
	readonly routerMessage?: string;
	readonly category?: number;
}

/** Any failure of the RouterOS API client. The message is one human line naming the router; never a password. */
export class RouterOsError extends Error {
	override readonly name = 'RouterOsError';
	readonly kind: RouterOsErrorKind;
	/** The router's own text for `trap` and `fatal`, e.g. "no such item". */
	readonly routerMessage?: string;
	/** The `=category=` of a `!trap` when the router sent one (API doc, "Reply word": 0..7). */
	readonly category?: number;

	constructor(message: string, kind: RouterOsErrorKind, details: RouterOsErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : {cause: details.cause});
		this.kind = kind;
		if (details.routerMessage !== undefined) {
			this.routerMessage = details.routerMessage;
		}

		if (details.category !== undefined) {
			this.category = details.category;
		}
	}
}

const SOCKET_ERRORS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset by the router',
	ECONNABORTED: 'connection aborted',
	EPIPE: 'connection closed by the router',
	ETIMEDOUT: 'connection timed out',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EHOSTDOWN: 'host down',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
};

/** A socket error in plain words (`connection refused`), or its own message for a code without any. */
export function socketErrorText(error: Error): string {
	return SOCKET_ERRORS[(error as NodeJS.ErrnoException).code ?? ''] ?? errorText(error);
}

/** An error's message, or the thrown value as text. */
export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
