import {Box, Text} from 'ink';
import {fit} from '../../terminal/text.js';
import {helpEntries, type Binding} from '../keymap.js';
import {useTheme} from '../theme.js';

export interface HelpOverlayProps {
	readonly keymap: readonly Binding[];
	readonly readOnly: boolean;
	readonly width: number;
	readonly height: number;
}

/** Every binding of the keymap in force, in as many columns as the width allows. */
export function HelpOverlay(props: HelpOverlayProps) {
	const theme = useTheme();
	const entries = helpEntries(props.keymap);
	const rows = Math.max(1, props.height - 2);
	const columns = Math.ceil(entries.length / rows);
	const columnWidth = Math.floor(props.width / Math.max(1, columns));
	const lines: string[] = [];
	for (let row = 0; row < Math.min(rows, entries.length); row++) {
		let line = '';
		for (let column = 0; column < columns; column++) {
			const entry = entries[column * rows + row];
			if (entry) line += fit(`${fit(entry.label, 7)} ${entry.description}`, columnWidth - 1) + ' ';
		}
		lines.push(line.trimEnd());
	}
	return (
		<Box flexDirection="column">
			<Text bold color={theme.accent}>
				keys{props.readOnly ? ' (read-only: actions that disconnect are off)' : ''} · ? or Esc closes
			</Text>
			{lines.map((line, index) => (
				<Text key={index} wrap="truncate-end">
					{line}
				</Text>
			))}
		</Box>
	);
}
