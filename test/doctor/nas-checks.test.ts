import {describe, expect, it} from 'vitest';
import {doctorExitCode, result} from '../../source/doctor/check.js';
import {apiCheck, coaCheck, isLoopback, nasChecks, secretCheck, sourceCheck, type NasSummary} from '../../source/doctor/nas-checks.js';
import {reportLines, summaryLine} from '../../source/doctor/report.js';
import {scrubDatabaseFacts, scrubNasFacts} from '../../source/commands/doctor.js';

const nas: NasSummary = {
	ip: '10.20.0.2',
	label: 'bng-2 (10.20.0.2)',
	secretSource: 'nas-table',
	coaHost: '10.20.0.2',
	coaPort: 3799,
	vendor: 'mikrotik',
	api: {host: '10.20.0.2', port: 8728, tls: false, user: 'radtop'},
	openSessions: 1234,
};

describe('secretCheck', () => {
	it('gives the radtop nas command that stores a secret or API credentials, not JSON to edit by hand', () => {
		const none = secretCheck({...nas, secretSource: 'none', api: undefined});
		expect(none.fix).toContain('radtop nas set 10.20.0.2 --secret-stdin');
		expect(none.fix).not.toMatch(/[{}]/);
		expect(secretCheck({...nas, secretSource: 'none'}).fix).toContain('radtop nas set 10.20.0.2 --secret-stdin');
		const noApi = secretCheck({...nas, api: undefined});
		expect(noApi.fix).toContain('radtop nas set 10.20.0.2 --api-user USER --api-password-stdin');
		expect(noApi.fix).not.toMatch(/[{}]/);
	});

	it('fails with neither a secret nor API credentials, warns with one method where two are possible', () => {
		expect(secretCheck({...nas, secretSource: 'none', api: undefined})).toMatchObject({
			status: 'fail',
			detail: expect.stringContaining('radtop cannot disconnect sessions on this NAS'),
		});
		expect(secretCheck({...nas, secretSource: 'none'})).toMatchObject({
			status: 'warn',
			detail: expect.stringContaining('only the RouterOS API'),
		});
		expect(secretCheck({...nas, api: undefined})).toMatchObject({status: 'warn', detail: expect.stringContaining('only CoA')});
		expect(secretCheck({...nas, api: undefined, vendor: 'cisco'}).status).toBe('pass');
		expect(secretCheck(nas)).toEqual({
			check: 'nas bng-2 (10.20.0.2): secret',
			status: 'pass',
			detail: '1,234 open sessions; secret from the nas table, RouterOS API as radtop',
		});
	});
});

describe('coaCheck', () => {
	it('passes a NAK for a session not found, warns on a NAS that refuses, does not know itself, or rejects the request', () => {
		expect(coaCheck(nas, {kind: 'nak', errorCause: 503})).toMatchObject({
			status: 'pass',
			detail: expect.stringContaining('Session-Context-Not-Found (503)'),
		});
		expect(coaCheck(nas, {kind: 'nak'}).status).toBe('pass');
		// The probe leaves Framed-IP-Address out on purpose: a hotspot's Missing-Attribute is no fault.
		expect(coaCheck(nas, {kind: 'nak', errorCause: 402}).status).toBe('pass');
		expect(coaCheck(nas, {kind: 'nak', errorCause: 501}).status).toBe('warn');
		expect(coaCheck(nas, {kind: 'nak', errorCause: 403})).toMatchObject({
			status: 'warn',
			fix: expect.stringContaining('radtop nas set 10.20.0.2 --vendor V'),
		});
		expect(coaCheck(nas, {kind: 'nak', errorCause: 506}).status).toBe('warn');
	});

	it("warns on a NAK that refuses the vendor profile's attributes, with the command that changes the vendor", () => {
		for (const errorCause of [401, 404, 407]) {
			expect(coaCheck(nas, {kind: 'nak', errorCause}), String(errorCause)).toMatchObject({
				status: 'warn',
				detail: expect.stringContaining('refuses the attributes of vendor profile mikrotik'),
				fix: expect.stringContaining('radtop nas set 10.20.0.2 --vendor V'),
			});
		}
	});

	it('warns on an ACK for a session that cannot exist', () => {
		expect(coaCheck(nas, {kind: 'ack'}).status).toBe('warn');
	});

	it('fails a wrong secret, a reply from elsewhere, silence and a local error, naming our address in the fix', () => {
		const source = {address: '192.0.2.10'};
		expect(coaCheck(nas, {kind: 'bad-authenticator'}, source)).toMatchObject({
			status: 'fail',
			detail: expect.stringContaining('wrong shared secret'),
			fix: expect.stringContaining('192.0.2.10'),
		});
		expect(coaCheck(nas, {kind: 'other-source', from: '10.20.9.9:3799'}).detail).toContain('the reply came from 10.20.9.9:3799');
		const silent = coaCheck(nas, {kind: 'timeout', attempts: 2, elapsedMs: 4012}, source);
		expect(silent.status).toBe('fail');
		expect(silent.detail).toBe(
			'no answer in 2 tries (4.0 s): port closed, firewall, or the NAS does not know this host as a client / wrong secret (many NAS drop silently)',
		);
		expect(silent.fix).toContain('add 192.0.2.10 as a RADIUS client');
		expect(coaCheck(nas, {kind: 'error', message: 'bad port'}).status).toBe('fail');
	});

	it('names the CoA endpoint when it is not the NAS address', () => {
		expect(coaCheck({...nas, coaHost: '10.99.0.2', coaPort: 1700}, {kind: 'nak'}).check).toBe(
			'nas bng-2 (10.20.0.2): CoA 10.99.0.2:1700',
		);
		expect(coaCheck(nas, {kind: 'nak'}).check).toBe('nas bng-2 (10.20.0.2): CoA port 3799');
	});
});

