import type {PollSamples} from '../../sessions/online-history.js';
import {historyCharts} from '../history-charts.js';
import {HISTORY_HOURS} from '../history-state.js';
import {historyViewLines} from '../history-view-lines.js';
import type {UiState} from '../state-types.js';
import {ViewLines} from './ViewLines.js';

export interface HistoryViewProps {
	readonly state: UiState;
	readonly samples: PollSamples;
	/** The database's clock now (epoch ms): the charts' right edge. */
	readonly now: number;
	readonly width: number;
	readonly height: number;
}

/** The network's online count over the last hours and, under it, one NAS's: radacct's history, then the polls. */
export function HistoryView(props: HistoryViewProps) {
	const {state, samples} = props;
	const read = state.onlineHistory;
	const history = read?.history;
	const lines = historyViewLines({
		...historyCharts(state, samples),
		// Never before the history's last point: the charts then start at or after its first one.
		end: Math.max(props.now, history?.end.getTime() ?? 0),
		hours: HISTORY_HOURS,
		...(read?.readAt === undefined
			? {}
			: {
					read: {
						at: read.readAt,
						...(history ? {historyEnd: history.end.getTime()} : {}),
						...(read.error ? {error: read.error} : {}),
						...(history?.missingSites ? {missingSites: history.missingSites} : {}),
					},
				}),
		width: props.width,
		height: props.height,
	});
	return <ViewLines lines={lines} framed={false} width={props.width} />;
}
