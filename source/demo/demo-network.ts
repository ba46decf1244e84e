/**
 * The live demo network: a simulated NAS for every NAS of the demo database, with interim updates, logins
 * and logouts, and the NAS overrides that point radtop's registry at the simulators on loopback.
 */
import type {NasOverride} from '../nas/nas-override.js';
import type {EmbeddedDatabase} from '../db/embedded-database.js';
import {demoSimulatorConfig, startNasSimulator, type NasSimulator} from './nas-simulator.js';
import type {RunningNas} from './simulated-nas-types.js';
import type {DemoNas} from './network.js';

export interface DemoNetwork {
	readonly simulator: NasSimulator;
	/** Where each demo NAS answers CoA and the RouterOS API, as radtop config overrides. */
	readonly overrides: readonly NasOverride[];
	close(): Promise<void>;
}

/**
 * `ghostAfterSeconds`: the simulated NAS no longer have sessions silent for that long (see
 * NasSimulatorOptions), so a sweep's verification finds the demo's stale sessions gone.
 */
export async function startDemoNetwork(
	embedded: EmbeddedDatabase,
	options: {live?: boolean; ghostAfterSeconds?: number; nas?: readonly DemoNas[]} = {},
): Promise<DemoNetwork> {
	// In-process writes go straight to PGlite, leaving the loopback connection to radtop.
	const simulator = await startNasSimulator({
		db: embedded.pglite,
		nas: demoSimulatorConfig(options.nas),
		ghostAfterSeconds: options.ghostAfterSeconds,
	});
	// A subscriber kicked from the console dials back in after 20 to 60 s: long enough to watch a NAS empty,
	// soon enough to watch the sessions come back.
	const traffic =
		options.live === false ? undefined : simulator.startLiveTraffic({intervalMs: 2000, redialMs: [20_000, 60_000], postauth: true});
	return {
		simulator,
		overrides: simulatorOverrides(simulator.nas),
		async close() {
			traffic?.stop();
			await simulator.close();
		},
	};
}

/** Where each simulated NAS answers CoA (and the RouterOS API, when it serves one), as radtop config overrides. */
export function simulatorOverrides(nas: readonly RunningNas[]): NasOverride[] {
	return nas.map((entry) => ({
		ip: entry.ip,
		coaHost: entry.host,
		coaPort: entry.coaPort,
		vendor: entry.vendor,
		...(entry.apiPort && entry.apiUser && entry.apiPassword
			? {
					api: {
						host: entry.host,
						port: entry.apiPort,
						user: entry.apiUser,
						password: entry.apiPassword,
						hotspot: entry.service === 'hotspot',
					},
				}
			: {}),
	}));
}
