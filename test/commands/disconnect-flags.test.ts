/** parseDisconnectFlags: pure validation of `radtop disconnect`'s flags, before any database is opened. */
import {describe, expect, it} from 'vitest';
import {DISCONNECT_FLAGS, parseDisconnectFlags} from '../../source/commands/disconnect.js';
import {pacingOf} from '../../source/disconnect/executor-options.js';
import {UsageError} from '../../source/commands/usage.js';

const NOW = new Date('2026-11-24T12:00:00Z');

type Flags = Parameters<typeof parseDisconnectFlags>[0];

/** The defaults meow fills in for flags not given, as main.ts passes them. */
const MEOW_DEFAULTS: Flags = Object.fromEntries(
	Object.entries(DISCONNECT_FLAGS).flatMap(([name, spec]) => ('default' in spec ? [[name, spec.default]] : [])),
);

function parse(flags: Flags): ReturnType<typeof parseDisconnectFlags> {
	return parseDisconnectFlags({...MEOW_DEFAULTS, ...flags}, NOW);
}

/** The UsageError `flags` are refused with. */
function refusal(flags: Flags): UsageError {
	try {
		parse(flags);
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		return error as UsageError;
	}
	throw new Error(`accepted ${JSON.stringify(flags)}`);
}

describe('parseDisconnectFlags: the target', () => {
	it('takes --session, several --session, --user, --nas and --all-matching with a filter', () => {
		expect(parse({session: ['42']}).target).toEqual({kind: 'session', radacctid: '42'});
		expect(parse({session: ['42', '43']}).target).toEqual({kind: 'sessions', radacctids: ['42', '43']});
		expect(parse({user: 'alice@isp.example'}).target).toEqual({kind: 'user', username: 'alice@isp.example'});
		const byNas = parse({nas: ['bng-2']});
		expect(byNas.target).toEqual({kind: 'nas', nasIps: []});
		expect(byNas.nas).toEqual(['bng-2']);
		const filter = parse({allMatching: true, search: 'alice'});
		expect(filter.target).toMatchObject({kind: 'filter', filter: {status: 'active', search: 'alice'}});
		const filterOnNas = parse({allMatching: true, nas: ['bng-1'], from: '2h'});
		expect(filterOnNas.target).toMatchObject({
			kind: 'filter',
			filter: {status: 'active', startedFrom: new Date(NOW.getTime() - 7_200_000)},
		});
		expect(filterOnNas.nas).toEqual(['bng-1']);
	});

	it('refuses no target at all', () => {
		expect(refusal({}).message).toMatch(/exactly one target/);
	});

	it.each([
		['--session and --user', {session: ['1'], user: 'alice'}],
		['--session and --nas', {session: ['1'], nas: ['bng-1']}],
		['--user and --nas', {user: 'alice', nas: ['bng-1']}],
		['--user and --all-matching', {user: 'alice', allMatching: true, search: 'bob'}],
		['--session and --all-matching', {session: ['1'], allMatching: true, nas: ['bng-1']}],
	] satisfies Array<[string, Flags]>)('refuses two targets: %s', (_name, flags) => {
		expect(refusal(flags).message).toMatch(/exactly one target/);
	});

	it('refuses --all-matching without a filter: it would hit every session', () => {
		const error = refusal({allMatching: true});
		expect(error.message).toMatch(/--all-matching needs a filter/);
		expect(error.message).toContain('will not disconnect every session');
	});

	it.each([
		['--search alone', {search: 'alice'}],
		['--from alone', {from: '2h'}],
		['--to alone', {to: '2026-11-24'}],
		['--user with --search', {user: 'alice', search: 'bob'}],
		['--nas with --from', {nas: ['bng-1'], from: '6h'}],
		['--session with --to', {session: ['7'], to: '1h'}],
	] satisfies Array<[string, Flags]>)('refuses filters without --all-matching: %s', (_name, flags) => {
		expect(refusal(flags).message).toMatch(/--all-matching/);
	});

	it.each(['abc', '12a', '-1', '1.5', '', ' 7', '0x10', '1e3', '12345678901234567890', '9223372036854775808'])(
		'refuses --session %j: not a radacctid',
		(value) => {
			const error = refusal({session: [value]});
			expect(error.message).toMatch(/--session takes a radacctid/);
		},
	);

	it('takes SITE:ID for a profile with sites, and --site', () => {
		expect(parse({session: ['north:42', 'south-2:7']}).target).toEqual({kind: 'sessions', radacctids: ['north:42', 'south-2:7']});
		expect(parse({user: 'alice', site: 'north'}).site).toBe('north');
	});

	it.each(['north:', ':12', 'no rth:12', 'north:12a', 'a:b:12', `${'x'.repeat(33)}:12`])('refuses --session %j: not SITE:ID', (value) => {
		expect(refusal({session: [value]}).message).toMatch(/--session takes a radacctid \(a number, or SITE:number\)/);
	});

	it('takes the largest radacctid a bigint holds', () => {
		expect(parse({session: ['9223372036854775807']}).target).toEqual({kind: 'session', radacctid: '9223372036854775807'});
	});

	it('refuses a bad --session among good ones', () => {
		expect(refusal({session: ['1', 'two', '3']}).message).toContain('"two"');
	});

	it('cuts a long --session value in the message', () => {
		const error = refusal({session: ['x'.repeat(500)]});
		expect(error.message.length).toBeLessThan(120);
	});

	it('refuses an empty --user', () => {
		expect(refusal({user: ''}).message).toMatch(/--user needs a username/);
	});

	it('refuses an empty --nas', () => {
		expect(refusal({nas: ['  ']}).message).toMatch(/--nas needs/);
	});
});

