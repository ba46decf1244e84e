import {describe, expect, it} from 'vitest';
import {parseNasCommand, type NasRequest} from '../../source/commands/nas.js';
import {applyNasEdit, type NasEdit} from '../../source/nas/nas-edit.js';
import {apiLabel, describeOverride, nasListEntries, nasListTable} from '../../source/nas/nas-list.js';
import {UsageError} from '../../source/commands/usage.js';
import type {Profile} from '../../source/config/profile.js';
import type {NasOverride} from '../../source/nas/nas-override.js';
import {NasRegistry} from '../../source/nas/registry.js';

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

const edit = (request: NasRequest): NasEdit => {
	if (request.kind !== 'add' && request.kind !== 'set') throw new Error(`no edit in ${request.kind}`);
	return request.edit;
};

describe('parseNasCommand', () => {
	it('needs a known sub-command', () => {
		expect(usage(() => parseNasCommand([], {}, terminal))).toBe(
			'nas needs a sub-command: list, add, set, remove (see radtop nas --help)',
		);
		expect(usage(() => parseNasCommand(['lsit'], {}, terminal))).toBe('unknown sub-command "lsit" (radtop nas list|add|set|remove)');
		expect(parseNasCommand(['list'], {json: true}, pipe)).toEqual({kind: 'list', json: true});
		expect(usage(() => parseNasCommand(['list', 'bng-2'], {}, pipe))).toMatch(/^unexpected argument "bng-2"/);
		expect(usage(() => parseNasCommand(['remove', 'bng-2'], {profile: 'a b'}, pipe))).toMatch(/^--profile must be letters/);
	});

	it('refuses a secret or an API password in argv, and says why', () => {
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: 's3cret'}, terminal))).toBe(
			'--secret is refused: a secret on the command line can be read by every user of this host (ps, /proc) and stays in the shell history; use --secret-stdin or the prompt',
		);
		// `--secret` alone reaches meow as an empty string: refused the same way.
		expect(usage(() => parseNasCommand(['set', 'bng-2'], {secret: ''}, terminal))).toMatch(/^--secret is refused/);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {apiPassword: 'pw'}, terminal))).toMatch(
			/^--api-password is refused: .*use --api-password-stdin/,
		);
	});

	it('refuses flags that belong to another sub-command', () => {
		expect(usage(() => parseNasCommand(['list'], {name: 'x'}, pipe))).toBe(
			'--name is not a flag of radtop nas list (see radtop nas --help)',
		);
		expect(usage(() => parseNasCommand(['remove', 'bng-2'], {coaPort: '1700'}, pipe))).toMatch(
			/^--coa-port is not a flag of radtop nas remove/,
		);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {json: true, secret: false}, pipe))).toMatch(/^--json is not a flag/);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, api: false} as never, pipe))).toMatch(
			/^--no-api is not a flag of radtop nas add/,
		);
	});

	it('nas add: one IP and valid fields', () => {
		const request = parseNasCommand(
			['add', '10.20.0.2'],
			{name: 'bng-2', coaPort: '1700', vendor: 'MikroTik', messageAuthenticator: false},
			terminal,
		);
		expect(request).toMatchObject({kind: 'add', ip: '10.20.0.2'});
		expect(edit(request)).toMatchObject({
			name: 'bng-2',
			coaPort: 1700,
			vendor: 'mikrotik',
			messageAuthenticator: false,
			secret: 'read',
			apiPassword: 'keep',
		});
		expect(usage(() => parseNasCommand(['add', 'bng-2'], {secret: false}, pipe))).toMatch(/^"bng-2" is not an IP address/);
		expect(usage(() => parseNasCommand(['add'], {secret: false}, pipe))).toBe(
			'radtop nas add takes one IP address (see radtop nas --help)',
		);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1', '10.0.0.2'], {secret: false}, pipe))).toMatch(/takes one IP address/);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, coaPort: '0'}, pipe))).toBe(
			'--coa-port must be a whole number from 1 to 65535',
		);
		expect(edit(parseNasCommand(['add', '10.0.0.1'], {secret: false, coaHost: ' 2001:DB8::9 '}, pipe))).toMatchObject({
			coaHost: '2001:db8::9',
		});
		for (const command of [
			['add', '10.0.0.1'],
			['set', 'bng-2'],
		]) {
			expect(usage(() => parseNasCommand(command, {secret: false, coaHost: 'bng-2.pop1.isp.example'}, pipe))).toBe(
				'--coa-host must be an IP address: CoA requests are sent to an address, not a host name (got "bng-2.pop1.isp.example")',
			);
		}
		expect(
			usage(() =>
				parseNasCommand(['add', '10.0.0.1'], {secret: false, apiPort: '70000', apiUser: 'u', apiPasswordStdin: true}, pipe),
			),
		).toBe('--api-port must be a whole number from 1 to 65535');
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, vendor: 'huawei'}, pipe))).toMatch(
			/^--vendor must be one of mikrotik, cisco/,
		);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, name: '10.0.0.9'}, pipe))).toMatch(
			/cannot be an IP address/,
		);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, unset: ['vendor']}, pipe))).toBe(
			'--unset is not a flag of radtop nas add (see radtop nas --help)',
		);
	});

	it('nas add: the secret comes from stdin, a prompt, or nowhere (--no-secret), never silently missing', () => {
		expect(edit(parseNasCommand(['add', '10.0.0.1'], {secretStdin: true}, pipe)).secret).toBe('read');
		expect(edit(parseNasCommand(['add', '10.0.0.1'], {}, terminal)).secret).toBe('read');
		expect(edit(parseNasCommand(['add', '10.0.0.1'], {secret: false}, pipe)).secret).toBe('remove');
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {}, pipe))).toMatch(
			/needs the RADIUS secret: --secret-stdin \(piped\), a terminal .* or --no-secret/,
		);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secretStdin: true, secret: false}, pipe))).toBe(
			'--secret-stdin and --no-secret cannot be used together',
		);
	});

	it('nas add: API settings need a user, and the user needs a password from stdin or a prompt', () => {
		expect(edit(parseNasCommand(['add', '10.0.0.1'], {secret: false, apiUser: 'radtop', apiTls: true}, terminal))).toMatchObject({
			api: {user: 'radtop', tls: true},
			apiPassword: 'read',
		});
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, apiTls: true}, terminal))).toBe(
			'the RouterOS API settings need --api-user',
		);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, apiPasswordStdin: true}, pipe))).toBe(
			'the RouterOS API settings need --api-user',
		);
		expect(usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, apiUser: 'radtop'}, pipe))).toMatch(
			/^--api-user needs the API password/,
		);
		expect(
			usage(() => parseNasCommand(['add', '10.0.0.1'], {secret: false, apiUser: 'rad top', apiPasswordStdin: true}, pipe)),
		).toMatch(/without spaces/);
	});

	it('nas set: a NAS and at least one change; --unset takes known fields, not alongside a new value', () => {
		expect(usage(() => parseNasCommand(['set', 'bng-2'], {}, terminal))).toBe(
			'radtop nas set: nothing to change (see radtop nas --help)',
		);
		expect(edit(parseNasCommand(['set', 'bng-2'], {unset: ['VENDOR', 'api']}, pipe)).unset).toEqual(['vendor', 'api']);
		expect(edit(parseNasCommand(['set', 'bng-2'], {secret: false}, pipe)).secret).toBe('remove');
		expect(edit(parseNasCommand(['set', 'bng-2'], {api: false} as never, pipe)).removeApi).toBe(true);
		expect(usage(() => parseNasCommand(['set', 'bng-2'], {unset: ['colour']}, pipe))).toMatch(
			/^--unset takes one of name, coa-host, coa-port/,
		);
		expect(usage(() => parseNasCommand(['set', 'bng-2'], {unset: ['coa-port'], coaPort: '1700'}, pipe))).toBe(
			'--unset coa-port and a new value for it cannot be used together',
		);
		expect(usage(() => parseNasCommand(['set', 'bng-2'], {api: false, apiTls: true} as never, pipe))).toBe(
			'--no-api cannot be used with other --api-* flags',
		);
	});
});

