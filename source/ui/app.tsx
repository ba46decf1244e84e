/**
 * The live session console. Thin: state lives in the reducer, effects in hooks, drawing in components;
 * this file lays them out for the terminal's size and routes keys through the keymap.
 */
import {useLayoutEffect, useMemo, useReducer, useRef} from 'react';
import {Box, Text, useApp, useInput} from 'ink';
import {formatCount} from '../sessions/format.js';
import {sanitize} from '../terminal/sanitize.js';
import type {DisconnectService} from '../disconnect/disconnect-service.js';
import type {SweepService} from '../sweep/sweep-service.js';
import type {SessionReader} from '../sessions/session-source.js';
import type {ConsoleSubscribers} from '../subscribers/console-subscribers.js';
import {ColumnPicker} from './components/ColumnPicker.js';
import {DisconnectView} from './components/DisconnectView.js';
import {SweepView} from './components/SweepView.js';
import {DetailView} from './components/DetailView.js';
import {FilterBar} from './components/FilterBar.js';
import {CommandLine} from './components/CommandLine.js';
import {Footer} from './components/Footer.js';
import {Header} from './components/Header.js';
import {HelpOverlay} from './components/HelpOverlay.js';
import {NasPicker} from './components/NasPicker.js';
import {GUTTER, SessionTable} from './components/SessionTable.js';
import {siteColumnWidth, sitesHeader, sitesReplicaStatus, staleSitesOf} from './site-lines.js';
import {PILL_TRENDS_FROM, StatsBar} from './components/StatsBar.js';
import {regionCounts, type RegionCount} from './region-choices.js';
import {StatusLine} from './components/StatusLine.js';
import {UserView} from './components/UserView.js';
import {HistoryView} from './components/HistoryView.js';
import {useOnlineHistory} from './hooks/use-online-history.js';
import {HISTORY_HOURS} from './history-state.js';
import {mergedSeries, nasKey, type OnlineHistory, type PollSamples} from '../sessions/online-history.js';
import {nasCountKey} from '../sessions/session-key.js';
import {useClock} from './hooks/use-clock.js';
import {useColumnsSave, type SaveColumns} from './hooks/use-columns-save.js';
import {useDetail} from './hooks/use-detail.js';
import {useDisconnect} from './hooks/use-disconnect.js';
import {useSweep} from './hooks/use-sweep.js';
import {useExport, type ExportView} from './hooks/use-export.js';
import {usePageSize} from './hooks/use-page-size.js';
import {useMessageExpiry} from './hooks/use-message-expiry.js';
import {useQuitWhenStopped} from './hooks/use-quit-when-stopped.js';
import {useSearchDebounce} from './hooks/use-search-debounce.js';
import {useSessions} from './hooks/use-sessions.js';
import {useReplica, useSiteReplicas, type ReplicaProbe, type SiteReplicaProbe} from './hooks/use-replica.js';
import {replicaBadge} from '../db/replica.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {useUserView, type LookUpUser} from './hooks/use-user-view.js';
import {userOffer} from './user-view-state.js';
import {nasBeingDisconnected, runningStatus} from './disconnect-lines.js';
import {recoveryStatus} from './recovery-lines.js';
import {quitQuestionText} from './disconnect-state.js';
import {sweepQuitQuestion, sweepRunningStatus} from './sweep-state.js';
import {CONCURRENT_EMPTY} from './concurrent-view.js';
import {routeKey} from './key-routing.js';
import {activeKeymap, footerItems} from './keymap.js';
import {bodyHeightFor, tooSmallText, viewArea} from './layout.js';
import {seriesSparkline} from './sparkline.js';
import {chooseColumns, longestNasName, type TableColumnId} from './table-columns.js';
import {initialState, nasChoices, queryKey, reducer, sessionAt, totalRows} from './state.js';

export interface AppProps {
	readonly source: SessionReader;
	/** Where radtop is connected, without any password. */
	readonly databaseLabel: string;
	readonly intervalSeconds: number;
	readonly readOnly: boolean;
	/** Disconnects from the keyboard; without it (and in read-only mode) the console only watches. */
	readonly disconnect?: DisconnectService;
	/** Sweeps the stale sessions from the stale view (`W`); without it (and in read-only mode) nothing is closed. */
	readonly sweep?: SweepService;
	/** Writes every session of a view to a CSV file (`e`); resolves to the rows written and the file. */
	readonly exportView?: ExportView;
	/** Who is behind the sessions (plan, limits, billing); without it those stay empty. */
	readonly subscribers?: ConsoleSubscribers;
	/** The columns the profile picked (`columns`); undefined for each view's own choice. */
	readonly columns?: readonly TableColumnId[];
	/** Keeps what the column picker (`c`) saves in the profile; without it a pick lasts for this console only. */
	readonly saveColumns?: SaveColumns;
	/** Reads one user for the user view (`u`); without it the view says it is not available. */
	readonly lookUpUser?: LookUpUser;
	/** Reads whether the database read is a hot standby, and its lag, for the header; without it none is shown. */
	readonly replica?: ReplicaProbe;
	/** Several sites: each site's read database probed as `replica` is, its lag shown after its count in the header. */
	readonly siteReplicas?: readonly SiteReplicaProbe[];
}

