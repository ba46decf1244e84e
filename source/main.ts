/** radtop's command line: picks the command, checks its flags, runs it, maps failures to exit codes. */
import meow from 'meow';
import {contextForSite, globalFlagsOf, openContext, reportError, type CommandContext, type ContextNeeds} from './commands/context.js';
import {parseSessionsFlags, runSessions, SESSIONS_FLAGS, SESSIONS_HELP} from './commands/sessions.js';
import {parseSimulateFlags, runSimulate, SIMULATE_FLAGS, SIMULATE_HELP} from './commands/simulate.js';
import {EXPORT_FLAGS, EXPORT_HELP, parseExportFlags, runExport} from './commands/export.js';
import {DISCONNECT_FLAGS, DISCONNECT_HELP, parseDisconnectFlags, runDisconnect} from './commands/disconnect.js';
import {runSitesDisconnect} from './commands/disconnect-sites.js';
import {DOCTOR_FLAGS, DOCTOR_HELP, parseDoctorFlags, runDoctor} from './commands/doctor.js';
import {parseSweepFlags, runSweep, SWEEP_FLAGS, SWEEP_HELP} from './commands/sweep.js';
import {NAS_FLAGS, NAS_HELP, runNasCommand} from './commands/nas.js';
import {CONFIG_FLAGS, CONFIG_HELP, runConfigCommand} from './commands/config.js';
import {AUDIT_FLAGS, AUDIT_HELP, runAuditCommand} from './commands/audit.js';
import {parseUserFlags, runUser, USER_FLAGS, USER_HELP} from './commands/user.js';
import {runConsoleSession} from './commands/console-session.js';
import {
	checkDbFlag,
	checkDemoSiteFlag,
	checkKnownFlags,
	durationFlag,
	EXIT,
	formatHelp,
	nearestWord,
	parseDurationSeconds,
	splitCommand,
	UsageError,
	type FlagSpec,
} from './commands/usage.js';
import {secretsOf} from './config/secrets.js';

export const MAIN_HELP = `
Usage
  $ radtop [command] [flags]

A terminal console for the live RADIUS sessions of an access network, read from FreeRADIUS's
radacct table in PostgreSQL. Without a command: the full-screen live console (? shows its keys).

Commands
  sessions        list sessions for a filter (table, --json or --csv)
  user NAME       why a user cannot connect: sessions, attempts, check and reply items, a verdict
  export          every session matching a filter as CSV, streamed (history: --status closed --from --to)
  disconnect      disconnect sessions (RFC 5176 CoA or RouterOS API), with preview, dry run and audit
  sweep           close ghost sessions (stale in radacct), with dry run, NAS verification and audit
  audit           the audit log read back: recent disconnects and sweeps, or one run in full (read-only)
  simulate        simulated NAS on loopback for a test database (CoA and RouterOS API)
  doctor          check the database, its indexes and query times, and each NAS; print the fixes
  nas             list, add, change or remove NAS settings (secrets, CoA port, vendor, RouterOS API)
  config          get and set profile settings, list profiles, pick the default one
  help [COMMAND]  this help, or a command's (as radtop COMMAND --help)

Console
  --interval DURATION    poll interval, 1s to 1h (default 5s, or the profile's)
  --read-only            no action that disconnects anyone
  --stale-after DURATION stale threshold when the NAS reports no interim interval (default 30m)

Database
  --db URL        postgres://user@host:port/db (with --read-db URL, a hot standby for what only reads)
  --profile NAME  a profile from the config file ($RADTOP_CONFIG_DIR or ~/.config/radtop/config.json)
  --demo          the embedded demo network: two sites, each its database and simulated NAS (no setup); the
                  console reads both (--demo-site north|south: one), the other commands the first
  The console, sessions, user, export, disconnect, sweep, doctor and nas list take all three; simulate takes
  --db and --profile; config and nas add/set/remove take only --profile (the profile they edit).
  Without --db or a profile: DATABASE_URL, else libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.

Flags may come before the command: radtop --db URL doctor --no-nas is radtop doctor --no-nas --db URL.
A word that is not a command is an error (with the nearest command), never the console.
A --db that is not a postgres:// URL is a usage error; one with a password is warned about (ps, shell
history: use ~/.pgpass or PGPASSWORD). With no database configured at all the failure says how to give one.

Examples
  $ radtop sessions --demo
  $ radtop sessions --db postgres://radius@db1/radius --search alice
  $ radtop sessions --help

Ctrl-C, SIGTERM and SIGHUP stop a running disconnect first (in the console, q and Ctrl-C ask first): requests
in flight finish, the rest are not sent, the closing audit record is written (see radtop audit), the summary
goes to stderr, exit code 3. Leaving the console prints a summary of each of its disconnect runs.

Exit codes: 0 ok, 1 failure, 2 usage error, 3 partial failure, nothing matched (disconnect: no open session
for --session, --user, --nas or the filter), a dry run that would send nothing, or a disconnect stopped
(q, a signal) or failed.
`;

