/**
 * What `radtop nas add|set` may change in a NAS override, and the override after a change (pure). The command
 * line is parsed in commands/nas.ts; the result is written by the config store.
 */
import type {NasOverride, NasVendor} from './nas-override.js';

/** Fields `nas set --unset` can clear (the NAS then falls back to the nas table or the default). */
export const NAS_FIELDS = [
	'name',
	'coa-host',
	'coa-port',
	'vendor',
	'message-authenticator',
	'secret',
	'api',
	'api-host',
	'api-port',
	'api-tls',
	'api-hotspot',
] as const;

export type NasField = (typeof NAS_FIELDS)[number];

/** The API settings a command line gives; the password is read separately. */
export interface ApiEdit {
	readonly user?: string;
	readonly host?: string;
	readonly port?: number;
	readonly tls?: boolean;
	readonly hotspot?: boolean;
}

/** What `nas add` or `nas set` changes, validated. */
export interface NasEdit {
	readonly name?: string;
	readonly coaHost?: string;
	readonly coaPort?: number;
	readonly vendor?: NasVendor;
	readonly messageAuthenticator?: boolean;
	readonly api: ApiEdit;
	/** `--no-api`. */
	readonly removeApi: boolean;
	readonly unset: readonly NasField[];
	/** read: from stdin or a prompt; remove: none in the config. */
	readonly secret: 'keep' | 'read' | 'remove';
	readonly apiPassword: 'keep' | 'read';
}

/** An edit that cannot be applied, in words for the operator. */
export class NasEditError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'NasEditError';
	}
}

/** Whether the edit gives a new value for the field (so `--unset` of it at once is a contradiction). */
export function isSetBy(edit: NasEdit, field: NasField): boolean {
	switch (field) {
		case 'name':
			return edit.name !== undefined;
		case 'coa-host':
			return edit.coaHost !== undefined;
		case 'coa-port':
			return edit.coaPort !== undefined;
		case 'vendor':
			return edit.vendor !== undefined;
		case 'message-authenticator':
			return edit.messageAuthenticator !== undefined;
		case 'secret':
			return edit.secret === 'read';
		case 'api':
			return Object.keys(edit.api).length > 0 || edit.apiPassword === 'read';
		case 'api-host':
			return edit.api.host !== undefined;
		case 'api-port':
			return edit.api.port !== undefined;
		case 'api-tls':
			return edit.api.tls !== undefined;
		case 'api-hotspot':
			return edit.api.hotspot !== undefined;
	}
}

/**
 * The override after an edit (pure). `secret` and `apiPassword` are the values read, when the edit asked
 * for them. Throws NasEditError for API settings without an API user.
 */
export function applyNasEdit(
	base: NasOverride,
	edit: NasEdit,
	read: {readonly secret?: string; readonly apiPassword?: string},
): NasOverride {
	const unset = new Set<NasField>(edit.unset);
	let api: NasOverride['api'] = edit.removeApi || unset.has('api') ? undefined : {...base.api, ...edit.api};
	if (api) {
		const {host, port, tls, hotspot, ...kept} = api;
		api = {
			...kept,
			...(host === undefined || unset.has('api-host') ? {} : {host}),
			...(port === undefined || unset.has('api-port') ? {} : {port}),
			...(tls === undefined || unset.has('api-tls') ? {} : {tls}),
			...(hotspot === undefined || unset.has('api-hotspot') ? {} : {hotspot}),
			...(read.apiPassword === undefined ? {} : {password: read.apiPassword}),
		};
		if (Object.keys(api).length === 0) api = undefined;
		else if (!api.user) throw new NasEditError('the RouterOS API settings need --api-user');
	}
	const next: NasOverride = {
		ip: base.ip,
		...pick('name', edit.name ?? base.name, unset.has('name')),
		...(edit.secret === 'remove' || unset.has('secret') ? {} : pick('secret', read.secret ?? base.secret, false)),
		...pick('coaHost', edit.coaHost ?? base.coaHost, unset.has('coa-host')),
		...pick('coaPort', edit.coaPort ?? base.coaPort, unset.has('coa-port')),
		...pick('vendor', edit.vendor ?? base.vendor, unset.has('vendor')),
		...pick('messageAuthenticator', edit.messageAuthenticator ?? base.messageAuthenticator, unset.has('message-authenticator')),
		...(api ? {api} : {}),
	};
	return next;
}

function pick<K extends keyof NasOverride>(key: K, value: NasOverride[K] | undefined, cleared: boolean): Partial<NasOverride> {
	return value === undefined || cleared ? {} : ({[key]: value} as Partial<NasOverride>);
}
