/**
 * Asks each stale session's NAS whether it still has the session, before a sweep closes it.
 *
 * Through the MikroTik RouterOS API when radtop has API credentials for the NAS: the session's entry in
 * `/ppp/active` (or `/ip/hotspot/active`), matched as a disconnect matches it, looked up by name and, when that
 * finds none, by framed address: radacct may hold the name without its realm (FreeRADIUS's sql_user_name set to
 * Stripped-User-Name) while the router knows `alice@isp`, so only both finding nothing mean absent. Otherwise, or when the API cannot
 * be reached, through RADIUS: a CoA-Request (RFC 5176 §3.1) carrying only the session identification a
 * Disconnect-Request would carry and no change to apply. A NAS answers CoA-ACK for a session it has and CoA-NAK
 * with Error-Cause 503 Session-Context-Not-Found for one it does not (§3.5); no answer, or any other NAK (a NAS
 * that refuses a CoA without changes, a wrong secret) leaves the question open.
 */
import type {Nas, NasRegistry} from '../nas/registry.js';
import type {CoaClient} from '../radius/coa-client.js';
import {describeCoaResult} from '../radius/coa-result.js';
import {PacketCode} from '../radius/dictionary.js';
import {RouterOsClient} from '../routeros/routeros-client.js';
import {
	activeMenu,
	activeQuery,
	apiConnectOptions,
	matchActiveRows,
	type RouterOsApi,
	type RouterOsConnect,
} from '../disconnect/routeros-disconnect.js';
import {disconnectAttributes, identifiesSession} from '../disconnect/vendor-profiles.js';
import type {Session} from '../sessions/session.js';
import type {Verification} from './sweep-plan.js';

/** RFC 5176 §3.5 Session-Context-Not-Found. */
const SESSION_CONTEXT_NOT_FOUND = 503;

/** Options of {@link verifySessions}. */
export interface VerifyOptions {
	readonly registry: NasRegistry;
	readonly coaClient: CoaClient;
	/** Looks sessions up over the RouterOS API; default a {@link RouterOsLookup} with the real client. */
	readonly routerOs?: RouterOsLookup;
	/** Questions in flight at once, all NAS together. Default 32. */
	readonly concurrency?: number;
	readonly signal?: AbortSignal;
	/** Told after each answer. */
	readonly onProgress?: (done: number, total: number) => void;
	/** Connect, login and command timeout of the default {@link RouterOsLookup}. Default 5000. */
	readonly apiTimeoutMs?: number;
}

/** Questions a NAS may leave unanswered (timeouts, nothing else heard from it) before the rest of its sessions are not asked. */
export const SILENT_NAS_LIMIT = 3;

/**
 * Asks about every session; resolves to the answer per radacctid. Never rejects. A NAS that has not answered
 * {@link SILENT_NAS_LIMIT} questions and answered none is taken for down: its other sessions are reported
 * unknown at once instead of each waiting out its own retransmissions.
 */
export async function verifySessions(sessions: readonly Session[], options: VerifyOptions): Promise<Map<string, Verification>> {
	const routerOs =
		options.routerOs ?? new RouterOsLookup(undefined, options.apiTimeoutMs === undefined ? {} : {timeoutMs: options.apiTimeoutMs});
	const owned = options.routerOs === undefined;
	const answers = new Map<string, Verification>();
	const heard = new Map<string, {answered: boolean; silent: number}>();
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < sessions.length) {
			const session = sessions[next++]!;
			const nas = options.registry.get(session.nasipaddress);
			let state = heard.get(nas.ip);
			if (state === undefined) {
				state = {answered: false, silent: 0};
				heard.set(nas.ip, state);
			}
			let answer: Verification;
			if (!state.answered && state.silent >= SILENT_NAS_LIMIT) {
				answer = {presence: 'unknown', via: null, detail: `not asked: ${nas.name} left ${state.silent} questions unanswered`};
			} else {
				answer = await verifyOne(session, nas, options.coaClient, routerOs, options.signal);
				if (answer.silent) state.silent += 1;
				else if (answer.via !== null) state.answered = true;
			}
			answers.set(session.radacctid, answer);
			options.onProgress?.(answers.size, sessions.length);
		}
	};
	try {
		await Promise.all(Array.from({length: Math.min(options.concurrency ?? 32, sessions.length)}, worker));
	} finally {
		if (owned) await routerOs.close();
	}
	return answers;
}

/** The API first when the NAS has credentials, CoA when it has none or the API could not tell. */
export async function verifyOne(
	session: Session,
	nas: Nas,
	coaClient: CoaClient,
	routerOs: RouterOsLookup,
	signal?: AbortSignal,
): Promise<Verification> {
	if (signal?.aborted) return {presence: 'unknown', via: null, detail: 'interrupted before asking'};
	let apiDetail: string | undefined;
	if (nas.api) {
		const answer = await routerOs.lookup(nas, session);
		if (answer.presence !== 'unknown') return answer;
		apiDetail = answer.detail;
	}
	if (nas.secret === undefined) {
		return {
			presence: 'unknown',
			via: apiDetail ? 'api' : null,
			detail: apiDetail ?? `no RADIUS secret or API credentials for ${nas.name}`,
		};
	}
	const coa = await askCoa(session, nas, coaClient, signal);
	return apiDetail && coa.presence === 'unknown' ? {...coa, detail: `API: ${apiDetail}; CoA: ${coa.detail}`} : coa;
}