/** The sparkline in a region's pill, on wide terminals. */
const PILL_TREND_WIDTH = 6;

/**
 * A region's pill sparkline: its NAS's open sessions summed, over the last hours when the history has been read
 * (the picker or `h`), else over the console's own polls so far.
 */
function regionTrend(region: RegionCount, history: OnlineHistory | undefined, samples: PollSamples, end: number): string {
	if (region.nas.length === 0) return '';
	const series = mergedSeries(
		history,
		samples,
		region.nas.map((nas) => nasKey(nas.ip, nas.site)),
	);
	const first = series[0]?.at;
	if (first === undefined || first >= end) return '';
	return seriesSparkline(series, Math.max(first, end - HISTORY_HOURS * 3_600_000), end, PILL_TREND_WIDTH);
}
/** What an empty table says, offering the user view when the search names one user. */
function emptyTableText(offer: string | undefined): string {
	return offer === undefined ? 'no sessions match' : `no sessions match · u: look up user ${sanitize(offer)}`;
}

/** The table's rows: the view's lines less its column heads. */
export function pageSizeFor(rows: number): number {
	return Math.max(1, bodyHeightFor(rows) - 1);
}

export function App(props: AppProps) {
	const {exit} = useApp();
	const {columns, rows} = useTerminalSize();
	const [state, dispatch] = useReducer(
		reducer,
		{
			intervalSeconds: props.intervalSeconds,
			readOnly: props.readOnly,
			pageSize: pageSizeFor(rows),
			columns: props.columns,
			sortsRemaining: props.subscribers?.readsPlan ?? false,
		},
		// The profile's regions: the NAS picker lists them, the stats line shows their counts.
		(options) => ({...initialState(options), ...(props.source.regions ? {regions: props.source.regions} : {})}),
	);
	// The clock never runs behind the data on screen: a snapshot that arrives between two ticks would
	// otherwise show durations a second younger than the tick before it, and "refresh in 6s" at 5 s.
	const clock = useClock(1000);
	const now = Math.max(clock, state.snapshot?.fetchedAt ?? 0);
	const keymap = useMemo(() => activeKeymap(state.readOnly), [state.readOnly]);

	usePageSize(pageSizeFor(rows), dispatch);
	useSessions(props.source, state, dispatch, props.subscribers);
	const replica = replicaBadge(useReplica(props.replica, state.intervalSeconds), state.intervalSeconds);
	const siteReplicas = useSiteReplicas(props.siteReplicas, state.intervalSeconds);
	useDetail(props.source, state, dispatch, props.subscribers);
	useDisconnect(props.disconnect, state, dispatch);
	useSweep(props.sweep, state, dispatch);
	useExport(props.exportView, state.exporting, dispatch);
	useQuitWhenStopped(state, exit);
	useMessageExpiry(state.message, dispatch);
	useSearchDebounce(state, dispatch);
	useColumnsSave(props.saveColumns, state.columnsSave, dispatch);
	useUserView(props.lookUpUser, state, dispatch);
	const samples = useOnlineHistory(props.source, state, dispatch);

	// Keys act on the state the keys before them left, not on the state of the last render: Ink hands a key to
	// the handler subscribed after the last commit, and keys that arrive before the next one (a held key, a
	// paste, typing while the event loop was busy) would otherwise be read in the previous mode ("n ↑ ⏎" picking
	// the wrong NAS, "/alice" in one chunk selecting everything with its "a").
	const latest = useRef(state);
	useLayoutEffect(() => {
		latest.current = state;
	});
	const tooSmall = tooSmallText(columns, rows);
	useInput((input, key) => {
		const routed = routeKey(latest.current, input, key, keymap, {confirmable: tooSmall === undefined});
		for (const effect of routed.effects) {
			if (effect === 'exit') exit();
			else dispatch(effect);
		}
		latest.current = routed.state;
	});

	const {width, height: bodyHeight} = viewArea(columns, rows);
	const snapshot = state.snapshot;
	const current = snapshot && snapshot.key === queryKey(state.query) ? snapshot : null;
	// One Date per instant, not per render: the table's memoised rows compare it by identity, so a cursor
	// move redraws two rows instead of every row.
	const dbNowMs = snapshot ? snapshot.stats.dbNow.getTime() + (now - snapshot.fetchedAt) : now;
	const dbNow = useMemo(() => new Date(dbNowMs), [dbNowMs]);
	// The sparklines' right edge: never before the history's last point, so they start at or after its first.
	const historyEnd = Math.max(dbNowMs, state.onlineHistory?.history?.end.getTime() ?? 0);
	// The region pills and their sparklines: once per poll or clock tick, not on every key (a cursor move redraws).
	const pillRegions = useMemo(() => regionCounts(state.regions, snapshot?.stats.perNas ?? []), [state.regions, snapshot]);
	const history = state.onlineHistory?.history;
	const pillTrends = useMemo(
		() =>
			width >= PILL_TRENDS_FROM
				? new Map(pillRegions.map((region) => [region.name, regionTrend(region, history, samples, historyEnd)]))
				: undefined,
		[pillRegions, history, samples, historyEnd, width],
	);
	// Likewise one column layout per width, view, sort and pick (a new array each render would redraw every row).
	const {status: view, sort} = state.query;
	const readsPlan = props.subscribers?.readsPlan ?? false;
	// The billing query's columns as the last enrichment returned them, else as found when the console opened.
	const billing = state.subscribers?.billingColumns.length ? state.subscribers.billingColumns : (props.subscribers?.billingColumns ?? []);
	const billingKey = billing.join('\u0000');
	// Rows of several sites: a SITE column before the others, as wide as the longest name.
	const siteWidth = useMemo(() => siteColumnWidth(snapshot?.sites?.map((site) => site.name) ?? []), [snapshot?.sites]);
	// The longest NAS name of the network: a whole NAS name needs no more than that.
	const nasNameWidth = longestNasName(snapshot?.stats.perNas);
	const tableColumns = useMemo(
		() =>
			chooseColumns({
				width: width - GUTTER - siteWidth,
				status: view,
				sort,
				picked: state.columns,
				subscribers: {plan: readsPlan, billing: billingKey === '' ? [] : billingKey.split('\u0000')},
				...(nasNameWidth === undefined ? {} : {nasNameWidth}),
			}),
		[width, view, sort, state.columns, readsPlan, billingKey, siteWidth, nasNameWidth],
	);
	const ageSeconds = snapshot ? Math.max(0, Math.round((now - snapshot.fetchedAt) / 1000)) : null;
	// The clock ticks once a second, so a countdown read between ticks is clamped to the interval.
	const nextInSeconds =
		state.nextPollAt === null ? null : Math.min(state.intervalSeconds, Math.max(0, Math.ceil((state.nextPollAt - now) / 1000)));
	const total = totalRows(state);
	const visible = [];
	for (let index = state.top; index < Math.min(total, state.top + state.pageSize); index++) visible.push(sessionAt(state, index));
	const nasLabel = state.query.nas
		? (snapshot?.stats.perNas.find((nas) => nas.nasipaddress === state.query.nas)?.nasname ?? state.query.nas)
		: null;
	const position =
		total === 0 ? '0 shown' : `${formatCount(state.cursor + 1)} of ${formatCount(total)}${current?.total.capped ? '+' : ''}`;

	// The NAS whose pill stays in view: the filtered one, else the one a NAS-wide disconnect is (or was) emptying.
	const pinned = state.query.nas ? {ip: state.query.nas, name: nasLabel} : nasBeingDisconnected(state.disconnect);
	const sites = snapshot?.sites ? sitesHeader(snapshot.sites, now, state.query.site, siteReplicas, state.intervalSeconds) : undefined;
	// While a disconnect runs behind another view, the status line follows it.
	const status =
		(state.mode === 'progress' ? undefined : runningStatus(state.disconnect)) ??
		(state.mode === 'sweep-progress' ? undefined : sweepRunningStatus(state.sweep)) ??
		state.message ??
		recoveryStatus(state.disconnect) ??
		null;
	// The quit question asks about the run that goes on: a disconnect first, else a sweep.
	const sweepAsked = state.disconnect?.phase !== 'running' && state.sweep?.phase === 'running';

	// Below the minimum size nothing else is drawn, and no confirmation is taken (routeKey above).
	if (tooSmall !== undefined) {
		return <Text wrap="truncate-end">{tooSmall}</Text>;
	}

	let body;
	if (state.mode === 'help') {
		body = <HelpOverlay keymap={keymap} readOnly={state.readOnly} width={width} height={bodyHeight} top={state.helpTop ?? 0} />;
	} else if (state.mode === 'detail' && state.detail) {
		body = (
			<DetailView
				detail={state.detail}
				now={dbNow}
				rate={snapshot?.rates.get(state.detail.id)}
				masked={state.masked}
				staleAfterSeconds={props.source.staleAfterSeconds}
				width={width}
				height={bodyHeight}
				reloadedAt={state.detail.session ? snapshot?.reloads?.get(nasCountKey(state.detail.session)) : undefined}
			/>
		);
	} else if (state.mode === 'user' && state.userView) {
		body = <UserView view={state.userView} width={width} height={bodyHeight} />;
	} else if ((state.mode === 'history' || state.mode === 'command') && state.historyView) {
		body = <HistoryView state={state} samples={samples} now={dbNowMs} width={width} height={bodyHeight} />;
	} else if (state.mode === 'columns') {
		body = <ColumnPicker state={state} width={width} height={bodyHeight} />;
	} else if (state.mode === 'nas-picker') {
		body = (
			<NasPicker
				choices={nasChoices(state)}
				cursor={state.nasCursor}
				current={state.query.nas}
				width={width}
				height={bodyHeight}
				purpose={state.nasPickerPurpose}
				now={dbNow}
				trends={{
					of: (ip, site) => mergedSeries(state.onlineHistory?.history, samples, ip === null ? undefined : [nasKey(ip, site)]),
					ofAll: (nas) =>
						mergedSeries(
							state.onlineHistory?.history,
							samples,
							nas.map((entry) => nasKey(entry.ip, entry.site)),
						),
					from: historyEnd - HISTORY_HOURS * 3_600_000,
					to: historyEnd,
				}}
			/>
		);
	} else if ((state.mode === 'preview' || state.mode === 'progress' || state.mode === 'results') && state.disconnect) {
		body = (
			<DisconnectView
				disconnect={state.disconnect}
				view={state.mode}
				now={dbNow}
				width={width}
				height={bodyHeight}
				caret={state.caret}
			/>
		);
	} else if ((state.mode === 'sweep-preview' || state.mode === 'sweep-progress' || state.mode === 'sweep-results') && state.sweep) {
		body = <SweepView sweep={state.sweep} view={state.mode} width={width} height={bodyHeight} caret={state.caret} />;
	} else {
		body = (
			<SessionTable
				columns={tableColumns}
				rows={visible}
				cursor={state.cursor - state.top}
				selection={state.selection}
				allMatching={state.allMatching}
				rates={snapshot?.rates ?? new Map()}
				now={dbNow}
				masked={state.masked}
				staleAfterSeconds={props.source.staleAfterSeconds}
				height={state.pageSize}
				width={width}
				emptyText={
					current
						? state.query.concurrent
							? CONCURRENT_EMPTY
							: emptyTableText(userOffer(state))
						: state.error
							? 'no data'
							: 'loading…'
				}
				subscribers={state.subscribers?.byId}
				reloads={snapshot?.reloads}
				userOpenSessions={current?.userOpenSessions}
				siteWidth={siteWidth}
				staleSites={staleSitesOf(snapshot?.sites)}
			/>
		);
	}

	return (
		<Box flexDirection="column" width={width} height={rows - 1}>
			<Header
				database={sites?.forms[0] ?? props.databaseLabel}
				sites={sites}
				intervalSeconds={state.intervalSeconds}
				nextInSeconds={nextInSeconds}
				paused={state.paused}
				readOnly={state.readOnly}
				ageSeconds={ageSeconds}
				durationMs={snapshot?.durationMs ?? null}
				width={width}
				replica={replica}
			/>
			<StatsBar
				stats={snapshot?.stats ?? null}
				nas={state.query.nas}
				pinned={pinned}
				width={width}
				regions={pillRegions}
				{...(pillTrends ? {regionTrend: (region: RegionCount) => pillTrends.get(region.name) ?? ''} : {})}
			/>
			<FilterBar
				query={state.query}
				searching={state.mode === 'search'}
				draft={state.searchDraft}
				caret={state.caret}
				{...(state.searchError === undefined ? {} : {error: state.searchError})}
				nasLabel={nasLabel}
				width={width}
			/>
			<Box height={bodyHeight} flexDirection="column" overflow="hidden">
				{body}
			</Box>
			<StatusLine
				error={state.error}
				message={status}
				wait={state.dbWait}
				pollStartedAt={state.pollStartedAt}
				fetchedAt={snapshot?.fetchedAt ?? null}
				now={now}
				intervalSeconds={state.intervalSeconds}
				paused={state.paused}
				retryInSeconds={nextInSeconds}
				question={
					state.quitQuestion ? (sweepAsked ? sweepQuitQuestion(state.sweep) : quitQuestionText(state.disconnect)) : undefined
				}
				position={position}
				subscribers={state.subscribers?.status ?? null}
				replica={replica?.status ?? sitesReplicaStatus(siteReplicas, state.intervalSeconds)}
			/>
			{state.mode === 'command' ? (
				<CommandLine
					draft={state.commandDraft ?? ''}
					{...(state.commandNote ? {note: state.commandNote} : {})}
					hints={footerItems(keymap, state)}
					width={width}
				/>
			) : (
				<Footer hints={footerItems(keymap, state)} />
			)}
		</Box>
	);
}
