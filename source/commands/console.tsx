/** `radtop` with no command: the full-screen live console. */
import type {TableColumnId} from '../sessions/session-columns.js';
import {render} from 'ink';
import {AuditLog, defaultAuditLogPath} from '../audit/audit-log.js';
import {ConfigStore} from '../config/config.js';
import {sanitize} from '../terminal/sanitize.js';
import {historyWithDisconnects} from '../disconnect/disconnected-by-log.js';
import {createDisconnectService, type DisconnectService} from '../disconnect/disconnect-service.js';
import {sitesDisconnectService} from '../disconnect/sites-disconnect.js';
import type {SweepService} from '../sweep/sweep-service.js';
import {resultSummary} from '../disconnect/report.js';
import type {RecoveryTarget} from '../disconnect/recovery.js';
import type {DisconnectResult} from '../disconnect/result.js';
import {CoaClient} from '../radius/coa-client.js';
import {defaultExportPath, exportSessionsToFile, exportToFile} from '../sessions/export-file.js';
import {exportSites} from '../sessions/export-sites.js';
import type {SessionReader} from '../sessions/session-source.js';
import {incrementalSafeStdout} from '../terminal/ink-stdout.js';
import {App} from '../ui/app.js';
import type {SaveColumns} from '../ui/hooks/use-columns-save.js';
import type {QuitOutcome} from '../ui/hooks/use-quit-when-stopped.js';
import {viewFilter} from '../ui/state.js';
import type {ViewQuery} from '../ui/state-types.js';
import {ThemeContext, themeFor} from '../ui/theme.js';
import {
	billingColumnsOf,
	consoleSubscribers,
	POLL_ENRICHMENT_BUDGET_MS,
	type ConsoleSubscribers,
} from '../subscribers/console-subscribers.js';
import {openSubscriberEnricher} from '../subscribers/open-enricher.js';
import {sitesConsoleSubscribers} from '../subscribers/sites-subscribers.js';
import {siteRegionNas, type OpenedSites} from './sites-context.js';
import type {LookUpUser} from '../ui/hooks/use-user-view.js';
import type {ReplicaProbe, SiteReplicaProbe} from '../ui/hooks/use-replica.js';
import {sourceExportOptions} from './export-targets.js';
import {contextForSite, type CommandContext} from './context.js';
import {billingSettingsOf, enricherOptionsOf} from './subscriber-settings.js';
import {holdWriteErrors, stopOnSignals, writeIfOpen, type StopSignal} from './interrupts.js';

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export interface ConsoleOptions {
	readonly source: SessionReader;
	/** The audit log whose disconnects the detail view's history names (who, when, why); default the standard place. */
	readonly auditLog?: string | undefined;
	readonly databaseLabel: string;
	readonly intervalSeconds: number;
	readonly readOnly: boolean;
	readonly disconnect?: DisconnectService;
	/** The stale-session sweep of `W` ({@link consoleSweeps}). */
	readonly sweep?: SweepService;
	readonly exportView?: (query: ViewQuery) => Promise<{rows: number; path: string}>;
	/** The profile's `columns`. */
	readonly columns?: readonly TableColumnId[];
	/** Keeps what the column picker (`c`) saves in the profile ({@link consoleColumnsSaver}). */
	readonly saveColumns?: SaveColumns;
	/** On SIGINT, SIGTERM or SIGHUP, before the console goes: stop what runs, as `q` does. */
	readonly beforeSignalExit?: (signal: StopSignal) => Promise<void>;
	/** Who is behind the sessions: plan, limits, remaining, billing. */
	readonly subscribers?: ConsoleSubscribers;
	/** Reads one user for the user view (`u`). */
	readonly lookUpUser?: LookUpUser;
	/** Reads whether the database read is a hot standby, and its lag, for the header. */
	readonly replica?: ReplicaProbe;
	/** Several sites: each site's read database, probed as `replica` is, for the header's per-site lag. */
	readonly siteReplicas?: readonly SiteReplicaProbe[];
}

/**
 * The console's subscriber reads over the profile's billing settings, and what closes them. A billing
 * database that cannot be opened leaves the console without them rather than without sessions.
 */
