import {describe, expect, it} from 'vitest';
import {passwordInDbFlag} from '../../source/commands/process-edge.js';
import {lagCheck, replicaChecks} from '../../source/doctor/replica-checks.js';
import type {ServerFacts} from '../../source/doctor/replica-facts.js';

const writes = {notUpdatable: [], readOnly: false, inRecovery: false};
const primary: ServerFacts = {
	label: 'radtop@db1/radius',
	state: {role: 'primary'},
	database: 'radius',
	user: 'radtop',
	systemId: '7716355320088316489',
	writes,
};
const standby: ServerFacts = {
	label: 'radtop@db1-standby/radius',
	state: {role: 'standby', lagSeconds: 0, caughtUp: true, streaming: true, paused: false},
	database: 'radius',
	user: 'radtop',
	systemId: '7716355320088316489',
};
const statusOf = (checks: ReturnType<typeof replicaChecks>) => checks.map((check) => `${check.status} ${check.check}`);

describe('replicaChecks', () => {
	it('passes a primary and a caught-up standby of it', () => {
		expect(statusOf(replicaChecks(primary, standby, 5))).toEqual([
			'pass primary (radtop@db1/radius)',
			'pass writes (sweep --apply)',
			'pass read database (radtop@db1-standby/radius)',
			'pass replication lag',
			'pass read database: same data',
		]);
	});

	it('warns of a primary that is itself a standby, and of a standby that does not stream', () => {
		const notStreaming = {
			...standby,
			state: {role: 'standby', lagSeconds: 900, caughtUp: false, streaming: false, paused: false},
		} as const;
		const checks = replicaChecks({...primary, state: standby.state!}, notStreaming, 5);
		expect(statusOf(checks)).toEqual([
			'warn primary (radtop@db1/radius)',
			'warn read database (radtop@db1-standby/radius)',
			'warn replication lag',
			'pass read database: same data',
		]);
		expect(checks[2]?.detail).toBe(
			'up to 15m 0s behind the primary (the age of the last transaction it replayed), more than the 5s poll interval',
		);
		expect(checks[2]?.fix).toMatch(/^the standby is not streaming from the primary: check its primary_conninfo/);
	});

	it('says when the same data could not be checked, and when the database differs', () => {
		const unreadable = replicaChecks(
			primary,
			{...standby, systemId: null, systemIdError: 'permission denied for function pg_control_system'},
			5,
		);
		expect(unreadable.at(-1)).toMatchObject({
			status: 'warn',
			detail: 'could not be checked: pg_control_system() could not be read (permission denied for function pg_control_system)',
		});
		expect(replicaChecks(primary, {...standby, database: 'radius_copy'}, 5).at(-1)).toMatchObject({
			status: 'warn',
			detail: "the same cluster (system identifier 7716355320088316489), but database radius_copy where the primary's is radius",
		});
	});

	it('fails an unreachable primary and still checks the standby', () => {
		const checks = replicaChecks({label: 'radtop@db1/radius', error: 'connect ECONNREFUSED 10.0.0.1:5432'}, standby, 5);
		expect(statusOf(checks)).toEqual([
			'fail primary (radtop@db1/radius)',
			'pass read database (radtop@db1-standby/radius)',
			'pass replication lag',
		]);
	});

	it('checks no lag of a primary', () => {
		expect(lagCheck(primary, 5)).toEqual([]);
		expect(lagCheck({...standby, state: {role: 'standby', lagSeconds: 3, caughtUp: false, streaming: true, paused: false}}, 5)).toEqual(
			[{check: 'replication lag', status: 'pass', detail: 'up to 3s behind the primary, within the 5s poll interval'}],
		);
	});
});

describe('a password in --read-db', () => {
	it('is warned about as one in --db', () => {
		expect(passwordInDbFlag(['--read-db', 'postgres://ro:pw123@standby/radius'])).toBe(true);
		expect(passwordInDbFlag(['--read-db=postgres://ro:pw123@standby/radius'])).toBe(true);
		expect(passwordInDbFlag(['--read-db', 'postgres://ro@standby/radius', '--db', 'postgres://u@h/db'])).toBe(false);
		expect(passwordInDbFlag(['--read-dbx=postgres://ro:pw123@standby/radius'])).toBe(false);
	});
});
