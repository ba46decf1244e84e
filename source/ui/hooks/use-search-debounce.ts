import {useEffect, type Dispatch} from 'react';
import type {UiAction, UiState} from '../state-types.js';

const SEARCH_DEBOUNCE_MS = 150;

/** Applies the search text being typed to the query once typing pauses, so each key does not start a poll. */
export function useSearchDebounce(state: UiState, dispatch: Dispatch<UiAction>): void {
	const {mode, searchDraft} = state;
	const search = state.query.search;
	useEffect(() => {
		if (mode !== 'search' || searchDraft === search) return;
		const timer = setTimeout(() => dispatch({type: 'search-apply'}), SEARCH_DEBOUNCE_MS);
		return () => clearTimeout(timer);
	}, [mode, searchDraft, search, dispatch]);
}
