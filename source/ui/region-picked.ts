/** Enter on a region in the NAS picker: `X` previews the disconnect of all its NAS, `n` filters on `region:NAME`. */
import {regionDisconnect, searchWithRegion, type RegionCount} from './region-choices.js';
import type {UiAction, UiState, ViewQuery} from './state-types.js';

export {checkRegionTerms} from './region-choices.js';

/** No choice (an empty picker) closes the picker. */
export function regionPicked(
	state: UiState,
	region: RegionCount | undefined,
	reducer: (state: UiState, action: UiAction) => UiState,
	withQuery: (state: UiState, query: ViewQuery) => UiState,
): UiState {
	if (!region) return {...state, mode: 'table'};
	if (state.nasPickerPurpose === 'disconnect') {
		const back: UiState = {...state, mode: 'table', nasPickerPurpose: 'filter'};
		return reducer(back, {type: 'disconnect-request', ...regionDisconnect(region)});
	}
	const search = searchWithRegion(state.query.search, region.name);
	return {...withQuery(state, {...state.query, nas: null, search}), mode: 'table', searchDraft: search};
}
