/**
 * bench:disconnect — how fast radtop disconnects a whole network, next to FreeRADIUS's radclient and a bare
 * Node dgram loop, all against the same simulated NAS in the same run.
 *
 * A throwaway PostgreSQL cluster (bench/lib/pg-cluster.js) gets FreeRADIUS's tables, 4 NAS with their secrets
 * in the nas table and 10,000 open sessions spread evenly over them (server-side, generate_series). The NAS
 * simulator runs in this process (4 MikroTik NAS on 127.0.0.1, CoA and RouterOS API) over a small pg Pool: for
 * every request it looks the session up in radacct, ACKs, and writes the Accounting-Stop a moment later, as a
 * NAS and FreeRADIUS would. Before each run every session is opened again, so each run has the same 10,000 to do.
 *
 * Runs, each over the same 10,000 sessions and with the same parallelism P in flight per NAS (4 x P in all):
 *  - dgram ceiling: the 10,000 Disconnect-Requests, encoded beforehand, sent from one socket per NAS with a
 *    window of P, replies matched by identifier only (no verification, no database, no bookkeeping);
 *  - radclient: FreeRADIUS's radclient, one process per NAS (it takes one server per invocation) with `-p P`,
 *    reading that NAS's 2,500 requests from a file; wall time from spawning the first to the exit of the last;
 *  - radtop CoA: executeDisconnect() for the target "all open sessions of these 4 NAS", method coa, P per NAS,
 *    no stop watch; its wall time includes reading the sessions from radacct and both fsynced audit records;
 *  - radtop API: the same through the simulator's RouterOS API (one connection per NAS, P commands in flight);
 *  - radtop CoA with 10 % loss: the simulator drops 10 % of incoming requests; timeout 300 ms, 3 retries,
 *    method auto (CoA, then the API for a session whose 4 tries were all lost). Every session must end with
 *    exactly one outcome.
 * The simulated NAS finds sessions through two partial indexes the stock schema lacks (a real NAS keeps its sessions
 * in memory) and writes the Accounting-Stops 100 ms after the ACK, in batches: otherwise the simulator's own radacct
 * queries would bound every run. It still does a query per request, so the dgram "ceiling" is this simulator's.
 * Everything shares the machine's CPUs: PostgreSQL, this process (the simulator, and radtop or the dgram loop in the
 * same event loop) and, for the reference, 4 radclient processes.
 * All three CoA senders send the same attributes (User-Name, Acct-Session-Id, Framed-IP-Address) signed with
 * Message-Authenticator, which radtop adds by default (radclient is given `Message-Authenticator = 0x00`).
 *
 * Targets: radtop CoA >= 1.0x radclient's rate and >= 50 % of the dgram ceiling; 0 sessions without an outcome
 * at 10 % loss. A missed target is a result (exit 0); an error exits 1.
 *
 * Knobs (env): BENCH_SESSIONS (10000), BENCH_PARALLEL (32 per NAS), BENCH_API_SESSIONS (10000; 0 skips),
 * BENCH_ROUNDS (2: the CoA trio runs this many times, the best rate of each counts), RADCLIENT (radclient);
 * BENCH_CASE=region runs only the region case instead (bench/disconnect-region.js: several NAS, one silent).
 */
import {spawn, spawnSync} from 'node:child_process';
import dgram from 'node:dgram';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import pg from 'pg';
import {AuditLog} from '../dist/audit/audit-log.js';
import {startNasSimulator} from '../dist/demo/nas-simulator.js';
import {executeDisconnect} from '../dist/disconnect/executor.js';
import {loadNasRegistry} from '../dist/nas/registry.js';
import {encodeRequest} from '../dist/radius/authenticators.js';
import {CoaClient} from '../dist/radius/coa-client.js';
import {PacketCode} from '../dist/radius/dictionary.js';
import {FREERADIUS_SCHEMA_SQL} from '../dist/db/freeradius-schema.js';
import {startCluster} from './lib/pg-cluster.js';
import {intEnv} from './lib/env.js';
import {regionCase} from './disconnect-region.js';