/** Flags of the console (radtop without a command). */
export const CONSOLE_FLAGS = {
	interval: {type: 'string'},
	readOnly: {type: 'boolean'},
	staleAfter: {type: 'string'},
	db: {type: 'string'},
	readDb: {type: 'string'},
	profile: {type: 'string'},
	demo: {type: 'boolean'},
	demoSite: {type: 'string'},
} as const satisfies Record<string, FlagSpec>;

/** The console's flags, checked (pure: throws UsageError with one clear line). */
export interface ConsoleRequest {
	readonly intervalSeconds?: number;
	readonly staleAfterSeconds?: number;
	readonly readOnly: boolean;
}

/**
 * Checks every console flag before anything is opened, on a terminal or not, with the bounds `radtop sessions`
 * (which the console becomes off a terminal) and `config set` use: a mistyped flag is a mistake wherever it
 * is made, and an exit 2 waits for no database, demo network or idle connection.
 */
export function parseConsoleFlags(flags: Record<string, unknown>): ConsoleRequest {
	const interval = flags['interval'];
	const staleAfter = flags['staleAfter'];
	checkDemoSiteFlag(flags);
	return {
		...(interval === undefined ? {} : {intervalSeconds: durationFlag(interval, 'interval', {min: 1, max: 3600, whole: true})}),
		...(staleAfter === undefined ? {} : {staleAfterSeconds: parseDurationSeconds(String(staleAfter), 'stale-after', 1)}),
		readOnly: Boolean(flags['readOnly']),
	};
}

async function runConsoleCommand(flags: Record<string, unknown>): Promise<number> {
	const request = parseConsoleFlags(flags);
	if (!process.stdout.isTTY || !process.stdin.isTTY) {
		// Not a terminal (a pipe, a cron job): print the open sessions once, as `radtop sessions` would.
		process.stderr.write('radtop: not a terminal, so no console: the open sessions once (see radtop sessions --help)\n');
		const {interval: _interval, readOnly: _readOnly, ...listing} = flags;
		return COMMANDS['sessions']!.run(listing);
	}
	// `:profile NAME` ends one console and opens the next on that profile; one that cannot be opened says why, and
	// the console opens again as it was.
	let given = flags;
	let previous: Record<string, unknown> | undefined;
	for (;;) {
		let ran: {code: number; profile?: string};
		try {
			ran = await runConsoleSession(given, request, progress);
		} catch (error) {
			if (previous === undefined) throw error;
			reportError(error);
			[given, previous] = [previous, undefined];
			continue;
		}
		if (ran.profile === undefined) return ran.code;
		[previous, given] = [
			given,
			{...flags, profile: ran.profile, db: undefined, demo: undefined, demoSite: undefined, readDb: undefined},
		];
	}
}

const progress = (message: string) => process.stderr.write(`radtop: ${message}\n`);

/** Opens the database for a command, runs it, closes everything; failures become one line and an exit code. */
async function withContext(
	flags: Record<string, unknown>,
	needs: Pick<ContextNeeds, 'staleAfterSeconds' | 'demoNetwork'>,
	run: (context: CommandContext) => Promise<number | void>,
): Promise<number> {
	const context = await openContext(globalFlagsOf(flags), {...needs, progress});
	try {
		return (await run(context)) ?? EXIT.ok;
	} catch (error) {
		return reportError(error, context.secrets);
	} finally {
		await context.close();
	}
}

/** The terminal a command writes to and reads confirmations from. */
function commandIo() {
	return {stdout: process.stdout, stderr: process.stderr, stdinIsTerminal: Boolean(process.stdin.isTTY)};
}

