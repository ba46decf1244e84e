/**
 * doctor over a profile that lists sites: each site (or the one --site names) checked as one database is, its
 * own primary, standby and NAS settings, every check's name led by the site's (`west: database`). A site that
 * cannot be reached fails its own checks; the sites after it are still checked.
 */
import type {SiteProfile} from '../config/profile.js';
import {scrubSecrets} from '../config/secrets.js';
import {connectDatabasePair} from '../db/database-pair.js';
import {describeError} from '../db/errors.js';
import {result, type CheckResult} from '../doctor/check.js';
import {sanitize} from '../terminal/sanitize.js';
import type {ConnectionContext} from './context.js';
import {doctorDatabase, type DatabaseDoctorOptions, type DatabaseDoctorRequest} from './doctor-database.js';
import {siteOverrides} from './sites-context.js';
import {UsageError} from './usage.js';

/** A check of one site: its name led by the site's (pure). */
export function siteCheck(site: string, check: CheckResult): CheckResult {
	return {...check, check: `${site}: ${check.check}`};
}

/**
 * The sites doctor checks: every site of the profile, or the one `--site` names. `--site` without a profile
 * that lists sites, or naming none of them, is a usage error listing the sites.
 */
export function sitesToCheck(context: ConnectionContext, name: string | undefined): readonly SiteProfile[] | undefined {
	const sites = context.siteProfiles;
	if (name === undefined) return sites;
	if (!sites) throw new UsageError('--site takes a site of a profile that lists sites (radtop config set sites)');
	const site = sites.find((candidate) => candidate.name === name);
	if (!site)
		throw new UsageError(`--site: no site "${sanitize(name.slice(0, 40))}" (sites: ${sites.map((entry) => entry.name).join(', ')})`);
	return [site];
}

/** The context of one site: its primary and read database in place of the context's, its NAS settings. */
async function siteConnection(context: ConnectionContext, site: SiteProfile, env: NodeJS.ProcessEnv): Promise<ConnectionContext> {
	const pair = await connectDatabasePair({kind: 'url', url: site.database, from: 'profile'}, site.readDatabase, {env});
	const {siteProfiles: _sites, ...rest} = context;
	return {...rest, database: pair.read, primary: pair.primary, nasOverrides: siteOverrides(site), close: () => pair.close()};
}

/**
 * Checks each site in turn, the checks of each handed to `options.emit` with the site's name before theirs;
 * resolves to the --nas values some site knew.
 */
export async function doctorSites(
	context: ConnectionContext,
	sites: readonly SiteProfile[],
	request: DatabaseDoctorRequest,
	options: DatabaseDoctorOptions & {readonly env: NodeJS.ProcessEnv},
): Promise<{readonly nasFound: readonly string[]}> {
	const found = new Set<string>();
	for (const site of sites) {
		const name = sanitize(site.name);
		const emit = (checks: readonly CheckResult[]) => options.emit(checks.map((check) => siteCheck(name, check)));
		let connection: ConnectionContext;
		try {
			connection = await siteConnection(context, site, options.env);
		} catch (error) {
			// A URL that cannot even be opened (it is checked when set, but the file may have been edited).
			const why = scrubSecrets(describeError(error), context.secrets);
			emit([result('database', 'fail', `cannot be opened: ${why}`, `check the site's database and read-database in the profile`)]);
			continue;
		}
		try {
			const progress = (message: string) => options.progress(`${name}: ${message}`);
			const {nasFound} = await doctorDatabase(connection, request, {emit, progress, oneOfSites: sites.length > 1});
			for (const value of nasFound) found.add(value);
		} finally {
			await connection.close();
		}
	}
	return {nasFound: [...found]};
}
