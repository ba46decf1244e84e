import {Box, Text} from 'ink';
import {columnPickerLines} from '../column-picker.js';
import type {UiState} from '../state-types.js';
import {useTheme} from '../theme.js';

/** The column picker (`c`): each column with its checkbox, the one under the cursor inverse. */
export function ColumnPicker(props: {readonly state: UiState; readonly width: number; readonly height: number}) {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			{columnPickerLines(props.state, props.width, props.height).map((line, index) => (
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
