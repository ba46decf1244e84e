/**
 * A small client for the MikroTik RouterOS API (TCP 8728, TLS 8729): one socket, a post-6.43 login, and
 * tagged commands so several can be in flight at once. The wire format lives in the pure codec
 * ({@link encodeSentence}, {@link SentenceDecoder}, {@link parseReply}); this module owns the socket.
 *
 * Written instead of using node-routeros 1.6.9, which is discontinued, throws on `!empty`, crashes the process
 * on an idle timeout when nobody listens for 'error', and ignores the port for TLS. Here every socket event is
 * handled, nothing throws asynchronously, and every failure is a {@link RouterOsError} with a one-line message.
 *
 * Reference: MikroTik RouterOS manual, "API" (help.mikrotik.com), sections "Initial login", "API sentences",
 * "Reply word", "Tags" and "Command description" (`/quit`).
 */
import {connect as netConnect, type Socket} from 'node:net';
import {connect as tlsConnect} from 'node:tls';
import {CommandTable, seconds} from './command-table.js';
import {resolveConnectOptions, type RouterOsConnectOptions} from './connect-options.js';
import {errorText, RouterOsError, socketErrorText, type RouterOsErrorDetails, type RouterOsErrorKind} from './routeros-error.js';
import {COMMAND_DECODER_LIMITS, LOGIN_DECODER_LIMITS, MAX_LOGIN_BYTES, sentenceBytes} from './reply-limits.js';
import {buildCommand, parseReply, type Reply, type RouterOsRow} from './sentences.js';
import {encodeSentence, SentenceDecoder} from './words.js';

type Stage = 'connecting' | 'tls' | 'login' | 'ready';

const STAGE_TEXT: Record<Exclude<Stage, 'ready'>, string> = {
	connecting: 'connecting',
	tls: 'in the TLS handshake',
	login: 'logging in',
};

/** How long `close()` lets `/quit` drain before destroying the socket anyway. */
const QUIT_GRACE_MS = 1000;
/** TCP keepalive, so a router that vanished while the connection sat idle is noticed. */
const KEEPALIVE_MS = 30_000;

/**
 * A logged-in connection to one router's API. Create it with {@link RouterOsClient.connect}; run commands with
 * {@link command}, {@link print} and {@link remove}; end it with {@link close}.
 *
 * Any broken connection (socket error, router closing, `!fatal`, garbage on the wire, a command timeout) closes
 * the client and rejects every pending command; {@link closed} is then true and later commands reject at once.
 * Replies whose tag matches no pending command, and reply words this client does not know, are ignored and
 * counted in {@link ignoredReplies} (forward compatibility: `!empty` was new in 7.18 and broke older clients).
 *
 * What the router may send is bounded (reply-limits.ts): a word, a sentence, the reply to one command, and all
 * that arrives before login is done. Past a limit the connection is closed and every pending command rejects
 * with a `protocol` RouterOsError, so a router streaming without end cannot grow radtop's memory.
 */
export class RouterOsClient {
	/**
	 * Connects (TCP or TLS) and logs in.
	 *
	 * @throws RouterOsError, e.g. "bng-2 API (10.0.0.2:8728): login refused: invalid user name or password".
	 * @throws RangeError for options that cannot work (empty host, bad port or timeout).
	 */
	static async connect(options: RouterOsConnectOptions): Promise<RouterOsClient> {
		const {tls, port, connectTimeoutMs, commandTimeoutMs, label} = resolveConnectOptions(options);
		if (options.signal?.aborted) {
			throw new RouterOsError(`${label}: connection attempt aborted`, 'aborted');
		}

		let socket: Socket;
		try {
			socket = tls ? tlsConnect({...options.tlsOptions, host: options.host, port}) : netConnect({host: options.host, port});
		} catch (error) {
			// tls.connect throws synchronously for unusable TLS options (e.g. a malformed CA).
			throw new RouterOsError(`${label}: TLS setup failed: ${errorText(error)}`, 'tls', {cause: error});
		}

		const client = new RouterOsClient(socket, label, tls, commandTimeoutMs, options.signal);
		try {
			await client.login(options.user, options.password, connectTimeoutMs);
		} catch (error) {
			await client.close();
			throw redact(error, options.password);
		}

		return client;
	}

