/**
 * `radtop nas list|add|set|remove`: the NAS radtop knows (FreeRADIUS's nas table merged with the profile's
 * overrides), and the overrides themselves, edited in the config file without touching its JSON. Secrets
 * come from a prompt that does not echo or from stdin, never from argv, and are never printed.
 */
import {
	checkCoaHost,
	checkHost,
	checkNasIp,
	checkNasName,
	checkProfileName,
	checkSecret,
	findNasOverride,
	InvalidValueError,
	parsePort,
	parseVendor,
} from '../config/profile-values.js';
import {ConfigStore} from '../config/config.js';
import {applyNasEdit, isSetBy, NAS_FIELDS, NasEditError, type ApiEdit, type NasEdit} from '../nas/nas-edit.js';
import {describeOverride} from '../nas/nas-list.js';
import {type NasOverride} from '../nas/nas-override.js';
import {DEFAULT_API_PORT, DEFAULT_API_TLS_PORT, DEFAULT_COA_PORT} from '../nas/registry.js';
import {PromptCancelledError, readSecrets, SecretInputError, type SecretRequest} from '../terminal/secret-input.js';
import {listNas} from './nas-list-command.js';
import {siteFlag} from './sessions.js';
import {EXIT, formatHelp, UsageError, type FlagSpec} from './usage.js';

export const NAS_FLAGS = {
	name: {type: 'string'},
	coaHost: {type: 'string'},
	coaPort: {type: 'string'},
	vendor: {type: 'string'},
	messageAuthenticator: {type: 'boolean'},
	secretStdin: {type: 'boolean'},
	noSecret: {type: 'boolean'},
	apiUser: {type: 'string'},
	apiHost: {type: 'string'},
	apiPort: {type: 'string'},
	apiTls: {type: 'boolean'},
	apiHotspot: {type: 'boolean'},
	apiPasswordStdin: {type: 'boolean'},
	noApi: {type: 'boolean'},
	unset: {type: 'string', isMultiple: true},
	json: {type: 'boolean'},
	site: {type: 'string'},
	// Known only to be refused with the reason: a secret in argv is readable by every user of the host.
	secret: {type: 'string'},
	apiPassword: {type: 'string'},
	db: {type: 'string'},
	profile: {type: 'string'},
	demo: {type: 'boolean'},
} as const satisfies Record<string, FlagSpec>;

export const NAS_HELP = `
Usage
  $ radtop nas list [--json] [--site NAME]
  $ radtop nas add IP [--name NAME] [--coa-port N] [--vendor V] [secret] [API]
  $ radtop nas set IP|NAME [fields to change] [--unset FIELD]
  $ radtop nas remove IP|NAME

The NAS radtop disconnects sessions on: FreeRADIUS's nas table, overridden per NAS by the profile's
settings in the config file. list shows both merged (never a secret: only where it comes from), with when
each NAS last reloaded (FreeRADIUS's nasreload: RELOADED, reloaded_at in --json); add, set and remove edit
the profile's overrides. Secrets are typed at a prompt that does not echo, or piped on
stdin; never on the command line, where every user of the host can read them (ps) and the shell keeps them.

NAS
  --name NAME                name shown and accepted by --nas (instead of the nas table's shortname)
  --coa-host IP              where Disconnect-Requests go, an IP address (default: the NAS's IP)
  --coa-port N               its Dynamic Authorization port, 1-65535 (default ${DEFAULT_COA_PORT}; many MikroTik use 1700)
  --vendor V                 mikrotik, cisco, juniper, accel-ppp or generic: the attributes a request carries
  --no-message-authenticator do not sign requests with Message-Authenticator (on by default)

Secret (the RADIUS shared secret the NAS expects from this host)
  --secret-stdin             read it from stdin (prompted without echo when stdin is a terminal)
  --no-secret                none in the config: the nas table's is used (nas set: remove the config's)
  nas add on a terminal prompts for it unless --no-secret is given.

RouterOS API (MikroTik; the fallback when CoA fails)
  --api-user USER            API account (nas add then asks for its password)
  --api-password-stdin       read the API password from stdin (prompted when stdin is a terminal)
  --api-host HOST            default: the NAS's IP
  --api-port N               default ${DEFAULT_API_PORT}, or ${DEFAULT_API_TLS_PORT} with --api-tls
  --api-tls, --api-hotspot   api-ssl; sessions are hotspot users (/ip/hotspot/active) instead of PPP
  --no-api                   nas set: remove the API settings
  When both the secret and the API password come from a pipe: the secret on the first line, the API
  password on the second.

Other
  --unset FIELD              nas set: clear a field (repeatable): ${NAS_FIELDS.join(', ')}
  --json                     nas list: JSON for scripts (no secrets)
  --site NAME                nas list: only this site of a profile that lists sites (default: every site,
                             with a SITE column and \`site\` in JSON; the same IP can be a NAS at each)
  --profile NAME             the profile to read or edit (default: the config's default profile)
  --db URL, --demo           nas list: the database whose nas table to read

Examples
  $ radtop nas list
  $ radtop nas add 10.20.0.2 --name bng-2 --coa-port 1700 --vendor mikrotik
  $ printf '%s\\n%s\\n' "$SECRET" "$API_PASSWORD" | radtop nas add 10.20.0.3 --name bng-3 --vendor mikrotik \\
      --secret-stdin --api-user radtop --api-tls --api-password-stdin
  $ radtop nas set bng-2 --coa-port 3799 --unset vendor
  $ radtop nas set bng-2 --secret-stdin < /run/secrets/bng-2
  $ radtop nas remove bng-2

Exit codes: 0 ok, 1 failure (e.g. the config file cannot be written), 2 usage error,
3 partial failure (nas list without the database, or without a site's: the config's NAS only).
`;

