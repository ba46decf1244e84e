import {createServer, type AddressInfo, type Server, type Socket} from 'node:net';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import type {RouterOsConnectOptions} from '../../source/routeros/connect-options.js';
import {RouterOsClient} from '../../source/routeros/routeros-client.js';
import {RouterOsError} from '../../source/routeros/routeros-error.js';
import {encodeSentence, RouterOsProtocolError, SentenceDecoder} from '../../source/routeros/words.js';
import {createTestCertificate, FakeRouterOs, type FakeRouterOsOptions} from '../helpers/fake-routeros.js';

const PASSWORD = 'Pa55-w0rd-never-shown';

const alice = {
	'.id': '*1A',
	name: 'alice',
	service: 'pppoe',
	'caller-id': 'AA:BB:CC:00:00:01',
	address: '100.64.0.10',
	uptime: '1h2m3s',
	'session-id': '0x81000001',
};
const bob = {
	'.id': '*1B',
	name: 'bob',
	service: 'pppoe',
	'caller-id': 'AA:BB:CC:00:00:02',
	address: '100.64.0.11',
	uptime: '5m',
	'session-id': '0x81000002',
};
const bob2 = {...bob, '.id': '*1C', address: '100.64.0.12', 'session-id': '0x81000003'};
const carol = {user: 'carol', address: '10.5.50.7', 'mac-address': '11:22:33:44:55:66', uptime: '12m'};

const unhandled = vi.fn();
const uncaught = vi.fn();
const fakes: FakeRouterOs[] = [];
const clients: RouterOsClient[] = [];
const servers: Server[] = [];

beforeAll(() => {
	process.on('unhandledRejection', unhandled);
	process.on('uncaughtException', uncaught);
});

afterAll(() => {
	process.off('unhandledRejection', unhandled);
	process.off('uncaughtException', uncaught);
});

beforeEach(() => {
	unhandled.mockClear();
	uncaught.mockClear();
});

afterEach(async () => {
	await Promise.all(clients.splice(0).map(async (client) => client.close()));
	await Promise.all(fakes.splice(0).map(async (fake) => fake.close()));
	for (const server of servers.splice(0)) {
		server.close();
	}

	// Unhandled rejections are reported after the microtask queue drains: give them a turn of the event loop.
	await new Promise((resolve) => setTimeout(resolve, 20));
	expect(unhandled).not.toHaveBeenCalled();
	expect(uncaught).not.toHaveBeenCalled();
});

async function startFake(options: FakeRouterOsOptions = {}): Promise<FakeRouterOs> {
	const fake = await FakeRouterOs.start({user: 'noc', password: PASSWORD, ...options});
	fakes.push(fake);
	return fake;
}

async function connect(fake: FakeRouterOs, options: Partial<RouterOsConnectOptions> = {}): Promise<RouterOsClient> {
	const client = await RouterOsClient.connect({
		host: fake.host,
		port: fake.port,
		user: 'noc',
		password: PASSWORD,
		name: 'bng-2',
		...options,
	});
	clients.push(client);
	return client;
}

