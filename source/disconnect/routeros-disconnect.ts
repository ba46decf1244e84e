/**
 * Disconnecting through the MikroTik RouterOS API: find the session's entry in `/ppp/active` (or
 * `/ip/hotspot/active` on a hotspot NAS) and remove it by `.id`, over one connection per NAS for the whole bulk.
 *
 * Finding the entry: `/ppp/active` has a `session-id` only on some RouterOS versions, and query support for it
 * is not documented, so the entry is looked up by `?name=USER` (every version; `?address=IP` when the session has
 * no username) and then matched on the radtop side: by `session-id` against Acct-Session-Id when the router
 * reports one, else by address and caller-id against the framed IP and Calling-Station-Id. An entry of the same
 * user that does not match is another (newer) session of theirs and is left alone.
 */
import type {Nas} from '../nas/registry.js';
import type {RouterOsConnectOptions} from '../routeros/connect-options.js';
import {RouterOsClient} from '../routeros/routeros-client.js';
import {RouterOsError} from '../routeros/routeros-error.js';
import type {RouterOsRow} from '../routeros/sentences.js';
import type {Session} from '../sessions/session.js';

/** What the disconnect needs of a RouterOS connection ({@link RouterOsClient} has it). */
export type RouterOsApi = Pick<RouterOsClient, 'print' | 'remove' | 'close' | 'closed'>;

/** Opens a logged-in connection; rejects on failure. Default {@link RouterOsClient.connect}. */
export type RouterOsConnect = (options: RouterOsConnectOptions) => Promise<RouterOsApi>;

/** How to log in to a NAS's RouterOS API (which it must have), with one timeout for connecting and commands. */
export function apiConnectOptions(nas: Nas, timeoutMs: number): RouterOsConnectOptions {
	const api = nas.api!;
	return {
		host: api.host,
		port: api.port,
		tls: api.tls,
		user: api.user,
		password: api.password,
		name: nas.name,
		connectTimeoutMs: timeoutMs,
		commandTimeoutMs: timeoutMs,
	};
}

/** How an API disconnect ended; `detail` is one line for a human. */
export type ApiOutcome =
	| {readonly kind: 'removed'; readonly detail: string}
	| {readonly kind: 'not-found'; readonly detail: string}
	| {readonly kind: 'failed'; readonly detail: string};

/** The session columns the API lookup uses. */
export type ApiSessionIdentity = Pick<Session, 'username' | 'acctsessionid' | 'framedipaddress' | 'callingstationid'>;

/** Options of {@link RouterOsPool}. */
export interface RouterOsPoolOptions {
	/** Connect-and-login budget and per-command timeout. Default 5000. */
	readonly timeoutMs?: number;
	/** Connections opened per NAS in one bulk before its remaining sessions fail at once. Default 3. */
	readonly maxConnectsPerNas?: number;
}

/** The menu a NAS lists its sessions in. */
export function activeMenu(hotspot: boolean): '/ppp/active' | '/ip/hotspot/active' {
	return hotspot ? '/ip/hotspot/active' : '/ppp/active';
}

/** The print query that lists the session's candidates, or undefined when there is nothing to look up by. */
export function activeQuery(session: ApiSessionIdentity, hotspot: boolean): Record<string, string> | undefined {
	if (session.username) return hotspot ? {user: session.username} : {name: session.username};
	if (session.framedipaddress) return {address: session.framedipaddress};
	return undefined;
}

/** The rows of a print that are this session (see the module comment for the rules). */
export function matchActiveRows(rows: readonly RouterOsRow[], session: ApiSessionIdentity, hotspot: boolean): RouterOsRow[] {
	return rows.filter((row) => {
		const sessionId = row['session-id'];
		if (!hotspot && sessionId && session.acctsessionid) return sameSessionId(sessionId, session.acctsessionid);
		const address = row['address'];
		if (address && session.framedipaddress && address !== session.framedipaddress) return false;
		const mac = row[hotspot ? 'mac-address' : 'caller-id'];
		return !(mac && session.callingstationid && !sameStationId(mac, session.callingstationid));
	});
}

/** One lazily opened API connection per NAS, reused by every session of the bulk. */
export class RouterOsPool {
	readonly #connect: RouterOsConnect;
	readonly #timeoutMs: number;
	readonly #maxConnects: number;
	readonly #entries = new Map<string, {current: Promise<RouterOsApi> | undefined; connects: number; lastError: string | undefined}>();

	constructor(connect: RouterOsConnect = (options) => RouterOsClient.connect(options), options: RouterOsPoolOptions = {}) {
		this.#connect = connect;
		this.#timeoutMs = options.timeoutMs ?? 5000;
		this.#maxConnects = options.maxConnectsPerNas ?? 3;
	}

