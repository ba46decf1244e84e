/**
 * bench:disconnect, the region case (BENCH_CASE=region npm run bench:disconnect): one disconnect over the NAS of
 * a region, one of which does not answer, paced per NAS. Prints when each NAS was done and the most requests any
 * NAS got in one second, with the cap per NAS and without it (the overall cap alone).
 *
 * A throwaway PostgreSQL cluster gets FreeRADIUS's tables, 6 NAS and BENCH_REGION_SESSIONS open sessions on each
 * (1,500 by default); the NAS simulator (in this process) answers for 5 of them, ACKs and writes the
 * Accounting-Stops; the sixth is a UDP socket that reads every request and answers none, so each request to it
 * is retransmitted until it times out (CoA timeout 500 ms, 1 retry: 1 s a request). Runs, over the same sessions
 * (opened again between runs):
 *  - paced: overall 1,000/s, 100/s per NAS, 32 in flight per NAS;
 *  - overall cap only: 1,000/s, 32 in flight per NAS.
 * The times are since the run began (it reads the sessions and writes the opening audit record first).
 *
 * Knobs (env): BENCH_REGION_SESSIONS (1500 per NAS), BENCH_REGION_DEAD_SESSIONS (320).
 */
import dgram from 'node:dgram';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import pg from 'pg';
import {AuditLog} from '../dist/audit/audit-log.js';
import {startNasSimulator} from '../dist/demo/nas-simulator.js';
import {executeDisconnect} from '../dist/disconnect/executor.js';
import {loadNasRegistry} from '../dist/nas/registry.js';
import {CoaClient} from '../dist/radius/coa-client.js';
import {FREERADIUS_SCHEMA_SQL} from '../dist/db/freeradius-schema.js';
import {startCluster} from './lib/pg-cluster.js';
import {intEnv} from './lib/env.js';

const PER_NAS = intEnv('BENCH_REGION_SESSIONS', 1500);
const DEAD_SESSIONS = intEnv('BENCH_REGION_DEAD_SESSIONS', 320);
const OVERALL = 1000;
const PER_NAS_RATE = 100;
const IN_FLIGHT = 32;
const NAS = [1, 2, 3, 4, 5, 6].map((k) => ({
	name: `north-${k}`,
	ip: `10.50.0.${k}`,
	secret: `north-${k}-${randomBytes(6).toString('hex')}`,
	dead: k === 3,
}));

/** @param {...unknown} parts */
const log = (...parts) => console.log(...parts);
/** @param {number} n */
const count = (n) => n.toLocaleString('en-US');

/** @param {pg.Pool} pool */
async function seed(pool) {
	await pool.query(FREERADIUS_SCHEMA_SQL);
	for (const nas of NAS) {
		await pool.query("INSERT INTO nas (nasname, shortname, type, secret, description) VALUES ($1, $2, 'other', $3, 'bench NAS')", [
			nas.ip,
			nas.name,
			nas.secret,
		]);
		await pool.query(
			`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, nasporttype, acctstarttime, acctupdatetime,
				acctinterval, acctsessiontime, acctinputoctets, acctoutputoctets, callingstationid, servicetype, framedprotocol, framedipaddress)
			SELECT $1 || '-' || lpad(to_hex(g), 8, '0'), md5($1 || g), $1 || '-user' || g, $2::inet, 'Ethernet',
				now() - interval '1 hour', now(), 300, 3600, 0, 0, 'DC:2C:6E:00:00:01', 'Framed-User', 'PPP', '100.64.0.0'::inet + g
			FROM generate_series(1, $3::int) AS g`,
			[nas.name, nas.ip, nas.dead ? DEAD_SESSIONS : PER_NAS],
		);
	}
	await pool.query('CREATE INDEX bench_open_by_session_id ON radacct (acctsessionid) WHERE acctstoptime IS NULL');
	await pool.query('CREATE INDEX bench_open_by_username ON radacct (username) WHERE acctstoptime IS NULL');
	await pool.query('VACUUM ANALYZE radacct');
}

/**
 * One run: when each NAS was done, and the most requests started on it in any one second.
 * @param {{db: pg.Pool, registry: any, audit: any}} deps
 * @param {{ratePerSecond: number, ratePerNas?: number}} pacing
 */
async function run(deps, pacing) {
	const coaClient = new CoaClient({timeoutMs: 500, retries: 1});
	/** @type {Map<number, number[]>} */
	const starts = new Map();
	const counted = {
		/** @type {CoaClient['send']} */
		send(target, request, signal) {
			const list = starts.get(target.port) ?? [];
			list.push(performance.now());
			starts.set(target.port, list);
			return coaClient.send(target, request, signal);
		},
	};
	/** @type {Map<string, number>} */
	const doneAt = new Map();
	const began = performance.now();
	try {
		const result = await executeDisconnect(
			{kind: 'nas', nasIps: NAS.map((nas) => nas.ip)},
			{...deps, coaClient: counted},
			{
				method: 'coa',
				concurrencyPerNas: IN_FLIGHT,
				confirmStopWithinMs: 0,
				progressIntervalMs: 20,
				...pacing,
				onProgress: (progress) => {
					for (const nas of progress.perNas)
						if (nas.done >= nas.total && !doneAt.has(nas.name)) doneAt.set(nas.name, performance.now() - began);
				},
			},
		);
		return {result, doneAt, starts, wallMs: performance.now() - began};
	} finally {
		await coaClient.close();
	}
}