	private readonly decoder = new SentenceDecoder(LOGIN_DECODER_LIMITS);
	private readonly commands: CommandTable;
	private readonly socketClosed: Promise<void>;
	private readonly transportReady: Promise<void>;
	private readonly onAbort = (): void => {
		this.fail(this.stage === 'ready' ? 'connection closed: aborted' : 'connection attempt aborted', 'aborted', {}, true);
	};

	private stage: Stage = 'connecting';
	/** Bytes received before login was done; capped at {@link MAX_LOGIN_BYTES}. */
	private loginBytes = 0;
	/** Why the connection ended (without the label); set once, never cleared. */
	private endReason: string | undefined;
	private markTransportReady: (() => void) | undefined;
	private failTransport: ((error: RouterOsError) => void) | undefined;

	private constructor(
		private readonly socket: Socket,
		private readonly label: string,
		tls: boolean,
		private readonly commandTimeoutMs: number,
		private readonly signal: AbortSignal | undefined,
	) {
		this.commands = new CommandTable(label);
		this.transportReady = new Promise<void>((resolve, reject) => {
			this.markTransportReady = resolve;
			this.failTransport = reject;
		});
		// Awaited by login(); this handler only keeps an early failure from counting as unhandled meanwhile.
		this.transportReady.catch(() => undefined);
		this.socketClosed = new Promise<void>((resolve) => {
			socket.once('close', () => {
				resolve();
				this.onSocketClose();
			});
		});

		socket.setNoDelay(true);
		socket.on('error', (error) => {
			this.onSocketError(error);
		});
		socket.on('data', (chunk: Buffer) => {
			this.onData(chunk);
		});
		// A TLSSocket emits 'connect' when TCP is up and 'secureConnect' after the handshake.
		socket.once('connect', () => {
			socket.setKeepAlive(true, KEEPALIVE_MS);
			if (tls) {
				this.stage = 'tls';
			} else {
				this.transportUp();
			}
		});
		if (tls) {
			socket.once('secureConnect', () => {
				this.transportUp();
			});
		}

		// No socket.setTimeout(), so no 'timeout' event (the one node-routeros left unhandled): an idle API
		// connection is normal. A router that vanished is found by TCP keepalive or by the next command's timer.
		signal?.addEventListener('abort', this.onAbort, {once: true});
	}

	/** True once the connection is closed or broken; commands then reject at once. */
	get closed(): boolean {
		return this.endReason !== undefined;
	}

	/** Replies dropped because their tag matched no pending command or their reply word is unknown. */
	get ignoredReplies(): number {
		return this.commands.ignored;
	}

	/**
	 * Runs one command and collects its `!re` rows.
	 *
	 * `words` is a whole sentence (`['/ppp/active/print', '?name=alice']`); or give the command, its attributes
	 * (`{'.id': '*1A'}` becomes `=.id=*1A`) and query words. The client adds `.tag=` itself.
	 *
	 * Resolves at `!done` with the rows (`[]` after `!empty`). Rejects with a {@link RouterOsError}: `trap` on
	 * `!trap`; `timeout` when no `!done` arrives in `commandTimeoutMs` (the connection is then closed, because
	 * the router's state is unknown); `fatal`, `protocol` or `closed` when the connection breaks. Rejects with a
	 * RangeError for a malformed command.
	 */
	async command(words: readonly string[]): Promise<RouterOsRow[]>;
	async command(command: string, attributes?: Readonly<Record<string, string>>, queries?: readonly string[]): Promise<RouterOsRow[]>;
	async command(
		commandOrWords: string | readonly string[],
		attributes?: Readonly<Record<string, string>>,
		queries?: readonly string[],
	): Promise<RouterOsRow[]> {
		const words = typeof commandOrWords === 'string' ? buildCommand(commandOrWords, attributes, queries) : [...commandOrWords];
		return this.send(words, this.commandTimeoutMs);
	}