async function rejection(promise: Promise<unknown>): Promise<RouterOsError> {
	const error = await promise.then(
		() => {
			throw new Error('expected a rejection');
		},
		(error: unknown) => error,
	);
	expect(error).toBeInstanceOf(RouterOsError);
	const routerOsError = error as RouterOsError;
	expect(routerOsError.message).not.toContain(PASSWORD);
	return routerOsError;
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** A TCP server on 127.0.0.1 that hands each connection to `onSocket`; closed after the test. */
async function startRawServer(onSocket: (socket: Socket) => void): Promise<number> {
	const server = createServer((socket) => {
		socket.on('error', () => undefined);
		onSocket(socket);
	});
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

/**
 * A router driven by the test: `/login` is accepted, every other sentence goes to `script` with a function
 * that writes reply sentences.
 */
async function startScriptedRouter(
	script: (words: readonly string[], reply: (...sentences: string[][]) => void, socket: Socket) => void,
): Promise<number> {
	return startRawServer((socket) => {
		const decoder = new SentenceDecoder();
		const reply = (...sentences: string[][]): void => {
			socket.write(Buffer.concat(sentences.map((sentence) => encodeSentence(sentence))));
		};

		socket.on('data', (chunk: Buffer) => {
			for (const words of decoder.push(chunk)) {
				if (words[0] === '/login') {
					reply(['!done', words.find((word) => word.startsWith('.tag=')) ?? '']);
				} else if (words[0] !== '/quit') {
					script(words, reply, socket);
				}
			}
		});
	});
}

function tagOf(words: readonly string[]): string {
	const tag = words.find((word) => word.startsWith('.tag='));
	expect(tag).toBeDefined();
	return tag ?? '';
}

describe('RouterOsClient login', () => {
	it('logs in and closes idempotently, sending /quit', async () => {
		const fake = await startFake();
		const client = await connect(fake);
		expect(client.closed).toBe(false);
		expect(fake.logins).toBe(1);
		const login = fake.received[0] ?? [];
		expect(login.slice(0, 3)).toEqual(['/login', '=name=noc', `=password=${PASSWORD}`]);
		expect(login.some((word) => word.startsWith('.tag='))).toBe(true);

		await Promise.all([client.close(), client.close()]);
		await client.close();
		expect(client.closed).toBe(true);
		await vi.waitFor(() => {
			expect(fake.received.at(-1)).toEqual(['/quit']);
			expect(fake.connections).toBe(0);
		});
	});

	it('rejects a wrong password with a clear message that does not contain the password', async () => {
		const fake = await startFake({password: 'the-right-one'});
		const error = await rejection(connect(fake));
		expect(error.kind).toBe('login');
		expect(error.message).toBe(`bng-2 API (127.0.0.1:${fake.port}): login refused: invalid user name or password`);
		expect(error.routerMessage).toBe('invalid user name or password (6)');
		await vi.waitFor(() => expect(fake.connections).toBe(0));
	});

	it('reports !fatal during login', async () => {
		const fake = await startFake({faults: {fatalOnLogin: true}});
		const error = await rejection(connect(fake));
		expect(error.kind).toBe('fatal');
		expect(error.message).toBe(`bng-2 API (127.0.0.1:${fake.port}): router ended the session: too many sessions`);
	});

	it('reports a refused connection', async () => {
		const port = await closedPort();
		const error = await rejection(RouterOsClient.connect({host: '127.0.0.1', port, user: 'noc', password: PASSWORD}));
		expect(error.kind).toBe('connect');
		expect(error.message).toBe(`RouterOS API (127.0.0.1:${port}): connection refused`);
	});

	it('times out when the router accepts but never answers the login', async () => {
		const fake = await startFake({faults: {neverAnswer: true}});
		const error = await rejection(connect(fake, {connectTimeoutMs: 200}));
		// The 200 ms given, not the default.
		expect(error.kind).toBe('timeout');
		expect(error.message).toBe(`bng-2 API (127.0.0.1:${fake.port}): timed out after 0.2 s logging in`);
		await vi.waitFor(() => expect(fake.connections).toBe(0));
	});

	it('stops connecting when the signal aborts', async () => {
		const fake = await startFake({faults: {neverAnswer: true}});
		const controller = new AbortController();
		const attempt = connect(fake, {signal: controller.signal});
		setTimeout(() => controller.abort(), 50);
		const error = await rejection(attempt);
		expect(error.kind).toBe('aborted');
		expect(error.message).toMatch(/connection attempt aborted$/);
	});

	it('closes a connected client when the signal aborts', async () => {
		const fake = await startFake();
		const controller = new AbortController();
		const client = await connect(fake, {signal: controller.signal});
		controller.abort();
		expect(client.closed).toBe(true);
		const error = await rejection(client.print('/ppp/active'));
		expect(error.kind).toBe('closed');
		expect(error.message).toMatch(/\/ppp\/active\/print not sent: connection closed: aborted$/);
	});

	it('rejects options that cannot work', async () => {
		await expect(RouterOsClient.connect({host: '', user: 'a', password: 'b'})).rejects.toThrow(RangeError);
		await expect(RouterOsClient.connect({host: 'x', port: 70_000, user: 'a', password: 'b'})).rejects.toThrow(RangeError);
		await expect(RouterOsClient.connect({host: 'x', user: 'a', password: 'b', commandTimeoutMs: 0})).rejects.toThrow(RangeError);
	});
});

describe('RouterOsClient commands', () => {
	it('prints rows filtered by equality queries, AND-ed', async () => {
		const fake = await startFake({pppActive: [alice, bob, bob2], hotspotActive: [carol]});
		const client = await connect(fake);
		expect(await client.print('/ppp/active', {name: 'alice'})).toEqual([alice]);
		expect(await client.print('/ppp/active', ['?caller-id=AA:BB:CC:00:00:02'])).toEqual([bob, bob2]);
		expect(await client.print('/ppp/active', {name: 'bob', address: '100.64.0.12'})).toEqual([bob2]);
		expect(await client.command('/ppp/active/print', undefined, ['?session-id=0x81000001'])).toEqual([alice]);
		expect(await client.command(['/ppp/active/print'])).toHaveLength(3);
		expect(await client.print('/ip/hotspot/active', {'mac-address': '11:22:33:44:55:66'})).toEqual([{...carol, '.id': '*1'}]);
		expect(fake.received.at(-1)?.slice(0, 2)).toEqual(['/ip/hotspot/active/print', '?mac-address=11:22:33:44:55:66']);
		expect(client.ignoredReplies).toBe(0);
	});

	it.each([
		['RouterOS 7.18+ (!empty then !done)', true],
		['older RouterOS (!done only)', false],
	])('resolves an empty print as [] with %s', async (_label, version7_18) => {
		const fake = await startFake({pppActive: [alice], version7_18});
		const client = await connect(fake);
		expect(await client.print('/ppp/active', {name: 'nobody'})).toEqual([]);
		expect(await client.print('/ppp/active', {name: 'alice'})).toEqual([alice]);
		// The !done after !empty was matched to its command, not dropped as a stray reply.
		expect(client.ignoredReplies).toBe(0);
	});

	it('removes an entry by .id', async () => {
		const fake = await startFake({pppActive: [alice, bob]});
		const client = await connect(fake);
		await client.remove('/ppp/active', '*1A');
		expect(fake.received.at(-1)?.slice(0, 2)).toEqual(['/ppp/active/remove', '=.id=*1A']);
		expect(fake.tables['/ppp/active']).toEqual([bob]);
		expect(await client.print('/ppp/active')).toEqual([bob]);
	});

	it('rejects with the router message on !trap and keeps the connection usable', async () => {
		const fake = await startFake({pppActive: [alice]});
		const client = await connect(fake);
		const error = await rejection(client.remove('/ppp/active', '*99'));
		expect(error.kind).toBe('trap');
		expect(error.routerMessage).toBe('no such item');
		expect(error.message).toBe(`bng-2 API (127.0.0.1:${fake.port}): /ppp/active/remove failed: no such item`);
		expect(client.closed).toBe(false);
		expect(await client.print('/ppp/active')).toEqual([alice]);
		expect(client.ignoredReplies).toBe(0);
	});

	it('runs concurrent commands on one connection and matches replies by tag', async () => {
		// The first command is answered last, so the replies arrive in the reverse order of the commands.
		const fake = await startFake({
			pppActive: [alice, bob],
			hotspotActive: [carol],
			replyDelayMs: (words) => (words.includes('?name=alice') ? 150 : words.includes('?name=bob') ? 75 : 0),
		});
		const client = await connect(fake);
		const order: string[] = [];
		const track = async <T>(name: string, promise: Promise<T>): Promise<T> => {
			const value = await promise;
			order.push(name);
			return value;
		};

		const [a, b, c] = await Promise.all([
			track('alice', client.print('/ppp/active', {name: 'alice'})),
			track('bob', client.print('/ppp/active', {name: 'bob'})),
			track('hotspot', client.print('/ip/hotspot/active')),
		]);
		expect(a).toEqual([alice]);
		expect(b).toEqual([bob]);
		expect(c).toEqual([{...carol, '.id': '*1'}]);
		expect(order).toEqual(['hotspot', 'bob', 'alice']);
		const tags = fake.received.slice(1).map((words) => tagOf(words));
		expect(new Set(tags).size).toBe(3);
		expect(fake.connections).toBe(1);
	});

	it('rejects pending commands when closed by the client', async () => {
		const fake = await startFake({replyDelayMs: (words) => (words[0] === '/login' ? 0 : 500)});
		const client = await connect(fake);
		const pending = rejection(client.print('/ppp/active'));
		await client.close();
		const error = await pending;
		expect(error.kind).toBe('closed');
		expect(error.message).toBe(`bng-2 API (127.0.0.1:${fake.port}): connection closed by the client`);
	});

	it('rejects malformed commands without touching the connection', async () => {
		const fake = await startFake();
		const client = await connect(fake);
		await expect(client.command(['/ppp/active/print', '.tag=mine'])).rejects.toThrow(RangeError);
		await expect(client.command(['ppp/active/print'])).rejects.toThrow(RangeError);
		await expect(client.command(['/ppp/active/print', ''])).rejects.toThrow(RangeError);
		await expect(client.print('/ppp/active/')).rejects.toThrow(RangeError);
		await expect(client.print('/ppp/active', {'': 'x'})).rejects.toThrow(RangeError);
		expect(client.closed).toBe(false);
		expect(await client.print('/ppp/active')).toEqual([]);
	});
});

describe('RouterOsClient with a misbehaving router', () => {
	it('rejects every pending command when the router closes mid-command', async () => {
		const fake = await startFake({pppActive: [alice, bob]});
		const client = await connect(fake);
		fake.faults.closeMidCommand = true;
		const first = client.print('/ppp/active');
		const second = client.print('/ppp/active', {name: 'bob'});
		const [firstError, secondError] = await Promise.all([rejection(first), rejection(second)]);
		expect(firstError.kind).toBe('closed');
		expect(firstError.message).toBe(`bng-2 API (127.0.0.1:${fake.port}): connection closed by the router in the middle of a reply`);
		expect(secondError.message).toBe(firstError.message);
		expect(client.closed).toBe(true);
		const later = await rejection(client.print('/ppp/active'));
		expect(later.kind).toBe('closed');
		expect(later.message).toMatch(/\/ppp\/active\/print not sent: connection closed by the router/);
	});

	it('notices a connection dropped while idle, without crashing', async () => {
		const fake = await startFake();
		const client = await connect(fake);
		fake.dropConnections();
		await vi.waitFor(() => expect(client.closed).toBe(true));
		await client.close();
	});

	it('times out a command the router never answers, then fails the others and closes', async () => {
		const fake = await startFake({pppActive: [alice]});
		const client = await connect(fake, {commandTimeoutMs: 200});
		fake.faults.neverAnswer = true;
		const first = client.print('/ppp/active');
		await new Promise((resolve) => setTimeout(resolve, 50));
		const second = client.remove('/ppp/active', '*1A');
		const firstError = await rejection(first);
		expect(firstError.kind).toBe('timeout');
		expect(firstError.message).toBe(
			`bng-2 API (127.0.0.1:${fake.port}): /ppp/active/print got no reply within 0.2 s; closing the connection`,
		);
		const secondError = await rejection(second);
		expect(secondError.kind).toBe('closed');
		expect(secondError.message).toMatch(/connection closed: \/ppp\/active\/print got no reply within 0\.2 s$/);
		expect(client.closed).toBe(true);
		await vi.waitFor(() => expect(fake.connections).toBe(0));
	});

	it('turns garbage bytes into a protocol error and closes', async () => {
		const fake = await startFake();
		const client = await connect(fake);
		fake.faults.sendGarbage = true;
		const error = await rejection(client.print('/ppp/active'));
		expect(error.kind).toBe('protocol');
		expect(error.cause).toBeInstanceOf(RouterOsProtocolError);
		expect(error.message).toMatch(/protocol error: reserved RouterOS API control byte 0xF8/);
		expect(client.closed).toBe(true);
	});

	it('ignores replies with an unknown tag, without a tag, or with an unknown reply word', async () => {
		const port = await startScriptedRouter((words, reply) => {
			const tag = tagOf(words);
			reply(
				['!re', '=name=stray', '.tag=9999'],
				['!done', '.tag=9999'],
				['!re', '=name=untagged'],
				['!sometime-later', tag],
				['!re', '=name=alice', tag],
				['!done', tag],
			);
		});
		const client = await RouterOsClient.connect({host: '127.0.0.1', port, user: 'noc', password: PASSWORD});
		clients.push(client);
		expect(await client.print('/ppp/active')).toEqual([{name: 'alice'}]);
		expect(client.ignoredReplies).toBe(4);
		expect(client.closed).toBe(false);
	});

	it('resolves [] when the connection ends right after !empty', async () => {
		const port = await startScriptedRouter((words, reply, socket) => {
			reply(['!empty', tagOf(words)]);
			socket.end();
		});
		const client = await RouterOsClient.connect({host: '127.0.0.1', port, user: 'noc', password: PASSWORD});
		clients.push(client);
		expect(await client.print('/ppp/active', {name: 'nobody'})).toEqual([]);
		await vi.waitFor(() => expect(client.closed).toBe(true));
	});

	it('rejects pending commands on !fatal with the router reason', async () => {
		const port = await startScriptedRouter((_words, reply, socket) => {
			reply(['!fatal', 'out of memory']);
			socket.end();
		});
		const client = await RouterOsClient.connect({host: '127.0.0.1', port, user: 'noc', password: PASSWORD});
		clients.push(client);
		const error = await rejection(client.print('/ppp/active'));
		expect(error.kind).toBe('fatal');
		expect(error.routerMessage).toBe('out of memory');
		expect(error.message).toBe(`RouterOS API (127.0.0.1:${port}): router ended the session: out of memory`);
		expect(client.closed).toBe(true);
	});
});

describe('RouterOsClient over TLS', () => {
	let certificate: {key: string; cert: string};

	beforeAll(async () => {
		certificate = await createTestCertificate();
	});

	it('logs in and runs commands on the TLS port with the CA given', async () => {
		const fake = await startFake({tls: certificate, pppActive: [alice]});
		const client = await connect(fake, {tls: true, tlsOptions: {ca: certificate.cert}});
		expect(await client.print('/ppp/active', {name: 'alice'})).toEqual([alice]);
		await client.remove('/ppp/active', '*1A');
		expect(await client.print('/ppp/active')).toEqual([]);
	});

	it('refuses an unverifiable certificate unless told otherwise', async () => {
		const fake = await startFake({tls: certificate});
		const error = await rejection(connect(fake, {tls: true}));
		expect(error.kind).toBe('tls');
		expect(error.message).toBe(`bng-2 API (127.0.0.1:${fake.port}): TLS handshake failed: self-signed certificate`);

		const client = await connect(fake, {tls: true, tlsOptions: {rejectUnauthorized: false}});
		expect(await client.print('/ppp/active')).toEqual([]);
	});

	it('times out a TLS handshake the server never answers', async () => {
		const port = await startRawServer((socket) => socket.resume());
		const error = await rejection(
			RouterOsClient.connect({host: '127.0.0.1', port, tls: true, user: 'noc', password: PASSWORD, connectTimeoutMs: 300}),
		);
		expect(error.kind).toBe('timeout');
		expect(error.message).toBe(`RouterOS API (127.0.0.1:${port}): timed out after 0.3 s in the TLS handshake`);
	});

	it('reports a handshake failure against a plain-text API port', async () => {
		const port = await startRawServer((socket) => {
			socket.once('data', () => socket.end(encodeSentence(['!fatal', 'not logged in'])));
		});
		const error = await rejection(RouterOsClient.connect({host: '127.0.0.1', port, tls: true, user: 'noc', password: PASSWORD}));
		expect(error.kind).toBe('tls');
		expect(error.message).toMatch(new RegExp(`^RouterOS API \\(127\\.0\\.0\\.1:${port}\\): TLS handshake failed: .+`));
	});
});
