/**
 * radtop's configuration: named profiles kept by `conf` in a JSON file of mode 0600 (it may hold a
 * database password and NAS secrets), the PostgreSQL environment (DATABASE_URL, PG*), and flags.
 * Nothing here ever prints a secret: use `describeDatabaseUrl` to show where radtop connects.
 */
import {chmodSync, existsSync, mkdirSync, statSync} from 'node:fs';
import {isIP} from 'node:net';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import Conf from 'conf';
import {ConfigError} from '../db/database-target.js';
import {normaliseIp} from '../net/address.js';
import {NAS_VENDORS, type NasOverride} from '../nas/nas-override.js';
import type {Profile, StoredConfig} from './profile.js';
import {checkNasIp, findNasOverride, type ProfileKey} from './profile-values.js';

/** The directory radtop keeps its config in: $RADTOP_CONFIG_DIR, else the platform's (~/.config/radtop). */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
	return env['RADTOP_CONFIG_DIR'] || undefined;
}

/** Where the config lives without RADTOP_CONFIG_DIR: the platform's config directory, as conf would pick it. */
function defaultConfigDirectory(env: NodeJS.ProcessEnv): string {
	if (process.platform === 'darwin') return join(homedir(), 'Library', 'Preferences', 'radtop');
	if (process.platform === 'win32') return join(env['APPDATA'] || join(homedir(), 'AppData', 'Roaming'), 'radtop', 'Config');
	return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'radtop');
}

/**
 * The config file, opened through conf with mode 0600; a malformed file is reported, never cleared.
 * Opening changes no permission: only a write tightens the file, and only a file radtop owns.
 */
export class ConfigStore {
	readonly #conf: Conf<StoredConfig>;

	private constructor(conf: Conf<StoredConfig>) {
		this.#conf = conf;
	}

	/** `warn` gets a one-line warning (without "radtop: ") when the file can be read by other users. */
	static open(env: NodeJS.ProcessEnv = process.env, options: {warn?: (message: string) => void} = {}): ConfigStore {
		const cwd = configDirectory(env) ?? defaultConfigDirectory(env);
		let conf: Conf<StoredConfig>;
		try {
			// conf would create a missing directory with the umask's mode; radtop creates it 0700 first.
			if (!existsSync(cwd)) {
				mkdirSync(dirname(cwd), {recursive: true});
				mkdirSync(cwd, {mode: 0o700});
			}
			// conf writes a new file and renames it over the old one: another user's file keeps its mode.
			const existing = existsSync(join(cwd, 'config.json')) ? statSync(join(cwd, 'config.json')) : undefined;
			const foreign = existing !== undefined && process.getuid !== undefined && existing.uid !== process.getuid();
			conf = new Conf<StoredConfig>({
				projectName: 'radtop',
				projectSuffix: '',
				configName: 'config',
				configFileMode: foreign ? existing.mode & 0o777 : 0o600,
				clearInvalidConfig: false,
				cwd,
			});
		} catch (error) {
			const where = join(cwd, 'config.json');
			// JSON.parse's message quotes the text around the error, and that text may be a password or secret.
			const reason =
				(error as Error).name === 'SyntaxError'
					? `not valid JSON${/ at position \d+/.exec((error as Error).message)?.[0] ?? ''}`
					: (error as Error).message.split('\n')[0];
			throw new ConfigError(`cannot read ${where}: ${reason}`);
		}
		const store = new ConfigStore(conf);
		store.#warnIfReadable(options.warn ?? ((message) => process.stderr.write(`radtop: ${message}\n`)));
		return store;
	}

