/**
 * The shape of the console's state and the actions its reducer takes. Types only: state.ts and
 * disconnect-reducer.ts reduce them, components render them, hooks turn their changes into effects.
 */
import type {RecoveryCount} from '../disconnect/recovery.js';
import type {DisconnectPreview} from '../disconnect/disconnect-service.js';
import type {DisconnectTarget} from '../disconnect/plan.js';
import type {DisconnectProgress, DisconnectResult} from '../disconnect/result.js';
import type {OnlineHistory} from '../sessions/online-history.js';
import type {Session, SessionStatus, SessionSort} from '../sessions/session.js';
import type {Snapshot} from '../sessions/snapshot.js';
import type {Regions} from '../sessions/regions.js';
import type {SessionSubscriber} from '../subscribers/subscriber-view.js';
import type {UserReport} from '../subscribers/user-lookup.js';
import type {TableColumnId} from '../sessions/session-columns.js';
import type {DisconnectState, PreviewDrift} from './disconnect-state.js';
import type {SweepRun} from '../sweep/execute-sweep.js';
import type {SweepPreview, SweepProgress} from '../sweep/sweep-service.js';
import type {SweepRequest, SweepState} from './sweep-state.js';

/** The three views of a disconnect: its preview, its progress while it runs, and its results. */
export type DisconnectMode = 'preview' | 'progress' | 'results';

/** What has the screen and the keyboard. */
export type Mode =
	'table' | 'search' | 'command' | 'detail' | 'help' | 'nas-picker' | 'columns' | 'user' | 'history' | DisconnectMode | SweepMode;

/** The three views of a stale-session sweep (`W`): its preview, its progress, and its results. */
export type SweepMode = 'sweep-preview' | 'sweep-progress' | 'sweep-results';

/** What the table shows: the filter and the order. */
export interface ViewQuery {
	readonly status: SessionStatus;
	readonly search: string;
	/** NAS IP, or null for every NAS. */
	readonly nas: string | null;
	readonly sort: SessionSort;
	/** Only the open sessions of users with more than one (concurrent-view.ts); absent otherwise. */
	readonly concurrent?: boolean;
	/** Only the rows of this site (`:site`), when the profile lists several; absent: every site. */
	readonly site?: string;
}

/** The open sessions of the detail's user, as read when it opened (the sharing hint: sharing-lines.ts). */
export interface UserOpenSessions {
	readonly username: string;
	/** How many open sessions the user has (the list may hold fewer). */
	readonly count: number;
	/** The first few, oldest first. */
	readonly sessions: readonly Session[];
}

export interface DetailState {
	readonly id: string;
	readonly session?: Session;
	readonly history?: readonly Session[];
	readonly error?: string;
	/** The first of the user's other sessions shown (↑↓ PgUp PgDn scroll them). */
	readonly historyTop?: number;
	/** Who is behind the session (plan, limits, billing), once read; absent when radtop does not read it. */
	readonly subscriber?: DetailSubscriber;
	/** The user's open sessions, for the sharing hint (absent until read, or without a username). */
	readonly openSessions?: UserOpenSessions;
}

/** The user view (`u`): one username as FreeRADIUS's tables know it, scrolled under its title line. */
export interface UserViewState {
	readonly username: string;
	/** Bumped to read the user again (`r`). */
	readonly seq: number;
	readonly report?: UserReport;
	readonly error?: string;
	/** The first line in view below the title. */
	readonly top: number;
	/** Where Esc goes back to. */
	readonly back: 'table' | 'detail';
}

/** The history view (`h`, `:history`): the network's online count over time and one NAS's under it. */
export interface HistoryViewState {
	/** The NAS drawn under the network (its key: the IP, or `site:IP` over several sites), null for the network alone. */
	readonly nas: string | null;
	/** Where Esc goes back to. */
	readonly back: 'table' | 'detail';
}

/** The online history as last read from radacct (history-state.ts), for the history view and the NAS picker. */
export interface OnlineHistoryRead {
	/** Bumped to read it again now (`r` in the view). */
	readonly seq: number;
	readonly history?: OnlineHistory;
	/** Why the last read failed (the view then draws the console's own counts). */
	readonly error?: string;
	/** When it was last read (epoch ms), whether it answered or not. */
	readonly readAt?: number;
}

