/**
 * Interoperability with FreeRADIUS's radclient (Debian freeradius-utils; CI installs it):
 * - radclient against our NAS simulator: a Disconnect-Request with the right secret is ACKed (and the simulator
 *   writes the Accounting-Stop), with the wrong secret it gets no answer, for an unknown session a NAK with
 *   Error-Cause 503 that radclient decodes;
 * - our codec and CoaClient against radclient: for the same identifier and attributes, the datagram we build is
 *   byte for byte the one radclient sends (with and without Message-Authenticator), and CoaClient gets from the
 *   simulator the ACK radclient gets.
 * Not installed is a failure with the command to install it, never a silent skip.
 */
import {spawn, spawnSync} from 'node:child_process';
import dgram from 'node:dgram';
import {once} from 'node:events';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {recordStarts, type StartEvent} from '../../source/demo/accounting.js';
import {startNasSimulator, type NasSimulator} from '../../source/demo/nas-simulator.js';
import {disconnectAttributes} from '../../source/nas/vendor-profiles.js';
import {encodeRequest, verifyRequest} from '../../source/radius/authenticators.js';
import {CoaClient} from '../../source/radius/coa-client.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {decodePacket, getString, type RadiusAttribute} from '../../source/radius/packet.js';
import type {Queryable} from '../../source/db/queryable.js';
import {createTestDatabase, type TestDatabase} from '../helpers/test-database.js';

const RADCLIENT = process.env['RADCLIENT'] || 'radclient';
const SECRET = 'interop-Secret-42';
const NAS_IP = '10.20.0.1';

let database: TestDatabase;
let db: Queryable;
let simulator: NasSimulator;
let port: number;

/** A MikroTik session as FreeRADIUS records its start; `x`/`y` are the User-Name and Acct-Session-Id radclient sends. */
function start(userName: string, acctSessionId: string, framedIpAddress: string): StartEvent {
	return {
		acctSessionId,
		acctUniqueId: `interop-${acctSessionId}`,
		userName,
		realm: null,
		nasIpAddress: NAS_IP,
		nasPortId: 'vlan100',
		nasPortType: 'Ethernet',
		timestamp: Math.floor(Date.now() / 1000) - 600,
		connectInfo: 'GPON',
		calledStationId: 'pppoe-bng-1',
		callingStationId: 'DC:2C:6E:00:00:10',
		serviceType: 'Framed-User',
		framedProtocol: 'PPP',
		framedIpAddress,
	};
}

/** radclient's input for a session: one attribute list, as `radclient` reads it from stdin or a file. */
const input = (userName: string, acctSessionId: string, framedIp: string, extra = ''): string =>
	`User-Name = "${userName}", Acct-Session-Id = "${acctSessionId}", Framed-IP-Address = ${framedIp}${extra}\n`;

const attributes = (userName: string, acctSessionId: string, framedIp: string): RadiusAttribute[] => [
	{name: 'User-Name', value: userName},
	{name: 'Acct-Session-Id', value: acctSessionId},
	{name: 'Framed-IP-Address', value: framedIp},
];

beforeAll(async () => {
	const probe = spawnSync(RADCLIENT, ['-v'], {encoding: 'utf8'});
	if (probe.error || probe.status !== 0) {
		const why = probe.error ? probe.error.message : `exit ${probe.status}: ${(probe.stderr || probe.stdout).trim()}`;
		throw new Error(
			`FreeRADIUS's radclient is needed for this test and could not be run (${why}): install it with ` +
				'`apt-get install freeradius-utils` (CI installs it), or set RADCLIENT to its path',
		);
	}
	database = await createTestDatabase();
	db = database.pglite ?? database.pool;
	await recordStarts(db, [
		start('x', 'y', '100.64.0.10'),
		start('x-ma', 'y-ma', '100.64.0.11'),
		start('x-wrong', 'y-wrong', '100.64.0.12'),
		start('x-coa', 'y-coa', '100.64.0.13'),
	]);
	simulator = await startNasSimulator({db, nas: [{name: 'bng-1', ip: NAS_IP, secret: SECRET, vendor: 'mikrotik'}], stopDelayMs: 10});
	port = simulator.nas[0]!.coaPort;
});

