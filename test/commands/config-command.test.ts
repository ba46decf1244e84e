import {describe, expect, it} from 'vitest';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import {parseConfigCommand, profileLines, runConfigCommand} from '../../source/commands/config.js';
import {UsageError} from '../../source/commands/usage.js';

const terminal = {stdinIsTerminal: true};
const pipe = {stdinIsTerminal: false};

function usage(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		return (error as Error).message;
	}
	throw new Error('expected a UsageError');
}

describe('parseConfigCommand', () => {
	it('needs a known sub-command with the right number of words', () => {
		expect(usage(() => parseConfigCommand([], {}, pipe))).toBe(
			'config needs a sub-command: get, set, unset, profiles, set-default, path (see radtop config --help)',
		);
		expect(usage(() => parseConfigCommand(['show'], {}, pipe))).toMatch(/^unknown sub-command "show"/);
		expect(parseConfigCommand(['get'], {}, pipe)).toEqual({kind: 'get'});
		expect(parseConfigCommand(['get', 'stale-after'], {}, pipe)).toEqual({kind: 'get', key: 'staleAfter'});
		expect(usage(() => parseConfigCommand(['get', 'a', 'b'], {}, pipe))).toBe(
			'radtop config get takes at most one setting (see radtop config --help)',
		);
		expect(usage(() => parseConfigCommand(['profiles', 'x'], {}, pipe))).toMatch(/takes no argument/);
		expect(parseConfigCommand(['set-default', 'noc'], {}, pipe)).toEqual({kind: 'set-default', name: 'noc'});
		expect(usage(() => parseConfigCommand(['set-default', 'no c'], {}, pipe))).toMatch(/^a profile name must be letters, digits/);
		expect(usage(() => parseConfigCommand(['get'], {profile: '../x'}, pipe))).toBe(
			'--profile must be letters, digits, ".", "_" and "-" (at most 64)',
		);
	});

	it('config set parses and checks the value for its key', () => {
		expect(parseConfigCommand(['set', 'interval', '10'], {}, pipe)).toEqual({kind: 'set', key: 'interval', value: 10, read: false});
		expect(parseConfigCommand(['set', 'read_only', 'on'], {}, pipe)).toEqual({kind: 'set', key: 'readOnly', value: true, read: false});
		expect(usage(() => parseConfigCommand(['set', 'interval'], {}, pipe))).toBe('radtop config set interval needs a value');
		expect(usage(() => parseConfigCommand(['set', 'interval', '2h'], {}, pipe))).toBe('interval must be at most 1h');
		expect(parseConfigCommand(['set', 'stale-after', '1w'], {}, pipe)).toEqual({
			kind: 'set',
			key: 'staleAfter',
			value: 604_800,
			read: false,
		});
		expect(usage(() => parseConfigCommand(['set', 'colour', 'red'], {}, pipe))).toMatch(/^unknown setting "colour"/);
		expect(usage(() => parseConfigCommand(['set', 'nas', 'x'], {}, pipe))).toMatch(/radtop nas add\|set\|remove/);
		expect(usage(() => parseConfigCommand(['set', 'interval', '5'], {stdin: true}, pipe))).toMatch(
			/^--stdin is only for the database URL/,
		);
	});

	it('a database URL with a password is refused in argv, read from stdin or a prompt instead', () => {
		expect(parseConfigCommand(['set', 'database', 'postgres://radtop@db1/radius'], {}, pipe)).toEqual({
			kind: 'set',
			key: 'database',
			value: 'postgres://radtop@db1/radius',
			read: false,
		});
		for (const url of ['postgres://radtop:s3cr3tpw@db1/radius', 'postgres://radtop@db1/radius?password=s3cr3tpw']) {
			const message = usage(() => parseConfigCommand(['set', 'database', url], {}, terminal));
			expect(message).toMatch(
				/^a database URL with a password is refused on the command line .*use --stdin, the prompt \(no value\), or ~\/\.pgpass$/,
			);
			expect(message).not.toContain('s3cr3tpw');
		}
		expect(parseConfigCommand(['set', 'database'], {stdin: true}, pipe)).toEqual({kind: 'set', key: 'database', read: true});
		expect(parseConfigCommand(['set', 'database'], {}, terminal)).toEqual({kind: 'set', key: 'database', read: true});
		expect(usage(() => parseConfigCommand(['set', 'database'], {}, pipe))).toMatch(
			/needs the URL: as an argument, with --stdin, or typed at a terminal/,
		);
		expect(usage(() => parseConfigCommand(['set', 'database', 'postgres://h/db'], {stdin: true}, pipe))).toMatch(/not both/);
	});

	it('flags belong to their sub-command', () => {
		expect(usage(() => parseConfigCommand(['get'], {stdin: true}, pipe))).toBe('--stdin is for radtop config set database');
		expect(usage(() => parseConfigCommand(['get'], {json: true}, pipe))).toBe('--json is for radtop config profiles');
		expect(parseConfigCommand(['profiles'], {json: true}, pipe)).toEqual({kind: 'profiles', json: true});
	});
});

describe('profileLines', () => {
	it('lists the settings a profile has, a database password never shown', () => {
		const lines = profileLines({
			database: 'postgres://radtop:s3cr3tpw@db1/radius',
			interval: 10,
			allowedNas: ['bng-1', 'bng-2'],
			nas: {'10.0.0.1': {ip: '10.0.0.1', secret: 'nas-secret'}},
		});
		expect(lines).toEqual([
			'database            postgres://radtop@db1/radius  (password stored, not shown)',
			'interval            10',
			'allowed-nas         bng-1,bng-2',
			'nas                 1 override (radtop nas list)',
		]);
		expect(profileLines({})).toEqual([]);
	});
});

describe('runConfigCommand', () => {
	it('shows a default profile name written into the file by hand sanitised', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'radtop-config-'));
		try {
			writeFileSync(join(dir, 'config.json'), JSON.stringify({defaultProfile: 'x\u001b]2;owned\u0007', profiles: {}}), {mode: 0o600});
			let stdout = '';
			let stderr = '';
			const sink = (append: (text: string) => void) =>
				new Writable({write: (chunk: Buffer, _encoding, done) => (append(chunk.toString()), done())});
			const io = {
				stdout: sink((text) => (stdout += text)),
				stderr: sink((text) => (stderr += text)),
				stdin: process.stdin,
				env: {RADTOP_CONFIG_DIR: dir},
			};
			expect(await runConfigCommand(['get'], {}, io)).toBe(1);
			expect(stderr).toContain('radtop: no profile "x\\x1b]2;owned\\x07" in ');
			expect(stderr + stdout).not.toContain('\u001b');
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
