import {describe, expect, it} from 'vitest';
import {
	actionFor,
	activeKeymap,
	bindingFor,
	footerHints,
	helpEntries,
	KEYMAP,
	readOnlyRefusal,
	type Binding,
} from '../../source/ui/keymap.js';
import {keyNameOf, keyNameOfCharacter, pressesOf} from '../../source/ui/key-names.js';
import {initialState} from '../../source/ui/state.js';
import type {Mode} from '../../source/ui/state-types.js';

const MODES: readonly Mode[] = [
	'table',
	'search',
	'detail',
	'help',
	'nas-picker',
	'preview',
	'progress',
	'results',
	'sweep-preview',
	'sweep-progress',
	'sweep-results',
];

/** Every key that can start or repeat a disconnect, or start a sweep that closes sessions in radacct. */
const DISCONNECT_KEYS = ['d', 'D', 'X', 'A', 'R', 'W'];

describe('KEYMAP', () => {
	it.each(MODES)('claims each key at most once in %s mode', (mode) => {
		const keys = KEYMAP.filter((binding) => binding.modes.includes(mode)).flatMap((binding) => binding.keys);
		const repeated = keys.filter((key, index) => keys.indexOf(key) !== index);
		expect(repeated).toEqual([]);
	});

	it('lists each key only once within a binding', () => {
		for (const binding of KEYMAP) expect(new Set(binding.keys).size).toBe(binding.keys.length);
	});

	it('has a way out of every mode', () => {
		for (const mode of MODES) {
			expect(bindingFor(KEYMAP, mode, 'ctrl+c')?.action).toBe('quit');
			if (mode !== 'table') expect(bindingFor(KEYMAP, mode, 'escape')).toBeDefined();
		}
	});

	it('marks every disconnect key dangerous, and nothing that only looks', () => {
		const dangerous = KEYMAP.filter((binding) => binding.dangerous).flatMap((binding) => binding.keys);
		expect(dangerous.sort()).toEqual([...DISCONNECT_KEYS, 'v'].sort());
		for (const key of DISCONNECT_KEYS) {
			for (const binding of KEYMAP.filter(
				(candidate) =>
					candidate.keys.includes(key) && !['preview', 'search'].some((mode) => candidate.modes.includes(mode as Mode)),
			)) {
				expect(binding.dangerous, `${key} in ${binding.modes.join(',')}`).toBe(true);
			}
		}
	});
});

describe('help', () => {
	it('lists every binding of the table and detail views exactly once, and those only', () => {
		const entries = helpEntries(KEYMAP);
		const shown = KEYMAP.filter((binding) => binding.modes.includes('table') || binding.modes.includes('detail'));
		// Bindings of the same keys and words in the table and the details (↑↓ PgUp PgDn) are one help line.
		const distinct = new Set(shown.map((binding) => `${binding.label}|${binding.description}`));
		expect(entries).toHaveLength(distinct.size);
		expect(distinct.size).toBe(shown.length - 4);
		expect(entries.map((entry) => entry.description)).not.toContain('cancel: nothing is sent');
		for (const binding of shown) {
			const matching = entries.filter((entry) => entry.label === binding.label && entry.description === binding.description);
			expect(matching, `${binding.label} ${binding.description}`).toHaveLength(1);
		}
	});

	it('shows a binding shared by several modes once', () => {
		const keymap: Binding[] = [
			{keys: ['x'], label: 'x', description: 'do x', modes: ['table'], action: {type: 'refresh'}},
			{keys: ['x'], label: 'x', description: 'do x', modes: ['detail'], action: {type: 'refresh'}},
		];
		expect(helpEntries(keymap)).toEqual([{label: 'x', description: 'do x'}]);
	});
});

describe('footer', () => {
	it.each(MODES)('hints only bindings of %s mode that have a hint, in keymap order', (mode) => {
		const expected = KEYMAP.filter((binding) => binding.modes.includes(mode) && binding.hint).map((binding) => binding.hint);
		expect(footerHints(KEYMAP, mode)).toEqual(expected);
	});

	it('hints the main keys in the table', () => {
		// The header says "? help"; at 80 columns the footer keeps room for the keys that act.
		expect(footerHints(KEYMAP, 'table')).toEqual([
			'↑↓ move',
			'/ search',
			'n NAS',
			's sort',
			'␣ select',
			'd disconnect',
			'⏎ details',
			'q quit',
		]);
		expect(footerHints(KEYMAP, 'table').join('  ').length).toBeLessThanOrEqual(79);
		expect(footerHints(KEYMAP, 'search')).toEqual(['⏎ keep search', 'Esc clear search']);
	});
});

