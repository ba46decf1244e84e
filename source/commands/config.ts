/**
 * `radtop config get|set|unset|profiles|set-default|path`: a profile's settings in the config file, without
 * editing its JSON. A database URL holding a password is never taken from argv and never printed back.
 */
import type {SiteProfile} from '../config/profile.js';
import {
	checkProfileName,
	formatProfileValue,
	InvalidValueError,
	parseProfileValue,
	PROFILE_KEYS,
	profileKey,
	profileKeyLabel,
	type ProfileKey,
} from '../config/profile-values.js';
import {ConfigStore} from '../config/config.js';
import {type Profile} from '../config/profile.js';
import {describeDatabaseUrl, urlHasPassword} from '../db/database-target.js';
import {isTerminal, jsonForOutput} from '../terminal/json-output.js';
import {sanitize} from '../terminal/sanitize.js';
import {PromptCancelledError, readSecrets, SecretInputError} from '../terminal/secret-input.js';
import {EXIT, formatHelp, UsageError, type FlagSpec} from './usage.js';
import {isRegionKey, parseRegionRequest, regionLines, runRegionRequest, type RegionRequest} from './config-regions.js';

export const CONFIG_FLAGS = {
	stdin: {type: 'boolean'},
	json: {type: 'boolean'},
	profile: {type: 'string'},
} as const satisfies Record<string, FlagSpec>;

export const CONFIG_HELP = `
Usage
  $ radtop config get [KEY]            one setting of the profile, or all of them
  $ radtop config set KEY VALUE        change one (the profile is created if it does not exist)
  $ radtop config set database         the database URL, typed without echo or piped with --stdin
  $ radtop config unset KEY            remove one (radtop's default applies again)
  $ radtop config profiles [--json]    every profile; * marks the default one
  $ radtop config set-default NAME     the profile used without --profile
  $ radtop config path                 where the config file is

Settings (per profile)
  database             postgres://user@host:port/db; one with a password only from stdin or the prompt
  read-database        a hot standby of that database, for what only reads (polls, sessions, export,
                       doctor); sweep --apply still writes to database. Set as database is
  interval             console poll interval: 5, 10s, 1m (1 s to 1 h)
  stale-after          stale threshold when the NAS reports no interim interval: 90s, 30m, 2h, 1w (1 s to 30 d)
  read-only            true or false: no action that disconnects anyone
  audit-log            the audit log's path (stored absolute)
  allowed-nas          NAS names or IPs this profile may disconnect on, separated by commas
  confirm-typed-above  sessions above which the console asks for the count to be typed (default 50)
  disconnect-rate      disconnect requests the console starts per second, all NAS together (default 200, 0: no cap)
  columns              the console table's columns, separated by commas (user, nas, status, ip, duration, mac,
                       down, up, rate-down, rate-up, start, stop, cause, session-id); unset: each view's own
  region.NAME          a region: NAS names, IPs or CIDRs separated by commas (a NAS may be in several);
                       the console's n and X pick it, region:NAME searches it, disconnect --region NAME
  NAS overrides are edited with radtop nas add|set|remove.

Flags
  --profile NAME       the profile to read or change (default: the config's default profile, else "default")
  --stdin              config set database (or read-database): read the URL from stdin (first line)
  --json               config profiles: JSON (no passwords)

The file is $RADTOP_CONFIG_DIR/config.json, else ~/.config/radtop/config.json, written 0600.
config get database (and read-database) prints the URL without its password.

Examples
  $ radtop config set interval 10 --profile noc
  $ radtop config set database postgres://radtop@db1.example/radius --profile noc
  $ radtop config set database --stdin --profile noc < /run/secrets/radtop-db-url
  $ radtop config set allowed-nas bng-1,bng-2
  $ radtop config set region.north bng-1,bng-2,10.20.0.0/24
  $ radtop config set-default noc
  $ radtop config get --profile noc

Exit codes: 0 ok, 1 failure (e.g. the setting is not set, the file cannot be written), 2 usage error.
`;

type Flags = {[K in keyof typeof CONFIG_FLAGS]?: unknown};