const SESSIONS = intEnv('BENCH_SESSIONS', 10_000);
const PARALLEL = intEnv('BENCH_PARALLEL', 32);
const API_SESSIONS = Math.min(SESSIONS, intEnv('BENCH_API_SESSIONS', SESSIONS, 0));
const ROUNDS = intEnv('BENCH_ROUNDS', 2);
const RADCLIENT = process.env['RADCLIENT'] || 'radclient';
const LOSS = 0.1;
/** Between a disconnect and the simulator writing its Accounting-Stop (they are written in batches). */
const STOP_DELAY_MS = 100;
/** Connections of the simulator's pool: a few, like a RADIUS server's SQL module. */
const SIMULATOR_CONNECTIONS = 6;
const NAS = [1, 2, 3, 4].map((k) => ({
	name: `bench-${k}`,
	ip: `10.40.0.${k}`,
	secret: `bench-${k}-${randomBytes(6).toString('hex')}`,
}));
const API_USER = 'bench';
const API_PASSWORD = randomBytes(9).toString('base64url');

/** @param {...unknown} parts */
const log = (...parts) => console.log(...parts);
/** @param {number} n */
const count = (n) => n.toLocaleString('en-US');

class BenchError extends Error {}

/** @typedef {Awaited<ReturnType<typeof startNasSimulator>>} Simulator */
/** @typedef {{id: string, username: string, acctsessionid: string, ip: string, nas: string}} BenchSession */
/** @typedef {{wallMs: number}} Timed */
/** @typedef {Timed & {lost: number, codes: (number | null)[]}} RadclientRun */
/** @typedef {Timed & {result: Awaited<ReturnType<typeof executeDisconnect>>}} RadtopRun */

/** @param {pg.Pool} pool */
async function seed(pool) {
	await pool.query(FREERADIUS_SCHEMA_SQL);
	for (const nas of NAS) {
		await pool.query("INSERT INTO nas (nasname, shortname, type, secret, description) VALUES ($1, $2, 'other', $3, 'bench NAS')", [
			nas.ip,
			nas.name,
			nas.secret,
		]);
	}
	// Session g lives on NAS 1 + (g - 1) % 4, as user benchNNNNN with Acct-Session-Id g in 8 hex digits.
	await pool.query(
		`INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, nasportid, nasporttype, acctstarttime,
			acctupdatetime, acctinterval, acctsessiontime, acctauthentic, connectinfo_start, acctinputoctets, acctoutputoctets,
			calledstationid, callingstationid, servicetype, framedprotocol, framedipaddress)
		SELECT lpad(to_hex(g), 8, '0'), md5('bench-' || g), 'bench' || lpad(g::text, 5, '0'), ('10.40.0.' || (1 + (g - 1) % 4))::inet,
			'vlan' || (100 + g % 3000), 'Ethernet', now() - (600 + g % 86400) * interval '1 second', now() - (g % 300) * interval '1 second',
			300, 600 + g % 86400, 'RADIUS', '1Gbps', g::bigint * 1000, g::bigint * 10000, 'pppoe-bench',
			'DC:2C:6E:' || upper(lpad(to_hex((g >> 16) & 255), 2, '0') || ':' || lpad(to_hex((g >> 8) & 255), 2, '0') || ':' || lpad(to_hex(g & 255), 2, '0')),
			'Framed-User', 'PPP', '100.64.0.0'::inet + g
		FROM generate_series(1, $1::int) AS g`,
		[SESSIONS],
	);
	// A NAS finds a session in its own memory; the simulated one asks radacct. The stock schema has no index for
	// that lookup (it scans the NAS's open sessions), which would make the simulator the bottleneck of every run.
	// These two stand in for the NAS's session table: neither radtop nor radclient reads through them.
	await pool.query('CREATE INDEX bench_open_by_session_id ON radacct (acctsessionid) WHERE acctstoptime IS NULL');
	await pool.query('CREATE INDEX bench_open_by_username ON radacct (username) WHERE acctstoptime IS NULL');
	await pool.query('VACUUM ANALYZE radacct');
}

