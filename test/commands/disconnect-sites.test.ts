/**
 * `radtop disconnect` over sites in this process, where the confirmation can be answered: two real databases
 * (PostgreSQL when DATABASE_URL is set, else PGlite) and a third site that cannot be reached, each reachable
 * site's NAS at 10.9.9.9 a fake CoA NAS of its own with its own secret. The confirmation grows with the whole
 * (the count typed above the profile's threshold, a NAS by its `site/name`), a wrong answer sends nothing, a site
 * that is down is said and left out while the others are disconnected (exit 3: its sessions are still online),
 * and a site that fails after the confirmation ends its sessions `not sent`.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stream} from '../helpers/cli.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CommandContext} from '../../source/commands/context.js';
import {runSitesDisconnect, type SitesDisconnectRequest} from '../../source/commands/disconnect-sites.js';
import {openSites, type OpenedSites} from '../../source/commands/sites-context.js';
import {getString} from '../../source/radius/packet.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {writer} from '../helpers/site-nas.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const SHARED_IP = '10.9.9.9';

let east: TestDatabase;
let west: TestDatabase;
let eastNas: FakeCoaNas;
let westNas: FakeCoaNas;
let sites: OpenedSites;
let directory: string;

beforeAll(async () => {
	[east, west] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	[eastNas, westNas] = await Promise.all([startFakeCoaNas({secret: 'east-secret'}), startFakeCoaNas({secret: 'west-secret'})]);
	await writer(east).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng-e', 'other', 'east-secret')`, [
		SHARED_IP,
	]);
	await writer(west).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng-w', 'other', 'west-secret')`, [
		SHARED_IP,
	]);
	await insertSessions(writer(east), [{username: 'alice', nasipaddress: SHARED_IP, acctsessionid: 'e-alice'}]);
	await insertSessions(writer(west), [{username: 'alice', nasipaddress: SHARED_IP, acctsessionid: 'w-alice'}]);
	sites = await openSites([
		{name: 'east', database: east.url, nas: {[SHARED_IP]: {ip: SHARED_IP, coaHost: eastNas.address, coaPort: eastNas.port}}},
		{name: 'west', database: west.url, nas: {[SHARED_IP]: {ip: SHARED_IP, coaHost: westNas.address, coaPort: westNas.port}}},
		{name: 'far', database: 'postgres://radtop@127.0.0.1:1/radius'},
	]);
	directory = mkdtempSync(join(tmpdir(), 'radtop-disconnect-sites-'));
});

afterAll(async () => {
	await sites?.close();
	await Promise.all([eastNas?.close(), westNas?.close()]);
	await Promise.all([east?.close(), west?.close()]);
	if (directory) rmSync(directory, {recursive: true, force: true});
});

const users = (nas: FakeCoaNas) =>
	nas.received.map((request) => (request.packet ? getString(request.packet, 'Acct-Session-Id') : 'BAD SECRET'));

/** Runs a disconnect over the sites with the operator answering `answer`; the prompts asked, the output and the code. */
async function run(name: string, request: Partial<SitesDisconnectRequest>, answer: string, beforeAnswer?: () => Promise<unknown>) {
	const auditLog = join(directory, `${name}.jsonl`);
	const context = {profile: {auditLog, confirmTypedAbove: 1}, secrets: [], sites} as unknown as CommandContext;
	const stdout = stream();
	const stderr = stream();
	const asked: string[] = [];
	const code = await runSitesDisconnect(
		context,
		{
			target: {kind: 'user', username: 'alice'},
			nas: [],
			method: 'coa',
			timeoutMs: 500,
			retries: 0,
			confirmWithinMs: 0,
			dryRun: false,
			yes: false,
			json: false,
			...request,
		},
		{
			stdout: stdout as unknown as NodeJS.WriteStream,
			stderr: stderr as unknown as NodeJS.WriteStream,
			stdinIsTerminal: false,
			ask: async (prompt) => {
				asked.push(prompt);
				await beforeAnswer?.();
				return answer;
			},
		},
	);
	const records = existsSync(auditLog)
		? readFileSync(auditLog, 'utf8')
				.trim()
				.split('\n')
				.map((line) => JSON.parse(line) as {event: string; site: string})
		: [];
	return {code, asked, stdout: stdout.text(), stderr: stderr.text(), records};
}

describe('radtop disconnect over sites: the confirmation and a site that is down', () => {
	it('above the threshold the count of both sites is typed; a wrong count sends nothing; a site down is said and left out', async () => {
		const wrong = await run('wrong', {}, '1');
		expect(wrong.asked).toEqual(['type the number of sessions (2) to disconnect them: ']);
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toMatch(/^radtop: site far: .*: its sessions are not in this disconnect$/m);
		expect(wrong.stderr).toContain('radtop: not confirmed, nothing sent');
		expect(eastNas.received.length + westNas.received.length).toBe(0);
		expect(wrong.records).toEqual([]);
		const right = await run('right', {reason: 'both'}, '2');
		// Sent at both sites that answered; the site that is down still has its sessions: partial (3).
		expect(right.code, right.stderr).toBe(3);
		expect(right.stdout).toContain('2 sessions: 2 coa');
		expect(users(eastNas)).toEqual(['e-alice']);
		expect(users(westNas)).toEqual(['w-alice']);
		expect(right.records.map((record) => `${record.event} ${record.site}`).sort()).toEqual([
			'disconnect.begin east',
			'disconnect.begin west',
			'disconnect.end east',
			'disconnect.end west',
		]);
	});

	it('a NAS is confirmed by its site/name: its bare name is not enough', async () => {
		const before = [eastNas.received.length, westNas.received.length];
		const nas = {target: {kind: 'nas', nasIps: []}, nas: ['bng-w']} as const;
		const bare = await run('bare', nas, 'bng-w');
		expect(bare.asked).toEqual(['type the NAS name (west/bng-w (10.9.9.9)) to disconnect all 1 of its sessions: ']);
		expect(bare.code).toBe(1);
		const named = await run('named', nas, 'west/bng-w');
		expect(named.code, named.stderr).toBe(3);
		expect(named.stdout).toContain('1 session: 1 coa');
		expect([eastNas.received.length, westNas.received.length]).toEqual([before[0], before[1]! + 1]);
		expect(named.records.map((record) => `${record.event} ${record.site}`)).toEqual(['disconnect.begin west', 'disconnect.end west']);
	});

	it('a site that fails between the confirmation and sending: its sessions end not sent, the other site is sent to', async () => {
		const before = [eastNas.received.length, westNas.received.length];
		// The confirmation is answered once radacct is gone from west: its part cannot read its sessions again.
		const gone = await run('gone', {}, '2', () => writer(west).query('ALTER TABLE radacct RENAME TO radacct_gone'));
		await writer(west).query('ALTER TABLE radacct_gone RENAME TO radacct');
		expect(gone.code).toBe(3);
		expect([eastNas.received.length, westNas.received.length]).toEqual([before[0]! + 1, before[1]]);
		expect(gone.stdout).toMatch(/^not sent +alice +west\/bng-w +nothing sent at site west \(.*radacct.*\)$/m);
		expect(gone.stdout).toMatch(/^coa +alice +east\/bng-e /m);
		expect(gone.records.map((record) => `${record.event} ${record.site}`)).toEqual(['disconnect.begin east', 'disconnect.end east']);
	});
});
