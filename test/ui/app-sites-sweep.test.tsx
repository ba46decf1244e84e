/**
 * `W` over two sites, end to end below the terminal: the App (ink-testing-library, 80x24) reading two real
 * radacct databases through the sites' merged reader, the console's sweep engine of a sites profile
 * (consoleSweeps) closing each site's stale sessions in that site's own database, and the audit records in a
 * real file. Both sites have stale sessions at the same NAS IP (bng-3 at each); the second site is reached
 * through a link the test can cut.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type pg from 'pg';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {consoleSweeps} from '../../source/commands/console-sweeps.js';
import type {CommandContext} from '../../source/commands/context.js';
import {openSites, type OpenedSites} from '../../source/commands/sites-context.js';
import type {AuditSweepBeginRecord, AuditSweepEndRecord} from '../../source/sweep/audit-records.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {startCutLink, type CutLink} from '../helpers/cut-link.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

const BNG3 = '10.9.9.9';
const BNG4 = '10.9.9.10';
const STALE_AFTER = 1800;

let north: TestDatabase;
let south: TestDatabase;
let southLink: CutLink;
let sites: OpenedSites;
let auditDir: string;
const mounted: Rendered[] = [];

/** Where this process writes a site's database directly (PGlite serves the site's own socket connection). */
const writer = (db: TestDatabase): pg.Pool => (db.pglite ?? db.pool) as unknown as pg.Pool;

