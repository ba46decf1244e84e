/** What radtop's config may say about one NAS, over what FreeRADIUS's nas table says. */

/** The vendor profiles radtop knows; they decide what a Disconnect-Request carries (see vendor-profiles.ts). */
export type NasVendor = 'mikrotik' | 'cisco' | 'juniper' | 'accel-ppp' | 'generic';

/** Every {@link NasVendor}. */
export const NAS_VENDORS: readonly NasVendor[] = ['mikrotik', 'cisco', 'juniper', 'accel-ppp', 'generic'];

/** Per-NAS settings that override or complete FreeRADIUS's nas table. */
export interface NasOverride {
	/** The NAS's IP as radacct.nasipaddress holds it. */
	readonly ip: string;
	readonly name?: string;
	readonly secret?: string;
	readonly coaHost?: string;
	readonly coaPort?: number;
	readonly vendor?: NasVendor;
	readonly messageAuthenticator?: boolean;
	readonly api?: {
		readonly host?: string;
		readonly port?: number;
		readonly user?: string;
		readonly password?: string;
		readonly tls?: boolean;
		readonly hotspot?: boolean;
	};
}
