/**
 * `radtop user NAME`: why a user cannot connect, from radacct, radpostauth and the authorisation tables; over a
 * profile's sites, each site's own tables, each part headed by its site.
 */
import {scrubSecrets} from '../config/secrets.js';
import {describeError} from '../db/errors.js';
import {DatabaseError, sitesNamed, type CommandContext} from './context.js';
import {lookUpUser, type UserReport} from '../subscribers/user-lookup.js';
import {userLines, userRecord} from '../subscribers/user-view.js';
import {jsonForOutput} from '../terminal/json-output.js';
import {sanitize} from '../terminal/sanitize.js';
import {fitToWidth, siteFlag} from './sessions.js';
import {integerFlag, UsageError, type FlagSpec} from './usage.js';

export const USER_FLAGS = {
	attempts: {type: 'string', default: '10'},
	sessions: {type: 'string', default: '10'},
	json: {type: 'boolean'},
	utc: {type: 'boolean'},
	site: {type: 'string'},
	db: {type: 'string'},
	readDb: {type: 'string'},
	profile: {type: 'string'},
	demo: {type: 'boolean'},
} as const satisfies Record<string, FlagSpec>;

export const USER_HELP = `
Usage
  $ radtop user NAME [flags]

Why can't this user connect: one username, as FreeRADIUS's SQL tables know it.

Shows
  a verdict        the finding that best explains a failure: Auth-Type := Reject, an Expiration past,
                   the last attempts rejected, online on a NAS since a time (and at its
                   Simultaneous-Use limit), no radcheck entry (the user may still be known to another
                   module), a Login-Time restriction
  online           the open sessions (NAS, framed IP, MAC, since) and their count
  attempts         the last authentication attempts from radpostauth: when, the reply, the NAS and MAC
                   and the reply message where the table has columns for them (its pass column is
                   never read)
  check items      radcheck's rows (a password attribute shows as its name and (set): its value is
                   never read), and the groups' radgroupcheck rows
  groups, reply    radusergroup by priority, and the reply attributes of radreply, then radgroupreply,
                   in the order FreeRADIUS applies them (Fall-Through honoured)
  last sessions    closed sessions of the last 90 days: start, stop, duration, cause, NAS, framed IP
  A table that is missing or may not be read is skipped, with a note.

Flags
  --attempts N     authentication attempts to show (default 10, at most 1000)
  --sessions N     closed sessions to show (default 10, at most 1000)
  --json           the same as one JSON document, for scripts
  --utc            timestamps in UTC instead of local time
  --site NAME      only this site of a profile that lists sites (default: every site, each part under
                   "site NAME", and in --json each site's record with its site; a site that cannot be
                   read is said in one line on stderr, the others still shown)

Database
  --db URL         postgres://user@host:port/db (else --profile, DATABASE_URL, PG* variables)
  --read-db URL    a hot standby to read from (else the profile's read-database)
  --profile NAME   a profile from the config file
  --demo           the embedded demo database (no setup)

Examples
  $ radtop user alice@isp.example
  $ radtop user c0101234 --attempts 30
  $ radtop user --demo expired.user --json | jq .verdict

Exit codes: 0 ok (a user with no trace anywhere is ok too: the view says so; over sites, at least one site
answered), 1 failure (e.g. database unreachable; over sites, no site answered), 2 usage error.
`;

type UserFlags = {[K in keyof typeof USER_FLAGS]?: unknown};

export interface UserRequest {
	readonly username: string;
	readonly attempts: number;
	readonly sessions: number;
	readonly json: boolean;
	readonly utc: boolean;
	/** One site of a profile that lists sites; absent: every site. */
	readonly site?: string;
}

