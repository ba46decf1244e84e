import {Box, Text} from 'ink';
import {sanitize} from '../../terminal/sanitize.js';
import {stringWidth} from '../../terminal/text.js';
import {CONCURRENT_LABEL} from '../concurrent-view.js';
import {caretView} from '../text-field.js';
import type {ViewQuery} from '../state-types.js';
import {useTheme} from '../theme.js';

export interface FilterBarProps {
	readonly query: ViewQuery;
	readonly searching: boolean;
	readonly draft: string;
	/** Where the cursor is in the draft; undefined: at its end. */
	readonly caret?: number | undefined;
	/** Why the draft cannot be read; shown instead of the status and sort while searching. */
	readonly error?: string;
	/** Name of the NAS filtered on, if any. */
	readonly nasLabel: string | null;
	readonly width: number;
}

const SORT_LABELS: Record<ViewQuery['sort']['key'], string> = {
	start: 'start',
	duration: 'duration',
	down: 'down',
	up: 'up',
	rate: 'rate',
	user: 'user',
	remaining: 'time left',
	nas: 'NAS',
	ip: 'framed IP',
};

/**
 * The search text while it is edited, with its cursor: an inverse cell at the end, or on the character it is
 * before. Display only: the App edits the text (with text-field.ts) from the keys it routes. Not ink-text-input: that one edits the value it was last rendered
 * with, so keys arriving before React re-renders (fast typing, a held Backspace) were lost, a chunk of several
 * Backspaces was ignored, a paste went in verbatim with its control characters (a pasted line's CR ended up
 * in the query), and keys typed right after `/` were lost before it had subscribed to input.
 */
function SearchField(props: {
	readonly value: string;
	readonly caret: number | undefined;
	readonly width: number;
	readonly placeholder: string;
}) {
	const theme = useTheme();
	if (!props.value) {
		return (
			<Text wrap="truncate-end">
				<Text inverse>{props.placeholder[0]}</Text>
				<Text color={theme.muted}>{props.placeholder.slice(1)}</Text>
			</Text>
		);
	}
	if (props.caret === undefined || props.caret >= [...props.value].length) {
		return (
			<Text wrap="truncate-start">
				{sanitize(props.value)}
				<Text inverse> </Text>
			</Text>
		);
	}
	// The cursor moved into the text: the text split at it, the cursor kept in view.
	const view = caretView(props.value, props.caret, props.width);
	return (
		<Text wrap="truncate-end">
			{view.before}
			<Text inverse>{view.at}</Text>
			{view.after}
		</Text>
	);
}

/** The search (editable after `/`), status, NAS and sort. The selection is counted once, in the footer. */
export function FilterBar(props: FilterBarProps) {
	const theme = useTheme();
	const {query} = props;
	const arrow = query.sort.direction === 'asc' ? '↑' : '↓';
	const right = [
		props.searching && props.error
			? ''
			: query.concurrent
				? `${CONCURRENT_LABEL}${query.status === 'active' ? '' : ` · ${query.status}`}`
				: query.status,
		props.nasLabel ? `NAS ${sanitize(props.nasLabel)}` : 'all NAS',
		`${SORT_LABELS[query.sort.key]} ${arrow}`,
	].join(' · ');
	return (
		<Box width={props.width}>
			<Box flexGrow={1} flexShrink={1} overflow="hidden">
				{/* Its own box that never shrinks: a long search would otherwise squeeze the "/ " to "/". */}
				<Box flexShrink={0}>
					<Text color={props.searching ? theme.accent : undefined} bold={props.searching}>
						{'/ '}
					</Text>
				</Box>
				{props.searching ? (
					<SearchField
						value={props.draft}
						caret={props.caret}
						width={Math.max(1, props.width - 2 - stringWidth(`  ${right}`))}
						placeholder="user, IP, MAC or scope:"
					/>
				) : (
					<Text wrap="truncate-end" color={query.search ? undefined : theme.muted}>
						{query.search ? sanitize(query.search) : 'search: /'}
					</Text>
				)}
			</Box>
			<Text wrap="truncate-end">
				{props.searching && props.error ? (
					<Text color={theme.warn}>{`  ${sanitize(props.error)}`}</Text>
				) : (
					<Text color={theme.muted}>{`  ${right}`}</Text>
				)}
			</Text>
		</Box>
	);
}