export type ConfigRequest =
	| {readonly kind: 'get'; readonly key?: ProfileKey}
	| {readonly kind: 'set'; readonly key: ProfileKey; readonly value?: unknown; readonly read: boolean}
	| {readonly kind: 'unset'; readonly key: ProfileKey}
	| {readonly kind: 'profiles'; readonly json: boolean}
	| {readonly kind: 'set-default'; readonly name: string}
	| {readonly kind: 'path'}
	| RegionRequest;

const SUBCOMMANDS = ['get', 'set', 'unset', 'profiles', 'set-default', 'path'] as const;

/** Validates a `radtop config` command line (pure: throws UsageError with one clear line). */
export function parseConfigCommand(input: readonly string[], flags: Flags, options: {readonly stdinIsTerminal: boolean}): ConfigRequest {
	const [word, ...rest] = input;
	if (word === undefined) throw new UsageError(`config needs a sub-command: ${SUBCOMMANDS.join(', ')} (see radtop config --help)`);
	const sub = SUBCOMMANDS.find((candidate) => candidate === word);
	if (!sub) throw new UsageError(`unknown sub-command "${word.slice(0, 40)}" (radtop config ${SUBCOMMANDS.join('|')})`);
	if (flags.stdin && sub !== 'set') throw new UsageError('--stdin is for radtop config set database');
	if (flags.json && sub !== 'profiles') throw new UsageError('--json is for radtop config profiles');
	const arity = (min: number, max: number, what: string) => {
		if (rest.length < min || rest.length > max) throw new UsageError(`radtop config ${sub} ${what} (see radtop config --help)`);
	};
	try {
		if (typeof flags.profile === 'string') checkProfileName(flags.profile, '--profile');
		if ((sub === 'get' || sub === 'set' || sub === 'unset') && isRegionKey(rest[0])) {
			if (flags.stdin) throw new UsageError('--stdin is only for the database URL, which may hold a password');
			arity(1, sub === 'set' ? 2 : 1, sub === 'set' ? 'takes a region and its NAS' : 'takes one region');
			return parseRegionRequest(sub, rest[0]!, rest[1]);
		}
		switch (sub) {
			case 'get':
				arity(0, 1, 'takes at most one setting');
				return rest[0] === undefined ? {kind: 'get'} : {kind: 'get', key: profileKey(rest[0])};
			case 'unset':
				arity(1, 1, 'takes one setting');
				return {kind: 'unset', key: profileKey(rest[0]!)};
			case 'profiles':
				arity(0, 0, 'takes no argument');
				return {kind: 'profiles', json: Boolean(flags.json)};
			case 'path':
				arity(0, 0, 'takes no argument');
				return {kind: 'path'};
			case 'set-default': {
				arity(1, 1, 'takes one profile name');
				return {kind: 'set-default', name: checkProfileName(rest[0]!)};
			}
			case 'set': {
				arity(1, 2, 'takes a setting and its value');
				const key = profileKey(rest[0]!);
				const text = rest[1];
				// The primary's and the read database's URLs may hold a password: never from argv, as --stdin or typed.
				if (key !== 'database' && key !== 'readDatabase') {
					if (flags.stdin) throw new UsageError('--stdin is only for the database URLs, which may hold a password');
					if (text === undefined) throw new UsageError(`radtop config set ${profileKeyLabel(key)} needs a value`);
					if (key === 'billingUrl' && urlHasPassword(text)) {
						throw new UsageError(
							'a billing-url with a password is refused on the command line (ps and the shell history keep it): keep the password in ~/.pgpass',
						);
					}
					const value = parseProfileValue(key, text);
					if (
						key === 'sites' &&
						(value as SiteProfile[]).some((site) =>
							[site.database, site.readDatabase].some((url) => url !== undefined && urlHasPassword(url)),
						)
					)
						throw new UsageError(
							'sites with a password in a URL are refused on the command line (ps and the shell history keep it): keep the passwords in ~/.pgpass, or write the sites into the config file',
						);
					return {kind: 'set', key, value, read: false};
				}
				if (text !== undefined) {
					if (flags.stdin) throw new UsageError('give the database URL either on stdin (--stdin) or as an argument, not both');
					if (urlHasPassword(text)) {
						throw new UsageError(
							'a database URL with a password is refused on the command line (every user of this host can read it in ps, and the shell keeps it): ' +
								'use --stdin, the prompt (no value), or ~/.pgpass',
						);
					}
					return {kind: 'set', key, value: parseProfileValue(key, text), read: false};
				}
				if (!flags.stdin && !options.stdinIsTerminal) {
					throw new UsageError(
						`radtop config set ${profileKeyLabel(key)} needs the URL: as an argument, with --stdin, or typed at a terminal`,
					);
				}
				return {kind: 'set', key, read: true};
			}
		}
	} catch (error) {
		if (error instanceof InvalidValueError) throw new UsageError(error.message);
		throw error;
	}
}

