/**
 * `radtop disconnect --region NAME` with a profile that lists sites: the region's NAS at each site (each site's
 * own NAS, sites-regions.ts), one part per site through that site's radacct, NAS registry and audit records
 * (naming the site and the region), previewed as one with every NAS `site/name`, confirmed by the region's name.
 */
import {createInterface} from 'node:readline/promises';
import {AuditLog, tightenedNotice} from '../audit/audit-log.js';
import {confirms} from '../disconnect/confirmation.js';
import {createDisconnectService, type DisconnectPreview} from '../disconnect/disconnect-service.js';
import type {DisconnectMethod} from '../disconnect/plan.js';
import {pacingOf} from '../disconnect/executor-options.js';
import {previewLines, resultExitCode, resultLines, resultSummary} from '../disconnect/report.js';
import {sitesDisconnectService} from '../disconnect/sites-disconnect.js';
import {CoaClient} from '../radius/coa-client.js';
import {formatCount} from '../sessions/format.js';
import {jsonForOutput} from '../terminal/json-output.js';
import {sanitize} from '../terminal/sanitize.js';
import type {CommandContext} from './context.js';
import {regionTarget} from './disconnect-region.js';
import {holdWriteErrors, stopOnSignals, writeIfOpen} from './interrupts.js';
import {EXIT, UsageError} from './usage.js';

/** What a region disconnect over sites reads of `radtop disconnect`'s flags. */
export interface SitesRegionRequest {
	readonly region?: string;
	readonly method: DisconnectMethod;
	readonly reason?: string;
	readonly concurrency?: number | undefined;
	readonly rate?: number | undefined;
	readonly ratePerNas?: number | undefined;
	readonly timeoutMs: number;
	readonly retries: number;
	readonly confirmWithinMs: number;
	readonly dryRun: boolean;
	readonly yes: boolean;
	readonly json: boolean;
	readonly auditLog?: string;
}

export interface SitesRegionIo {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly stdinIsTerminal: boolean;
	/** The typed confirmation's answer; default a prompt on stdin. */
	readonly ask?: (prompt: string) => Promise<string>;
}

/** Previews, confirms, sends per site, reports. Resolves to the exit code. */
export async function runSitesRegionDisconnect(context: CommandContext, request: SitesRegionRequest, io: SitesRegionIo): Promise<number> {
	const sites = context.sites!;
	const target = await regionTarget(context, request.region ?? '', io.stderr);
	const coaClient = new CoaClient({timeoutMs: request.timeoutMs, retries: request.retries});
	const audit = new AuditLog({
		path: request.auditLog ?? context.profile.auditLog,
		secrets: context.secrets,
		onTightened: (path, mode) => writeIfOpen(io.stderr, tightenedNotice(path, mode)),
	});
	const {allowedNas, confirmTypedAbove} = context.profile;
	const service = sitesDisconnectService(
		sites.sites.map((site) => ({
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
				...(request.rate === undefined ? {} : {ratePerSecond: request.rate}),
				...(allowedNas === undefined ? {} : {allowedNas}),
			}),
		})),
		confirmTypedAbove === undefined ? {} : {typedAbove: confirmTypedAbove},
	);
	const writes = holdWriteErrors([io.stdout, io.stderr]);
	const stop = stopOnSignals();
	try {
		const preview = await service.preview(target);
		for (const warning of preview.warnings) writeIfOpen(io.stderr, `radtop: ${sanitize(warning)}\n`);
		const out = request.dryRun && !request.json ? io.stdout : io.stderr;
		if (!request.json || request.dryRun)
			writeIfOpen(out, `${previewLines(preview.plan, {firstRows: request.dryRun ? 0 : 5}).join('\n')}\n`);
		if (preview.plan.items.length === 0) {
			writeIfOpen(io.stderr, 'radtop: no open session to disconnect\n');
			return EXIT.partial;
		}
		// A dry run over sites shows what each site's part would hit; nothing is sent nor recorded.
		if (request.dryRun) {
			const count = preview.plan.items.length;
			if (!request.json) writeIfOpen(io.stdout, `dry run, nothing sent: ${formatCount(count)} session${count === 1 ? '' : 's'}\n`);
			return preview.plan.items.every((item) => item.problem) ? EXIT.partial : EXIT.ok;
		}
		if (!request.yes && !(await confirmed(preview, io))) {
			writeIfOpen(io.stderr, 'radtop: not confirmed, nothing sent\n');
			return EXIT.failure;
		}
		const showProgress = io.stderr.isTTY;
		const result = await service.execute(preview, {
			...(request.reason === undefined ? {} : {reason: request.reason}),
			signal: stop.signal,
			...(showProgress
				? {
						onProgress: (progress) =>
							writeIfOpen(
								io.stderr,
								`\r\x1b[Kdisconnecting ${formatCount(progress.done)}/${formatCount(progress.total)} · ` +
									progress.perNas
										.map((nas) => `${sanitize(nas.name)} ${formatCount(nas.done)}/${formatCount(nas.total)}`)
										.join(' · '),
							),
					}
				: {}),
		});
		if (showProgress) writeIfOpen(io.stderr, '\r\x1b[K');
		if (request.json) writeIfOpen(io.stdout, jsonForOutput(result, io.stdout.isTTY));
		else {
			const lines = resultLines(result);
			if (lines.length > 0) writeIfOpen(io.stdout, `${lines.join('\n')}\n`);
			writeIfOpen(io.stdout, `${resultSummary(result)}\n`);
		}
		if (result.auditError) writeIfOpen(io.stderr, `radtop: the closing audit record could not be written: ${result.auditError}\n`);
		if (stop.received !== undefined) return EXIT.partial;
		return resultExitCode(result);
	} finally {
		stop.release();
		if (stop.received === undefined) writes.release();
		await coaClient.close();
	}
}

async function confirmed(preview: DisconnectPreview, io: SitesRegionIo): Promise<boolean> {
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