/**
 * The sessions as the NAS know them, per NAS in radacctid order.
 * @param {pg.Pool} pool
 * @returns {Promise<BenchSession[][]>}
 */
async function sessionsByNas(pool) {
	const {rows} = await pool.query(
		`SELECT radacctid::text AS id, username, acctsessionid, host(framedipaddress) AS ip, host(nasipaddress) AS nas
		FROM radacct ORDER BY radacctid`,
	);
	return NAS.map((nas) => rows.filter((row) => row.nas === nas.ip));
}

/**
 * Every session open again, and the table tidy, so each run starts from the same state.
 * @param {pg.Pool} pool
 * @param {Simulator} simulator
 */
async function reopen(pool, simulator) {
	await simulator.stopsWritten();
	await pool.query(
		'UPDATE radacct SET acctstoptime = NULL, acctterminatecause = NULL, connectinfo_stop = NULL WHERE acctstoptime IS NOT NULL',
	);
	await pool.query('VACUUM ANALYZE radacct');
	const {rows} = await pool.query('SELECT count(*)::int AS open FROM radacct WHERE acctstoptime IS NULL');
	if (rows[0].open !== SESSIONS) throw new BenchError(`expected ${SESSIONS} open sessions after re-opening, found ${rows[0].open}`);
}

/**
 * Open sessions left once the simulator has written every Accounting-Stop it owes.
 * @param {pg.Pool} pool
 * @param {Simulator} simulator
 * @returns {Promise<number>}
 */
async function openLeft(pool, simulator) {
	await simulator.stopsWritten();
	const {rows} = await pool.query('SELECT count(*)::int AS open FROM radacct WHERE acctstoptime IS NULL');
	return rows[0].open;
}

/** @param {Simulator} simulator */
function ackedSoFar(simulator) {
	return simulator.nas.reduce((sum, nas) => sum + simulator.stats(nas.name).acked, 0);
}

/**
 * @param {BenchSession} session
 * @returns {import('../dist/radius/packet.js').RadiusAttribute[]}
 */
function attributesOf(session) {
	return [
		{name: 'User-Name', value: session.username},
		{name: 'Acct-Session-Id', value: session.acctsessionid},
		{name: 'Framed-IP-Address', value: session.ip},
	];
}

/**
 * The bare loop: pre-encoded requests, P in flight per NAS, replies matched by identifier only.
 * @param {Simulator} simulator
 * @param {Buffer[][]} packetsByNas
 */
async function dgramLoop(simulator, packetsByNas) {
	const started = performance.now();
	await Promise.all(
		simulator.nas.map(
			(running, index) =>
				/** @type {Promise<void>} */ (
					new Promise((resolve, reject) => {
						const packets = /** @type {Buffer[]} */ (packetsByNas[index]);
						const socket = dgram.createSocket({type: 'udp4', recvBufferSize: 1 << 20});
						/** @type {Map<number, number>} */
						const inFlight = new Map();
						let next = 0;
						let done = 0;
						let lastProgress = performance.now();
						const pump = () => {
							while (inFlight.size < PARALLEL && next < packets.length) {
								const id = next % 256;
								if (inFlight.has(id)) break;
								inFlight.set(id, next);
								socket.send(/** @type {Buffer} */ (packets[next]), running.coaPort, running.host);
								next++;
							}
						};
						// Nothing is lost on loopback without injected loss; should a reply go missing, send it again.
						const stall = setInterval(() => {
							if (performance.now() - lastProgress < 1000) return;
							if (performance.now() - started > 60_000) {
								clearInterval(stall);
								socket.close();
								reject(new BenchError(`dgram loop: ${running.name} stalled with ${inFlight.size} requests unanswered`));
								return;
							}
							for (const index of inFlight.values())
								socket.send(/** @type {Buffer} */ (packets[index]), running.coaPort, running.host);
							lastProgress = performance.now();
						}, 250);
						socket.on('message', (reply) => {
							if (reply.length < 20 || !inFlight.delete(/** @type {number} */ (reply[1]))) return;
							done++;
							lastProgress = performance.now();
							if (done === packets.length) {
								clearInterval(stall);
								socket.close();
								resolve();
							} else pump();
						});
						socket.on('error', reject);
						socket.bind(0, '127.0.0.1', pump);
					})
				),
		),
	);
	return performance.now() - started;
}

