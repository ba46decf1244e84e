/**
 * --verify against NAS on loopback: a fake Dynamic Authorization server (CoA-Request in, CoA-ACK/NAK out) and a
 * fake RouterOS API.
 */
import {createServer, type AddressInfo, type Socket} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {NasRegistry} from '../../source/nas/registry.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {getString} from '../../source/radius/packet.js';
import {RouterOsLookup, SILENT_NAS_LIMIT, verifySessions} from '../../source/sweep/verify.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {FakeRouterOs} from '../helpers/fake-routeros.js';
import {makeSession} from '../helpers/sessions.js';

const SECRET = 'sweep-test-secret';
const NAS_IP = '10.20.0.2';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function coaNas(answer: Parameters<typeof startFakeCoaNas>[0]['answer']): Promise<FakeCoaNas> {
	const nas = await startFakeCoaNas({secret: SECRET, answer});
	cleanups.push(() => nas.close());
	return nas;
}

function client(): CoaClient {
	const coaClient = new CoaClient({timeoutMs: 100, retries: 1});
	cleanups.push(() => coaClient.close());
	return coaClient;
}

const alice = makeSession({
	radacctid: '11',
	username: 'alice',
	acctsessionid: '81a00001',
	framedipaddress: '100.64.0.11',
	nasipaddress: NAS_IP,
});
const bob = makeSession({
	radacctid: '12',
	username: 'bob',
	acctsessionid: '81a00002',
	framedipaddress: '100.64.0.12',
	nasipaddress: NAS_IP,
});

describe('verification by CoA-Request', () => {
	it('sends a CoA-Request with only the session identification, and reads ACK as present, NAK 503 as absent', async () => {
		const nas = await coaNas((request) =>
			getString(request.packet!, 'User-Name') === 'alice'
				? {code: PacketCode.CoaAck}
				: {code: PacketCode.CoaNak, attributes: [{name: 'Error-Cause', value: 503}]},
		);
		const registry = NasRegistry.from(
			[],
			[{ip: NAS_IP, name: 'bng-2', secret: SECRET, coaHost: nas.address, coaPort: nas.port, vendor: 'mikrotik'}],
		);
		const answers = await verifySessions([alice, bob], {registry, coaClient: client()});
		expect(answers.get('11')).toEqual({presence: 'present', via: 'coa', detail: 'CoA-ACK: bng-2 has the session'});
		expect(answers.get('12')).toEqual({presence: 'absent', via: 'coa', detail: 'CoA-NAK: Session-Context-Not-Found (503)'});

		expect(nas.received).toHaveLength(2);
		for (const request of nas.received) {
			expect(request.packet!.code).toBe(PacketCode.CoaRequest);
			const names = request.packet!.attributes.map((attribute) => attribute.name);
			// Identification only (mikrotik: User-Name, Acct-Session-Id, Framed-IP-Address), signed; nothing to change.
			expect(names.sort()).toEqual(['Acct-Session-Id', 'Framed-IP-Address', 'Message-Authenticator', 'User-Name']);
		}
	});

	it('reads any other NAK, silence and a missing secret as unknown', async () => {
		const nas = await coaNas((request) =>
			getString(request.packet!, 'User-Name') === 'alice'
				? {code: PacketCode.CoaNak, attributes: [{name: 'Error-Cause', value: 404}]}
				: undefined,
		);
		const registry = NasRegistry.from(
			[],
			[
				{ip: NAS_IP, name: 'bng-2', secret: SECRET, coaHost: nas.address, coaPort: nas.port, vendor: 'mikrotik'},
				{ip: '10.20.0.9', name: 'bng-9'},
			],
		);
		const carol = makeSession({radacctid: '13', username: 'carol', nasipaddress: '10.20.0.9'});
		const answers = await verifySessions([alice, bob, carol], {registry, coaClient: client()});
		expect(answers.get('11')).toMatchObject({presence: 'unknown', via: 'coa', detail: 'CoA-NAK: Invalid-Request (404)'});
		expect(answers.get('12')).toMatchObject({presence: 'unknown', via: 'coa'});
		expect(answers.get('12')!.detail).toContain('did not answer 2 tries');
		expect(answers.get('13')).toEqual({presence: 'unknown', via: null, detail: 'no RADIUS secret or API credentials for bng-9'});
	});

	it('stops asking a NAS that answered none of its first questions', async () => {
		const nas = await coaNas(() => undefined);
		const registry = NasRegistry.from(
			[],
			[{ip: NAS_IP, name: 'bng-2', secret: SECRET, coaHost: nas.address, coaPort: nas.port, vendor: 'mikrotik'}],
		);
		const sessions = Array.from({length: 8}, (_, index) =>
			makeSession({radacctid: String(100 + index), username: `u${index}`, nasipaddress: NAS_IP}),
		);
		const answers = await verifySessions(sessions, {registry, coaClient: client(), concurrency: 1});
		expect([...answers.values()].every((answer) => answer.presence === 'unknown')).toBe(true);
		expect(new Set(nas.received.map((request) => request.packet!.identifier)).size).toBe(SILENT_NAS_LIMIT);
		expect(answers.get('107')!.detail).toBe(`not asked: bng-2 left ${SILENT_NAS_LIMIT} questions unanswered`);
	});

	it('a CoA-ACK signed with another secret is not taken for an answer', async () => {
		const nas = await coaNas(() => ({code: PacketCode.CoaAck, secret: 'not-the-secret'}));
		const registry = NasRegistry.from(
			[],
			[{ip: NAS_IP, name: 'bng-2', secret: SECRET, coaHost: nas.address, coaPort: nas.port, vendor: 'mikrotik'}],
		);
		const answers = await verifySessions([alice], {registry, coaClient: client()});
		expect(answers.get('11')!.presence).toBe('unknown');
	});
});

