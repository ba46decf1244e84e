/**
 * The column picker (`c`) as data: the keys through the keymap and the reducer, what Enter saves, and the
 * lines it draws.
 */
import {describe, expect, it} from 'vitest';
import {columnPickerLines, pickedColumns} from '../../source/ui/column-picker.js';
import type {InkKey} from '../../source/ui/key-names.js';
import {routeKey} from '../../source/ui/key-routing.js';
import {activeKeymap, footerItems, helpEntries, KEYMAP} from '../../source/ui/keymap.js';
import {initialState, reducer} from '../../source/ui/state.js';
import type {UiState} from '../../source/ui/state-types.js';
import {COLUMN_PRIORITIES, TABLE_COLUMN_IDS} from '../../source/ui/table-columns.js';

const keymap = activeKeymap(false);
const press = (state: UiState, ...reads: Array<[string, InkKey?]>) =>
	reads.reduce((current, [input, key]) => routeKey(current, input, key ?? {}, keymap).state, state);
const ENTER: [string, InkKey] = ['\r', {return: true}];
const ESC: [string, InkKey] = ['', {escape: true}];
const DOWN: [string, InkKey] = ['', {downArrow: true}];
const SPACE: [string] = [' '];

describe('the column picker', () => {
	it('opens with c on the view’s own columns, the cursor on USER', () => {
		const state = press(initialState(), ['c']);
		expect(state.mode).toBe('columns');
		expect(state.columnPicker).toEqual({cursor: 0, checked: [...COLUMN_PRIORITIES.active], own: true});
		expect(footerItems(keymap, state)).toEqual(['↑↓ move', '␣ toggle', "r view's own", '⏎ save', 'Esc cancel']);
	});

	it('opens on the profile’s pick when there is one', () => {
		const state = press(initialState({columns: ['user', 'stop', 'cause']}), ['c']);
		expect(state.columnPicker).toEqual({cursor: 0, checked: ['user', 'stop', 'cause'], own: false});
	});

	it('toggles the column under the cursor with space; Enter saves the checked ones in the table’s order', () => {
		// NAS (row 2), STATUS (row 3) and MAC (row 10) off.
		const state = press(initialState(), ['c'], DOWN, SPACE, ['j'], SPACE, ...Array<typeof DOWN>(7).fill(DOWN), SPACE, ENTER);
		const columns = [
			'user',
			'ip',
			'ipv6',
			'duration',
			'remaining',
			'plan',
			'billing',
			'vendor',
			'down',
			'up',
			'rateDown',
			'rateUp',
			'start',
			'sessionId',
		];
		expect(state).toMatchObject({mode: 'table', columns, columnsSave: {seq: 1, columns}});
		expect(state.columnPicker).toBeUndefined();
	});

	it('keeps USER: it always shows', () => {
		const state = press(initialState(), ['c'], SPACE);
		expect(state.columnPicker?.checked).toContain('user');
		expect(state.message?.text).toBe('USER always shows');
		expect(pickedColumns({cursor: 0, checked: ['stop'], own: false})).toEqual(['user', 'stop']);
	});

	it('goes back to the view’s own choice with r, which Enter saves as no setting', () => {
		const picked = initialState({columns: ['user', 'stop']});
		const reset = press(picked, ['c'], ['r']);
		expect(reset.columnPicker).toEqual({cursor: 0, checked: [...COLUMN_PRIORITIES.active], own: true});
		const saved = press(reset, ENTER);
		expect(saved.columns).toBeUndefined();
		expect(saved.columnsSave).toEqual({seq: 1});
		// A toggle after r is a pick again.
		expect(press(reset, DOWN, SPACE).columnPicker?.own).toBe(false);
	});

	it('changes nothing on Esc or q', () => {
		const picked = initialState({columns: ['user', 'stop']});
		for (const key of [ESC, ['q'] as [string]]) {
			const state = press(picked, ['c'], DOWN, SPACE, key);
			expect(state.mode).toBe('table');
			expect(state.columns).toEqual(['user', 'stop']);
			expect(state.columnsSave).toBeUndefined();
		}
	});

	it('stops the cursor at both ends of the list', () => {
		expect(press(initialState(), ['c'], ['k']).columnPicker?.cursor).toBe(0);
		expect(press(initialState(), ['c'], ['j'.repeat(30)]).columnPicker?.cursor).toBe(TABLE_COLUMN_IDS.length - 1);
	});

	it('says where the pick was saved, or why it was not (the pick stays on screen)', () => {
		const saved = press(initialState(), ['c'], DOWN, SPACE, ENTER);
		expect(saved.message?.text).toBe('saving the columns…');
		expect(reducer(saved, {type: 'columns-saved', seq: 1, where: 'profile "noc"'}).message?.text).toBe(
			'columns saved to profile "noc"',
		);
		expect(reducer(saved, {type: 'columns-saved', seq: 1}).message?.text).toBe('columns for this console only (not saved)');
		const failed = reducer(saved, {type: 'columns-saved', seq: 1, error: 'EACCES'});
		expect(failed.message).toEqual({text: 'columns changed here, not saved: EACCES', kind: 'error'});
		expect(failed.columns).toEqual(saved.columns);
		// An answer for an earlier save says nothing.
		expect(reducer(saved, {type: 'columns-saved', seq: 0, where: 'x'})).toBe(saved);
		const own = press(initialState({columns: ['user']}), ['c'], ['r'], ENTER);
		expect(reducer(own, {type: 'columns-saved', seq: 1, where: 'profile "noc"'}).message?.text).toBe(
			'each view\'s own columns saved to profile "noc"',
		);
	});

	it('can be opened by an action from elsewhere, only from the table', () => {
		expect(reducer(initialState(), {type: 'columns-open'}).mode).toBe('columns');
		const searching = reducer(initialState(), {type: 'search-start'});
		expect(reducer(searching, {type: 'columns-open'}).mode).toBe('search');
	});

	it('is in the help as c', () => {
		expect(helpEntries(KEYMAP)).toContainEqual({label: 'c', description: 'pick the table columns'});
	});

	it('draws a checkbox a column, the cursor inverse, and which columns the view does not show', () => {
		const state = press(initialState(), ['c'], DOWN, SPACE);
		const lines = columnPickerLines(state, 76, 24);
		expect(lines[0]).toMatchObject({text: expect.stringMatching(/^columns \(your choice\) · ↑↓ · space toggles/), bold: true});
		expect(lines.slice(1, 5).map((line) => line.text)).toEqual([
			'[x] USER        always shown',
			'[ ] NAS',
			'[x] STATUS',
			'[x] FRAMED IP',
		]);
		expect(lines.filter((line) => line.inverse).map((line) => line.text)).toEqual(['[ ] NAS']);
		expect(lines.find((line) => line.text.includes('STOP'))?.text).toBe('[ ] STOP        not in the active view');
		expect(lines.find((line) => line.text.includes('BILLING'))?.text).toBe(
			"[x] BILLING     the billing query's columns, where one is set",
		);
		expect(lines).toHaveLength(TABLE_COLUMN_IDS.length + 1);
		// A short body keeps the cursor in view.
		const low = press(state, ['j'.repeat(17)]);
		const short = columnPickerLines(low, 60, 5);
		expect(short).toHaveLength(5);
		expect(short.at(-1)).toEqual({text: '[x] SESSION ID', inverse: true});
		expect(short.every((line) => line.text.length <= 60)).toBe(true);
	});
});