const readNone = {};

describe('applyNasEdit', () => {
	const base: NasOverride = {
		ip: '10.20.0.2',
		name: 'bng-2',
		secret: 'old-secret',
		coaPort: 1700,
		vendor: 'mikrotik',
		api: {user: 'radtop', password: 'old-pw', tls: true, port: 8729},
	};
	const set = (flags: Record<string, unknown>): NasEdit => edit(parseNasCommand(['set', 'bng-2'], flags, pipe));

	it('changes only the fields given', () => {
		expect(applyNasEdit(base, set({coaPort: '3799'}), readNone)).toEqual({...base, coaPort: 3799});
		expect(applyNasEdit(base, set({apiHotspot: true}), readNone)).toEqual({...base, api: {...base.api, hotspot: true}});
	});

	it('takes the secrets read, and removes what --unset, --no-secret and --no-api name', () => {
		expect(applyNasEdit(base, set({secretStdin: true}), {secret: 'new-secret'}).secret).toBe('new-secret');
		expect(applyNasEdit(base, set({secret: false}), readNone)).not.toHaveProperty('secret');
		expect(applyNasEdit(base, set({api: false}), readNone)).not.toHaveProperty('api');
		expect(applyNasEdit(base, set({unset: ['vendor', 'name', 'api-port']}), readNone)).toEqual({
			ip: '10.20.0.2',
			secret: 'old-secret',
			coaPort: 1700,
			api: {user: 'radtop', password: 'old-pw', tls: true},
		});
		expect(applyNasEdit(base, set({apiUser: 'noc', apiPasswordStdin: true}), {apiPassword: 'new-pw'}).api).toEqual({
			user: 'noc',
			password: 'new-pw',
			tls: true,
			port: 8729,
		});
	});

	it('refuses API settings that would be left without a user', () => {
		expect(() => applyNasEdit({ip: '10.20.0.9'}, set({apiTls: true}), readNone)).toThrow('the RouterOS API settings need --api-user');
	});
});