/**
 * @param {string} file
 * @param {string[]} args
 * @returns {Promise<{code: number | null, output: string}>}
 */
function runProcess(file, args) {
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, {stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('error', reject);
		child.on('close', (code) => resolve({code, output}));
	});
}

/**
 * radclient, one process per NAS with -p P, each reading its NAS's requests from a file.
 * @param {Simulator} simulator
 * @param {string[]} files
 * @returns {Promise<RadclientRun>}
 */
async function radclientRun(simulator, files) {
	const started = performance.now();
	const runs = await Promise.all(
		simulator.nas.map((running, index) =>
			runProcess(RADCLIENT, [
				'-q',
				'-s',
				'-p',
				String(PARALLEL),
				'-t',
				'3',
				'-r',
				'2',
				'-f',
				/** @type {string} */ (files[index]),
				`${running.host}:${running.coaPort}`,
				'disconnect',
				/** @type {(typeof NAS)[number]} */ (NAS[index]).secret,
			]),
		),
	);
	const wallMs = performance.now() - started;
	const lost = runs.reduce((sum, run) => sum + Number(/Lost\s*:\s*(\d+)/i.exec(run.output)?.[1] ?? 0), 0);
	return {wallMs, lost, codes: runs.map((run) => run.code)};
}

/**
 * @param {import('../dist/disconnect/executor.js').DisconnectDeps} deps
 * @param {string[]} nasIps
 * @param {import('../dist/disconnect/executor.js').DisconnectOptions} options
 * @returns {Promise<RadtopRun>}
 */
async function radtopRun(deps, nasIps, options) {
	const started = performance.now();
	const result = await executeDisconnect({kind: 'nas', nasIps}, deps, {
		concurrencyPerNas: PARALLEL,
		confirmStopWithinMs: 0,
		reason: 'bench:disconnect',
		...options,
	});
	return {wallMs: performance.now() - started, result};
}

/** @param {Readonly<Record<string, number>>} totals */
function outcomeText(totals) {
	return Object.entries(totals)
		.filter(([, n]) => n > 0)
		.map(([outcome, n]) => `${count(n)} ${outcome}`)
		.join(', ');
}

/**
 * @param {string | number} text
 * @param {number} width
 */
function pad(text, width, right = false) {
	const value = String(text);
	return right ? value.padStart(width) : value.padEnd(width);
}

