import {spawnSync} from 'node:child_process';
import {chmod, chown, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {AuditLog, currentOperator, defaultAuditLogPath, tightenedNotice} from '../../source/audit/audit-log.js';
import type {AuditBeginRecord, AuditEndRecord, DisconnectAuditRecord} from '../../source/disconnect/audit-records.js';
import {executeDisconnect} from '../../source/disconnect/executor.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {getString} from '../../source/radius/packet.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';
import {API_PASSWORD, registryFor, SECRET, testCoaClient} from '../disconnect/harness.js';

let directory: string;

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'radtop-audit-'));
});

afterEach(async () => {
	vi.unstubAllEnvs();
	await rm(directory, {recursive: true, force: true});
});

async function readLines(path: string): Promise<DisconnectAuditRecord[]> {
	const text = await readFile(path, 'utf8');
	expect(text.endsWith('\n')).toBe(true);
	return text
		.trimEnd()
		.split('\n')
		.map((line) => JSON.parse(line) as DisconnectAuditRecord);
}

const BEGIN: AuditBeginRecord = {
	event: 'disconnect.begin',
	time: '2025-11-25T12:00:00.000Z',
	actionId: 'a-1',
	operator: {user: 'noc', sshClient: null},
	reason: 'ticket 4711',
	target: 'session 1',
	method: 'coa',
	dryRun: false,
	planned: {
		total: 1,
		ready: 1,
		blocked: 0,
		alreadyClosed: 0,
		perNas: [{nas: 'bng-1', ip: '10.20.0.1', sessions: 1, ready: 1, blocked: 0}],
	},
	sessions: [{radacctid: '1', username: 'alice', acctsessionid: '81b00001', nas: 'bng-1', nasIp: '10.20.0.1'}],
};

describe('defaultAuditLogPath', () => {
	it('lives under $XDG_STATE_HOME, else ~/.local/state', () => {
		expect(defaultAuditLogPath({XDG_STATE_HOME: '/var/lib/noc', HOME: '/home/ann'})).toBe('/var/lib/noc/radtop/audit.log');
		expect(defaultAuditLogPath({HOME: '/home/ann'})).toBe('/home/ann/.local/state/radtop/audit.log');
		// The XDG spec: a relative path is invalid and ignored.
		expect(defaultAuditLogPath({XDG_STATE_HOME: 'state', HOME: '/home/ann'})).toBe('/home/ann/.local/state/radtop/audit.log');
	});
});

describe('currentOperator', () => {
	it('is the OS user, with the SSH client address and the sudo caller when there are some', () => {
		expect(currentOperator({})).toEqual({user: userInfo().username, sshClient: null});
		expect(currentOperator({SSH_CLIENT: '203.0.113.9 51234 22', SUDO_USER: 'ann'})).toEqual({
			user: userInfo().username,
			sudoUser: 'ann',
			sshClient: '203.0.113.9',
		});
	});
});

describe('AuditLog', () => {
	it('creates the directory 0700 and the file 0600, and appends one JSON object per line', async () => {
		const path = join(directory, 'state', 'radtop', 'audit.log');
		const log = new AuditLog({path});
		await log.append(BEGIN);
		await log.append({...BEGIN, actionId: 'a-2'});
		expect((await stat(join(directory, 'state', 'radtop'))).mode & 0o777).toBe(0o700);
		expect((await stat(path)).mode & 0o777).toBe(0o600);
		expect((await readLines(path)).map((record) => record.actionId)).toEqual(['a-1', 'a-2']);
	});

	it('appends to what is there and never rewrites it', async () => {
		const path = join(directory, 'audit.log');
		await writeFile(path, '{"event":"older"}\n', {mode: 0o600});
		await new AuditLog({path}).append(BEGIN);
		const text = await readFile(path, 'utf8');
		expect(text.startsWith('{"event":"older"}\n{"event":"disconnect.begin"')).toBe(true);
	});

	it('keeps every line whole when writers race', async () => {
		const path = join(directory, 'audit.log');
		const long = 'x'.repeat(20_000);
		await Promise.all(
			Array.from({length: 40}, (_, index) => new AuditLog({path}).append({...BEGIN, actionId: `a-${index}`, reason: long})),
		);
		const records = await readLines(path);
		expect(records).toHaveLength(40);
		expect(new Set(records.map((record) => record.actionId)).size).toBe(40);
	});

	it('scrubs known secrets from every string, as a last line of defence', async () => {
		const path = join(directory, 'audit.log');
		await new AuditLog({path, secrets: ['hunter22']}).append({...BEGIN, reason: 'the secret is hunter22'});
		const text = await readFile(path, 'utf8');
		expect(text).not.toContain('hunter22');
		expect(text).toContain('the secret is ***');
	});

	it('makes an existing log others can read 0600 before appending to it, and says so once', async () => {
		const path = join(directory, 'audit.log');
		await writeFile(path, '{"event":"older"}\n', {mode: 0o644});
		await chmod(path, 0o644);
		const told: Array<[string, number]> = [];
		const log = new AuditLog({path, onTightened: (file, mode) => told.push([file, mode])});
		await log.append(BEGIN);
		await log.append({...BEGIN, actionId: 'a-2'});
		expect((await stat(path)).mode & 0o777).toBe(0o600);
		expect(told).toEqual([[path, 0o644]]);
		expect(tightenedNotice(path, 0o644)).toBe(
			`radtop: the audit log ${path} was readable by other users (mode 0644): it is 0600 now\n`,
		);
	});

	it.runIf(process.getuid?.() === 0)(
		"refuses to append to another user's log others can read, when it may not change its mode",
		async () => {
			// As root every chmod succeeds: the refusal is tested by a log radtop may not chmod, on a file of another user.
			const path = join(directory, 'audit.log');
			// Writable by all (so the other user can open it to append), owned by nobody: only its owner may chmod it.
			await chmod(directory, 0o755);
			await writeFile(path, '', {mode: 0o666});
			await chmod(path, 0o666);
			await chown(path, 65534, 65534);
			const child = spawnSync(
				process.execPath,
				[
					'--input-type=module',
					'-e',
					`import {AuditLog} from ${JSON.stringify(new URL('../../dist/audit/audit-log.js', import.meta.url).href)};` +
						`try { await new AuditLog({path: ${JSON.stringify(path)}}).append({event: 'x'}); console.log('appended'); } catch (error) { console.log(error.message); }`,
				],
				{encoding: 'utf8', uid: 1, gid: 1},
			);
			expect(child.stdout).toContain('is readable by other users (mode 0666) and radtop may not make it 0600');
			expect(await readFile(path, 'utf8')).toBe('');
		},
	);

	it('rejects when the file cannot be written', async () => {
		const blocker = join(directory, 'file');
		await writeFile(blocker, '');
		await expect(new AuditLog({path: join(blocker, 'audit.log')}).append(BEGIN)).rejects.toThrow();
	});
});

