/** How to reach and log in to one router's API, and the checks and defaults applied before connecting. */
import {formatEndpoint} from '../net/address.js';
import type {ConnectionOptions} from 'node:tls';

/** Plain API port (RouterOS `/ip service` "api"). */
export const ROUTEROS_API_PORT = 8728;
/** TLS API port (RouterOS `/ip service` "api-ssl"). */
export const ROUTEROS_API_TLS_PORT = 8729;

/**
 * TLS settings passed through to `tls.connect`. Certificates are verified by default; turning that off takes an
 * explicit `rejectUnauthorized: false`. A RouterOS api-ssl service without a certificate only offers anonymous
 * Diffie-Hellman ciphers, which OpenSSL refuses unless `ciphers` allows them (e.g. `'ADH-AES128-SHA256:@SECLEVEL=0'`).
 */
export type RouterOsTlsOptions = Pick<
	ConnectionOptions,
	'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername' | 'ciphers' | 'minVersion' | 'checkServerIdentity'
>;

/** How to reach and log in to one router's API. */
export interface RouterOsConnectOptions {
	readonly host: string;
	/** Default 8729 with `tls`, else 8728. */
	readonly port?: number;
	/** Use the api-ssl service (TLS) instead of plain TCP. Default false. */
	readonly tls?: boolean;
	readonly tlsOptions?: RouterOsTlsOptions;
	readonly user: string;
	/** Sent only inside the `/login` sentence; never part of any error message. */
	readonly password: string;
	/** Name used in error messages, e.g. the NAS name "bng-2"; default "RouterOS". */
	readonly name?: string;
	/** Budget for TCP connect, TLS handshake and login together. Default 5000. */
	readonly connectTimeoutMs?: number;
	/** How long each command may wait for its `!done`. Default 5000. */
	readonly commandTimeoutMs?: number;
	/** Aborting cancels the connection attempt, or closes the client once connected. */
	readonly signal?: AbortSignal;
}

/** {@link RouterOsConnectOptions} with the defaults applied, and the label error messages start with. */
export interface ResolvedConnectOptions {
	readonly tls: boolean;
	readonly port: number;
	readonly connectTimeoutMs: number;
	readonly commandTimeoutMs: number;
	/** E.g. `bng-2 API (10.0.0.2:8728)`. */
	readonly label: string;
}

/**
 * Applies the defaults (port by `tls`, 5 s timeouts) and checks the options.
 *
 * @throws RangeError for options that cannot work (empty host, bad port or timeout).
 */
export function resolveConnectOptions(options: RouterOsConnectOptions): ResolvedConnectOptions {
	const tls = options.tls ?? false;
	const port = options.port ?? (tls ? ROUTEROS_API_TLS_PORT : ROUTEROS_API_PORT);
	const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
	const commandTimeoutMs = options.commandTimeoutMs ?? 5000;
	if (options.host.length === 0) {
		throw new RangeError('RouterOS API host must not be empty');
	}

	if (!Number.isInteger(port) || port < 1 || port > 65_535) {
		throw new RangeError(`RouterOS API port must be an integer from 1 to 65535, got ${port}`);
	}

	for (const [name, value] of [
		['connectTimeoutMs', connectTimeoutMs],
		['commandTimeoutMs', commandTimeoutMs],
	] as const) {
		if (!Number.isFinite(value) || value <= 0) {
			throw new RangeError(`RouterOS API ${name} must be a positive number, got ${value}`);
		}
	}

	const label = `${options.name ?? 'RouterOS'} API (${formatEndpoint(options.host, port)})`;
	return {tls, port, connectTimeoutMs, commandTimeoutMs, label};
}
