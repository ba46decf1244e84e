/**
 * `radtop disconnect` with a profile that lists sites, whatever the target: its share at each site
 * (disconnect-sites-target.ts), one part per site through that site's radacct, NAS registry, secrets and audit
 * records (naming the site), previewed as one with every NAS `site/name`, confirmed as the whole is (a region by
 * its name, a NAS by `site/name`, many sessions by their count). A dry run writes each site's dry-run records.
 */
import {createInterface} from 'node:readline/promises';
import {AuditLog, tightenedNotice} from '../audit/audit-log.js';
import {scrubSecrets} from '../config/secrets.js';
import {confirms} from '../disconnect/confirmation.js';
import {createDisconnectService, type DisconnectPreview} from '../disconnect/disconnect-service.js';
import type {DisconnectMethod} from '../disconnect/plan.js';
import {pacingOf} from '../disconnect/executor-options.js';
import {previewLines} from '../disconnect/report.js';
import {tallyOutcomes} from '../disconnect/result.js';
import {sitesDisconnectService} from '../disconnect/sites-disconnect.js';
import {CoaClient} from '../radius/coa-client.js';
import {formatCount} from '../sessions/format.js';
import {jsonForOutput} from '../terminal/json-output.js';
import {sanitize} from '../terminal/sanitize.js';
import {sitesNamed, type CommandContext} from './context.js';
import {askAboutClaims, claimWaitReporter} from './disconnect-claims.js';
import {reportOutcome} from './disconnect-outcome.js';
import {ttyProgress} from './disconnect-progress.js';
import {sitesTargetOf, type SitesTargetRequest} from './disconnect-sites-target.js';
import {holdWriteErrors, stopOnSignals, writeIfOpen} from './interrupts.js';
import {siteRegionNas} from './sites-context.js';
import {EXIT, UsageError} from './usage.js';

/** What a disconnect over sites reads of `radtop disconnect`'s flags. */
export interface SitesDisconnectRequest extends SitesTargetRequest {
	readonly method: DisconnectMethod;
	readonly reason?: string | undefined;
	readonly concurrency?: number | undefined;
	readonly rate?: number | undefined;
	readonly ratePerNas?: number | undefined;
	readonly timeoutMs: number;
	readonly retries: number;
	readonly confirmWithinMs: number;
	readonly dryRun: boolean;
	readonly yes: boolean;
	readonly wait?: boolean;
	readonly json: boolean;
	readonly auditLog?: string | undefined;
}

export interface SitesDisconnectIo {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly stdinIsTerminal: boolean;
	/** The typed confirmation's answer; default a prompt on stdin. */
	readonly ask?: (prompt: string) => Promise<string>;
}