describe('sourceCheck and apiCheck', () => {
	it('says which address the NAS must know, and warns on loopback towards a remote NAS', () => {
		expect(sourceCheck(nas, {address: '192.0.2.10'})).toMatchObject({
			status: 'pass',
			detail: 'the NAS sees radtop as 192.0.2.10: it must be a RADIUS client of the NAS with this address',
		});
		expect(sourceCheck(nas, {address: '127.0.0.1'}).status).toBe('warn');
		expect(sourceCheck({...nas, coaHost: '127.0.0.1'}, {address: '127.0.0.1'}).status).toBe('pass');
		expect(sourceCheck(nas, {error: 'ENETUNREACH'}).status).toBe('fail');
		expect(isLoopback('::1')).toBe(true);
		expect(isLoopback('::ffff:127.0.0.2')).toBe(true);
		expect(isLoopback('10.127.0.1')).toBe(false);
	});

	it("passes a login and fails a refused one with the router's message", () => {
		expect(apiCheck(nas, {ok: true}).detail).toBe('logged in at 10.20.0.2:8728 as radtop');
		expect(
			apiCheck(nas, {ok: false, message: 'bng-2 API (10.20.0.2:8728): login refused: invalid user name or password'}),
		).toMatchObject({status: 'fail'});
	});

	it('checks only what the NAS has: no CoA probe without a secret, no API check without credentials', () => {
		const checks = nasChecks({nas: {...nas, secretSource: 'none', api: undefined}, source: {address: '192.0.2.10'}});
		expect(checks.map((check) => check.check)).toEqual(['nas bng-2 (10.20.0.2): secret', 'nas bng-2 (10.20.0.2): source address']);
	});
});

describe('report', () => {
	it('prints one aligned line per check, a fix under each warn and fail, sanitised, and the tally', () => {
		const results = [
			result('database', 'pass', 'ok'),
			result('index radacct_bulk_close', 'fail', 'missing', 'CREATE INDEX ...'),
			result('nas evil\x1b[2J', 'warn', 'name from the nas table', 'rename it'),
		];
		expect(reportLines(results)).toEqual([
			'pass  database                  ok',
			'fail  index radacct_bulk_close  missing',
			'      fix: CREATE INDEX ...',
			'warn  nas evil\\x1b[2J           name from the nas table',
			'      fix: rename it',
		]);
		expect(summaryLine(results)).toBe('radtop doctor: 1 pass, 1 warn, 1 fail');
		expect(doctorExitCode(results)).toBe(1);
		expect(doctorExitCode(results.filter((entry) => entry.status !== 'fail'))).toBe(0);
	});
});

describe("scrubbing the secrets out of doctor's facts", () => {
	it("stars a secret out of what came from outside, and leaves radtop's own words alone", () => {
		const facts = scrubNasFacts(
			{
				nas,
				source: {error: 'EHOSTUNREACH secret'},
				coa: {kind: 'error', message: 'send failed: secret'},
				api: {ok: false, message: 'login refused: secret'},
			},
			['secret'],
		);
		expect(facts).toMatchObject({
			source: {error: 'EHOSTUNREACH ***'},
			coa: {message: 'send failed: ***'},
			api: {message: 'login refused: ***'},
		});
		expect(secretCheck(facts.nas).check).toBe('nas bng-2 (10.20.0.2): secret');
		const database = scrubDatabaseFacts(
			{
				label: 'test',
				server: {error: 'password authentication failed for "secret"'},
				columns: [],
				canSelect: false,
				nasTable: 'absent',
				indexes: [],
				timings: [],
				failures: [],
				extensions: [],
				measurements: [],
				setupFailures: [],
			},
			['secret'],
		);
		expect(database.server).toEqual({error: 'password authentication failed for "***"'});
	});
});
