/**
 * One export over two sites' databases (real PostgreSQL when DATABASE_URL is set, FreeRADIUS's stock schema): the
 * header once with `site` first, each site's rows in the sort's order, the sites in turn; the cap across the sites
 * checked before any byte; a site that cannot be reached, or fails once rows are written, named; an interruption
 * while a site waits its turn; the subscriber columns read at each site.
 */
import {Writable} from 'node:stream';
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ExportAbortedError, ExportLimitError, type ExportProgress} from '../../source/sessions/export.js';
import {exportSites, SiteExportError, type SiteExport} from '../../source/sessions/export-sites.js';
import type {SessionFilter, SessionSort} from '../../source/sessions/session.js';
import {exportEnrichedSessions} from '../../source/subscribers/enriched-export.js';
import {startCutLink, type CutLink} from '../helpers/cut-link.js';
import {parseCsv} from '../helpers/parse-csv.js';
import {createSiteDatabases, type SiteDatabases} from '../helpers/site-databases.js';

let databases: SiteDatabases;
let link: CutLink;
let westLinked: pg.Pool;

const FILTER: SessionFilter = {status: 'active', search: ''};
const NEWEST_FIRST: SessionSort = {key: 'start', direction: 'desc'};

beforeAll(async () => {
	databases = await createSiteDatabases();
	link = await startCutLink(databases.west.url);
	westLinked = new pg.Pool({connectionString: link.url, max: 1, connectionTimeoutMillis: 3000});
	westLinked.on('error', () => undefined);
}, 60_000);

afterAll(async () => {
	await westLinked?.end();
	await link?.close();
	await databases?.close();
});

/** An output that keeps what it is given; `onWrite` runs before each write is taken. */
function output(onWrite?: () => Promise<void> | void): {out: Writable; text: () => string} {
	let text = '';
	const out = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			Promise.resolve(onWrite?.()).then(() => {
				text += chunk.toString('utf8');
				callback();
			}, callback);
		},
	});
	return {out, text: () => text};
}

const sites = (west: pg.Pool = databases.west.pool): SiteExport[] => [
	{name: 'east', db: databases.east.pool, filter: FILTER},
	{name: 'west', db: west, filter: FILTER},
];

/** No connection of the site's pool is still out: its export gave it back (or closed it). */
function expectGivenBack(pool: pg.Pool): void {
	expect(pool.totalCount - pool.idleCount).toBe(0);
}

describe('exportSites', () => {
	it('writes one CSV: the header once with site first, then each site in turn, its rows in the sort order', async () => {
		const {out, text} = output();
		const progress: ExportProgress[] = [];
		const result = await exportSites(sites(), NEWEST_FIRST, {columns: ['username', 'nas'], onProgress: (p) => progress.push(p)}, out);
		expect(parseCsv(text())).toEqual([
			['site', 'username', 'nas'],
			['east', 'alice', 'bng-e'],
			['east', 'carol', 'bng-e'],
			['west', 'frank', 'bng-w'],
			['west', 'bob', 'bng-w'],
		]);
		expect(result).toEqual({
			rows: 4,
			sites: [
				{name: 'east', rows: 2},
				{name: 'west', rows: 2},
			],
		});
		// The progress counts across the sites, of the sites' total.
		expect(progress.map(({rows, total}) => ({rows, total}))).toEqual([
			{rows: 2, total: 4},
			{rows: 4, total: 4},
		]);
		expectGivenBack(databases.east.pool);
		expectGivenBack(databases.west.pool);
	});

	it('caps the rows of all the sites together, refusing before any byte is written', async () => {
		for (const countFirst of [true, false]) {
			const {out, text} = output();
			await expect(exportSites(sites(), NEWEST_FIRST, {columns: ['username'], limit: 3, countFirst}, out)).rejects.toBeInstanceOf(
				ExportLimitError,
			);
			expect(text()).toBe('');
		}
		const {out, text} = output();
		await exportSites(sites(), NEWEST_FIRST, {columns: ['username'], limit: 4}, out);
		expect(parseCsv(text())).toHaveLength(5);
		expectGivenBack(databases.east.pool);
		expectGivenBack(databases.west.pool);
	});

	it('fails before any byte when a site cannot be reached, naming it, and gives the other site its connection back', async () => {
		await link.cut();
		try {
			const {out, text} = output();
			const failure = await exportSites(sites(westLinked), NEWEST_FIRST, {columns: ['username']}, out).catch(
				(error: unknown) => error,
			);
			expect(failure).toBeInstanceOf(SiteExportError);
			expect(failure).toMatchObject({site: 'west', written: false});
			expect((failure as Error).message).toMatch(/^site west: connection refused/);
			expect(text()).toBe('');
			expectGivenBack(databases.east.pool);
		} finally {
			await link.mend();
		}
	});

	it('names the site that fails once rows are written, after the rows of the sites before it', async () => {
		// West's snapshot is taken, then its link is cut while east's rows are being written.
		const {out, text} = output(() => link.cut());
		try {
			const failure = await exportSites(sites(westLinked), NEWEST_FIRST, {columns: ['username']}, out).catch(
				(error: unknown) => error,
			);
			expect(failure).toBeInstanceOf(SiteExportError);
			expect(failure).toMatchObject({site: 'west', written: true});
			expect(parseCsv(text())).toEqual([
				['site', 'username'],
				['east', 'alice'],
				['east', 'carol'],
			]);
			expectGivenBack(databases.east.pool);
			expectGivenBack(westLinked);
		} finally {
			await link.mend();
		}
	});

	it('stops every site when interrupted while one waits its turn, counting the rows written', async () => {
		const abort = new AbortController();
		const {out, text} = output(() => abort.abort());
		const failure = await exportSites(sites(), NEWEST_FIRST, {columns: ['username'], signal: abort.signal}, out).catch(
			(error: unknown) => error,
		);
		expect(failure).toBeInstanceOf(ExportAbortedError);
		expect((failure as ExportAbortedError).rows).toBe(2);
		expect(parseCsv(text()).map((record) => record[1])).toEqual(['username', 'alice', 'carol']);
		expectGivenBack(databases.east.pool);
		expectGivenBack(databases.west.pool);
	});

	it('reads the subscriber columns at each site, from its own tables', async () => {
		const {out, text} = output();
		await exportSites(sites(), NEWEST_FIRST, {columns: ['username', 'plan']}, out, exportEnrichedSessions);
		expect(parseCsv(text())).toEqual([
			['site', 'username', 'plan'],
			['east', 'alice', 'gold'],
			['east', 'carol', ''],
			['west', 'frank', ''],
			['west', 'bob', 'silver'],
		]);
		expectGivenBack(databases.east.pool);
		expectGivenBack(databases.west.pool);
	});
});
