/**
 * Disconnecting through the MikroTik RouterOS API: find the session's entry in `/ppp/active` (or
 * `/ip/hotspot/active` on a hotspot NAS) as routeros/active-sessions.ts matches it, and remove it by `.id`, over
 * one connection per NAS for the whole bulk. An entry of the same user that does not match is left alone.
 */
import type {Nas} from '../nas/registry.js';
import {
	activeMenu,
	activeQuery,
	apiConnectOptions,
	matchActiveRows,
	type ActiveSessionIdentity,
	type RouterOsApi,
	type RouterOsConnect,
} from '../routeros/active-sessions.js';
import {RouterOsClient} from '../routeros/routeros-client.js';
import {RouterOsError} from '../routeros/routeros-error.js';

/** How an API disconnect ended; `detail` is one line for a human. */
export type ApiOutcome =
	| {readonly kind: 'removed'; readonly detail: string}
	| {readonly kind: 'not-found'; readonly detail: string}
	| {readonly kind: 'failed'; readonly detail: string};

/** Options of {@link RouterOsPool}. */
export interface RouterOsPoolOptions {
	/** Connect-and-login budget and per-command timeout. Default 5000. */
	readonly timeoutMs?: number;
	/** Connections opened per NAS in one bulk before its remaining sessions fail at once. Default 3. */
	readonly maxConnectsPerNas?: number;
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
	async disconnect(nas: Nas, session: ActiveSessionIdentity): Promise<ApiOutcome> {
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
		const connecting = this.#connect(apiConnectOptions(nas.name, nas.api!, this.#timeoutMs));
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

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