	/**
	 * Lists the entries of a menu, e.g. `print('/ppp/active', {name: 'alice'})` sends
	 * `/ppp/active/print ?name=alice`. `queries` is either name/value pairs (equality, all must match) or
	 * raw query words such as `['?name=alice', '?service=pppoe']` (API doc, "Queries").
	 */
	async print(path: string, queries: Readonly<Record<string, string>> | readonly string[] = []): Promise<RouterOsRow[]> {
		const words = Array.isArray(queries)
			? [...(queries as readonly string[])]
			: Object.entries(queries).map(([name, value]) => {
					if (name.length === 0 || name.includes('=')) {
						throw new RangeError(`RouterOS API query name must be non-empty without '=', got ${JSON.stringify(name)}`);
					}

					return `?${name}=${value}`;
				});
		return this.command(`${menu(path)}/print`, undefined, words);
	}

	/** Removes one entry by its `.id` (e.g. `remove('/ppp/active', '*1A')`, which disconnects that PPP session). */
	async remove(path: string, id: string): Promise<void> {
		await this.command(`${menu(path)}/remove`, {'.id': id});
	}

	/**
	 * Closes the connection: pending commands reject (`closed`), `/quit` is sent best-effort, then the socket is
	 * destroyed. Idempotent; resolves once the socket is closed. Never rejects.
	 */
	async close(): Promise<void> {
		this.fail('connection closed by the client', 'closed', {}, true);
		await this.socketClosed;
	}

	private async login(user: string, password: string, timeoutMs: number): Promise<void> {
		const deadline = setTimeout(() => {
			if (this.stage !== 'ready') {
				this.fail(`timed out after ${seconds(timeoutMs)} ${STAGE_TEXT[this.stage]}`, 'timeout');
			}
		}, timeoutMs);
		try {
			await this.transportReady;
			// API doc, "Initial login" (6.43 and later): name and password in clear text, answered by !done or !trap.
			await this.send(['/login', `=name=${user}`, `=password=${password}`], undefined);
			this.stage = 'ready';
			this.decoder.setLimits(COMMAND_DECODER_LIMITS);
		} catch (error) {
			if (error instanceof RouterOsError && error.kind === 'trap') {
				// The router appends an internal code, e.g. "invalid user name or password (6)".
				const reason = (error.routerMessage ?? '').replace(/\s*\(\d+\)$/, '') || 'no reason given';
				throw new RouterOsError(`${this.label}: login refused: ${reason}`, 'login', {routerMessage: error.routerMessage});
			}

			throw error;
		} finally {
			clearTimeout(deadline);
		}
	}

	private async send(words: string[], timeoutMs: number | undefined): Promise<RouterOsRow[]> {
		if (words.some((word) => word.startsWith('.tag='))) {
			throw new RangeError('RouterOS API command words must not carry .tag=; the client tags commands itself');
		}

		const command = words[0] ?? '';
		if (!command.startsWith('/')) {
			throw new RangeError(`RouterOS API command must start with '/', got ${JSON.stringify(command)}`);
		}

		if (this.endReason !== undefined) {
			throw new RouterOsError(`${this.label}: ${command} not sent: ${this.endReason}`, 'closed');
		}

		const tag = this.commands.newTag();
		const sentence = encodeSentence([...words, `.tag=${tag}`]);
		const rows = this.commands.add(tag, command, timeoutMs, (reason) => {
			// The router may still run the command, and its reply stream is suspect: start over on a fresh connection.
			this.fail(`connection closed: ${reason}`, 'closed');
		});
		// A write to a socket the router just closed surfaces as an 'error' event, handled like any other.
		this.socket.write(sentence);
		return rows;
	}