interface CommandSpec {
	readonly help: string;
	readonly flags: Readonly<Record<string, FlagSpec>>;
	/** Takes words after the command (a sub-command and its arguments); the others refuse them. */
	readonly takesArguments?: boolean;
	run(flags: Record<string, unknown>, input?: readonly string[]): Promise<number>;
}

const COMMANDS: Record<string, CommandSpec> = {
	disconnect: {
		help: DISCONNECT_HELP,
		flags: DISCONNECT_FLAGS,
		async run(flags) {
			const request = parseDisconnectFlags(flags, new Date());
			// Over several sites each site's share goes through its own engine (commands/disconnect-sites.ts).
			return withContext(flags, {demoNetwork: {live: false}}, async (context) =>
				context.sites
					? runSitesDisconnect(context, request, commandIo())
					: runDisconnect(await contextForSite(context, request.site), request, commandIo()),
			);
		},
	},
	simulate: {
		help: SIMULATE_HELP,
		flags: SIMULATE_FLAGS,
		async run(flags) {
			const request = parseSimulateFlags(flags);
			return withContext(flags, {}, (context) => runSimulate(context, request, process.stdout));
		},
	},
	doctor: {
		help: DOCTOR_HELP,
		flags: DOCTOR_FLAGS,
		run: (flags) => runDoctor(parseDoctorFlags(flags), {stdout: process.stdout, stderr: process.stderr}),
	},
	sweep: {
		help: SWEEP_HELP,
		flags: SWEEP_FLAGS,
		async run(flags) {
			const request = parseSweepFlags(flags);
			// The demo's NAS have lost the sessions silent for 30 min, as after a reboot: --verify finds them gone.
			const demoNetwork = {live: false, ghostAfterSeconds: 1800};
			return withContext(flags, {staleAfterSeconds: request.staleAfterSeconds, demoNetwork}, (context) =>
				runSweep(context, request, commandIo()),
			);
		},
	},
	export: {
		help: EXPORT_HELP,
		flags: EXPORT_FLAGS,
		async run(flags) {
			const request = parseExportFlags(flags, new Date());
			return withContext(flags, {staleAfterSeconds: request.staleAfterSeconds}, (context) =>
				runExport(context, request, {stdout: process.stdout, stderr: process.stderr}),
			);
		},
	},
	nas: {help: NAS_HELP, flags: NAS_FLAGS, takesArguments: true, run: (flags, input = []) => runNasCommand(input, flags)},
	config: {help: CONFIG_HELP, flags: CONFIG_FLAGS, takesArguments: true, run: (flags, input = []) => runConfigCommand(input, flags)},
	audit: {
		help: AUDIT_HELP,
		flags: AUDIT_FLAGS,
		takesArguments: true,
		run: (flags, input = []) => runAuditCommand(input, flags, {stdout: process.stdout, stderr: process.stderr, env: process.env}),
	},
	user: {
		help: USER_HELP,
		flags: USER_FLAGS,
		takesArguments: true,
		async run(flags, input = []) {
			const request = parseUserFlags(input, flags);
			return withContext(flags, {}, (context) => runUser(context, request, process.stdout, process.stderr));
		},
	},
	sessions: {
		help: SESSIONS_HELP,
		flags: SESSIONS_FLAGS,
		async run(flags) {
			const request = parseSessionsFlags(flags, new Date());
			return withContext(flags, {staleAfterSeconds: request.staleAfterSeconds}, (context) =>
				runSessions(context, request, process.stdout, process.stderr),
			);
		},
	},
};

function parse(help: string, flags: Readonly<Record<string, FlagSpec>>, argv: readonly string[]) {
	return meow(help, {
		importMeta: import.meta,
		argv: [...argv],
		flags: flags as never,
		allowUnknownFlags: true,
		booleanDefault: undefined,
	});
}

/**
 * --help (or -h) or --version among the arguments before `--`, wherever they are. meow acts on them only
 * when one is the sole argument; anywhere else they must still stop the command before it runs.
 */
function helpOrVersion(argv: readonly string[]): 'help' | 'version' | undefined {
	const flags = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
	if (flags.some((token) => token === '--help' || token === '-h')) return 'help';
	if (flags.includes('--version')) return 'version';
	return undefined;
}

