/**
 * The socket side of a RouterOS API server on loopback: listening (plain TCP or api-ssl), the sentence framing of
 * each connection, replies that end or cut the connection, and taking the service down and up on the same port.
 * What a sentence means is up to the server built on it.
 *
 * Reference: MikroTik RouterOS manual, "API" (help.mikrotik.com): "API sentences", "Command description".
 */
import {createServer as createNetServer, type Server, type Socket} from 'node:net';
import {createServer as createTlsServer} from 'node:tls';
import {encodeSentence, SentenceDecoder, type SentenceDecoderOptions} from '../routeros/words.js';

/** One client connection, as a server answers on it. */
export interface ApiConnection {
	/** True once the connection is closed, or ended by the server: nothing more is sent. */
	readonly ended: boolean;
	/**
	 * Sends sentences. `after`: 'close' ends the connection after them; 'cut' sends only the first half of the
	 * bytes and then ends it.
	 */
	send(sentences: readonly (readonly string[])[], after?: 'close' | 'cut'): void;
	/** Writes bytes as they are, wire format or not. */
	sendRaw(bytes: Buffer): void;
}

/** What a server does with a connection: a handler for each sentence, and optionally for the close. */
export interface ApiSession {
	sentence(words: string[]): void;
	closed?(): void;
}

/** Options of {@link RouterOsApiListener.start}. */
export interface ApiListenerOptions {
	readonly host: string;
	/** 0 picks a free port. */
	readonly port: number;
	/** Serve api-ssl with this certificate instead of plain TCP. */
	readonly tls?: {readonly key: string; readonly cert: string};
	/** Limits of the sentence decoder; a client past them is disconnected. */
	readonly decoder?: SentenceDecoderOptions;
	/** Called for each connection accepted. */
	readonly serve: (connection: ApiConnection) => ApiSession;
}

interface OpenConnection extends ApiConnection {
	readonly socket: Socket;
	ended: boolean;
}

/** A listening RouterOS API socket. */
export class RouterOsApiListener {
	/** Starts listening. Rejects if the port cannot be bound. */
	static async start(options: ApiListenerOptions): Promise<RouterOsApiListener> {
		const listener = new RouterOsApiListener(options);
		await listen(listener.#server, options.port, options.host);
		listener.#port = portOf(listener.#server);
		return listener;
	}

	readonly #options: ApiListenerOptions;
	readonly #server: Server;
	readonly #connections = new Set<OpenConnection>();
	#port = 0;
	#down = false;
	#closed = false;
	/** Listening and stopping happen one after another. */
	#transitions: Promise<void> = Promise.resolve();

	private constructor(options: ApiListenerOptions) {
		this.#options = options;
		const onSocket = (socket: Socket): void => {
			this.#accept(socket);
		};
		this.#server = options.tls === undefined ? createNetServer(onSocket) : createTlsServer({...options.tls}, onSocket);
		this.#server.on('error', () => {
			// Errors after listening (e.g. EMFILE on accept) must not end the process; the next accept may work.
		});
	}

	/** The TCP port; it stays the same while the service is down. */
	get port(): number {
		return this.#port;
	}

	/** Connections open now. */
	get connections(): number {
		return this.#connections.size;
	}

	/**
	 * Takes the service down (stops listening, so connections are refused, and drops the open ones) or brings it
	 * back on the same port.
	 */
	setDown(down: boolean): void {
		this.#down = down;
		if (down) this.dropConnections();
		this.#transitions = this.#transitions.then(async () => {
			if (this.#closed) return;
			if (this.#down && this.#server.listening) {
				await closeServer(this.#server);
			} else if (!this.#down && !this.#server.listening) {
				await listen(this.#server, this.#port, this.#options.host).catch(() => {
					// The port was taken meanwhile: the API stays unreachable, like a router whose service failed.
				});
			}
		});
	}

	/** Drops every open connection without a word, like a router reboot or a firewall state flush. */
	dropConnections(): void {
		for (const connection of this.#connections) {
			connection.ended = true;
			connection.socket.destroy();
		}
	}

	/** Drops every connection and stops listening. Idempotent. */
	async close(): Promise<void> {
		this.#closed = true;
		this.dropConnections();
		await this.#transitions;
		if (this.#server.listening) await closeServer(this.#server);
	}

	#accept(socket: Socket): void {
		if (this.#down || this.#closed) {
			socket.destroy();
			return;
		}
		const connection: OpenConnection = {
			socket,
			ended: false,
			send(sentences, after) {
				if (connection.ended || socket.destroyed) return;
				const bytes = Buffer.concat(sentences.map((sentence) => encodeSentence(sentence)));
				if (after === undefined) {
					socket.write(bytes);
					return;
				}
				connection.ended = true;
				socket.end(after === 'cut' ? bytes.subarray(0, Math.ceil(bytes.length / 2)) : bytes);
			},
			sendRaw(bytes) {
				if (!connection.ended && !socket.destroyed) socket.write(bytes);
			},
		};
		this.#connections.add(connection);
		socket.setNoDelay(true);
		const session = this.#options.serve(connection);
		socket.on('error', () => {
			// A client resetting the connection is its business; 'close' follows.
		});
		socket.on('close', () => {
			connection.ended = true;
			this.#connections.delete(connection);
			session.closed?.();
		});
		const decoder = new SentenceDecoder(this.#options.decoder);
		socket.on('data', (chunk: Buffer) => {
			let sentences: string[][];
			try {
				sentences = decoder.push(chunk);
			} catch {
				// Not the API wire format: the stream position is lost, as on a real router.
				socket.destroy();
				return;
			}
			for (const words of sentences) session.sentence(words);
		});
	}
}