describe('read-only', () => {
	it('keeps the disconnect keys when writes are allowed', () => {
		const keymap = activeKeymap(false);
		expect(keymap).toEqual([...KEYMAP]);
		expect(bindingFor(keymap, 'table', 'd')?.dangerous).toBe(true);
		expect(footerHints(keymap, 'table')).toContain('d disconnect');
	});

	it('drops every dangerous binding from input, help and footer', () => {
		const keymap = activeKeymap(true);
		expect(keymap.some((binding) => binding.dangerous)).toBe(false);
		for (const key of DISCONNECT_KEYS) {
			for (const mode of MODES) expect(bindingFor(keymap, mode, key)?.dangerous, `${key} in ${mode}`).not.toBe(true);
		}
		expect(actionFor(keymap, initialState({readOnly: true}), 'd')).toBeUndefined();
		expect(footerHints(keymap, 'table')).not.toContain('d disconnect');
		expect(helpEntries(keymap).map((entry) => entry.label)).not.toContain('X');
	});

	it('says why a disconnect key did nothing', () => {
		expect(readOnlyRefusal(initialState({readOnly: true}), 'X')).toBe('read-only mode: X (disconnect a whole NAS or region) is off');
		expect(readOnlyRefusal(initialState({readOnly: true, query: {status: 'stale'}}), 'W')).toBe(
			'read-only mode: W (sweep the stale sessions) is off',
		);
		expect(activeKeymap(true).some((binding) => binding.keys.includes('W'))).toBe(false);
		expect(readOnlyRefusal(initialState({readOnly: true}), 'j')).toBeUndefined();
		expect(readOnlyRefusal(initialState({readOnly: false}), 'd')).toBeUndefined();
	});
});

describe('actionFor', () => {
	it('finds the action for the mode in force', () => {
		const table = initialState();
		expect(actionFor(KEYMAP, table, 'j')).toEqual({type: 'move', by: 1});
		expect(actionFor(KEYMAP, table, 'enter')).toEqual({type: 'open-detail'});
		expect(actionFor(KEYMAP, table, 'q')).toBe('quit');
		const search = {...table, mode: 'search' as const};
		expect(actionFor(KEYMAP, search, 'enter')).toEqual({type: 'search-commit'});
		// Letters are text while searching.
		expect(actionFor(KEYMAP, search, 'q')).toBeUndefined();
		expect(actionFor(KEYMAP, search, 'j')).toBeUndefined();
		const picker = {...table, mode: 'nas-picker' as const};
		expect(actionFor(KEYMAP, picker, 'j')).toEqual({type: 'nas-picker-move', by: 1});
		expect(actionFor(KEYMAP, picker, 'enter')).toEqual({type: 'nas-picker-choose'});
	});

	it('calls a binding whose action depends on the state', () => {
		const keymap: Binding[] = [
			{
				keys: ['x'],
				label: 'x',
				description: 'x',
				modes: ['table'],
				action: (state) => (state.paused ? {type: 'refresh'} : undefined),
			},
		];
		expect(actionFor(keymap, initialState(), 'x')).toBeUndefined();
		expect(actionFor(keymap, {...initialState(), paused: true}, 'x')).toEqual({type: 'refresh'});
	});
});

