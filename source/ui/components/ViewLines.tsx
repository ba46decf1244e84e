import {Box, Text} from 'ink';
import {useTheme, type Theme} from '../theme.js';
import type {Tone, ViewLine} from '../view-line.js';

export interface ViewLinesProps {
	readonly lines: readonly ViewLine[];
	/** Drawn in a frame (a view that waits for a decision), `width` wide. */
	readonly framed: boolean;
	readonly width: number;
}

function colorOf(theme: Theme, tone: Tone | undefined): string | undefined {
	return tone === undefined ? undefined : theme[tone];
}

/** The lines a line builder made, painted one Text each: tones, bold, an input cursor or a field split at its cursor. */
export function ViewLines(props: ViewLinesProps) {
	const theme = useTheme();
	const body = props.lines.map((line, index) => (
		<Text key={index} wrap="truncate-end" bold={line.bold ?? false} color={colorOf(theme, line.tone)}>
			{line.text}
			{line.cursor ? <Text inverse> </Text> : null}
			{line.field ? (
				<>
					{line.field.before}
					<Text inverse>{line.field.at}</Text>
					{line.field.after}
				</>
			) : null}
		</Text>
	));
	if (!props.framed) return <Box flexDirection="column">{body}</Box>;
	return (
		<Box flexDirection="column" borderStyle="single" borderColor={theme.accent} paddingX={1} width={props.width}>
			{body}
		</Box>
	);
}
