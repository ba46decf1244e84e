/**
 * bench:poll's sites case (BENCH_CASES=sites): the console's poll over several sites at once, against the same
 * poll of each site alone. Three databases of BENCH_ROWS rows each (1,000,000 by default, generated as the
 * main case generates its one), on the bench's server; each read through radtop's own pool (connectDatabase)
 * and SessionSource, and all three through the MergedSessionReader the console uses for a profile's sites. What
 * is timed is fetchSnapshot of the default view, SlowCounts warm, as the console's poll runs it.
 *
 * The three sites share one server here (one machine): the merged poll's sites are asked concurrently, so
 * their statements compete for the same cores, which a deployment with a server per site would not.
 */
import pg from 'pg';
import {connectDatabase} from '../../dist/db/connect.js';
import {MergedSessionReader} from '../../dist/sessions/merged-source.js';
import {RateTracker} from '../../dist/sessions/session-math.js';
import {SessionSource} from '../../dist/sessions/session-source.js';
import {fetchSnapshot, SlowCounts} from '../../dist/sessions/snapshot.js';

/** The sites of the case, and the database each is generated into (the first: the bench's own database). */
export const SITES = ['north', 'south', 'east'];

/** The merged poll's target: at most this many times the slowest site's own poll (p50). */
export const MERGED_RATIO_TARGET = 1.2;

/**
 * @typedef {object} SitesBenchOptions
 * @property {string} url the bench's database (the first site)
 * @property {number} window rows in the view
 * @property {(pool: pg.Pool) => Promise<unknown>} prepare empties a database and creates the stock schema
 * @property {(pool: pg.Pool) => Promise<unknown>} generate fills it
 * @property {(fn: () => Promise<unknown>) => Promise<{n: number, p50: number, p95: number}>} measure
 * @property {(...parts: unknown[]) => void} log
 */

/** @param {string} url @param {string} database */
function withDatabase(url, database) {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}

/**
 * Generates the sites (the first in `url`'s database, the others in databases of their own, created or
 * recreated), then measures each site's poll alone and the merged poll over all of them.
 * @param {SitesBenchOptions} options
 * @returns {Promise<{rows: string[][], ok: boolean}>}
 */
export async function runSitesBench({url, window, prepare, generate, measure, log}) {
	const admin = new pg.Pool({connectionString: url, max: 1});
	admin.on('error', () => {});
	/** @type {{name: string, url: string}[]} */
	const sites = [];
	try {
		for (const [index, name] of SITES.entries()) {
			let siteUrl = url;
			if (index > 0) {
				const database = `radtop_bench_site_${name}`;
				await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
				await admin.query(`CREATE DATABASE ${database}`);
				siteUrl = withDatabase(url, database);
			}
			const pool = new pg.Pool({connectionString: siteUrl, max: 4});
			pool.on('error', () => {});
			try {
				const started = Date.now();
				await prepare(pool);
				await generate(pool);
				log(`site ${name}: generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
			} finally {
				await pool.end();
			}
			sites.push({name, url: siteUrl});
		}
	} finally {
		await admin.end();
	}

	/** @type {Awaited<ReturnType<typeof connectDatabase>>[]} */
	const opened = [];
	try {
		/** @type {{name: string, reader: SessionSource}[]} */
		const readers = [];
		for (const site of sites) {
			const database = await connectDatabase({kind: 'url', url: site.url, from: 'flag'});
			opened.push(database);
			readers.push({name: site.name, reader: await SessionSource.open(database.pool)});
		}
		/** @type {import('../../dist/sessions/snapshot.js').SnapshotRequest} */
		const request = {key: 'bench', filter: {status: 'active'}, sort: {key: 'start', direction: 'desc'}, offset: 0, limit: window};
		/** @param {import('../../dist/sessions/session-source.js').SessionReader} reader */
		const poll = (reader) => {
			const rates = new RateTracker();
			const slow = new SlowCounts(Number.MAX_SAFE_INTEGER);
			return () => fetchSnapshot(reader, request, rates, slow);
		};
		/** @type {string[][]} */
		const rows = [];
		let slowest = 0;
		for (const {name, reader} of readers) {
			const result = await measure(poll(reader));
			slowest = Math.max(slowest, result.p50);
			rows.push([`poll of site ${name} alone`, String(result.n), result.p50.toFixed(1), result.p95.toFixed(1), '', '']);
		}
		// The same three polls at once, not merged: what the sites' statements cost when they run together here.
		const polls = readers.map(({reader}) => poll(reader));
		const together = await measure(() => Promise.all(polls.map((run) => run())));
		rows.push([
			`the ${readers.length} sites' polls at once (no merge)`,
			String(together.n),
			together.p50.toFixed(1),
			together.p95.toFixed(1),
			'',
			'',
		]);
		const merged = new MergedSessionReader(readers);
		const check = await poll(merged)();
		const total = check.stats.openSessions;
		const alone = await Promise.all(readers.map(({reader}) => reader.openCounts()));
		const sum = alone.reduce((all, counts) => all + counts.openSessions, 0);
		if (total !== sum) throw new Error(`the merged poll counts ${total} open sessions, the sites ${sum}`);
		if (check.rows.length !== window) throw new Error(`the merged poll read ${check.rows.length} rows, not ${window}`);
		const result = await measure(poll(merged));
		const ratio = result.p50 / slowest;
		const ok = ratio <= MERGED_RATIO_TARGET;
		rows.push([
			`merged poll of the ${readers.length} sites (MergedSessionReader)`,
			String(result.n),
			result.p50.toFixed(1),
			result.p95.toFixed(1),
			`${ratio.toFixed(2)}x the slowest (<= ${MERGED_RATIO_TARGET}x)`,
			ok ? 'ok' : 'MISS',
		]);
		rows.push([
			'  the merge against the polls at once',
			'',
			(result.p50 - together.p50).toFixed(1),
			'',
			`${(result.p50 / together.p50).toFixed(2)}x`,
			'',
		]);
		return {rows, ok};
	} finally {
		for (const database of opened) await database.close();
	}
}
