import dgram from 'node:dgram';
import {isIP} from 'node:net';
import {normaliseIp} from '../net/address.js';
import {encodeRequest} from './authenticators.js';
import {checkReply} from './coa-reply.js';
import type {CoaRequest, CoaResult, CoaTarget, DatagramSource, DropReason} from './coa-result.js';
import {IdentifierPool} from './identifier-pool.js';

/** Counters of a {@link CoaClient}: `sent` counts requests, `retransmitted` the extra copies of them. */
export interface CoaClientStats {
	readonly sent: number;
	readonly retransmitted: number;
	readonly accepted: number;
	readonly dropped: Readonly<Record<DropReason, number>>;
}

/** Options of {@link CoaClient}. */
export interface CoaClientOptions {
	/** Wait this long for a reply before retransmitting or giving up. Default 3000. */
	readonly timeoutMs?: number;
	/** Retransmissions after the first try. Default 2 (3 tries in all). */
	readonly retries?: number;
	/** Creates an unbound socket of the target's family; default `dgram.createSocket` with a 1 MiB receive buffer. */
	readonly socketFactory?: (type: dgram.SocketType) => dgram.Socket;
	/** Source address to bind to (the NAS picks the secret by it); default: chosen by the kernel. */
	readonly bindAddress?: string;
	/** Source sockets per NAS, each with 256 identifiers; requests beyond that wait for a free one. Default 4. */
	readonly maxSocketsPerNas?: number;
	/** Called for every datagram dropped, with a human-readable `detail`. */
	readonly onDrop?: (reason: DropReason, from: DatagramSource, detail: string) => void;
}

// Room for a burst of 256 replies: the kernel charges about 1 KiB per small datagram, and Linux's default receive
// buffer (208 KiB) overflows before Node reads them. Linux caps the value at net.core.rmem_max.
const RECEIVE_BUFFER_BYTES = 1024 * 1024;

/** One NAS (address and CoA port) and the source sockets opened towards it. */
interface NasPool {
	readonly address: string;
	readonly port: number;
	readonly type: dgram.SocketType;
	readonly sockets: SourceSocket[];
	/** Requests waiting for a free identifier, first come first served. */
	readonly waiting: Exchange[];
}

interface SourceSocket {
	readonly socket: dgram.Socket;
	readonly nas: NasPool;
	readonly ids: IdentifierPool<Exchange>;
}

/** A socket and an identifier free on it. */
interface Slot {
	readonly source: SourceSocket;
	readonly id: number;
}

/** A request once it has an identifier: the exact bytes every retransmission repeats. */
interface Flight {
	readonly source: SourceSocket;
	readonly id: number;
	readonly bytes: Buffer;
	readonly authenticator: Buffer;
	readonly firstSentAt: number;
}

interface Exchange {
	readonly target: CoaTarget;
	readonly request: CoaRequest;
	readonly nas: NasPool;
	readonly signal: AbortSignal | undefined;
	readonly resolve: (result: CoaResult) => void;
	readonly onAbort: () => void;
	flight: Flight | undefined;
	attempts: number;
	timer: NodeJS.Timeout | undefined;
	done: boolean;
}

/**
 * Sends Disconnect-Requests and CoA-Requests over UDP and matches the replies (RFC 5176).
 *
 * Each NAS gets a small pool of source sockets, opened on demand; each socket has its own 256 identifiers towards
 * that NAS, handed out round-robin. A request that gets no valid reply within `timeoutMs` is retransmitted as the
 * identical datagram from the same socket (RFC 5176 §2.3); a reply counts only if it comes from the NAS's address
 * and port, carries an outstanding identifier and an answer code for the request, and its authenticators verify.
 * Everything else is dropped and counted in {@link CoaClient.stats}.
 *
 * Sockets are unref'd: only a pending request's timer keeps the process alive, and {@link CoaClient.close} clears
 * those.
 */
export class CoaClient {
	readonly #timeoutMs: number;
	readonly #retries: number;
	readonly #socketFactory: (type: dgram.SocketType) => dgram.Socket;
	readonly #bindAddress: string | undefined;
	readonly #maxSocketsPerNas: number;
	readonly #onDrop: CoaClientOptions['onDrop'];
	readonly #pools = new Map<string, NasPool>();
	readonly #exchanges = new Set<Exchange>();
	#sent = 0;
	#retransmitted = 0;
	#accepted = 0;
	readonly #dropped: Record<DropReason, number> = {unknownSource: 0, unknownId: 0, badAuthenticator: 0, badCode: 0, malformed: 0};
	#closed = false;

