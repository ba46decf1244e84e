/**
 * Key routing as data: a state and what the terminal sent, and the effects that come out, in order.
 */
import {describe, expect, it} from 'vitest';
import {confirmationFor} from '../../source/disconnect/confirmation.js';
import type {DisconnectTarget} from '../../source/disconnect/plan.js';
import {planDisconnect} from '../../source/disconnect/plan.js';
import {NasRegistry} from '../../source/nas/registry.js';
import type {Session} from '../../source/sessions/session.js';
import type {Snapshot} from '../../source/sessions/snapshot.js';
import {newDisconnect, type DisconnectState} from '../../source/ui/disconnect-state.js';
import {editedField, editSearch, routeKey, type KeyEffect} from '../../source/ui/key-routing.js';
import type {InkKey} from '../../source/ui/key-names.js';
import {activeKeymap} from '../../source/ui/keymap.js';
import {initialState, queryKey, reducer} from '../../source/ui/state.js';
import type {UiState} from '../../source/ui/state-types.js';
import {caretView, type CaretView} from '../../source/ui/text-field.js';
import {makeSession} from '../helpers/sessions.js';

const NOW = new Date('2026-11-25T08:00:00Z');
const registry = NasRegistry.from([{nasname: '10.20.0.1', shortname: 'bng-1', type: 'mikrotik', secret: 'bng-1-secret'}], []);

function sessions(count: number): Session[] {
	return Array.from({length: count}, (_, index) =>
		makeSession({
			radacctid: String(index + 1),
			acctsessionid: `s${index + 1}`,
			username: `user${index + 1}`,
			nasipaddress: '10.20.0.1',
			nasname: 'bng-1',
			framedipaddress: `100.64.0.${index + 1}`,
			acctstarttime: new Date(NOW.getTime() - 3_600_000),
		}),
	);
}

/** The table with 20 sessions of bng-1 loaded, the cursor on the first. */
function table(options: {readOnly?: boolean} = {}): UiState {
	const state = initialState({pageSize: 10, readOnly: options.readOnly});
	const snapshot: Snapshot = {
		key: queryKey(state.query),
		offset: 0,
		rows: sessions(20),
		total: {total: 20, capped: false},
		stats: {
			openSessions: 20,
			uniqueUsers: 20,
			averageDurationSeconds: 3600,
			staleSessions: 0,
			perNas: [{nasipaddress: '10.20.0.1', nasname: 'bng-1', sessions: 20, stale: 0}],
			dbNow: NOW,
		},
		rates: new Map(),
		fetchedAt: NOW.getTime(),
		durationMs: 3,
	};
	return reducer(state, {type: 'snapshot', snapshot});
}

function searching(draft: string): UiState {
	return {...table(), mode: 'search', searchDraft: draft};
}

/** The preview of a disconnect of `count` sessions (1: y or Enter; 3: y; a whole NAS: its name typed). */
function previewing(target: DisconnectTarget, count: number): UiState {
	const plan = planDisconnect(sessions(count), registry, {method: 'auto'}, target);
	const disconnect: DisconnectState = {
		...newDisconnect(1, target, 'the label', false),
		phase: 'preview',
		preview: {plan, missing: [], confirmation: confirmationFor(plan), warnings: [], registry},
	};
	return {...table(), mode: 'preview', disconnect, disconnectSeq: 1};
}

function running(quitting = false): UiState {
	const disconnect: DisconnectState = {...newDisconnect(1, {kind: 'session', radacctid: '1'}, 'one', false), phase: 'running'};
	return {...table(), disconnect, disconnectSeq: 1, quitting};
}

/** The question "stop it and quit? y/N" waits, over a running disconnect. */
function asked(): UiState {
	return reducer(running(), {type: 'quit-ask'});
}

const ONE: DisconnectTarget = {kind: 'session', radacctid: '1'};
const THREE: DisconnectTarget = {kind: 'sessions', radacctids: ['1', '2', '3']};
const NAS: DisconnectTarget = {kind: 'nas', nasIps: ['10.20.0.1']};

