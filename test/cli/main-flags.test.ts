/**
 * radtop's flag checks through main, in this process: each mistake is one line and exit 2, before anything is
 * opened. The database URL points at a listener on loopback that accepts and never answers: a command that
 * connected before checking its flags would be seen there (and would wait for it).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {parseConsoleFlags} from '../../source/main.js';
import {runMainInProcess} from '../helpers/cli.js';
import {startSilentDatabase, type SilentDatabase} from '../helpers/silent-database.js';

let silent: SilentDatabase;
let silentDb: string;
let configDir: string;

beforeAll(async () => {
	silent = await startSilentDatabase();
	silentDb = silent.url;
	configDir = mkdtempSync(join(tmpdir(), 'radtop-flags-'));
});

afterAll(async () => {
	await silent?.close();
	if (configDir) rmSync(configDir, {recursive: true, force: true});
});

beforeEach(() => {
	silent.reset();
});

/** Runs radtop with the silent database; a usage error has exit 2, one line, and no connection behind it. */
async function usageError(...args: string[]): Promise<string> {
	const started = Date.now();
	const run = await runMainInProcess([...args, '--db', silentDb], {env: {RADTOP_CONFIG_DIR: configDir}});
	expect(run.code, run.stderr).toBe(2);
	expect(run.stdout).toBe('');
	expect(run.stderr.split('\n')).toHaveLength(2);
	expect(silent.connections).toBe(0);
	expect(Date.now() - started).toBeLessThan(2000);
	return run.stderr;
}

describe('flags given twice', () => {
	it('a flag of one value given twice is a usage error naming it', async () => {
		expect(await usageError('sessions', '--limit', '5', '--limit', '6')).toBe(
			'radtop: --limit given twice (see radtop sessions --help)\n',
		);
		expect(await usageError('sessions', '-s', 'alice', '--search', 'bob')).toBe(
			'radtop: --search given twice (see radtop sessions --help)\n',
		);
		expect(await usageError('sweep', '--cause', 'Lost-Carrier', '--cause=Admin-Reset')).toBe(
			'radtop: --cause given twice (see radtop sweep --help)\n',
		);
		expect(await usageError('--interval', '5', '--interval', '6')).toBe('radtop: --interval given twice (see radtop --help)\n');
	});

	it('the database flag too', async () => {
		const run = await runMainInProcess(['sessions', '--db', silentDb, '--db', silentDb], {env: {RADTOP_CONFIG_DIR: configDir}});
		expect(run).toEqual({code: 2, stdout: '', stderr: 'radtop: --db given twice (see radtop sessions --help)\n'});
		expect(silent.connections).toBe(0);
	});
});

describe('switches given a value', () => {
	it('only true or false', async () => {
		expect(await usageError('sessions', '--json=maybe')).toBe(
			'radtop: --json takes no value (or =true, =false) (see radtop sessions --help)\n',
		);
		expect(await usageError('sweep', '--apply', '--yes=maybe')).toBe(
			'radtop: --yes takes no value (or =true, =false) (see radtop sweep --help)\n',
		);
		expect(await usageError('doctor', '--no-nas=yes')).toContain('--no-nas takes no value');
		expect(await usageError('--read-only=no')).toContain('--read-only takes no value');
		// Accepted: the run goes on to the database (and these stop at a bad --limit, still before it).
		expect(await usageError('sessions', '--json=true', '--csv=false', '--limit', '0')).toBe(
			'radtop: --limit must be a whole number from 1 to 10000\n',
		);
	});
});

describe('short flags', () => {
	it('sessions -s without its value', async () => {
		expect(await usageError('sessions', '-s')).toBe('radtop: -s (--search) needs a value (see radtop sessions --help)\n');
		expect(await usageError('sessions', '-s', '--json')).toBe('radtop: -s (--search) needs a value (see radtop sessions --help)\n');
	});
});

describe('console flags off a terminal', () => {
	it('are checked as on one, before the database is opened', async () => {
		expect(await usageError('--interval', '0')).toBe('radtop: --interval must be at least 1s\n');
		expect(await usageError('--stale-after', '0')).toBe('radtop: --stale-after must be at least 1s\n');
		expect(await usageError('--stale-after', 'soon')).toContain('--stale-after must be a duration');
		expect(await usageError('--read-only', '--interval', '2h')).toContain('--interval must be at most');
	});

	it('parseConsoleFlags takes what the console and radtop sessions both take', () => {
		expect(parseConsoleFlags({})).toEqual({readOnly: false});
		expect(parseConsoleFlags({interval: '10s', staleAfter: '1w', readOnly: true})).toEqual({
			intervalSeconds: 10,
			staleAfterSeconds: 604_800,
			readOnly: true,
		});
		expect(() => parseConsoleFlags({staleAfter: '0'})).toThrow('--stale-after must be at least 1s');
	});
});

describe('simulate', () => {
	it('checks its flags before it connects', async () => {
		expect(await usageError('simulate', '--coa-port', '65536')).toBe('radtop: --coa-port must be a whole number from 1 to 65535\n');
		expect(await usageError('simulate', '--host', '10.0.0.1')).toBe(
			'radtop: --host must be a loopback address: the simulator is for tests\n',
		);
		expect(await usageError('simulate', '--drop-rate', '2')).toBe('radtop: --drop-rate must be a number from 0 to 1\n');
	});
});
