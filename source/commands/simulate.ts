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
import {sanitize} from '../terminal/sanitize.js';
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

/** The flags of `radtop simulate`, checked (pure: throws UsageError with one clear line). */
export interface SimulateRequest {
	readonly nas: readonly string[];
	readonly host: string;
	/** First CoA port, 0: free ports. */
	readonly coaPort: number;
	readonly api: boolean;
	/** First RouterOS API port, 0: free ports. */
	readonly apiPort: number;
	readonly live: boolean;
	readonly liveIntervalMs: number;
	readonly faults: SimulatedNasConfig['faults'];
}

/** Validates the flags of `radtop simulate` before anything is opened. */
export function parseSimulateFlags(flags: Flags): SimulateRequest {
	const host = String(flags.host ?? '127.0.0.1');
	if (!['127.0.0.1', '::1', 'localhost'].includes(host) && !host.startsWith('127.')) {
		throw new UsageError('--host must be a loopback address: the simulator is for tests');
	}
	const nas = Array.isArray(flags.nas) ? flags.nas.map(String) : flags.nas === undefined ? [] : [String(flags.nas)];
	if (nas.some((value) => value.trim() === '')) throw new UsageError('--nas needs a NAS name or IP address');
	return {
		nas,
		host,
		coaPort: flags.coaPort === undefined ? 0 : integerFlag(flags.coaPort, 'coa-port', 1, 65_535),
		api: Boolean(flags.api),
		apiPort: flags.apiPort === undefined ? 0 : integerFlag(flags.apiPort, 'api-port', 1, 65_535),
		live: Boolean(flags.live),
		liveIntervalMs: integerFlag(flags.liveInterval ?? '2000', 'live-interval', 100, 600_000),
		faults: {
			...(flags.dropRate === undefined ? {} : {dropRate: fraction(flags.dropRate, 'drop-rate')}),
			...(flags.delay === undefined ? {} : {delayMs: integerFlag(flags.delay, 'delay', 0, 60_000)}),
			...(flags.nakAll ? {nakAll: true} : {}),
			...(flags.wrongSecret ? {wrongSecret: true} : {}),
		},
	};
}

/** Each NAS takes the port after the previous one's: the last must still be a port. */
export function checkPortRange(base: number, count: number, flag: string): void {
	if (base === 0 || base + count - 1 <= 65_535) return;
	throw new UsageError(
		`--${flag} ${base} with ${count} NAS needs ports ${base} to ${base + count - 1}, past 65535: give at most ${65_536 - count}`,
	);
}

/** The line for one running NAS; its name comes from the nas table, so it is sanitised. */
export function runningNasLine(running: {name: string; ip: string; host: string; coaPort: number; apiPort?: number}): string {
	const api = running.apiPort ? `  API ${sanitize(running.host)}:${running.apiPort}` : '';
	return `${sanitize(running.name).padEnd(12)} ${sanitize(running.ip).padEnd(16)} CoA ${sanitize(running.host)}:${running.coaPort}${api}`;
}

/** Until Ctrl-C or SIGTERM. */
function interrupted(): Promise<void> {
	return new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
}

/** Starts the simulator and resolves when it has been interrupted (or `until` resolved) and closed. */
export async function runSimulate(
	context: CommandContext,
	request: SimulateRequest,
	out: NodeJS.WritableStream,
	until: () => Promise<void> = interrupted,
): Promise<void> {
	const {host, faults} = request;
	const {rows} = await loadNasRows(context.primary.pool);
	const wanted = request.nas;
	const known = rows.filter((row) => isIP(String(row.nasname).trim()));
	const chosen =
		wanted.length === 0
			? known
			: known.filter((row) =>
					wanted.some((value) => value === row.nasname || value.toLowerCase() === String(row.shortname).toLowerCase()),
				);
	if (chosen.length === 0)
		throw new UsageError(
			wanted.length
				? `no NAS ${wanted.map((value) => value.slice(0, 40)).join(', ')} in the nas table`
				: 'the nas table lists no NAS by IP address',
		);
	checkPortRange(request.coaPort, chosen.length, 'coa-port');
	if (request.api) checkPortRange(request.apiPort, chosen.length, 'api-port');
	const apiPassword = process.env['RADTOP_SIMULATE_API_PASSWORD'] || 'radtop-demo';
	const nas: SimulatedNasConfig[] = chosen.map((row, index) => ({
		name: row.shortname ?? row.nasname.trim(),
		ip: String(row.nasname).trim(),
		secret: String(row.secret),
		vendor: vendorOf(String(row.type ?? '')),
		host,
		coaPort: request.coaPort ? request.coaPort + index : 0,
		faults,
		...(request.api ? {api: {port: request.apiPort ? request.apiPort + index : 0, user: 'radtop', password: apiPassword}} : {}),
	}));
	const simulator = await startNasSimulator({db: context.primary.pool, nas});
	for (const running of simulator.nas) out.write(`${runningNasLine(running)}\n`);
	out.write('secrets: those of the nas table · Ctrl-C stops\n');
	const traffic = request.live ? simulator.startLiveTraffic({intervalMs: request.liveIntervalMs}) : undefined;
	await until();
	traffic?.stop();
	const totals = simulator.nas.map((running) => ({name: running.name, stats: simulator.stats(running.name)}));
	await simulator.close();
	for (const {name, stats} of totals) {
		out.write(
			`${sanitize(name)}: ${stats.received} received, ${stats.acked} ACK, ${stats.naked} NAK, ${stats.duplicates} duplicates, ${stats.disconnects} disconnected\n`,
		);
	}
}
