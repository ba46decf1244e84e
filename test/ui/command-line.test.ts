import {describe, expect, it} from 'vitest';
import {completeCommand, exactUserTerm, runCommand, type CommandContext} from '../../source/ui/command-line.js';
import {initialState, reducer} from '../../source/ui/state.js';

const context: CommandContext = {
	query: initialState().query,
	nas: [
		{ip: '10.0.0.1', name: 'bng-1'},
		{ip: '10.0.0.2', name: 'bng-2'},
		{ip: '10.0.0.9', name: 'accel-1'},
	],
};

describe('runCommand', () => {
	it('filters on a NAS by name, IP or all', () => {
		expect(runCommand('nas bng-2', context)).toMatchObject({kind: 'query', query: {nas: '10.0.0.2'}});
		expect(runCommand('nas BNG-1', context)).toMatchObject({kind: 'query', query: {nas: '10.0.0.1'}});
		expect(runCommand('nas 10.0.0.9', context)).toMatchObject({kind: 'query', query: {nas: '10.0.0.9'}});
		expect(runCommand('nas all', {...context, query: {...context.query, nas: '10.0.0.1'}})).toMatchObject({query: {nas: null}});
	});
	it('says why a NAS is unknown', () => {
		expect(runCommand('nas zz', context)).toEqual({kind: 'error', text: expect.stringContaining('no NAS "zz"')});
		expect(runCommand('nas', context).kind).toBe('error');
	});
	it('searches one user exactly, quoting a name with spaces', () => {
		expect(runCommand('user alice', context)).toMatchObject({query: {search: 'user:=alice'}});
		expect(runCommand('user ann lee', context)).toMatchObject({query: {search: 'user:="ann lee"'}});
		expect(exactUserTerm('a"b')).toBe('user:="a\\"b"');
		expect(runCommand('user', context).kind).toBe('error');
	});
	it('sets the status, and :stale is :status stale', () => {
		for (const status of ['active', 'stale', 'closed', 'all']) {
			expect(runCommand(`status ${status}`, context)).toMatchObject({query: {status}});
		}
		expect(runCommand('stale', context)).toMatchObject({query: {status: 'stale'}});
		expect(runCommand('status open', context).kind).toBe('error');
		expect(runCommand('stale now', context).kind).toBe('error');
	});
	it('sorts by a column, with a direction or its natural one, or turns the direction alone', () => {
		expect(runCommand('sort rate', context)).toMatchObject({query: {sort: {key: 'rate', direction: 'desc'}}});
		expect(runCommand('sort user', context)).toMatchObject({query: {sort: {key: 'user', direction: 'asc'}}});
		expect(runCommand('sort down up', context)).toMatchObject({query: {sort: {key: 'down', direction: 'asc'}}});
		expect(runCommand('sort up', context)).toMatchObject({query: {sort: {key: 'start', direction: 'asc'}}});
		expect(runCommand('sort down', {...context, query: {...context.query, sort: {key: 'user', direction: 'asc'}}})).toMatchObject({
			query: {sort: {key: 'user', direction: 'desc'}},
		});
		expect(runCommand('sort colour', context).kind).toBe('error');
		expect(runCommand('sort rate sideways', context).kind).toBe('error');
	});
	it('answers :columns, :help, and an unknown command', () => {
		expect(runCommand('columns', context)).toEqual({kind: 'columns'});
		expect(runCommand('help', context)).toEqual({kind: 'help'});
		expect(runCommand('frobnicate', context)).toEqual({kind: 'error', text: 'no command "frobnicate" (Tab lists them)'});
		expect(runCommand('', context).kind).toBe('error');
	});
});

describe('completeCommand', () => {
	it('completes command names', () => {
		expect(completeCommand('na', context)).toEqual({line: 'nas ', candidates: []});
		expect(completeCommand('s', context)).toEqual({line: 's', candidates: ['status', 'sort', 'stale']});
		expect(completeCommand('st', context)).toEqual({line: 'sta', candidates: ['status', 'stale']});
		expect(completeCommand('sta', context)).toEqual({line: 'sta', candidates: ['status', 'stale']});
		expect(completeCommand('x', context)).toEqual({line: 'x', candidates: []});
	});
	it('completes NAS names as far as they agree', () => {
		expect(completeCommand('nas b', context)).toEqual({line: 'nas bng-', candidates: ['bng-1', 'bng-2']});
		expect(completeCommand('nas bng-2', context)).toEqual({line: 'nas bng-2 ', candidates: []});
		expect(completeCommand('nas ac', context)).toEqual({line: 'nas accel-1 ', candidates: []});
		expect(completeCommand('nas ', context).candidates).toEqual(['all', 'bng-1', 'bng-2', 'accel-1']);
	});
	it('completes status and sort arguments', () => {
		expect(completeCommand('status cl', context)).toEqual({line: 'status closed ', candidates: []});
		expect(completeCommand('sort rate d', context)).toEqual({line: 'sort rate down ', candidates: []});
		// up and down are columns and directions: offered once each.
		expect(completeCommand('sort d', context)).toEqual({line: 'sort d', candidates: ['duration', 'down']});
		expect(completeCommand('sort ', context).candidates).toEqual([
			'start',
			'duration',
			'down',
			'up',
			'rate',
			'user',
			'nas',
			'ip',
			'remaining',
		]);
	});
});

describe('the command line in the reducer', () => {
	it('keeps the line open with the reason on an error, and changes nothing', () => {
		let state = reducer(initialState(), {type: 'command-start'});
		state = reducer(state, {type: 'command-input', text: 'status open'});
		const after = reducer(state, {type: 'command-run'});
		expect(after.mode).toBe('command');
		expect(after.query).toEqual(state.query);
		expect(after.commandNote?.kind).toBe('error');
	});
	it('applies a command and closes the line', () => {
		let state = reducer(initialState(), {type: 'command-start'});
		state = reducer(state, {type: 'command-input', text: 'status closed'});
		state = reducer(state, {type: 'command-run'});
		expect(state.mode).toBe('table');
		expect(state.query.status).toBe('closed');
		expect(state.commandDraft).toBeUndefined();
	});
	it(':columns opens the column picker', () => {
		let state = reducer(initialState(), {type: 'command-start'});
		state = reducer(state, {type: 'command-input', text: 'columns'});
		expect(reducer(state, {type: 'command-run'}).mode).toBe('columns');
	});
	it('t cycles active, stale, closed, all', () => {
		let state = initialState();
		const seen = [];
		for (let step = 0; step < 4; step++) {
			state = reducer(state, {type: 'cycle-status'});
			seen.push(state.query.status);
		}
		expect(seen).toEqual(['stale', 'closed', 'all', 'active']);
	});
});