export async function openConsoleSubscribers(context: CommandContext): Promise<{subscribers?: ConsoleSubscribers; close(): Promise<void>}> {
	// The subscriber tables are each site's own: each site's rows are enriched by its own reads.
	if (context.sites) return openSitesSubscribers(context, context.sites);
	try {
		const opened = await openSubscriberEnricher(context.database.pool, billingSettingsOf(context), enricherOptionsOf(context));
		const subscribers = consoleSubscribers(opened, POLL_ENRICHMENT_BUDGET_MS, await billingColumnsOf(opened));
		context.source.readTimeoutsFrom(subscribers.timeoutTables);
		return {subscribers, close: () => opened.close()};
	} catch {
		return {close: async () => undefined};
	}
}

/**
 * `e` in the console: every session of the view, as `radtop export` writes them, to a file in the current
 * directory. With several sites: every site of the view (or the one `:site` narrows to) into one file, a `site`
 * column first, each site read with its own NAS names, as `radtop export` over sites.
 */
export function consoleExport(
	given: CommandContext,
	directory = process.cwd(),
): (query: ViewQuery) => Promise<{rows: number; path: string}> {
	const optionsOf = (context: CommandContext) => sourceExportOptions(context.source);
	return async (query) => {
		const {site, ...plain} = query;
		const filter = viewFilter(plain);
		if (!given.sites) {
			const {rows, path} = await exportSessionsToFile(
				given.database.pool,
				filter,
				query.sort,
				optionsOf(given),
				defaultExportPath(new Date(), directory),
			);
			return {rows, path};
		}
		const names = site === undefined ? given.sites.sites.map((each) => each.name) : [site];
		const contexts = await Promise.all(names.map((name) => contextForSite(given, name)));
		const sites = contexts.map((context, index) => ({
			name: names[index]!,
			db: context.database.pool,
			filter,
			options: optionsOf(context),
		}));
		const {rows, path} = await exportToFile(defaultExportPath(new Date(), directory), {}, (fileOptions, out) =>
			exportSites(sites, query.sort, fileOptions, out),
		);
		return {rows, path};
	};
}

/**
 * `c` in the console, Enter: the columns picked become the `columns` setting of the profile in use, as
 * `radtop config set columns` writes it (the view's own choice: the setting removed, as `config unset` does).
 * The profile is the one the console runs with, else the default one (created if it does not exist yet).
 * Resolves to where it was kept, for the status line.
 */
export function consoleColumnsSaver(profileName: string | undefined, env: NodeJS.ProcessEnv = process.env): SaveColumns {
	return async (columns) => {
		// The console's screen is up: a warning about the file's mode was given when radtop started.
		const store = ConfigStore.open(env, {warn: () => undefined});
		const name = profileName ?? store.data.defaultProfile ?? 'default';
		store.setProfileValue(name, 'columns', columns === undefined ? undefined : [...columns]);
		return `profile "${sanitize(name)}"`;
	};
}

/**
 * Requests started per second by a console disconnect, all NAS together, unless the profile says otherwise:
 * every CPE disconnected redials at once, and 200 a second keeps the RADIUS server's re-authentications and
 * Accounting-Stops within what a busy FreeRADIUS takes in its stride (2,000 sessions in 10 s).
 */
export const CONSOLE_DISCONNECT_RATE = 200;

/** The console's disconnect engine, and a way to stop what it runs. */
export interface ConsoleDisconnects {
	readonly service: DisconnectService;
	/** Where its audit records go. */
	readonly auditLog: string;
	/**
	 * Stops every run as `x` or `q` does (requests in flight finish, the rest are not sent) and resolves once each
	 * has written its closing audit record, with the results of those that ran; a run started later stops at once.
	 */
	stopRuns(): Promise<DisconnectResult[]>;
	/** Every run of this console that has ended, in the order they started: for the summary printed on exit. */
	results(): DisconnectResult[];
	close(): Promise<void>;
}

/**
 * What the console says once its screen is gone: one line per disconnect run of this console, in the order they
 * started; a run stopped by the quit or a signal says so (`stoppedBy` maps its action ID to "quit" or the signal).
 * `partial` is true when a run was stopped or had sessions that failed (exit code 3).
 */
