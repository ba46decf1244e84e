/**
 * A fake MikroTik RouterOS API server for tests: plain TCP (and optionally TLS) on 127.0.0.1, a free port,
 * on the simulator's API listener (socket, framing, command parsing). It knows `/login` (6.43+ style), `/quit`, and
 * `print` / `remove` on `/ppp/active` and `/ip/hotspot/active` over in-memory tables, plus fault knobs that
 * make it misbehave the way real routers and networks do.
 *
 * Reference: MikroTik RouterOS manual, "API" (help.mikrotik.com).
 */
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {parseCommand, RouterOsApiListener, trap, type ApiConnection, type ApiSession} from '../../source/demo/routeros-api-listener.js';

/** One row of `/ppp/active`; `.id` is assigned (`*1`, `*2`, ...) when left out. A type, not an interface, so it
 * is assignable to {@link FakeRow}. */
export type PppActiveEntry = {
	readonly '.id'?: string;
	readonly name: string;
	readonly service: string;
	readonly 'caller-id': string;
	readonly address: string;
	readonly uptime: string;
	readonly 'session-id': string;
};

/** One row of `/ip/hotspot/active`; `.id` is assigned when left out. */
export type HotspotActiveEntry = {
	readonly '.id'?: string;
	readonly user: string;
	readonly address: string;
	readonly 'mac-address': string;
	readonly uptime: string;
};

/** Ways to misbehave; each is read when a sentence arrives, so tests can flip them on a live connection. */
export interface FakeRouterOsFaults {
	/** On a command after login: send the first half of the reply, then drop the connection. */
	closeMidCommand: boolean;
	/** Read every sentence (including `/login`) and never answer. */
	neverAnswer: boolean;
	/** On a command after login: answer with bytes that are no valid length prefix (0xF8+ control bytes). */
	sendGarbage: boolean;
	/** Answer `/login` with `!fatal` and close. */
	fatalOnLogin: boolean;
}

/** How to start a {@link FakeRouterOs}. */
export interface FakeRouterOsOptions {
	/** Default 'admin'. */
	readonly user?: string;
	/** Default 'secret'. */
	readonly password?: string;
	readonly pppActive?: readonly PppActiveEntry[];
	readonly hotspotActive?: readonly HotspotActiveEntry[];
	/** Answer an empty print with `!empty` then `!done`, as RouterOS 7.18+ does. Default false. */
	readonly version7_18?: boolean;
	readonly faults?: Partial<FakeRouterOsFaults>;
	/** Serve api-ssl instead of plain api, with this certificate. */
	readonly tls?: {readonly key: string; readonly cert: string};
	/** Delay before answering a sentence, to make replies to concurrent commands overtake each other. */
	readonly replyDelayMs?: (words: readonly string[]) => number;
}

/** A row as the fake stores it: attribute name to value, always with `.id`. */
export type FakeRow = Record<string, string>;

/** The menus the fake serves, by path. */
export type FakeMenu = '/ppp/active' | '/ip/hotspot/active';

const MENUS: readonly FakeMenu[] = ['/ppp/active', '/ip/hotspot/active'];

/** A running fake router. Stop it with {@link close}. */
export class FakeRouterOs {
	/**
	 * Starts listening on 127.0.0.1, on a free port.
	 */
	static async start(options: FakeRouterOsOptions = {}): Promise<FakeRouterOs> {
		const fake = new FakeRouterOs(options);
		fake.listener = await RouterOsApiListener.start({
			host: fake.host,
			port: 0,
			...(options.tls === undefined ? {} : {tls: options.tls}),
			serve: (connection) => fake.serve(connection),
		});
		return fake;
	}

	readonly host = '127.0.0.1';
	/** The rows of each menu; tests may read and change them directly. */
	readonly tables: Record<FakeMenu, FakeRow[]>;
	readonly faults: FakeRouterOsFaults;
	/** Every sentence received, in order, across all connections. */
	readonly received: string[][] = [];
	version7_18: boolean;
	/** Successful logins so far. */
	logins = 0;

	private listener: RouterOsApiListener | undefined;
	private readonly user: string;
	private readonly password: string;
	private readonly replyDelayMs: (words: readonly string[]) => number;
	private nextId = 1;

	private constructor(options: FakeRouterOsOptions) {
		this.user = options.user ?? 'admin';
		this.password = options.password ?? 'secret';
		this.version7_18 = options.version7_18 ?? false;
		this.replyDelayMs = options.replyDelayMs ?? (() => 0);
		this.faults = {
			closeMidCommand: false,
			neverAnswer: false,
			sendGarbage: false,
			fatalOnLogin: false,
			...options.faults,
		};
		this.tables = {
			'/ppp/active': (options.pppActive ?? []).map((entry) => this.withId(entry)),
			'/ip/hotspot/active': (options.hotspotActive ?? []).map((entry) => this.withId(entry)),
		};
	}