/** The history view's actions (history-state.ts reduces them). */
export type HistoryAction =
	| {type: 'history-open'}
	| {type: 'history-close'}
	/** The next or previous NAS under the network. */
	| {type: 'history-nas'; by: number}
	| {type: 'history-refresh'}
	| {type: 'history-loaded'; seq: number; at: number; history?: OnlineHistory; error?: string};

/** The subscribers of the rows on screen: by radacctid, with the billing query's columns. */
export interface TableSubscribers {
	readonly byId: ReadonlyMap<string, SessionSubscriber>;
	readonly billingColumns: readonly string[];
	/** One line when part of the last enrichment failed or was late. */
	readonly status: string | null;
}

/** The subscriber of the detail's session as last read. */
export interface DetailSubscriber {
	readonly subscriber: SessionSubscriber | undefined;
	readonly billingColumns: readonly string[];
	/** One line when part of it failed or was late. */
	readonly status: string | null;
}

/** Why a poll failed: the database did not answer in time, a lock, or an error it answered with. */
export type PollErrorKind = 'not-answering' | 'locked' | 'error';

export interface UiState {
	readonly mode: Mode;
	/** The help's first line of bindings in view. */
	readonly helpTop?: number;
	readonly query: ViewQuery;
	/** The search text while it is typed (applied to the query debounced). */
	readonly searchDraft: string;
	/** Where the cursor is in the field being edited (text-field.ts); undefined: at its end. */
	readonly caret?: number;
	/** Why the search being typed cannot be read (the term and the reason); the previous search stays in force. */
	readonly searchError?: string;
	/** Absolute index of the cursor row in the sorted result. */
	readonly cursor: number;
	/** The session under the cursor, followed across refreshes. */
	readonly cursorId: string | null;
	/** Index of the first visible row. */
	readonly top: number;
	/** How many table rows fit. */
	readonly pageSize: number;
	readonly selection: ReadonlySet<string>;
	/** Everything matching the query is selected (`a`). */
	readonly allMatching: boolean;
	readonly paused: boolean;
	readonly intervalSeconds: number;
	readonly masked: boolean;
	readonly readOnly: boolean;
	readonly snapshot: Snapshot | null;
	/** `s` and `<` step through the `remaining` sort (the subscriber tables can be read). */
	readonly sortsRemaining?: boolean;
	/** Who is behind the rows on screen, as the last poll's enrichment found (absent until one answers). */
	readonly subscribers?: TableSubscribers;
	/** The last poll failed: how (a server that does not answer, a lock, any other error), and since when. */
	readonly error: {readonly message: string; readonly since: number; readonly kind?: PollErrorKind} | null;
	/** What a statement in flight waits for, as seen from another connection ("radacct is locked by pid 4242 for 30 s"). */
	readonly dbWait: {readonly text: string; readonly since: number} | null;
	/** When the poll in flight started (epoch ms), null between polls. */
	readonly pollStartedAt: number | null;
	readonly message: {readonly text: string; readonly kind: 'info' | 'error'} | null;
	readonly detail: DetailState | null;
	readonly nasCursor: number;
	/** What Enter in the NAS picker does: filter the table, or disconnect the NAS (`X`). */
	readonly nasPickerPurpose: 'filter' | 'disconnect';
	/** The profile's regions (the NAS picker and the stats line show them). */
	readonly regions?: Regions;
	/** The disconnect being previewed, running, or last finished. */
	readonly disconnect: DisconnectState | null;
	/** The last disconnect's `seq`: the next one takes the number after it. */
	readonly disconnectSeq: number;
	/** Quit once the running disconnect has stopped. */
	readonly quitting: boolean;
	/** `:profile NAME`: the console ends, to open again on that profile. */
	readonly switchProfile?: string;
	/** `q` or Ctrl-C came while a disconnect runs: the question "stop it and quit? y/N" waits for its answer. */
	readonly quitQuestion: boolean;
	/** Bumped when a disconnect run ends: the next poll reads unique users and stale counts again. */
	readonly countsSeq: number;
	/** The view being written to a CSV file (`e`), until it is done. */
	readonly exporting: ViewQuery | null;
	/** When the next poll is due (epoch ms), null while paused. */
	readonly nextPollAt: number | null;
	/** Bumped to ask for a poll now. */
	readonly refreshSeq: number;
	/** The `:` command line while it is typed. */
	readonly commandDraft?: string;
	/** Under the command line: why it cannot run, or what Tab could complete it to. */
	readonly commandNote?: {readonly text: string; readonly kind: 'info' | 'error'};
	/** The columns picked (the profile's `columns`, or `c`); undefined: each view's own. */
	readonly columns?: readonly TableColumnId[];
	/** The status and order the concurrent view was entered from, to go back to when it is left. */
	readonly concurrentBack?: {readonly status: SessionStatus; readonly sort: SessionSort};
	/** The user view (`u`, `:user` with no session) while it is open. */
	readonly userView?: UserViewState;
	/** The column picker (`c`) while it is open. */
	readonly columnPicker?: ColumnPickerState;
	/** The stale-session sweep being previewed, running, or last finished (`W`). */
	readonly sweep?: SweepState | null;
	/** The last sweep's `seq`. */
	readonly sweepSeq?: number;
	/** Which run `v` shows: the one started last. */
	readonly lastRun?: 'disconnect' | 'sweep';
	/** The last pick Enter saved in the picker (`columns` absent: the view's own), for the profile to keep. */
	readonly columnsSave?: {readonly seq: number; readonly columns?: readonly TableColumnId[]};
	/** The history view (`h`) while it is open. */
	readonly historyView?: HistoryViewState;
	/** The online history as last read (absent until the history view or the NAS picker asks for it). */
	readonly onlineHistory?: OnlineHistoryRead;
}