describe('pressesOf', () => {
	it('splits a chunk into its characters, and Meta+key into Esc and the key', () => {
		expect(pressesOf('jj\r', {}).map((press) => press.name)).toEqual(['j', 'j', 'enter']);
		expect(pressesOf('/', {meta: true})).toEqual([
			{name: 'escape', typed: '', editable: false},
			{name: '/', typed: '/', editable: true},
		]);
		expect(pressesOf('', {upArrow: true})).toEqual([{name: 'up', typed: '', editable: true}]);
		expect(pressesOf('c', {ctrl: true})).toEqual([{name: 'ctrl+c', typed: 'c', editable: false}]);
	});
	it('reads a control character in a chunk as its key, never as text to type', () => {
		expect(pressesOf('ab\x15c', {})).toEqual([
			{name: 'a', typed: 'a', editable: true},
			{name: 'b', typed: 'b', editable: true},
			{name: 'ctrl+u', typed: '\x15', editable: false},
			{name: 'c', typed: 'c', editable: true},
		]);
		// Enter, Tab and Backspace in a chunk stay the presses a field reads (BS deletes, CR submits).
		expect(pressesOf('a\b\t\r', {}).map(({name, editable}) => [name, editable])).toEqual([
			['a', true],
			['backspace', true],
			['tab', true],
			['enter', true],
		]);
		expect(pressesOf('a\x00\x1c', {}).map(({name, editable}) => [name, editable])).toEqual([
			['a', true],
			[undefined, false],
			[undefined, false],
		]);
	});
	it('reads Esc and a control character in one read (Ink drops the Esc, the character comes unflagged) as both keys', () => {
		expect(pressesOf('\x15', {})).toEqual([
			{name: 'escape', typed: '', editable: false},
			{name: 'ctrl+u', typed: '\x15', editable: false},
		]);
		// Alone, Ink flags it: one press.
		expect(pressesOf('u', {ctrl: true})).toEqual([{name: 'ctrl+u', typed: 'u', editable: false}]);
	});
});

describe('keyNameOfCharacter', () => {
	it('names the keys that arrive as characters within a chunk', () => {
		expect([...'bng-1\r\t\x7f '].map(keyNameOfCharacter)).toEqual(['b', 'n', 'g', '-', '1', 'enter', 'tab', 'backspace', 'space']);
	});
	it('names Ctrl-A to Ctrl-Z as those keys, and the control characters of other keys as those keys', () => {
		expect(['\x01', '\x05', '\x06', '\x07', '\x15', '\x17', '\x1a'].map(keyNameOfCharacter)).toEqual([
			'ctrl+a',
			'ctrl+e',
			'ctrl+f',
			'ctrl+g',
			'ctrl+u',
			'ctrl+w',
			'ctrl+z',
		]);
		expect(['\b', '\t', '\n', '\r'].map(keyNameOfCharacter)).toEqual(['backspace', 'tab', 'enter', 'enter']);
		expect(['\x00', '\x1c', '\x1f'].map(keyNameOfCharacter)).toEqual([undefined, undefined, undefined]);
	});
});

describe('keyNameOf', () => {
	it('names arrows and paging keys', () => {
		expect(keyNameOf('', {upArrow: true})).toBe('up');
		expect(keyNameOf('', {downArrow: true})).toBe('down');
		expect(keyNameOf('', {leftArrow: true})).toBe('left');
		expect(keyNameOf('', {rightArrow: true})).toBe('right');
		expect(keyNameOf('', {pageUp: true})).toBe('pageup');
		expect(keyNameOf('', {pageDown: true})).toBe('pagedown');
		expect(keyNameOf('', {home: true})).toBe('home');
		expect(keyNameOf('', {end: true})).toBe('end');
	});

	it('names Enter, Escape, Tab, Backspace and space', () => {
		expect(keyNameOf('\r', {return: true})).toBe('enter');
		expect(keyNameOf('', {escape: true})).toBe('escape');
		expect(keyNameOf('', {tab: true})).toBe('tab');
		expect(keyNameOf('', {backspace: true})).toBe('backspace');
		expect(keyNameOf('', {delete: true})).toBe('backspace');
		expect(keyNameOf(' ', {})).toBe('space');
	});

	it('names control keys in lower case', () => {
		expect(keyNameOf('c', {ctrl: true})).toBe('ctrl+c');
		expect(keyNameOf('B', {ctrl: true})).toBe('ctrl+b');
	});

	it('passes plain characters through, case kept', () => {
		expect(keyNameOf('j', {})).toBe('j');
		expect(keyNameOf('G', {})).toBe('G');
		expect(keyNameOf('?', {})).toBe('?');
		expect(keyNameOf('<', {})).toBe('<');
	});

	it('names nothing for pasted text or an empty report', () => {
		expect(keyNameOf('alice', {})).toBeUndefined();
		expect(keyNameOf('', {})).toBeUndefined();
	});

	it('gives every key of the keymap a name Ink can produce', () => {
		const named = new Set([
			'up',
			'down',
			'left',
			'right',
			'pageup',
			'pagedown',
			'home',
			'end',
			'enter',
			'escape',
			'tab',
			'backspace',
			'space',
		]);
		for (const key of KEYMAP.flatMap((binding) => binding.keys)) {
			expect(named.has(key) || /^ctrl\+[a-z]$/.test(key) || [...key].length === 1, key).toBe(true);
		}
	});
});