afterAll(async () => {
	await simulator?.close();
	await database?.close();
});

interface RadclientRun {
	readonly status: number | null;
	readonly output: string;
}

/** Runs radclient (asynchronously: the simulator answers from this process), `stdin` as its input. */
function radclient(args: readonly string[], stdin: string): Promise<RadclientRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(RADCLIENT, [...args], {stdio: ['pipe', 'pipe', 'pipe']});
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		child.on('error', reject);
		child.on('close', (status) => {
			clearTimeout(timer);
			resolve({status, output});
		});
		child.stdin.end(stdin);
	});
}

async function row(acctSessionId: string): Promise<{stopped: boolean; cause: string | null}> {
	const {rows} = await db.query(
		'SELECT acctstoptime IS NOT NULL AS stopped, acctterminatecause AS cause FROM radacct WHERE acctsessionid = $1',
		[acctSessionId],
	);
	return rows[0] as {stopped: boolean; cause: string | null};
}

/** A UDP socket on loopback that records what reaches it and answers nothing. */
async function listener(): Promise<{port: number; next(): Promise<Buffer>; close(): Promise<void>}> {
	const socket = dgram.createSocket('udp4');
	socket.bind(0, '127.0.0.1');
	await once(socket, 'listening');
	return {
		port: socket.address().port,
		next: async () => ((await once(socket, 'message')) as [Buffer, dgram.RemoteInfo])[0],
		close: () => new Promise((resolve) => socket.close(() => resolve())),
	};
}

describe('radclient against the NAS simulator', () => {
	it('gets a Disconnect-ACK, and the simulator writes the Accounting-Stop (Admin-Reset)', async () => {
		const run = await radclient(
			['-x', '-r', '1', '-t', '2', `127.0.0.1:${port}`, 'disconnect', SECRET],
			input('x', 'y', '100.64.0.10'),
		);
		expect(run.output).toMatch(/Sent Disconnect-Request Id \d+ from .* to 127\.0\.0\.1:\d+ length \d+/);
		expect(run.output).toMatch(new RegExp(`Received Disconnect-ACK Id \\d+ from 127\\.0\\.0\\.1:${port} to .* length 20`));
		expect(run.status, run.output).toBe(0);
		expect(simulator.stats('bng-1')).toMatchObject({acked: 1, disconnects: 1});
		await simulator.stopsWritten();
		expect(await row('y')).toEqual({stopped: true, cause: 'Admin-Reset'});
	});

	it("with Message-Authenticator too: the simulator verifies radclient's HMAC and ACKs", async () => {
		const run = await radclient(
			['-x', '-r', '1', '-t', '2', `127.0.0.1:${port}`, 'disconnect', SECRET],
			input('x-ma', 'y-ma', '100.64.0.11', ', Message-Authenticator = 0x00'),
		);
		expect(run.output).toMatch(/Received Disconnect-ACK/);
		expect(run.status, run.output).toBe(0);
		await simulator.stopsWritten();
		expect(await row('y-ma')).toEqual({stopped: true, cause: 'Admin-Reset'});
	});

	it('a session the NAS does not have: Disconnect-NAK with Error-Cause Session-Context-Not-Found, as radclient reads it', async () => {
		const run = await radclient(
			['-x', '-r', '1', '-t', '2', `127.0.0.1:${port}`, 'disconnect', SECRET],
			input('nobody', 'feedbeef', '100.64.9.9'),
		);
		expect(run.output).toMatch(/Received Disconnect-NAK Id \d+/);
		expect(run.output).toMatch(/Error-Cause = Session-Context-Not-Found/);
		expect(simulator.stats('bng-1').naksByCause[503]).toBe(1);
	});

	it('with the wrong secret gets no answer, and the session stays open', async () => {
		const dropped = simulator.stats('bng-1').dropped.badAuthenticator;
		const run = await radclient(
			// No answer comes: half a second is as good as any wait for it on loopback.
			['-x', '-r', '1', '-t', '0.5', `127.0.0.1:${port}`, 'disconnect', 'not-the-secret'],
			input('x-wrong', 'y-wrong', '100.64.0.12'),
		);
		expect(run.output).toMatch(/No reply from server/);
		expect(run.output).not.toMatch(/Received Disconnect-(ACK|NAK)/);
		expect(run.status).not.toBe(0);
		expect(simulator.stats('bng-1').dropped.badAuthenticator).toBeGreaterThan(dropped);
		expect(await row('y-wrong')).toEqual({stopped: false, cause: null});
	});
});

