/**
 * `radtop config set|get|unset region.NAME` against a temporary RADTOP_CONFIG_DIR: the command with its
 * streams, and radtop's main in this process for what it refuses (usage errors).
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Writable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runConfigCommand} from '../../source/commands/config.js';
import type {StoredConfig} from '../../source/config/profile.js';
import {runMainInProcess} from '../helpers/cli.js';

let dir: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'radtop-config-regions-'));
});

afterAll(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
});

function sink(): {stream: Writable; text: () => string} {
	let text = '';
	const stream = new Writable({
		write(chunk: Buffer, _encoding, done) {
			text += chunk.toString();
			done();
		},
	});
	return {stream, text: () => text};
}

async function config(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	const [stdout, stderr] = [sink(), sink()];
	const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
	const code = await runConfigCommand(
		args,
		{profile: 'noc'},
		{stdout: stdout.stream, stderr: stderr.stream, stdin, env: {RADTOP_CONFIG_DIR: dir}},
	);
	return {code, stdout: stdout.text(), stderr: stderr.text()};
}

const refused = (...args: string[]) => runMainInProcess(['config', ...args, '--profile', 'noc'], {env: {RADTOP_CONFIG_DIR: dir}});
const stored = (): StoredConfig => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as StoredConfig;

describe('radtop config region.NAME', () => {
	it('sets a region, spelt as stored, and reads it back', async () => {
		const set = await config('set', 'region.north', 'bng-1, 10.20.0.2,2001:DB8::/64,BNG-1');
		expect(set.code, set.stderr).toBe(0);
		expect(set.stdout).toBe('profile "noc": region north = bng-1,10.20.0.2,2001:db8::/64\n');
		expect(stored().profiles?.['noc']?.regions).toEqual({north: ['bng-1', '10.20.0.2', '2001:db8::/64']});
		const get = await config('get', 'region.NORTH');
		expect(get).toMatchObject({code: 0, stdout: 'bng-1,10.20.0.2,2001:db8::/64\n'});
	});

	it('keeps other regions and lists them all with the settings', async () => {
		expect((await config('set', 'regions.south', '10.30.0.0/16')).code).toBe(0);
		expect((await config('set', 'interval', '10')).code).toBe(0);
		const all = await config('get');
		expect(all.stdout.split('\n')).toEqual([
			'interval            10',
			'region.north        bng-1,10.20.0.2,2001:db8::/64',
			'region.south        10.30.0.0/16',
			'',
		]);
	});

	it('refuses a bad member or name with one line, and leaves the file as it was', async () => {
		const before = stored();
		for (const [args, pattern] of [
			[['set', 'region.north', '10.20.0.1/24'], /host bits set/],
			[['set', 'region.north', 'bng-1,,bng-2'], /empty/],
			[['set', 'region.no rth', 'bng-1'], /region name must be/],
			[['set', 'region.north'], /needs its NAS/],
		] as const) {
			const run = await refused(...args);
			expect(run.code, run.stderr).toBe(2);
			expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
			expect(run.stderr).toMatch(pattern);
		}
		expect(stored()).toEqual(before);
	});

	it('unsets one region; the last one gone, the profile has no regions', async () => {
		expect((await config('unset', 'region.North')).stdout).toBe('profile "noc": region north unset\n');
		expect(stored().profiles?.['noc']?.regions).toEqual({south: ['10.30.0.0/16']});
		expect((await config('unset', 'region.south')).code).toBe(0);
		expect(stored().profiles?.['noc']).toEqual({interval: 10});
		const missing = await config('get', 'region.south');
		expect(missing.code).toBe(1);
		expect(missing.stderr).toBe('radtop: no region "south" in profile "noc"\n');
	});
});