/** A command sentence taken apart. */
export interface ApiCommand {
	readonly command: string;
	readonly attributes: ReadonlyMap<string, string>;
	/** Query words without the leading '?'. */
	readonly queries: readonly string[];
	/** The sentence with the command's `.tag` added, if it had one. */
	readonly tagged: (...words: string[]) => string[];
}

/** Splits a sentence into command, attributes (`=name=value`), queries (`?...`) and tag (`.tag=`). */
export function parseCommand(words: readonly string[]): ApiCommand {
	const [command = '', ...rest] = words;
	const attributes = new Map<string, string>();
	const queries: string[] = [];
	let tag: string | undefined;
	for (const word of rest) {
		if (word.startsWith('=')) {
			// API doc, "Attribute word": "=name=value"; the value may contain '='.
			const separator = word.indexOf('=', 1);
			if (separator === -1) attributes.set(word.slice(1), '');
			else attributes.set(word.slice(1, separator), word.slice(separator + 1));
		} else if (word.startsWith('?')) {
			queries.push(word.slice(1));
		} else if (word.startsWith('.tag=')) {
			tag = word.slice('.tag='.length);
		}
	}
	const tagged = (...sentence: string[]): string[] => (tag === undefined || tag === '' ? sentence : [...sentence, `.tag=${tag}`]);
	return {command, attributes, queries, tagged};
}

/** A `!trap` with `message`, then `!done`. */
export function trap(tagged: ApiCommand['tagged'], message: string): string[][] {
	return [tagged('!trap', `=message=${message}`), tagged('!done')];
}

function listen(server: Server, port: number, host: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const onError = (error: Error): void => {
			server.off('listening', onListening);
			reject(error);
		};
		const onListening = (): void => {
			server.off('error', onError);
			resolve();
		};
		server.once('error', onError);
		server.once('listening', onListening);
		server.listen(port, host);
	});
}

function closeServer(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => {
			resolve();
		});
	});
}

function portOf(server: Server): number {
	const address = server.address();
	return typeof address === 'object' && address !== null ? address.port : 0;
}
