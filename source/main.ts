/** radtop's command line: picks the command, checks its flags, runs it, maps failures to exit codes. */
import meow from 'meow';
import {openContext, reportError} from './commands/context.js';
import {parseSessionsFlags, runSessions, SESSIONS_FLAGS, SESSIONS_HELP} from './commands/sessions.js';
import {checkKnownFlags, EXIT, UsageError, type FlagSpec} from './commands/usage.js';

export const MAIN_HELP = `
Usage
  $ radtop [command] [flags]

A terminal console for the live RADIUS sessions of an access network, read from FreeRADIUS's
radacct table in PostgreSQL.

Commands
  sessions        list sessions for a filter (table, --json or --csv)

Database (every command)
  --db URL        postgres://user@host:port/db
  --profile NAME  a profile from the config file ($RADTOP_CONFIG_DIR or ~/.config/radtop/config.json)
  --demo          the embedded demo database with a simulated network (no setup)
  Without --db or a profile: DATABASE_URL, else libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.

Examples
  $ radtop sessions --demo
  $ radtop sessions --db postgres://radius@db1/radius --search alice
  $ radtop sessions --help

Exit codes: 0 ok, 1 failure, 2 usage error, 3 partial failure.
`;

const MAIN_FLAGS = {
	db: {type: 'string'},
	profile: {type: 'string'},
	demo: {type: 'boolean'},
} as const satisfies Record<string, FlagSpec>;

interface CommandSpec {
	readonly help: string;
	readonly flags: Readonly<Record<string, FlagSpec>>;
	run(flags: Record<string, unknown>): Promise<number>;
}

const COMMANDS: Record<string, CommandSpec> = {
	sessions: {
		help: SESSIONS_HELP,
		flags: SESSIONS_FLAGS,
		async run(flags) {
			const request = parseSessionsFlags(flags, new Date());
			const context = await openContext(
				{db: flags['db'] as string | undefined, profile: flags['profile'] as string | undefined, demo: Boolean(flags['demo'])},
				{staleAfterSeconds: request.staleAfterSeconds, progress: (message) => process.stderr.write(`radtop: ${message}\n`)},
			);
			try {
				await runSessions(context, request, process.stdout);
			} catch (error) {
				return reportError(error, context.secrets);
			} finally {
				await context.close();
			}
			return EXIT.ok;
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

/** Runs radtop with these arguments and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
	try {
		const [first, ...rest] = argv;
		const command = first && !first.startsWith('-') ? first : undefined;
		if (command !== undefined) {
			const spec = COMMANDS[command];
			if (!spec) throw new UsageError(`unknown command "${command.slice(0, 40)}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
			checkKnownFlags(rest, spec.flags, command);
			const cli = parse(spec.help, spec.flags, rest);
			if (cli.input.length > 0) throw new UsageError(`unexpected argument "${String(cli.input[0]).slice(0, 40)}" (see radtop ${command} --help)`);
			return await spec.run(cli.flags as Record<string, unknown>);
		}
		checkKnownFlags(argv, MAIN_FLAGS, '');
		parse(MAIN_HELP, MAIN_FLAGS, argv);
		// The console comes here; until then the bare command lists the open sessions.
		return await COMMANDS['sessions']!.run(parse(SESSIONS_HELP, SESSIONS_FLAGS, argv).flags as Record<string, unknown>);
	} catch (error) {
		return reportError(error);
	}
}