	/** Throws RangeError on options that make no sense (non-positive timeout, negative retries, ...). */
	constructor(options: CoaClientOptions = {}) {
		const {timeoutMs = 3000, retries = 2, maxSocketsPerNas = 4} = options;
		if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
			throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
		}
		if (!(Number.isInteger(retries) && retries >= 0)) {
			throw new RangeError(`retries must be a non-negative integer, got ${retries}`);
		}
		if (!(Number.isInteger(maxSocketsPerNas) && maxSocketsPerNas >= 1)) {
			throw new RangeError(`maxSocketsPerNas must be a positive integer, got ${maxSocketsPerNas}`);
		}
		this.#timeoutMs = timeoutMs;
		this.#retries = retries;
		this.#maxSocketsPerNas = maxSocketsPerNas;
		this.#socketFactory = options.socketFactory ?? ((type) => dgram.createSocket({type, recvBufferSize: RECEIVE_BUFFER_BYTES}));
		this.#bindAddress = options.bindAddress;
		this.#onDrop = options.onDrop;
	}

	/** A snapshot of the counters. */
	get stats(): CoaClientStats {
		return {sent: this.#sent, retransmitted: this.#retransmitted, accepted: this.#accepted, dropped: {...this.#dropped}};
	}

	/**
	 * Sends `request` to `target` and resolves with how it ended; never rejects. Aborting `signal` stops
	 * retransmission and resolves `{kind: 'aborted'}`, with `sent` telling whether a datagram already left.
	 */
	send(target: CoaTarget, request: CoaRequest, signal?: AbortSignal): Promise<CoaResult> {
		if (signal?.aborted) {
			return Promise.resolve({kind: 'aborted', sent: false});
		}
		if (this.#closed) {
			return Promise.resolve({kind: 'error', message: 'the CoA client is closed'});
		}
		const address = normalizeAddress(target.host);
		if (address === undefined) {
			return Promise.resolve({kind: 'error', message: `${JSON.stringify(target.host)} is not an IP address`});
		}
		if (!(Number.isInteger(target.port) && target.port >= 1 && target.port <= 65_535)) {
			return Promise.resolve({kind: 'error', message: `${target.port} is not a UDP port`});
		}
		const nas = this.#poolFor(address, target.port);
		return new Promise((resolve) => {
			const exchange: Exchange = {
				target,
				request,
				nas,
				signal,
				resolve,
				onAbort: () => {
					this.#finish(exchange, {kind: 'aborted', sent: exchange.flight !== undefined});
				},
				flight: undefined,
				attempts: 0,
				timer: undefined,
				done: false,
			};
			this.#exchanges.add(exchange);
			signal?.addEventListener('abort', exchange.onAbort, {once: true});
			nas.waiting.push(exchange);
			this.#dispatch(nas);
		});
	}

	/** Resolves every pending request as aborted, then closes all sockets. Later sends end in `error`. */
	async close(): Promise<void> {
		this.#closed = true;
		for (const exchange of [...this.#exchanges]) {
			this.#finish(exchange, {kind: 'aborted', sent: exchange.flight !== undefined});
		}
		const sockets = [...this.#pools.values()].flatMap((nas) => nas.sockets.map((source) => source.socket));
		this.#pools.clear();
		await Promise.all(sockets.map(closeSocket));
	}

	#poolFor(address: string, port: number): NasPool {
		const key = `${address}|${port}`;
		let nas = this.#pools.get(key);
		if (nas === undefined) {
			nas = {address, port, type: isIP(address) === 6 ? 'udp6' : 'udp4', sockets: [], waiting: []};
			this.#pools.set(key, nas);
		}
		return nas;
	}

	/** Starts waiting requests while identifiers are free. */
	#dispatch(nas: NasPool): void {
		while (!this.#closed) {
			const exchange = nas.waiting[0];
			if (exchange === undefined) {
				return;
			}
			let slot: Slot | undefined;
			try {
				slot = this.#allocate(nas);
			} catch (error) {
				this.#finish(exchange, {kind: 'error', message: `cannot open a UDP socket: ${errorMessage(error)}`});
				continue;
			}
			if (slot === undefined) {
				return;
			}
			nas.waiting.shift();
			this.#start(exchange, slot);
		}
	}

	/**
	 * A free identifier on the first socket of the pool that has one, opening a socket when all are busy; undefined
	 * when the pool is full. Throws when a socket cannot be created or bound.
	 */
	#allocate(nas: NasPool): Slot | undefined {
		for (const source of nas.sockets) {
			const id = source.ids.free();
			if (id !== undefined) {
				return {source, id};
			}
		}
		if (nas.sockets.length >= this.#maxSocketsPerNas) {
			return undefined;
		}
		const socket = this.#socketFactory(nas.type);
		const source: SourceSocket = {socket, nas, ids: new IdentifierPool()};
		socket.on('message', (message, remote) => {
			this.#receive(source, message, remote);
		});
		socket.on('error', (error) => {
			this.#retire(source, error);
		});
		if (this.#bindAddress !== undefined) {
			try {
				socket.bind({address: this.#bindAddress, port: 0});
			} catch (error) {
				void closeSocket(socket);
				throw error;
			}
		}
		socket.unref();
		nas.sockets.push(source);
		return {source, id: source.ids.free()!};
	}

	#start(exchange: Exchange, {source, id}: Slot): void {
		const {code, attributes, messageAuthenticator} = exchange.request;
		let bytes: Buffer;
		try {
			bytes = encodeRequest({code, identifier: id, attributes, secret: exchange.target.secret, messageAuthenticator});
		} catch (error) {
			this.#finish(exchange, {kind: 'error', message: `cannot encode the request: ${errorMessage(error)}`});
			return;
		}
		source.ids.take(id, exchange);
		exchange.flight = {source, id, bytes, authenticator: bytes.subarray(4, 20), firstSentAt: performance.now()};
		this.#sent++;
		this.#transmit(exchange, exchange.flight);
	}

	#transmit(exchange: Exchange, flight: Flight): void {
		const {socket, nas} = flight.source;
		exchange.attempts++;
		exchange.timer = setTimeout(() => {
			// After a stalled event loop, expired timers run before the I/O callbacks of replies that are already
			// waiting: let those replies in first, so an answered request is never sent again.
			setImmediate(() => {
				if (!exchange.done) this.#onTimeout(exchange, flight);
			});
		}, this.#timeoutMs);
		try {
			socket.send(flight.bytes, nas.port, nas.address, (error) => {
				if (error) {
					this.#finish(exchange, {kind: 'error', message: error.message});
				}
			});
		} catch (error) {
			// dgram throws synchronously only when the socket is no longer usable (e.g. closed from outside).
			this.#retire(flight.source, error);
			this.#finish(exchange, {kind: 'error', message: errorMessage(error)});
		}
	}

	#onTimeout(exchange: Exchange, flight: Flight): void {
		if (exchange.attempts <= this.#retries) {
			// RFC 5176 §2.3, RFC 5080 §2.2.1: a retransmission keeps the Identifier, the Request Authenticator and the
			// source port, so it is the identical datagram from the same socket.
			this.#retransmitted++;
			this.#transmit(exchange, flight);
			return;
		}
		this.#finish(exchange, {
			kind: 'timeout',
			attempts: exchange.attempts,
			elapsedMs: Math.round(performance.now() - flight.firstSentAt),
		});
	}

	#receive(source: SourceSocket, message: Buffer, remote: dgram.RemoteInfo): void {
		const from: DatagramSource = {address: remote.address, port: remote.port};
		const verdict = checkReply(message, from, source.nas, (id) => {
			const exchange = source.ids.get(id);
			if (exchange?.flight === undefined) {
				return undefined;
			}
			const {flight} = exchange;
			return {code: exchange.request.code, authenticator: flight.authenticator, secret: exchange.target.secret, exchange, flight};
		});
		if (!verdict.ok) {
			this.#drop(verdict.reason, from, verdict.detail);
			return;
		}
		this.#accepted++;
		const {answer, packet} = verdict;
		const {exchange, flight} = verdict.request;
		const {attempts} = exchange;
		if (answer.kind === 'ack') {
			const rttMs = performance.now() - flight.firstSentAt;
			this.#finish(exchange, {...answer, packet, attempts, rttMs});
		} else {
			this.#finish(exchange, {...answer, packet, attempts});
		}
	}

	#drop(reason: DropReason, from: DatagramSource, detail: string): void {
		this.#dropped[reason]++;
		this.#onDrop?.(reason, from, detail);
	}

	/** Takes a failed socket out of its pool and ends its requests with the error. */
	#retire(source: SourceSocket, error: unknown): void {
		const {sockets} = source.nas;
		const index = sockets.indexOf(source);
		if (index === -1) {
			return;
		}
		sockets.splice(index, 1);
		for (const exchange of source.ids.requests()) {
			this.#finish(exchange, {kind: 'error', message: errorMessage(error)});
		}
		void closeSocket(source.socket);
	}

	#finish(exchange: Exchange, result: CoaResult): void {
		if (exchange.done) {
			return;
		}
		exchange.done = true;
		clearTimeout(exchange.timer);
		exchange.signal?.removeEventListener('abort', exchange.onAbort);
		this.#exchanges.delete(exchange);
		const {flight, nas} = exchange;
		if (flight === undefined) {
			const index = nas.waiting.indexOf(exchange);
			if (index !== -1) {
				nas.waiting.splice(index, 1);
			}
		} else {
			flight.source.ids.release(flight.id);
		}
		exchange.resolve(result);
		if (flight !== undefined) {
			this.#dispatch(nas);
		}
	}
}

/** The address as Node reports senders (`0:0::1` -> `::1`), or undefined if `host` is not an IP literal. */
function normalizeAddress(host: string): string | undefined {
	return isIP(host) === 0 ? undefined : normaliseIp(host);
}

function closeSocket(socket: dgram.Socket): Promise<void> {
	return new Promise((resolve) => {
		try {
			socket.close(() => {
				resolve();
			});
		} catch {
			// ERR_SOCKET_DGRAM_NOT_RUNNING: it was closed already.
			resolve();
		}
	});
}

function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
