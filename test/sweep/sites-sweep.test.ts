/**
 * The console's sweep over two sites (consoleSweeps of a sites profile), against two real databases: one NAS IP
 * at both, each site's NAS a fake CoA NAS with its own secret. Verify asks each session's own site's NAS, signed
 * with that site's secret; each site closes only what its NAS no longer has; a site that cannot be read when the
 * preview is made is left out of it, and says so.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type pg from 'pg';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {consoleSweeps} from '../../source/commands/console-sweeps.js';
import type {CommandContext} from '../../source/commands/context.js';
import {openSites, type OpenedSites} from '../../source/commands/sites-context.js';
import {parseAuditLog} from '../../source/audit/audit-reader.js';
import {PacketCode} from '../../source/radius/dictionary.js';
import {getString} from '../../source/radius/packet.js';
import {sweepRun} from '../../source/sweep/audit-run.js';
import {combineSweepProgress} from '../../source/sweep/sites-sweep.js';
import {startCutLink, type CutLink} from '../helpers/cut-link.js';
import {startFakeCoaNas, type FakeCoaNas} from '../helpers/fake-coa-nas.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const SHARED_IP = '10.9.9.9';
let north: TestDatabase;
let south: TestDatabase;
let northNas: FakeCoaNas;
let southNas: FakeCoaNas;
let southLink: CutLink;
let sites: OpenedSites;
let directory: string;

const writer = (db: TestDatabase): pg.Pool => (db.pglite ?? db.pool) as unknown as pg.Pool;

/** A NAS that still has the users in `has` (CoA-ACK) and no other session (CoA-NAK 503). */
function nasWith(secret: string, has: readonly string[]) {
	return startFakeCoaNas({
		secret,
		answer: (request) => {
			const user = request.packet ? getString(request.packet, 'User-Name') : undefined;
			return user !== undefined && has.includes(user)
				? {code: PacketCode.CoaAck}
				: {code: PacketCode.CoaNak, attributes: [{name: 'Error-Cause', value: 503}]};
		},
	});
}

beforeAll(async () => {
	[north, south] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	northNas = await nasWith('north-secret', []);
	southNas = await nasWith('south-secret', ['keep-s1']);
	await writer(north).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng-3', 'other', 'north-secret')`, [
		SHARED_IP,
	]);
	await writer(south).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng-3', 'other', 'south-secret')`, [
		SHARED_IP,
	]);
	southLink = await startCutLink(south.url);
	sites = await openSites(
		[
			{name: 'north', database: north.url, nas: {[SHARED_IP]: {ip: SHARED_IP, coaHost: northNas.address, coaPort: northNas.port}}},
			{
				name: 'south',
				database: southLink.url,
				nas: {[SHARED_IP]: {ip: SHARED_IP, coaHost: southNas.address, coaPort: southNas.port}},
			},
		],
		{staleAfterSeconds: 1800},
	);
	directory = mkdtempSync(join(tmpdir(), 'radtop-sites-sweep-'));
});

afterAll(async () => {
	await sites?.close();
	await southLink?.close();
	await Promise.all([northNas?.close(), southNas?.close()]);
	await Promise.all([north?.close(), south?.close()]);
	if (directory) rmSync(directory, {recursive: true, force: true});
});

let ids: {north: string[]; south: string[]};

beforeEach(async () => {
	await Promise.all([writer(north).query('TRUNCATE radacct'), writer(south).query('TRUNCATE radacct')]);
	ids = {
		north: await insertSessions(writer(north), [
			{username: 'ghost-n1', nasipaddress: SHARED_IP, startedAgo: 20_000, updatedAgo: 9000},
			{username: 'ghost-n2', nasipaddress: SHARED_IP, startedAgo: 20_000, updatedAgo: 8000},
		]),
		south: await insertSessions(writer(south), [
			{username: 'keep-s1', nasipaddress: SHARED_IP, startedAgo: 20_000, updatedAgo: 8500},
			{username: 'ghost-s2', nasipaddress: SHARED_IP, startedAgo: 20_000, updatedAgo: 7000},
		]),
	};
});

function sweepsWith(auditLog: string) {
	return consoleSweeps({
		profile: {auditLog},
		secrets: [],
		sites,
		source: {staleAfterSeconds: 1800},
	} as unknown as CommandContext);
}

const openAt = async (db: TestDatabase) =>
	(await writer(db).query('SELECT username FROM radacct WHERE acctstoptime IS NULL ORDER BY username')).rows.map(
		(row: {username: string}) => row.username,
	);

