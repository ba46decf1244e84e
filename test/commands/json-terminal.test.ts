/**
 * Every --json output, written to a terminal, carries no raw C1, bidi, zero-width or tag character from the
 * database or the config, and still parses to what the same command prints to a pipe. On a real database
 * (PostgreSQL with DATABASE_URL, else PGlite).
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runConfigCommand} from '../../source/commands/config.js';
import type {CommandContext} from '../../source/commands/context.js';
import {parseDisconnectFlags, runDisconnect} from '../../source/commands/disconnect.js';
import {runNasCommand} from '../../source/commands/nas.js';
import {parseSessionsFlags, runSessions} from '../../source/commands/sessions.js';
import {parseSweepFlags, runSweep} from '../../source/commands/sweep.js';
import {parseUserFlags, runUser} from '../../source/commands/user.js';
import {loadNasRows} from '../../source/db/nas-table.js';
import {probeRadacctColumns} from '../../source/db/radacct-columns.js';
import {reportJson} from '../../source/doctor/report.js';
import {NasRegistry} from '../../source/nas/registry.js';
import {SessionSource} from '../../source/sessions/session-source.js';
import {createTestDatabase, insertSessions, type TestDatabase} from '../helpers/test-database.js';

/** A username that would clear the screen (8-bit CSI), reverse the text, and hide "AB" in tag characters. */
const HOSTILE = 'eve\u009b2J\u009d0;owned\u009c\u202Etxt\u2066\u200B\u200D\uFEFF\u{E0041}\u{E0042}';
const RAW = /[\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u{e0000}-\u{e007f}]/u;

function output(isTTY: boolean): {stream: NodeJS.WriteStream; text: () => string} {
	const stream = new PassThrough();
	let text = '';
	stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
	return {stream: Object.assign(stream, {isTTY}) as unknown as NodeJS.WriteStream, text: () => text};
}

/**
 * Runs a command twice, to a terminal and to a pipe; the terminal's text is clean, shows `escape`, and parses to
 * the pipe's value (but the `volatile` fields: ids and times of each run).
 */
async function bothWays(
	run: (stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream) => Promise<unknown>,
	{escape = '\\u009b2J', volatile = [] as string[]} = {},
): Promise<unknown> {
	const tty = output(true);
	await run(tty.stream, output(false).stream);
	const pipe = output(false);
	await run(pipe.stream, output(false).stream);
	expect(pipe.text()).toMatch(RAW);
	expect(tty.text()).not.toMatch(RAW);
	expect(tty.text()).toContain(escape);
	const stable = (text: string) => {
		const value = JSON.parse(text) as Record<string, unknown>;
		for (const key of volatile) delete value[key];
		return value;
	};
	expect(stable(tty.text())).toEqual(stable(pipe.text()));
	return JSON.parse(tty.text());
}

let database: TestDatabase;
let context: CommandContext;
let dir: string;

beforeAll(async () => {
	database = await createTestDatabase();
	dir = mkdtempSync(join(tmpdir(), 'radtop-json-'));
	await database.pool.query(`INSERT INTO nas (nasname, shortname, type, secret) VALUES ('10.20.0.1', $1, 'other', 'testing123')`, [
		`bng\u009b2J`,
	]);
	await insertSessions(database.pool, [{username: HOSTILE, startedAgo: 7200, updatedAgo: 4000}]);
	const columns = await probeRadacctColumns(database.pool);
	const nasRows = await loadNasRows(database.pool);
	const source = await SessionSource.open(database.pool, {columns, nasRows});
	context = {
		profile: {auditLog: join(dir, 'audit.log')},
		database: {label: 'test', pool: database.pool, close: async () => undefined},
		primary: {label: 'test', pool: database.pool, close: async () => undefined},
		source,
		registry: NasRegistry.from(nasRows.rows, []),
		nasOverrides: [],
		secrets: [],
		close: async () => undefined,
	} as unknown as CommandContext;
}, 60_000);

afterAll(async () => {
	await database?.close();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

describe('--json to a terminal', () => {
	it('radtop sessions --json', async () => {
		const request = parseSessionsFlags({json: true}, new Date());
		const value = (await bothWays((stdout) => runSessions(context, request, stdout))) as {sessions: Array<{username: string}>};
		expect(value.sessions[0]!.username).toBe(HOSTILE);
	});

	it('radtop user NAME --json', async () => {
		const request = parseUserFlags([HOSTILE], {json: true});
		const value = (await bothWays((stdout) => runUser(context, request, stdout))) as {username: string; online: {count: number}};
		expect(value.username).toBe(HOSTILE);
		expect(value.online.count).toBe(1);
	});

	it('radtop sweep --json', async () => {
		const request = parseSweepFlags({json: true});
		const value = (await bothWays((stdout, stderr) => runSweep(context, request, {stdout, stderr, stdinIsTerminal: false}))) as {
			entries: Array<{username: string}>;
		};
		expect(value.entries[0]!.username).toBe(HOSTILE);
	});

	it('radtop disconnect --user ... --dry-run --json', async () => {
		const request = parseDisconnectFlags({user: HOSTILE, dryRun: true, json: true, auditLog: join(dir, 'audit.log')}, new Date());
		const value = (await bothWays((stdout, stderr) => runDisconnect(context, request, {stdout, stderr, stdinIsTerminal: false}), {
			volatile: ['actionId', 'startedAt', 'finishedAt'],
		})) as {results: Array<{username: string}>};
		expect(value.results[0]!.username).toBe(HOSTILE);
	});

	it('radtop disconnect --json with nothing to disconnect', async () => {
		const request = parseDisconnectFlags({user: `nobody\u009b2J`, json: true, yes: true, auditLog: join(dir, 'audit.log')}, new Date());
		const tty = output(true);
		await runDisconnect(context, request, {stdout: tty.stream, stderr: output(false).stream, stdinIsTerminal: false});
		expect(JSON.parse(tty.text())).toMatchObject({results: []});
	});

	it('radtop doctor --json', () => {
		const checks = [{check: `nas bng\u009b2J`, status: 'pass' as const, detail: HOSTILE}];
		const tty = reportJson(checks, true);
		expect(tty).not.toMatch(RAW);
		expect(JSON.parse(tty)).toEqual(JSON.parse(reportJson(checks)));
		expect(reportJson(checks)).toMatch(RAW);
	});

	it('radtop nas list --json and radtop config profiles --json, from the config', async () => {
		const configDir = join(dir, 'config');
		rmSync(configDir, {recursive: true, force: true});
		mkdirSync(configDir, {recursive: true});
		writeFileSync(
			join(configDir, 'config.json'),
			JSON.stringify({
				defaultProfile: 'default',
				profiles: {
					default: {database: `postgres://u@127.0.0.1:1/x${'\u202E'}`, nas: {'10.9.0.1': {ip: '10.9.0.1', name: `n\u009b2J`}}},
				},
			}),
			{mode: 0o600},
		);
		const env: NodeJS.ProcessEnv = {...process.env, RADTOP_CONFIG_DIR: configDir};
		delete env['DATABASE_URL'];
		const io = (stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream) => ({stdout, stderr, stdin: process.stdin, env});
		const nas = (await bothWays((stdout, stderr) =>
			runNasCommand(['list'], {json: true, db: 'postgres://u@127.0.0.1:1/x'}, io(stdout, stderr)),
		)) as {
			nas: Array<{name: string}>;
		};
		expect(nas.nas.map((entry) => entry.name)).toContain(`n\u009b2J`);
		await bothWays((stdout, stderr) => runConfigCommand(['profiles'], {json: true}, io(stdout, stderr)), {escape: '\\u202e'});
	});
});
