import {useEffect, useEffectEvent, type Dispatch} from 'react';
import {describeError} from '../../db/errors.js';
import type {UiAction, ViewQuery} from '../state-types.js';

/** Writes a view to a CSV file; resolves to the rows written and the file. */
export type ExportView = (query: ViewQuery) => Promise<{rows: number; path: string}>;

/** Writes the view `e` asked for (`exporting` in the state) and reports how it went. */
export function useExport(exportView: ExportView | undefined, exporting: ViewQuery | null, dispatch: Dispatch<UiAction>): void {
	// One export per press of `e`: a new exportView (a re-render of the console) does not write the file again.
	const start = useEffectEvent((query: ViewQuery) => {
		if (!exportView) {
			dispatch({type: 'export-failed', message: 'exports are not available here'});
			return;
		}
		exportView(query).then(
			(written) => dispatch({type: 'export-done', ...written}),
			(error: unknown) => dispatch({type: 'export-failed', message: describeError(error)}),
		);
	});
	useEffect(() => {
		if (exporting) start(exporting);
	}, [exporting]);
}