describe('parseDisconnectFlags: how', () => {
	it("has the documented defaults: auto, the profile's pacing, 3000 ms, 2 retries, 10 s of stop watch", () => {
		const request = parse({session: ['1']});
		expect(request.concurrency).toBeUndefined();
		expect(request.ratePerNas).toBeUndefined();
		expect(request).toMatchObject({
			method: 'auto',
			timeoutMs: 3000,
			retries: 2,
			confirmWithinMs: 10_000,
			dryRun: false,
			yes: false,
			wait: false,
			json: false,
		});
		expect(request.rate).toBeUndefined();
		expect(request.reason).toBeUndefined();
		expect(request.auditLog).toBeUndefined();
	});

	it('has the same defaults without meow filling them in', () => {
		expect(parseDisconnectFlags({session: ['1']}, NOW)).toMatchObject({
			method: 'auto',
			timeoutMs: 3000,
			retries: 2,
			confirmWithinMs: 10_000,
		});
	});

	it('takes every flag', () => {
		const request = parse({
			user: 'bob',
			method: 'api',
			reason: '  CHG-2211 maintenance  ',
			concurrency: '8',
			rate: '500',
			ratePerNas: '50',
			timeout: '200',
			retries: '0',
			confirmWithin: '0',
			dryRun: true,
			yes: true,
			wait: true,
			json: true,
			auditLog: '/tmp/audit.log',
		});
		expect(request).toMatchObject({
			method: 'api',
			reason: 'CHG-2211 maintenance',
			concurrency: 8,
			rate: 500,
			ratePerNas: 50,
			timeoutMs: 200,
			retries: 0,
			confirmWithinMs: 0,
			dryRun: true,
			yes: true,
			wait: true,
			json: true,
			auditLog: '/tmp/audit.log',
		});
	});

	it('drops a blank --reason', () => {
		expect(parse({session: ['1'], reason: '   '}).reason).toBeUndefined();
	});

	it('refuses a --method it does not know, listing the choices', () => {
		const error = refusal({session: ['1'], method: 'bad'});
		expect(error.message).toBe('--method must be one of auto, coa, api (got "bad")');
	});

	it.each([
		['concurrency', '0', '--concurrency must be a whole number from 1 to 1024'],
		['concurrency', '2000', '--concurrency must be a whole number from 1 to 1024'],
		['rate', 'fast', '--rate must be a whole number from 1 to 1000000'],
		['ratePerNas', '-1', '--rate-per-nas must be a whole number from 0 to 1000000'],
		['timeout', '10', '--timeout must be a whole number from 50 to 60000'],
		['timeout', '3s', '--timeout must be a whole number from 50 to 60000'],
		['retries', '11', '--retries must be a whole number from 0 to 10'],
		['confirmWithin', '-1', '--confirm-within must be a whole number from 0 to 600'],
	] as const)('refuses --%s %s', (flag, value, message) => {
		expect(refusal({session: ['1'], [flag]: value}).message).toBe(message);
	});
});

describe('pacingOf', () => {
	it('takes the flags first, then the profile, then 32 in flight and no rate cap per NAS', () => {
		expect(pacingOf({}, {})).toEqual({concurrencyPerNas: 32});
		expect(pacingOf({}, {disconnectInFlightPerNas: 8, disconnectRatePerNas: 50})).toEqual({concurrencyPerNas: 8, ratePerNas: 50});
		expect(pacingOf({concurrency: 4, ratePerNas: 20}, {disconnectInFlightPerNas: 8, disconnectRatePerNas: 50})).toEqual({
			concurrencyPerNas: 4,
			ratePerNas: 20,
		});
	});

	it("reads 0 a second per NAS as no cap, from the flag over a profile's cap too", () => {
		expect(pacingOf({ratePerNas: 0}, {disconnectRatePerNas: 50})).toEqual({concurrencyPerNas: 32});
		expect(pacingOf({}, {disconnectRatePerNas: 0})).toEqual({concurrencyPerNas: 32});
	});
});
