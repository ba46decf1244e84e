import {Box, Text} from 'ink';
import type {DisconnectState} from '../disconnect-state.js';
import {previewView, progressView, resultsView} from '../disconnect-lines.js';
import {FRAME} from '../layout.js';
import {useTheme, type Theme} from '../theme.js';
import type {Tone, ViewLine} from '../view-line.js';

export interface DisconnectViewProps {
	readonly disconnect: DisconnectState;
	readonly view: 'preview' | 'progress' | 'results';
	readonly now: Date;
	readonly width: number;
	readonly height: number;
	/** Where the cursor is in the field being edited; undefined: at its end. */
	readonly caret?: number | undefined;
}

function colorOf(theme: Theme, tone: Tone | undefined): string | undefined {
	return tone === undefined ? undefined : theme[tone];
}

/** A disconnect's preview (in a frame: it waits for a decision), progress or results, painted line by line. */
export function DisconnectView(props: DisconnectViewProps) {
	const theme = useTheme();
	const framed = props.view === 'preview';
	const width = framed ? props.width - FRAME.columns : props.width;
	const height = framed ? props.height - FRAME.rows : props.height;
	const lines: ViewLine[] =
		props.view === 'preview'
			? previewView(props.disconnect, width, height, props.now, props.caret)
			: props.view === 'progress'
				? progressView(props.disconnect, width, height)
				: resultsView(props.disconnect, width, height);
	const body = lines.map((line, index) => (
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
	if (!framed) return <Box flexDirection="column">{body}</Box>;
	return (
		<Box flexDirection="column" borderStyle="single" borderColor={theme.accent} paddingX={1} width={props.width}>
			{body}
		</Box>
	);
}