async function main() {
	const probe = spawnSync(RADCLIENT, ['-v'], {encoding: 'utf8'});
	if (probe.error || probe.status !== 0) {
		throw new BenchError(
			`FreeRADIUS's radclient is needed as the reference and could not be run (${probe.error?.message ?? `exit ${probe.status}`}): apt-get install freeradius-utils`,
		);
	}
	const radclientVersion = /radclient version ([\d.]+)/.exec(probe.stdout)?.[1] ?? 'unknown version';
	log(
		`bench:disconnect: ${count(SESSIONS)} sessions on ${NAS.length} simulated NAS, ${PARALLEL} in flight per NAS (${PARALLEL * NAS.length} in all)`,
	);
	log(
		`node ${process.version}, radclient ${radclientVersion}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.release()}`,
	);
	// Everything shares these CPUs: PostgreSQL, the simulator with radtop or the dgram loop in this process, and radclient.
	log(
		`load average before: ${os
			.loadavg()
			.map((load) => load.toFixed(2))
			.join(' ')}`,
	);

	const tmp = mkdtempSync(join(os.tmpdir(), 'radtop-bench-disconnect-'));
	const cluster = await startCluster({log: (message) => log(`postgres: ${message}`)});
	const simulatorPool = new pg.Pool({connectionString: cluster.url, max: SIMULATOR_CONNECTIONS});
	const radtopPool = new pg.Pool({connectionString: cluster.url, max: 2});
	simulatorPool.on('error', () => undefined);
	radtopPool.on('error', () => undefined);
	/** @type {Simulator | undefined} */
	let simulator;
	/** @type {CoaClient | undefined} */
	let coaClient;
	try {
		let t = performance.now();
		await seed(radtopPool);
		log(`seeded ${count(SESSIONS)} open sessions in ${((performance.now() - t) / 1000).toFixed(1)} s`);

		const nasSimulator = await startNasSimulator({
			db: simulatorPool,
			nas: NAS.map((nas) => ({
				name: nas.name,
				ip: nas.ip,
				secret: nas.secret,
				vendor: 'mikrotik',
				host: '127.0.0.1',
				api: {user: API_USER, password: API_PASSWORD},
			})),
			// A NAS sends its Accounting-Stop a moment after the ACK; the simulator writes the stops due together.
			stopDelayMs: STOP_DELAY_MS,
			seed: 20_261_125,
		});
		simulator = nasSimulator;
		/** @type {import('../dist/nas/nas-override.js').NasOverride[]} */
		const overrides = simulator.nas.map((running) => ({
			ip: running.ip,
			coaHost: running.host,
			coaPort: running.coaPort,
			vendor: 'mikrotik',
			api: {host: running.host, port: running.apiPort, user: API_USER, password: API_PASSWORD},
		}));
		const registry = await loadNasRegistry(radtopPool, overrides);
		const audit = new AuditLog({path: join(tmp, 'audit.log'), secrets: registry.secrets()});
		const nasIps = NAS.map((nas) => nas.ip);

		// The same requests for everyone: pre-encoded for the dgram loop, as radclient input files for radclient.
		const byNas = await sessionsByNas(radtopPool);
		const packetsByNas = byNas.map((sessions, index) =>
			sessions.map((session, n) =>
				encodeRequest({
					code: PacketCode.DisconnectRequest,
					identifier: n % 256,
					attributes: attributesOf(session),
					secret: /** @type {(typeof NAS)[number]} */ (NAS[index]).secret,
					messageAuthenticator: true,
				}),
			),
		);
		const files = byNas.map((sessions, index) => {
			const file = join(tmp, `${/** @type {(typeof NAS)[number]} */ (NAS[index]).name}.requests`);
			const blocks = sessions.map(
				(session) =>
					`User-Name = "${session.username}", Acct-Session-Id = "${session.acctsessionid}", Framed-IP-Address = ${session.ip}, Message-Authenticator = 0x00\n`,
			);
			writeFileSync(file, blocks.join('\n'));
			return file;
		});

		// Warm-up (not measured): JIT, the simulator's statements, PostgreSQL's caches.
		await dgramLoop(nasSimulator, packetsByNas);
		await reopen(radtopPool, nasSimulator);

		// Every field is set by the first round (ROUNDS >= 1).
		/** @type {{dgram: Timed, radclient: RadclientRun, radtop: RadtopRun}} */
		const best = /** @type {any} */ ({dgram: undefined, radclient: undefined, radtop: undefined});
		/**
		 * @template {keyof typeof best} K
		 * @param {K} key
		 * @param {(typeof best)[K]} run
		 */
		const keep = (key, run) => {
			if (best[key] === undefined || run.wallMs < best[key].wallMs) best[key] = run;
		};
		/**
		 * @param {string} label
		 * @param {number} ackedBefore
		 */
		const checkAllDone = async (label, ackedBefore) => {
			const acked = ackedSoFar(nasSimulator) - ackedBefore;
			const open = await openLeft(radtopPool, nasSimulator);
			if (acked !== SESSIONS || open !== 0)
				throw new BenchError(
					`${label}: the NAS ACKed ${count(acked)} of ${count(SESSIONS)} and ${count(open)} sessions are still open`,
				);
		};

		for (let round = 1; round <= ROUNDS; round++) {
			let acked = ackedSoFar(simulator);
			const dgramMs = await dgramLoop(simulator, packetsByNas);
			await checkAllDone('dgram loop', acked);
			keep('dgram', {wallMs: dgramMs});
			await reopen(radtopPool, simulator);

			acked = ackedSoFar(simulator);
			const radclient = await radclientRun(simulator, files);
			await checkAllDone('radclient', acked);
			keep('radclient', radclient);
			await reopen(radtopPool, simulator);

			coaClient = new CoaClient();
			acked = ackedSoFar(simulator);
			const radtop = await radtopRun({db: radtopPool, registry, coaClient, audit}, nasIps, {method: 'coa'});
			await coaClient.close();
			coaClient = undefined;
			if (radtop.result.totals.coa !== SESSIONS) throw new BenchError(`radtop CoA: ${outcomeText(radtop.result.totals)}`);
			await checkAllDone('radtop CoA', acked);
			keep('radtop', radtop);
			await reopen(radtopPool, simulator);
			log(
				`round ${round}: dgram ${(dgramMs / 1000).toFixed(2)} s · radclient ${(radclient.wallMs / 1000).toFixed(2)} s · radtop ${(radtop.wallMs / 1000).toFixed(2)} s`,
			);
		}

		// The RouterOS API path.
		let api;
		if (API_SESSIONS > 0) {
			if (API_SESSIONS < SESSIONS) {
				// Leave only API_SESSIONS open (evenly over the NAS), so the target holds that many.
				await radtopPool.query('UPDATE radacct SET acctstoptime = now(), acctterminatecause = $2 WHERE radacctid > $1', [
					API_SESSIONS,
					'User-Request',
				]);
			}
			coaClient = new CoaClient();
			const run = await radtopRun({db: radtopPool, registry, coaClient, audit}, nasIps, {method: 'api'});
			await coaClient.close();
			coaClient = undefined;
			if (run.result.totals.api !== API_SESSIONS) throw new BenchError(`radtop API: ${outcomeText(run.result.totals)}`);
			const open = await openLeft(radtopPool, simulator);
			if (open !== 0) throw new BenchError(`radtop API: ${count(open)} sessions still open`);
			api = run;
			await reopen(radtopPool, simulator);
		}

		// 10 % of incoming requests lost.
		for (const nas of NAS) simulator.setFaults(nas.name, {dropRate: LOSS});
		const planned = new Set(byNas.flat().map((session) => session.id));
		coaClient = new CoaClient({timeoutMs: 300, retries: 3});
		const lossy = await radtopRun({db: radtopPool, registry, coaClient, audit}, nasIps, {method: 'auto'});
		const retransmitted = coaClient.stats.retransmitted;
		await coaClient.close();
		coaClient = undefined;
		for (const nas of NAS) simulator.setFaults(nas.name, {dropRate: 0});
		const outcomesPerSession = new Map();
		for (const entry of lossy.result.results)
			outcomesPerSession.set(entry.radacctid, (outcomesPerSession.get(entry.radacctid) ?? 0) + 1);
		const withoutOutcome = [...planned].filter((id) => outcomesPerSession.get(id) !== 1).length;
		const strangers = [...outcomesPerSession.keys()].filter((id) => !planned.has(id)).length;
		const dropped = nasSimulator.nas.reduce((sum, nas) => sum + nasSimulator.stats(nas.name).dropped.dropRate, 0);
		const lossOpen = await openLeft(radtopPool, simulator);

		// The table.
		/** @param {Timed} run */
		const rate = (run, sessions = SESSIONS) => sessions / (run.wallMs / 1000);
		const ceiling = rate(best.dgram);
		const reference = rate(best.radclient);
		const radtopRate = rate(best.radtop);
		const rows = [
			{method: 'dgram loop (ceiling)', sessions: SESSIONS, run: best.dgram, target: 'ceiling'},
			{method: `radclient -p ${PARALLEL} x ${NAS.length}`, sessions: SESSIONS, run: best.radclient, target: 'reference'},
			{
				method: 'radtop CoA',
				sessions: SESSIONS,
				run: best.radtop,
				target:
					radtopRate >= reference && radtopRate >= 0.5 * ceiling
						? 'ok'
						: `MISS (${[radtopRate < reference ? '< 1.0x radclient' : '', radtopRate < 0.5 * ceiling ? '< 50 % of ceiling' : ''].filter(Boolean).join(', ')})`,
			},
			...(api ? [{method: 'radtop API', sessions: API_SESSIONS, run: api, target: '- (no target)'}] : []),
			{
				method: 'radtop auto, 10 % loss',
				sessions: SESSIONS,
				run: lossy,
				target:
					withoutOutcome === 0 && strangers === 0
						? 'ok (0 without outcome)'
						: `MISS (${withoutOutcome} without exactly one outcome)`,
			},
		];
		log('');
		const header = ['method', 'sessions', 'wall s', 'sessions/s', 'ratio vs radclient', 'ratio vs dgram ceiling', 'target'];
		const widths = [24, 8, 7, 10, 18, 22, 0];
		/** @param {(string | number)[]} cells */
		const line = (cells) =>
			cells
				.map((cell, index) =>
					index === 0 || index === cells.length - 1
						? pad(cell, /** @type {number} */ (widths[index]))
						: pad(cell, /** @type {number} */ (widths[index]), true),
				)
				.join(' | ')
				.trimEnd();
		log(line(header));
		log(widths.map((width, index) => '-'.repeat(index === widths.length - 1 ? 24 : width)).join('-|-'));
		for (const row of rows) {
			const r = rate(row.run, row.sessions);
			log(
				line([
					row.method,
					count(row.sessions),
					(row.run.wallMs / 1000).toFixed(2),
					count(Math.round(r)),
					`${(r / reference).toFixed(2)}x`,
					`${((100 * r) / ceiling).toFixed(0)} %`,
					row.target,
				]),
			);
		}
		log('');
		log(
			`load average after: ${os
				.loadavg()
				.map((load) => load.toFixed(2))
				.join(' ')}`,
		);
		log(
			`best of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} for the first three rows; the NAS ACKed every request of every run and wrote every Accounting-Stop (checked).`,
		);
		log(`radclient lost ${count(best.radclient.lost)} (its own summary), exit codes ${best.radclient.codes.join(', ')}.`);
		if (api)
			log(
				`API: ${count(API_SESSIONS)} sessions, one RouterOS API connection per NAS, ${PARALLEL} commands in flight per NAS (print ?name=, then remove).`,
			);
		log(
			`10 % loss: the simulator dropped ${count(dropped)} requests, radtop retransmitted ${count(retransmitted)}; outcomes: ${outcomeText(lossy.result.totals)}; ` +
				`sessions without exactly one outcome: ${withoutOutcome}; results for sessions not planned: ${strangers}; still open after the stops: ${count(lossOpen)}.`,
		);
	} finally {
		await coaClient?.close();
		await simulator?.close();
		await simulatorPool.end().catch(() => undefined);
		await radtopPool.end().catch(() => undefined);
		await cluster.stop();
		rmSync(tmp, {recursive: true, force: true});
	}
}

try {
	// BENCH_CASE=region: only the region case (bench/disconnect-region.js).
	if (process.env['BENCH_CASE'] === 'region') await regionCase();
	else await main();
} catch (error) {
	console.error(
		`bench:disconnect failed: ${error instanceof BenchError ? error.message : (/** @type {Error | undefined} */ (error)?.stack ?? error)}`,
	);
	process.exitCode = 1;
}