function route(state: UiState, input: string, key: InkKey = {}): readonly KeyEffect[] {
	return routeKey(state, input, key, activeKeymap(state.readOnly)).effects;
}

describe('routeKey', () => {
	it.each<[string, () => UiState, string, InkKey, KeyEffect[]]>([
		['j moves down', table, 'j', {}, [{type: 'move', by: 1}]],
		['the down arrow moves down', table, '', {downArrow: true}, [{type: 'move', by: 1}]],
		['a held key is each of its presses', table, 'jjj', {}, [1, 1, 1].map((by) => ({type: 'move', by}))],
		['a key with no binding does nothing', table, 'z', {}, []],
		['Enter opens the detail view', table, '\r', {return: true}, [{type: 'open-detail'}]],
		['Ctrl-F pages down', table, 'f', {ctrl: true}, [{type: 'move-page', pages: 1}]],
		['q quits', table, 'q', {}, ['exit']],
		['presses after a quit are dropped', table, 'jqj', {}, [{type: 'move', by: 1}, 'exit']],
		[
			'/ and text in one chunk opens the search and types the rest into it',
			table,
			'/alice',
			{},
			[{type: 'search-start'}, ...['a', 'al', 'ali', 'alic', 'alice'].map((text) => ({type: 'search-input' as const, text}))],
		],
		['typing in the search adds to the draft', () => searching('bo'), 'b', {}, [{type: 'search-input', text: 'bob'}]],
		['q in the search is text', () => searching(''), 'q', {}, [{type: 'search-input', text: 'q'}]],
		['Backspace in the search removes one', () => searching('bob'), '', {backspace: true}, [{type: 'search-input', text: 'bo'}]],
		['Backspace in an empty search does nothing', () => searching(''), '', {backspace: true}, []],
		['Enter keeps the search', () => searching('bob'), '\r', {return: true}, [{type: 'search-commit'}]],
		['Ctrl-C quits from the search', () => searching('bob'), 'c', {ctrl: true}, ['exit']],
		['Ctrl-U clears the search line', () => searching('user:bob ip:10.'), 'u', {ctrl: true}, [{type: 'search-input', text: ''}]],
		[
			'Ctrl-W deletes the last word',
			() => searching('user:bob ip:10.'),
			'w',
			{ctrl: true},
			[{type: 'search-input', text: 'user:bob '}],
		],
		[
			'Esc read with the next key (Meta+key) is two presses',
			() => searching('bob'),
			'j',
			{meta: true},
			[{type: 'search-cancel'}, {type: 'move', by: 1}],
		],
		[
			'read-only: a disconnect key says why it does nothing',
			() => table({readOnly: true}),
			'd',
			{},
			[{type: 'message', text: 'read-only mode: d (disconnect selection or row) is off', kind: 'error'}],
		],
		['q while a disconnect runs asks first', () => running(), 'q', {}, [{type: 'quit-ask'}]],
		['Ctrl-C while a disconnect runs asks first', () => running(), 'c', {ctrl: true}, [{type: 'quit-ask'}]],
		['y to the question stops the run and quits', () => asked(), 'y', {}, [{type: 'quit-requested'}]],
		['n to the question keeps the run', () => asked(), 'n', {}, [{type: 'quit-cancel'}]],
		['Esc to the question keeps the run', () => asked(), '', {escape: true}, [{type: 'quit-cancel'}]],
		[
			'any other key to the question keeps the run, and is not acted on',
			() => asked(),
			'xj',
			{},
			[{type: 'quit-cancel'}, {type: 'move', by: 1}],
		],
		[
			'y to the question once the run has ended quits',
			() => ({...asked(), disconnect: {...asked().disconnect!, phase: 'done' as const}}),
			'y',
			{},
			[{type: 'quit-requested'}, 'exit'],
		],
		['q in the detail view goes back', () => ({...table(), mode: 'detail' as const, detail: {id: '1'}}), 'q', {}, [{type: 'escape'}]],
		['q in the help goes back', () => ({...table(), mode: 'help' as const}), 'q', {}, [{type: 'escape'}]],
		['q in the NAS picker goes back', () => ({...table(), mode: 'nas-picker' as const}), 'q', {}, [{type: 'escape'}]],
		['q in the results goes back', () => ({...table(), mode: 'results' as const}), 'q', {}, [{type: 'disconnect-close'}]],
		['Ctrl-C in the detail view quits', () => ({...table(), mode: 'detail' as const, detail: {id: '1'}}), 'c', {ctrl: true}, ['exit']],
		['q again while it stops quits', () => running(true), 'q', {}, ['exit']],
		['y confirms one session', () => previewing(ONE, 1), 'y', {}, [{type: 'disconnect-confirm', key: 'y'}]],
		['y confirms a count', () => previewing(THREE, 3), 'y', {}, [{type: 'disconnect-confirm', key: 'y'}]],
		['Tab moves to the reason', () => previewing(THREE, 3), '\t', {tab: true}, [{type: 'disconnect-focus'}]],
		['Esc cancels the preview', () => previewing(THREE, 3), '', {escape: true}, [{type: 'disconnect-close'}]],
		[
			'a typed confirmation and its Enter in one chunk: typed, then submitted',
			() => previewing(NAS, 3),
			'bng-1\r',
			{},
			[
				...['b', 'bn', 'bng', 'bng-', 'bng-1'].map((text) => ({type: 'disconnect-edit' as const, text})),
				{type: 'disconnect-confirm', key: 'enter'},
			],
		],
		['y in a typed confirmation is text', () => previewing(NAS, 3), 'y', {}, [{type: 'disconnect-edit', text: 'y'}]],
	])('%s', (_name, state, input, key, effects) => {
		expect(route(state(), input, key)).toEqual(effects);
	});

	it('returns the state the dispatched actions leave', () => {
		const routed = routeKey(table(), 'jj', {}, activeKeymap(false));
		expect(routed.state.cursor).toBe(2);
		expect(routed.state).toEqual(
			routed.effects.reduce((state, effect) => (effect === 'exit' ? state : reducer(state, effect)), table()),
		);
	});

	it('leaves the state as it was when nothing is dispatched', () => {
		const state = table();
		expect(routeKey(state, 'z', {}, activeKeymap(false)).state).toBe(state);
	});
});