beforeAll(async () => {
	[north, south] = await Promise.all([createTestDatabase(), createTestDatabase()]);
	// The same IP is bng-3 at both sites: two NAS, one address.
	await writer(north).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng-3', 'other', 'n-secret')`, [BNG3]);
	await writer(north).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng-4', 'other', 'n-secret')`, [BNG4]);
	await writer(south).query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ($1, 'bng-3', 'other', 's-secret')`, [BNG3]);
	southLink = await startCutLink(south.url);
	sites = await openSites(
		[
			{name: 'north', database: north.url},
			{name: 'south', database: southLink.url},
		],
		{staleAfterSeconds: STALE_AFTER, deadlineMs: 1000},
	);
});

afterAll(async () => {
	await sites?.close();
	await southLink?.close();
	await Promise.all([north?.close(), south?.close()]);
});

/** radacctids of each site's fixture. */
let ids: {north: {stale: string[]; fresh: string[]}; south: {stale: string[]; fresh: string[]}};

beforeEach(async () => {
	auditDir = mkdtempSync(join(tmpdir(), 'radtop-sites-sweep-'));
	await Promise.all([writer(north).query('TRUNCATE radacct'), writer(south).query('TRUNCATE radacct')]);
	const northStale = await insertSessions(writer(north), [
		{username: 'ghost-n1', nasipaddress: BNG3, startedAgo: 20_000, updatedAgo: 9000},
		{username: 'ghost-n2', nasipaddress: BNG3, startedAgo: 20_000, updatedAgo: 8500},
		{username: 'ghost-n3', nasipaddress: BNG3, startedAgo: 20_000, updatedAgo: 8000},
		{username: 'ghost-n4', nasipaddress: BNG4, startedAgo: 20_000, updatedAgo: 7900},
	]);
	const northFresh = await insertSessions(writer(north), [{username: 'alice', nasipaddress: BNG3, startedAgo: 600, updatedAgo: 60}]);
	const southStale = await insertSessions(writer(south), [
		{username: 'ghost-s1', nasipaddress: BNG3, startedAgo: 20_000, updatedAgo: 8800},
		{username: 'ghost-s2', nasipaddress: BNG3, startedAgo: 20_000, updatedAgo: 7600},
	]);
	const southFresh = await insertSessions(writer(south), [{username: 'bob', nasipaddress: BNG3, startedAgo: 600, updatedAgo: 60}]);
	ids = {north: {stale: northStale, fresh: northFresh}, south: {stale: southStale, fresh: southFresh}};
});

afterEach(async () => {
	for (const app of mounted.splice(0)) app.unmount();
	await southLink.mend().catch(() => undefined);
	rmSync(auditDir, {recursive: true, force: true});
});

const auditPath = () => join(auditDir, 'audit.log');

async function renderConsole(): Promise<Rendered> {
	// A sites profile as the console opens it: more than 3 sessions and the count is typed.
	const context = {
		profile: {auditLog: auditPath(), confirmTypedAbove: 3},
		secrets: [],
		sites,
		source: {staleAfterSeconds: STALE_AFTER},
	} as unknown as CommandContext;
	const sweeps = consoleSweeps(context);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App source={sites.merged} databaseLabel="two sites" intervalSeconds={1} readOnly={false} sweep={sweeps.service} />
		</ThemeContext.Provider>,
	);
	app.resize(80, 24);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('▸'), 10_000);
	return app;
}

const lines = (frame: string) => frame.split('\n');
const flat = (frame: string) => frame.replace(/\n/g, ' ');

async function type(app: Rendered, text: string): Promise<void> {
	for (const character of text) await app.press(character, () => true);
}

/** Each row's stop time and cause, by radacctid. */
async function rowsOf(db: TestDatabase): Promise<Map<string, {stop: Date | null; update: Date | null; cause: string | null}>> {
	const {rows} = await writer(db).query('SELECT radacctid::text AS id, acctstoptime, acctupdatetime, acctterminatecause FROM radacct');
	return new Map(
		rows.map((row: Record<string, unknown>) => [
			String(row['id']),
			{
				stop: (row['acctstoptime'] as Date | null) ?? null,
				update: (row['acctupdatetime'] as Date | null) ?? null,
				cause: (row['acctterminatecause'] as string | null) ?? null,
			},
		]),
	);
}

/** The radacctids closed at a site, sorted. */
async function closedAt(db: TestDatabase): Promise<string[]> {
	return [...(await rowsOf(db))]
		.filter(([, row]) => row.stop !== null)
		.map(([id]) => id)
		.sort();
}

type SiteRecord = (AuditSweepBeginRecord | AuditSweepEndRecord) & {site?: string};

function auditRecords(): SiteRecord[] {
	return readFileSync(auditPath(), 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as SiteRecord);
}

const sorted = (values: readonly string[]) => [...values].sort();
const beginOf = (records: readonly SiteRecord[], site: string) =>
	records.filter((record): record is AuditSweepBeginRecord & {site?: string} => record.event === 'sweep.begin' && record.site === site);
const endOf = (records: readonly SiteRecord[], site: string) =>
	records.filter((record): record is AuditSweepEndRecord & {site?: string} => record.event === 'sweep.end' && record.site === site);

/** `t` to the stale view, once `count` stale rows are drawn. */
async function staleView(app: Rendered, count: number): Promise<string> {
	return app.press('t', (frame) => frame.includes('stale ·') && frame.includes(`1 of ${count}`), 10_000);
}

describe('W over two sites', () => {
	it('previews every site stale sessions with the count per site and per NAS, and closes each at its own site', async () => {
		const app = await renderConsole();
		await staleView(app, 6);
		const preview = await app.press('W', (frame) => frame.includes('type the number of sessions'), 10_000);
		expect(preview).toContain('Sweep 6 stale sessions on every NAS of every site: close in radacct');
		expect(preview).toContain('sites  north 4 · south 2');
		expect(preview).toMatch(/│ north\/bng-3 +3 +│/);
		expect(preview).toMatch(/│ south\/bng-3 +2 +│/);
		expect(preview).toMatch(/│ north\/bng-4 +1 +│/);
		// The longest silent first, each named by its site and NAS.
		expect(preview).toMatch(/ghost-n1 +north\/bng-3 +2h30m ago/);
		const first = lines(preview).flatMap((line) => /^│ {3}(ghost-\S+)/.exec(line)?.[1] ?? []);
		expect(first).toEqual(['ghost-n1', 'ghost-s1', 'ghost-n2', 'ghost-n3', 'ghost-n4']);
		// confirm-typed-above (3) over the total: 6 is typed, though neither site alone has more than 4.
		expect(preview).toContain('type the number of sessions (6) to close them:');

		await type(app, '4');
		await app.press(KEYS.enter, (frame) => frame.includes('"4" does not match'));
		expect(await closedAt(north)).toEqual([]);
		expect(await closedAt(south)).toEqual([]);

		await type(app, '6');
		const results = await app.press(KEYS.enter, (frame) => frame.includes('6 closed in radacct'), 10_000);
		expect(flat(results)).toContain('sweep on every NAS of every site: 6 stale sessions: 6 closed in radacct (Lost-Carrier)');
		expect(results).toMatch(/closed +ghost-n1 +north\/bng-3/);
		expect(results).toMatch(/closed +ghost-s1 +south\/bng-3/);

		// Each database: exactly its stale sessions closed, at their last update, with the cause.
		for (const [db, fixture] of [
			[north, ids.north],
			[south, ids.south],
		] as const) {
			expect(await closedAt(db)).toEqual(sorted(fixture.stale));
			const rows = await rowsOf(db);
			for (const id of fixture.stale) {
				expect(rows.get(id)!.cause).toBe('Lost-Carrier');
				expect(rows.get(id)!.stop?.getTime()).toBe(rows.get(id)!.update?.getTime());
			}
		}

		// Each site's own begin and end records, naming the site and only its sessions.
		const records = auditRecords();
		expect(records).toHaveLength(4);
		for (const [site, fixture] of [
			['north', ids.north],
			['south', ids.south],
		] as const) {
			const [begin, ...moreBegins] = beginOf(records, site);
			const [end, ...moreEnds] = endOf(records, site);
			expect(moreBegins).toEqual([]);
			expect(moreEnds).toEqual([]);
			expect(begin).toMatchObject({listed: fixture.stale.length, verified: false, nasFilter: []});
			expect(sorted(begin!.closing.map((session) => session.radacctid))).toEqual(sorted(fixture.stale));
			expect(end).toMatchObject({actionId: begin!.actionId, error: null, skipped: []});
			expect(sorted(end!.closed.map((session) => session.radacctid))).toEqual(sorted(fixture.stale));
			expect(begin!.closing.every((session) => session.nas === 'bng-3' || session.nas === 'bng-4')).toBe(true);
			expect(results).toContain(`audit ${site}: radtop audit ${begin!.actionId}`);
		}
		expect(beginOf(records, 'north')[0]!.actionId).not.toBe(beginOf(records, 'south')[0]!.actionId);
	});

	it(':site narrows the sweep to that site: the other site is neither listed nor touched', async () => {
		const app = await renderConsole();
		await app.press(':', (frame) => (lines(frame).at(-1) ?? '').startsWith(':'));
		await type(app, 'site south');
		await app.press(KEYS.enter, (frame) => /site south:/.test(lines(frame)[0] ?? ''), 10_000);
		await staleView(app, 2);
		const preview = await app.press('W', (frame) => frame.includes('close these 2 sessions in radacct? y'), 10_000);
		expect(preview).toContain('Sweep 2 stale sessions on every NAS at south: close in radacct');
		expect(preview).toContain('sites  south 2');
		expect(lines(preview).filter((line) => line.startsWith('│') && line.includes('north'))).toEqual([]);
		const results = await app.press('y', (frame) => frame.includes('closed in radacct (Lost-Carrier)'), 10_000);
		expect(flat(results)).toContain('sweep on every NAS at south: 2 stale sessions: 2 closed in radacct (Lost-Carrier)');
		expect(await closedAt(south)).toEqual(sorted(ids.south.stale));
		expect(await closedAt(north)).toEqual([]);
		const records = auditRecords();
		expect(records.map((record) => `${record.event} ${record.site}`)).toEqual(['sweep.begin south', 'sweep.end south']);
	});

	it('a site cut off during the sweep is named in the results, closes nothing, and its sessions are swept once it is back', async () => {
		const app = await renderConsole();
		await staleView(app, 6);
		await app.press('W', (frame) => frame.includes('type the number of sessions (6)'), 10_000);
		// Confirmed after the preview, when south can no longer be reached.
		await southLink.cut();
		await type(app, '6');
		const results = await app.press(KEYS.enter, (frame) => frame.includes('closed in radacct'), 10_000);
		expect(flat(results)).toContain(
			'sweep on every NAS of every site: 6 stale sessions: 4 closed in radacct (Lost-Carrier); 2 unverified (left open)',
		);
		expect(flat(results)).toMatch(/site south: nothing closed \(.+\); its 2 left open/);
		expect(results).toMatch(/kept: unsure +ghost-s1 +south\/bng-3/);
		expect(results).toMatch(/closed +ghost-n1 +north\/bng-3/);
		expect(await closedAt(north)).toEqual(sorted(ids.north.stale));

		await southLink.mend();
		// Nothing was lost at south: every session as it was.
		expect(await closedAt(south)).toEqual([]);
		let records = auditRecords();
		expect(endOf(records, 'north')[0]).toMatchObject({error: null});
		// South's close was begun and failed: its end record says why and closes nothing.
		expect(endOf(records, 'south')).toHaveLength(1);
		expect(endOf(records, 'south')[0]!.error).toEqual(expect.any(String));
		expect(endOf(records, 'south')[0]!.closed).toEqual([]);

		// W again once south answers: only its two are left to sweep; north's are not closed twice.
		const northBefore = await rowsOf(north);
		await app.press(KEYS.escape, (frame) => !frame.includes('6 listed'));
		await app.waitForFrame((frame) => frame.includes('ghost-s2') && !frame.includes('ghost-n') && !frame.includes('~south'), 10_000);
		const again = await app.press('W', (frame) => frame.includes('close these 2 sessions in radacct? y'), 10_000);
		expect(again).toContain('sites  north 0 · south 2');
		await app.press('y', (frame) => frame.includes('2 closed in radacct'), 10_000);
		expect(await closedAt(south)).toEqual(sorted(ids.south.stale));
		expect(await rowsOf(north)).toEqual(northBefore);
		records = auditRecords();
		const closedNorth = endOf(records, 'north').flatMap((record) => record.closed.map((session) => session.radacctid));
		const closedSouth = endOf(records, 'south').flatMap((record) => record.closed.map((session) => session.radacctid));
		expect(sorted(closedNorth)).toEqual(sorted(ids.north.stale));
		expect(sorted(closedSouth)).toEqual(sorted(ids.south.stale));
	});
});