	/** Finds and removes the session's entry. Never rejects. */
	async disconnect(nas: Nas, session: ApiSessionIdentity): Promise<ApiOutcome> {
		const api = nas.api;
		if (api === undefined) return {kind: 'failed', detail: `${nas.name} has no API credentials`};
		const menu = activeMenu(api.hotspot);
		const query = activeQuery(session, api.hotspot);
		if (query === undefined) return {kind: 'failed', detail: 'the session has no username or framed IP to look it up by'};
		const who = Object.entries(query)
			.map(([name, value]) => `${name}=${value}`)
			.join(' ');
		let removeSent = false;
		for (let attempt = 1; ; attempt++) {
			let client: RouterOsApi;
			try {
				client = await this.#client(nas);
			} catch (error) {
				return {kind: 'failed', detail: errorText(error)};
			}
			try {
				const rows = await client.print(menu, query);
				const matches = matchActiveRows(rows, session, api.hotspot);
				if (matches.length === 0) {
					if (removeSent)
						return {kind: 'removed', detail: `${menu} entry for ${who} is gone (the connection broke during its remove)`};
					const others =
						rows.length === 0 ? '' : `; ${rows.length} other ${rows.length === 1 ? 'entry' : 'entries'} of ${who} left alone`;
					return {kind: 'not-found', detail: `no ${menu} entry for ${who} matches this session${others}`};
				}
				const removed: string[] = [];
				for (const row of matches) {
					const id = row['.id'];
					if (!id) continue;
					removeSent = true;
					try {
						await client.remove(menu, id);
						removed.push(id);
					} catch (error) {
						// The entry ended between print and remove: nothing left to do for it.
						if (!(error instanceof RouterOsError && error.kind === 'trap' && /no such item/i.test(error.routerMessage ?? '')))
							throw error;
					}
				}
				if (removed.length === 0)
					return {kind: 'not-found', detail: `the ${menu} entry for ${who} ended before it could be removed`};
				return {kind: 'removed', detail: `removed ${menu} ${removed.join(', ')} (${who})`};
			} catch (error) {
				// A broken connection leaves the outcome unknown: look again once, on a fresh connection.
				if (attempt === 1 && isConnectionLoss(error)) continue;
				return {kind: 'failed', detail: errorText(error)};
			}
		}
	}

	/** Closes every connection. Never rejects. */
	async close(): Promise<void> {
		const pending = [...this.#entries.values()].map((entry) => entry.current);
		this.#entries.clear();
		await Promise.all(
			pending.map(async (current) => {
				const client = await current?.catch(() => undefined);
				await client?.close().catch(() => undefined);
			}),
		);
	}

	/** The NAS's connection: the open one, or a new one while the per-NAS budget lasts. */
	async #client(nas: Nas): Promise<RouterOsApi> {
		let entry = this.#entries.get(nas.ip);
		if (entry === undefined) {
			entry = {current: undefined, connects: 0, lastError: undefined};
			this.#entries.set(nas.ip, entry);
		}
		const current = entry.current;
		if (current !== undefined) {
			const client = await current;
			if (!client.closed) return client;
			if (entry.current === current) entry.current = undefined;
			if (entry.current !== undefined) return this.#client(nas);
		}
		if (entry.connects >= this.#maxConnects) {
			throw new Error(`${entry.lastError ?? `${nas.name} API: connection lost`} (gave up after ${entry.connects} connections)`);
		}
		entry.connects++;
		const connecting = this.#connect(apiConnectOptions(nas, this.#timeoutMs));
		const owner = entry;
		owner.current = connecting;
		connecting.catch((error: unknown) => {
			owner.lastError = errorText(error);
			if (owner.current === connecting) owner.current = undefined;
		});
		return connecting;
	}
}

function isConnectionLoss(error: unknown): boolean {
	return (
		error instanceof RouterOsError &&
		(error.kind === 'closed' || error.kind === 'timeout' || error.kind === 'fatal' || error.kind === 'protocol')
	);
}

/** RouterOS shows `0x81B00042` where its Acct-Session-Id was `81b00042`. */
function sameSessionId(routerValue: string, acctSessionId: string): boolean {
	const normalize = (value: string): string => value.trim().toLowerCase().replace(/^0x/, '');
	return normalize(routerValue) === normalize(acctSessionId);
}

/** MACs compare by their hex digits (`AA:BB:..` vs `aabb.cc..`); anything else as written. */
function sameStationId(a: string, b: string): boolean {
	const digits = (value: string): string | undefined => {
		const hex = value.replace(/[:.\-]/g, '').toLowerCase();
		return /^[0-9a-f]{12}$/.test(hex) ? hex : undefined;
	};
	const left = digits(a);
	const right = digits(b);
	return left !== undefined && right !== undefined ? left === right : a.trim() === b.trim();
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
