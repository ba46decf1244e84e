import {useEffect, useEffectEvent, type Dispatch} from 'react';
import {describeError} from '../../db/errors.js';
import type {TableColumnId} from '../../sessions/session-columns.js';
import type {UiAction, UiState} from '../state-types.js';

/** Keeps the columns picked in the profile (undefined: each view's own again); resolves to where they were kept. */
export type SaveColumns = (columns: readonly TableColumnId[] | undefined) => Promise<string>;

/** Saves each pick Enter made in the column picker (`columnsSave` in the state), and reports how it went. */
export function useColumnsSave(save: SaveColumns | undefined, pick: UiState['columnsSave'], dispatch: Dispatch<UiAction>): void {
	const start = useEffectEvent((wanted: NonNullable<UiState['columnsSave']>) => {
		if (!save) {
			dispatch({type: 'columns-saved', seq: wanted.seq});
			return;
		}
		save(wanted.columns).then(
			(where) => dispatch({type: 'columns-saved', seq: wanted.seq, where}),
			(error: unknown) => dispatch({type: 'columns-saved', seq: wanted.seq, error: describeError(error)}),
		);
	});
	useEffect(() => {
		if (pick) start(pick);
	}, [pick]);
}
