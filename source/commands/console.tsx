/** `radtop` with no command: the full-screen live console. */
import {render} from 'ink';
import {AuditLog} from '../audit/audit-log.js';
import {createDisconnectService, type DisconnectService} from '../disconnect/disconnect-service.js';
import {CoaClient} from '../radius/coa-client.js';
import {defaultExportPath, exportSessionsToFile} from '../sessions/export-file.js';
import type {SessionReader} from '../sessions/session-source.js';
import {incrementalSafeStdout} from '../terminal/ink-stdout.js';
import {App} from '../ui/app.js';
import {viewFilter} from '../ui/state.js';
import type {ViewQuery} from '../ui/state-types.js';
import {ThemeContext, themeFor} from '../ui/theme.js';
import type {CommandContext} from './context.js';

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export interface ConsoleOptions {
	readonly source: SessionReader;
	readonly databaseLabel: string;
	readonly intervalSeconds: number;
	readonly readOnly: boolean;
	readonly disconnect?: DisconnectService;
	readonly exportView?: (query: ViewQuery) => Promise<{rows: number; path: string}>;
}

/** `e` in the console: every session of the view, as `radtop export` writes them, to a file in the current directory. */
export function consoleExport(context: CommandContext): (query: ViewQuery) => Promise<{rows: number; path: string}> {
	return async (query) => {
		const options = {
			nas: context.source.nas,
			available: context.source.columns,
			...(context.source.staleAfterSeconds === undefined ? {} : {staleAfterSeconds: context.source.staleAfterSeconds}),
		};
		const {rows, path} = await exportSessionsToFile(context.database.pool, viewFilter(query), query.sort, options, defaultExportPath());
		return {rows, path};
	};
}

/**
 * Requests started per second by a console disconnect, all NAS together, unless the profile says otherwise:
 * every CPE disconnected redials at once, and 200 a second keeps the RADIUS server's re-authentications and
 * Accounting-Stops within what a busy FreeRADIUS takes in its stride (2,000 sessions in 10 s).
 */
export const CONSOLE_DISCONNECT_RATE = 200;

/** The disconnect engine for the console, from the profile and the NAS overrides; close() when done. */
export function consoleDisconnects(context: CommandContext): {readonly service: DisconnectService; close(): Promise<void>} {
	const {profile} = context;
	const coaClient = new CoaClient();
	const audit = new AuditLog({path: profile.auditLog, secrets: context.secrets});
	const rate = profile.disconnectRate ?? CONSOLE_DISCONNECT_RATE;
	const service = createDisconnectService({
		db: context.database.pool,
		overrides: context.nasOverrides,
		columns: context.source.columns,
		audit,
		coaClient,
		...(profile.allowedNas === undefined ? {} : {allowedNas: profile.allowedNas}),
		...(profile.confirmTypedAbove === undefined ? {} : {typedAbove: profile.confirmTypedAbove}),
		...(rate > 0 ? {ratePerSecond: rate} : {}),
	});
	return {service, close: () => coaClient.close()};
}

/**
 * Runs the console until the user quits. The screen is drawn on the terminal's alternate buffer, so
 * quitting (q, Ctrl-C, SIGTERM, SIGHUP, even a crash) gives the shell back its screen and cursor.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
	const stdout = process.stdout;
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		stdout.write(LEAVE_ALTERNATE_SCREEN + SHOW_CURSOR);
	};
	stdout.write(ENTER_ALTERNATE_SCREEN);
	process.once('exit', restore);
	const instance = render(
		<ThemeContext.Provider value={themeFor(process.env)}>
			<App
				source={options.source}
				databaseLabel={options.databaseLabel}
				intervalSeconds={options.intervalSeconds}
				readOnly={options.readOnly}
				{...(options.disconnect === undefined ? {} : {disconnect: options.disconnect})}
				{...(options.exportView === undefined ? {} : {exportView: options.exportView})}
			/>
		</ThemeContext.Provider>,
		{stdout: incrementalSafeStdout(stdout), exitOnCtrlC: false, patchConsole: true, incrementalRendering: true, maxFps: 30},
	);
	const onSignal = () => instance.unmount();
	process.once('SIGTERM', onSignal);
	process.once('SIGHUP', onSignal);
	try {
		await instance.waitUntilExit();
	} finally {
		process.removeListener('SIGTERM', onSignal);
		process.removeListener('SIGHUP', onSignal);
		restore();
		process.removeListener('exit', restore);
	}
}
