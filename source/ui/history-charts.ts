/**
 * What the history view charts, from the state and the console's own samples: the network (every site, or the
 * `:site` narrowed to: that site's total) and the NAS picked under it, found by its key (the IP, or `site:IP`
 * over several sites, titled `site/name IP`). Pure.
 */
import {mergedSeries, siteNasKeys, type OnlineHistory, type PollSamples} from '../sessions/online-history.js';
import {nasCountKey} from '../sessions/session-key.js';
import type {HistoryChart} from './history-view-lines.js';
import type {UiState} from './state-types.js';

export interface HistoryCharts {
	readonly network: HistoryChart;
	readonly nas?: HistoryChart;
}

/** The NAS of a key as the latest counts or the history know it: its IP, name and site. */
function nasOf(state: UiState, history: OnlineHistory | undefined, key: string) {
	const known = [...(state.snapshot?.stats.perNas ?? []), ...(history?.perNas ?? [])];
	const found = known.find((nas) => nasCountKey(nas) === key);
	// The name from whichever knows one (the counts first; the history's comes from the same nas table).
	const name = known.find((nas) => nasCountKey(nas) === key && nas.nasname)?.nasname ?? null;
	return found ? {ip: found.nasipaddress, name, site: found.site} : {ip: key, name: null, site: undefined};
}

/** The title of a NAS's chart: `name IP`, `site/name IP` over several sites, the IP alone without a name. */
export function nasChartLabel(nas: {ip: string; name: string | null; site?: string | undefined}): string {
	const site = nas.site === undefined ? '' : `${nas.site}/`;
	return nas.name ? `${site}${nas.name} ${nas.ip}` : `${site}${nas.ip}`;
}

export function historyCharts(state: UiState, samples: PollSamples): HistoryCharts {
	const history = state.onlineHistory?.history;
	const site = state.query.site;
	const network: HistoryChart =
		site === undefined
			? {label: 'network', series: mergedSeries(history, samples)}
			: {label: `site ${site}`, series: mergedSeries(history, samples, siteNasKeys(history, samples, site))};
	const key = state.historyView?.nas ?? null;
	if (key === null) return {network};
	return {network, nas: {label: nasChartLabel(nasOf(state, history, key)), series: mergedSeries(history, samples, [key])}};
}