describe('editedField', () => {
	it.each<[string, () => UiState, string | undefined]>([
		['the table edits nothing', table, undefined],
		['a y confirmation edits nothing', () => previewing(THREE, 3), undefined],
		[
			'a typed confirmation edits what is typed',
			() => ({...previewing(NAS, 3), disconnect: {...previewing(NAS, 3).disconnect!, typed: 'bn'}}),
			'bn',
		],
		[
			'the reason line edits the reason',
			() => ({...previewing(THREE, 3), disconnect: {...previewing(THREE, 3).disconnect!, focus: 'reason' as const, reason: 'why'}}),
			'why',
		],
	])('%s', (_name, state, field) => {
		expect(editedField(state())).toBe(field);
	});
});

describe('editSearch', () => {
	it.each([
		['', 'abc', 'abc'],
		['abc', '\x7f', 'ab'],
		['abc', '\b\b', 'a'],
		['', '\x7f', ''],
		['a', 'b\r\x1b[c', 'ab[c'],
		['a', 'é\x85', 'aé'],
	])('%j + %j -> %j', (value, input, result) => {
		expect(editSearch(value, input)).toBe(result);
	});
});

describe('Esc in the table', () => {
	it('clears the selection first, then the kept search, as k9s does', () => {
		const kept = {...reducer(searching('bob'), {type: 'search-commit'}), selection: new Set(['1'])};
		expect(kept.query.search).toBe('bob');
		const unselected = routeKey(kept, '', {escape: true}, activeKeymap(false)).state;
		expect(unselected.selection.size).toBe(0);
		expect(unselected.query.search).toBe('bob');
		const cleared = routeKey(unselected, '', {escape: true}, activeKeymap(false)).state;
		expect(cleared.query.search).toBe('');
		expect(cleared.searchDraft).toBe('');
		expect(cleared.message?.text).toBe('search cleared');
	});
});

