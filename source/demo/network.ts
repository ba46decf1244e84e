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
 * The demo's regions: `north` by name, `core` by network (bng-1 to bng-4) and a name; bng-1 and bng-2 are in
 * both.
 */
export const DEMO_REGIONS: Readonly<Record<string, readonly string[]>> = {
	north: ['bng-1', 'bng-2'],
	core: ['10.20.0.0/24', 'accel-1'],
};