describe('the console sweep over two sites', () => {
	it('verify asks each session its own site NAS with that site secret, and each site closes what its NAS no longer has', async () => {
		const auditLog = join(directory, 'verify.log');
		const {service} = sweepsWith(auditLog);
		const before = {north: northNas.received.length, south: southNas.received.length};
		const preview = await service.preview();
		expect(preview.perSite).toEqual([
			{site: 'north', count: 2},
			{site: 'south', count: 2},
		]);
		expect(preview.perNas.map((share) => `${share.name} ${share.count} ${share.verifyText}`)).toEqual([
			`north/bng-3 2 CoA ${northNas.address}:${northNas.port}`,
			`south/bng-3 2 CoA ${southNas.address}:${southNas.port}`,
		]);
		expect(preview.stale.map((entry) => `${entry.session.site}/${entry.session.username}`).sort()).toEqual([
			'north/ghost-n1',
			'north/ghost-n2',
			'south/ghost-s2',
			'south/keep-s1',
		]);
		expect(preview.confirmation.kind).toBe('count');

		const run = await service.execute(preview, {verify: true, reason: 'two sites'});
		expect(run.kind).toBe('done');
		if (run.kind !== 'done') return;
		expect(run.result.entries.map((entry) => `${entry.radacctid} ${entry.nasName} ${entry.username} ${entry.outcome}`).sort()).toEqual(
			[
				`north:${ids.north[0]} north/bng-3 ghost-n1 closed`,
				`north:${ids.north[1]} north/bng-3 ghost-n2 closed`,
				`south:${ids.south[0]} south/bng-3 keep-s1 on_nas`,
				`south:${ids.south[1]} south/bng-3 ghost-s2 closed`,
			].sort(),
		);
		// Each NAS was asked about its own site's sessions only, and verified them with its own secret.
		const asked = (nas: FakeCoaNas, from: number) =>
			nas.received
				.slice(from)
				.map((request) => request.packet && getString(request.packet, 'User-Name'))
				.sort();
		expect(asked(northNas, before.north)).toEqual(['ghost-n1', 'ghost-n2']);
		expect(asked(southNas, before.south)).toEqual(['ghost-s2', 'keep-s1']);
		expect(await openAt(north)).toEqual([]);
		expect(await openAt(south)).toEqual(['keep-s1']);
		const records = readFileSync(auditLog, 'utf8')
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as {event: string; site?: string; verified?: boolean; reason?: string});
		expect(records.map((record) => `${record.event} ${record.site}`).sort()).toEqual([
			'sweep.begin north',
			'sweep.begin south',
			'sweep.end north',
			'sweep.end south',
		]);
		expect(
			records.filter((record) => record.event === 'sweep.begin').every((record) => record.verified && record.reason === 'two sites'),
		).toBe(true);
		expect(readFileSync(auditLog, 'utf8')).not.toMatch(/north-secret|south-secret/);
		// `radtop audit` lists each site's sweep as its own, naming the site.
		const {actions} = parseAuditLog(readFileSync(auditLog, 'utf8'));
		expect(actions.map(({actionId, records}) => sweepRun(actionId, records)?.target).sort()).toEqual([
			'ghost sessions on every NAS at north',
			'ghost sessions on every NAS at south',
		]);
	});

	it('a site that cannot be read is left out of the preview, which names it; the other site is swept', async () => {
		const {service} = sweepsWith(join(directory, 'down.log'));
		await southLink.cut();
		try {
			const preview = await service.preview();
			expect(preview.stale.map((entry) => entry.session.username).sort()).toEqual(['ghost-n1', 'ghost-n2']);
			expect(
				preview.perSite?.map((entry) => `${entry.site} ${entry.count} ${entry.error === undefined ? 'read' : 'unread'}`),
			).toEqual(['north 2 read', 'south 0 unread']);
			expect(
				preview.warnings.some((warning) => /^site south cannot be read \(.+\): its sessions are not in this sweep$/.test(warning)),
			).toBe(true);
			const run = await service.execute(preview, {verify: false});
			expect(run.kind === 'done' && run.result.totals.closed).toBe(2);
		} finally {
			await southLink.mend();
		}
		expect(await openAt(north)).toEqual([]);
		expect(await openAt(south)).toEqual(['ghost-s2', 'keep-s1']);
	});

	it('a site the profile does not list is refused', async () => {
		const {service} = sweepsWith(join(directory, 'none.log'));
		await expect(service.preview(undefined, 'east')).rejects.toThrow('no site "east" (sites: north, south)');
	});
});

describe('combineSweepProgress', () => {
	it('asks while any site asks, counting a site that is closing as asked; then closes the sum', () => {
		expect(combineSweepProgress([{phase: 'verifying', done: 3, total: 10}, undefined], [10, 5])).toEqual({
			phase: 'verifying',
			done: 3,
			total: 15,
		});
		expect(
			combineSweepProgress(
				[
					{phase: 'verifying', done: 3, total: 10},
					{phase: 'closing', done: 0, total: 4},
				],
				[10, 5],
			),
		).toEqual({
			phase: 'verifying',
			done: 8,
			total: 15,
		});
		expect(
			combineSweepProgress(
				[
					{phase: 'closing', done: 0, total: 7},
					{phase: 'closing', done: 0, total: 4},
				],
				[10, 5],
			),
		).toEqual({
			phase: 'closing',
			done: 0,
			total: 11,
		});
	});
});
