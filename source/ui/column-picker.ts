/**
 * The column picker (`c`): every column of the table with a checkbox, the view's own choice a key away, and
 * what Enter saves to the profile's `columns`. Pure: the reducer's share for the picker's actions, and its
 * lines for a given width and height; ColumnPicker only paints them.
 */
import {TABLE_COLUMN_IDS, type TableColumnId} from '../sessions/session-columns.js';
import {fit, truncate} from '../terminal/text.js';
import {COLUMN_PRIORITIES, TABLE_COLUMNS} from './table-columns.js';
import type {ColumnPickerAction, ColumnPickerState, UiState} from './state-types.js';
import type {PickerLine} from './nas-picker-lines.js';

/** What the subscriber columns need before they show. */
const SUBSCRIBER_NOTES: Partial<Record<TableColumnId, string>> = {
	remaining: 'start + Session-Timeout, where radreply sets one',
	plan: "the user's groups in radusergroup",
	billing: "the billing query's columns, where one is set",
};

/** The columns the table shows in this state: the profile's pick, else the view's own. */
export function shownColumns(state: UiState): readonly TableColumnId[] {
	return state.columns ?? COLUMN_PRIORITIES[state.query.status];
}

/** The picker as it opens: the columns in force checked, the cursor on the first. */
export function openPicker(state: UiState): ColumnPickerState {
	return {cursor: 0, checked: [...shownColumns(state)], own: state.columns === undefined};
}

/** What Enter saves: undefined for the view's own choice, else the checked columns in the table's order. */
export function pickedColumns(picker: ColumnPickerState): readonly TableColumnId[] | undefined {
	if (picker.own) return undefined;
	return TABLE_COLUMN_IDS.filter((id) => id === 'user' || picker.checked.includes(id));
}

function toggled(picker: ColumnPickerState, id: TableColumnId): ColumnPickerState {
	const checked = picker.checked.includes(id) ? picker.checked.filter((other) => other !== id) : [...picker.checked, id];
	return {...picker, checked, own: false};
}

export function columnPickerReducer(state: UiState, action: ColumnPickerAction): UiState {
	const picker = state.columnPicker;
	switch (action.type) {
		case 'columns-open':
			if (state.mode !== 'table') return state;
			return {...state, mode: 'columns', columnPicker: openPicker(state)};
		case 'columns-move':
			if (state.mode !== 'columns' || !picker) return state;
			return {
				...state,
				columnPicker: {...picker, cursor: Math.min(Math.max(0, picker.cursor + action.by), TABLE_COLUMN_IDS.length - 1)},
			};
		case 'columns-toggle': {
			if (state.mode !== 'columns' || !picker) return state;
			const id = TABLE_COLUMN_IDS[picker.cursor]!;
			if (id === 'user') return {...state, message: {text: 'USER always shows', kind: 'info'}};
			return {...state, columnPicker: toggled(picker, id)};
		}
		case 'columns-reset':
			if (state.mode !== 'columns' || !picker) return state;
			return {...state, columnPicker: {...picker, checked: [...COLUMN_PRIORITIES[state.query.status]], own: true}};
		case 'columns-save': {
			if (state.mode !== 'columns' || !picker) return state;
			const columns = pickedColumns(picker);
			const {columnPicker: _closed, columns: _old, ...rest} = state;
			const seq = (state.columnsSave?.seq ?? 0) + 1;
			return {
				...rest,
				...(columns === undefined ? {} : {columns}),
				mode: 'table',
				columnsSave: columns === undefined ? {seq} : {seq, columns},
				message: {text: 'saving the columns…', kind: 'info'},
			};
		}
		case 'columns-saved': {
			if (action.seq !== state.columnsSave?.seq) return state;
			const own = state.columnsSave.columns === undefined;
			if (action.error !== undefined)
				return {...state, message: {text: `columns changed here, not saved: ${action.error}`, kind: 'error'}};
			const what = own ? "each view's own columns" : 'columns';
			const text = action.where === undefined ? `${what} for this console only (not saved)` : `${what} saved to ${action.where}`;
			return {...state, message: {text, kind: 'info'}};
		}
	}
}

/**
 * The picker's lines: a title with its keys, then one line a column, `[x] USER …`, the one under the cursor
 * inverse and kept in view. A column the view in force does not show (STOP in the open view) says so.
 */
export function columnPickerLines(state: UiState, width: number, height: number): PickerLine[] {
	const picker = state.columnPicker ?? openPicker(state);
	const own = picker.own ? "the view's own choice" : 'your choice';
	const title: PickerLine = {
		text: truncate(`columns (${own}) · ↑↓ · space toggles · r the view's own · Enter saves · Esc cancels`, width),
		bold: true,
		tone: 'accent',
	};
	const inView = new Set(COLUMN_PRIORITIES[state.query.status]);
	const room = Math.max(0, height - 1);
	const first = Math.max(0, Math.min(picker.cursor - Math.floor(room / 2), TABLE_COLUMN_IDS.length - room));
	const lines = TABLE_COLUMN_IDS.slice(first, first + room).map((id, index): PickerLine => {
		const box = id === 'user' || picker.checked.includes(id) ? '[x]' : '[ ]';
		const note =
			id === 'user' ? 'always shown' : !inView.has(id) ? `not in the ${state.query.status} view` : (SUBSCRIBER_NOTES[id] ?? '');
		const text = `${box} ${fit(TABLE_COLUMNS[id].title, 11)} ${note}`.trimEnd();
		return {text: truncate(text, width), ...(first + index === picker.cursor ? {inverse: true} : {})};
	});
	return [title, ...lines].slice(0, Math.max(1, height));
}
