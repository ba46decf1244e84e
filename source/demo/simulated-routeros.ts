/**
 * The MikroTik RouterOS API of a simulated NAS (plain TCP): `/login` (6.43+ style), `/quit`,
 * `/system/identity/print`, and `print` / `remove` on `/ppp/active` (PPPoE NAS) and `/ip/hotspot/active`
 * (hotspot NAS), whose rows are the NAS's open sessions in radacct. Speaks the wire format through the project's
 * codec (routeros/words.ts).
 *
 * Reference: MikroTik RouterOS manual, "API" (help.mikrotik.com): "API sentences", "Reply word" (`!empty` since
 * 7.18), "Queries", "Tags", "Command description".
 */
import {parseCommand, RouterOsApiListener, trap, type ApiCommand, type ApiConnection, type ApiSession} from './routeros-api-listener.js';
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

/** A connection's state: sentences are answered one after another, in order. */
interface Connection {
	readonly api: ApiConnection;
	loggedIn: boolean;
	queue: Promise<void>;
}

/** One NAS's API listener. */
export class SimulatedRouterOsServer {
	/** Starts listening. Rejects if the port cannot be bound. */
	static async start(nas: SimulatedNasContext, options: SimulatedApiOptions): Promise<SimulatedRouterOsServer> {
		const server = new SimulatedRouterOsServer(nas, options);
		server.#listener = await RouterOsApiListener.start({
			host: options.host,
			port: options.port,
			decoder: {maxWordBytes: 64 * 1024, maxSentenceBytes: 1024 * 1024},
			serve: (api) => server.#serve(api),
		});
		if (nas.faults.apiDown) server.setDown(true);
		return server;
	}

	readonly #nas: SimulatedNasContext;
	readonly #options: SimulatedApiOptions;
	readonly #connections = new Set<Connection>();
	#listener: RouterOsApiListener | undefined;
	#closed = false;

	private constructor(nas: SimulatedNasContext, options: SimulatedApiOptions) {
		this.#nas = nas;
		this.#options = options;
	}

	/** The TCP port; it stays the same while the API is down. */
	get port(): number {
		return this.#listener?.port ?? 0;
	}

	/**
	 * Takes the API down (stops listening, so connections are refused, and drops the open ones) or brings it back
	 * on the same port.
	 */
	setDown(down: boolean): void {
		this.#listener?.setDown(down);
	}

	/** Drops every connection and stops listening. Idempotent. */
	async close(): Promise<void> {
		this.#closed = true;
		await this.#listener?.close();
		await Promise.all([...this.#connections].map(async (connection) => connection.queue));
	}

	#serve(api: ApiConnection): ApiSession {
		const nas = this.#nas;
		nas.stats.apiConnections++;
		const connection: Connection = {api, loggedIn: false, queue: Promise.resolve()};
		this.#connections.add(connection);
		return {
			sentence: (words) => {
				nas.stats.apiCommands++;
				const answered = connection.queue.then(() => this.#answer(connection, words));
				connection.queue = answered.catch(() => undefined);
				nas.track(answered);
			},
			closed: () => {
				this.#connections.delete(connection);
			},
		};
	}

	async #answer(connection: Connection, words: readonly string[]): Promise<void> {
		if (connection.api.ended || this.#closed) return;
		const command = parseCommand(words);
		const {tagged} = command;
		if (command.command === '/login') {
			const {user, password} = this.#options;
			if (command.attributes.get('name') === user && command.attributes.get('password') === password) {
				connection.loggedIn = true;
				await this.#reply(connection, [tagged('!done')]);
			} else {
				this.#nas.stats.apiLoginFailures++;
				await this.#reply(connection, trap(tagged, 'invalid user name or password (6)'));
			}
			return;
		}
		if (!connection.loggedIn) {
			await this.#reply(connection, [['!fatal', 'not logged in']], 'close');
			return;
		}
		if (command.command === '/quit') {
			// API doc, "Command description": /quit makes the router answer !fatal and close the connection.
			await this.#reply(connection, [['!fatal', 'session terminated on request']], 'close');
			return;
		}
		let sentences: string[][];
		try {
			sentences = await this.#run(command);
		} catch {
			this.#nas.stats.dbErrors++;
			sentences = trap(tagged, 'failure: resources unavailable');
		}
		await this.#reply(connection, sentences, this.#nas.faults.closeApiMidCommand ? 'cut' : undefined);
	}

	async #run({command, attributes, queries, tagged}: ApiCommand): Promise<string[][]> {
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

	/** Sends a reply after the fault delay; `after` as in {@link ApiConnection.send}. */
	async #reply(connection: Connection, sentences: readonly string[][], after?: 'close' | 'cut'): Promise<void> {
		if (!(await this.#nas.sleep(this.#nas.faults.delayMs))) return;
		connection.api.send(sentences, after);
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