describe('routeKey while the terminal is too small to draw the preview', () => {
	const small = {confirmable: false};
	const keymap = activeKeymap(false);

	it.each<[string, () => UiState, string, InkKey]>([
		['y on one session', () => previewing(ONE, 1), 'y', {}],
		['Enter on one session', () => previewing(ONE, 1), '\r', {return: true}],
		['y on three sessions', () => previewing(THREE, 3), 'y', {}],
		[
			'Enter on a typed NAS name',
			() => ({...previewing(NAS, 3), disconnect: {...previewing(NAS, 3).disconnect!, typed: 'bng-1'}}),
			'\r',
			{return: true},
		],
	])('%s confirms nothing, and the preview stays', (_what, state, input, key) => {
		const routed = routeKey(state(), input, key, keymap, small);
		expect(routed.effects.filter((effect) => effect !== 'exit' && effect.type === 'disconnect-confirm')).toEqual([]);
		expect(routed.state.disconnect?.phase).toBe('preview');
		// The same key at a size that draws the preview does confirm.
		expect(routeKey(state(), input, key, keymap).state.disconnect?.phase).toBe('running');
	});

	it('typing the NAS name is kept while too small, and Enter confirms once the terminal is big enough again', () => {
		const typed = routeKey(previewing(NAS, 3), 'bng-1', {}, keymap, small).state;
		expect(typed.disconnect?.typed).toBe('bng-1');
		expect(routeKey(typed, '\r', {return: true}, keymap, small).state.disconnect?.phase).toBe('preview');
		expect(routeKey(typed, '\r', {return: true}, keymap).state.disconnect?.phase).toBe('running');
	});
});

