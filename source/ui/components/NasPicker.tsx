import {Box, Text} from 'ink';
import {formatCount} from '../../sessions/format.js';
import {sanitize} from '../../terminal/sanitize.js';
import {fit} from '../../terminal/text.js';
import {useTheme} from '../theme.js';

export interface NasPickerProps {
	readonly choices: ReadonlyArray<{ip: string | null; label: string; sessions: number}>;
	readonly cursor: number;
	readonly current: string | null;
	readonly height: number;
	/** After `X` the pick disconnects the NAS rather than filtering on it. */
	readonly purpose: 'filter' | 'disconnect';
}

/** The NAS list with open-session counts; Enter filters on the one under the cursor. */
export function NasPicker(props: NasPickerProps) {
	const theme = useTheme();
	const room = Math.max(1, props.height - 1);
	const first = Math.max(0, Math.min(props.cursor - Math.floor(room / 2), props.choices.length - room));
	const visible = props.choices.slice(first, first + room);
	return (
		<Box flexDirection="column">
			{props.purpose === 'disconnect' ? (
				<Text bold color={theme.warn}>
					disconnect every session of which NAS? · ↑↓ Enter previews · Esc cancels
				</Text>
			) : (
				<Text bold color={theme.accent}>
					filter on a NAS · ↑↓ Enter · Esc cancels
				</Text>
			)}
			{visible.map((choice, index) => {
				const position = first + index;
				const active = choice.ip === props.current;
				return (
					<Text key={choice.ip ?? 'all'} inverse={position === props.cursor}>
						{active ? '● ' : '  '}
						{fit(sanitize(choice.label), 20)} {fit(choice.ip ?? '', 16)} {fit(formatCount(choice.sessions), 9, 'right')}
					</Text>
				);
			})}
		</Box>
	);
}
