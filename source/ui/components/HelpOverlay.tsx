import {Box, Text} from 'ink';
import {helpLines} from '../help-lines.js';
import {helpEntries, type Binding} from '../keymap.js';
import {useTheme} from '../theme.js';

export interface HelpOverlayProps {
	readonly keymap: readonly Binding[];
	readonly readOnly: boolean;
	readonly width: number;
	readonly height: number;
	readonly top: number;
}

/** Every binding of the keymap in force, one or two a line, scrolled by ↑↓. */
export function HelpOverlay(props: HelpOverlayProps) {
	const theme = useTheme();
	const lines = helpLines(helpEntries(props.keymap), props.readOnly, props.width, props.height, props.top);
	return (
		<Box flexDirection="column">
			{lines.map((line, index) => (
				<Text key={index} wrap="truncate-end" bold={line.bold ?? false} color={line.tone ? theme[line.tone] : undefined}>
					{line.text}
				</Text>
			))}
		</Box>
	);
}