describe('our codec and CoaClient against radclient', () => {
	it.each([
		['without Message-Authenticator', '', false],
		['with Message-Authenticator', ', Message-Authenticator = 0x00', true],
	] as const)('encodeRequest builds the very datagram radclient sends, %s', async (_name, extra, messageAuthenticator) => {
		const capture = await listener();
		try {
			const received = capture.next();
			const run = radclient(
				['-r', '1', '-t', '1', `127.0.0.1:${capture.port}`, 'disconnect', SECRET],
				input('x', 'y', '100.64.0.10', extra),
			);
			const datagram = await received;
			await run;
			const verified = verifyRequest(datagram, SECRET);
			expect(verified.ok, verified.ok ? '' : verified.reason).toBe(true);
			const packet = decodePacket(datagram);
			expect(packet.code).toBe(PacketCode.DisconnectRequest);
			expect(getString(packet, 'User-Name')).toBe('x');
			expect(getString(packet, 'Acct-Session-Id')).toBe('y');
			const ours = encodeRequest({
				code: PacketCode.DisconnectRequest,
				identifier: packet.identifier,
				attributes: attributes('x', 'y', '100.64.0.10'),
				secret: SECRET,
				messageAuthenticator,
			});
			expect(ours.toString('hex')).toBe(datagram.toString('hex'));
		} finally {
			await capture.close();
		}
	});

	it('CoaClient sends what radclient would for a MikroTik session, and gets the ACK radclient gets', async () => {
		// A relay between CoaClient and the simulator, to see the bytes on the wire.
		const relay = dgram.createSocket('udp4');
		const upstream = dgram.createSocket('udp4');
		relay.bind(0, '127.0.0.1');
		upstream.bind(0, '127.0.0.1');
		await Promise.all([once(relay, 'listening'), once(upstream, 'listening')]);
		const requests: Buffer[] = [];
		let client: dgram.RemoteInfo | undefined;
		relay.on('message', (bytes, from) => {
			requests.push(bytes);
			client = from;
			upstream.send(bytes, port, '127.0.0.1');
		});
		upstream.on('message', (bytes) => {
			if (client) relay.send(bytes, client.port, client.address);
		});
		const coa = new CoaClient({timeoutMs: 2000, retries: 1});
		try {
			const session = {username: 'x-coa', acctsessionid: 'y-coa', framedipaddress: '100.64.0.13', nasipaddress: NAS_IP};
			const sent = disconnectAttributes(session, 'mikrotik');
			expect(sent).toEqual(attributes('x-coa', 'y-coa', '100.64.0.13'));
			const result = await coa.send(
				{host: '127.0.0.1', port: relay.address().port, secret: SECRET, name: 'bng-1'},
				{code: PacketCode.DisconnectRequest, attributes: sent, messageAuthenticator: true},
			);
			expect(result.kind).toBe('ack');
			expect(requests).toHaveLength(1);
			const wire = requests[0]!;
			// radclient, given `User-Name = "x-coa", Acct-Session-Id = "y-coa", Framed-IP-Address = 100.64.0.13,
			// Message-Authenticator = 0x00` and this identifier, sends exactly these bytes (see the test above).
			const radclientWould = encodeRequest({
				code: PacketCode.DisconnectRequest,
				identifier: wire[1]!,
				attributes: attributes('x-coa', 'y-coa', '100.64.0.13'),
				secret: SECRET,
				messageAuthenticator: true,
			});
			expect(wire.toString('hex')).toBe(radclientWould.toString('hex'));
			await simulator.stopsWritten();
			expect(await row('y-coa')).toEqual({stopped: true, cause: 'Admin-Reset'});
		} finally {
			await coa.close();
			await new Promise<void>((resolve) => relay.close(() => resolve()));
			await new Promise<void>((resolve) => upstream.close(() => resolve()));
		}
	});
});