	/** The port the fake listens on. */
	get port(): number {
		return this.listener?.port ?? 0;
	}

	/** Connections currently open. */
	get connections(): number {
		return this.listener?.connections ?? 0;
	}

	/** Drops every open connection without a word, like a router reboot or a firewall state flush. */
	dropConnections(): void {
		this.listener?.dropConnections();
	}

	/** Drops all connections and stops listening. */
	async close(): Promise<void> {
		await this.listener?.close();
	}

	private serve(connection: ApiConnection): ApiSession {
		const session = {loggedIn: false};
		return {
			sentence: (words) => {
				this.received.push(words);
				this.answer(connection, session, words);
			},
		};
	}

	private answer(connection: ApiConnection, session: {loggedIn: boolean}, words: readonly string[]): void {
		if (this.faults.neverAnswer) {
			return;
		}

		const {command, attributes, queries, tagged} = parseCommand(words);
		const send = (sentences: readonly string[][], thenClose = false): void => {
			const write = (): void => {
				connection.send(sentences, thenClose ? 'close' : undefined);
			};

			const delay = this.replyDelayMs(words);
			if (delay > 0) {
				setTimeout(write, delay);
			} else {
				write();
			}
		};

		if (command === '/login') {
			if (this.faults.fatalOnLogin) {
				send([['!fatal', 'too many sessions']], true);
			} else if (attributes.get('name') === this.user && attributes.get('password') === this.password) {
				session.loggedIn = true;
				this.logins += 1;
				send([tagged('!done')]);
			} else {
				send(trap(tagged, 'invalid user name or password (6)'));
			}

			return;
		}

		if (!session.loggedIn) {
			send([['!fatal', 'not logged in']], true);
			return;
		}

		if (command === '/quit') {
			send([['!fatal', 'session terminated on request']], true);
			return;
		}

		if (this.faults.sendGarbage) {
			connection.sendRaw(Buffer.from([0xf8, 0xff, 0xfe, 0x00]));
			return;
		}

		const reply = this.run(command, attributes, queries, tagged);
		if (this.faults.closeMidCommand) {
			connection.send(reply, 'cut');
			return;
		}

		send(reply);
	}

	private run(
		command: string,
		attributes: ReadonlyMap<string, string>,
		queries: readonly string[],
		tagged: (...sentence: string[]) => string[],
	): string[][] {
		const separator = command.lastIndexOf('/');
		const path = command.slice(0, separator);
		const verb = command.slice(separator + 1);
		const menu = MENUS.find((candidate) => candidate === path);
		if (menu === undefined || (verb !== 'print' && verb !== 'remove')) {
			return trap(tagged, 'no such command prefix');
		}

		const table = this.tables[menu];
		if (verb === 'print') {
			const conditions: Array<[string, string]> = [];
			for (const query of queries) {
				const equals = query.indexOf('=');
				// Only `?name=value` (equality); the API's other query forms are beyond this fake.
				if (equals < 1) {
					return trap(tagged, `unsupported query ?${query}`);
				}

				conditions.push([query.slice(0, equals), query.slice(equals + 1)]);
			}

			const rows = table.filter((row) => conditions.every(([name, value]) => row[name] === value));
			if (rows.length === 0 && this.version7_18) {
				return [tagged('!empty'), tagged('!done')];
			}

			return [
				...rows.map((row) => tagged('!re', ...Object.entries(row).map(([name, value]) => `=${name}=${value}`))),
				tagged('!done'),
			];
		}

		const index = table.findIndex((row) => row['.id'] === attributes.get('.id'));
		if (index === -1) {
			return trap(tagged, 'no such item');
		}

		table.splice(index, 1);
		return [tagged('!done')];
	}

	private withId(entry: PppActiveEntry | HotspotActiveEntry): FakeRow {
		const id = entry['.id'] ?? `*${(this.nextId++).toString(16).toUpperCase()}`;
		return {...entry, '.id': id};
	}
}

/**
 * A throwaway self-signed certificate for `localhost` and 127.0.0.1, made with openssl in a temporary
 * directory that is removed again. Test use only.
 */
export async function createTestCertificate(): Promise<{key: string; cert: string}> {
	const directory = await mkdtemp(join(tmpdir(), 'radtop-routeros-tls-'));
	try {
		const keyPath = join(directory, 'key.pem');
		const certPath = join(directory, 'cert.pem');
		await promisify(execFile)('openssl', [
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-subj',
			'/CN=localhost',
			'-addext',
			'subjectAltName=DNS:localhost,IP:127.0.0.1',
			'-days',
			'1',
			'-keyout',
			keyPath,
			'-out',
			certPath,
		]);
		return {key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8')};
	} finally {
		await rm(directory, {recursive: true, force: true});
	}
}
