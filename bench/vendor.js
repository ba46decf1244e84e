/**
 * bench:vendor — what the MAC's vendor costs. The IEEE registry (the oui-data package) is read on the first
 * vendor needed: how long that first lookup takes and how much memory the registry then holds, each in a
 * fresh node process (BENCH_RUNS, default 5; the median); one lookup once it is read; the first `vendor:`
 * term (the search's index of names) and the next ones.
 *
 * Then the `vendor:` search in SQL over BENCH_OPEN (default 100,000) open sessions, beside `mac:` (which
 * reads the same MAC digits) and no search: the count query of the console's poll, the median of BENCH_RUNS.
 * The MACs: 10 % Apple, 10 % Huawei, 20 % randomized, the rest spread over the registry's other vendors, in
 * the four spellings NAS use. PostgreSQL: a database of its own on DATABASE_URL's server (created and dropped
 * here), else a temporary cluster of the newest /usr/lib/postgresql/<version>.
 *
 * Exit status: 0 when it measured, 1 on an error.
 */
import {spawnSync} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import pg from 'pg';
import {FREERADIUS_SCHEMA_SQL} from '../dist/db/freeradius-schema.js';
import {buildCountQuery} from '../dist/sessions/radacct-sql.js';
import {startCluster} from './lib/pg-cluster.js';
import {intEnv} from './lib/env.js';

const RUNS = intEnv('BENCH_RUNS', 5);
const OPEN = intEnv('BENCH_OPEN', 100_000);
const REGISTRY = fileURLToPath(new URL('../dist/net/oui-registry.js', import.meta.url));

/** @param {string} message */
const log = (message) => process.stdout.write(`${message}\n`);
/** @param {readonly number[]} values */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return /** @type {number} */ (sorted[Math.floor((sorted.length - 1) / 2)]);
}
/** @param {number} value */
const ms = (value) => value.toFixed(value < 10 ? 2 : 0);

/** One fresh process: the first lookup's time, the heap and RSS the registry holds after a GC, one lookup after. */
const CHILD = `
const mb = (bytes) => bytes / 1024 / 1024;
const {macVendor, vendorPrefixes} = await import(${JSON.stringify(REGISTRY)});
globalThis.gc();
const before = process.memoryUsage();
let start = performance.now();
macVendor('f0:d1:a9:12:34:56');
const first = performance.now() - start;
globalThis.gc();
const after = process.memoryUsage();
const macs = Array.from({length: 100000}, (_, i) => (0x001c4200000000 + i * 7919).toString(16).slice(-12));
start = performance.now();
for (const mac of macs) macVendor(mac);
const lookup = ((performance.now() - start) * 1000) / macs.length;
start = performance.now();
vendorPrefixes('huawei', false);
const firstTerm = performance.now() - start;
start = performance.now();
vendorPrefixes('samsung', false);
const nextTerm = performance.now() - start;
globalThis.gc();
const indexed = process.memoryUsage();
console.log(JSON.stringify({first, heap: mb(after.heapUsed - before.heapUsed), rss: mb(after.rss - before.rss), lookup, firstTerm, nextTerm, indexHeap: mb(indexed.heapUsed - after.heapUsed)}));
`;

function measureLoad() {
	/** @type {Array<Record<string, number>>} */
	const runs = [];
	for (let run = 0; run < RUNS; run++) {
		const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD], {encoding: 'utf8'});
		if (child.status !== 0) throw new Error(`the measuring process failed: ${child.stderr.trim()}`);
		runs.push(JSON.parse(child.stdout));
	}
	const of = (/** @type {string} */ key) => median(runs.map((run) => /** @type {number} */ (run[key])));
	log(`registry: first lookup ${ms(of('first'))} ms (reads and parses the 5.6 MB JSON), median of ${RUNS} fresh processes`);
	log(`registry: holds ${of('heap').toFixed(1)} MB of heap (RSS +${of('rss').toFixed(1)} MB) once read`);
	log(`registry: one lookup after that ${of('lookup').toFixed(2)} µs`);
	log(
		`vendor: first term ${ms(of('firstTerm'))} ms (the index of names, +${of('indexHeap').toFixed(1)} MB heap), the next ${ms(of('nextTerm'))} ms`,
	);
}

/** MACs for the open sessions, in the four spellings: Apple, Huawei, randomized and others. */
const MAC_SQL = `
WITH prefix AS (
	SELECT n, CASE
		WHEN n % 10 = 0 THEN 'f0d1a9'
		WHEN n % 10 = 1 THEN '00e0fc'
		WHEN n % 10 IN (2, 3) THEN 'da' || lpad(to_hex(n % 256), 2, '0') || '19'
		ELSE lpad(to_hex((n * 2654435761) % 16777216 & ~131072), 6, '0')
	END AS oui, lpad(to_hex(n % 16777216), 6, '0') AS nic
	FROM generate_series(1, $1::int) AS n
), mac AS (
	SELECT n, oui || nic AS digits FROM prefix
)
INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, acctupdatetime, callingstationid, framedipaddress)
SELECT 's' || n, 'u' || n, 'user' || n, '10.20.0.1', now() - n * interval '1 second', now(),
	CASE n % 4
		WHEN 0 THEN upper(regexp_replace(digits, '(..)(?!$)', '\\1:', 'g'))
		WHEN 1 THEN regexp_replace(digits, '(..)(?!$)', '\\1-', 'g')
		WHEN 2 THEN regexp_replace(digits, '(....)(?!$)', '\\1.', 'g')
		ELSE digits
	END,
	('100.64.0.0'::inet + n)
FROM mac`;

async function measureSql() {
	const external = process.env['DATABASE_URL'];
	const cluster = external ? undefined : await startCluster({log: (message) => log(`postgres: ${message}`)});
	const name = `radtop_bench_vendor_${process.pid}`;
	const adminUrl = external ?? /** @type {string} */ (cluster?.url);
	const admin = new pg.Client({connectionString: adminUrl});
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name}`);
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const db = new pg.Client({connectionString: url.toString()});
	try {
		await db.connect();
		await db.query(FREERADIUS_SCHEMA_SQL);
		let start = performance.now();
		await db.query(MAC_SQL, [OPEN]);
		await db.query('VACUUM ANALYZE radacct');
		log(`postgres: ${OPEN.toLocaleString('en-US')} open sessions in ${ms((performance.now() - start) / 1000)} s`);
		const searches = ['', 'mac:f0d1a9', 'vendor:random', 'vendor:apple', 'vendor:huawei', 'vendor:apple -vendor:random'];
		for (const search of searches) {
			const query = buildCountQuery({status: 'active', search: search || undefined});
			const times = [];
			let total = 0;
			for (let run = 0; run < RUNS; run++) {
				start = performance.now();
				const {rows} = await db.query(query.text, [...query.values]);
				times.push(performance.now() - start);
				total = Number(rows[0]?.total);
			}
			let bound = 0;
			for (const value of query.values) if (Array.isArray(value)) bound += value.length;
			log(
				`count ${JSON.stringify(search || '(no search)')}: ${ms(median(times))} ms, ${total.toLocaleString('en-US')} match` +
					(bound > 0 ? `, ${bound} bound prefixes or digits` : ''),
			);
		}
	} finally {
		await db.end().catch(() => undefined);
		await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
		await admin.end();
		await cluster?.stop();
	}
}

try {
	measureLoad();
	await measureSql();
} catch (error) {
	console.error(`bench:vendor: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
}