describe('nas list', () => {
	const registry = NasRegistry.from(
		[
			{nasname: '10.20.0.1', shortname: 'bng-1', type: 'cisco', secret: 'table-secret-1'},
			{nasname: '10.20.0.2', shortname: 'bng-2', type: 'other', secret: 'table-secret-2'},
			{nasname: '10.30.0.0/24', shortname: 'pop-3', type: 'juniper', secret: 'network-secret'},
			{nasname: '10.20.0.7', shortname: 'evil\u001b[2J', type: null, secret: null},
		],
		{
			'10.20.0.2': {
				ip: '10.20.0.2',
				name: 'bng-2b',
				coaPort: 1700,
				vendor: 'mikrotik',
				secret: 'config-secret',
				api: {user: 'radtop', password: 'api-pw', tls: true},
			},
			'10.20.0.5': {ip: '10.20.0.5', api: {user: 'half'}},
		},
	);
	const profile: Profile = {
		nas: {
			'10.20.0.2': {ip: '10.20.0.2', name: 'bng-2b'},
			'10.20.0.5': {ip: '10.20.0.5', api: {user: 'half'}},
		},
	};
	const counts = new Map([
		['10.20.0.1', 12],
		['10.30.0.9', 3],
		['10.99.0.1', 1],
	]);

	it('merges the nas table and the config, adds NAS that only radacct knows, and says where each secret comes from', () => {
		const entries = nasListEntries(registry, Object.values(profile.nas ?? {}), counts);
		expect(entries.map((entry) => [entry.name, entry.ip, entry.secret.source, entry.openSessions, entry.inConfig])).toEqual([
			['10.20.0.5', '10.20.0.5', 'none', 0, true],
			['10.30.0.9', '10.30.0.9', 'nas-table', 3, false],
			['10.99.0.1', '10.99.0.1', 'none', 1, false],
			['bng-1', '10.20.0.1', 'nas-table', 12, false],
			['bng-2b', '10.20.0.2', 'config', 0, true],
			['evil\u001b[2J', '10.20.0.7', 'none', 0, false],
		]);
		const bng2 = entries.find((entry) => entry.ip === '10.20.0.2')!;
		expect(bng2).toMatchObject({
			vendor: 'mikrotik',
			vendorSource: 'config',
			coa: {host: '10.20.0.2', port: 1700},
			nameSource: 'config',
		});
		expect(apiLabel(bng2.api)).toBe('radtop@10.20.0.2:8729 tls');
		expect(apiLabel(entries[0]!.api)).toBe('half (no password)');
		expect(entries.find((entry) => entry.ip === '10.30.0.9')!.vendor).toBe('juniper');
		expect(nasListEntries(registry, Object.values(profile.nas ?? {})).every((entry) => entry.openSessions === null)).toBe(true);
	});

	it('never holds a secret, in the entries or the table', () => {
		const entries = nasListEntries(registry, Object.values(profile.nas ?? {}), counts);
		const text = `${JSON.stringify(entries)}\n${nasListTable(entries).join('\n')}`;
		for (const secret of ['table-secret-1', 'table-secret-2', 'network-secret', 'config-secret', 'api-pw'])
			expect(text).not.toContain(secret);
	});

	it('prints an aligned table, database text sanitised', () => {
		const lines = nasListTable(nasListEntries(registry, Object.values(profile.nas ?? {}), counts));
		expect(lines[0]).toMatch(/^NAME\s+IP\s+COA\s+VENDOR\s+SECRET\s+API\s+OPEN$/);
		expect(lines.find((line) => line.startsWith('bng-1 '))).toMatch(
			/^bng-1\s+10\.20\.0\.1\s+10\.20\.0\.1:3799\s+cisco \(nas type\)\s+set \(nas table\)\s+none\s+12$/,
		);
		expect(lines.find((line) => line.startsWith('bng-2b'))).toMatch(
			/mikrotik \(config\)\s+set \(config\)\s+radtop@10\.20\.0\.2:8729 tls\s+0$/,
		);
		expect(lines.find((line) => line.startsWith('10.99.0.1'))).toMatch(/generic \(default\)\s+none\s+none\s+1$/);
		expect(lines.join('\n')).not.toContain('\u001b');
		expect(lines.join('\n')).toContain('evil\\x1b[2J');
	});

	it('describes an override for add and set without its secrets', () => {
		expect(
			describeOverride({
				ip: '10.20.0.2',
				secret: 's3cret',
				coaPort: 1700,
				vendor: 'mikrotik',
				messageAuthenticator: false,
				api: {user: 'radtop', password: 'pw', tls: true},
			}),
		).toBe('CoA 10.20.0.2:1700, mikrotik, secret set (config), Message-Authenticator off, API radtop@10.20.0.2:8729 tls');
		expect(describeOverride({ip: '2001:db8::2', coaHost: '2001:db8::99'})).toBe(
			'CoA [2001:db8::99]:3799, vendor from the nas table (else generic), secret from the nas table, API none',
		);
	});
});