describe('verification through the RouterOS API', () => {
	async function router(): Promise<FakeRouterOs> {
		const fake = await FakeRouterOs.start({
			user: 'radtop',
			password: 'api-pass',
			version7_18: true,
			pppActive: [
				{
					name: 'alice',
					service: 'pppoe',
					'caller-id': 'AA:BB:CC:00:00:01',
					address: '100.64.0.11',
					uptime: '1h',
					'session-id': '0x81A00001',
				},
			],
		});
		cleanups.push(() => fake.close());
		return fake;
	}

	it('finds the session in /ppp/active over one connection per NAS, and nothing goes to the CoA port', async () => {
		const fake = await router();
		const nas = await coaNas(() => ({code: PacketCode.CoaAck}));
		const registry = NasRegistry.from(
			[],
			[
				{
					ip: NAS_IP,
					name: 'bng-2',
					secret: SECRET,
					coaHost: nas.address,
					coaPort: nas.port,
					vendor: 'mikrotik',
					api: {host: fake.host, port: fake.port, user: 'radtop', password: 'api-pass'},
				},
			],
		);
		const answers = await verifySessions([alice, bob], {registry, coaClient: client()});
		expect(answers.get('11')).toMatchObject({presence: 'present', via: 'api'});
		expect(answers.get('12')).toMatchObject({presence: 'absent', via: 'api'});
		expect(fake.logins).toBe(1);
		// alice by name; bob by name, then by framed address.
		expect(fake.received.filter((words) => words[0] === '/ppp/active/print')).toHaveLength(3);
		expect(fake.received.some((words) => words[0]?.endsWith('/remove'))).toBe(false);
		expect(nas.received).toHaveLength(0);
	});

	it('another session of the same user on the router is not this one', async () => {
		const fake = await router();
		const registry = NasRegistry.from(
			[],
			[
				{
					ip: NAS_IP,
					name: 'bng-2',
					vendor: 'mikrotik',
					api: {host: fake.host, port: fake.port, user: 'radtop', password: 'api-pass'},
				},
			],
		);
		const older = makeSession({
			radacctid: '10',
			username: 'alice',
			acctsessionid: '81a00000',
			framedipaddress: '100.64.0.11',
			nasipaddress: NAS_IP,
		});
		const answers = await verifySessions([older], {registry, coaClient: client()});
		expect(answers.get('10')).toMatchObject({presence: 'absent', via: 'api'});
	});

	it('finds by framed address a session whose name on the router carries a realm radacct does not store', async () => {
		const fake = await FakeRouterOs.start({
			user: 'radtop',
			password: 'api-pass',
			version7_18: true,
			pppActive: [
				{
					name: 'alice@isp',
					service: 'pppoe',
					'caller-id': 'AA:BB:CC:00:00:01',
					address: '100.64.0.11',
					uptime: '1h',
					'session-id': '0x81A00001',
				},
			],
		});
		cleanups.push(() => fake.close());
		const registry = NasRegistry.from(
			[],
			[
				{
					ip: NAS_IP,
					name: 'bng-2',
					vendor: 'mikrotik',
					api: {host: fake.host, port: fake.port, user: 'radtop', password: 'api-pass'},
				},
			],
		);
		const answers = await verifySessions([alice, bob], {registry, coaClient: client()});
		expect(answers.get('11')).toMatchObject({presence: 'present', via: 'api', detail: '/ppp/active lists it (address=100.64.0.11)'});
		expect(answers.get('12')).toEqual({
			presence: 'absent',
			via: 'api',
			detail: 'no /ppp/active entry for name=bob or address=100.64.0.12 matches it',
		});
		const prints = fake.received
			.filter((words) => words[0] === '/ppp/active/print')
			.map((words) => words.filter((word) => word.startsWith('?')).join(' '));
		expect(prints).toEqual(expect.arrayContaining(['?name=alice', '?address=100.64.0.11', '?name=bob', '?address=100.64.0.12']));
	});

	it('waits for the API as long as --timeout says', async () => {
		// Accepts and never answers: the login waits out the timeout.
		const silent = createServer(() => undefined);
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const sockets = new Set<Socket>();
		silent.on('connection', (socket) => sockets.add(socket));
		cleanups.push(async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => silent.close(resolve));
		});
		const {port} = silent.address() as AddressInfo;
		const registry = NasRegistry.from(
			[],
			[{ip: NAS_IP, name: 'bng-2', vendor: 'mikrotik', api: {host: '127.0.0.1', port, user: 'radtop', password: 'api-pass'}}],
		);
		const answers = await verifySessions([alice], {registry, coaClient: client(), apiTimeoutMs: 300});
		// The login timed out after the 300 ms given, not the lookup's default of 5 s.
		expect(answers.get('11')).toEqual({
			presence: 'unknown',
			via: 'api',
			detail: `bng-2 API (127.0.0.1:${port}): timed out after 0.3 s logging in`,
		});
	});

	it('asks by CoA when the API cannot be reached, and says both when neither can tell', async () => {
		const fake = await router();
		const port = fake.port;
		await fake.close();
		const nas = await coaNas((request) =>
			getString(request.packet!, 'User-Name') === 'alice'
				? {code: PacketCode.CoaNak, attributes: [{name: 'Error-Cause', value: 503}]}
				: undefined,
		);
		const registry = NasRegistry.from(
			[],
			[
				{
					ip: NAS_IP,
					name: 'bng-2',
					secret: SECRET,
					coaHost: nas.address,
					coaPort: nas.port,
					vendor: 'mikrotik',
					api: {host: '127.0.0.1', port, user: 'radtop', password: 'api-pass'},
				},
			],
		);
		const routerOs = new RouterOsLookup(undefined, {timeoutMs: 500});
		cleanups.push(() => routerOs.close());
		const answers = await verifySessions([alice, bob], {registry, coaClient: client(), routerOs});
		expect(answers.get('11')).toMatchObject({presence: 'absent', via: 'coa'});
		expect(answers.get('12')!.presence).toBe('unknown');
		expect(answers.get('12')!.detail).toMatch(/^API: .+; CoA: .+did not answer/);
		expect(answers.get('12')!.detail).not.toContain('api-pass');
	});
});