/** The lines of `config get` without a key: every setting the profile has, a password never shown. */
export function profileLines(profile: Profile): string[] {
	const lines: string[] = [];
	for (const key of PROFILE_KEYS) {
		const value = profile[key];
		if (value === undefined) continue;
		const {text, hidden} = formatProfileValue(key, value);
		lines.push(`${profileKeyLabel(key).padEnd(20)}${sanitize(text)}${hidden ? '  (password stored, not shown)' : ''}`);
	}
	const nas = Object.keys(profile.nas ?? {}).length;
	if (nas > 0) lines.push(`${'nas'.padEnd(20)}${nas} override${nas === 1 ? '' : 's'} (radtop nas list)`);
	return [...lines, ...regionLines(profile)];
}

/** Where a `radtop config` command reads and writes. */
export interface ConfigIo {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
	readonly stdin: NodeJS.ReadStream;
	readonly env: NodeJS.ProcessEnv;
}

const processIo = (): ConfigIo => ({stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env});

/** Runs `radtop config ...`; resolves to the exit code. */
export async function runConfigCommand(input: readonly string[], flags: Flags, io: ConfigIo = processIo()): Promise<number> {
	if ((flags as Record<string, unknown>)['help'] === true) {
		io.stdout.write(formatHelp(CONFIG_HELP));
		return EXIT.ok;
	}
	const request = parseConfigCommand(input, flags, {stdinIsTerminal: Boolean(io.stdin.isTTY)});
	const store = ConfigStore.open(io.env);
	const chosen = typeof flags.profile === 'string' ? flags.profile : undefined;
	const profileName = chosen ?? store.data.defaultProfile ?? 'default';
	const profile = store.profile(profileName);
	// The default profile's name is read from the file as it is; shown, it is sanitised.
	const shownName = sanitize(profileName);
	switch (request.kind) {
		case 'region':
			return runRegionRequest(request, store, profileName, io);
		case 'path':
			io.stdout.write(`${store.path}\n`);
			return EXIT.ok;
		case 'profiles':
			return listProfiles(store, request.json, io);
		case 'get': {
			if (!profile) {
				io.stderr.write(`radtop: no profile "${shownName}" in ${store.path}${profileList(store)}\n`);
				return EXIT.failure;
			}
			if (request.key === undefined) {
				const lines = profileLines(profile);
				io.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
				if (lines.length === 0) io.stderr.write(`radtop: profile "${shownName}" has no settings\n`);
				return EXIT.ok;
			}
			const value = profile[request.key];
			if (value === undefined) {
				io.stderr.write(`radtop: ${profileKeyLabel(request.key)} is not set in profile "${shownName}"\n`);
				return EXIT.failure;
			}
			const {text, hidden} = formatProfileValue(request.key, value);
			io.stdout.write(`${sanitize(text)}\n`);
			if (hidden) io.stderr.write('radtop: the stored URL holds a password, not shown\n');
			return EXIT.ok;
		}
		case 'unset': {
			if (profile?.[request.key] === undefined) {
				io.stderr.write(`radtop: ${profileKeyLabel(request.key)} is not set in profile "${shownName}"\n`);
				return EXIT.ok;
			}
			store.setProfileValue(profileName, request.key, undefined);
			io.stdout.write(`profile "${shownName}": ${profileKeyLabel(request.key)} unset\n`);
			return EXIT.ok;
		}
		case 'set-default': {
			if (!store.profile(request.name)) throw new UsageError(`no profile "${request.name}"${profileList(store)}`);
			store.setDefaultProfile(request.name);
			io.stdout.write(`default profile: ${request.name}\n`);
			return EXIT.ok;
		}
		case 'set': {
			let value = request.value;
			if (request.read) {
				let url: string;
				try {
					[url = ''] = await readSecrets(
						[
							{
								name: `${profileKeyLabel(request.key)} URL`,
								question: `${profileKeyLabel(request.key)} URL for profile "${shownName}" (not echoed): `,
							},
						],
						io,
					);
				} catch (error) {
					if (error instanceof PromptCancelledError) {
						io.stderr.write(`radtop: ${error.message}\n`);
						return EXIT.failure;
					}
					if (error instanceof SecretInputError) throw new UsageError(error.message);
					throw error;
				}
				try {
					value = parseProfileValue(request.key, url);
				} catch (error) {
					if (error instanceof InvalidValueError) throw new UsageError(error.message);
					throw error;
				}
			}
			store.setProfileValue(profileName, request.key, value as never);
			if (!profile) io.stderr.write(`radtop: created profile "${shownName}" in ${store.path}\n`);
			const {text, hidden} = formatProfileValue(request.key, value);
			io.stdout.write(
				`profile "${shownName}": ${profileKeyLabel(request.key)} = ${sanitize(text)}${hidden ? ' (password stored, not shown)' : ''}\n`,
			);
			return EXIT.ok;
		}
	}
}