/** @param {readonly number[]} times sorted */
function mostInOneSecond(times) {
	let most = 0;
	let first = 0;
	for (let last = 0; last < times.length; last++) {
		while (/** @type {number} */ (times[last]) - /** @type {number} */ (times[first]) >= 1000) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

export async function regionCase() {
	log(
		`bench:disconnect region: ${NAS.length} NAS (${count(PER_NAS)} sessions each, ${NAS.filter((nas) => nas.dead)
			.map((nas) => nas.name)
			.join(', ')} silent with ${count(DEAD_SESSIONS)}), ${IN_FLIGHT} in flight per NAS`,
	);
	log(
		`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), load ${os
			.loadavg()
			.map((load) => load.toFixed(2))
			.join(' ')}`,
	);
	const tmp = mkdtempSync(join(os.tmpdir(), 'radtop-bench-region-'));
	const cluster = await startCluster({log: (message) => log(`postgres: ${message}`)});
	const simulatorPool = new pg.Pool({connectionString: cluster.url, max: 6});
	const radtopPool = new pg.Pool({connectionString: cluster.url, max: 2});
	simulatorPool.on('error', () => undefined);
	radtopPool.on('error', () => undefined);
	const silent = dgram.createSocket('udp4');
	await new Promise((resolve) => silent.bind(0, '127.0.0.1', () => resolve(undefined)));
	/** @type {Awaited<ReturnType<typeof startNasSimulator>> | undefined} */
	let simulator;
	try {
		await seed(radtopPool);
		simulator = await startNasSimulator({
			db: simulatorPool,
			nas: NAS.filter((nas) => !nas.dead).map((nas) => ({
				name: nas.name,
				ip: nas.ip,
				secret: nas.secret,
				vendor: 'mikrotik',
				host: '127.0.0.1',
			})),
			stopDelayMs: 100,
			seed: 20_261_207,
		});
		const running = simulator;
		const deadNas = /** @type {(typeof NAS)[number]} */ (NAS.find((nas) => nas.dead));
		const silentPort = silent.address().port;
		const overrides = [
			...running.nas.map((nas) => ({ip: nas.ip, coaHost: nas.host, coaPort: nas.coaPort, vendor: /** @type {const} */ ('mikrotik')})),
			{ip: deadNas.ip, coaHost: '127.0.0.1', coaPort: silentPort, vendor: /** @type {const} */ ('mikrotik')},
		];
		const registry = await loadNasRegistry(radtopPool, overrides);
		const audit = new AuditLog({path: join(tmp, 'audit.log'), secrets: registry.secrets()});
		/** @type {Map<string, number>} */
		const portOf = new Map(running.nas.map((nas) => /** @type {[string, number]} */ ([nas.name, nas.coaPort])));
		portOf.set(deadNas.name, silentPort);
		const cases = [
			{
				label: `paced: ${count(OVERALL)}/s overall, ${PER_NAS_RATE}/s per NAS`,
				pacing: {ratePerSecond: OVERALL, ratePerNas: PER_NAS_RATE},
			},
			{label: `overall cap only: ${count(OVERALL)}/s`, pacing: {ratePerSecond: OVERALL}},
		];
		for (const [index, entry] of cases.entries()) {
			if (index > 0) {
				await running.stopsWritten();
				await radtopPool.query('UPDATE radacct SET acctstoptime = NULL, acctterminatecause = NULL WHERE acctstoptime IS NOT NULL');
				await radtopPool.query('VACUUM ANALYZE radacct');
			}
			const measured = await run({db: radtopPool, registry, audit}, entry.pacing);
			log('');
			log(
				`${entry.label}: ${(measured.wallMs / 1000).toFixed(2)} s in all; ${count(measured.result.totals.coa)} disconnected, ${count(measured.result.totals.failed)} failed`,
			);
			log('NAS       | sessions | done at s | most started in 1 s');
			log('----------|----------|-----------|--------------------');
			const rows = NAS.map((nas) => {
				const times = [...(measured.starts.get(/** @type {number} */ (portOf.get(nas.name))) ?? [])].sort((a, b) => a - b);
				return {
					nas,
					done: measured.doneAt.get(nas.name),
					most: mostInOneSecond(times),
					sessions: nas.dead ? DEAD_SESSIONS : PER_NAS,
				};
			}).sort((a, b) => (a.done ?? Infinity) - (b.done ?? Infinity));
			for (const row of rows)
				log(
					`${row.nas.name.padEnd(9)} | ${count(row.sessions).padStart(8)} | ${(row.done === undefined ? '-' : (row.done / 1000).toFixed(2)).padStart(9)} | ${count(row.most).padStart(19)}${row.nas.dead ? '  (silent)' : ''}`,
				);
		}
	} finally {
		silent.close();
		await simulator?.close();
		await simulatorPool.end().catch(() => undefined);
		await radtopPool.end().catch(() => undefined);
		await cluster.stop();
		rmSync(tmp, {recursive: true, force: true});
	}
}