/** A command by name, or a usage error naming the nearest one. */
function commandSpec(command: string): CommandSpec {
	const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
	if (spec) return spec;
	const names = [...Object.keys(COMMANDS), 'help'];
	const nearest = nearestWord(command, names);
	throw new UsageError(
		`unknown command "${command.slice(0, 40)}"${nearest ? `: did you mean ${nearest}?` : ''} (commands: ${names.join(', ')})`,
	);
}

/** `radtop help` is `radtop --help`; `radtop help COMMAND` is `radtop COMMAND --help`. */
function showHelpFor(io: MainIo, words: readonly string[]): number {
	const [name, ...more] = words.filter((word) => word !== '--help' && word !== '-h');
	if (name === undefined || name === 'help') return showHelpOrVersion(io, 'help', MAIN_HELP, CONSOLE_FLAGS, [], false);
	if (name.startsWith('-')) throw new UsageError(`radtop help takes a command, not ${name.slice(0, 40)} (see radtop --help)`);
	const spec = commandSpec(name);
	return showHelpOrVersion(
		io,
		'help',
		spec.help,
		spec.flags,
		more.length > 0 && spec.takesArguments ? more : [],
		Boolean(spec.takesArguments),
	);
}

/** Where radtop writes its help and usage errors, and the environment whose secrets it keeps out of them. */
export interface MainIo {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
	readonly env: NodeJS.ProcessEnv;
}

/** Prints a command's help, or its version, for helpOrVersion(); runs nothing. */
function showHelpOrVersion(
	io: MainIo,
	wanted: 'help' | 'version',
	help: string,
	flags: Readonly<Record<string, FlagSpec>>,
	argv: readonly string[],
	subCommands: boolean,
): number {
	const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
	// Without --help, -h and --version meow neither prints nor exits; it only finds the words (a sub-command).
	const rest = [
		...argv.slice(0, end).filter((token) => token !== '--help' && token !== '-h' && token !== '--version'),
		...argv.slice(end),
	];
	const cli = parse(help, flags, rest);
	if (wanted === 'version') io.stdout.write(`${cli.pkg.version ?? ''}\n`);
	// `radtop nas add --help`: the command's help, which covers each sub-command, without the package description.
	else io.stdout.write(subCommands && cli.input.length > 0 ? formatHelp(help) : `${cli.help}\n`);
	return EXIT.ok;
}

/**
 * Runs radtop with these arguments and resolves to the exit code. Help, the version and usage errors go to
 * `io`; a command that runs writes to the process's own streams and terminal.
 */
export async function runMain(argv: readonly string[], io: MainIo): Promise<number> {
	try {
		// Flags may come before the command (`radtop --db URL doctor`): they are the command's flags.
		const {command, rest} = splitCommand(argv, CONSOLE_FLAGS);
		if (command === 'help') return showHelpFor(io, rest);
		const wanted = helpOrVersion(command === undefined ? argv : rest);
		if (command !== undefined) {
			const spec = commandSpec(command);
			if (wanted) return showHelpOrVersion(io, wanted, spec.help, spec.flags, rest, Boolean(spec.takesArguments));
			checkKnownFlags(rest, spec.flags, command);
			const cli = parse(spec.help, spec.flags, rest);
			if (cli.input.length > 0 && !spec.takesArguments)
				throw new UsageError(`unexpected argument "${String(cli.input[0]).slice(0, 40)}" (see radtop ${command} --help)`);
			checkDbFlag(cli.flags as Record<string, unknown>);
			return await spec.run(cli.flags as Record<string, unknown>, cli.input.map(String));
		}
		if (wanted) return showHelpOrVersion(io, wanted, MAIN_HELP, CONSOLE_FLAGS, argv, false);
		checkKnownFlags(argv, CONSOLE_FLAGS, '');
		const cli = parse(MAIN_HELP, CONSOLE_FLAGS, argv);
		checkDbFlag(cli.flags as Record<string, unknown>);
		return await runConsoleCommand(cli.flags as Record<string, unknown>);
	} catch (error) {
		// A usage error needs no database or terminal, so it goes to the streams given; the rest to the process's.
		if (!(error instanceof UsageError)) return reportError(error);
		return reportError(error, secretsOf({}, [], io.env), io.stderr);
	}
}