/** Validates `radtop user`'s words and flags (pure: throws UsageError with one clear line). */
export function parseUserFlags(input: readonly string[], flags: UserFlags): UserRequest {
	if (input.length === 0) throw new UsageError('radtop user needs a username (see radtop user --help)');
	if (input.length > 1) throw new UsageError(`radtop user takes one username, not also "${input[1]!.slice(0, 40)}"`);
	const username = input[0]!;
	if (username === '') throw new UsageError('radtop user needs a username, not an empty one');
	if (username.length > 253) throw new UsageError('the username is longer than 253 characters');
	return {
		username,
		attempts: integerFlag(flags.attempts ?? 10, 'attempts', 1, 1000),
		sessions: integerFlag(flags.sessions ?? 10, 'sessions', 1, 1000),
		json: Boolean(flags.json),
		utc: Boolean(flags.utc),
		...siteFlag(flags.site),
	};
}

/** Reads the user and writes the view; 0 whether or not anything was found (the view says which). */
export async function runUser(
	context: CommandContext,
	request: UserRequest,
	stdout: NodeJS.WriteStream,
	stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
	if (context.sites) return runUserAtSites(context, request, stdout, stderr);
	// --site without sites: the usage error that says so.
	if (request.site !== undefined) sitesNamed(undefined, request.site);
	const report = await lookUp(context.database.pool, context.source, request);
	if (request.json) {
		stdout.write(jsonForOutput(userRecord(report, request.utc), stdout.isTTY));
		return 0;
	}
	const lines = [`user ${sanitize(request.username)}`, ...userLines(report, {utc: request.utc}).map((line) => line.text)];
	stdout.write(`${fitToWidth(lines.join('\n'), stdout.isTTY ? stdout.columns : undefined)}\n`);
	return 0;
}

const lookUp = (db: Parameters<typeof lookUpUser>[0], source: Parameters<typeof lookUpUser>[1], request: UserRequest) =>
	lookUpUser(db, source, request.username, {attempts: request.attempts, sessions: request.sessions});

/**
 * The user at every site (or --site's): each site's radacct, radpostauth and authorisation tables read on their
 * own, since a user can be known, or online, at several. A site that cannot be read is one line on stderr and
 * the others are shown: the answer for a user is whole at each site that answered (and `unreachable` in --json
 * says which did not), so the exit code is 0; only when no site answered is it a failure (1), as with one database.
 */
async function runUserAtSites(
	context: CommandContext,
	request: UserRequest,
	stdout: NodeJS.WriteStream,
	stderr: NodeJS.WritableStream,
): Promise<number> {
	const sites = sitesNamed(context.sites, request.site);
	const answers = await Promise.all(
		sites.map(async (site): Promise<{site: string; report: UserReport} | {site: string; error: string}> => {
			try {
				const {source} = await site.open();
				return {site: site.name, report: await lookUp(site.database.pool, source, request)};
			} catch (error) {
				return {
					site: site.name,
					error: `unreachable (${site.database.label}): ${scrubSecrets(describeError(error), context.secrets)}`,
				};
			}
		}),
	);
	const reports = answers.flatMap((answer) => ('report' in answer ? [answer] : []));
	const failures = answers.flatMap((answer) => ('error' in answer ? [answer] : []));
	if (reports.length === 0)
		throw new DatabaseError(`no site could be read (${failures.map((entry) => `${entry.site}: ${entry.error}`).join('; ')})`);
	for (const failure of failures)
		stderr.write(`radtop: site ${failure.site} ${sanitize(failure.error.replace(/[\r\n]+/g, ' '))}: not shown\n`);
	if (request.json) {
		stdout.write(
			jsonForOutput(
				{
					username: request.username,
					sites: reports.map(({site, report}) => ({site, ...userRecord(report, request.utc)})),
					unreachable: failures.map(({site, error}) => ({site, error})),
				},
				stdout.isTTY,
			),
		);
		return 0;
	}
	const lines = [`user ${sanitize(request.username)}`];
	for (const {site, report} of reports)
		lines.push('', `site ${sanitize(site)}`, ...userLines(report, {utc: request.utc}).map((line) => line.text));
	stdout.write(`${fitToWidth(lines.join('\n'), stdout.isTTY ? stdout.columns : undefined)}\n`);
	return 0;
}
