/**
 * A console disconnect over two sites, against two real databases (PostgreSQL when DATABASE_URL is set, else
 * PGlite): the sites' radacctids overlap and one NAS IP is at both with different secrets, each site's NAS a fake
 * CoA NAS of its own. Each session's request goes to its own site's NAS, signed with that site's secret, and the
 * audit records name the site.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseAuditLog} from '../../source/audit/audit-reader.js';
import {consoleDisconnects} from '../../source/commands/console.js';
import {disconnectedByIndex} from '../../source/disconnect/disconnected-by.js';
import {recoveryTargetOf} from '../../source/disconnect/recovery.js';
import type {CommandContext} from '../../source/commands/context.js';
import {openSites, type OpenedSites} from '../../source/commands/sites-context.js';
import {getString} from '../../source/radius/packet.js';
import type {FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {ackAndStop, writer} from '../helpers/site-nas.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let east: TestDatabase;
let west: TestDatabase;
let eastNas: FakeCoaNas;
let westNas: FakeCoaNas;
let sites: OpenedSites;
let directory: string;
const SHARED_IP = '10.9.9.9';

beforeAll(async () => {
	[east, west] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	eastNas = await ackAndStop(() => east, 'east-secret');
	westNas = await ackAndStop(() => west, 'west-secret');
	await writer(east).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng', 'other', 'east-secret')`, [SHARED_IP]);
	await writer(west).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng', 'other', 'west-secret')`, [SHARED_IP]);
	await insertSessions(writer(east), [
		{username: 'alice', nasipaddress: SHARED_IP, acctsessionid: 'e0000001'},
		{username: 'carol', nasipaddress: SHARED_IP, acctsessionid: 'e0000002'},
	]);
	await insertSessions(writer(west), [
		{username: 'bob', nasipaddress: SHARED_IP, acctsessionid: 'w0000001'},
		{username: 'dave', nasipaddress: SHARED_IP, acctsessionid: 'w0000002'},
	]);
	// Each site reaches its NAS at its own CoA port: the same IP, another NAS.
	sites = await openSites([
		{name: 'east', database: east.url, nas: {[SHARED_IP]: {ip: SHARED_IP, coaHost: eastNas.address, coaPort: eastNas.port}}},
		{name: 'west', database: west.url, nas: {[SHARED_IP]: {ip: SHARED_IP, coaHost: westNas.address, coaPort: westNas.port}}},
	]);
	directory = mkdtempSync(join(tmpdir(), 'radtop-sites-'));
});

afterAll(async () => {
	await sites?.close();
	await Promise.all([eastNas?.close(), westNas?.close()]);
	await Promise.all([east?.close(), west?.close()]);
	if (directory) rmSync(directory, {recursive: true, force: true});
});

function contextWith(auditLog: string): CommandContext {
	return {profile: {auditLog}, secrets: [], sites} as unknown as CommandContext;
}

describe('a disconnect over two sites', () => {
	it('the two sites number their first rows alike', async () => {
		const page = await sites.merged.list({status: 'active'}, {key: 'user', direction: 'asc'}, {limit: 10});
		expect(page.rows.map((row) => `${row.site}:${row.radacctid}:${row.username}`)).toEqual([
			'east:1:alice',
			'west:1:bob',
			'east:2:carol',
			'west:2:dave',
		]);
	});

	it('sends each selected session to its own site NAS with that site secret, and audits it by site', async () => {
		const auditLog = join(directory, 'audit.jsonl');
		const engine = consoleDisconnects(contextWith(auditLog));
		try {
			const preview = await engine.service.preview({kind: 'sessions', radacctids: ['east:1', 'west:1']});
			expect(preview.plan.items.map((item) => `${item.session.site}/${item.session.username}`)).toEqual(['east/alice', 'west/bob']);
			expect(preview.plan.perNas.map((nas) => `${nas.nas.name}=${nas.total}`)).toEqual(['east/bng=1', 'west/bng=1']);
			expect(preview.plan.ready).toBe(2);
			const result = await engine.service.execute(preview, {reason: 'site routing test'});
			expect(result.totals).toMatchObject({coa: 2, failed: 0});
			expect(result.results.map((entry) => `${entry.radacctid} ${entry.username} ${entry.outcome}`).sort()).toEqual([
				'east:1 alice coa',
				'west:1 bob coa',
			]);
			// Each NAS got exactly its site's session, and verified it with its own secret (a wrong one leaves packet unset).
			expect(eastNas.received.map((request) => request.packet && getString(request.packet, 'User-Name'))).toEqual(['alice']);
			expect(westNas.received.map((request) => request.packet && getString(request.packet, 'User-Name'))).toEqual(['bob']);
			const records = readFileSync(auditLog, 'utf8')
				.trim()
				.split('\n')
				.map((line) => JSON.parse(line) as {type?: string; site?: string});
			expect(new Set(records.map((record) => record.site))).toEqual(new Set(['east', 'west']));
			expect(readFileSync(auditLog, 'utf8')).not.toMatch(/east-secret|west-secret/);
			// Who disconnected which session, as the detail's history says it: by site and radacctid.
			const index = disconnectedByIndex(parseAuditLog(readFileSync(auditLog, 'utf8')));
			expect([...index.keys()].sort()).toEqual(['east:1', 'west:1']);
			// Only the sessions asked for were closed, each at its own site.
			const open = async (db: TestDatabase) =>
				(await writer(db).query('SELECT username FROM radacct WHERE acctstoptime IS NULL ORDER BY username')).rows.map(
					(row: {username: string}) => row.username,
				);
			expect(await open(east)).toEqual(['carol']);
			expect(await open(west)).toEqual(['dave']);
		} finally {
			await engine.close();
		}
	});

	it('follows the recovery of a run at each site in its own radacct: the same NAS IP is two NAS', async () => {
		const auditLog = join(directory, 'audit-recovery.jsonl');
		const engine = consoleDisconnects(contextWith(auditLog));
		try {
			await insertSessions(writer(east), [{username: 'erin', nasipaddress: SHARED_IP, acctsessionid: 'e0000003'}]);
			await insertSessions(writer(west), [{username: 'frank', nasipaddress: SHARED_IP, acctsessionid: 'w0000003'}]);
			const page = await sites.merged.list({status: 'active', search: 'user:=erin'}, {key: 'user', direction: 'asc'}, {limit: 5});
			const frank = await sites.merged.list({status: 'active', search: 'user:=frank'}, {key: 'user', direction: 'asc'}, {limit: 5});
			const keys = [...page.rows, ...frank.rows].map((row) => `${row.site}:${row.radacctid}`);
			expect(keys).toHaveLength(2);
			const result = await engine.service.execute(await engine.service.preview({kind: 'sessions', radacctids: keys}));
			expect(result.totals).toMatchObject({coa: 2});
			const target = recoveryTargetOf(result)!;
			expect(target.perNas.map((nas) => `${nas.site} ${nas.name} ${nas.usernames.join(',')}`).sort()).toEqual([
				'east east/bng erin',
				'west west/bng frank',
			]);
			const away = await engine.service.recovery!(target);
			expect(away.perNas.map((nas) => `${nas.name} ${nas.back}/${nas.total}`)).toEqual(['east/bng 0/1', 'west/bng 0/1']);
			// erin dials back in at east; frank's name opens a session at east, not at his own site: west still waits.
			await new Promise((resolve) => setTimeout(resolve, 50));
			await insertSessions(writer(east), [
				{username: 'erin', nasipaddress: SHARED_IP, acctsessionid: 'e0000004', startedAgo: -1},
				{username: 'frank', nasipaddress: SHARED_IP, acctsessionid: 'e0000005', startedAgo: -1},
			]);
			const back = await engine.service.recovery!(target);
			expect(back.perNas.map((nas) => `${nas.name} ${nas.back}/${nas.total}`)).toEqual(['west/bng 0/1', 'east/bng 1/1']);
		} finally {
			await engine.close();
		}
	});

	it('a filter narrowed to one site reaches only that site NAS', async () => {
		const engine = consoleDisconnects(contextWith(join(directory, 'audit-2.jsonl')));
		const before = {east: eastNas.received.length, west: westNas.received.length};
		try {
			const preview = await engine.service.preview({kind: 'filter', filter: {status: 'active', site: 'west'}});
			expect(preview.plan.items.map((item) => `${item.session.site}/${item.session.username}`)).toEqual(['west/dave']);
			const result = await engine.service.execute(preview);
			expect(result.totals).toMatchObject({coa: 1});
			expect(eastNas.received.length).toBe(before.east);
			expect(westNas.received.slice(before.west).map((request) => request.packet && getString(request.packet, 'User-Name'))).toEqual([
				'dave',
			]);
		} finally {
			await engine.close();
		}
	});

	it('a session key without its site is refused before anything is read', async () => {
		const engine = consoleDisconnects(contextWith(join(directory, 'audit-3.jsonl')));
		try {
			await expect(engine.service.preview({kind: 'session', radacctid: '2'})).rejects.toThrow(
				/names no site of this profile \(sites: east, west\)/,
			);
		} finally {
			await engine.close();
		}
	});
});
