import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import {formatCount} from '../../sessions/format.js';
import {sanitize} from '../../terminal/sanitize.js';
import type {ViewQuery} from '../state.js';
import {useTheme} from '../theme.js';

export interface FilterBarProps {
	readonly query: ViewQuery;
	readonly searching: boolean;
	readonly draft: string;
	readonly onDraft: (text: string) => void;
	/** Name of the NAS filtered on, if any. */
	readonly nasLabel: string | null;
	readonly selected: number;
	readonly allMatching: boolean;
	readonly width: number;
}

const SORT_LABELS: Record<ViewQuery['sort']['key'], string> = {
	start: 'start',
	duration: 'duration',
	down: 'down',
	up: 'up',
	user: 'user',
	nas: 'NAS',
	ip: 'framed IP',
};

/** The search (editable after `/`), status, NAS, sort and the selection count. */
export function FilterBar(props: FilterBarProps) {
	const theme = useTheme();
	const {query} = props;
	const arrow = query.sort.direction === 'asc' ? '↑' : '↓';
	const right = [
		query.status,
		props.nasLabel ? `NAS ${sanitize(props.nasLabel)}` : 'all NAS',
		`${SORT_LABELS[query.sort.key]} ${arrow}`,
	].join(' · ');
	const selection = props.allMatching ? 'all matching selected' : props.selected > 0 ? `${formatCount(props.selected)} selected` : '';
	return (
		<Box width={props.width}>
			<Box flexGrow={1} flexShrink={1} overflow="hidden">
				<Text color={props.searching ? theme.accent : undefined} bold={props.searching}>/ </Text>
				{props.searching ? (
					<TextInput value={props.draft} onChange={props.onDraft} placeholder="user, IP or MAC" showCursor />
				) : (
					<Text wrap="truncate-end" color={query.search ? undefined : theme.muted}>{query.search ? sanitize(query.search) : 'search: /'}</Text>
				)}
			</Box>
			<Text wrap="truncate-end">
				<Text color={theme.muted}>  {right}</Text>
				{selection ? <Text bold color={theme.warn}>  {selection}</Text> : null}
			</Text>
		</Box>
	);
}