export function consoleRunSummary(
	results: readonly DisconnectResult[],
	stoppedBy: ReadonlyMap<string, string>,
	auditLog: string,
): {readonly lines: string[]; readonly partial: boolean} {
	const lines = results.map((result, index) => {
		const where = `(radtop audit ${result.actionId}, ${auditLog})`;
		const cause = stoppedBy.get(result.actionId);
		if (cause !== undefined && result.aborted)
			return `radtop: ${cause}: the disconnect was stopped, requests in flight finished, the rest not sent: ${resultSummary(result)} ${where}`;
		const which = results.length === 1 ? 'disconnect' : `disconnect ${index + 1} of ${results.length}`;
		return `radtop: ${which}: ${resultSummary(result)} ${where}`;
	});
	const partial = results.some((result) => result.aborted || result.totals.failed > 0);
	return {lines, partial};
}

/** The disconnect engine for the console, from the profile and the NAS overrides; close() when done. */
export function consoleDisconnects(context: CommandContext): ConsoleDisconnects {
	const {profile} = context;
	const coaClient = new CoaClient();
	const audit = new AuditLog({path: profile.auditLog, secrets: context.secrets});
	const rate = profile.disconnectRate ?? CONSOLE_DISCONNECT_RATE;
	const settings = {
		audit,
		coaClient,
		...(profile.allowedNas === undefined ? {} : {allowedNas: profile.allowedNas}),
		...(profile.confirmTypedAbove === undefined ? {} : {typedAbove: profile.confirmTypedAbove}),
		...(rate > 0 ? {ratePerSecond: rate} : {}),
		...((profile.disconnectRatePerNas ?? 0) > 0 ? {ratePerNas: profile.disconnectRatePerNas} : {}),
		...(profile.disconnectInFlightPerNas === undefined ? {} : {concurrencyPerNas: profile.disconnectInFlightPerNas}),
		...(profile.regions ? {regionNas: (region: string) => context.source.regionNas(region)} : {}),
	};
	// Over sites the rate is the run's, shared among the sites by their sessions (shareRate), not each site's own.
	const {ratePerSecond: _each, ...siteSettings} = settings;
	const runRate = context.sites && rate > 0 ? {ratePerSecond: rate} : {};
	// Several sites: each session goes through its own site's radacct and NAS registry, its records naming the site.
	const service = context.sites
		? sitesDisconnectService(
				context.sites.sites.map((site) => ({
					name: site.name,
					service: createDisconnectService({
						...siteSettings,
						db: site.primary.pool,
						overrides: site.nasOverrides,
						audit: {append: (record) => audit.append({...record, site: site.name})},
						// A filter's `region:` term is read against this site's own NAS (its source is open once it previews).
						...(profile.regions ? {regionNas: (region: string) => siteRegionNas(site, region)} : {}),
					}),
				})),
				profile.confirmTypedAbove === undefined ? {} : {typedAbove: profile.confirmTypedAbove},
			)
		: createDisconnectService({
				...settings,
				db: context.database.pool,
				overrides: context.nasOverrides,
				columns: context.source.columns,
			});
	const running = new Set<{readonly controller: AbortController; readonly done: Promise<DisconnectResult | undefined>}>();
	const started: Array<{result?: DisconnectResult}> = [];
	let stopping = false;
	const tracked: DisconnectService = {
		preview: (target, registry) => service.preview(target, registry),
		// Several sites' runs are not followed for who comes back (their sessions' NAS IPs may repeat across sites).
		...(service.recovery ? {recovery: (target: RecoveryTarget) => service.recovery!(target)} : {}),
		execute(preview, options = {}) {
			const controller = new AbortController();
			options.signal?.addEventListener('abort', () => controller.abort(), {once: true});
			if (stopping || options.signal?.aborted) controller.abort();
			const execution = service.execute(preview, {...runRate, ...options, signal: controller.signal});
			const run = {
				controller,
				done: execution.then(
					(result) => result,
					() => undefined,
				),
			};
			running.add(run);
			const entry: {result?: DisconnectResult} = {};
			started.push(entry);
			void run.done.then((result) => {
				running.delete(run);
				if (result !== undefined) entry.result = result;
			});
			return execution;
		},
	};
	return {
		service: tracked,
		auditLog: audit.path,
		async stopRuns() {
			stopping = true;
			const runs = [...running];
			for (const run of runs) run.controller.abort();
			const results = await Promise.all(runs.map((run) => run.done));
			return results.filter((result): result is DisconnectResult => result !== undefined);
		},
		results: () => started.flatMap((entry) => (entry.result === undefined ? [] : [entry.result])),
		close: () => coaClient.close(),
	};
}

