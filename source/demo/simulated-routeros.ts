/**
 * The MikroTik RouterOS API of a simulated NAS (plain TCP): `/login` (6.43+ style), `/quit`,
 * `/system/identity/print`, and `print` / `remove` on `/ppp/active` (PPPoE NAS) and `/ip/hotspot/active`
 * (hotspot NAS), whose rows are the NAS's open sessions in radacct. Speaks the wire format through the project's
 * codec (routeros/words.ts).
 *
 * Reference: MikroTik RouterOS manual, "API" (help.mikrotik.com): "API sentences", "Reply word" (`!empty` since
 * 7.18), "Queries", "Tags", "Command description".
 */
import {createServer, type Server, type Socket} from 'node:net';
import {encodeSentence, SentenceDecoder} from '../routeros/words.js';
import type {SessionCriteria, SimulatedNasContext, SimulatedSession} from './simulated-nas-types.js';

/** Where and how a simulated NAS serves its API. */
export interface SimulatedApiOptions {
	readonly host: string;
	/** 0 picks a free port. */
	readonly port: number;
	readonly user: string;
	readonly password: string;
	/** Answer an empty print with `!empty` before `!done` (RouterOS 7.18 and later). */
	readonly emptyReply: boolean;
}

type Menu = '/ppp/active' | '/ip/hotspot/active';

const MENUS: readonly string[] = ['/ppp/active', '/ip/hotspot/active'];

interface Connection {
	readonly socket: Socket;
	loggedIn: boolean;
	/** Set once the simulator has ended the connection: later sentences are not answered. */
	ended: boolean;
	/** Sentences are answered one after another, in order. */
	queue: Promise<void>;
}

interface Command {
	readonly command: string;
	readonly attributes: ReadonlyMap<string, string>;
	/** Query words without the leading '?'. */
	readonly queries: readonly string[];
	readonly tagged: (...words: string[]) => string[];
}