/** The CoA-Request question for one session. */
export async function askCoa(session: Session, nas: Nas, coaClient: CoaClient, signal?: AbortSignal): Promise<Verification> {
	const attributes = disconnectAttributes(session, nas.vendor);
	if (!identifiesSession(attributes))
		return {presence: 'unknown', via: null, detail: 'the session has no username, session id or framed IP to ask by'};
	const target = {host: nas.coaHost, port: nas.coaPort, secret: nas.secret ?? '', name: nas.name};
	const result = await coaClient.send(
		target,
		{code: PacketCode.CoaRequest, attributes, messageAuthenticator: nas.messageAuthenticator},
		signal,
	);
	if (result.kind === 'ack') return {presence: 'present', via: 'coa', detail: `CoA-ACK: ${nas.name} has the session`};
	if (result.kind === 'nak' && result.errorCause === SESSION_CONTEXT_NOT_FOUND) {
		return {presence: 'absent', via: 'coa', detail: `CoA-NAK: ${result.errorCauseText}`};
	}
	if (result.kind === 'nak') return {presence: 'unknown', via: 'coa', detail: `CoA-NAK: ${result.errorCauseText}`};
	return {
		presence: 'unknown',
		via: 'coa',
		detail: describeCoaResult(result, target),
		...(result.kind === 'timeout' ? {silent: true} : {}),
	};
}

/** The prints that look a session up: by name (as a disconnect does), then by framed address when it has one. */
export function lookupQueries(session: Session, hotspot: boolean): Array<Record<string, string>> {
	const byName = activeQuery(session, hotspot);
	if (byName === undefined) return [];
	const byAddress = session.framedipaddress ? {address: session.framedipaddress} : undefined;
	return byAddress === undefined || byName['address'] !== undefined ? [byName] : [byName, byAddress];
}

/** One RouterOS API connection per NAS, opened on first use and shared by its sessions; read-only (print). */
export class RouterOsLookup {
	readonly #connect: RouterOsConnect;
	readonly #timeoutMs: number;
	readonly #clients = new Map<string, Promise<RouterOsApi>>();

	constructor(connect: RouterOsConnect = (options) => RouterOsClient.connect(options), options: {readonly timeoutMs?: number} = {}) {
		this.#connect = connect;
		this.#timeoutMs = options.timeoutMs ?? 5000;
	}

	/** Whether the NAS lists the session among its active ones. Never rejects. */
	async lookup(nas: Nas, session: Session): Promise<Verification> {
		const api = nas.api;
		if (api === undefined) return {presence: 'unknown', via: null, detail: `${nas.name} has no API credentials`};
		const menu = activeMenu(api.hotspot);
		const queries = lookupQueries(session, api.hotspot);
		if (queries.length === 0)
			return {presence: 'unknown', via: 'api', detail: 'the session has no username or framed IP to look it up by'};
		const who = (query: Record<string, string>) =>
			Object.entries(query)
				.map(([name, value]) => `${name}=${value}`)
				.join(' ');
		try {
			const client = await this.#client(nas);
			for (const query of queries) {
				const rows = await client.print(menu, query);
				if (matchActiveRows(rows, session, api.hotspot).length > 0)
					return {presence: 'present', via: 'api', detail: `${menu} lists it (${who(query)})`};
			}
			return {presence: 'absent', via: 'api', detail: `no ${menu} entry for ${queries.map(who).join(' or ')} matches it`};
		} catch (error) {
			return {presence: 'unknown', via: 'api', detail: error instanceof Error ? error.message : String(error)};
		}
	}

	/** Closes every connection. Never rejects. */
	async close(): Promise<void> {
		const pending = [...this.#clients.values()];
		this.#clients.clear();
		await Promise.all(pending.map(async (connecting) => (await connecting.catch(() => undefined))?.close().catch(() => undefined)));
	}

	async #client(nas: Nas): Promise<RouterOsApi> {
		const known = this.#clients.get(nas.ip);
		if (known !== undefined) {
			const client = await known.catch(() => undefined);
			if (this.#clients.get(nas.ip) !== known) return this.#client(nas);
			// A NAS whose API refused once is not dialled again for every one of its sessions.
			if (client === undefined) return known;
			if (!client.closed) return client;
		}
		const connecting = this.#connect(apiConnectOptions(nas, this.#timeoutMs));
		connecting.catch(() => undefined);
		this.#clients.set(nas.ip, connecting);
		return connecting;
	}
}
