/**
 * `radtop simulate`: simulated NAS on loopback for the NAS in the database's nas table. Each answers
 * Disconnect-Requests on its own UDP port (and, with --api, the RouterOS API), writes Accounting-Stops into
 * radacct as FreeRADIUS would, and can keep the network alive with --live. For trying radtop, or for
 * benchmarks, against a test database: never point it at production.
 */
import {isIP} from 'node:net';
import {loadNasRows} from '../db/nas-table.js';
import {startNasSimulator} from '../demo/nas-simulator.js';
import type {SimulatedNasConfig} from '../demo/simulated-nas-types.js';
import type {NasVendor} from '../demo/network.js';
import type {CommandContext} from './context.js';
import {integerFlag, UsageError, type FlagSpec} from './usage.js';

export const SIMULATE_FLAGS = {
	nas: {type: 'string', isMultiple: true},
	host: {type: 'string', default: '127.0.0.1'},
	coaPort: {type: 'string'},
	api: {type: 'boolean'},
	apiPort: {type: 'string'},
	live: {type: 'boolean'},
	liveInterval: {type: 'string', default: '2000'},
	dropRate: {type: 'string'},
	delay: {type: 'string'},
	nakAll: {type: 'boolean'},
	wrongSecret: {type: 'boolean'},
	db: {type: 'string'},
	profile: {type: 'string'},
} as const satisfies Record<string, FlagSpec>;

export const SIMULATE_HELP = `
Usage
  $ radtop simulate [flags]

Runs a simulated NAS on loopback for each NAS in the database's nas table (or the ones named with --nas),
answering RFC 5176 Disconnect-Requests with the secret in the nas table and writing the Accounting-Stop
into radacct (cause Admin-Reset) as FreeRADIUS would. For test databases only.

Flags
  --nas NAME|IP          only this NAS (repeatable)
  --host ADDRESS         address to listen on (default 127.0.0.1; loopback only)
  --coa-port N           first CoA port; each further NAS takes the next one (default: free ports)
  --api                  also serve the RouterOS API (user radtop, password from RADTOP_SIMULATE_API_PASSWORD
                         or radtop-demo)
  --api-port N           first RouterOS API port (default: free ports)
  --live                 keep the network alive: interim updates, logins and logouts
  --live-interval MS     time between live-traffic ticks (default 2000)
  --drop-rate R          lose this share (0 to 1) of incoming Disconnect-Requests
  --delay MS             answer this late
  --nak-all              NAK every request (Error-Cause 506)
  --wrong-secret         sign replies with a wrong secret
  --db URL, --profile NAME

Examples
  $ radtop simulate --db postgres://postgres@127.0.0.1:5432/radius_test --live
  $ radtop simulate --db postgres://... --nas bng-2 --coa-port 3799 --drop-rate 0.3

Runs until interrupted (Ctrl-C), then prints what each NAS received.

Exit codes: 0 ok (stopped with Ctrl-C), 1 failure (e.g. database unreachable, port in use), 2 usage error.
`;

type Flags = {[K in keyof typeof SIMULATE_FLAGS]?: unknown};

function vendorOf(type: string): NasVendor {
	const lower = type.toLowerCase();
	if (lower.includes('cisco')) return 'cisco';
	if (lower.includes('juniper')) return 'juniper';
	if (lower.includes('mikrotik')) return 'mikrotik';
	if (lower.includes('accel')) return 'accel-ppp';
	return 'generic';
}

function fraction(value: unknown, flag: string): number {
	const n = Number(value);
	if (typeof value !== 'string' || !/^\d*\.?\d+$/.test(value) || n < 0 || n > 1)
		throw new UsageError(`--${flag} must be a number from 0 to 1`);
	return n;
}

/** Starts the simulator and resolves when it has been interrupted and closed. */
export async function runSimulate(context: CommandContext, flags: Flags, out: NodeJS.WriteStream): Promise<void> {
	const host = String(flags.host ?? '127.0.0.1');
	if (!['127.0.0.1', '::1', 'localhost'].includes(host) && !host.startsWith('127.')) {
		throw new UsageError('--host must be a loopback address: the simulator is for tests');
	}
	const coaBase = flags.coaPort === undefined ? 0 : integerFlag(flags.coaPort, 'coa-port', 1, 65_535);
	const apiBase = flags.apiPort === undefined ? 0 : integerFlag(flags.apiPort, 'api-port', 1, 65_535);
	const liveInterval = integerFlag(flags.liveInterval ?? '2000', 'live-interval', 100, 600_000);
	const faults = {
		...(flags.dropRate === undefined ? {} : {dropRate: fraction(flags.dropRate, 'drop-rate')}),
		...(flags.delay === undefined ? {} : {delayMs: integerFlag(flags.delay, 'delay', 0, 60_000)}),
		...(flags.nakAll ? {nakAll: true} : {}),
		...(flags.wrongSecret ? {wrongSecret: true} : {}),
	};
	const {rows} = await loadNasRows(context.database.pool);
	const wanted = Array.isArray(flags.nas) ? flags.nas.map(String) : [];
	const known = rows.filter((row) => isIP(String(row.nasname).trim()));
	const chosen =
		wanted.length === 0
			? known
			: known.filter((row) =>
					wanted.some((value) => value === row.nasname || value.toLowerCase() === String(row.shortname).toLowerCase()),
				);
	if (chosen.length === 0)
		throw new UsageError(wanted.length ? `no NAS ${wanted.join(', ')} in the nas table` : 'the nas table lists no NAS by IP address');
	const apiPassword = process.env['RADTOP_SIMULATE_API_PASSWORD'] || 'radtop-demo';
	const nas: SimulatedNasConfig[] = chosen.map((row, index) => ({
		name: row.shortname ?? row.nasname.trim(),
		ip: String(row.nasname).trim(),
		secret: String(row.secret),
		vendor: vendorOf(String(row.type ?? '')),
		host,
		coaPort: coaBase ? coaBase + index : 0,
		faults,
		...(flags.api ? {api: {port: apiBase ? apiBase + index : 0, user: 'radtop', password: apiPassword}} : {}),
	}));
	const simulator = await startNasSimulator({db: context.database.pool, nas});
	for (const running of simulator.nas) {
		out.write(
			`${running.name.padEnd(12)} ${running.ip.padEnd(16)} CoA ${running.host}:${running.coaPort}${running.apiPort ? `  API ${running.host}:${running.apiPort}` : ''}\n`,
		);
	}
	out.write('secrets: those of the nas table · Ctrl-C stops\n');
	const traffic = flags.live ? simulator.startLiveTraffic({intervalMs: liveInterval}) : undefined;
	await new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	traffic?.stop();
	const totals = simulator.nas.map((running) => ({name: running.name, stats: simulator.stats(running.name)}));
	await simulator.close();
	for (const {name, stats} of totals) {
		out.write(
			`${name}: ${stats.received} received, ${stats.acked} ACK, ${stats.naked} NAK, ${stats.duplicates} duplicates, ${stats.disconnects} disconnected\n`,
		);
	}
}