describe('the cursor of the text fields', () => {
	const keymap = activeKeymap(false);
	/** Routes each read in turn, as the terminal sent them. */
	const press = (state: UiState, ...reads: Array<[string, InkKey?]>) =>
		reads.reduce((current, [input, key]) => routeKey(current, input, key ?? {}, keymap).state, state);
	const reasonOf = (state: UiState) => state.disconnect?.reason;
	const CTRL_A: [string, InkKey] = ['a', {ctrl: true}];
	const CTRL_E: [string, InkKey] = ['e', {ctrl: true}];
	const LEFT: [string, InkKey] = ['', {leftArrow: true}];
	const RIGHT: [string, InkKey] = ['', {rightArrow: true}];

	it.each<[string, () => UiState, Array<[string, InkKey?]>, string, number | undefined]>([
		['Ctrl-A goes to the start, typing goes in there', () => searching('bob'), [CTRL_A, ['x']], 'xbob', 1],
		['Home goes to the start', () => searching('bob'), [['', {home: true}], ['x']], 'xbob', 1],
		['Ctrl-E goes back to the end', () => searching('bob'), [CTRL_A, CTRL_E, ['x']], 'bobx', undefined],
		['End goes back to the end', () => searching('bob'), [LEFT, ['', {end: true}], ['x']], 'bobx', undefined],
		['← moves one left', () => searching('bob'), [LEFT, ['x']], 'boxb', 3],
		[
			'→ moves one right, never past the end',
			() => searching('bob'),
			[CTRL_A, RIGHT, ['x'], RIGHT, RIGHT, RIGHT, ['y']],
			'bxoby',
			undefined,
		],
		['← stops at the start', () => searching('ab'), [LEFT, LEFT, LEFT, ['x']], 'xab', 1],
		['Backspace removes the character before the cursor', () => searching('bob'), [LEFT, ['', {backspace: true}]], 'bb', 1],
		['Backspace at the start removes nothing', () => searching('bob'), [CTRL_A, ['', {backspace: true}]], 'bob', 0],
		[
			'Ctrl-W deletes the word before the cursor',
			() => searching('user:bob ip:10.'),
			[CTRL_A, ...Array<[string, InkKey]>(9).fill(RIGHT), ['w', {ctrl: true}]],
			'ip:10.',
			0,
		],
		['Ctrl-U deletes before the cursor', () => searching('user:bob ip:10.'), [LEFT, LEFT, ['u', {ctrl: true}]], '0.', 0],
		['a chunk of text goes in at the cursor', () => searching('alice'), [CTRL_A, ['user:']], 'user:alice', 5],
		['the cursor counts characters, not bytes', () => searching('h🙂é'), [LEFT, LEFT, ['x']], 'hx🙂é', 2],
	])('search: %s', (_name, state, reads, draft, caret) => {
		const after = press(state(), ...reads);
		expect(after.searchDraft).toBe(draft);
		expect(after.caret).toBe(caret);
	});

	it('edits the reason of a disconnect at its cursor, and Tab to the confirmation and back starts at the end', () => {
		let state = press(previewing(THREE, 3), ['', {tab: true}], ['why now']);
		expect(reasonOf(state)).toBe('why now');
		state = press(state, CTRL_A, ['no '], ['', {end: true}], ['!']);
		expect(reasonOf(state)).toBe('no why now!');
		state = press(state, LEFT, LEFT, ['', {backspace: true}], ['', {home: true}], RIGHT, ['w', {ctrl: true}]);
		expect(reasonOf(state)).toBe('o why nw!');
		expect(state.caret).toBe(0);
		state = press(state, RIGHT, ['', {tab: true}]);
		expect(state.caret).toBeUndefined();
		state = press(state, ['', {tab: true}], ['?']);
		expect(reasonOf(state)).toBe('o why nw!?');
	});

	it('edits a typed confirmation at its cursor', () => {
		const state = press(previewing(NAS, 3), ['bg-1'], CTRL_A, RIGHT, ['n']);
		expect(state.disconnect?.typed).toBe('bng-1');
		expect(routeKey(state, '\r', {return: true}, keymap).state.disconnect?.phase).toBe('running');
	});

	it('leaves the cursor keys alone where no field is edited', () => {
		expect(route(table(), '', {leftArrow: true})).toEqual([]);
		expect(route(previewing(ONE, 1), '', {home: true})).toEqual([]);
		expect(route(previewing(THREE, 3), 'a', {ctrl: true})).toEqual([]);
	});

	it('starts a new search with the cursor at the end', () => {
		const kept = press(searching('bob'), CTRL_A, ['\r', {return: true}]);
		expect(kept.caret).toBeUndefined();
		const again = press(kept, ['/'], ['x']);
		expect(again.searchDraft).toBe('bobx');
	});
});

describe('caretView', () => {
	it.each<[string, string, number | undefined, number, CaretView]>([
		['at the end: an empty cell', 'bob', undefined, 10, {before: 'bob', at: ' ', after: ''}],
		['on a character', 'bob', 1, 10, {before: 'b', at: 'o', after: 'b'}],
		['the rest cut at the edge', 'abcdefgh', 0, 4, {before: '', at: 'a', after: 'bcd'}],
		['the start gives way to keep the cursor in view', 'abcdefgh', 6, 4, {before: '…ef', at: 'g', after: ''}],
		['control characters drawn as escapes', 'a\x1bb', 1, 10, {before: 'a', at: '\\x1b', after: 'b'}],
	])('%s', (_name, text, caret, width, view) => {
		expect(caretView(text, caret, width)).toEqual(view);
	});
});

