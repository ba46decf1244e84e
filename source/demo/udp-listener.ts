/**
 * The socket side of a RADIUS Dynamic Authorization server on loopback: a UDP socket bound to one port, with a
 * receive buffer large enough that a burst of hundreds of requests is not dropped by the kernel before the server
 * reads it. What a datagram means is up to the server built on it.
 */
import dgram from 'node:dgram';
import {once} from 'node:events';

/** Where a datagram came from or goes to. */
export interface DatagramPeer {
	readonly address: string;
	readonly port: number;
}

const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** A bound UDP socket. */
export class UdpListener {
	/** Binds `host:port` (0 for a free port) and hands every datagram to `receive`. Rejects if it cannot bind. */
	static async bind(host: string, port: number, receive: (bytes: Buffer, from: DatagramPeer) => void): Promise<UdpListener> {
		const socket = dgram.createSocket({type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES});
		const listener = new UdpListener(socket, receive);
		const failed = once(socket, 'error').then(([error]) => {
			throw error;
		});
		socket.bind(port, host);
		try {
			await Promise.race([once(socket, 'listening'), failed]);
		} catch (error) {
			await listener.close();
			throw error;
		}
		failed.catch(() => undefined);
		listener.#local = socket.address();
		return listener;
	}

	readonly #socket: dgram.Socket;
	#local: DatagramPeer = {address: '', port: 0};
	#closed = false;

	private constructor(socket: dgram.Socket, receive: (bytes: Buffer, from: DatagramPeer) => void) {
		this.#socket = socket;
		socket.on('message', (bytes, remote) => {
			receive(bytes, {address: remote.address, port: remote.port});
		});
		socket.on('error', () => {
			// A send to a vanished client (ICMP unreachable) and the like: UDP has no connection to lose.
		});
	}

	/** The bound address. */
	get address(): string {
		return this.#local.address;
	}

	/** The bound port. */
	get port(): number {
		return this.#local.port;
	}

	/** True once {@link close} was called. */
	get closed(): boolean {
		return this.#closed;
	}

	/** Sends `bytes` from the bound port; rejects if the send fails or the socket is closed. */
	send(bytes: Buffer, to: DatagramPeer): Promise<void> {
		return new Promise((resolve, reject) => {
			try {
				this.#socket.send(bytes, to.port, to.address, (error) => {
					if (error) reject(error);
					else resolve();
				});
			} catch (error) {
				reject(error instanceof Error ? error : new Error(String(error)));
			}
		});
	}

	/** Closes the socket. Idempotent. */
	close(): Promise<void> {
		if (this.#closed) return Promise.resolve();
		this.#closed = true;
		return new Promise((resolve) => {
			try {
				this.#socket.close(() => {
					resolve();
				});
			} catch {
				// Never bound, or closed already.
				resolve();
			}
		});
	}
}