/**
 * Runs the console until the user quits, or a SIGINT, SIGTERM or SIGHUP comes (resolving to that signal). The
 * screen is drawn on the terminal's alternate buffer, so quitting (q, Ctrl-C, a signal, even a crash) gives the
 * shell back its screen and cursor. A signal stops a running disconnect without asking (q and Ctrl-C ask first)
 * ({@link ConsoleOptions.beforeSignalExit}) and writes its closing audit record; the terminal may be gone
 * by then (SSH dropped), so errors on its streams are swallowed for the console's whole life. A `q` that
 * stopped a running disconnect resolves to that run's result, for the summary printed once the screen is gone.
 */
export async function runConsole(
	options: ConsoleOptions,
): Promise<{readonly signal?: StopSignal; readonly stoppedByQuit?: DisconnectResult; readonly profile?: string}> {
	const stdout = process.stdout;
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		writeIfOpen(stdout, LEAVE_ALTERNATE_SCREEN + SHOW_CURSOR);
	};
	const writes = holdWriteErrors([process.stdout, process.stderr, process.stdin]);
	stdout.write(ENTER_ALTERNATE_SCREEN);
	process.once('exit', restore);
	const instance = render(
		<ThemeContext.Provider value={themeFor(process.env)}>
			<App
				source={historyWithDisconnects(options.source, options.auditLog ?? defaultAuditLogPath())}
				databaseLabel={options.databaseLabel}
				intervalSeconds={options.intervalSeconds}
				readOnly={options.readOnly}
				{...(options.disconnect === undefined ? {} : {disconnect: options.disconnect})}
				{...(options.sweep === undefined ? {} : {sweep: options.sweep})}
				{...(options.exportView === undefined ? {} : {exportView: options.exportView})}
				{...(options.subscribers === undefined ? {} : {subscribers: options.subscribers})}
				{...(options.columns === undefined ? {} : {columns: options.columns})}
				{...(options.saveColumns === undefined ? {} : {saveColumns: options.saveColumns})}
				{...(options.lookUpUser === undefined ? {} : {lookUpUser: options.lookUpUser})}
				{...(options.replica === undefined ? {} : {replica: options.replica})}
				{...(options.siteReplicas === undefined ? {} : {siteReplicas: options.siteReplicas})}
			/>
		</ThemeContext.Provider>,
		{stdout: incrementalSafeStdout(stdout), exitOnCtrlC: false, patchConsole: true, incrementalRendering: true, maxFps: 30},
	);
	const stop = stopOnSignals((signal) => {
		const before = options.beforeSignalExit?.(signal) ?? Promise.resolve();
		void before.catch(() => undefined).then(() => instance.unmount());
	});
	let outcome: QuitOutcome = {};
	try {
		outcome = ((await instance.waitUntilExit()) as QuitOutcome | undefined) ?? {};
	} finally {
		stop.release();
		restore();
		process.removeListener('exit', restore);
		if (stop.received === undefined) writes.release();
	}
	if (stop.received !== undefined) return {signal: stop.received};
	return {
		...(outcome.stopped === undefined ? {} : {stoppedByQuit: outcome.stopped}),
		...(outcome.profile === undefined ? {} : {profile: outcome.profile}),
	};
}

/** Each site's subscriber reads (on its own database, the profile's billing settings), as one. */
async function openSitesSubscribers(
	context: CommandContext,
	sites: OpenedSites,
): Promise<{subscribers?: ConsoleSubscribers; close(): Promise<void>}> {
	const opened = await Promise.all(
		sites.sites.map(async (site) => {
			try {
				const {source} = await site.open();
				const siteContext = {...context, database: site.database};
				const enricher = await openSubscriberEnricher(
					site.database.pool,
					billingSettingsOf(siteContext),
					enricherOptionsOf(siteContext),
				);
				const reads = consoleSubscribers(enricher, POLL_ENRICHMENT_BUDGET_MS, await billingColumnsOf(enricher));
				source.readTimeoutsFrom(reads.timeoutTables);
				return {site: site.name, reads, close: () => enricher.close()};
			} catch {
				return undefined;
			}
		}),
	);
	const reached = opened.filter((entry) => entry !== undefined);
	const subscribers = sitesConsoleSubscribers(new Map(reached.map((entry) => [entry.site, entry.reads])));
	const close = async () => {
		await Promise.all(reached.map((entry) => entry.close()));
	};
	return subscribers ? {subscribers, close} : {close};
}