/** The column picker: the column under its cursor (in TABLE_COLUMN_IDS), those checked, and whether it is the view's own choice. */
export interface ColumnPickerState {
	readonly cursor: number;
	readonly checked: readonly TableColumnId[];
	/** Nothing picked: each view shows its own columns (what `r` goes back to). */
	readonly own: boolean;
}

/** The user view's actions (user-view-state.ts reduces them). */
export type UserViewAction =
	| {type: 'user-open'; username: string}
	| {type: 'user-loaded'; username: string; seq: number; report?: UserReport; error?: string}
	/** Scrolls by `by` lines, between 0 and `limit`. */
	| {type: 'user-scroll'; by: number; limit: number}
	| {type: 'user-refresh'}
	| {type: 'user-close'};

/** The column picker's actions (column-picker.ts reduces them); `columns-open` opens it from the table. */
export type ColumnPickerAction =
	| {type: 'columns-open'}
	| {type: 'columns-move'; by: number}
	| {type: 'columns-toggle'}
	| {type: 'columns-reset'}
	| {type: 'columns-save'}
	/** How saving pick `seq` went: where it was kept (absent: nowhere, this console only), or why it was not. */
	| {type: 'columns-saved'; seq: number; where?: string; error?: string};

/** The reducer's actions: every key press and every answer of an effect becomes one. */
export type UiAction =
	| {type: 'resize'; pageSize: number}
	| {type: 'move'; by: number}
	| {type: 'move-page'; pages: number}
	| {type: 'jump'; to: 'top' | 'bottom'}
	| {type: 'search-start'}
	/** The field's new text; `caret` where its cursor goes (absent: the end). */
	| {type: 'search-input'; text: string; caret?: number}
	/** The cursor of the field being edited moves to `at`. */
	| {type: 'caret'; at: number}
	| {type: 'search-apply'}
	| {type: 'search-commit'}
	| {type: 'search-cancel'}
	| {type: 'command-start'}
	| {type: 'command-input'; text: string}
	| {type: 'command-complete'}
	| {type: 'command-run'}
	| {type: 'command-cancel'}
	| {type: 'nas-picker-open'; purpose?: 'filter' | 'disconnect'}
	| {type: 'nas-picker-move'; by: number}
	| {type: 'nas-picker-choose'}
	| {type: 'cycle-status'}
	| {type: 'toggle-concurrent'}
	| {type: 'sort-next'}
	| {type: 'sort-previous'}
	| {type: 'sort-reverse'}
	| {type: 'toggle-select'}
	| {type: 'select-all'}
	| {type: 'escape'}
	| {type: 'open-detail'}
	| {type: 'detail-scroll'; by: number}
	| {type: 'detail-loaded'; id: string; session?: Session; history?: readonly Session[]; error?: string}
	| {type: 'detail-subscriber'; id: string; subscriber: DetailSubscriber}
	| {type: 'detail-open-sessions'; id: string; openSessions: UserOpenSessions}
	| {type: 'subscribers'; subscribers: TableSubscribers}
	| {type: 'toggle-help'}
	/** Scrolls the help by `by` lines, between 0 and `limit`. */
	| {type: 'help-scroll'; by: number; limit: number}
	| {type: 'toggle-pause'}
	| {type: 'interval'; delta: number}
	| {type: 'toggle-mask'}
	| {type: 'refresh'}
	| {type: 'snapshot'; snapshot: Snapshot}
	| {type: 'poll-error'; message: string; at: number; kind?: PollErrorKind}
	| {type: 'poll-started'; at: number}
	| {type: 'db-wait'; text: string | null; at: number}
	| {type: 'scheduled'; at: number | null}
	| {type: 'message'; text: string; kind: 'info' | 'error'}
	| {type: 'message-expired'; message: NonNullable<UiState['message']>}
	| DisconnectAction
	| SweepAction
	| ColumnPickerAction
	| UserViewAction
	| HistoryAction
	| {type: 'export-start'}
	| {type: 'export-done'; rows: number; path: string}
	| {type: 'export-failed'; message: string};

