/**
 * The column picker end to end below the terminal (ink-testing-library, a real radacct): `c`, space, Enter,
 * and the pick kept in the profile's `columns` in a config file of its own (RADTOP_CONFIG_DIR), read back by
 * the config store and by `radtop config get`.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runConfigCommand} from '../../source/commands/config.js';
import {consoleColumnsSaver} from '../../source/commands/console.js';
import {ConfigStore} from '../../source/config/config.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import type {TableColumnId} from '../../source/sessions/session-columns.js';
import {App} from '../../source/ui/app.js';
import {PLAIN_THEME, ThemeContext} from '../../source/ui/theme.js';
import {KEYS, renderAndWait, type Rendered} from '../helpers/render-and-wait.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

let database: TestDatabase;
const mounted: Rendered[] = [];
const directories: string[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	await insertSessions(database.pool, [
		{username: 'alice@isp.example', startedAgo: 60, callingstationid: 'AA:BB:CC:00:00:01', framedipaddress: '100.64.0.1'},
		{username: 'bob', startedAgo: 120, callingstationid: 'AA:BB:CC:00:00:02', framedipaddress: '100.64.0.2'},
	]);
});

afterAll(async () => {
	await database?.close();
});

afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

const lines = (frame: string) => frame.split('\n');
const heads = (frame: string) => lines(frame)[3] ?? '';
const statusLine = (frame: string) => lines(frame).at(-2) ?? '';
const footer = (frame: string) => lines(frame).at(-1) ?? '';

async function renderConsole(env: NodeJS.ProcessEnv, columns?: readonly TableColumnId[]) {
	const source = await SessionSource.open(database.pool);
	const app = renderAndWait(
		<ThemeContext.Provider value={PLAIN_THEME}>
			<App
				source={source}
				databaseLabel="test"
				intervalSeconds={5}
				readOnly={false}
				saveColumns={consoleColumnsSaver(undefined, env)}
				{...(columns ? {columns} : {})}
			/>
		</ThemeContext.Provider>,
	);
	app.resize(100, 24);
	mounted.push(app);
	await app.waitForFrame((frame) => frame.includes('▸  alice@isp'), 10_000);
	return app;
}

function configDirectory(): NodeJS.ProcessEnv {
	const directory = mkdtempSync(join(tmpdir(), 'radtop-picker-'));
	directories.push(directory);
	return {RADTOP_CONFIG_DIR: directory};
}

describe('the column picker', () => {
	it('hides a column with c, space and Enter, and keeps the pick in the profile', async () => {
		const env = configDirectory();
		const app = await renderConsole(env);
		expect(heads(app.frame())).toMatch(/^ {3}USER +NAS +FRAMED IP +DURATION +MAC /);
		let frame = await app.press('c', (frame) => frame.includes("columns (the view's own choice)"));
		expect(frame).toContain('[x] MAC');
		expect(frame).toContain('[ ] STOP        not in the active view');
		expect(footer(frame)).toBe("↑↓ move  ␣ toggle  r view's own  ⏎ save  Esc cancel");
		// MAC is the tenth column, after REMAINING, PLAN and BILLING.
		for (let row = 0; row < 9; row++) await app.press('j', () => true);
		frame = await app.press(KEYS.space, (frame) => frame.includes('[ ] MAC'));
		expect(frame).toContain('columns (your choice)');
		frame = await app.press(KEYS.enter, (frame) => statusLine(frame).startsWith('columns saved to profile "default"'));
		expect(heads(frame)).toMatch(/^ {3}USER +NAS +FRAMED IP +DURATION +DOWN +UP /);
		expect(heads(frame)).not.toContain('MAC');

		// On disk, as `radtop config set columns` keeps it, and read back.
		const file = JSON.parse(readFileSync(join(env['RADTOP_CONFIG_DIR']!, 'config.json'), 'utf8'));
		const picked = [
			'user',
			'nas',
			'status',
			'ip',
			'ipv6',
			'duration',
			'remaining',
			'plan',
			'billing',
			'vendor',
			'down',
			'up',
			'rateDown',
			'rateUp',
			'start',
			'sessionId',
		];
		expect(file.profiles.default.columns).toEqual(picked);
		expect(ConfigStore.open(env).selectProfile()?.profile.columns).toEqual(picked);
		let printed = '';
		const stdout = new Writable({write: (chunk: Buffer, _encoding, done) => ((printed += chunk.toString()), done())});
		expect(await runConfigCommand(['get', 'columns'], {}, {stdout, stderr: stdout, stdin: process.stdin, env})).toBe(0);
		expect(printed.trim()).toBe(
			'user,nas,status,ip,ipv6,duration,remaining,plan,billing,vendor,down,up,rateDown,rateUp,start,sessionId',
		);
	});

	it('goes back to the view’s own columns with r, removing the setting; Esc changes nothing', async () => {
		const env = configDirectory();
		ConfigStore.open(env).setProfile('default', {columns: ['user', 'nas', 'stop']});
		const app = await renderConsole(env, ['user', 'nas', 'stop']);
		expect(heads(app.frame())).toMatch(/^ {3}USER +NAS +START▼$/);
		await app.press('c', (frame) => frame.includes('columns (your choice)'));
		await app.press(KEYS.space, () => true);
		let frame = await app.press(KEYS.escape, (frame) => heads(frame).startsWith('   USER'));
		expect(heads(frame)).toMatch(/^ {3}USER +NAS +START▼$/);
		await app.press('c', (frame) => frame.includes('columns (your choice)'));
		await app.press('r', (frame) => frame.includes("columns (the view's own choice)"));
		frame = await app.press(KEYS.enter, (frame) => statusLine(frame).startsWith("each view's own columns saved to profile"));
		expect(heads(frame)).toMatch(/^ {3}USER +NAS +FRAMED IP +DURATION +MAC /);
		expect(ConfigStore.open(env).profile('default')).toEqual({});
	});
});
