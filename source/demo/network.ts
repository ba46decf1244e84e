/** The demo access network: the NAS it has and how they identify sessions. */

export type NasVendor = 'mikrotik' | 'cisco' | 'juniper' | 'accel-ppp' | 'generic';

export interface DemoNas {
	readonly name: string;
	readonly ip: string;
	readonly vendor: NasVendor;
	/** FreeRADIUS's `nas.type` for this NAS. */
	readonly type: string;
	readonly description: string;
	/** Shared secret, as it stands in the nas table of the demo database (demo only, not a real one). */
	readonly secret: string;
	readonly service: 'pppoe' | 'hotspot';
	/** Share of the subscribers homed on this NAS. */
	readonly weight: number;
	/** Second octet-pair base of the CGNAT pool (100.64.0.0/10) this NAS hands out. */
	readonly poolBase: number;
	/** Interim-Update interval the NAS uses, in seconds. */
	readonly interimInterval: number;
	/** How the NAS writes Calling-Station-Id. */
	readonly macStyle: 'colon-upper' | 'colon-lower' | 'dash-upper' | 'cisco-dot';
}

export const DEMO_NAS: readonly DemoNas[] = [
	{
		name: 'bng-1',
		ip: '10.20.0.1',
		vendor: 'mikrotik',
		type: 'other',
		description: 'CCR2216 north',
		secret: 'demo-bng-1-secret',
		service: 'pppoe',
		weight: 27,
		poolBase: 0,
		interimInterval: 300,
		macStyle: 'colon-upper',
	},
	{
		name: 'bng-2',
		ip: '10.20.0.2',
		vendor: 'mikrotik',
		type: 'other',
		description: 'CCR2116 south',
		secret: 'demo-bng-2-secret',
		service: 'pppoe',
		weight: 21,
		poolBase: 16,
		interimInterval: 300,
		macStyle: 'colon-upper',
	},
	{
		name: 'bng-3',
		ip: '10.20.0.3',
		vendor: 'cisco',
		type: 'cisco',
		description: 'ASR1002 east',
		secret: 'demo-bng-3-secret',
		service: 'pppoe',
		weight: 19,
		poolBase: 32,
		interimInterval: 600,
		macStyle: 'cisco-dot',
	},
	{
		name: 'bng-4',
		ip: '10.20.0.4',
		vendor: 'juniper',
		type: 'other',
		description: 'MX204 west',
		secret: 'demo-bng-4-secret',
		service: 'pppoe',
		weight: 14,
		poolBase: 48,
		interimInterval: 600,
		macStyle: 'colon-lower',
	},
	{
		name: 'accel-1',
		ip: '10.20.1.1',
		vendor: 'accel-ppp',
		type: 'other',
		description: 'accel-ppp rural',
		secret: 'demo-accel-1-secret',
		service: 'pppoe',
		weight: 11,
		poolBase: 64,
		interimInterval: 300,
		macStyle: 'colon-lower',
	},
	{
		name: 'hotspot-1',
		ip: '10.30.0.1',
		vendor: 'mikrotik',
		type: 'other',
		description: 'hotspot mall',
		secret: 'demo-hotspot-1-secret',
		service: 'hotspot',
		weight: 8,
		poolBase: 80,
		interimInterval: 300,
		macStyle: 'dash-upper',
	},
];

/**
 * The second site of the demo: another FreeRADIUS cluster with its own radacct and NAS. Its hotspot has the
 * IP of the first site's bng-1: the same address is a different NAS at another site, and radtop keeps them apart.
 */
export const SOUTH_NAS: readonly DemoNas[] = [
	{
		name: 'bng-5',
		ip: '10.40.0.1',
		vendor: 'mikrotik',
		type: 'other',
		description: 'CCR2216 harbour',
		secret: 'demo-bng-5-secret',
		service: 'pppoe',
		weight: 45,
		poolBase: 96,
		interimInterval: 300,
		macStyle: 'colon-upper',
	},
	{
		name: 'bng-6',
		ip: '10.40.0.2',
		vendor: 'juniper',
		type: 'other',
		description: 'MX204 valley',
		secret: 'demo-bng-6-secret',
		service: 'pppoe',
		weight: 35,
		poolBase: 112,
		interimInterval: 600,
		macStyle: 'colon-lower',
	},
	{
		name: 'hotspot-2',
		ip: '10.20.0.1',
		vendor: 'mikrotik',
		type: 'other',
		description: 'hotspot station',
		secret: 'demo-hotspot-2-secret',
		service: 'hotspot',
		weight: 20,
		poolBase: 128,
		interimInterval: 300,
		macStyle: 'dash-upper',
	},
];

/** A site of the demo: its name, its NAS and the size of its network. */
export interface DemoSite {
	readonly name: string;
	readonly nas: readonly DemoNas[];
	/** The seed of its generator, so each site has its own subscribers. */
	readonly seed: number;
	readonly openSessions: number;
	readonly closedSessions: number;
}

/** The demo's two sites: `north` (the six NAS above) and `south` (a smaller one). */
export const DEMO_SITES: readonly DemoSite[] = [
	{name: 'north', nas: DEMO_NAS, seed: 20_261_125, openSessions: 3000, closedSessions: 30_000},
	{name: 'south', nas: SOUTH_NAS, seed: 20_261_207, openSessions: 1200, closedSessions: 12_000},
];

/** The demo's regions: one spans both sites, one names a NAS by its IP. */
export const DEMO_REGIONS: Readonly<Record<string, readonly string[]>> = {
	metro: ['bng-1', 'bng-2', 'bng-5'],
	rural: ['accel-1', '10.40.0.2'],
};