/** Finds the target at each site, previews, confirms, sends per site, reports. Resolves to the exit code. */
export async function runSitesDisconnect(context: CommandContext, request: SitesDisconnectRequest, io: SitesDisconnectIo): Promise<number> {
	const sites = sitesNamed(context.sites, request.site);
	const {target, parts, unread} = await sitesTargetOf(context, sites, request, io.stderr);
	const coaClient = new CoaClient({timeoutMs: request.timeoutMs, retries: request.retries});
	const audit = new AuditLog({
		path: request.auditLog ?? context.profile.auditLog,
		secrets: context.secrets,
		onTightened: (path, mode) => writeIfOpen(io.stderr, tightenedNotice(path, mode)),
	});
	const {allowedNas, confirmTypedAbove, regions} = context.profile;
	const service = sitesDisconnectService(
		sites.map((site) => ({
			name: site.name,
			service: createDisconnectService({
				db: site.primary.pool,
				overrides: site.nasOverrides,
				coaClient,
				audit: {append: (record) => audit.append({...record, site: site.name})},
				method: request.method,
				via: 'command line',
				...pacingOf(request, context.profile),
				confirmStopWithinMs: request.confirmWithinMs,
				...(allowedNas === undefined ? {} : {allowedNas}),
				...(regions ? {regionNas: (region: string) => siteRegionNas(site, region)} : {}),
			}),
		})),
		confirmTypedAbove === undefined ? {} : {typedAbove: confirmTypedAbove},
	);
	const writes = holdWriteErrors([io.stdout, io.stderr]);
	const stop = stopOnSignals();
	const progress = ttyProgress(io.stderr, io.stderr.isTTY === true && !request.dryRun);
	try {
		const preview = await service.previewParts(target, parts, unread);
		const {plan, missing} = preview;
		// A site's warning can carry its server's error text.
		for (const warning of preview.warnings) writeIfOpen(io.stderr, `radtop: ${sanitize(scrubSecrets(warning, context.secrets))}\n`);
		const lines = previewLines(plan, {firstRows: request.dryRun ? 0 : 5});
		for (const id of missing) lines.push(`  session ${sanitize(id)} is not in radacct`);
		const out = request.dryRun && !request.json ? io.stdout : io.stderr;
		if (!request.json || request.dryRun) writeIfOpen(out, `${lines.join('\n')}\n`);
		// Sessions already closed go through each site's engine: each ends `already_closed`, in the output and the audit log.
		if (plan.items.length === 0 && plan.alreadyClosed.length === 0) {
			if (request.json)
				writeIfOpen(
					io.stdout,
					jsonForOutput({dryRun: request.dryRun, results: [], missing, totals: tallyOutcomes([])}, io.stdout.isTTY),
				);
			writeIfOpen(io.stderr, 'radtop: no open session to disconnect\n');
			return EXIT.partial;
		}
		let wait = request.wait ?? false;
		if (!request.dryRun && !request.yes && !wait && io.stdinIsTerminal && plan.items.length > 0) {
			// Each site's NAS are claimed in that site's database.
			const scopes = sites.map((site) => ({
				db: site.primary.pool,
				items: plan.items.filter((item) => item.session.site === site.name),
			}));
			const decided = await askAboutClaims(scopes, io.stderr);
			if (decided === 'stop') {
				writeIfOpen(io.stderr, 'radtop: stopped, nothing sent\n');
				return EXIT.failure;
			}
			wait = decided === 'wait';
		}
		if (!request.dryRun && !request.yes && plan.items.length > 0 && !(await confirmed(preview, io))) {
			writeIfOpen(io.stderr, 'radtop: not confirmed, nothing sent\n');
			return EXIT.failure;
		}
		const executed = await service.execute(preview, {
			...(request.reason === undefined ? {} : {reason: request.reason}),
			signal: stop.signal,
			...(request.dryRun ? {dryRun: true} : {}),
			// --rate holds for all sites together: each site's part gets its share, by its sessions.
			...(request.rate === undefined ? {} : {ratePerSecond: request.rate}),
			...(wait ? {waitForClaimedNas: true} : {}),
			onClaimWait: claimWaitReporter(io.stderr),
			...progress.options,
		});
		progress.clear();
		return reportOutcome(
			{
				plan,
				executed,
				missing,
				json: request.json,
				dryRun: request.dryRun,
				stoppedBy: stop.received,
				// A site that could not be read keeps its sessions: what was asked for is not all done (exit 3).
				leftOut: preview.unread !== undefined && preview.unread.length > 0,
			},
			io,
		);
	} finally {
		stop.release();
		if (stop.received === undefined) writes.release();
		await coaClient.close();
	}
}

async function confirmed(preview: DisconnectPreview, io: SitesDisconnectIo): Promise<boolean> {
	const {confirmation} = preview;
	if (confirmation.kind === 'key') return true;
	if (!io.ask && !io.stdinIsTerminal)
		throw new UsageError(
			`refusing to disconnect ${formatCount(preview.plan.items.length)} sessions without --yes (stdin is not a terminal)`,
		);
	const ask =
		io.ask ??
		(async (prompt: string) => {
			const reader = createInterface({input: process.stdin, output: io.stderr});
			try {
				return await reader.question(prompt);
			} finally {
				reader.close();
			}
		});
	return confirms(confirmation, await ask(confirmation.prompt));
}
