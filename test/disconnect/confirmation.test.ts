import {describe, expect, it} from 'vitest';
import {confirmationFor, confirms} from '../../source/disconnect/confirmation.js';
import {planDisconnect, type DisconnectTarget} from '../../source/disconnect/plan.js';
import {NasRegistry} from '../../source/nas/registry.js';
import {makeSession} from './fixtures.js';

const registry = NasRegistry.from([
	{nasname: '10.20.0.1', shortname: 'bng-1', type: 'other', secret: 'secret-1'},
	{nasname: '10.20.0.2', shortname: 'bng-2', type: 'other', secret: 'secret-2'},
]);

function sessions(count: number, nas = '10.20.0.1') {
	return Array.from({length: count}, (_, index) =>
		makeSession({radacctid: String(index + 1), nasipaddress: nas, username: `user${index}`}),
	);
}

function planOf(count: number, target?: DisconnectTarget, nas?: string) {
	return planDisconnect(sessions(count, nas), registry, {method: 'coa'}, target);
}

describe('confirmationFor', () => {
	it('a region: its name typed, even when one NAS of it has sessions open', () => {
		const region = {
			name: 'north',
			nas: [
				{ip: '10.20.0.1', name: 'bng-1'},
				{ip: '10.20.0.2', name: 'bng-2'},
			],
		};
		const confirmation = confirmationFor(planOf(3, {kind: 'nas', nasIps: ['10.20.0.1', '10.20.0.2'], region}));
		expect(confirmation).toEqual({
			kind: 'typed',
			expected: 'north',
			prompt: "type the region's name (north) to disconnect all 3 of its sessions: ",
		});
		expect(confirms(confirmation, ' north ')).toBe(true);
		expect(confirms(confirmation, 'bng-1')).toBe(false);
		expect(confirms(confirmation, '3')).toBe(false);
	});

	it('one session: a key', () => {
		expect(confirmationFor(planOf(1, {kind: 'session', radacctid: '1'}))).toMatchObject({kind: 'key'});
	});

	it('a few sessions: y with the count shown', () => {
		const confirmation = confirmationFor(planOf(3, {kind: 'user', username: 'u'}));
		expect(confirmation).toMatchObject({kind: 'count', count: 3});
		expect(confirmation.prompt).toContain('3 sessions');
	});

	it('more than 50 sessions (or the configured number): type the count', () => {
		expect(confirmationFor(planOf(50, {kind: 'sessions', radacctids: []}))).toMatchObject({kind: 'count'});
		expect(confirmationFor(planOf(51, {kind: 'sessions', radacctids: []}))).toMatchObject({kind: 'typed', expected: '51'});
		expect(confirmationFor(planOf(6, {kind: 'sessions', radacctids: []}), {typedAbove: 5})).toMatchObject({
			kind: 'typed',
			expected: '6',
		});
	});

	it('a whole NAS: type its name, however few sessions it has', () => {
		const confirmation = confirmationFor(planOf(2, {kind: 'nas', nasIps: ['10.20.0.2']}, '10.20.0.2'));
		expect(confirmation).toMatchObject({kind: 'typed', expected: 'bng-2'});
		expect(confirmation.prompt).toContain('bng-2 (10.20.0.2)');
	});

	it('everything matching a filter: type the count, however few', () => {
		expect(confirmationFor(planOf(2, {kind: 'filter', filter: {status: 'active', search: 'x'}}))).toMatchObject({
			kind: 'typed',
			expected: '2',
		});
	});
});

describe('confirms', () => {
	it('a typed confirmation needs the exact text; a wrong one is refused', () => {
		const nas = confirmationFor(planOf(2, {kind: 'nas', nasIps: ['10.20.0.2']}, '10.20.0.2'));
		expect(confirms(nas, 'bng-2')).toBe(true);
		expect(confirms(nas, ' bng-2 ')).toBe(true);
		expect(confirms(nas, 'bng-1')).toBe(false);
		expect(confirms(nas, 'y')).toBe(false);
		expect(confirms(nas, '')).toBe(false);
	});

	it('a typed count may carry thousands separators', () => {
		const many = confirmationFor(planOf(1200, {kind: 'sessions', radacctids: []}));
		expect(confirms(many, '1,200')).toBe(true);
		expect(confirms(many, '1200')).toBe(true);
		expect(confirms(many, '120')).toBe(false);
	});

	it('a key confirmation takes y or yes, nothing else', () => {
		const few = confirmationFor(planOf(3, {kind: 'user', username: 'u'}));
		for (const answer of ['y', 'Y', 'yes', 'YES']) expect(confirms(few, answer)).toBe(true);
		for (const answer of ['', 'n', 'no', 'yep', '3']) expect(confirms(few, answer)).toBe(false);
	});
});

describe('nothing to disconnect', () => {
	it('asks nothing when no session is open (a session already closed, say)', () => {
		expect(confirmationFor(planOf(0, {kind: 'session', radacctid: '1'}))).toMatchObject({kind: 'key'});
	});
});