/** One NAS's API listener. */
export class SimulatedRouterOsServer {
	/** Starts listening. Rejects if the port cannot be bound. */
	static async start(nas: SimulatedNasContext, options: SimulatedApiOptions): Promise<SimulatedRouterOsServer> {
		const server = new SimulatedRouterOsServer(nas, options);
		await listen(server.#server, options.port, options.host);
		server.#port = portOf(server.#server);
		if (nas.faults.apiDown) server.setDown(true);
		return server;
	}

	readonly #nas: SimulatedNasContext;
	readonly #options: SimulatedApiOptions;
	readonly #server: Server;
	readonly #connections = new Set<Connection>();
	#port = 0;
	#down = false;
	#closed = false;
	/** Listening and stopping happen one after another. */
	#transitions: Promise<void> = Promise.resolve();

	private constructor(nas: SimulatedNasContext, options: SimulatedApiOptions) {
		this.#nas = nas;
		this.#options = options;
		this.#server = createServer((socket) => {
			this.#serve(socket);
		});
		this.#server.on('error', () => {
			// Errors after listening (e.g. EMFILE on accept) must not end the process; the next accept may work.
		});
	}

	/** The TCP port; it stays the same while the API is down. */
	get port(): number {
		return this.#port;
	}

	/**
	 * Takes the API down (stops listening, so connections are refused, and drops the open ones) or brings it back
	 * on the same port.
	 */
	setDown(down: boolean): void {
		this.#down = down;
		if (down) this.#dropConnections();
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

	/** Drops every connection and stops listening. Idempotent. */
	async close(): Promise<void> {
		this.#closed = true;
		this.#dropConnections();
		await this.#transitions;
		if (this.#server.listening) await closeServer(this.#server);
		await Promise.all([...this.#connections].map(async (connection) => connection.queue));
	}

	#dropConnections(): void {
		for (const connection of this.#connections) {
			connection.ended = true;
			connection.socket.destroy();
		}
	}

	#serve(socket: Socket): void {
		if (this.#down || this.#closed) {
			socket.destroy();
			return;
		}
		const nas = this.#nas;
		nas.stats.apiConnections++;
		const connection: Connection = {socket, loggedIn: false, ended: false, queue: Promise.resolve()};
		this.#connections.add(connection);
		socket.setNoDelay(true);
		socket.on('error', () => {
			// A client resetting the connection is its business; 'close' follows.
		});
		socket.on('close', () => {
			connection.ended = true;
			this.#connections.delete(connection);
		});
		const decoder = new SentenceDecoder({maxWordBytes: 64 * 1024, maxSentenceBytes: 1024 * 1024});
		socket.on('data', (chunk: Buffer) => {
			let sentences: string[][];
			try {
				sentences = decoder.push(chunk);
			} catch {
				// Not the API wire format: the stream position is lost, as on a real router.
				socket.destroy();
				return;
			}
			for (const words of sentences) {
				nas.stats.apiCommands++;
				const answered = connection.queue.then(() => this.#answer(connection, words));
				connection.queue = answered.catch(() => undefined);
				nas.track(answered);
			}
		});
	}

	async #answer(connection: Connection, words: readonly string[]): Promise<void> {
		if (connection.ended || this.#closed) return;
		const command = parseCommand(words);
		const {tagged} = command;
		if (command.command === '/login') {
			const {user, password} = this.#options;
			if (command.attributes.get('name') === user && command.attributes.get('password') === password) {
				connection.loggedIn = true;
				await this.#reply(connection, [tagged('!done')], false);
			} else {
				this.#nas.stats.apiLoginFailures++;
				await this.#reply(connection, trap(tagged, 'invalid user name or password (6)'), false);
			}
			return;
		}
		if (!connection.loggedIn) {
			await this.#reply(connection, [['!fatal', 'not logged in']], false, true);
			return;
		}
		if (command.command === '/quit') {
			// API doc, "Command description": /quit makes the router answer !fatal and close the connection.
			await this.#reply(connection, [['!fatal', 'session terminated on request']], false, true);
			return;
		}
		let sentences: string[][];
		try {
			sentences = await this.#run(command);
		} catch {
			this.#nas.stats.dbErrors++;
			sentences = trap(tagged, 'failure: resources unavailable');
		}
		await this.#reply(connection, sentences, this.#nas.faults.closeApiMidCommand);
	}

	async #run({command, attributes, queries, tagged}: Command): Promise<string[][]> {
		const separator = command.lastIndexOf('/');
		const path = command.slice(0, separator);
		const verb = command.slice(separator + 1);
		if (path === '/system/identity' && verb === 'print') {
			return [tagged('!re', `=name=${this.#nas.name}`), tagged('!done')];
		}
		if (!MENUS.includes(path)) return trap(tagged, 'no such command prefix');
		const menu = path as Menu;
		// The NAS's sessions are in the menu of its service; the other menu exists and is empty.
		const own = (menu === '/ppp/active') === (this.#nas.service === 'pppoe');
		if (verb === 'print') {
			const conditions: Array<readonly [string, string]> = [];
			for (const query of queries) {
				const equals = query.indexOf('=');
				// Only `?name=value` (equality, all must match); the API's other query forms are beyond the simulator.
				if (equals < 1 || query.startsWith('-') || query.startsWith('#') || query.startsWith('<') || query.startsWith('>')) {
					return trap(tagged, `unsupported query ?${query}`);
				}
				conditions.push([query.slice(0, equals), query.slice(equals + 1)]);
			}
			const rows = own ? await this.#print(menu, conditions) : [];
			const proplist = attributes
				.get('.proplist')
				?.split(',')
				.filter((name) => name.length > 0);
			const shown =
				proplist === undefined
					? rows
					: rows.map((row) => Object.fromEntries(proplist.flatMap((name) => (name in row ? [[name, row[name] ?? '']] : []))));
			if (shown.length === 0 && this.#options.emptyReply) return [tagged('!empty'), tagged('!done')];
			return [
				...shown.map((row) => tagged('!re', ...Object.entries(row).map(([name, value]) => `=${name}=${value}`))),
				tagged('!done'),
			];
		}
		if (verb === 'remove') {
			// `=.id=*1A` or several, comma-separated.
			const ids = (attributes.get('.id') ?? '').split(',').map(parseId);
			if (!own || ids.length === 0 || ids.some((id) => id === undefined)) return trap(tagged, 'no such item');
			const wanted = new Set(ids as string[]);
			const sessions = await this.#nas.findSessions({radacctIds: [...wanted]});
			if (sessions.length !== wanted.size) return trap(tagged, 'no such item');
			this.#nas.endSessions(sessions, 'Admin-Reset');
			return [tagged('!done')];
		}
		return trap(tagged, 'no such command');
	}

	/** The rows of `menu` that satisfy every condition: the mapped ones in SQL, the others on the rows. */
	async #print(menu: Menu, conditions: ReadonlyArray<readonly [string, string]>): Promise<Array<Record<string, string>>> {
		const criteria: Record<string, unknown> = {};
		const rest: Array<readonly [string, string]> = [];
		for (const [name, value] of conditions) {
			const mapped = criterion(menu, name, value);
			if (mapped === undefined) {
				rest.push([name, value]);
				continue;
			}
			if (mapped === 'none') return [];
			const [key, criterionValue] = mapped;
			const previous = criteria[key];
			// Two different values for one property can both match nothing.
			if (previous !== undefined && JSON.stringify(previous) !== JSON.stringify(criterionValue)) return [];
			criteria[key] = criterionValue;
		}
		const sessions = await this.#nas.findSessions(criteria as SessionCriteria);
		const now = this.#nas.nowSeconds();
		return sessions
			.map((session) => (menu === '/ppp/active' ? this.#pppRow(session, now) : this.#hotspotRow(session, now)))
			.filter((row) => rest.every(([name, value]) => row[name] === value));
	}

	#pppRow(session: SimulatedSession, now: number): Record<string, string> {
		return {
			'.id': formatId(session.radacctid),
			name: session.userName ?? '',
			service: 'pppoe',
			'caller-id': session.callingStationId ?? '',
			address: session.framedIp ?? '',
			uptime: formatUptime(now - session.startedAt),
			'session-id': session.acctSessionId,
			radius: 'true',
		};
	}

	#hotspotRow(session: SimulatedSession, now: number): Record<string, string> {
		const octets = this.#nas.currentOctets(session, now);
		return {
			'.id': formatId(session.radacctid),
			server: 'hotspot1',
			user: session.userName ?? '',
			address: session.framedIp ?? '',
			'mac-address': normalizeMac(session.callingStationId ?? ''),
			'login-by': 'http-chap',
			uptime: formatUptime(now - session.startedAt),
			'bytes-in': String(octets.input),
			'bytes-out': String(octets.output),
			radius: 'true',
		};
	}

	/** Sends a reply after the fault delay; `cut` sends only its first half, `close` ends the connection after it. */
	async #reply(connection: Connection, sentences: readonly string[][], cut: boolean, close = false): Promise<void> {
		if (!(await this.#nas.sleep(this.#nas.faults.delayMs))) return;
		const {socket} = connection;
		if (connection.ended || socket.destroyed) return;
		const bytes = Buffer.concat(sentences.map((sentence) => encodeSentence(sentence)));
		if (cut) {
			connection.ended = true;
			socket.end(bytes.subarray(0, Math.ceil(bytes.length / 2)));
			return;
		}
		if (close) {
			connection.ended = true;
			socket.end(bytes);
			return;
		}
		socket.write(bytes);
	}
}

/** The SQL criterion a print condition maps to; 'none' when it can match no row; undefined if not mapped. */
function criterion(menu: Menu, name: string, value: string): readonly [keyof SessionCriteria, unknown] | 'none' | undefined {
	if (name === '.id') {
		const id = parseId(value);
		return id === undefined ? 'none' : ['radacctIds', [id]];
	}
	if (name === 'address') return ['framedIp', value];
	if (menu === '/ppp/active') {
		if (name === 'name') return ['userName', value];
		if (name === 'caller-id') return ['callingStationId', value];
		if (name === 'session-id') return ['acctSessionId', value];
		return undefined;
	}
	if (name === 'user') return ['userName', value];
	if (name === 'mac-address') return ['macAddress', value];
	return undefined;
}

function parseCommand(words: readonly string[]): Command {
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

function trap(tagged: Command['tagged'], message: string): string[][] {
	return [tagged('!trap', `=message=${message}`), tagged('!done')];
}

/** A row's `.id`: '*' and the radacctid in upper-case hex, stable for the life of the session. */
export function formatId(radacctid: string): string {
	return `*${BigInt(radacctid).toString(16).toUpperCase()}`;
}

function parseId(id: string): string | undefined {
	const match = /^\*([\dA-Fa-f]{1,15})$/.exec(id);
	return match?.[1] === undefined ? undefined : BigInt(`0x${match[1]}`).toString();
}

/** An uptime as RouterOS prints it: `1w2d3h4m5s`, zero parts left out, `0s` for nothing. */
export function formatUptime(seconds: number): string {
	let rest = Math.max(0, Math.floor(seconds));
	let text = '';
	for (const [unit, size] of [
		['w', 604_800],
		['d', 86_400],
		['h', 3600],
		['m', 60],
		['s', 1],
	] as const) {
		const count = Math.floor(rest / size);
		rest -= count * size;
		if (count > 0) text += `${count}${unit}`;
	}
	return text === '' ? '0s' : text;
}

/** A MAC as RouterOS shows it: upper case, colon-separated. */
export function normalizeMac(mac: string): string {
	return mac.replaceAll('-', ':').toUpperCase();
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