	// The file may hold secrets, but it is the owner's to share: a loose mode is reported, not changed.
	#warnIfReadable(warn: (message: string) => void): void {
		const file = this.#conf.path;
		if (!existsSync(file)) return;
		if ((statSync(file).mode & 0o044) !== 0) {
			warn(`${file} can be read by other users and may hold secrets (chmod 600 ${file})`);
		}
	}

	get path(): string {
		return this.#conf.path;
	}

	get data(): StoredConfig {
		return this.#conf.store;
	}

	/** A profile as stored, its NAS overrides checked (a ConfigError names a malformed one). */
	profile(name: string): Profile | undefined {
		const profiles = this.data.profiles;
		if (!profiles || !Object.hasOwn(profiles, name)) return undefined;
		return loadProfile(profiles[name]!, name, this.path);
	}

	/** The profile to use: the one asked for (which must exist), else the default one, else none. */
	selectProfile(name?: string): {name: string; profile: Profile} | undefined {
		if (name) {
			const profile = this.profile(name);
			if (!profile) {
				const known = Object.keys(this.data.profiles ?? {});
				throw new ConfigError(`no profile "${name}" in ${this.path}${known.length ? ` (profiles: ${known.join(', ')})` : ''}`);
			}
			return {name, profile};
		}
		const fallback = this.data.defaultProfile ?? 'default';
		const profile = this.profile(fallback);
		return profile ? {name: fallback, profile} : undefined;
	}

	setProfile(name: string, profile: Profile): void {
		this.#conf.set('profiles', {...(this.data.profiles ?? {}), [name]: profile});
		this.#tightenPermissions();
	}

	setDefaultProfile(name: string): void {
		this.#conf.set('defaultProfile', name);
		this.#tightenPermissions();
	}

	/** Rewrites one profile (an empty one when it does not exist yet) and returns what was stored. */
	updateProfile(name: string, update: (profile: Profile) => Profile): Profile {
		const profile = update(this.profile(name) ?? {});
		this.setProfile(name, profile);
		return profile;
	}

	/** Sets one profile key; `undefined` removes it. */
	setProfileValue<K extends ProfileKey>(name: string, key: K, value: Profile[K] | undefined): void {
		this.updateProfile(name, (profile) => {
			const {[key]: _old, ...rest} = profile;
			return value === undefined ? rest : {...rest, [key]: value};
		});
	}

	/**
	 * Stores a NAS override under its IP, replacing the profile's override for the same NAS (found by IP,
	 * whatever key it was kept under).
	 */
	setNasOverride(name: string, override: NasOverride): void {
		const ip = checkNasIp(override.ip);
		this.updateProfile(name, (profile) => {
			const nas = {...(profile.nas ?? {})};
			for (const [key, existing] of Object.entries(nas)) {
				if (normaliseIp(existing.ip) === ip) delete nas[key];
			}
			nas[ip] = {...override, ip};
			return {...profile, nas};
		});
	}

	/** Removes the override for a NAS given by IP or name; returns it, or undefined when the profile has none. */
	removeNasOverride(name: string, ipOrName: string): NasOverride | undefined {
		const found = findNasOverride(this.profile(name) ?? {}, ipOrName);
		if (!found) return undefined;
		this.updateProfile(name, (profile) => {
			const {[found.key]: _removed, ...nas} = profile.nas ?? {};
			const {nas: _old, ...rest} = profile;
			return Object.keys(nas).length > 0 ? {...rest, nas} : rest;
		});
		return found.override;
	}

	/** Deletes a profile (and the default pointing at it). Returns false when there was none. */
	removeProfile(name: string): boolean {
		const profiles = this.data.profiles ?? {};
		if (!Object.hasOwn(profiles, name)) return false;
		const {[name]: _removed, ...rest} = profiles;
		this.#conf.set('profiles', rest);
		if (this.data.defaultProfile === name) this.#conf.delete('defaultProfile');
		this.#tightenPermissions();
		return true;
	}

	// After a write: the file may hold secrets, so radtop keeps a file it owns 0600. Another user's file, and
	// the directory (perhaps shared, like a 1777 RADTOP_CONFIG_DIR), are left as they are.
	#tightenPermissions(): void {
		const file = this.#conf.path;
		if (!existsSync(file)) return;
		const stat = statSync(file);
		if (process.getuid !== undefined && stat.uid !== process.getuid()) return;
		if ((stat.mode & 0o077) !== 0) chmodSync(file, 0o600);
	}
}

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isPort: Check = (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65_535;

/** The fields of a stored NAS override, and of its `api`, that radtop reads: what each must hold. */
const OVERRIDE_FIELDS: Readonly<Record<string, readonly [Check, string]>> = {
	ip: [isString, 'an IP address'],
	name: [isString, 'a string'],
	secret: [isString, 'a string'],
	coaHost: [isString, 'a string'],
	coaPort: [isPort, 'a port from 1 to 65535'],
	vendor: [(value) => (NAS_VENDORS as readonly unknown[]).includes(value), `one of ${NAS_VENDORS.join(', ')}`],
	messageAuthenticator: [isBoolean, 'true or false'],
	api: [(value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'an object'],
};

const API_FIELDS: Readonly<Record<string, readonly [Check, string]>> = {
	host: [isString, 'a string'],
	port: [isPort, 'a port from 1 to 65535'],
	user: [isString, 'a string'],
	password: [isString, 'a string'],
	tls: [isBoolean, 'true or false'],
	hotspot: [isBoolean, 'true or false'],
};

/**
 * A profile read from the file, its NAS overrides checked: an override kept under its IP may leave out
 * "ip" (the key is the IP); anything else malformed is a ConfigError naming the entry, never its values.
 */
function loadProfile(profile: Profile, profileName: string, path: string): Profile {
	if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) {
		throw new ConfigError(`invalid config ${path}: profile "${profileName}" is not an object`);
	}
	if (profile.nas === undefined) return profile;
	const where = (key: string) => `invalid config ${path}: profile "${profileName}", nas entry "${key.slice(0, 45)}"`;
	if (profile.nas === null || typeof profile.nas !== 'object' || Array.isArray(profile.nas)) {
		throw new ConfigError(`invalid config ${path}: profile "${profileName}": "nas" must be an object of NAS keyed by IP`);
	}
	const nas: Record<string, NasOverride> = {};
	for (const [key, override] of Object.entries(profile.nas)) {
		if (override === null || typeof override !== 'object' || Array.isArray(override))
			throw new ConfigError(`${where(key)} is not an object`);
		const checkFields = (
			fields: Readonly<Record<string, readonly [Check, string]>>,
			value: Record<string, unknown>,
			prefix: string,
		) => {
			for (const [field, [check, expected]] of Object.entries(fields)) {
				if (value[field] !== undefined && !check(value[field]))
					throw new ConfigError(`${where(key)}: "${prefix}${field}" must be ${expected}`);
			}
		};
		checkFields(OVERRIDE_FIELDS, override as unknown as Record<string, unknown>, '');
		if (override.api) checkFields(API_FIELDS, override.api as Record<string, unknown>, 'api.');
		const ip = override.ip ?? (isIP(key.trim()) !== 0 && !key.includes('%') ? key.trim() : undefined);
		if (ip === undefined) throw new ConfigError(`${where(key)} has no "ip" and its key is not an IP address`);
		if (isIP(ip.trim()) === 0 || ip.includes('%')) throw new ConfigError(`${where(key)}: "ip" must be an IP address`);
		nas[key] = override.ip === undefined ? {...override, ip} : override;
	}
	return {...profile, nas};
}