	private onData(chunk: Buffer): void {
		if (this.closed) {
			return;
		}

		// The decoder holds at most one partial word and sentence within its limits (small until logged in), and
		// a chunk is at most the socket's read size: decoding first names a giant word as what it is.
		let sentences: string[][];
		try {
			sentences = this.decoder.push(chunk);
		} catch (error) {
			this.fail(`protocol error: ${errorText(error)}${during(this.stage)}`, 'protocol', {cause: error});
			return;
		}

		if (this.stage !== 'ready') {
			this.loginBytes += chunk.length;
			if (this.loginBytes > MAX_LOGIN_BYTES) {
				this.fail(`protocol error: more than ${MAX_LOGIN_BYTES} bytes received${during(this.stage)}`, 'protocol');
				return;
			}
		}

		for (const sentence of sentences) {
			this.onSentence(sentence);
			if (this.closed) {
				return;
			}
		}
	}

	private onSentence(sentence: readonly string[]): void {
		let reply: Reply;
		try {
			reply = parseReply(sentence);
		} catch {
			// An unknown reply word: skip it rather than guess what it means (a later !done still ends the command).
			this.commands.ignore();
			return;
		}

		if (reply.type === 'fatal') {
			// API doc, "Reply word": after !fatal the router closes the connection.
			this.fail(`router ended the session: ${reply.message || 'no reason given'}`, 'fatal', {
				routerMessage: reply.message,
			});
			return;
		}

		const overLimit = this.commands.route(reply, sentence.length, sentenceBytes(sentence));
		if (overLimit !== undefined) {
			this.fail(`protocol error: ${overLimit}`, 'protocol');
		}
	}

	private onSocketError(error: Error): void {
		if (this.stage === 'tls') {
			this.fail(`TLS handshake failed: ${errorText(error)}`, 'tls', {cause: error});
			return;
		}

		this.fail(`${socketErrorText(error)}${during(this.stage)}`, this.stage === 'connecting' ? 'connect' : 'closed', {cause: error});
	}

	private onSocketClose(): void {
		if (this.stage === 'tls') {
			this.fail('TLS handshake failed: connection closed by the router', 'tls');
			return;
		}

		const partial = this.decoder.hasPartialSentence ? ' in the middle of a reply' : '';
		this.fail(`connection closed by the router${partial}${during(this.stage)}`, 'closed');
	}

	private transportUp(): void {
		if (!this.closed) {
			this.stage = 'login';
			this.markTransportReady?.();
		}
	}

	/**
	 * Ends the connection for `reason` (given without the label): every pending command settles (`[]` if it
	 * already saw `!empty`, else rejected with `kind`), and the socket is destroyed, after a best-effort `/quit`
	 * when `quit` is set and the session is up. Only the first call has an effect.
	 */
	private fail(reason: string, kind: RouterOsErrorKind, details: RouterOsErrorDetails = {}, quit = false): void {
		if (this.endReason !== undefined) {
			return;
		}

		this.endReason = reason;
		this.signal?.removeEventListener('abort', this.onAbort);
		const message = `${this.label}: ${reason}`;
		this.failTransport?.(new RouterOsError(message, kind, details));
		this.commands.failAll(message, kind, details);
		if (quit && this.stage === 'ready' && this.socket.writable) {
			// API doc: /quit makes the router answer !fatal and close. Destroy once the bytes are flushed, or after
			// a grace period if they never are (a router that stopped reading).
			const grace = setTimeout(() => this.socket.destroy(), QUIT_GRACE_MS);
			grace.unref();
			this.socket.write(encodeSentence(['/quit']), () => {
				clearTimeout(grace);
				this.socket.destroy();
			});
		} else {
			this.socket.destroy();
		}
	}
}

function menu(path: string): string {
	if (!path.startsWith('/') || path.endsWith('/')) {
		throw new RangeError(`RouterOS API menu path must start and not end with '/', got ${JSON.stringify(path)}`);
	}

	return path;
}

function during(stage: Stage): string {
	return stage === 'login' ? ' while logging in' : '';
}

/** Belt and braces: a router could echo the login words back in its error text. */
function redact(error: unknown, password: string): unknown {
	if (password.length === 0 || !(error instanceof RouterOsError) || !error.message.includes(password)) {
		return error;
	}

	return new RouterOsError(error.message.split(password).join('***'), error.kind);
}
