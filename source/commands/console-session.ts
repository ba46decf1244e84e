/**
 * One console on one profile, from opening its context to the summary printed once its screen is gone; what
 * `radtop` with no command runs (main.ts), again for each `:profile NAME`.
 */
import {globalFlagsOf, openContext, type CommandContext} from './context.js';
import {consoleSweeps, consoleSweepSummary} from './console-sweeps.js';
import type * as ConsoleCommand from './console.js';
import {writeIfOpen} from './interrupts.js';
import {EXIT} from './usage.js';
import {readReplicaState} from '../db/replica.js';
import type {DisconnectResult} from '../disconnect/result.js';
import {lookUpUser} from '../subscribers/user-lookup.js';
import type {ReplicaProbe, SiteReplicaProbe} from '../ui/hooks/use-replica.js';

/** The console flags as checked (main.ts parseConsoleFlags). */
export interface ConsoleSessionRequest {
	readonly intervalSeconds?: number;
	readonly staleAfterSeconds?: number;
	readonly readOnly: boolean;
}

/** What the console probes for a standby and its lag: the database it reads, or each site's (the demo's: none). */
function replicaProbes(context: CommandContext): {replica?: ReplicaProbe; siteReplicas?: SiteReplicaProbe[]} {
	if (context.sites) {
		const probes = context.sites.sites
			.filter((site) => !site.database.embedded)
			.map((site) => ({name: site.name, probe: () => readReplicaState(site.database.pool)}));
		return probes.length === 0 ? {} : {siteReplicas: probes};
	}
	return context.database.embedded ? {} : {replica: () => readReplicaState(context.database.pool)};
}

/** Runs the console until it quits; resolves to the exit code, and the profile `:profile` asked for, if it did. */
export async function runConsoleSession(
	flags: Record<string, unknown>,
	request: ConsoleSessionRequest,
	progress: (message: string) => void,
): Promise<{readonly code: number; readonly profile?: string}> {
	// The demo network lives: a simulated BNG per NAS sends interim updates, logins and logouts.
	const needs = {
		staleAfterSeconds: request.staleAfterSeconds,
		progress,
		...(flags['demo'] ? {demoNetwork: {live: true}, demoSites: true} : {}),
	};
	const context = await openContext(globalFlagsOf(flags), needs);
	let disconnects: ConsoleCommand.ConsoleDisconnects | undefined;
	let code: number = EXIT.ok;
	let switchTo: string | undefined;
	let closeSubscribers: (() => Promise<void>) | undefined;
	// Whatever fails from here, the database and the demo network are closed: nothing keeps the process waiting.
	try {
		const interval = request.intervalSeconds ?? context.profile.interval ?? 5;
		const readOnly = request.readOnly || Boolean(context.profile.readOnly);
		// Ink and React load only for the console.
		const {runConsole, consoleColumnsSaver, consoleDisconnects, consoleExport, consoleRunSummary, openConsoleSubscribers} =
			await import('./console.js');
		const {subscribers, close} = await openConsoleSubscribers(context);
		closeSubscribers = close;
		disconnects = readOnly ? undefined : consoleDisconnects(context);
		const engine = disconnects;
		const sweeps = readOnly ? undefined : consoleSweeps(context);
		// A signal quits as q does: a running disconnect is stopped and writes its closing record first.
		let stopped: DisconnectResult[] = [];
		const {signal, stoppedByQuit, profile} = await runConsole({
			source: context.sites?.merged ?? context.source,
			auditLog: context.profile.auditLog,
			databaseLabel: context.database.label,
			intervalSeconds: interval,
			readOnly,
			...(engine ? {disconnect: engine.service} : {}),
			...(sweeps ? {sweep: sweeps.service} : {}),
			exportView: consoleExport(context),
			...(subscribers ? {subscribers} : {}),
			...(context.profile.columns === undefined ? {} : {columns: context.profile.columns}),
			saveColumns: consoleColumnsSaver(context.profileName),
			lookUpUser: (username) => lookUpUser(context.database.pool, context.source, username),
			// A standby is told in the header with its lag, whether it was named as the read database or as --db; with
			// sites, each site's read database after that site's count.
			...replicaProbes(context),
			...(engine
				? {
						beforeSignalExit: async () => {
							[stopped] = await Promise.all([engine.stopRuns(), sweeps?.stopRuns()]);
						},
					}
				: {}),
		});
		if (engine) {
			// The screen that showed the results is gone: every run of this console is said here.
			const stoppedBy = new Map<string, string>(stopped.map((result) => [result.actionId, signal ?? 'quit']));
			if (stoppedByQuit !== undefined) stoppedBy.set(stoppedByQuit.actionId, 'quit');
			const {lines, partial} = consoleRunSummary(engine.results(), stoppedBy, engine.auditLog);
			for (const line of lines) writeIfOpen(process.stderr, `${line}\n`);
			const swept = sweeps ? consoleSweepSummary(sweeps.runs(), sweeps.auditLog) : undefined;
			for (const line of swept?.lines ?? []) writeIfOpen(process.stderr, `${line}\n`);
			if (partial || swept?.partial) code = EXIT.partial;
		}
		switchTo = profile;
	} finally {
		await disconnects?.close();
		await closeSubscribers?.();
		await context.close();
	}
	return {code, ...(switchTo === undefined ? {} : {profile: switchTo})};
}
