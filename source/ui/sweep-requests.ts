/**
 * The sweep key's request (`W`) as an action, from the console's state: the view's NAS, in words, and the count
 * the view showed. Pure.
 */
import {searchInWords} from '../sessions/search.js';
import {queryKey, totalRows} from './state-view.js';
import type {UiAction, UiState} from './state-types.js';

/**
 * `W`: the stale sessions of the view's NAS filter (every NAS without one) at the sites in view, from the stale
 * view only. A search
 * does not narrow a sweep (as `radtop sweep` takes only --nas), so W asks for it to be cleared first.
 */
export function sweepStale(state: UiState): UiAction {
	const info = (text: string): UiAction => ({type: 'message', text, kind: 'info'});
	if (state.query.status !== 'stale') return info('W sweeps from the stale view: t shows it');
	if (state.query.search.trim() !== '') {
		return info(`W sweeps whole NAS, not a search (${searchInWords(state.query.search)}): Esc clears it`);
	}
	if (state.sweep?.phase === 'running') return info('a sweep is running: v shows it');
	if (state.disconnect?.phase === 'running') return info('a disconnect is running: W waits for it to end (v shows it)');
	const {nas, site} = state.query;
	const nasName = nas ? (state.snapshot?.stats.perNas.find((entry) => entry.nasipaddress === nas)?.nasname ?? nas) : null;
	// Several sites: the sites in view, every one or the one `:site` narrowed the view to.
	const where = site !== undefined ? ` at ${site}` : state.snapshot?.sites ? ` of every site` : '';
	return {
		type: 'sweep-request',
		...(nas ? {nasIps: [nas]} : {}),
		...(site === undefined ? {} : {site}),
		label: `${nasName ? `on ${nasName}` : 'on every NAS'}${where}`,
		viewCount: state.snapshot?.key === queryKey(state.query) ? totalRows(state) : null,
	};
}
