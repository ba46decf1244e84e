import {Box, Text} from 'ink';
import {nasPickerLines, type NasChoice, type NasTrends} from '../nas-picker-lines.js';
import {useTheme} from '../theme.js';

export interface NasPickerProps {
	readonly choices: readonly NasChoice[];
	readonly cursor: number;
	readonly current: string | null;
	readonly width: number;
	readonly height: number;
	/** After `X` the pick disconnects the NAS rather than filtering on it. */
	readonly purpose: 'filter' | 'disconnect';
	/** The database's clock, for how long ago each NAS reloaded. */
	readonly now?: Date;
	/** Each NAS's online count over time, for its sparkline. */
	readonly trends?: NasTrends;
}

/** The NAS list with open-session counts; Enter filters on (or, after `X`, previews disconnecting) the one under the cursor. */
export function NasPicker(props: NasPickerProps) {
	const theme = useTheme();
	const lines = nasPickerLines(
		props.choices,
		props.cursor,
		props.current,
		props.purpose,
		props.width,
		props.height,
		props.now,
		props.trends,
	);
	return (
		<Box flexDirection="column">
			{lines.map((line, index) => (
				<Text
					key={index}
					wrap="truncate-end"
					bold={line.bold ?? false}
					inverse={line.inverse ?? false}
					color={line.tone ? theme[line.tone] : undefined}
				>
					{line.text}
				</Text>
			))}
		</Box>
	);
}