type Flags = {[K in keyof typeof NAS_FLAGS]?: unknown};

export type NasRequest =
	| {readonly kind: 'list'; readonly json: boolean; readonly site?: string}
	| {readonly kind: 'add'; readonly ip: string; readonly edit: NasEdit}
	| {readonly kind: 'set'; readonly nas: string; readonly edit: NasEdit}
	| {readonly kind: 'remove'; readonly nas: string};

const SUBCOMMANDS = ['list', 'add', 'set', 'remove'] as const;

/** Flags `nas add` and `nas set` both take. */
const EDIT_FLAGS = [
	'name',
	'coaHost',
	'coaPort',
	'vendor',
	'messageAuthenticator',
	'secretStdin',
	'noSecret',
	'apiUser',
	'apiHost',
	'apiPort',
	'apiTls',
	'apiHotspot',
	'apiPasswordStdin',
] as const;

/** Flags each sub-command takes besides --profile. */
const ALLOWED: Record<(typeof SUBCOMMANDS)[number], ReadonlyArray<keyof typeof NAS_FLAGS>> = {
	list: ['json', 'site', 'db', 'demo'],
	add: EDIT_FLAGS,
	set: [...EDIT_FLAGS, 'noApi', 'unset'],
	remove: [],
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

const ARGV_SECRET =
	'is refused: a secret on the command line can be read by every user of this host (ps, /proc) and stays in the shell history';

/** Validates a `radtop nas` command line (pure: throws UsageError with one clear line). */
export function parseNasCommand(input: readonly string[], flags: Flags, options: {readonly stdinIsTerminal: boolean}): NasRequest {
	if (typeof flags.secret === 'string') throw new UsageError(`--secret ${ARGV_SECRET}; use --secret-stdin or the prompt`);
	if (typeof flags.apiPassword === 'string')
		throw new UsageError(`--api-password ${ARGV_SECRET}; use --api-password-stdin or the prompt`);
	const [word, ...rest] = input;
	if (word === undefined) throw new UsageError(`nas needs a sub-command: ${SUBCOMMANDS.join(', ')} (see radtop nas --help)`);
	const sub = SUBCOMMANDS.find((candidate) => candidate === word);
	if (!sub) throw new UsageError(`unknown sub-command "${word.slice(0, 40)}" (radtop nas ${SUBCOMMANDS.join('|')})`);
	// meow turns --no-secret into secret: false and --no-api into api: false.
	const given = Object.entries(flags)
		.filter(([name, value]) => value !== undefined && name !== 'profile' && !(Array.isArray(value) && value.length === 0))
		.map(([name]) => (name === 'secret' ? 'noSecret' : name === 'api' ? 'noApi' : name));
	for (const name of given) {
		if (name in NAS_FLAGS && !(ALLOWED[sub] as readonly string[]).includes(name)) {
			throw new UsageError(`--${kebab(name)} is not a flag of radtop nas ${sub} (see radtop nas --help)`);
		}
	}
	const wantsOne = (what: string): string => {
		if (rest.length !== 1 || rest[0]!.trim() === '')
			throw new UsageError(`radtop nas ${sub} takes one ${what} (see radtop nas --help)`);
		return rest[0]!.trim();
	};
	try {
		if (typeof flags.profile === 'string') checkProfileName(flags.profile, '--profile');
		switch (sub) {
			case 'list':
				if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]!.slice(0, 40)}" (radtop nas list takes none)`);
				return {kind: 'list', json: Boolean(flags.json), ...siteFlag(flags.site)};
			case 'remove':
				return {kind: 'remove', nas: wantsOne('NAS (IP or name)')};
			case 'add': {
				const ip = checkNasIp(wantsOne('IP address'));
				const edit = parseEdit(flags);
				if (edit.secret === 'keep' && !options.stdinIsTerminal) {
					throw new UsageError(
						"radtop nas add needs the RADIUS secret: --secret-stdin (piped), a terminal to type it at, or --no-secret to use the nas table's",
					);
				}
				if (
					edit.api.user === undefined &&
					(edit.apiPassword === 'read' || Object.values(edit.api).some((value) => value !== undefined))
				) {
					throw new UsageError('the RouterOS API settings need --api-user');
				}
				if (edit.api.user !== undefined && edit.apiPassword === 'keep' && !options.stdinIsTerminal) {
					throw new UsageError('--api-user needs the API password: --api-password-stdin (piped) or a terminal to type it at');
				}
				return {
					kind: 'add',
					ip,
					edit: {
						...edit,
						secret: edit.secret === 'keep' ? 'read' : edit.secret,
						apiPassword: edit.api.user !== undefined ? 'read' : 'keep',
					},
				};
			}
			case 'set': {
				const nas = wantsOne('NAS (IP or name)');
				const edit = parseEdit(flags);
				const changes =
					edit.name !== undefined ||
					edit.coaHost !== undefined ||
					edit.coaPort !== undefined ||
					edit.vendor !== undefined ||
					edit.messageAuthenticator !== undefined ||
					Object.values(edit.api).some((value) => value !== undefined) ||
					edit.removeApi ||
					edit.unset.length > 0 ||
					edit.secret !== 'keep' ||
					edit.apiPassword !== 'keep';
				if (!changes) throw new UsageError('radtop nas set: nothing to change (see radtop nas --help)');
				return {kind: 'set', nas, edit};
			}
		}
	} catch (error) {
		if (error instanceof InvalidValueError) throw new UsageError(error.message);
		throw error;
	}
}

