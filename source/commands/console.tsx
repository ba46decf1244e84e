/** `radtop` with no command: the full-screen live console. */
import {render} from 'ink';
import {incrementalSafeStdout} from '../terminal/ink-stdout.js';
import {App} from '../ui/app.js';
import {ThemeContext, themeFor} from '../ui/theme.js';
import type {SessionReader} from '../sessions/session-source.js';


const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export interface ConsoleOptions {
	readonly source: SessionReader;
	readonly databaseLabel: string;
	readonly intervalSeconds: number;
	readonly readOnly: boolean;
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