describe('the audit of a disconnect', () => {
	let database: TestDatabase;
	let nas: FakeCoaNas;

	beforeAll(async () => {
		database = await createTestDatabase();
	});

	afterAll(async () => {
		await database.close();
	});

	afterEach(async () => {
		await nas.close();
	});

	it('writes a record before sending and one with the outcomes, with operator and reason and no secret', async () => {
		const [alice, bob] = await insertSessions(database.pool, [
			{username: 'alice', nasipaddress: '10.20.0.1'},
			{username: 'bob', nasipaddress: '10.20.0.1'},
		]);
		const path = join(directory, 'audit.log');
		nas = await startFakeCoaNas({
			secret: SECRET,
			answer: (request) =>
				getString(request.packet!, 'User-Name') === 'alice'
					? {code: PacketCode.DisconnectAck}
					: {code: PacketCode.DisconnectNak, attributes: [{name: 'Error-Cause', value: 503}]},
		});
		vi.stubEnv('SSH_CLIENT', '198.51.100.7 40000 22');
		const registry = registryFor(nas, {api: {user: 'noc', password: API_PASSWORD}});
		const log = new AuditLog({path, secrets: registry.secrets()});
		let beginWritten = false;
		const audit = {
			append: async (record: DisconnectAuditRecord) => {
				await log.append(record);
				beginWritten = true;
			},
		};
		const coaClient = testCoaClient();
		const send = coaClient.send.bind(coaClient);
		let sentBeforeBegin = 0;
		const sendChecked: typeof coaClient.send = (...args) => {
			if (!beginWritten) sentBeforeBegin++;
			return send(...args);
		};
		const result = await executeDisconnect(
			{kind: 'sessions', radacctids: [alice!, bob!]},
			{db: database.pool, registry, coaClient: {send: sendChecked}, audit},
			{method: 'coa', reason: 'ticket 4711: CPE stuck', confirmStopWithinMs: 0},
		).finally(() => coaClient.close());
		// The opening record was on disk before the first packet went out.
		expect(sentBeforeBegin).toBe(0);
		expect(nas.received).toHaveLength(2);

		const records = await readLines(path);
		expect(records.map((record) => record.event)).toEqual(['disconnect.begin', 'disconnect.end']);
		const [begin, end] = records as [AuditBeginRecord, AuditEndRecord];
		expect(begin).toMatchObject({
			actionId: result.actionId,
			operator: {user: userInfo().username, sshClient: '198.51.100.7'},
			reason: 'ticket 4711: CPE stuck',
			target: '2 selected sessions',
			method: 'coa',
			dryRun: false,
			planned: {
				total: 2,
				ready: 2,
				blocked: 0,
				alreadyClosed: 0,
				perNas: [{nas: 'bng-1', ip: '10.20.0.1', sessions: 2, ready: 2, blocked: 0}],
			},
		});
		expect(Date.parse(begin.time)).not.toBeNaN();
		expect(end).toMatchObject({
			actionId: result.actionId,
			operator: {sshClient: '198.51.100.7'},
			aborted: false,
			totals: {coa: 1, not_on_nas: 1, failed: 0, not_sent: 0, api: 0, already_closed: 0},
			missing: [],
		});
		expect(end.sessions).toEqual([
			{
				radacctid: alice,
				username: 'alice',
				nas: 'bng-1',
				nasIp: '10.20.0.1',
				method: 'coa',
				outcome: 'coa',
				reason: expect.stringMatching(/^ACK in/),
				stop: null,
			},
			{
				radacctid: bob,
				username: 'bob',
				nas: 'bng-1',
				nasIp: '10.20.0.1',
				method: 'coa',
				outcome: 'not_on_nas',
				reason: 'NAK: Session-Context-Not-Found (503)',
				stop: null,
			},
		]);
		const text = await readFile(path, 'utf8');
		for (const secret of [SECRET, API_PASSWORD]) expect(text).not.toContain(secret);
	});
});