function profileList(store: ConfigStore): string {
	const names = Object.keys(store.data.profiles ?? {});
	return names.length > 0
		? ` (profiles: ${names.map(sanitize).join(', ')})`
		: ' (no profiles yet: radtop config set KEY VALUE --profile NAME creates one)';
}

function listProfiles(store: ConfigStore, json: boolean, io: ConfigIo): number {
	const profiles = Object.entries(store.data.profiles ?? {});
	const fallback = store.data.defaultProfile ?? 'default';
	const rows = profiles.map(([name, profile]) => ({
		name,
		default: name === fallback,
		database: profile.database ? describeDatabaseUrl(profile.database) : null,
		databasePassword: profile.database ? urlHasPassword(profile.database) : false,
		nas: Object.keys(profile.nas ?? {}).length,
		readOnly: profile.readOnly ?? false,
	}));
	if (json) {
		io.stdout.write(jsonForOutput({defaultProfile: fallback, file: store.path, profiles: rows}, isTerminal(io.stdout)));
		return EXIT.ok;
	}
	if (rows.length === 0) {
		io.stdout.write(`no profiles in ${store.path} (radtop config set KEY VALUE --profile NAME creates one)\n`);
		return EXIT.ok;
	}
	const databases = rows.map((row) => sanitize(row.database ? `${row.database}${row.databasePassword ? ' (password)' : ''}` : '-'));
	const names = rows.map((row) => sanitize(row.name));
	const nameWidth = Math.max(7, ...names.map((name) => name.length)) + 2;
	const databaseWidth = Math.max(8, ...databases.map((database) => database.length)) + 2;
	io.stdout.write(`  ${'PROFILE'.padEnd(nameWidth)}${'DATABASE'.padEnd(databaseWidth)}NAS\n`);
	rows.forEach((row, index) => {
		io.stdout.write(
			`${row.default ? '*' : ' '} ${names[index]!.padEnd(nameWidth)}${databases[index]!.padEnd(databaseWidth)}${row.nas}${row.readOnly ? '  read-only' : ''}\n`,
		);
	});
	if (store.data.defaultProfile && !store.profile(store.data.defaultProfile)) {
		io.stderr.write(`radtop: the default profile "${sanitize(store.data.defaultProfile)}" does not exist\n`);
	}
	return EXIT.ok;
}