function optionalString(value: unknown, flag: string): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${flag} needs a value`);
	return value;
}

function parseEdit(flags: Flags): NasEdit {
	if (flags.secretStdin && flags.secret === false) throw new UsageError('--secret-stdin and --no-secret cannot be used together');
	const unset = (Array.isArray(flags.unset) ? flags.unset : flags.unset === undefined ? [] : [flags.unset]).map((value) => {
		const field = NAS_FIELDS.find((candidate) => candidate === String(value).trim().toLowerCase());
		if (!field) throw new UsageError(`--unset takes one of ${NAS_FIELDS.join(', ')} (got "${String(value).slice(0, 40)}")`);
		return field;
	});
	const name = optionalString(flags.name, 'name');
	const coaHost = optionalString(flags.coaHost, 'coa-host');
	const coaPort = optionalString(flags.coaPort, 'coa-port');
	const vendor = optionalString(flags.vendor, 'vendor');
	const apiUser = optionalString(flags.apiUser, 'api-user');
	const apiHost = optionalString(flags.apiHost, 'api-host');
	const apiPort = optionalString(flags.apiPort, 'api-port');
	if (apiUser !== undefined && (apiUser.length > 64 || /[\p{Cc}\s]/u.test(apiUser)))
		throw new UsageError('--api-user must be 1 to 64 characters without spaces');
	const api: ApiEdit = {
		...(apiUser === undefined ? {} : {user: apiUser}),
		...(apiHost === undefined ? {} : {host: checkHost(apiHost, '--api-host')}),
		...(apiPort === undefined ? {} : {port: parsePort(apiPort, '--api-port')}),
		...(typeof flags.apiTls === 'boolean' ? {tls: flags.apiTls} : {}),
		...(typeof flags.apiHotspot === 'boolean' ? {hotspot: flags.apiHotspot} : {}),
	};
	const removeApi = (flags as Record<string, unknown>)['api'] === false;
	if (removeApi && (Object.keys(api).length > 0 || flags.apiPasswordStdin))
		throw new UsageError('--no-api cannot be used with other --api-* flags');
	const edit: NasEdit = {
		...(name === undefined ? {} : {name: checkNasName(name)}),
		...(coaHost === undefined ? {} : {coaHost: checkCoaHost(coaHost, '--coa-host')}),
		...(coaPort === undefined ? {} : {coaPort: parsePort(coaPort, '--coa-port')}),
		...(vendor === undefined ? {} : {vendor: parseVendor(vendor, '--vendor')}),
		...(typeof flags.messageAuthenticator === 'boolean' ? {messageAuthenticator: flags.messageAuthenticator} : {}),
		api,
		removeApi,
		unset,
		secret: flags.secretStdin ? 'read' : flags.secret === false ? 'remove' : 'keep',
		apiPassword: flags.apiPasswordStdin ? 'read' : 'keep',
	};
	const clash = unset.find((field) => isSetBy(edit, field));
	if (clash) throw new UsageError(`--unset ${clash} and a new value for it cannot be used together`);
	return edit;
}

const label = (override: NasOverride): string => (override.name ? `${override.name} (${override.ip})` : override.ip);

/** Where a `radtop nas` command reads and writes. */
export interface NasIo {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
	readonly stdin: NodeJS.ReadStream;
	readonly env: NodeJS.ProcessEnv;
}

const processIo = (): NasIo => ({stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env});

/** Runs `radtop nas ...`; resolves to the exit code. */
export async function runNasCommand(input: readonly string[], flags: Flags, io: NasIo = processIo()): Promise<number> {
	if ((flags as Record<string, unknown>)['help'] === true) {
		io.stdout.write(formatHelp(NAS_HELP));
		return EXIT.ok;
	}
	const request = parseNasCommand(input, flags, {stdinIsTerminal: Boolean(io.stdin.isTTY)});
	const profileFlag = typeof flags.profile === 'string' && flags.profile !== '' ? flags.profile : undefined;
	if (request.kind === 'list')
		return listNas(request, {db: flags.db as string | undefined, profile: profileFlag, demo: Boolean(flags.demo)}, io);
	try {
		const store = ConfigStore.open(io.env);
		const profileName = profileFlag ?? store.data.defaultProfile ?? 'default';
		if (request.kind === 'remove') {
			const removed = store.removeNasOverride(profileName, request.nas);
			if (!removed)
				throw new UsageError(`no NAS "${request.nas.slice(0, 45)}" in profile "${profileName}" (radtop nas list shows them)`);
			io.stdout.write(`removed ${label(removed)} from profile "${profileName}"\n`);
			return EXIT.ok;
		}
		const profile = store.profile(profileName) ?? {};
		const found = request.kind === 'add' ? findNasOverride(profile, request.ip) : findNasOverride(profile, request.nas);
		if (request.kind === 'add' && found) {
			throw new UsageError(`${label(found.override)} is already in profile "${profileName}": change it with radtop nas set`);
		}
		if (request.kind === 'set' && !found && checkIpOrUndefined(request.nas) === undefined) {
			throw new UsageError(
				`no NAS named "${request.nas.slice(0, 45)}" in profile "${profileName}"; give its IP to add settings for a NAS of the nas table`,
			);
		}
		const base: NasOverride = found?.override ?? {ip: request.kind === 'add' ? request.ip : checkNasIp(request.nas)};
		const edit = request.edit;
		const apiUser = edit.api.user ?? (edit.removeApi || edit.unset.includes('api') ? undefined : base.api?.user);
		// A new API user needs its password: the stored one, if any, belongs to another account.
		const needApiPassword =
			edit.apiPassword === 'read' ||
			(edit.api.user !== undefined && (edit.api.user !== base.api?.user || base.api?.password === undefined));
		if (needApiPassword && apiUser === undefined) throw new UsageError('the RouterOS API settings need --api-user');
		if (needApiPassword && edit.apiPassword !== 'read' && !io.stdin.isTTY) {
			throw new UsageError('--api-user needs the API password: --api-password-stdin (piped) or a terminal to type it at');
		}
		const who = base.name ?? edit.name ?? base.ip;
		const asked: SecretRequest[] = [];
		if (edit.secret === 'read') asked.push({name: 'RADIUS secret', question: `RADIUS secret for ${who}: `, confirm: true});
		if (needApiPassword) asked.push({name: 'API password', question: `RouterOS API password of ${apiUser} on ${who}: `, confirm: true});
		const answers = await readSecrets(asked, io);
		const read = {
			...(edit.secret === 'read' ? {secret: checkSecret(answers[0]!, 'RADIUS secret')} : {}),
			...(needApiPassword ? {apiPassword: checkSecret(answers.at(-1)!, 'API password')} : {}),
		};
		const next = applyNasEdit(base, edit, read);
		const sameName =
			next.name &&
			Object.values(profile.nas ?? {}).find(
				(other) => other.name?.toLowerCase() === next.name!.toLowerCase() && checkNasIp(other.ip) !== next.ip,
			);
		if (sameName) throw new UsageError(`the name "${next.name}" is already used by ${sameName.ip} in profile "${profileName}"`);
		const created = store.profile(profileName) === undefined;
		store.setNasOverride(profileName, next);
		if (created) io.stderr.write(`radtop: created profile "${profileName}" in ${store.path}\n`);
		const verb = found ? 'updated' : 'added';
		io.stdout.write(`${verb} ${label(next)} in profile "${profileName}": ${describeOverride(next)}\n`);
		return EXIT.ok;
	} catch (error) {
		if (error instanceof PromptCancelledError) {
			io.stderr.write(`radtop: ${error.message}\n`);
			return EXIT.failure;
		}
		if (error instanceof InvalidValueError || error instanceof NasEditError || error instanceof SecretInputError)
			throw new UsageError(error.message);
		throw error;
	}
}

function checkIpOrUndefined(text: string): string | undefined {
	try {
		return checkNasIp(text);
	} catch {
		return undefined;
	}
}