/**
 * The reducer's actions that drive a disconnect (the state's `disconnect` field), sent by keys and by
 * use-disconnect.ts; disconnect-reducer.ts reduces them.
 */
export type DisconnectAction =
	| {
			type: 'disconnect-request';
			target: DisconnectTarget;
			label: string;
			fromSelection?: boolean;
			/** The selected sessions the screen did not show when `d` was pressed. */
			notInView?: readonly string[];
	  }
	| {type: 'disconnect-previewed'; seq: number; preview: DisconnectPreview}
	| {type: 'disconnect-drift'; seq: number; drift: PreviewDrift}
	| {type: 'disconnect-failed'; seq: number; message: string}
	| {type: 'disconnect-edit'; text: string; caret?: number}
	| {type: 'disconnect-focus'}
	| {type: 'disconnect-confirm'; key: 'enter' | 'y'}
	| {type: 'disconnect-progress'; seq: number; progress: DisconnectProgress}
	| {type: 'disconnect-finished'; seq: number; result: DisconnectResult}
	| {type: 'disconnect-stop'}
	| {type: 'disconnect-hide'}
	| {type: 'disconnect-show'}
	| {type: 'disconnect-close'}
	| {type: 'disconnect-retry'}
	| {type: 'results-scroll'; by: number}
	| {type: 'recovery-counted'; seq: number; count: RecoveryCount}
	| {type: 'recovery-dismiss'}
	| {type: 'quit-ask'}
	| {type: 'quit-cancel'}
	| {type: 'quit-requested'};

/** The actions of a stale-session sweep (the state's `sweep` field), sent by keys and by use-sweep.ts; sweep-reducer.ts reduces them. */
export type SweepAction =
	| ({type: 'sweep-request'} & SweepRequest)
	| {type: 'sweep-previewed'; seq: number; preview: SweepPreview}
	| {type: 'sweep-failed'; seq: number; message: string}
	| {type: 'sweep-edit'; text: string; caret?: number}
	| {type: 'sweep-focus'}
	| {type: 'sweep-verify-toggle'}
	| {type: 'sweep-confirm'; key: 'enter' | 'y'}
	| {type: 'sweep-progress'; seq: number; progress: SweepProgress}
	| {type: 'sweep-finished'; seq: number; run: SweepRun}
	| {type: 'sweep-stop'}
	| {type: 'sweep-hide'}
	| {type: 'sweep-show'}
	| {type: 'sweep-close'}
	| {type: 'sweep-scroll'; by: number};
