/**
 * Gathers what the NAS checks evaluate, a few NAS at a time: the local address the OS picks towards each NAS,
 * a Disconnect-Request for a session that cannot exist (a NAS that knows us answers NAK, signed with our
 * secret), and a RouterOS API login.
 */
import {randomBytes} from 'node:crypto';
import dgram from 'node:dgram';
import {isIPv6} from 'node:net';
import {nasLabel, type Nas} from '../nas/registry.js';
import {disconnectAttributes} from '../nas/vendor-profiles.js';
import {CoaClient} from '../radius/coa-client.js';
import type {DropReason} from '../radius/coa-result.js';
import {PacketCode} from '../radius/dictionary.js';
import {apiConnectOptions} from '../routeros/active-sessions.js';
import {RouterOsClient} from '../routeros/routeros-client.js';
import type {CoaProbe, NasFacts, NasSummary} from './nas-checks.js';
import {formatEndpoint} from '../net/address.js';

export interface NasFactOptions {
	/** Open sessions per NAS IP, when the database could be read. */
	readonly openSessions?: ReadonlyMap<string, number>;
	/** How long to wait for a CoA reply before the one retransmission, and for the API login. */
	readonly timeoutMs: number;
	/** NAS probed at the same time. */
	readonly concurrency: number;
}

/** The User-Name of the probe: no subscriber is called this. */
export const PROBE_USER = 'radtop-doctor-probe';

/** The NAS as doctor reports it: no secret, no password. */
export function summarize(nas: Nas, openSessions?: number): NasSummary {
	return {
		ip: nas.ip,
		label: nasLabel(nas),
		secretSource: nas.secretSource,
		coaHost: nas.coaHost,
		coaPort: nas.coaPort,
		vendor: nas.vendor,
		...(nas.api ? {api: {host: nas.api.host, port: nas.api.port, tls: nas.api.tls, user: nas.api.user}} : {}),
		...(openSessions === undefined ? {} : {openSessions}),
	};
}

/** The local address the OS would send from to reach host:port (a UDP connect sends nothing). */
export function localAddressTowards(host: string, port: number): Promise<NonNullable<NasFacts['source']>> {
	return new Promise((resolve) => {
		let socket: dgram.Socket;
		try {
			socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
		} catch (error) {
			resolve({error: (error as Error).message});
			return;
		}
		const finish = (outcome: NonNullable<NasFacts['source']>) => {
			try {
				socket.close();
			} catch {
				// already closed
			}
			resolve(outcome);
		};
		socket.once('error', (error) => finish({error: (error as NodeJS.ErrnoException).code ?? error.message}));
		try {
			socket.connect(port, host, () => finish({address: socket.address().address}));
		} catch (error) {
			finish({error: (error as NodeJS.ErrnoException).code ?? (error as Error).message});
		}
	});
}

/**
 * Sends a Disconnect-Request for a session that cannot exist (User-Name radtop-doctor-probe, a random
 * Acct-Session-Id, no Framed-IP-Address so that no hotspot host can match it) with one retransmission.
 * A reply that fails verification ends the wait at once: that is a wrong secret.
 */
export async function probeCoa(nas: Nas, timeoutMs: number): Promise<CoaProbe> {
	const drops: Array<{reason: DropReason; from: string}> = [];
	const abort = new AbortController();
	const client = new CoaClient({
		timeoutMs,
		retries: 1,
		maxSocketsPerNas: 1,
		onDrop: (reason, from) => {
			drops.push({reason, from: formatEndpoint(from.address, from.port)});
			if (reason === 'badAuthenticator') abort.abort();
		},
	});
	try {
		const attributes = disconnectAttributes(
			{
				username: PROBE_USER,
				acctsessionid: `radtop-doctor-${randomBytes(6).toString('hex')}`,
				framedipaddress: null,
				nasipaddress: nas.ip,
			},
			nas.vendor,
		);
		const outcome = await client.send(
			{host: nas.coaHost, port: nas.coaPort, secret: nas.secret ?? '', name: nas.name},
			{code: PacketCode.DisconnectRequest, attributes, messageAuthenticator: nas.messageAuthenticator},
			abort.signal,
		);
		switch (outcome.kind) {
			case 'nak':
				return outcome.errorCause === undefined ? {kind: 'nak'} : {kind: 'nak', errorCause: outcome.errorCause};
			case 'ack':
				return {kind: 'ack'};
			case 'error':
				return {kind: 'error', message: outcome.message};
			case 'aborted':
			case 'timeout': {
				if (drops.some((drop) => drop.reason === 'badAuthenticator')) return {kind: 'bad-authenticator'};
				const stranger = drops.find((drop) => drop.reason === 'unknownSource');
				if (stranger) return {kind: 'other-source', from: stranger.from};
				return outcome.kind === 'timeout'
					? {kind: 'timeout', attempts: outcome.attempts, elapsedMs: outcome.elapsedMs}
					: {kind: 'error', message: 'aborted'};
			}
		}
	} finally {
		await client.close();
	}
}

/** Logs in to the NAS's RouterOS API and out again. The message of a failure never holds the password. */
export async function probeApi(nas: Nas, timeoutMs: number): Promise<NonNullable<NasFacts['api']>> {
	const api = nas.api!;
	try {
		const client = await RouterOsClient.connect(apiConnectOptions(nas.name, api, timeoutMs));
		await client.close();
		return {ok: true};
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return {ok: false, message: api.password ? message.split(api.password).join('***') : message};
	}
}

/** Facts for each NAS, `concurrency` NAS at a time, in the order given. */
export async function gatherNasFacts(list: readonly Nas[], options: NasFactOptions): Promise<NasFacts[]> {
	const facts: NasFacts[] = new Array(list.length);
	let next = 0;
	const worker = async () => {
		while (next < list.length) {
			const index = next++;
			const nas = list[index]!;
			const source = await localAddressTowards(nas.coaHost, nas.coaPort);
			const [coa, api] = await Promise.all([
				nas.secret ? probeCoa(nas, options.timeoutMs) : undefined,
				nas.api ? probeApi(nas, options.timeoutMs) : undefined,
			]);
			facts[index] = {
				nas: summarize(nas, options.openSessions?.get(nas.ip) ?? (options.openSessions ? 0 : undefined)),
				source,
				...(coa ? {coa} : {}),
				...(api ? {api} : {}),
			};
		}
	};
	await Promise.all(Array.from({length: Math.min(Math.max(1, options.concurrency), list.length)}, worker));
	return facts;
}
