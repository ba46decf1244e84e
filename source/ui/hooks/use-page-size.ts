import {useEffect, type Dispatch} from 'react';
import type {UiAction} from '../state-types.js';

/** Tells the state how many table rows fit whenever the page size changes (the terminal was resized). */
export function usePageSize(pageSize: number, dispatch: Dispatch<UiAction>): void {
	useEffect(() => {
		dispatch({type: 'resize', pageSize});
	}, [pageSize, dispatch]);
}
