/** `radtop audit` as an operator runs it: which log it reads, the list, one run, and what it refuses. */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {assertBuilt, runCli} from '../helpers/cli.js';

let dir: string;
let configDir: string;
let stateDir: string;
const profileLog = () => join(dir, 'profile-audit.log');

const begin = (actionId: string, target: string) => ({
	event: 'disconnect.begin',
	time: '2026-12-02T10:00:00.000Z',
	actionId,
	operator: {user: 'noc', sshClient: null},
	reason: null,
	target,
	method: 'auto',
	dryRun: false,
	planned: {total: 1, ready: 1, blocked: 0, alreadyClosed: 0, perNas: []},
	sessions: [{radacctid: '7', username: 'alice', acctsessionid: 's7', nas: 'bng-1', nasIp: '10.20.0.1'}],
});

beforeAll(() => {
	assertBuilt();
	dir = mkdtempSync(join(tmpdir(), 'radtop-audit-cli-'));
	configDir = join(dir, 'config');
	stateDir = join(dir, 'state');
	mkdirSync(configDir, {mode: 0o700});
	mkdirSync(join(stateDir, 'radtop'), {recursive: true});
	writeFileSync(join(stateDir, 'radtop', 'audit.log'), `${JSON.stringify(begin('default-run-1', 'NAS in the default log'))}\n`);
	writeFileSync(profileLog(), `${JSON.stringify(begin('profile-run-1', 'NAS in the profile log'))}\n`);
	writeFileSync(join(configDir, 'config.json'), JSON.stringify({profiles: {p: {auditLog: profileLog()}}}), {mode: 0o600});
});

afterAll(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
});

const audit = (args: readonly string[]) => runCli(['audit', ...args], {env: {RADTOP_CONFIG_DIR: configDir, XDG_STATE_HOME: stateDir}});

describe('radtop audit', () => {
	it("reads the default log the writers use, the profile's audit-log, or --audit-log", async () => {
		const byDefault = await audit([]);
		expect(byDefault.code, byDefault.stderr).toBe(0);
		expect(byDefault.stdout).toMatch(/default- +noc +disconnect NAS in the default log +1 +interrupted +1 not reached/);
		const byProfile = await audit(['--profile', 'p']);
		expect(byProfile.stdout).toContain('NAS in the profile log');
		const byFlag = await audit(['--profile', 'p', '--audit-log', join(stateDir, 'radtop', 'audit.log')]);
		expect(byFlag.stdout).toContain('NAS in the default log');
	});

	it('one run by the start of its id, as text and as JSON', async () => {
		const text = await audit(['default']);
		expect(text.code, text.stderr).toBe(0);
		expect(text.stdout).toContain('disconnect default-run-1 · interrupted');
		expect(text.stdout).toMatch(/not reached +7 +alice +bng-1/);
		const json = await audit(['default-run-1', '--json']);
		expect(JSON.parse(json.stdout)).toMatchObject({actionId: 'default-run-1', status: 'interrupted', planned: 1, notReached: ['7']});
	});

	it('an unknown run is exit 1, a second argument a usage error', async () => {
		const unknown = await audit(['nothing-like-it']);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('no run "nothing-like-it"');
		const usage = await audit(['a', 'b']);
		expect(usage.code).toBe(2);
	});
});