describe('control keys in the same read as typed text (a paste, a slow link)', () => {
	const keymap = activeKeymap(false);
	const chunk = (state: UiState, input: string) => routeKey(state, input, {}, keymap);
	const reasonOf = (state: UiState) => state.disconnect?.reason;
	const hasControl = (text: string) => [...text].some((character) => character < ' ');

	it.each<[string, string, string, string, number | undefined]>([
		['Ctrl-U clears what was typed before it', '', 'abc\x15', '', undefined],
		['Ctrl-U, then the text after it', 'old', 'abc\x15bob', 'bob', undefined],
		['Ctrl-W deletes the word before it', 'user:bob ', 'ip:10.\x17', 'user:bob ', undefined],
		['Ctrl-A goes to the start, the text after it goes in there', 'bob', '\x01user:', 'user:bob', 5],
		['Ctrl-A then Ctrl-E: the text goes at the end', 'bob', '\x01\x05!', 'bob!', undefined],
		['Backspace in the chunk deletes one', '', 'bx\bob', 'bob', undefined],
	])('search: %s', (_name, draft, input, result, caret) => {
		const after = chunk(searching(draft), input).state;
		expect(after.mode).toBe('search');
		expect(after.searchDraft).toBe(result);
		expect(after.caret).toBe(caret);
	});

	it('no control character from Ctrl-A to Ctrl-Z is ever typed into the search', () => {
		for (let code = 0x01; code <= 0x1a; code++) {
			const character = String.fromCharCode(code);
			if ('\b\t\n\r'.includes(character)) continue;
			const routed = chunk(searching(''), `ab${character}cd`);
			const draft = routed.state.searchDraft ?? '';
			expect(draft, `Ctrl-${String.fromCharCode(0x40 + code)}`).toSatisfy((text: string) => !hasControl(text));
			expect(routed.effects.some((effect) => effect !== 'exit' && effect.type === 'search-input' && hasControl(effect.text))).toBe(
				false,
			);
		}
	});

	it('Ctrl-C in a chunk quits, and nothing after it is read', () => {
		expect(chunk(searching(''), 'ab\x03cd').effects).toEqual([
			{type: 'search-input', text: 'a'},
			{type: 'search-input', text: 'ab'},
			'exit',
		]);
	});

	it('Ctrl-F and Ctrl-B in a chunk page the table', () => {
		expect(chunk(table(), 'j\x06\x02').effects).toEqual([
			{type: 'move', by: 1},
			{type: 'move-page', pages: 1},
			{type: 'move-page', pages: -1},
		]);
	});

	it('a typed confirmation: Ctrl-U clears a wrong name, the right one and Enter confirm', () => {
		const routed = chunk(previewing(NAS, 3), 'bng-2\x15bng-1\r');
		expect(routed.state.disconnect?.typed).toBe('bng-1');
		expect(routed.state.disconnect?.phase).toBe('running');
	});

	it('a typed confirmation never takes a control character as text', () => {
		const state = chunk(previewing(NAS, 3), 'bng\x07\x0b-1').state;
		expect(state.disconnect?.typed).toBe('bng-1');
		expect(state.disconnect?.phase).toBe('preview');
	});

	it("the disconnect's reason: Ctrl-W deletes the last word", () => {
		const state = chunk(routeKey(previewing(THREE, 3), '\t', {tab: true}, keymap).state, 'power cut\x17works').state;
		expect(reasonOf(state)).toBe('power works');
	});

	it('the command line: Ctrl-U clears it, Ctrl-W deletes a word, and the rest runs', () => {
		let routed = chunk(table(), ':nas zz\x15status closed\r');
		expect(routed.state.mode).toBe('table');
		expect(routed.state.query.status).toBe('closed');
		routed = chunk(table(), ':nas bng-1 extra\x17\r');
		expect(routed.state.mode).toBe('table');
		expect(routed.state.query.nas).toBe('10.20.0.1');
	});
});
