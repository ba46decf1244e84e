import {describe, expect, it} from 'vitest';
import {describeProblem, describeTarget, planDisconnect} from '../../source/disconnect/plan.js';
import {NasRegistry} from '../../source/nas/registry.js';
import {makeSession} from './fixtures.js';

const registry = NasRegistry.from(
	[
		{nasname: '10.20.0.1', shortname: 'bng-1', type: 'other', secret: 'secret-1'},
		{nasname: '10.20.0.2', shortname: 'bng-2', type: 'other', secret: null},
	],
	[
		{ip: '10.20.0.1', api: {user: 'noc', password: 'pw-1'}},
		{ip: '10.20.0.3', name: 'bng-3', api: {user: 'noc', password: 'pw-3'}},
	],
);

const ON_1 = makeSession({radacctid: '1', nasipaddress: '10.20.0.1'});
const ON_1B = makeSession({radacctid: '2', nasipaddress: '10.20.0.1', username: 'bob'});
const ON_2 = makeSession({radacctid: '3', nasipaddress: '10.20.0.2'});
const ON_3 = makeSession({radacctid: '4', nasipaddress: '10.20.0.3'});
const CLOSED = makeSession({radacctid: '5', acctstoptime: new Date('2025-11-25T11:00:00Z')});

describe('planDisconnect', () => {
	it('reports a NAS without a secret before anything is sent', () => {
		const plan = planDisconnect([ON_1, ON_2], registry, {method: 'coa'});
		expect(plan.ready).toBe(1);
		expect(plan.blocked).toHaveLength(1);
		expect(plan.blocked[0]).toMatchObject({session: {radacctid: '3'}, problem: 'no-secret', method: 'coa'});
		expect(describeProblem('no-secret', plan.blocked[0]!.nas)).toBe(
			"bng-2 (10.20.0.2) has no RADIUS secret (neither in the nas table nor in radtop's config)",
		);
		expect(plan.perNas.map(({nas, total, ready, blocked, coa, api}) => [nas.name, total, ready, blocked, coa, api])).toEqual([
			['bng-1', 1, 1, 0, 1, 0],
			['bng-2', 1, 0, 1, 0, 0],
		]);
	});

	it('auto: CoA with an API fallback where the NAS has credentials, the API alone where it has no secret', () => {
		const plan = planDisconnect([ON_1, ON_2, ON_3], registry, {method: 'auto'});
		expect(plan.items.map((item) => [item.session.radacctid, item.method, item.fallback, item.problem])).toEqual([
			['1', 'coa', 'api', undefined],
			['3', 'coa', undefined, 'no-secret'],
			['4', 'api', undefined, undefined],
		]);
	});

	it('api: needs credentials', () => {
		const plan = planDisconnect([ON_1, ON_2], registry, {method: 'api'});
		expect(plan.items.map((item) => [item.method, item.fallback, item.problem])).toEqual([
			['api', undefined, undefined],
			['api', undefined, 'no-api-credentials'],
		]);
	});

	it('blocks sessions on NAS the action may not touch', () => {
		const plan = planDisconnect([ON_1, ON_1B, ON_3], registry, {method: 'auto', allowedNas: ['10.20.0.3']});
		expect(plan.items.map((item) => item.problem)).toEqual(['not-allowed', 'not-allowed', undefined]);
		expect(plan.ready).toBe(1);
	});

	it('blocks a session nothing identifies', () => {
		const plan = planDisconnect(
			[makeSession({nasipaddress: '10.20.0.1', username: null, acctsessionid: '', framedipaddress: null})],
			registry,
			{
				method: 'coa',
			},
		);
		expect(plan.blocked[0]?.problem).toBe('no-identification');
	});

	it('sets closed sessions apart', () => {
		const plan = planDisconnect([ON_1, CLOSED], registry, {method: 'coa'}, {kind: 'sessions', radacctids: ['1', '5']});
		expect(plan.items.map((item) => item.session.radacctid)).toEqual(['1']);
		expect(plan.alreadyClosed.map((session) => session.radacctid)).toEqual(['5']);
		expect(plan.target).toEqual({kind: 'sessions', radacctids: ['1', '5']});
	});
});

describe('describeTarget', () => {
	it('says what was targeted in one line', () => {
		expect(describeTarget({kind: 'session', radacctid: '42'})).toBe('session 42');
		expect(describeTarget({kind: 'sessions', radacctids: ['1', '2']})).toBe('2 selected sessions');
		expect(describeTarget({kind: 'user', username: 'alice'})).toBe('user "alice" (open sessions)');
		expect(describeTarget({kind: 'nas', nasIps: ['10.0.0.2']})).toBe('NAS 10.0.0.2 (open sessions)');
		expect(describeTarget({kind: 'filter', filter: {status: 'active', search: 'aa:bb', nasIps: ['10.0.0.2']}})).toBe(
			'open sessions matching MAC contains aabb, NAS 10.0.0.2',
		);
		expect(describeTarget({kind: 'filter', filter: {status: 'active'}})).toBe('open sessions matching no filter (every open session)');
	});
});
